//! Reading values out of JSON: channel settings and credentials, and platforms' answers.

use serde_json::Value;

/// The trimmed, non-empty string at `pointer` (`/imap/host`).
pub fn text<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Like [`text`], or "`what` is missing".
pub fn required<'a>(v: &'a Value, pointer: &str, what: &str) -> Result<&'a str, String> {
    text(v, pointer).ok_or_else(|| format!("{what} is missing"))
}
