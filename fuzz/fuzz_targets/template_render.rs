//! Reply templates: `templates::check` (saving), `templates::render` (the composer and the
//! automation's replies), `templates::render_html` (the settings preview, shown as HTML),
//! `templates::pick_body` (the body for the ticket's language), `templates::tracking_url` (the
//! `{{order.tracking_url}}` value) and `placeholders::fill`.
//!
//! Input: the template body, then 0x1F-separated segments: the values of
//! `templates::VARIABLES` in order (a missing segment: no value), then a language tag and a
//! carrier name.
//!
//! Invariants, beyond "no panic":
//! * `render_html` is `render` with its text HTML-escaped: it contains no `<`, `>` or `"`
//!   at all, so nothing in a value (or the template) can become markup in the preview;
//! * values are inserted once and never expanded again: with every variable set to a value
//!   with no `{` in it, the output has no `{{` that was not written in the body;
//! * `missing` lists each variable at most once, only variables the body uses, and is empty
//!   when every variable has a value; a body with no `{{` renders as itself;
//! * a body `check` accepts, rendered with every value set, misses nothing;
//! * `pick_body` returns the default or one of the bodies;
//! * a tracking URL is an `https://` URL with nothing in it that needs escaping.

#![no_main]

use aftersail_domain::{placeholders, templates};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut segments = text.split('\u{1f}');
    let body = segments.next().unwrap_or("");
    let values: Vec<Option<String>> = templates::VARIABLES
        .iter()
        .map(|_| segments.next().map(str::to_owned))
        .collect();
    let language = segments.next();
    let carrier = segments.next();
    let lookup = |name: &str| -> Option<String> {
        let i = templates::VARIABLES.iter().position(|v| *v == name)?;
        values[i].clone()
    };

    let plain = templates::render(body, lookup);
    let html = templates::render_html(body, lookup);
    assert_eq!(
        html.text,
        escape(&plain.text),
        "render_html is render, escaped"
    );
    assert_eq!(html.missing, plain.missing);
    for c in ['<', '>', '"'] {
        assert!(
            !html.text.contains(c),
            "{c} in the HTML render {:?}",
            html.text
        );
    }
    for (i, name) in plain.missing.iter().enumerate() {
        assert!(!plain.missing[..i].contains(name), "{name} missing twice");
        assert!(
            body.contains(name.as_str()),
            "{name} missing but not in the body"
        );
    }
    if !body.contains("{{") {
        assert_eq!(plain.text, body);
        assert!(plain.missing.is_empty());
    }

    // Every variable set: nothing known is missing, and nothing is expanded twice.
    let filled = |name: &str| -> Option<String> {
        templates::VARIABLES
            .contains(&name)
            .then(|| format!("[{name}]"))
    };
    let full = templates::render(body, filled);
    assert!(
        full.missing
            .iter()
            .all(|m| !templates::VARIABLES.contains(&m.as_str())),
        "{:?}",
        full.missing
    );
    if templates::check(body).is_ok() {
        assert!(
            full.missing.is_empty(),
            "{body:?} passed check, missing {:?}",
            full.missing
        );
        assert!(
            !full.text.contains("{{") || body.contains("\\{{"),
            "{:?}",
            full.text
        );
    }
    // One pass: rendering with a marker and then putting the real value where the markers
    // are gives what rendering with the value does, so a value that looks like a variable
    // (a customer called "{{agent.name}}") is never expanded.
    const MARKER: &str = "\u{e000}";
    if !body.contains(MARKER) {
        let sneaky = "{{agent.name}} {{ shop.name | \"x\" }} \\{{";
        let marked = templates::render(body, |_| Some(MARKER.to_owned()));
        let direct = templates::render(body, |_| Some(sneaky.to_owned()));
        assert_eq!(direct.text, marked.text.replace(MARKER, sneaky), "{body:?}");
        assert!(direct.missing.is_empty());
    }

    let filled_old = placeholders::fill(body, lookup);
    if !body.contains("{{") {
        assert_eq!(filled_old, body);
    }

    let bodies: Vec<(String, String)> = vec![
        ("de".into(), "Hallo".into()),
        ("pt-BR".into(), "Olá".into()),
        (language.unwrap_or("zh").into(), "body".into()),
    ];
    let picked = templates::pick_body(&bodies, language, "default");
    assert!(picked == "default" || bodies.iter().any(|(_, b)| b == picked));

    if let Some(number) = values[7].as_deref() {
        if let Some(url) = templates::tracking_url(carrier, number) {
            assert!(url.starts_with("https://"), "{url}");
            assert!(
                url.chars()
                    .all(|c| c.is_ascii_graphic() && !"<>\"'`\\ {}|^".contains(c)),
                "{url}"
            );
        } else {
            assert!(number.trim().is_empty());
        }
    }
});

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
