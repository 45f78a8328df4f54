//! A tenant's glossary for machine translation: product names and terms that must not be
//! translated, or must be translated one fixed way.
//!
//! Before a text goes to a translation engine, [`protect`] swaps every glossary term for an
//! opaque placeholder; after it comes back, [`restore`] puts the term (or its form in the
//! target language) where the placeholder ended up. Engines never see the terms, so they
//! cannot translate, inflect or "correct" them.
//!
//! # The placeholder: `[[7]]`
//!
//! ASCII double square brackets around a decimal number. Why this shape:
//! - only ASCII brackets and digits, which every engine's vocabulary has (the SentencePiece
//!   models behind LibreTranslate map rare symbols such as `⟦` to "unknown" and drop them);
//! - no letters, so there is nothing to translate, and numbers are copied through by
//!   DeepL, Google and LibreTranslate alike; the OpenAI-compatible prompt says so explicitly;
//! - doubled, so it does not read as a footnote mark `[7]` an engine might renumber.
//!
//! Engines still mangle it in a few usual ways, and [`restore`] recognises those too: spaces
//! inside (`[[ 7 ]]`, `[ [7] ]`), full-width or CJK brackets (`［［7］］`, `【7】`, `〚7〛`,
//! `⟦7⟧`), a bracket pair dropped (`[7]`), full-width or Arabic-Indic digits. Numbers that
//! already stand in brackets in the original text are never used as placeholder numbers, so
//! a `[1]` the agent wrote is left alone. A placeholder that is gone altogether is an error:
//! the caller sends the text untranslated rather than without the product's name.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::{Deserialize, Serialize};

use crate::languages::{is_iso_639_1, primary_subtag};

/// The longest term a glossary entry may have, in characters.
pub const MAX_TERM_CHARS: usize = 100;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GlossaryEntry {
    /// The term as it should appear (matched case-insensitively).
    pub term: String,
    /// Target language (ISO 639-1) → the term in that language. A language not listed keeps
    /// `term` exactly as written here.
    #[serde(default)]
    pub translations: BTreeMap<String, String>,
}

impl GlossaryEntry {
    /// What the term becomes in `target`: its listed form for the target (exact tag first,
    /// then the primary subtag, so `pt-BR` uses a `pt` form), else the term as written.
    pub fn form_for(&self, target: &str) -> &str {
        let target = target.trim().replace('_', "-");
        let primary = primary_subtag(&target);
        let listed = |wanted: &str| {
            self.translations
                .iter()
                .find(|(lang, _)| lang.eq_ignore_ascii_case(wanted))
                .map(|(_, form)| form.trim())
                .filter(|form| !form.is_empty())
        };
        listed(&target)
            .or_else(|| listed(&primary))
            .unwrap_or_else(|| self.term.trim())
    }
}

/// A text with its glossary terms swapped for placeholders, and what each placeholder
/// stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Protected {
    /// What to send to the engine.
    pub text: String,
    slots: Vec<Slot>,
}

impl Protected {
    /// How many placeholders `text` carries (one per term occurrence).
    pub fn placeholders(&self) -> usize {
        self.slots.len()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Slot {
    id: u32,
    /// The glossary term, for error messages.
    term: String,
    /// What goes back in its place.
    replacement: String,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GlossaryError {
    /// The engine dropped or garbled a placeholder beyond recognition.
    #[error("the translation lost the placeholder for the glossary term {term:?}")]
    Lost { term: String },
}

/// Replaces every occurrence of each entry's term by a placeholder (see the module docs).
///
/// Matching is case-insensitive (Unicode lowercase, so Latin, Greek and Cyrillic alike) and
/// leftmost-longest: at each position the longest term that matches wins, so "Aftersail Pro"
/// beats "Aftersail", and of two overlapping terms the one that starts first wins. In
/// scripts that separate words with spaces a term only matches whole words ("Pro" is not
/// found in "Product"); next to Chinese, Japanese, Korean, Thai and similar scripts, which
/// attach words or particles without spaces, any position matches ("用iPhone拍", "售后帆"
/// inside a sentence, "Aftersail을"). Each occurrence gets its own number, so a single lost
/// placeholder is noticed.
pub fn protect(text: &str, entries: &[GlossaryEntry], target: &str) -> Protected {
    let mut terms: Vec<(Vec<char>, &GlossaryEntry)> = entries
        .iter()
        .filter_map(|e| {
            let term = e.term.trim();
            (!term.is_empty()).then(|| (term.chars().collect(), e))
        })
        .collect();
    // Stable, so of two equally long terms the first listed wins.
    terms.sort_by_key(|(term, _)| std::cmp::Reverse(term.len()));
    if terms.is_empty() {
        return Protected {
            text: text.to_string(),
            slots: Vec::new(),
        };
    }

    // Numbers the text already shows in brackets must not become placeholder numbers.
    let taken: BTreeSet<u32> = find_placeholders(text).iter().map(|p| p.id).collect();
    let mut last_id = 0;
    let mut next_id = || {
        last_id += 1;
        while taken.contains(&last_id) {
            last_id += 1;
        }
        last_id
    };

    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut slots = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match terms.iter().find(|(term, _)| matches_at(&chars, i, term)) {
            Some((term, entry)) => {
                let id = next_id();
                out.push_str(&placeholder(id));
                slots.push(Slot {
                    id,
                    term: entry.term.trim().to_string(),
                    replacement: entry.form_for(target).to_string(),
                });
                i += term.len();
            }
            None => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    Protected { text: out, slots }
}

/// Puts the terms (or their target-language forms) back where the engine left the
/// placeholders, recognising the usual manglings (see the module docs). Placeholder-like
/// marks with numbers that are not ours stay as they are. A placeholder that cannot be found
/// is [`GlossaryError::Lost`].
pub fn restore(translated: &str, p: &Protected) -> Result<String, GlossaryError> {
    if p.slots.is_empty() {
        return Ok(translated.to_string());
    }
    let mut seen = vec![false; p.slots.len()];
    let mut out = String::with_capacity(translated.len() + 16 * p.slots.len());
    let mut copied = 0;
    for found in find_placeholders(translated) {
        let Some(slot) = p.slots.iter().position(|s| s.id == found.id) else {
            continue;
        };
        out.push_str(&translated[copied..found.start]);
        out.push_str(&p.slots[slot].replacement);
        copied = found.end;
        seen[slot] = true;
    }
    out.push_str(&translated[copied..]);
    match seen.iter().position(|s| !s) {
        Some(lost) => Err(GlossaryError::Lost {
            term: p.slots[lost].term.clone(),
        }),
        None => Ok(out),
    }
}

/// Checks a glossary as a tenant saves it: no empty or overlong terms, no term listed twice
/// (case-insensitively, as matching is), language keys that are ISO 639-1 codes in lowercase,
/// no empty target forms. The message names the entry.
pub fn validate(entries: &[GlossaryEntry]) -> Result<(), String> {
    let mut terms = HashSet::new();
    for (n, entry) in entries.iter().enumerate() {
        let term = entry.term.trim();
        if term.is_empty() {
            return Err(format!("glossary entry {}: the term is empty", n + 1));
        }
        if term.chars().count() > MAX_TERM_CHARS {
            return Err(format!(
                "glossary term {term:?} is longer than {MAX_TERM_CHARS} characters"
            ));
        }
        if term.chars().any(char::is_control) {
            return Err(format!(
                "glossary term {term:?} contains a line break or control character"
            ));
        }
        if !terms.insert(term.to_lowercase()) {
            return Err(format!("the glossary lists {term:?} twice"));
        }
        for (lang, form) in &entry.translations {
            if !is_iso_639_1(lang) {
                return Err(format!(
                    "glossary term {term:?}: {lang:?} is not a lowercase ISO 639-1 language code (such as de, pt or zh)"
                ));
            }
            if form.trim().is_empty() {
                return Err(format!(
                    "glossary term {term:?}: the {lang} form is empty (leave the language out to keep the term as written)"
                ));
            }
            if form.chars().any(char::is_control) {
                return Err(format!(
                    "glossary term {term:?}: the {lang} form contains a line break or control character"
                ));
            }
        }
    }
    Ok(())
}

fn placeholder(id: u32) -> String {
    format!("[[{id}]]")
}

/// Whether `term` matches `chars` at `i`, caselessly and on word boundaries where the
/// script has them.
fn matches_at(chars: &[char], i: usize, term: &[char]) -> bool {
    let end = i + term.len();
    if end > chars.len() || !chars[i..end].iter().zip(term).all(|(a, b)| same(*a, *b)) {
        return false;
    }
    let joins_before = i > 0 && joined(chars[i - 1], term[0]);
    let joins_after = end < chars.len() && joined(term[term.len() - 1], chars[end]);
    !joins_before && !joins_after
}

fn same(a: char, b: char) -> bool {
    a == b || a.to_lowercase().eq(b.to_lowercase())
}

/// Two adjacent characters belong to one word: both are letters or digits of scripts that
/// separate words with spaces.
fn joined(a: char, b: char) -> bool {
    spaced_word_char(a) && spaced_word_char(b)
}

fn spaced_word_char(c: char) -> bool {
    (c.is_alphanumeric() || c == '_') && !unspaced_script(c)
}

/// Scripts written without spaces between words (or, like Korean, with particles attached
/// to the word), where "whole word" means nothing to a glossary match.
fn unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF     // Thai, Lao
        | 0x1000..=0x109F   // Myanmar
        | 0x1100..=0x11FF   // Hangul Jamo
        | 0x1780..=0x17FF   // Khmer
        | 0x3000..=0x303F   // CJK symbols (々 〆 〇)
        | 0x3040..=0x30FF   // Hiragana, Katakana
        | 0x3130..=0x318F   // Hangul compatibility Jamo
        | 0x31F0..=0x31FF   // Katakana extensions
        | 0x3400..=0x4DBF   // CJK extension A
        | 0x4E00..=0x9FFF   // CJK unified ideographs
        | 0xAC00..=0xD7AF   // Hangul syllables
        | 0xF900..=0xFAFF   // CJK compatibility ideographs
        | 0xFF00..=0xFFEF   // full-width and half-width forms
        | 0x20000..=0x3134F // CJK extensions B–G
    )
}

#[derive(Debug, PartialEq)]
struct Found {
    /// Byte range in the text.
    start: usize,
    end: usize,
    id: u32,
}

/// Every placeholder-like mark in `text`: one or two opening brackets, a number, one or two
/// closing brackets, with up to two spaces between the parts.
fn find_placeholders(text: &str) -> Vec<Found> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match placeholder_at(&chars, i) {
            Some((id, next)) => {
                found.push(Found {
                    start: chars[i].0,
                    end: chars.get(next).map_or(text.len(), |(at, _)| *at),
                    id,
                });
                i = next;
            }
            None => i += 1,
        }
    }
    found
}

/// The placeholder starting at `chars[i]`: its number and the index just past it.
fn placeholder_at(chars: &[(usize, char)], i: usize) -> Option<(u32, usize)> {
    let at = |k: usize| chars.get(k).map(|(_, c)| *c);
    let skip_spaces = |mut k: usize| {
        let start = k;
        while k - start < 2 && at(k).is_some_and(|c| c.is_whitespace() && c != '\n' && c != '\r') {
            k += 1;
        }
        k
    };

    let mut k = i;
    if !at(k).is_some_and(opening) {
        return None;
    }
    k = skip_spaces(k + 1);
    if at(k).is_some_and(opening) {
        k = skip_spaces(k + 1);
    }
    let digits_start = k;
    let mut id: u32 = 0;
    while k - digits_start < 6 {
        let Some(d) = at(k).and_then(digit) else {
            break;
        };
        id = id * 10 + d;
        k += 1;
    }
    if k == digits_start || at(k).and_then(digit).is_some() {
        return None;
    }
    k = skip_spaces(k);
    if !at(k).is_some_and(closing) {
        return None;
    }
    k += 1;
    let second = skip_spaces(k);
    if at(second).is_some_and(closing) {
        k = second + 1;
    }
    Some((id, k))
}

fn opening(c: char) -> bool {
    matches!(c, '[' | '［' | '【' | '〚' | '⟦' | '〖')
}

fn closing(c: char) -> bool {
    matches!(c, ']' | '］' | '】' | '〛' | '⟧' | '〗')
}

/// A decimal digit in the forms engines put out: ASCII, full-width, Arabic-Indic (both
/// sets), Devanagari.
fn digit(c: char) -> Option<u32> {
    let zero = match c {
        '0'..='9' => '0',
        '０'..='９' => '０',
        '\u{0660}'..='\u{0669}' => '\u{0660}',
        '\u{06F0}'..='\u{06F9}' => '\u{06F0}',
        '\u{0966}'..='\u{096F}' => '\u{0966}',
        _ => return None,
    };
    Some(c as u32 - zero as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry(term: &str, forms: &[(&str, &str)]) -> GlossaryEntry {
        GlossaryEntry {
            term: term.to_string(),
            translations: forms
                .iter()
                .map(|(l, f)| (l.to_string(), f.to_string()))
                .collect(),
        }
    }

    /// Protects, lets `engine` "translate" the protected text, restores.
    fn round_trip(
        text: &str,
        entries: &[GlossaryEntry],
        target: &str,
        engine: impl Fn(&str) -> String,
    ) -> Result<String, GlossaryError> {
        let p = protect(text, entries, target);
        restore(&engine(&p.text), &p)
    }

    #[test]
    fn terms_become_numbered_placeholders_and_come_back() {
        let entries = [
            entry("Aftersail Pro", &[]),
            entry("cloud sync", &[("de", "Cloud-Sync"), ("zh", "云同步")]),
        ];
        let p = protect(
            "Aftersail Pro turns cloud sync on. Aftersail Pro!",
            &entries,
            "de",
        );
        assert_eq!(p.text, "[[1]] turns [[2]] on. [[3]]!");
        assert_eq!(p.placeholders(), 3);
        assert_eq!(
            restore("[[1]] schaltet [[2]] ein. [[3]]!", &p).unwrap(),
            "Aftersail Pro schaltet Cloud-Sync ein. Aftersail Pro!"
        );
        // Another target: the term's Chinese form; a language not listed keeps the term.
        let zh = protect("cloud sync", &entries, "zh");
        assert_eq!(restore("开启[[1]]", &zh).unwrap(), "开启云同步");
        let fr = protect("cloud sync", &entries, "fr");
        assert_eq!(restore("[[1]] activé", &fr).unwrap(), "cloud sync activé");
    }

    #[test]
    fn target_forms_are_found_by_tag_then_primary_subtag() {
        let e = entry("Return label", &[("pt", "Etiqueta de devolução")]);
        assert_eq!(e.form_for("pt-BR"), "Etiqueta de devolução");
        assert_eq!(e.form_for("pt_PT"), "Etiqueta de devolução");
        assert_eq!(e.form_for("PT"), "Etiqueta de devolução");
        assert_eq!(e.form_for("es"), "Return label");
    }

    #[test]
    fn the_longest_term_wins_and_overlaps_go_to_the_leftmost() {
        let entries = [
            entry("Aftersail", &[]),
            entry("Aftersail Pro", &[]),
            entry("Pro Max", &[]),
            entry("Max Plus", &[]),
        ];
        let p = protect("Aftersail Pro and Aftersail", &entries, "de");
        assert_eq!(p.text, "[[1]] and [[2]]");
        assert_eq!(restore(&p.text, &p).unwrap(), "Aftersail Pro and Aftersail");

        // "Pro Max" starts first, so "Max Plus" cannot match any more.
        let p = protect("the Pro Max Plus case", &entries, "de");
        assert_eq!(p.text, "the [[1]] Plus case");
    }

    #[test]
    fn matching_ignores_case_and_restores_the_glossary_spelling() {
        let entries = [entry("iPhone", &[]), entry("Ärger-Frei", &[])];
        let p = protect("my IPHONE and my iphone, ärger-frei", &entries, "de");
        assert_eq!(p.text, "my [[1]] and my [[2]], [[3]]");
        assert_eq!(
            restore(&p.text, &p).unwrap(),
            "my iPhone and my iPhone, Ärger-Frei"
        );
    }

    #[test]
    fn terms_match_whole_words_only_in_spaced_scripts() {
        let entries = [entry("Pro", &[]), entry("sync", &[]), entry("Лёд", &[])];
        let p = protect(
            "Product async proactive Pro. sync_x (Pro) лёдник лёд",
            &entries,
            "de",
        );
        assert_eq!(
            p.text,
            "Product async proactive [[1]]. sync_x ([[2]]) лёдник [[3]]"
        );
    }

    #[test]
    fn cjk_terms_match_inside_sentences_and_latin_terms_next_to_cjk() {
        let entries = [
            entry("售后帆", &[("en", "Aftersail")]),
            entry("iPhone", &[]),
            entry("Aftersail", &[]),
            entry("アフターセイル", &[]),
        ];
        let p = protect(
            "我们的售后帆很好，用iPhone拍照。Aftersail을 사용하세요. アフターセイルです",
            &entries,
            "en",
        );
        assert_eq!(
            p.text,
            "我们的[[1]]很好，用[[2]]拍照。[[3]]을 사용하세요. [[4]]です"
        );
        assert_eq!(
            restore(
                "Our [[1]] is great, shot with [[2]]. Use [[3]]. It is [[4]]",
                &p
            )
            .unwrap(),
            "Our Aftersail is great, shot with iPhone. Use Aftersail. It is アフターセイル"
        );
    }

    #[test]
    fn placeholders_mangled_in_the_usual_ways_are_recognised() {
        let entries = [entry("Aftersail", &[("zh", "售后帆")])];
        let p = protect("Aftersail", &entries, "zh");
        assert_eq!(p.text, "[[1]]");
        for mangled in [
            "[[1]]",
            "[[ 1 ]]",
            "[ [1] ]",
            "[[1] ]",
            "［［1］］",
            "［［ 1 ］］",
            "【1】",
            "【【1】】",
            "〚1〛",
            "⟦1⟧",
            "[1]",
            "[[1]",
            "[1]]",
            "[[１]]",
            "[[\u{0661}]]",
            "[[\u{3000}1\u{3000}]]",
        ] {
            assert_eq!(
                restore(&format!("使用{mangled}。"), &p).as_deref(),
                Ok("使用售后帆。"),
                "{mangled:?}"
            );
        }
    }

    #[test]
    fn a_lost_or_garbled_placeholder_is_an_error_naming_the_term() {
        let entries = [entry("Aftersail", &[]), entry("cloud sync", &[])];
        let p = protect("Aftersail with cloud sync", &entries, "de");
        for broken in [
            "[[1]] mit Cloud-Synchronisierung",
            "[[1]] mit 2",
            "[[1]] mit [[12]]",
            "[[1]] mit (2)",
            "[[1]] mit [\n2]",
            "[[1]] mit [[ 2",
        ] {
            assert_eq!(
                restore(broken, &p),
                Err(GlossaryError::Lost {
                    term: "cloud sync".into()
                }),
                "{broken:?}"
            );
        }
        // A placeholder the engine repeated is fine: both get the term.
        assert_eq!(
            restore("[[1]], [[1]] und [[2]]", &p).unwrap(),
            "Aftersail, Aftersail und cloud sync"
        );
    }

    #[test]
    fn bracketed_numbers_in_the_original_are_not_placeholders() {
        let entries = [entry("Aftersail", &[("de", "Nachsegel")])];
        let text = "See note [1] and [[2]] about Aftersail.";
        let p = protect(text, &entries, "de");
        assert_eq!(p.text, "See note [1] and [[2]] about [[3]].");
        assert_eq!(
            restore("Siehe Anmerkung [1] und [[2]] zu [[3]].", &p).unwrap(),
            "Siehe Anmerkung [1] und [[2]] zu Nachsegel."
        );
    }

    #[test]
    fn no_terms_no_changes() {
        let p = protect("Hello [[1]]", &[], "de");
        assert_eq!(p.text, "Hello [[1]]");
        assert_eq!(p.placeholders(), 0);
        assert_eq!(restore("Hallo", &p).unwrap(), "Hallo");
        let blank = [entry("  ", &[])];
        assert_eq!(protect("a b", &blank, "de").text, "a b");
    }

    #[test]
    fn a_round_trip_through_an_engine_that_reorders() {
        let entries = [
            entry("Aftersail", &[]),
            entry("RMA", &[("de", "RMA-Nummer")]),
        ];
        let out = round_trip("Aftersail sent your RMA", &entries, "de", |t| {
            assert_eq!(t, "[[1]] sent your [[2]]");
            "Ihre [[2]] wurde von [[1]] gesendet".to_string()
        })
        .unwrap();
        assert_eq!(out, "Ihre RMA-Nummer wurde von Aftersail gesendet");
    }

    #[test]
    fn validation() {
        let ok = [
            entry(
                "Aftersail Pro",
                &[("de", "Aftersail Pro"), ("zh", "售后帆 Pro")],
            ),
            entry("cloud sync", &[]),
        ];
        assert_eq!(validate(&ok), Ok(()));
        assert_eq!(validate(&[]), Ok(()));

        let cases: Vec<(Vec<GlossaryEntry>, &str)> = vec![
            (
                vec![entry("a", &[]), entry(" ", &[])],
                "glossary entry 2: the term is empty",
            ),
            (
                vec![entry("iPhone", &[]), entry("IPHONE ", &[])],
                "the glossary lists \"IPHONE\" twice",
            ),
            (
                vec![entry("Pro", &[("DE", "Pro")])],
                "glossary term \"Pro\": \"DE\" is not a lowercase ISO 639-1 language code (such as de, pt or zh)",
            ),
            (
                vec![entry("Pro", &[("xx", "Pro")])],
                "glossary term \"Pro\": \"xx\" is not a lowercase ISO 639-1 language code (such as de, pt or zh)",
            ),
            (
                vec![entry("Pro", &[("pt-BR", "Pro")])],
                "glossary term \"Pro\": \"pt-BR\" is not a lowercase ISO 639-1 language code (such as de, pt or zh)",
            ),
            (
                vec![entry("Pro", &[("de", " ")])],
                "glossary term \"Pro\": the de form is empty (leave the language out to keep the term as written)",
            ),
            (
                vec![entry("two\nlines", &[])],
                "glossary term \"two\\nlines\" contains a line break or control character",
            ),
            (
                vec![entry(&"x".repeat(MAX_TERM_CHARS + 1), &[])],
                "is longer than 100 characters",
            ),
        ];
        for (entries, expected) in cases {
            let err = validate(&entries).unwrap_err();
            assert!(err.contains(expected), "{err:?} should say {expected:?}");
        }
    }

    #[test]
    fn entries_serialize_as_plain_json() {
        let e = entry("Aftersail", &[("de", "Nachsegel")]);
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "term": "Aftersail", "translations": { "de": "Nachsegel" } })
        );
        let bare: GlossaryEntry = serde_json::from_str(r#"{"term":"RMA"}"#).unwrap();
        assert!(bare.translations.is_empty());
    }

    fn text_from(alphabet: &'static [char], max: usize) -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(alphabet), 0..max)
            .prop_map(|chars| chars.into_iter().collect())
    }

    const ALPHABET: &[char] = &[
        'a', 'A', 'b', ' ', '[', ']', '［', '】', '1', '2', '中', '文', '-', '\n',
    ];

    proptest! {
        /// An engine that changes nothing gets the text back, terms in glossary spelling,
        /// however brackets and digits in the text and the terms fall.
        #[test]
        fn an_identity_engine_round_trips(
            text in text_from(ALPHABET, 40),
            terms in proptest::collection::vec(text_from(ALPHABET, 5), 0..4),
        ) {
            let entries: Vec<GlossaryEntry> = terms.iter().map(|t| entry(t, &[])).collect();
            let p = protect(&text, &entries, "de");
            let back = restore(&p.text, &p).unwrap();
            prop_assert_eq!(back.to_lowercase(), text.to_lowercase());
        }
    }
}
