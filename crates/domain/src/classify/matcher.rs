//! Cue patterns, compiled once, and matching them against a [`Prepared`] message.
//!
//! Pattern syntax (the same for every language; see `cues/mod.rs` for examples):
//! * words separated by spaces must follow each other: `"where is my order"`;
//! * `a|b|c` is one word out of several; `_` joins the words of a phrase inside an
//!   alternative (`where_is|wheres my order`); `word*` matches any word starting with `word`;
//! * `..` skips up to four words (up to eight characters in scripts without spaces), never
//!   crossing a sentence: `"where .. refund"`; `...` skips up to eight (sixteen);
//! * `#` is a number, in digits or as a common number word (`"# days"`, `"已经 # 天"`);
//! * a leading `!` makes the cue count only when a negation of its language stands just
//!   before, inside or after it (`"!work*"` matches "does not work" and "funktioniert nicht");
//!   a leading `~` makes it count only when none does (`"~ordered .. but .. received"`).
//!
//! A pattern with any Han, kana, Hangul, Thai or Arabic letter is matched as a run of
//! characters (spaces and punctuation ignored, in the text and in the pattern, so only `..` and
//! `#` separate its elements); any other as whole words.

use std::collections::HashMap;

use super::text::{self, is_substring_script, normalise, script_of, Prepared, Token, BOUNDARY};

/// Words skipped at most by `..` in alphabetic scripts (`...` skips twice as many).
const GAP_WORDS: usize = 4;
/// Characters skipped at most by `..` in scripts without spaces (`...` twice as many).
const GAP_CHARS: usize = 8;
/// Words before a cue (and after it) where a negation counts.
const NEGATION_BEFORE: usize = 3;
const NEGATION_AFTER: usize = 2;

/// Number words `#` accepts, across the supported languages (normalised: no accents).
const NUMBER_WORDS: &[&str] = &[
    "a",
    "an",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "several",
    "few",
    "couple",
    "ein",
    "eine",
    "einer",
    "einem",
    "zwei",
    "drei",
    "vier",
    "funf",
    "sechs",
    "zehn",
    "mehreren",
    "mehrere",
    "un",
    "une",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "dix",
    "plusieurs",
    "quelques",
    "una",
    "uno",
    "dos",
    "tres",
    "cuatro",
    "cinco",
    "diez",
    "varios",
    "varias",
    "due",
    "tre",
    "quattro",
    "cinque",
    "dieci",
    "diversi",
    "alcuni",
    "qualche",
    "um",
    "uma",
    "dois",
    "duas",
    "quatro",
    "dez",
    "een",
    "twee",
    "drie",
    "vijf",
    "tien",
    "paar",
    "jeden",
    "jedna",
    "dwa",
    "dwie",
    "trzy",
    "cztery",
    "piec",
    "kilka",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "sepuluh",
    "beberapa",
    "seminggu",
    "sebulan",
    "mot",
    "hai",
    "ba",
    "bon",
    "nam",
    "muoi",
    "may",
    "vai",
];

/// Characters `#` accepts in scripts without spaces.
fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || "一二三四五六七八九十两几半百数個个".contains(c)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Word {
    Exact(String),
    Prefix(String),
}

impl Word {
    fn matches(&self, token: &str) -> bool {
        match self {
            Word::Exact(w) => w == token,
            Word::Prefix(p) => token.starts_with(p.as_str()),
        }
    }
}

#[derive(Debug, Clone)]
enum TokenElem {
    /// One of several word sequences.
    Alts(Vec<Vec<Word>>),
    Number,
    /// Skips up to this many words.
    Gap(usize),
}

#[derive(Debug, Clone)]
enum CharElem {
    Alts(Vec<Vec<char>>),
    Number,
    /// Skips up to this many characters.
    Gap(usize),
}

#[derive(Debug, Clone)]
enum Pattern {
    Tokens(Vec<TokenElem>),
    Chars(Vec<CharElem>),
}

/// Where a pattern matched: `[start, end)` in tokens or in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub in_chars: bool,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether `self` lies inside `other` and is shorter.
    pub fn inside(&self, other: &Span) -> bool {
        self.in_chars == other.in_chars
            && other.start <= self.start
            && self.end <= other.end
            && self.len() < other.len()
    }
}

/// A match with what it says about the message.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Found {
    pub span: Span,
    /// The weight of the text where it starts (earlier lines weigh more).
    pub position: f32,
    /// How many letters the matched text has (short cues from other languages are distrusted).
    pub letters: usize,
}

#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    pub source: String,
    pattern: Pattern,
    /// Needs a negation nearby (`!`).
    needs_negation: bool,
    /// Must have no negation nearby (`~`).
    refuses_negation: bool,
}

impl Compiled {
    /// Compiles one pattern; panics on a malformed one (the tables are code, tested at once).
    pub fn new(source: &str) -> Compiled {
        let trimmed = source.trim();
        let (needs_negation, refuses_negation, body) = if let Some(rest) = trimmed.strip_prefix('!')
        {
            (true, false, rest.trim())
        } else if let Some(rest) = trimmed.strip_prefix('~') {
            (false, true, rest.trim())
        } else {
            (false, false, trimmed)
        };
        assert!(!body.is_empty(), "empty cue pattern {source:?}");
        let substring = body.chars().any(|c| is_substring_script(script_of(c)));
        let parts: Vec<&str> = body.split_whitespace().collect();
        let is_gap = |p: &&str| *p == ".." || *p == "...";
        assert!(
            !parts.first().is_some_and(is_gap) && !parts.last().is_some_and(is_gap),
            "cue pattern {source:?} starts or ends with a gap"
        );
        let pattern = if substring {
            // Spaces mean nothing in these scripts: only `..` and `#` separate elements, and
            // "배송 조회|배송추적" is two alternatives.
            let mut elems = Vec::new();
            let mut literal = String::new();
            let flush = |literal: &mut String, elems: &mut Vec<CharElem>| {
                if !literal.is_empty() {
                    elems.push(CharElem::Alts(
                        literal
                            .split('|')
                            .map(|alt| {
                                let folded = normalise(alt);
                                let chars: Vec<char> = folded
                                    .chars()
                                    .filter(|c| script_of(*c) != text::Script::Other)
                                    .collect();
                                // The text loses symbols too, so a "★" would silently vanish
                                // from the cue and leave a bare digit ("a-z" is fine: "az").
                                assert!(
                                    folded.chars().all(|c| c.is_ascii()
                                        || c.is_whitespace()
                                        || script_of(c) != text::Script::Other),
                                    "symbol in {alt:?} of {source:?} can never match"
                                );
                                assert!(!chars.is_empty(), "empty alternative in {source:?}");
                                chars
                            })
                            .collect(),
                    ));
                    literal.clear();
                }
            };
            for part in &parts {
                match *part {
                    ".." | "..." | "#" => {
                        flush(&mut literal, &mut elems);
                        elems.push(match *part {
                            ".." => CharElem::Gap(GAP_CHARS),
                            "..." => CharElem::Gap(2 * GAP_CHARS),
                            _ => CharElem::Number,
                        });
                    }
                    text => literal.push_str(text),
                }
            }
            flush(&mut literal, &mut elems);
            Pattern::Chars(elems)
        } else {
            Pattern::Tokens(
                parts
                    .iter()
                    .map(|part| match *part {
                        ".." => TokenElem::Gap(GAP_WORDS),
                        "..." => TokenElem::Gap(2 * GAP_WORDS),
                        "#" => TokenElem::Number,
                        alts => TokenElem::Alts(
                            alts.split('|').map(|alt| words_of(alt, source)).collect(),
                        ),
                    })
                    .collect(),
            )
        };
        Compiled {
            source: source.to_owned(),
            pattern,
            needs_negation,
            refuses_negation,
        }
    }

    /// A key that is equal for patterns that match exactly the same text.
    pub fn key(&self) -> String {
        format!(
            "{}{}{:?}",
            self.needs_negation, self.refuses_negation, self.pattern
        )
    }

    /// Whether the pattern depends on its language's negation words.
    pub fn uses_negation(&self) -> bool {
        self.needs_negation || self.refuses_negation
    }

    /// The first place the pattern matches (where `negators` allow it).
    pub fn find(&self, p: &Prepared, negators: &[Word]) -> Option<Found> {
        match &self.pattern {
            Pattern::Tokens(elems) => {
                let first = match &elems[0] {
                    TokenElem::Alts(alts) => Some(alts),
                    _ => None,
                };
                for start in 0..p.tokens.len() {
                    if let Some(alts) = first {
                        if !alts.iter().any(|a| a[0].matches(&p.tokens[start].text)) {
                            continue;
                        }
                    }
                    let sentence = p.tokens[start].sentence;
                    let Some(end) = match_tokens(elems, &p.tokens, start, sentence) else {
                        continue;
                    };
                    if self.uses_negation() {
                        let negation = negated(&p.tokens, start, end, negators, Around::Span);
                        if negation != self.needs_negation {
                            continue;
                        }
                    }
                    let letters = p.tokens[start..end].iter().map(|t| t.text.len()).sum();
                    return Some(Found {
                        span: Span {
                            in_chars: false,
                            start,
                            end,
                        },
                        position: p.tokens[start].weight,
                        letters,
                    });
                }
                None
            }
            Pattern::Chars(elems) => {
                let first: Option<Vec<char>> = match &elems[0] {
                    CharElem::Alts(alts) => Some(alts.iter().map(|a| a[0]).collect()),
                    _ => None,
                };
                for start in 0..p.chars.len() {
                    if let Some(firsts) = &first {
                        if !firsts.contains(&p.chars[start]) {
                            continue;
                        }
                    }
                    if let Some(end) = match_chars(elems, &p.chars, start) {
                        return Some(Found {
                            span: Span {
                                in_chars: true,
                                start,
                                end,
                            },
                            position: p.char_weights[start],
                            letters: end - start,
                        });
                    }
                }
                None
            }
        }
    }
}

/// The words of one alternative (`_` joins a phrase); a trailing `*` makes a word a prefix.
fn words_of(alt: &str, source: &str) -> Vec<Word> {
    let mut words = Vec::new();
    for part in alt.split('_').filter(|p| !p.is_empty()) {
        let (part, prefix) = match part.strip_suffix('*') {
            Some(p) => (p, true),
            None => (part, false),
        };
        let tokens = text::prepare(part).tokens;
        let n = tokens.len();
        for (i, t) in tokens.into_iter().enumerate() {
            words.push(if prefix && i + 1 == n {
                Word::Prefix(t.text)
            } else {
                Word::Exact(t.text)
            });
        }
    }
    assert!(!words.is_empty(), "empty alternative in {source:?}");
    words
}

/// Compiles a language's negation words (`kein*` is a prefix).
pub(crate) fn negation_words(words: &[&str]) -> Vec<Word> {
    words.iter().flat_map(|w| words_of(w, w)).collect()
}

fn is_number(token: &str) -> bool {
    token.chars().all(|c| c.is_ascii_digit()) || NUMBER_WORDS.contains(&token)
}

fn match_tokens(elems: &[TokenElem], tokens: &[Token], pos: usize, sentence: u32) -> Option<usize> {
    let Some((elem, rest)) = elems.split_first() else {
        return Some(pos);
    };
    let same = |i: usize| tokens.get(i).is_some_and(|t| t.sentence == sentence);
    match elem {
        TokenElem::Gap(max) => (0..=*max)
            .take_while(|k| *k == 0 || same(pos + k - 1))
            .find_map(|k| match_tokens(rest, tokens, pos + k, sentence)),
        TokenElem::Number => {
            if same(pos) && is_number(&tokens[pos].text) {
                match_tokens(rest, tokens, pos + 1, sentence)
            } else {
                None
            }
        }
        TokenElem::Alts(alts) => alts.iter().find_map(|words| {
            let fits = words
                .iter()
                .enumerate()
                .all(|(i, w)| same(pos + i) && w.matches(&tokens[pos + i].text));
            if fits {
                match_tokens(rest, tokens, pos + words.len(), sentence)
            } else {
                None
            }
        }),
    }
}

fn match_chars(elems: &[CharElem], chars: &[char], pos: usize) -> Option<usize> {
    let Some((elem, rest)) = elems.split_first() else {
        return Some(pos);
    };
    match elem {
        CharElem::Gap(max) => (0..=*max)
            .take_while(|k| *k == 0 || chars.get(pos + k - 1).is_some_and(|c| *c != BOUNDARY))
            .find_map(|k| match_chars(rest, chars, pos + k)),
        CharElem::Number => {
            let run = chars[pos.min(chars.len())..]
                .iter()
                .take_while(|c| is_numeral(**c))
                .count();
            // "一个星期": the number may be "一" or "一个"; try the longest first.
            (1..=run.min(4))
                .rev()
                .find_map(|k| match_chars(rest, chars, pos + k))
        }
        CharElem::Alts(alts) => alts.iter().find_map(|alt| {
            if chars.get(pos..pos + alt.len()) == Some(alt.as_slice()) {
                match_chars(rest, chars, pos + alt.len())
            } else {
                None
            }
        }),
    }
}

/// Where [`negated`] looks for a negation word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Around {
    /// A few words before, the span itself, and a couple of words after (for `!` and `~`).
    Span,
    /// Only the few words before (for sentiment words: "not happy"; "no problem" is not
    /// a negated problem).
    Before,
}

/// Whether a negation word stands near `[start, end)`, in the same sentence.
pub(crate) fn negated(
    tokens: &[Token],
    start: usize,
    end: usize,
    negators: &[Word],
    around: Around,
) -> bool {
    let sentence = tokens[start].sentence;
    let from = start.saturating_sub(NEGATION_BEFORE);
    let to = match around {
        Around::Span => (end + NEGATION_AFTER).min(tokens.len()),
        Around::Before => start,
    };
    (from..to).any(|i| {
        tokens[i].sentence == sentence && negators.iter().any(|n| n.matches(&tokens[i].text))
    })
}

/// Patterns indexed by the characters or words they can start with, so a message is only
/// tried against the patterns that could match it.
#[derive(Debug, Default)]
pub(crate) struct Index {
    by_word: HashMap<String, Vec<usize>>,
    by_prefix: HashMap<String, Vec<usize>>,
    by_char: HashMap<char, Vec<usize>>,
    always: Vec<usize>,
}

impl Index {
    pub fn build(patterns: &[Compiled]) -> Index {
        let mut index = Index::default();
        for (i, c) in patterns.iter().enumerate() {
            match &c.pattern {
                Pattern::Tokens(elems) => match &elems[0] {
                    TokenElem::Alts(alts) => {
                        for alt in alts {
                            match &alt[0] {
                                Word::Exact(w) => index.by_word.entry(w.clone()).or_default(),
                                Word::Prefix(p) => index.by_prefix.entry(p.clone()).or_default(),
                            }
                            .push(i);
                        }
                    }
                    _ => index.always.push(i),
                },
                Pattern::Chars(elems) => match &elems[0] {
                    CharElem::Alts(alts) => {
                        for alt in alts {
                            index.by_char.entry(alt[0]).or_default().push(i);
                        }
                    }
                    _ => index.always.push(i),
                },
            }
        }
        for list in index
            .by_word
            .values_mut()
            .chain(index.by_prefix.values_mut())
            .chain(index.by_char.values_mut())
        {
            list.dedup();
        }
        index
    }

    /// The patterns worth trying on `p`, each once, in ascending order.
    pub fn candidates(&self, p: &Prepared) -> Vec<usize> {
        let mut out = self.always.clone();
        for t in &p.tokens {
            if let Some(list) = self.by_word.get(&t.text) {
                out.extend(list);
            }
            for (i, _) in t.text.char_indices().skip(1) {
                if let Some(list) = self.by_prefix.get(&t.text[..i]) {
                    out.extend(list);
                }
            }
            if let Some(list) = self.by_prefix.get(&t.text) {
                out.extend(list);
            }
        }
        for c in &p.chars {
            if let Some(list) = self.by_char.get(c) {
                out.extend(list);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::text::prepare;

    fn hit(pattern: &str, text: &str) -> bool {
        let neg = negation_words(&["not", "no", "nicht", "kein*", "doesnt", "never"]);
        Compiled::new(pattern).find(&prepare(text), &neg).is_some()
    }

    #[test]
    fn words_prefixes_alternatives_and_gaps() {
        assert!(hit(
            "where_is|wheres my order|parcel",
            "Hi, where's my parcel?"
        ));
        assert!(hit(
            "where_is|wheres my order|parcel",
            "Hi, where is my parcel?"
        ));
        assert!(!hit(
            "where_is|wheres my order|parcel",
            "Hi, where my parcel?"
        ));
        assert!(hit("no_movement|not_moving", "tracking is not moving"));
        assert!(hit("refund*", "Refunded?"));
        assert!(!hit("refund", "Refunded?"));
        assert!(hit("where .. refund", "Where is my promised refund"));
        assert!(!hit("where .. refund", "Where is it. I want a refund"));
        assert!(!hit(
            "where .. refund",
            "where did you put the box with my refund"
        ));
        assert!(hit(
            "where ... refund",
            "where did you put the box with my refund"
        ));
        assert!(hit("it_s_been|its_been # days|weeks", "It's been 10 days"));
        assert!(hit("it_s_been|its_been # days|weeks", "its been two weeks"));
        assert!(hit("a to z", "I will file an A-to-Z claim"));
        assert!(hit("zuruckgeben", "Ich möchte das zurückgeben"));
        assert!(hit("etykiet*_zwrot*", "Proszę o etykietę zwrotną"));
    }

    #[test]
    fn negation_before_or_after() {
        assert!(hit("!work*", "it doesn't work"));
        assert!(hit("!funktioniert", "Das Gerät funktioniert nicht mehr"));
        assert!(hit("!funktioniert", "Funktioniert keine Sekunde"));
        assert!(!hit("!work*", "it works great"));
        assert!(!hit("!work*", "No. It works great"));
        assert!(hit("!refund .. arrived", "the refund has not arrived"));
        assert!(hit(
            "~ordered .. but .. received",
            "I ordered red but received blue"
        ));
        assert!(!hit(
            "~ordered .. but .. received",
            "I ordered it but never received it"
        ));
    }

    #[test]
    fn characters_with_gaps_and_numbers() {
        assert!(hit("订单 .. 取消", "我的订单可以帮我取消吗"));
        assert!(hit("已经 # 天", "已经十天了"));
        assert!(hit("已经 # 天", "已经 10 天了"));
        assert!(!hit("订单 .. 取消", "订单。取消"));
        assert!(hit("退货", "我想退貨"));
        assert!(hit("취소 해 주세요", "주문 취소해주세요"));
        assert!(hit("没到账|没有 收到 退款", "还没有收到退款"));
        assert!(!hit("没到账|没有 收到 退款", "没有收到货"));
        assert!(hit("배송 조회|추적", "배송조회 부탁드려요"));
        assert!(hit("لم يصل", "الطلب لم يصل بعد"));
    }

    #[test]
    fn index_finds_every_pattern_that_matches() {
        let patterns: Vec<Compiled> = ["refund*", "where .. order", "退货", "# days"]
            .iter()
            .map(|p| Compiled::new(p))
            .collect();
        let index = Index::build(&patterns);
        let p = prepare("Where is my order? Refunds take 5 days. 退货");
        let found: Vec<usize> = index
            .candidates(&p)
            .into_iter()
            .filter(|i| patterns[*i].find(&p, &[]).is_some())
            .collect();
        assert_eq!(found, [0, 1, 2, 3]);
    }
}
