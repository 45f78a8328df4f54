//! Which part of a message the buyer wrote, and a normalised form of it to match cues on.
//!
//! Normalising folds away what buyers leave out or type differently: case, accents on Latin
//! letters ("reembolso" = "réembolso", "zuruckgeben" = "zurückgeben"), full-width Latin, the
//! traditional forms of common Chinese characters (退貨 = 退货), Arabic letter variants and
//! diacritics. Cue patterns go through the same function, so a cue written with accents
//! matches text written without them.

use unicode_normalization::char::decompose_canonical;

/// How many characters of the buyer's own text are read; long mails say what they want early.
const MAX_BODY_CHARS: usize = 4000;

/// Marks a sentence boundary in [`Prepared::chars`], so no cue spans two sentences.
pub(crate) const BOUNDARY: char = '\u{1}';

/// The buyer's own text: quoted history, forwarded headers and the signature are cut off.
/// Falls back to the whole text when cutting would leave nothing.
pub fn body(text: &str) -> String {
    let mut out = String::new();
    let mut lines_kept = 0usize;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('>') {
            continue;
        }
        let lower = trimmed.to_lowercase();
        if lines_kept > 0 && ends_body(trimmed, &lower) {
            break;
        }
        if trimmed.is_empty() {
            out.push('\n');
            continue;
        }
        out.push_str(trimmed);
        out.push('\n');
        lines_kept += 1;
        if out.len() > MAX_BODY_CHARS * 4 {
            break;
        }
    }
    let out = if out.trim().is_empty() { text } else { &out };
    out.trim().chars().take(MAX_BODY_CHARS).collect()
}

/// A line after which the rest is not the buyer's new text.
fn ends_body(trimmed: &str, lower: &str) -> bool {
    if trimmed == "--" || trimmed == "-- " || trimmed == "—" {
        return true;
    }
    if trimmed.len() >= 10 && trimmed.chars().all(|c| c == '_' || c == '-' || c == '=') {
        return true;
    }
    const SEPARATORS: &[&str] = &[
        "original message",
        "ursprüngliche nachricht",
        "message d'origine",
        "message d’origine",
        "mensaje original",
        "messaggio originale",
        "mensagem original",
        "oorspronkelijk bericht",
        "oryginalna wiadomość",
        "forwarded message",
        "原始邮件",
        "原始郵件",
        "元のメッセージ",
        "원본 메시지",
    ];
    if lower.starts_with("---") && SEPARATORS.iter().any(|s| lower.contains(s)) {
        return true;
    }
    // "On Mon, 3 Jun 2024 at 10:00, Shop <x@y> wrote:" and its translations.
    const WROTE: &[&str] = &[
        "wrote",
        "schrieb",
        "a écrit",
        "escribió",
        "ha scritto",
        "escreveu",
        "schreef",
        "napisał",
        "写道",
        "寫道",
        "작성",
        "كتب",
        "đã viết",
        "menulis",
        "のメッセージ",
        "さんは書きました",
        "เขียน",
    ];
    if (lower.ends_with(':') || lower.ends_with('：')) && WROTE.iter().any(|w| lower.contains(w)) {
        return true;
    }
    const HEADERS: &[&str] = &[
        "from:",
        "von:",
        "de :",
        "da:",
        "od:",
        "van:",
        "dari:",
        "发件人",
        "寄件者",
        "差出人",
        "보낸 사람",
        "sent from my",
        "gesendet von meinem",
        "envoyé de mon",
        "enviado desde mi",
        "enviado do meu",
        "inviato da",
        "verzonden vanaf",
        "verstuurd vanaf",
        "wysłane z",
    ];
    if HEADERS.iter().any(|h| lower.starts_with(h)) {
        return true;
    }
    // Closings: what follows is a name, a phone number, a company footer.
    const CLOSINGS: &[&str] = &[
        "best regards",
        "kind regards",
        "warm regards",
        "regards",
        "sincerely",
        "yours sincerely",
        "yours faithfully",
        "mit freundlichen grüßen",
        "mit freundlichen grüssen",
        "mit freundlichem gruß",
        "freundliche grüße",
        "viele grüße",
        "liebe grüße",
        "beste grüße",
        "mfg",
        "cordialement",
        "bien cordialement",
        "bien à vous",
        "sincères salutations",
        "atentamente",
        "saludos cordiales",
        "un saludo",
        "cordiali saluti",
        "distinti saluti",
        "atenciosamente",
        "cumprimentos",
        "met vriendelijke groet",
        "met vriendelijke groeten",
        "vriendelijke groet",
        "mvg",
        "z poważaniem",
        "pozdrawiam",
        "此致",
        "敬具",
        "trân trọng",
        "hormat saya",
        "salam hormat",
    ];
    trimmed.chars().count() <= 32
        && CLOSINGS.iter().any(|c| {
            lower
                .strip_prefix(c)
                .is_some_and(|rest| rest.chars().all(|ch| !ch.is_alphanumeric()))
        })
}

/// Lower-cases and folds one character into `out` (see the module comment).
pub(crate) fn fold_char(c: char, out: &mut String) {
    let c = match c as u32 {
        // Full-width ASCII and the ideographic space.
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    };
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    match c {
        'ß' | 'ẞ' => return out.push_str("ss"),
        'æ' | 'Æ' => return out.push_str("ae"),
        'œ' | 'Œ' => return out.push_str("oe"),
        'ł' | 'Ł' => return out.push('l'),
        'đ' | 'Đ' => return out.push('d'),
        'ø' | 'Ø' => return out.push('o'),
        'ı' => return out.push('i'),
        'þ' | 'Þ' => return out.push_str("th"),
        // Apostrophes and quotes that buyers' keyboards produce.
        '’' | '‘' | '`' | '´' | 'ʼ' => return out.push('\''),
        '¿' | '¡' => return out.push(' '),
        _ => {}
    }
    let cp = c as u32;
    if (0xC0..=0x24F).contains(&cp) || (0x1E00..=0x1EFF).contains(&cp) {
        for lower in c.to_lowercase() {
            decompose_canonical(lower, |d| {
                if !('\u{300}'..='\u{36F}').contains(&d) {
                    out.push(d);
                }
            });
        }
        return;
    }
    if (0x600..=0x6FF).contains(&cp) {
        match c {
            // Diacritics and the tatweel carry no meaning for matching.
            '\u{64B}'..='\u{652}' | '\u{670}' | '\u{640}' => {}
            'أ' | 'إ' | 'آ' | 'ٱ' => out.push('ا'),
            'ة' => out.push('ه'),
            'ى' | 'ئ' => out.push('ي'),
            'ؤ' => out.push('و'),
            'ک' => out.push('ك'),
            'ی' => out.push('ي'),
            '٠'..='٩' => out.push(char::from_u32(cp - 0x660 + 0x30).unwrap_or(c)),
            '۰'..='۹' => out.push(char::from_u32(cp - 0x6F0 + 0x30).unwrap_or(c)),
            '؟' => out.push('?'),
            '،' | '؛' => out.push(','),
            _ => out.push(c),
        }
        return;
    }
    if let Some(simple) = simplified(c) {
        return out.push(simple);
    }
    match c {
        '。' | '．' => out.push('.'),
        '、' | '，' => out.push(','),
        _ => out.extend(c.to_lowercase()),
    }
}

/// The normalised form of a whole string (see [`fold_char`]).
pub fn normalise(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        fold_char(c, &mut out);
    }
    out
}

/// Traditional Chinese characters common in after-sales mail, folded to their simplified form.
const TRADITIONAL: &[(char, char)] = &[
    ('貨', '货'),
    ('單', '单'),
    ('發', '发'),
    ('訂', '订'),
    ('題', '题'),
    ('問', '问'),
    ('買', '买'),
    ('賣', '卖'),
    ('帳', '账'),
    ('賬', '账'),
    ('錢', '钱'),
    ('還', '还'),
    ('沒', '没'),
    ('這', '这'),
    ('麼', '么'),
    ('為', '为'),
    ('長', '长'),
    ('時', '时'),
    ('間', '间'),
    ('號', '号'),
    ('碼', '码'),
    ('運', '运'),
    ('遞', '递'),
    ('郵', '邮'),
    ('壞', '坏'),
    ('損', '损'),
    ('質', '质'),
    ('換', '换'),
    ('請', '请'),
    ('謝', '谢'),
    ('幫', '帮'),
    ('給', '给'),
    ('說', '说'),
    ('説', '说'),
    ('讓', '让'),
    ('東', '东'),
    ('個', '个'),
    ('們', '们'),
    ('來', '来'),
    ('對', '对'),
    ('會', '会'),
    ('過', '过'),
    ('開', '开'),
    ('關', '关'),
    ('機', '机'),
    ('電', '电'),
    ('話', '话'),
    ('實', '实'),
    ('價', '价'),
    ('經', '经'),
    ('應', '应'),
    ('該', '该'),
    ('當', '当'),
    ('現', '现'),
    ('與', '与'),
    ('從', '从'),
    ('後', '后'),
    ('裡', '里'),
    ('裏', '里'),
    ('離', '离'),
    ('動', '动'),
    ('點', '点'),
    ('無', '无'),
    ('網', '网'),
    ('車', '车'),
    ('產', '产'),
    ('傳', '传'),
    ('備', '备'),
    ('態', '态'),
    ('據', '据'),
    ('聯', '联'),
    ('係', '系'),
    ('繫', '系'),
    ('響', '响'),
    ('顯', '显'),
    ('樣', '样'),
    ('處', '处'),
    ('務', '务'),
    ('員', '员'),
    ('記', '记'),
    ('錄', '录'),
    ('寫', '写'),
    ('認', '认'),
    ('識', '识'),
    ('護', '护'),
    ('險', '险'),
    ('驗', '验'),
    ('體', '体'),
    ('條', '条'),
    ('標', '标'),
    ('準', '准'),
    ('確', '确'),
    ('證', '证'),
    ('類', '类'),
    ('總', '总'),
    ('計', '计'),
    ('錯', '错'),
    ('誤', '误'),
    ('騙', '骗'),
    ('詐', '诈'),
    ('線', '线'),
    ('邊', '边'),
    ('達', '达'),
    ('遲', '迟'),
    ('進', '进'),
    ('連', '连'),
    ('專', '专'),
    ('業', '业'),
    ('滿', '满'),
    ('評', '评'),
    ('論', '论'),
    ('師', '师'),
    ('訴', '诉'),
    ('報', '报'),
    ('協', '协'),
    ('費', '费'),
    ('額', '额'),
    ('貼', '贴'),
    ('顏', '颜'),
    ('補', '补'),
    ('償', '偿'),
    ('賠', '赔'),
    ('燒', '烧'),
    ('煙', '烟'),
    ('觸', '触'),
    ('劃', '划'),
    ('漲', '涨'),
    ('倉', '仓'),
    ('庫', '库'),
    ('門', '门'),
    ('啟', '启'),
    ('聲', '声'),
    ('燈', '灯'),
    ('變', '变'),
    ('舊', '旧'),
    ('髒', '脏'),
    ('臟', '脏'),
    ('壓', '压'),
    ('區', '区'),
    ('樓', '楼'),
    ('層', '层'),
    ('戶', '户'),
    ('屬', '属'),
    ('於', '于'),
    ('並', '并'),
    ('鋪', '铺'),
    ('舖', '铺'),
    ('銷', '销'),
    ('詢', '询'),
    ('諮', '咨'),
    ('訊', '讯'),
    ('絡', '络'),
    ('緊', '紧'),
    ('爛', '烂'),
    ('廢', '废'),
    ('氣', '气'),
    ('討', '讨'),
    ('厭', '厌'),
    ('極', '极'),
    ('棄', '弃'),
    ('購', '购'),
    ('貴', '贵'),
    ('嗎', '吗'),
    ('歡', '欢'),
    ('愛', '爱'),
    ('讚', '赞'),
    ('優', '优'),
    ('級', '级'),
    ('熱', '热'),
    ('測', '测'),
    ('試', '试'),
    ('書', '书'),
    ('選', '选'),
    ('寬', '宽'),
    ('鬆', '松'),
    ('稅', '税'),
    ('領', '领'),
    ('張', '张'),
    ('紙', '纸'),
    ('資', '资'),
    ('項', '项'),
    ('續', '续'),
    ('斷', '断'),
    ('導', '导'),
    ('腦', '脑'),
    ('視', '视'),
    ('頻', '频'),
    ('錶', '表'),
    ('鏡', '镜'),
    ('鍵', '键'),
    ('盤', '盘'),
    ('裝', '装'),
    ('軟', '软'),
    ('遺', '遗'),
    ('丟', '丢'),
    ('竊', '窃'),
    ('簽', '签'),
    ('櫃', '柜'),
    ('蝦', '虾'),
    ('團', '团'),
    ('預', '预'),
    ('約', '约'),
    ('圖', '图'),
    ('際', '际'),
    ('維', '维'),
    ('權', '权'),
    ('絕', '绝'),
    ('嚴', '严'),
    ('緩', '缓'),
    ('復', '复'),
    ('覆', '复'),
    ('複', '复'),
    ('辦', '办'),
    ('終', '终'),
    ('馬', '马'),
    ('風', '风'),
    ('飛', '飞'),
    ('務', '务'),
    ('態', '态'),
    ('歸', '归'),
    ('級', '级'),
    ('託', '托'),
    ('擔', '担'),
    ('憑', '凭'),
    ('據', '据'),
    ('數', '数'),
    ('幾', '几'),
    ('兩', '两'),
    ('週', '周'),
    ('寶', '宝'),
    ('淘', '淘'),
    ('顧', '顾'),
    ('戶', '户'),
    ('拋', '抛'),
    ('內', '内'),
    ('裂', '裂'),
    ('劣', '劣'),
    ('陣', '阵'),
    ('場', '场'),
    ('麗', '丽'),
    ('紅', '红'),
    ('綠', '绿'),
    ('藍', '蓝'),
    ('黃', '黄'),
    ('圍', '围'),
    ('廣', '广'),
    ('屆', '届'),
    ('統', '统'),
    ('帶', '带'),
    ('庫', '库'),
    ('訪', '访'),
    ('設', '设'),
    ('調', '调'),
    ('節', '节'),
    ('編', '编'),
    ('輸', '输'),
    ('狀', '状'),
    ('況', '况'),
    ('勁', '劲'),
    ('頭', '头'),
    ('誰', '谁'),
    ('許', '许'),
    ('囉', '啰'),
    ('喲', '哟'),
];

fn simplified(c: char) -> Option<char> {
    if !('\u{4E00}'..='\u{9FFF}').contains(&c) {
        return None;
    }
    TRADITIONAL.iter().find(|(t, _)| *t == c).map(|(_, s)| *s)
}

/// The writing systems the classifier tells apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Script {
    /// Latin, Cyrillic, Greek, digits: words separated by spaces, matched as tokens.
    Alphabetic,
    Han,
    Kana,
    Hangul,
    Thai,
    Arabic,
    Other,
}

pub(crate) fn script_of(c: char) -> Script {
    match c as u32 {
        0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => Script::Kana,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF => Script::Han,
        0xAC00..=0xD7AF | 0x1100..=0x11FF | 0x3130..=0x318F => Script::Hangul,
        0x0E00..=0x0E7F => Script::Thai,
        0x0600..=0x06FF | 0x0750..=0x077F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => Script::Arabic,
        _ if c.is_alphanumeric() => Script::Alphabetic,
        _ => Script::Other,
    }
}

/// Whether cues in this script are matched as substrings (no spaces between words, or words
/// glued to particles and prefixes) rather than as whole tokens.
pub(crate) fn is_substring_script(s: Script) -> bool {
    matches!(
        s,
        Script::Han | Script::Kana | Script::Hangul | Script::Thai | Script::Arabic
    )
}

/// One word of an alphabetic script, normalised.
#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub text: String,
    pub sentence: u32,
    /// How much a cue starting here counts: earlier text weighs more.
    pub weight: f32,
}

/// A message ready for cue matching.
#[derive(Debug, Default)]
pub(crate) struct Prepared {
    /// The text as given to [`prepare`] (for emoji and emoticons).
    pub original: String,
    /// Alphabetic words, in order.
    pub tokens: Vec<Token>,
    /// Every letter and digit, without spaces or punctuation, with [`BOUNDARY`] between
    /// sentences: where cues in scripts without spaces are found.
    pub chars: Vec<char>,
    pub char_weights: Vec<f32>,
    /// Sentences that end in or contain a question mark, by index.
    pub question_sentences: Vec<bool>,
    pub exclamations: usize,
    /// Several words in capitals: the buyer is shouting.
    pub shouting: bool,
    /// A question asked twice over: "??", "?!".
    pub insistent: bool,
}

impl Prepared {
    pub fn has_question(&self) -> bool {
        self.question_sentences.iter().any(|q| *q)
    }
}

/// Elisions that start a new word after the apostrophe (French l'article, Italian dov'è);
/// other apostrophes are dropped (haven't → havent), so both spellings match the same cue.
const ELISIONS: &[&str] = &[
    "l", "d", "j", "n", "qu", "c", "s", "m", "t", "jusqu", "lorsqu", "puisqu", "dell", "all",
    "dall", "nell", "sull", "un", "dov", "quest", "quell", "nessun", "anch", "cos", "com", "po",
    "tutt", "buon", "senz",
];

/// Position weight: the first few lines carry the request; later ones tell the story.
fn position_weight(offset: usize) -> f32 {
    if offset < 300 {
        1.0
    } else {
        (1.0 - (offset - 300) as f32 / 2400.0).max(0.5)
    }
}

fn is_sentence_end(c: char, next: Option<char>) -> bool {
    match c {
        '!' | '?' | '。' | '！' | '？' | '؟' | '\n' | ';' | '…' | '|' => true,
        '.' => next.is_none_or(|n| n.is_whitespace() || n == '"' || n == ')'),
        _ => false,
    }
}

/// Splits `body` into tokens and the compact character stream (see [`Prepared`]).
pub(crate) fn prepare(body: &str) -> Prepared {
    let mut p = Prepared {
        original: body.to_owned(),
        ..Prepared::default()
    };
    let mut sentence: u32 = 0;
    let mut question = false;
    let mut word = String::new();
    let mut word_start = 0usize;
    let mut word_script = Script::Other;
    let mut folded = String::new();
    let mut caps_words = 0usize;
    let mut upper_in_word = 0usize;
    let mut lower_in_word = 0usize;

    let chars: Vec<char> = body.chars().collect();
    let flush = |p: &mut Prepared, word: &mut String, start: usize, sentence: u32| {
        if !word.is_empty() {
            p.tokens.push(Token {
                text: std::mem::take(word),
                sentence,
                weight: position_weight(start),
            });
        }
    };
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        if c.is_uppercase() {
            upper_in_word += 1;
        } else if c.is_lowercase() {
            lower_in_word += 1;
        }
        if is_sentence_end(c, next) {
            flush(&mut p, &mut word, word_start, sentence);
            if c == '!' || c == '！' {
                p.exclamations += 1;
            }
            if matches!(c, '?' | '？' | '؟') {
                question = true;
                if next.is_some_and(|n| matches!(n, '?' | '？' | '؟' | '!' | '！')) {
                    p.insistent = true;
                }
            }
            // A run of "?!" or "!!!" ends one sentence, not several.
            if next.is_some_and(|n| is_sentence_end(n, chars.get(i + 2).copied())) {
                continue;
            }
            if p.chars.last().is_some_and(|l| *l != BOUNDARY) {
                p.chars.push(BOUNDARY);
                p.char_weights.push(position_weight(i));
            }
            p.question_sentences.push(question);
            question = false;
            sentence += 1;
            continue;
        }
        folded.clear();
        fold_char(c, &mut folded);
        for f in folded.chars() {
            let script = script_of(f);
            let apostrophe = f == '\'';
            if apostrophe {
                let between_letters = !word.is_empty()
                    && next
                        .is_some_and(|n| n.is_alphabetic() && script_of(n) == Script::Alphabetic);
                if between_letters && ELISIONS.contains(&word.as_str()) {
                    flush(&mut p, &mut word, word_start, sentence);
                }
                // Otherwise the apostrophe is dropped and the word goes on.
                if between_letters {
                    continue;
                }
            }
            if script == Script::Other {
                if !word.is_empty() {
                    if upper_in_word >= 4 && lower_in_word == 0 {
                        caps_words += 1;
                    }
                    flush(&mut p, &mut word, word_start, sentence);
                }
                upper_in_word = 0;
                lower_in_word = 0;
                continue;
            }
            p.chars.push(f);
            p.char_weights.push(position_weight(i));
            if is_substring_script(script) {
                flush(&mut p, &mut word, word_start, sentence);
                continue;
            }
            if word.is_empty() {
                word_start = i;
                word_script = script;
            } else if word_script != script {
                flush(&mut p, &mut word, word_start, sentence);
                word_start = i;
                word_script = script;
            }
            word.push(f);
        }
    }
    if upper_in_word >= 4 && lower_in_word == 0 && !word.is_empty() {
        caps_words += 1;
    }
    flush(&mut p, &mut word, word_start, sentence);
    p.question_sentences.push(question);
    p.shouting = caps_words >= 3;
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        prepare(s).tokens.into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn folds_accents_case_and_width() {
        assert_eq!(normalise("Rückerstattung"), "ruckerstattung");
        assert_eq!(normalise("REMBOURSÉ"), "rembourse");
        assert_eq!(normalise("Đơn hàng"), "don hang");
        assert_eq!(normalise("Przesyłka"), "przesylka");
        assert_eq!(normalise("Straße"), "strasse");
        assert_eq!(normalise("ＡＢＣ１"), "abc1");
        assert_eq!(normalise("退貨"), "退货");
        assert_eq!(normalise("أين طلبي؟"), "اين طلبي?");
    }

    #[test]
    fn apostrophes_split_elisions_and_join_contractions() {
        assert_eq!(
            words("J'ai reçu l'article"),
            ["j", "ai", "recu", "l", "article"]
        );
        assert_eq!(words("I haven't got it"), ["i", "havent", "got", "it"]);
        assert_eq!(words("Dov’è il pacco?"), ["dov", "e", "il", "pacco"]);
    }

    #[test]
    fn sentences_questions_and_shouting() {
        let p = prepare("Where is it?! I PAID ALREADY, SEND IT NOW. ok");
        assert_eq!(p.question_sentences, [true, false, false]);
        assert_eq!(p.tokens.iter().map(|t| t.sentence).max(), Some(2));
        assert_eq!(p.exclamations, 1);
        assert!(p.shouting);
        assert!(!prepare("My USB cable from DHL").shouting);
    }

    #[test]
    fn scripts_without_spaces_go_to_the_char_stream() {
        let p = prepare("订单号 12345 还没到。Amazonで注文");
        assert_eq!(
            p.tokens.iter().map(|t| t.text.as_str()).collect::<Vec<_>>(),
            ["12345", "amazon"]
        );
        let s: String = p.chars.iter().collect();
        assert_eq!(s, "订单号12345还没到\u{1}amazon で注文".replace(' ', ""));
    }

    #[test]
    fn body_drops_quotes_headers_and_signatures() {
        let mail = "Hi, where is my parcel?\n\nBest regards,\nAnna\n\nOn Mon, 3 Jun 2024, Shop <s@x.com> wrote:\n> Your order has shipped";
        assert_eq!(body(mail), "Hi, where is my parcel?");
        let mail =
            "Paket fehlt noch.\n-----Ursprüngliche Nachricht-----\nVon: Shop\nIhre Bestellung";
        assert_eq!(body(mail), "Paket fehlt noch.");
        assert_eq!(body("> only quoted"), "> only quoted");
        assert_eq!(body("Thanks, got it!"), "Thanks, got it!");
    }
}
