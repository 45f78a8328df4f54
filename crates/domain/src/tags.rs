//! Ticket tags: short labels agents choose freely ("late-delivery", "vip", "退货").
//!
//! A tag is stored normalized so that "Late Delivery", "late-delivery" and " late-delivery "
//! are one tag: trimmed, lowercased, inner whitespace turned into '-'. Letters of any script,
//! digits, '-' and '_' are allowed; anything else is refused rather than silently dropped.

/// The longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 40;
/// The most tags one ticket carries.
pub const MAX_TAGS: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagError {
    /// A tag has characters other than letters, digits, '-' and '_'.
    Invalid(String),
    TooLong(String),
    TooMany,
}

/// Normalizes one tag; `Ok(None)` for an empty one.
pub fn normalize(raw: &str) -> Result<Option<String>, TagError> {
    let words: Vec<&str> = raw.split_whitespace().collect();
    if words.is_empty() {
        return Ok(None);
    }
    let tag = words.join("-").to_lowercase();
    if tag.chars().count() > MAX_TAG_CHARS {
        return Err(TagError::TooLong(raw.trim().to_owned()));
    }
    if !tag
        .chars()
        .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    {
        return Err(TagError::Invalid(raw.trim().to_owned()));
    }
    Ok(Some(tag))
}

/// Parses a comma-separated list (as typed in the tags box) into distinct normalized tags,
/// in the order given.
pub fn parse_list(raw: &str) -> Result<Vec<String>, TagError> {
    let mut tags: Vec<String> = Vec::new();
    for part in raw.split([',', '，', '、']) {
        if let Some(tag) = normalize(part)? {
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(TagError::TooMany);
    }
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_tag_become_one() {
        assert_eq!(
            parse_list(" Late Delivery, late-delivery ,VIP,,"),
            Ok(vec!["late-delivery".to_owned(), "vip".to_owned()])
        );
    }

    #[test]
    fn any_script_is_a_tag_and_chinese_commas_separate() {
        assert_eq!(
            parse_list("退货，破损、Rückgabe"),
            Ok(vec!["退货".into(), "破损".into(), "rückgabe".into()])
        );
    }

    #[test]
    fn punctuation_length_and_count_are_refused() {
        assert_eq!(normalize("a<b>"), Err(TagError::Invalid("a<b>".into())));
        assert!(matches!(
            normalize(&"x".repeat(41)),
            Err(TagError::TooLong(_))
        ));
        assert_eq!(normalize("   "), Ok(None));
        let many: Vec<String> = (0..21).map(|i| format!("t{i}")).collect();
        assert_eq!(parse_list(&many.join(",")), Err(TagError::TooMany));
    }
}
