//! HTML from mail: [`sanitize`] it for display (ammonia), or turn it into readable text
//! ([`html_to_text`]) when a mail has no text part.
//!
//! Both run the input through html5ever (inside ammonia), so broken markup is parsed the way
//! a browser would, which is what defeats mutation-XSS tricks.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};

/// Tags whose content is dropped together with the tag.
const DROPPED_WITH_CONTENT: &[&str] = &[
    "script", "style", "iframe", "object", "embed", "noscript", "template", "title", "svg", "math",
    "xmp", "noembed", "noframes", "frameset", "frame", "applet", "textarea", "select", "head",
];

const FORMATTING_TAGS: &[&str] = &[
    "p",
    "br",
    "div",
    "span",
    "b",
    "i",
    "u",
    "s",
    "strong",
    "em",
    "small",
    "sub",
    "sup",
    "hr",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "caption",
    "colgroup",
    "col",
    "blockquote",
    "pre",
    "code",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "img",
    "a",
    "font",
    "center",
];

/// CSS that can run code or fetch things (old IE `expression()`, `behavior`, XBL bindings,
/// `url(…)` beacons/`javascript:`), or hide it behind escapes and comments.
fn dangerous_css(value: &str) -> bool {
    let v = value.to_ascii_lowercase();
    [
        "expression",
        "javascript",
        "vbscript",
        "url(",
        "behavior",
        "-moz-binding",
        "@import",
        "\\",
        "/*",
        "<",
        "&",
    ]
    .iter()
    .any(|bad| v.contains(bad))
}

fn url_scheme(value: &str) -> Option<String> {
    let v: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    let (scheme, _) = v.split_once(':')?;
    Some(scheme.to_ascii_lowercase())
}

static SANITIZER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut b = Builder::empty();
    let mut attrs: HashMap<&str, HashSet<&str>> = HashMap::new();
    attrs.insert("a", ["href", "title"].into());
    attrs.insert("img", ["src", "alt", "width", "height", "title"].into());
    for cell in ["td", "th"] {
        attrs.insert(
            cell,
            ["colspan", "rowspan", "align", "valign", "width"].into(),
        );
    }
    attrs.insert(
        "table",
        ["width", "border", "cellpadding", "cellspacing", "align"].into(),
    );
    attrs.insert("font", ["color", "size"].into());
    b.tags(FORMATTING_TAGS.iter().copied().collect())
        .clean_content_tags(DROPPED_WITH_CONTENT.iter().copied().collect())
        .tag_attributes(attrs)
        .generic_attributes(["style", "dir", "lang"].into())
        .url_schemes(["http", "https", "mailto", "tel", "cid"].into())
        .url_relative(UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer nofollow"))
        .strip_comments(true)
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            (_, "style") if dangerous_css(value) => None,
            // Images: remote http(s) or an inline part (`cid:`), nothing else.
            ("img", "src") => match url_scheme(value).as_deref() {
                Some("http" | "https" | "cid") => Some(Cow::Borrowed(value)),
                _ => None,
            },
            // Links: web, mail and phone only.
            ("a", "href") => match url_scheme(value).as_deref() {
                Some("http" | "https" | "mailto" | "tel") => Some(Cow::Borrowed(value)),
                _ => None,
            },
            _ => Some(Cow::Borrowed(value)),
        });
    b
});

/// Sanitized HTML, safe to show: basic formatting, tables, links (`rel="noopener noreferrer
/// nofollow"`) and images (`http`, `https`, `cid:`) only; no scripts, styles sheets, frames,
/// forms, event handlers or script URLs.
pub fn sanitize(html: &str) -> String {
    SANITIZER.clean(&html.replace('\0', "")).to_string()
}

/// Tags kept when normalising HTML before turning it into text.
const TEXT_STRUCTURE_TAGS: &[&str] = &[
    "p",
    "br",
    "div",
    "li",
    "tr",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "hr",
    "table",
    "ul",
    "ol",
    "dt",
    "dd",
    "section",
    "article",
    "header",
    "footer",
];

static TEXT_NORMALIZER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut b = Builder::empty();
    b.tags(TEXT_STRUCTURE_TAGS.iter().copied().collect())
        .clean_content_tags(DROPPED_WITH_CONTENT.iter().copied().collect())
        .strip_comments(true)
        .link_rel(None);
    b
});

/// Readable text from HTML: block elements and `<br>` become line breaks, list items get a
/// `- `, table cells are separated by a tab, entities are decoded, script/style content
/// is dropped, links keep their text.
pub fn html_to_text(html: &str) -> String {
    // ammonia leaves only bare structural tags (no attributes) and escapes text with a
    // handful of entities, so the scan below never meets arbitrary markup.
    let normalized = TEXT_NORMALIZER.clean(&html.replace('\0', "")).to_string();
    let mut out = String::with_capacity(normalized.len());
    let mut pre_depth = 0usize;
    let mut rest = normalized.as_str();
    while !rest.is_empty() {
        if let Some(tag_body) = rest.strip_prefix('<') {
            let end = tag_body.find('>').unwrap_or(tag_body.len());
            let tag = &tag_body[..end];
            rest = tag_body.get(end + 1..).unwrap_or("");
            let closing = tag.starts_with('/');
            let name = tag.trim_start_matches('/').trim_end_matches('/').trim();
            match (name, closing) {
                ("br", _) => out.push('\n'),
                ("pre", false) => {
                    pre_depth += 1;
                    newline(&mut out);
                }
                ("pre", true) => {
                    pre_depth = pre_depth.saturating_sub(1);
                    newline(&mut out);
                }
                ("li", false) => {
                    newline(&mut out);
                    out.push_str("- ");
                }
                ("td" | "th", false) => {
                    if !out.ends_with('\n') && !out.is_empty() {
                        out.push('\t');
                    }
                }
                ("td" | "th", true) => {}
                ("hr", _) => {
                    newline(&mut out);
                    out.push_str("---\n");
                }
                ("p" | "div" | "blockquote" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6", _) => {
                    paragraph(&mut out)
                }
                _ => newline(&mut out),
            }
            continue;
        }
        let next_tag = rest.find('<').unwrap_or(rest.len());
        let text = decode_entities(&rest[..next_tag]);
        rest = &rest[next_tag..];
        if pre_depth > 0 {
            out.push_str(&text);
        } else {
            for (i, word) in text.split_ascii_whitespace().enumerate() {
                let starts_with_space =
                    i == 0 && text.starts_with(|c: char| c.is_ascii_whitespace());
                if (i > 0 || starts_with_space)
                    && !out.is_empty()
                    && !out.ends_with(['\n', ' ', '\t'])
                {
                    out.push(' ');
                }
                out.push_str(word);
            }
            if text.ends_with(|c: char| c.is_ascii_whitespace())
                && !text.trim().is_empty()
                && !out.ends_with(['\n', ' ', '\t'])
            {
                out.push(' ');
            }
        }
    }
    tidy(&out)
}

fn newline(out: &mut String) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

fn paragraph(out: &mut String) {
    newline(out);
    if !out.is_empty() && !out.ends_with("\n\n") {
        out.push('\n');
    }
}

/// Trims line ends and keeps at most one blank line in a row.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines().map(|l| l.trim_end_matches([' ', '\t'])) {
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
            if blank > 0 {
                out.push('\n');
            }
        }
        blank = 0;
        out.push_str(line);
    }
    out
}

/// Decodes the entities html5ever's serializer emits, plus numeric ones for safety.
fn decode_entities(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        // Byte search: `;` is ASCII, so the index is always a char boundary.
        let end = rest.bytes().take(12).position(|b| b == b';');
        let decoded = end.and_then(|end| {
            let entity = &rest[1..end];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            }?;
            Some((c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// OWASP XSS filter evasion classics and mutation XSS.
    const VECTORS: &[&str] = &[
        "<script>alert(1)</script>",
        "<IMG SRC=javascript:alert(1)>",
        "<IMG SRC=JaVaScRiPt:alert('XSS')>",
        "<img src=\"jav&#x09;ascript:alert(1)\">",
        "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
        "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
        "<a href=\" &#14;  javascript:alert(1)\">x</a>",
        "<a href=\"vbscript:msgbox(1)\">x</a>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
        "<img src=\"data:image/png;base64,iVBORw0KGgo=\">",
        "<svg onload=alert(1)>",
        "<svg><script>alert(1)</script></svg>",
        "<body onload=alert(1)>hi</body>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<div style=\"width: expression(alert(1))\">x</div>",
        "<div style=\"xss:ex/**/pression(alert(1))\">x</div>",
        "<math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
        "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<base href=\"javascript:alert(1)//\">",
        "<link rel=stylesheet href=\"javascript:alert(1)\">",
        "<object data=\"javascript:alert(1)\"></object>",
        "<embed src=\"javascript:alert(1)\">",
        "<form action=\"javascript:alert(1)\"><input type=submit onfocus=alert(1) autofocus></form>",
        "<<script>script>alert(1)<</script>/script>",
        "<ScRiPt>alert(1)</sCrIpT>",
        "<scr\0ipt>alert(1)</script>",
        "<img src=x onerror=alert(1)//",
        "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\">",
        "<img src=\"x\" OnErRoR=\"alert(1)\">",
        "<div onmouseover='alert(1)'>x</div>",
        "<a href=\"javascript&colon;alert(1)\">x</a>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
        "<table background=\"javascript:alert(1)\"><tr><td>x</td></tr></table>",
        "<style>@import 'javascript:alert(1)';</style>",
        "<xmp><script>alert(1)</script></xmp>",
        "<a href=\"cid:evil\">x</a><img src=\"cid:logo@x\">",
    ];

    #[test]
    fn xss_vectors_are_neutralised() {
        let attr_on = regex::Regex::new(r"\son[a-z]+\s*=").expect("valid regex");
        for vector in VECTORS {
            let out = sanitize(vector).to_ascii_lowercase();
            assert!(!out.contains("<script"), "{vector} -> {out}");
            assert!(!out.contains("javascript:"), "{vector} -> {out}");
            assert!(!out.contains("vbscript:"), "{vector} -> {out}");
            assert!(!out.contains("data:"), "{vector} -> {out}");
            assert!(!out.contains("expression"), "{vector} -> {out}");
            for tag in [
                "<svg", "<math", "<iframe", "<meta", "<base", "<link", "<object", "<embed",
                "<form", "<input", "<style", "<body",
            ] {
                assert!(!out.contains(tag), "{vector} -> {out}");
            }
            assert!(!attr_on.is_match(&out), "{vector} -> {out}");
        }
    }

    #[test]
    fn keeps_formatting_links_and_images() {
        let out = sanitize(
            "<p>Hi <b>there</b> <a href=\"https://shop.example/o/1\" title=\"Order\" target=\"_blank\">order</a></p>\
             <img src=\"cid:logo@shop\" alt=\"Logo\" width=\"20\" height=\"10\">\
             <img src=\"https://cdn.example/x.png\"><img src=\"/relative.png\">\
             <a href=\"mailto:help@shop.example\">mail</a><a href=\"tel:+4930123\">call</a>\
             <a href=\"cid:x\">cid link</a>\
             <table><tr><td colspan=\"2\" style=\"color: red\">cell</td></tr></table><blockquote>q</blockquote>",
        );
        assert!(out.contains("<b>there</b>"), "{out}");
        assert!(out.contains("href=\"https://shop.example/o/1\""), "{out}");
        assert!(
            out.contains("rel=\"noopener noreferrer nofollow\""),
            "{out}"
        );
        assert!(!out.contains("target="), "{out}");
        assert!(
            out.contains("<img src=\"cid:logo@shop\" alt=\"Logo\" width=\"20\" height=\"10\">"),
            "{out}"
        );
        assert!(out.contains("src=\"https://cdn.example/x.png\""), "{out}");
        assert!(!out.contains("relative.png"), "{out}");
        assert!(out.contains("href=\"mailto:help@shop.example\""), "{out}");
        assert!(out.contains("href=\"tel:+4930123\""), "{out}");
        assert!(!out.contains("href=\"cid:x\""), "{out}");
        assert!(
            out.contains("<td colspan=\"2\" style=\"color: red\">cell</td>"),
            "{out}"
        );
        assert!(out.contains("<blockquote>q</blockquote>"), "{out}");
    }

    #[test]
    fn html_to_text_table() {
        let cases: &[(&str, &str)] = &[
            ("<p>Hello</p><p>World</p>", "Hello\n\nWorld"),
            ("Line<br>break<br/>twice", "Line\nbreak\ntwice"),
            ("<div>a</div><div>b</div>", "a\n\nb"),
            ("<ul><li>one</li><li>two</li></ul>", "- one\n- two"),
            ("<a href=\"https://x\">the link</a> text", "the link text"),
            (
                "Fish &amp; Chips &lt;3 &eacute;&#233;&#xE9;&nbsp;!",
                "Fish & Chips <3 ééé !",
            ),
            (
                "<script>alert(1)</script><style>p{}</style>Visible",
                "Visible",
            ),
            (
                "<html><head><title>T</title></head><body>Body</body></html>",
                "Body",
            ),
            ("  lots   of\n\n  space  ", "lots of space"),
            (
                "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>",
                "a\tb\nc\td",
            ),
            ("<pre>  keep\n  this</pre>", "  keep\n  this"),
            ("<b>bold</b> and <i>it</i>alic", "bold and italic"),
            ("<!-- comment -->x", "x"),
            ("unclosed <b>tags <p>para", "unclosed tags\n\npara"),
            ("Tom &amp; Jörg &ééééééé; ü&", "Tom & Jörg &ééééééé; ü&"),
            ("&#xZZ; &#99999999; &unknown;", "&#xZZ; \u{fffd} &unknown;"),
            ("", ""),
        ];
        for (html, expected) in cases {
            assert_eq!(html_to_text(html), *expected, "{html}");
        }
    }
}
