//! The knowledge base's pure side: Markdown rendered to HTML that is safe to show anywhere,
//! slugs in every script (`退货政策`, `การคืนสินค้า`, `rücksendung`), the public paths of
//! articles and images, which language a help-center visitor reads, and how well an article
//! answers a buyer's message (a score from 0 to 1 that means the same for every message).

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

/// The longest title (characters).
pub const MAX_TITLE_CHARS: usize = 200;
/// The longest slug (characters, before percent-encoding).
pub const MAX_SLUG_CHARS: usize = 120;
/// The longest article body (Markdown characters).
pub const MAX_BODY_CHARS: usize = 100_000;
/// The largest image an article may show (help centers are read on phones).
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;
/// The longest category name and description (characters).
pub const MAX_CATEGORY_NAME_CHARS: usize = 100;
pub const MAX_CATEGORY_DESCRIPTION_CHARS: usize = 500;

// ---- Markdown ---------------------------------------------------------------------------

fn markdown_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

const TAGS: &[&str] = &[
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "del",
    "s",
    "mark",
    "small",
    "sub",
    "sup",
    "kbd",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "img",
    "details",
    "summary",
];

/// Tags dropped together with everything inside them.
const DROPPED_WITH_CONTENT: &[&str] = &[
    "script", "style", "iframe", "object", "embed", "noscript", "template", "title", "svg", "math",
    "textarea", "select", "xmp", "noembed", "noframes",
];

/// Articles are written by the shop's staff, but they are shown to everyone on the shop's
/// domain: only formatting survives, links and images only over http(s), mailto and tel or
/// relative to the site, never script, styles, forms or frames.
static SANITIZER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut b = Builder::empty();
    let mut attrs: HashMap<&str, HashSet<&str>> = HashMap::new();
    attrs.insert("a", ["href", "title"].into());
    attrs.insert("img", ["src", "alt", "title", "width", "height"].into());
    attrs.insert("ol", ["start"].into());
    attrs.insert("th", ["colspan", "rowspan"].into());
    attrs.insert("td", ["colspan", "rowspan"].into());
    b.tags(TAGS.iter().copied().collect())
        .clean_content_tags(DROPPED_WITH_CONTENT.iter().copied().collect())
        .tag_attributes(attrs)
        .generic_attributes(["lang", "dir"].into())
        .url_schemes(["http", "https", "mailto", "tel"].into())
        .url_relative(UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true);
    b
});

/// Markdown (CommonMark with tables and ~~strikethrough~~) as sanitized HTML.
pub fn render_markdown(md: &str) -> String {
    render_markdown_with(md, |_| None)
}

/// The same, with image addresses rewritten by `image_src` where it returns `Some` (the agent
/// preview shows a draft's images through the signed-in route, since the public one serves
/// only images of published articles).
pub fn render_markdown_with(md: &str, image_src: impl Fn(&str) -> Option<String>) -> String {
    let parser = Parser::new_ext(md, markdown_options()).map(|event| match event {
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest_url = image_src(&dest_url).map_or(dest_url, CowStr::from);
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            })
        }
        other => other,
    });
    let mut html = String::with_capacity(md.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, parser);
    SANITIZER.clean(&html).to_string()
}

/// The words of an article without markup, for search and snippets: one line per block.
pub fn plain_text(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    for event in Parser::new_ext(md, markdown_options()) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::Html(h) | Event::InlineHtml(h) => out.push_str(&strip_tags(&h)),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak | Event::Rule => out.push('\n'),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_)
                | TagEnd::TableRow
                | TagEnd::TableHead,
            ) => out.push('\n'),
            Event::End(TagEnd::TableCell) => out.push(' '),
            _ => {}
        }
    }
    out.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The text between the tags of an HTML fragment (entities left as written).
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

// ---- slugs and paths --------------------------------------------------------------------

/// Marks that belong to the letter before them (Thai vowels and tone marks, Indic vowel signs,
/// accents written separately): `char::is_alphanumeric` says no to many of them, and a slug
/// without them is a different word.
fn is_combining(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F
        | 0x0483..=0x0489
        | 0x0591..=0x05BD | 0x05BF | 0x05C1..=0x05C2 | 0x05C4..=0x05C5 | 0x05C7
        | 0x0610..=0x061A | 0x064B..=0x065F | 0x0670 | 0x06D6..=0x06DC | 0x06DF..=0x06E8
        | 0x06EA..=0x06ED
        | 0x0900..=0x0963 | 0x0966..=0x096F | 0x0971..=0x0DFF
        | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E
        | 0x0EB1 | 0x0EB4..=0x0EBC | 0x0EC8..=0x0ECE
        | 0x3099..=0x309A
        | 0xFE20..=0xFE2F)
}

fn is_slug_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining(c)
}

/// A title as a slug: lower case, letters and digits of every script kept (CJK, Thai with its
/// marks, accented Latin), everything else a single `-`, apostrophes dropped ("don't" →
/// "dont"), at most [`MAX_SLUG_CHARS`]. Empty when the title has no letters or digits.
pub fn slugify(title: &str) -> String {
    let mut slug = String::with_capacity(title.len());
    let mut dash = false;
    for c in title.chars().flat_map(char::to_lowercase) {
        if matches!(c, '\'' | '’' | '`' | 'ʼ') {
            continue;
        }
        if is_slug_char(c) {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.push(c);
        } else {
            dash = true;
        }
    }
    if slug.chars().count() > MAX_SLUG_CHARS {
        slug = slug.chars().take(MAX_SLUG_CHARS).collect();
        while slug.ends_with('-') {
            slug.pop();
        }
    }
    slug
}

/// What is wrong with a slug someone typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlugError {
    Empty,
    TooLong,
    /// Upper case, spaces, punctuation other than single inner hyphens.
    Characters,
}

/// A slug is lower-case letters and digits of any script, joined by single hyphens.
pub fn check_slug(slug: &str) -> Result<(), SlugError> {
    if slug.is_empty() {
        return Err(SlugError::Empty);
    }
    if slug.chars().count() > MAX_SLUG_CHARS {
        return Err(SlugError::TooLong);
    }
    let lower: String = slug.chars().flat_map(char::to_lowercase).collect();
    let chars_ok = slug.chars().all(|c| c == '-' || is_slug_char(c));
    let hyphens_ok = !slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--");
    if lower != slug || !chars_ok || !hyphens_ok {
        return Err(SlugError::Characters);
    }
    Ok(())
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The public help center of a shop: `/p/{shop}/help`.
pub fn help_center_path(shop_slug: &str) -> String {
    format!("/p/{}/help", percent_encode(shop_slug))
}

/// An article's public address in one language: `/p/{shop}/help/a/{slug}?lang={locale}`,
/// each part percent-encoded (`/p/demo/help/a/%E9%80%80%E8%B4%A7?lang=zh`).
pub fn article_path(shop_slug: &str, slug: &str, locale: &str) -> String {
    format!(
        "{}/a/{}?lang={}",
        help_center_path(shop_slug),
        percent_encode(slug),
        percent_encode(locale)
    )
}

/// The help center's full address for a reply (`{site}/p/{shop}/help`), opening in the
/// buyer's language when the ticket has one (`?lang=de`).
pub fn help_center_url(site: &str, shop_slug: &str, language: Option<&str>) -> String {
    help_center_link(
        &format!(
            "{}{}",
            site.trim_end_matches('/'),
            help_center_path(shop_slug)
        ),
        language,
    )
}

/// A help-center address with the buyer's language added (when it is a language tag).
pub fn help_center_link(url: &str, language: Option<&str>) -> String {
    match language.and_then(locale_code) {
        Some(code) => format!("{url}?lang={}", percent_encode(&code)),
        None => url.to_owned(),
    }
}

/// An uploaded image's public address.
pub fn image_path(shop_slug: &str, id: uuid::Uuid) -> String {
    format!("{}/images/{id}", help_center_path(shop_slug))
}

const IMAGE_MARK: &str = "/help/images/";

/// The images an article's Markdown shows from this knowledge base (each once, in order):
/// whatever follows `/help/images/` and reads as an id, in images, links or raw HTML alike.
pub fn image_ids(md: &str) -> Vec<uuid::Uuid> {
    let mut ids = Vec::new();
    for (at, _) in md.match_indices(IMAGE_MARK) {
        let rest = &md[at + IMAGE_MARK.len()..];
        let Some(candidate) = rest.get(..36) else {
            continue;
        };
        if let Ok(id) = uuid::Uuid::parse_str(candidate) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    ids
}

/// The Markdown that shows an uploaded image, for pasting into an article.
pub fn image_markdown(shop_slug: &str, id: uuid::Uuid, alt: &str) -> String {
    let alt: String = alt
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | '\\') && !c.is_control())
        .collect();
    let alt = alt.trim();
    let alt = alt
        .rsplit_once('.')
        .map_or(alt, |(stem, _)| stem)
        .trim()
        .to_owned();
    format!("![{alt}]({})", image_path(shop_slug, id))
}

// ---- languages --------------------------------------------------------------------------

/// A language tag as stored: "de", "pt-br", "zh-hans" (lower case, `-` between subtags).
/// `None` when it is not a tag.
pub fn locale_code(text: &str) -> Option<String> {
    let code = text.trim().replace('_', "-").to_ascii_lowercase();
    let mut parts = code.split('-');
    let primary = parts.next()?;
    let primary_ok =
        (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase());
    let rest_ok =
        parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    (primary_ok && rest_ok && code.len() <= 35).then_some(code)
}

fn primary(locale: &str) -> &str {
    locale.split('-').next().unwrap_or(locale)
}

/// Languages written without spaces between words: searched by overlapping character pairs
/// (the `search_text()` of the ticket search), since a word-based parser would see one word
/// per sentence.
pub fn uses_bigrams(locale: &str) -> bool {
    matches!(primary(locale), "zh" | "ja" | "ko" | "th")
}

/// The PostgreSQL text-search configuration that stems a language (`kb_regconfig()` in the
/// migration says the same); `simple` (no stemming, no stop words) for the rest.
pub fn text_search_config(locale: &str) -> &'static str {
    match primary(locale) {
        "ar" => "arabic",
        "ca" => "catalan",
        "da" => "danish",
        "de" => "german",
        "el" => "greek",
        "en" => "english",
        "es" => "spanish",
        "eu" => "basque",
        "fi" => "finnish",
        "fr" => "french",
        "ga" => "irish",
        "hi" => "hindi",
        "hu" => "hungarian",
        "hy" => "armenian",
        "id" => "indonesian",
        "it" => "italian",
        "lt" => "lithuanian",
        "nb" | "nn" | "no" => "norwegian",
        "ne" => "nepali",
        "nl" => "dutch",
        "pt" => "portuguese",
        "ro" => "romanian",
        "ru" => "russian",
        "sr" => "serbian",
        "sv" => "swedish",
        "ta" => "tamil",
        "tr" => "turkish",
        "yi" => "yiddish",
        _ => "simple",
    }
}

/// Every language [`text_search_config`] stems, for checking the SQL twin.
pub const STEMMED_LANGUAGES: &[&str] = &[
    "ar", "ca", "da", "de", "el", "en", "es", "eu", "fi", "fr", "ga", "hi", "hu", "hy", "id", "it",
    "lt", "nb", "nn", "no", "ne", "nl", "pt", "ro", "ru", "sr", "sv", "ta", "tr", "yi",
];

/// A language's own name for the language switcher; the tag itself for ones we don't know.
pub fn language_name(locale: &str) -> String {
    let name = match locale {
        "pt-br" => "Português (Brasil)",
        "zh-tw" | "zh-hant" => "中文（繁體）",
        "en-gb" => "English (UK)",
        _ => match primary(locale) {
            "ar" => "العربية",
            "cs" => "Čeština",
            "da" => "Dansk",
            "de" => "Deutsch",
            "el" => "Ελληνικά",
            "en" => "English",
            "es" => "Español",
            "fi" => "Suomi",
            "fr" => "Français",
            "he" => "עברית",
            "hi" => "हिन्दी",
            "hu" => "Magyar",
            "id" => "Bahasa Indonesia",
            "it" => "Italiano",
            "ja" => "日本語",
            "ko" => "한국어",
            "ms" => "Bahasa Melayu",
            "nb" | "no" => "Norsk",
            "nl" => "Nederlands",
            "pl" => "Polski",
            "pt" => "Português",
            "ro" => "Română",
            "ru" => "Русский",
            "sv" => "Svenska",
            "th" => "ไทย",
            "tr" => "Türkçe",
            "uk" => "Українська",
            "vi" => "Tiếng Việt",
            "zh" => "中文",
            _ => return locale.to_owned(),
        },
    };
    name.to_owned()
}

/// The languages of an `Accept-Language` header as tags, best first (`q=0` ones left out).
pub fn accept_languages(header: &str) -> Vec<String> {
    let mut weighted: Vec<(f32, usize, String)> = Vec::new();
    for (i, part) in header.split(',').enumerate() {
        let mut pieces = part.trim().split(';');
        let Some(code) = pieces.next().and_then(locale_code) else {
            continue;
        };
        let q = pieces
            .find_map(|p| p.trim().strip_prefix("q=").and_then(|v| v.parse().ok()))
            .unwrap_or(1.0f32);
        if q > 0.0 {
            weighted.push((q, i, code));
        }
    }
    weighted.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    weighted.into_iter().map(|(_, _, code)| code).collect()
}

/// The first of `wanted` (best first) that `available` has: the exact tag, else the same
/// language ("pt-br" for "pt", "zh" for "zh-cn").
pub fn pick_locale(available: &[String], wanted: &[String]) -> Option<String> {
    for w in wanted {
        if let Some(exact) = available.iter().find(|a| *a == w) {
            return Some(exact.clone());
        }
        let base = primary(w);
        if let Some(same) = available
            .iter()
            .find(|a| a.as_str() == base)
            .or_else(|| available.iter().find(|a| primary(a) == base))
        {
            return Some(same.clone());
        }
    }
    None
}

// ---- how well an article answers a message ----------------------------------------------

/// How much the title counts against the rest of the message: a message that asks what the
/// title asks is the best sign an article answers it.
const TITLE_WEIGHT: f32 = 0.6;
/// A message is covered once this many of its content words (or, for languages searched by
/// character pairs, characters) occur in the article: buyers write greetings and stories
/// around their question, which should not dilute it.
const SATURATION_WORDS: f32 = 4.0;
const SATURATION_CHARS: f32 = 6.0;

/// Chinese characters that carry grammar rather than topic (particles, pronouns, question
/// words, "can/want/please"): not counted when measuring how much of a text is covered.
const CHINESE_FUNCTION_CHARS: &str = "的了吗呢吧啊呀嘛哦是在我你您他她它们和与及或也都就还请问怎么如何样什这那哪个很谢好想要能可以会";

/// The terms PostgreSQL found, as [`answer_score`] needs them.
#[derive(Debug, Clone, Copy)]
pub struct Terms<'a> {
    /// The message's terms in the article language's configuration (stemmed, stop words
    /// dropped; character pairs for [`uses_bigrams`] languages), each once.
    pub message: &'a [String],
    /// The title's terms, the same way.
    pub title: &'a [String],
    /// The message's terms that occur anywhere in the article.
    pub matched: &'a [String],
}

/// How well an article answers a message, from 0 (nothing in common) to 1 (the message asks
/// exactly the title, and the article covers the whole message): 60 % how much of the title
/// the message contains, 40 % how much of the message the article contains (full once four
/// words, or six characters in Chinese, Japanese, Korean and Thai, are covered). Depends only
/// on the message and the article, so one threshold serves every message and language.
pub fn answer_score(locale: &str, message: &str, title: &str, terms: Terms<'_>) -> f32 {
    let matched: HashSet<&str> = terms.matched.iter().map(String::as_str).collect();
    let (title_cov, message_cov) = if uses_bigrams(locale) {
        let (t_covered, t_units) = covered_units(title, &matched);
        let (m_covered, m_units) = covered_units(message, &matched);
        (
            ratio(t_covered, t_units),
            ratio(m_covered, m_units.min(SATURATION_CHARS as usize)),
        )
    } else {
        let t_units = terms.title.len();
        let t_covered = terms
            .title
            .iter()
            .filter(|t| matched.contains(t.as_str()))
            .count();
        let m_units = terms.message.len();
        let m_covered = terms
            .message
            .iter()
            .filter(|t| matched.contains(t.as_str()))
            .count();
        (
            ratio(t_covered, t_units),
            ratio(m_covered, m_units.min(SATURATION_WORDS as usize)),
        )
    };
    (TITLE_WEIGHT * title_cov + (1.0 - TITLE_WEIGHT) * message_cov).clamp(0.0, 1.0)
}

fn ratio(part: usize, whole: usize) -> f32 {
    if whole == 0 {
        0.0
    } else {
        (part as f32 / whole as f32).min(1.0)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Word,
    Cjk,
    Thai,
    Other,
}

/// The character classes of `search_text()` in the search migration, which this mirrors.
fn class(c: char) -> Class {
    match c as u32 {
        0x30..=0x39
        | 0x61..=0x7A
        | 0xC0..=0x24F
        | 0x370..=0x3FF
        | 0x400..=0x4FF
        | 0x590..=0x5FF
        | 0x600..=0x6FF => Class::Word,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF => Class::Cjk,
        0x0E00..=0x0E7F => Class::Thai,
        _ => Class::Other,
    }
}

/// The tokens `search_text()` makes of a text: words, and runs of CJK or Thai characters.
fn runs(text: &str) -> Vec<(Class, Vec<char>)> {
    let mut out: Vec<(Class, Vec<char>)> = Vec::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        let k = class(c);
        match out.last_mut() {
            Some((last, chars)) if *last == k && k != Class::Other => chars.push(c),
            _ if k == Class::Other => out.push((Class::Other, Vec::new())),
            _ => out.push((k, vec![c])),
        }
    }
    out.retain(|(k, chars)| *k != Class::Other && !chars.is_empty());
    out
}

/// Whether a character counts when measuring coverage: hiragana (mostly grammar in Japanese),
/// Chinese function characters and Thai vowel and tone marks (which PostgreSQL's parser drops
/// from a pair it starts) do not.
fn counts(c: char) -> bool {
    !(('\u{3040}'..='\u{309F}').contains(&c)
        || CHINESE_FUNCTION_CHARS.contains(c)
        || matches!(c as u32, 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E))
}

/// (covered, total) units of a text searched by character pairs: each word is a unit, and each
/// counting character of a CJK or Thai run is one, covered when a pair it is part of matched.
fn covered_units(text: &str, matched: &HashSet<&str>) -> (usize, usize) {
    let (mut covered, mut total) = (0, 0);
    for (k, chars) in runs(text) {
        if k == Class::Word || chars.len() == 1 {
            let unit: String = chars.iter().collect();
            if k == Class::Word || counts(chars[0]) {
                total += 1;
                covered += usize::from(matched.contains(unit.as_str()));
            }
            continue;
        }
        let pair_matched: Vec<bool> = chars
            .windows(2)
            .map(|w| matched.contains(w.iter().collect::<String>().as_str()))
            .collect();
        for (i, c) in chars.iter().enumerate() {
            if !counts(*c) {
                continue;
            }
            total += 1;
            let before = i > 0 && pair_matched[i - 1];
            let after = i < pair_matched.len() && pair_matched[i];
            covered += usize::from(before || after);
        }
    }
    (covered, total)
}

/// The character pairs (and words) `search_text()` indexes a text under, for tests and for
/// checking the SQL twin.
pub fn bigram_terms(text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    for (k, chars) in runs(text) {
        if k == Class::Word || chars.len() == 1 {
            terms.push(chars.iter().collect());
        } else {
            terms.extend(chars.windows(2).map(|w| w.iter().collect::<String>()));
        }
    }
    terms
}

#[cfg(test)]
mod props {
    use proptest::prelude::*;

    use super::*;

    /// Text from every script the help center serves, with markup and punctuation mixed in.
    fn any_text() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![
                "[a-zA-Z0-9 ]{1,8}",
                "[äöüßÄÖÜéèçñ]{1,3}",
                "[退货政策订单号]{1,4}",
                "[返品についてギフト]{1,4}",
                "[การคืนสินค้าั้่]{1,5}",
                "[-_.,;:!?'’`\\/#%&<>\"()\\[\\]{}*~|=+ ]{1,3}",
            ],
            0..8,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #[test]
        fn a_slug_is_valid_or_empty_and_stable(title in any_text()) {
            let slug = slugify(&title);
            prop_assert!(slug.is_empty() || check_slug(&slug).is_ok(), "{:?} → {:?}", title, slug);
            prop_assert_eq!(slugify(&slug), slug);
        }

        #[test]
        fn rendered_markdown_never_carries_script(md in any_text(), tail in any_text()) {
            let md = format!("{md}<script>x</script><img src=x onerror=y>[a](javascript:z){tail}");
            let html = render_markdown(&md).to_ascii_lowercase();
            // Text may say anything (escaped); the tags themselves must be harmless.
            for tag in html.split('<').skip(1).map(|t| t.split('>').next().unwrap_or("")) {
                prop_assert!(
                    !tag.starts_with("script") && !tag.contains(" on") && !tag.contains("javascript:"),
                    "{:?} → {:?}", md, html
                );
            }
        }

        #[test]
        fn scores_stay_between_zero_and_one(message in any_text(), title in any_text(), locale in "(en|de|zh|ja|th)") {
            let m = bigram_terms(&message);
            let t = bigram_terms(&title);
            let matched: Vec<String> = m.iter().filter(|x| t.contains(x)).cloned().collect();
            let score = answer_score(&locale, &message, &title, Terms { message: &m, title: &t, matched: &matched });
            prop_assert!((0.0..=1.0).contains(&score), "{}", score);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_safe_html() {
        let html = render_markdown(
            "# Returns\n\nSend it **back** within [30 days](https://example.com/policy).\n\n\
             | A | B |\n|---|---|\n| 1 | 2 |\n\n~~old~~ ![box](/p/demo/help/images/x)",
        );
        assert!(html.contains("<h1>Returns</h1>"), "{html}");
        assert!(html.contains("<strong>back</strong>"), "{html}");
        assert!(
            html.contains(
                r#"<a href="https://example.com/policy" rel="noopener noreferrer">30 days</a>"#
            ),
            "{html}"
        );
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(
            html.contains(r#"<img src="/p/demo/help/images/x" alt="box">"#),
            "{html}"
        );
    }

    #[test]
    fn hostile_markdown_loses_its_teeth() {
        let rows = [
            "<script>alert(1)</script>hi",
            "<img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "![x](data:text/html;base64,PHNjcmlwdD4=)",
            "<a href=\"vbscript:msgbox\">x</a>",
            "<iframe src=https://evil.example></iframe>",
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
            "<svg><script>alert(1)</script></svg>",
            "<form action=/x><input name=a></form>",
            "<p onclick=\"alert(1)\">x</p>",
            "<style>body{display:none}</style>",
            "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
            "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
        ];
        for md in rows {
            let html = render_markdown(md).to_ascii_lowercase();
            for bad in [
                "<script",
                "onerror",
                "onclick",
                "javascript:",
                "vbscript:",
                "data:",
                "<iframe",
                "style=",
                "<style",
                "<form",
                "<input",
                "<svg",
                "<math",
            ] {
                assert!(!html.contains(bad), "{md:?} → {html}");
            }
        }
        // Text that looks like markup stays text.
        assert!(render_markdown("a < b & c").contains("a &lt; b &amp; c"));
    }

    #[test]
    fn preview_rewrites_image_addresses() {
        let html = render_markdown_with(
            "![a](/p/s/help/images/1) ![b](https://x.example/b.png)",
            |src| {
                src.strip_prefix("/p/s/help/images/")
                    .map(|id| format!("/kb/images/{id}"))
            },
        );
        assert!(html.contains(r#"src="/kb/images/1""#), "{html}");
        assert!(html.contains(r#"src="https://x.example/b.png""#), "{html}");
    }

    #[test]
    fn plain_text_keeps_the_words() {
        let text = plain_text(
            "# Rücksendung\n\nSo **senden** Sie *Artikel* zurück:\n\n1. Etikett `drucken`\n2. Paket <b>abgeben</b>\n\n| Land | Tage |\n|---|---|\n| DE | 30 |",
        );
        assert_eq!(
            text,
            "Rücksendung\nSo senden Sie Artikel zurück:\nEtikett drucken\nPaket abgeben\nLand Tage\nDE 30"
        );
    }

    #[test]
    fn slugs_keep_every_script() {
        let rows = [
            ("How do I return an item?", "how-do-i-return-an-item"),
            ("  Don't   panic!! ", "dont-panic"),
            ("Rücksendung & Erstattung", "rücksendung-erstattung"),
            ("退货政策", "退货政策"),
            ("如何 申请退货？", "如何-申请退货"),
            ("返品について（30日以内）", "返品について-30日以内"),
            ("การคืนสินค้า", "การคืนสินค้า"),
            ("ขั้นตอน คืนเงิน", "ขั้นตอน-คืนเงิน"),
            ("환불 정책", "환불-정책"),
            ("Política de devolução", "política-de-devolução"),
            ("C++ / C# FAQ", "c-c-faq"),
            ("!!!", ""),
        ];
        for (title, slug) in rows {
            assert_eq!(slugify(title), slug, "{title:?}");
            if !slug.is_empty() {
                assert_eq!(check_slug(slug), Ok(()), "{slug:?}");
            }
        }
        let long = slugify(&format!("{} end", "word ".repeat(60)));
        assert!(long.chars().count() <= MAX_SLUG_CHARS);
        assert!(!long.ends_with('-'));
    }

    #[test]
    fn slugs_are_checked() {
        assert_eq!(check_slug(""), Err(SlugError::Empty));
        assert_eq!(check_slug(&"a".repeat(121)), Err(SlugError::TooLong));
        for bad in [
            "Upper",
            "with space",
            "-lead",
            "trail-",
            "dou--ble",
            "a/b",
            "a?b",
            "a%20b",
            "a_b",
            "a.b",
            "退货。",
            "<x>",
        ] {
            assert_eq!(check_slug(bad), Err(SlugError::Characters), "{bad:?}");
        }
        for good in ["a", "return-policy", "退货政策", "การคืนสินค้า", "2024-update"]
        {
            assert_eq!(check_slug(good), Ok(()), "{good:?}");
        }
    }

    #[test]
    fn paths_are_percent_encoded() {
        assert_eq!(
            article_path("demo", "return-policy", "en"),
            "/p/demo/help/a/return-policy?lang=en"
        );
        assert_eq!(
            article_path("demo", "退货", "zh"),
            "/p/demo/help/a/%E9%80%80%E8%B4%A7?lang=zh"
        );
        assert_eq!(
            article_path("demo", "a b?c", "pt-br"),
            "/p/demo/help/a/a%20b%3Fc?lang=pt-br"
        );
        assert_eq!(help_center_path("demo"), "/p/demo/help");
        assert_eq!(
            help_center_url("https://help.example/", "demo", Some("de_DE")),
            "https://help.example/p/demo/help?lang=de-de"
        );
        assert_eq!(
            help_center_url("https://help.example", "demo", Some("?")),
            "https://help.example/p/demo/help"
        );
        assert_eq!(
            help_center_url("https://help.example", "demo", None),
            "https://help.example/p/demo/help"
        );
    }

    #[test]
    fn images_referenced_by_markdown() {
        let a = uuid::Uuid::now_v7();
        let b = uuid::Uuid::now_v7();
        let md = format!(
            "![x](/p/demo/help/images/{a}) text [link](/p/demo/help/images/{b}?x=1) \
             <img src=\"/p/demo/help/images/{a}\"> /help/images/not-an-id"
        );
        assert_eq!(image_ids(&md), vec![a, b]);
        assert_eq!(
            image_markdown("demo", a, "box [1].png"),
            format!("![box 1](/p/demo/help/images/{a})")
        );
    }

    #[test]
    fn languages_are_picked_best_first() {
        let have: Vec<String> = ["en", "de", "pt-br", "zh"].map(String::from).to_vec();
        let want = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            pick_locale(&have, &want(&["fr", "de"])).as_deref(),
            Some("de")
        );
        assert_eq!(pick_locale(&have, &want(&["de-at"])).as_deref(), Some("de"));
        assert_eq!(pick_locale(&have, &want(&["pt"])).as_deref(), Some("pt-br"));
        assert_eq!(pick_locale(&have, &want(&["zh-cn"])).as_deref(), Some("zh"));
        assert_eq!(pick_locale(&have, &want(&["ja"])), None);
        assert_eq!(
            accept_languages("fr-CH, fr;q=0.9, de;q=0.95, *;q=0.5, en;q=0"),
            vec!["fr-ch", "de", "fr"]
        );
        assert_eq!(locale_code(" pt_BR ").as_deref(), Some("pt-br"));
        assert_eq!(locale_code("deutsch"), None);
        assert_eq!(language_name("de"), "Deutsch");
        assert_eq!(language_name("th"), "ไทย");
        assert_eq!(language_name("xx"), "xx");
        assert!(uses_bigrams("zh-hans") && uses_bigrams("th") && !uses_bigrams("de"));
        assert_eq!(text_search_config("de-at"), "german");
        assert_eq!(text_search_config("pl"), "simple");
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn word_scores_reward_asking_the_title() {
        // "How do I return an item?" as the english configuration sees it.
        let title = strings(&["return", "item"]);
        let score = |message: &[&str], matched: &[&str]| {
            answer_score(
                "en",
                "",
                "",
                Terms {
                    message: &strings(message),
                    title: &title,
                    matched: &strings(matched),
                },
            )
        };
        let exact = score(&["return", "item"], &["return", "item"]);
        assert!((exact - 1.0).abs() < 1e-6, "{exact}");
        // A long story around the question: still clearly about it.
        let story = score(
            &[
                "hi", "bought", "boot", "last", "month", "small", "return", "refund", "item",
            ],
            &["return", "refund", "item"],
        );
        assert!(story >= 0.8, "{story}");
        let partly = score(
            &["hi", "bought", "boot", "small", "return", "refund"],
            &["return", "refund"],
        );
        assert!((0.45..0.8).contains(&partly), "{partly}");
        // Unrelated: nothing, or one word of the body.
        assert_eq!(score(&["parcel", "track", "deliv"], &[]), 0.0);
        let one_body_word = score(&["parcel", "track", "deliv", "week"], &["week"]);
        assert!(one_body_word < 0.15, "{one_body_word}");
        assert_eq!(score(&[], &[]), 0.0);
    }

    #[test]
    fn character_pair_scores_ignore_grammar() {
        let terms = |text: &str| bigram_terms(text);
        let score = |locale: &str, message: &str, title: &str, body: &str| {
            let article: HashSet<String> = terms(title).into_iter().chain(terms(body)).collect();
            let message_terms = terms(message);
            let matched: Vec<String> = message_terms
                .iter()
                .filter(|t| article.contains(*t))
                .cloned()
                .collect();
            answer_score(
                locale,
                message,
                title,
                Terms {
                    message: &message_terms,
                    title: &terms(title),
                    matched: &matched,
                },
            )
        };
        let zh_body = "收到商品30天内可以申请退货，退款将在5个工作日内到账。";
        let asks = score(
            "zh",
            "你好，我买的鞋子太小了，怎么退货？",
            "如何退货",
            zh_body,
        );
        assert!(asks >= 0.6, "{asks}");
        let unrelated = score("zh", "我的包裹什么时候发货？", "如何退货", zh_body);
        assert!(unrelated < 0.2, "{unrelated}");
        let ja_body = "商品到着後30日以内であれば返品できます。";
        let ja = score(
            "ja",
            "購入した靴を返品したいのですが",
            "返品について",
            ja_body,
        );
        assert!(ja >= 0.6, "{ja}");
        let ja_unrelated = score("ja", "荷物がまだ届きません", "返品について", ja_body);
        assert!(ja_unrelated < 0.2, "{ja_unrelated}");
        let th = score(
            "th",
            "ฉันต้องการคืนสินค้า",
            "การคืนสินค้า",
            "คุณสามารถคืนสินค้าได้ภายใน 30 วัน",
        );
        assert!(th >= 0.6, "{th}");
        assert_eq!(
            bigram_terms("订单号 abc 退"),
            vec!["订单", "单号", "abc", "退"]
        );
    }
}
