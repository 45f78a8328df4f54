//! Files agents attach to replies and notes: limits and safe names.

/// The largest single file.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// The most files on one message.
pub const MAX_FILES: usize = 10;
/// All files of one message together (marketplaces refuse more; email providers too).
pub const MAX_TOTAL_BYTES: usize = 25 * 1024 * 1024;

/// The name a file is stored and offered under: no directories, no control characters,
/// at most 255 characters (keeping the extension when shortening). `None` when nothing is left.
pub fn safe_filename(raw: &str) -> Option<String> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    if cleaned.is_empty() {
        return None;
    }
    if cleaned.chars().count() <= 255 {
        return Some(cleaned.to_owned());
    }
    let (stem, ext) = match cleaned.rsplit_once('.') {
        Some((stem, ext)) if ext.chars().count() <= 10 => (stem, format!(".{ext}")),
        _ => (cleaned, String::new()),
    };
    let keep = 255 - ext.chars().count();
    Some(stem.chars().take(keep).collect::<String>() + &ext)
}

/// The content type to store: the browser's if it is a plain `type/subtype`, otherwise
/// `application/octet-stream`.
pub fn safe_content_type(raw: Option<&str>) -> String {
    let plain = |s: &str| {
        !s.is_empty()
            && s.len() <= 100
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$&^_.+-".contains(c))
    };
    match raw.map(|r| {
        r.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    }) {
        Some(ct)
            if ct
                .split_once('/')
                .is_some_and(|(a, b)| plain(a) && plain(b)) =>
        {
            ct
        }
        _ => "application/octet-stream".to_owned(),
    }
}

/// "12.3 MB", "850 KB", "17 B": sizes as people read them.
pub fn human_size(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b >= KB * KB {
        format!("{:.1} MB", b / (KB * KB))
    } else if b >= KB {
        format!("{:.0} KB", b / KB)
    } else {
        format!("{bytes} B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_control_characters_are_stripped() {
        assert_eq!(
            safe_filename("C:\\Users\\a\\photo.jpg").as_deref(),
            Some("photo.jpg")
        );
        assert_eq!(safe_filename("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(safe_filename("a\u{0}b\n\".png").as_deref(), Some("ab.png"));
        assert_eq!(safe_filename(" .. "), None);
        assert_eq!(
            safe_filename("破损照片.jpg").as_deref(),
            Some("破损照片.jpg")
        );
        let long = format!("{}.pdf", "x".repeat(300));
        let short = safe_filename(&long).unwrap();
        assert_eq!(short.chars().count(), 255);
        assert!(short.ends_with(".pdf"));
    }

    #[test]
    fn content_types_are_plain_or_octet_stream() {
        assert_eq!(safe_content_type(Some("image/PNG; charset=x")), "image/png");
        assert_eq!(
            safe_content_type(Some("text/html<script>")),
            "application/octet-stream"
        );
        assert_eq!(safe_content_type(None), "application/octet-stream");
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_size(17), "17 B");
        assert_eq!(human_size(850 * 1024), "850 KB");
        assert_eq!(human_size(MAX_FILE_BYTES as u64), "10.0 MB");
    }
}
