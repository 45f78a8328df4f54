//! Language detection tuned for short buyer messages.
//!
//! Scripts decide first, because whatlang guesses poorly on a handful of characters: any kana
//! is Japanese, Hangul Korean, Han without kana Chinese, Thai script Thai, Arabic script Arabic,
//! Vietnamese tone letters Vietnamese. Latin text is scored by marker words of each supported
//! language (from the cue tables) plus whatlang's verdict among them; whatlang alone may name a
//! language outside the supported set ("ru", "tr") when it is sure.

use std::collections::HashSet;
use std::sync::OnceLock;

use whatlang::{Detector, Lang};

use super::cues::LEXICONS;
use super::text::{normalise, prepare, script_of, Script};

/// Languages with cue tables, as ISO 639-1 codes.
pub const SUPPORTED: &[&str] = &[
    "en", "de", "fr", "es", "it", "pt", "nl", "pl", "ja", "ko", "zh", "ar", "vi", "th", "id",
];

/// The supported code for a hint such as "de", "DE", "pt-BR", "zh_Hant" or "zh-CN".
pub fn supported_code(hint: &str) -> Option<&'static str> {
    let primary = hint
        .trim()
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let primary = match primary.as_str() {
        "in" => "id", // the old code for Indonesian, still sent by some systems
        other => other,
    };
    SUPPORTED.iter().copied().find(|c| *c == primary)
}

/// The language of `text` as an ISO 639-1 code, or `None` when the text is too short or too
/// ambiguous to say.
pub fn detect(text: &str) -> Option<String> {
    let sample: String = text.chars().take(2000).collect();
    let mut counts = ScriptCounts::default();
    for c in sample.chars() {
        counts.add(c);
    }
    if let Some(code) = by_script(&counts, &sample) {
        return Some(code.to_owned());
    }
    if counts.alphabetic < 2 {
        return None;
    }
    by_words(&sample, &counts)
}

#[derive(Debug, Default)]
struct ScriptCounts {
    kana: usize,
    han: usize,
    hangul: usize,
    thai: usize,
    arabic: usize,
    /// Letters only Persian or Urdu use (پ چ ژ گ ٹ ڈ ڑ ں ے).
    persian: usize,
    /// Latin, Cyrillic and other alphabetic letters.
    alphabetic: usize,
    /// Letters with the Vietnamese horn, breve or stacked tone marks.
    vietnamese: usize,
    /// Non-ASCII Latin letters.
    latin_extended: usize,
    cyrillic: usize,
}

impl ScriptCounts {
    fn add(&mut self, c: char) {
        match script_of(c) {
            Script::Kana => self.kana += 1,
            Script::Han => self.han += 1,
            Script::Hangul => self.hangul += 1,
            Script::Thai => self.thai += 1,
            Script::Arabic => {
                self.arabic += 1;
                if "پچژگٹڈڑںے".contains(c) {
                    self.persian += 1;
                }
            }
            Script::Alphabetic if c.is_alphabetic() => {
                self.alphabetic += 1;
                if is_vietnamese_letter(c) {
                    self.vietnamese += 1;
                }
                if !c.is_ascii() && (c as u32) < 0x2000 {
                    self.latin_extended += 1;
                }
                if ('\u{400}'..='\u{4FF}').contains(&c) {
                    self.cyrillic += 1;
                }
            }
            _ => {}
        }
    }

    fn letters(&self) -> usize {
        self.kana + self.han + self.hangul + self.thai + self.arabic + self.alphabetic
    }
}

/// Letters that in practice only Vietnamese uses: ơ ư ă and the letters with a tone mark
/// under or a hook above (ạ ả ấ …), which no other supported language has.
fn is_vietnamese_letter(c: char) -> bool {
    let lower = c.to_lowercase().next().unwrap_or(c);
    matches!(lower, 'ơ' | 'ư' | 'ă' | 'đ' | 'ĩ' | 'ũ' | 'ỹ' | 'ẽ')
        || ('\u{1EA0}'..='\u{1EF9}').contains(&lower)
}

fn by_script(c: &ScriptCounts, sample: &str) -> Option<&'static str> {
    let letters = c.letters().max(1);
    let share = |n: usize| n * 100 / letters;
    let cjk = c.kana + c.han + c.hangul;
    if cjk >= 1 && (share(cjk) >= 15 || cjk >= 6) {
        if c.hangul > c.kana + c.han {
            return Some("ko");
        }
        if c.kana > 0 && c.kana >= c.hangul {
            return Some("ja");
        }
        if c.hangul > 0 && c.han == 0 {
            return Some("ko");
        }
        return Some("zh");
    }
    if c.thai >= 2 && share(c.thai) >= 15 {
        return Some("th");
    }
    if c.arabic >= 2 && share(c.arabic) >= 15 {
        // Persian and Urdu share the script; trust whatlang only when it is sure.
        if c.persian > 0 {
            if let Some(info) = whatlang::detect(sample) {
                if info.is_reliable() && matches!(info.lang(), Lang::Pes | Lang::Urd) {
                    return Some(if info.lang() == Lang::Pes { "fa" } else { "ur" });
                }
            }
        }
        return Some("ar");
    }
    if c.vietnamese >= 2 || (c.vietnamese == 1 && c.alphabetic <= 12) {
        return Some("vi");
    }
    None
}

/// The supported languages written in Latin script, for whatlang's restricted guess.
const LATIN: &[(Lang, &str)] = &[
    (Lang::Eng, "en"),
    (Lang::Deu, "de"),
    (Lang::Fra, "fr"),
    (Lang::Spa, "es"),
    (Lang::Ita, "it"),
    (Lang::Por, "pt"),
    (Lang::Nld, "nl"),
    (Lang::Pol, "pl"),
    (Lang::Vie, "vi"),
    (Lang::Ind, "id"),
];

fn by_words(sample: &str, counts: &ScriptCounts) -> Option<String> {
    let tokens: Vec<String> = prepare(sample).tokens.into_iter().map(|t| t.text).collect();
    let mut scores: Vec<(&'static str, f32)> = Vec::new();
    for (lang, markers) in marker_sets() {
        let mut seen: Vec<&str> = Vec::new();
        for t in &tokens {
            if markers.contains(t.as_str()) && !seen.contains(&t.as_str()) {
                seen.push(t);
            }
        }
        // Distinct marker words, with diminishing returns for long texts.
        let hits = seen.len() as f32;
        let mut score = if hits <= 3.0 {
            hits
        } else {
            3.0 + (hits - 3.0) * 0.5
        };
        score += letter_hints(lang, sample);
        scores.push((lang, score));
    }

    // Plenty of marker words of one language and few of any other: no need to ask whatlang
    // (which costs more than the whole classification of a short message).
    let mut by_markers = scores.clone();
    by_markers.sort_by(|a, b| b.1.total_cmp(&a.1));
    if by_markers[0].1 >= 3.0 && by_markers[0].1 - by_markers[1].1 >= 2.0 && counts.cyrillic == 0 {
        return Some(by_markers[0].0.to_owned());
    }
    let sample: String = sample.chars().take(600).collect();
    let sample = sample.as_str();

    // whatlang's guess among the supported Latin languages, weighted by its confidence (on a
    // few words it is close to zero, and the marker words decide).
    let latin_langs: Vec<Lang> = LATIN.iter().map(|(l, _)| *l).collect();
    let restricted = Detector::with_allowlist(latin_langs).detect(sample);
    if let Some(info) = &restricted {
        if let Some((_, code)) = LATIN.iter().find(|(l, _)| *l == info.lang()) {
            let bonus = 3.0 * info.confidence() as f32;
            if let Some(s) = scores.iter_mut().find(|(c, _)| c == code) {
                s.1 += bonus;
            }
        }
    }
    scores.sort_by(|a, b| b.1.total_cmp(&a.1));
    let (best, best_score) = scores[0];
    let second = scores[1].1;

    // whatlang on all its languages: a language we have no table for, when it is sure.
    let open = whatlang::detect(sample);
    if let Some(info) = &open {
        let code = iso639_1(info.lang());
        let ours = SUPPORTED.contains(&code);
        let sure = info.is_reliable() && info.confidence() > 0.9;
        if !ours && sure && (counts.cyrillic > 0 || best_score < 3.0) {
            return Some(code.to_owned());
        }
    }
    if counts.cyrillic > counts.alphabetic / 2 {
        return open
            .filter(|i| i.confidence() > 0.5)
            .map(|i| iso639_1(i.lang()).to_owned());
    }
    if best_score >= 1.0 && best_score - second >= 0.75 {
        Some(best.to_owned())
    } else {
        None
    }
}

/// Each table's marker words, normalised once.
fn marker_sets() -> &'static [(&'static str, HashSet<String>)] {
    static SETS: OnceLock<Vec<(&'static str, HashSet<String>)>> = OnceLock::new();
    SETS.get_or_init(|| {
        LEXICONS
            .iter()
            .filter(|l| l.lang != "*")
            .map(|l| (l.lang, l.markers.iter().map(|m| normalise(m)).collect()))
            .collect()
    })
}

/// Letters that point to one language among the Latin-script ones.
fn letter_hints(lang: &str, sample: &str) -> f32 {
    let count = |set: &str| sample.chars().filter(|c| set.contains(*c)).count() as f32;
    let capped = |n: f32, w: f32| (n * w).min(2.0 * w);
    match lang {
        "de" => capped(count("äöüßÄÖÜ"), 0.6),
        "es" => capped(count("ñÑ¿¡"), 0.8),
        "pt" => capped(count("ãõÃÕ"), 0.9) + capped(count("çÇ"), 0.2),
        "fr" => capped(count("èêëîïûœÈÊ"), 0.4) + capped(count("çÇ"), 0.3),
        "it" => capped(count("òìù"), 0.4),
        "pl" => capped(count("łąęśćźżńŁĄĘŚĆŹŻŃ"), 0.9),
        "nl" => capped(count("ĳ"), 0.5),
        _ => 0.0,
    }
}

/// ISO 639-1 for whatlang's ISO 639-3 languages.
fn iso639_1(lang: Lang) -> &'static str {
    match lang {
        Lang::Epo => "eo",
        Lang::Eng => "en",
        Lang::Rus => "ru",
        Lang::Cmn => "zh",
        Lang::Spa => "es",
        Lang::Por => "pt",
        Lang::Ita => "it",
        Lang::Ben => "bn",
        Lang::Fra => "fr",
        Lang::Deu => "de",
        Lang::Ukr => "uk",
        Lang::Kat => "ka",
        Lang::Ara => "ar",
        Lang::Hin => "hi",
        Lang::Jpn => "ja",
        Lang::Heb => "he",
        Lang::Yid => "yi",
        Lang::Pol => "pl",
        Lang::Amh => "am",
        Lang::Jav => "jv",
        Lang::Kor => "ko",
        Lang::Nob => "nb",
        Lang::Dan => "da",
        Lang::Swe => "sv",
        Lang::Fin => "fi",
        Lang::Tur => "tr",
        Lang::Nld => "nl",
        Lang::Hun => "hu",
        Lang::Ces => "cs",
        Lang::Ell => "el",
        Lang::Bul => "bg",
        Lang::Bel => "be",
        Lang::Mar => "mr",
        Lang::Kan => "kn",
        Lang::Ron => "ro",
        Lang::Slv => "sl",
        Lang::Hrv => "hr",
        Lang::Srp => "sr",
        Lang::Mkd => "mk",
        Lang::Lit => "lt",
        Lang::Lav => "lv",
        Lang::Est => "et",
        Lang::Tam => "ta",
        Lang::Vie => "vi",
        Lang::Urd => "ur",
        Lang::Tha => "th",
        Lang::Guj => "gu",
        Lang::Uzb => "uz",
        Lang::Pan => "pa",
        Lang::Aze => "az",
        Lang::Ind => "id",
        Lang::Tel => "te",
        Lang::Pes => "fa",
        Lang::Mal => "ml",
        Lang::Ori => "or",
        Lang::Mya => "my",
        Lang::Nep => "ne",
        Lang::Sin => "si",
        Lang::Khm => "km",
        Lang::Tuk => "tk",
        Lang::Aka => "ak",
        Lang::Zul => "zu",
        Lang::Sna => "sn",
        Lang::Afr => "af",
        Lang::Lat => "la",
        Lang::Slk => "sk",
        Lang::Cat => "ca",
        Lang::Tgl => "tl",
        Lang::Hye => "hy",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_are_reduced_to_supported_codes() {
        assert_eq!(supported_code("pt-BR"), Some("pt"));
        assert_eq!(supported_code("zh_Hant"), Some("zh"));
        assert_eq!(supported_code(" DE "), Some("de"));
        assert_eq!(supported_code("in"), Some("id"));
        assert_eq!(supported_code("ru"), None);
        assert_eq!(supported_code(""), None);
    }

    #[test]
    fn every_whatlang_language_has_a_two_letter_code() {
        for lang in Lang::all() {
            assert_eq!(iso639_1(*lang).len(), 2, "{lang:?}");
        }
    }
}
