//! One timed request's verdict: every answer the scenario expects is checked, and anything
//! else is a failure the report counts and shows (the bench fails loudly on it).

use reqwest::{Response, StatusCode};

/// Why one timed request failed.
#[derive(Debug)]
pub enum Failure {
    /// The server answered, but not as the scenario expects (status or content).
    Answer(String),
    /// No complete answer: connection, timeout, body read; or the scenario ran out of input.
    Error(String),
}

pub type Step<T = ()> = Result<T, Failure>;

/// Sends nothing itself: checks `response` has `expected` status and returns its body.
pub async fn expect(
    what: &str,
    sent: Result<Response, reqwest::Error>,
    expected: StatusCode,
) -> Step<String> {
    let response = sent.map_err(|e| Failure::Error(format!("{what} failed: {e:#}")))?;
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response
        .text()
        .await
        .map_err(|e| Failure::Error(format!("{what}: reading the answer failed: {e:#}")))?;
    if status != expected {
        let excerpt: String = body.chars().take(300).collect();
        return Err(Failure::Answer(format!(
            "{what} answered {status}, expected {expected}{}: {excerpt}",
            location
                .map(|l| format!(" (location {l})"))
                .unwrap_or_default()
        )));
    }
    Ok(body)
}

/// The value of the first `name="NAME" value="…"` input of a page, HTML escapes undone.
pub fn input_value(html: &str, name: &str) -> Option<String> {
    let start = format!(r#"name="{name}" value=""#);
    crate::session::between(html, &start, "\"").map(unescape)
}

/// Undoes the HTML escapes askama and Django write into attribute values.
pub fn unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#47;", "/")
        .replace("&#43;", "+")
        .replace("&#x2b;", "+")
        .replace("&#61;", "=")
        .replace("&#x3d;", "=")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_and_unescapes_input_values() {
        let html = r#"<input type="hidden" name="_csrf" value="a&#x2f;b&#43;c&#61;"><input name="token" value="x&amp;y">"#;
        assert_eq!(input_value(html, "_csrf").as_deref(), Some("a/b+c="));
        assert_eq!(input_value(html, "token").as_deref(), Some("x&y"));
        assert_eq!(input_value(html, "missing"), None);
    }
}
