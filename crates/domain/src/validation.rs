//! Input rules shared by every entry point (pages, API, CLI).

pub const PASSWORD_MIN_CHARS: usize = 10;
pub const PASSWORD_MAX_CHARS: usize = 128;

/// A deliberately simple address check: one `@`, a dot in the domain, no spaces.
/// Deliverability is proven by mail, not by regex.
pub fn normalize_email(raw: &str) -> Option<String> {
    let email = raw.trim().to_lowercase();
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (local, domain) = email.split_once('@')?;
    if local.is_empty() || domain.contains('@') || local.len() > 64 {
        return None;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2
        || labels
            .iter()
            .any(|l| l.is_empty() || l.starts_with('-') || l.ends_with('-'))
    {
        return None;
    }
    Some(email)
}

#[derive(Debug, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
}

pub fn check_password(password: &str) -> Result<(), PasswordProblem> {
    let n = password.chars().count();
    if n < PASSWORD_MIN_CHARS {
        Err(PasswordProblem::TooShort)
    } else if n > PASSWORD_MAX_CHARS {
        Err(PasswordProblem::TooLong)
    } else {
        Ok(())
    }
}

/// A trimmed display name of 1–100 characters without control characters.
pub fn clean_name(raw: &str) -> Option<String> {
    let name = raw.trim();
    let n = name.chars().count();
    if n == 0 || n > 100 || name.chars().any(char::is_control) {
        None
    } else {
        Some(name.to_owned())
    }
}

/// Turns a shop name into a URL slug for the buyer portal (`/p/{slug}`):
/// lowercase ASCII letters, digits and single dashes, 3–40 characters.
/// Names with no ASCII letters (e.g. "深圳小店") fall back to "shop".
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= 40 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-').to_owned();
    if slug.len() < 3 {
        format!(
            "shop{}",
            if slug.is_empty() {
                String::new()
            } else {
                format!("-{slug}")
            }
        )
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            normalize_email("  Anna@Example.COM "),
            Some("anna@example.com".into())
        );
        assert_eq!(
            normalize_email("li.wei+cs@shop.co.uk"),
            Some("li.wei+cs@shop.co.uk".into())
        );
        for bad in [
            "",
            "anna",
            "anna@",
            "@example.com",
            "a b@example.com",
            "anna@example",
            "a@b@c.com",
            "anna@.com",
            "anna@-x.com",
        ] {
            assert_eq!(normalize_email(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn passwords() {
        assert_eq!(check_password("short"), Err(PasswordProblem::TooShort));
        assert_eq!(check_password("long enough pw"), Ok(()));
        assert_eq!(
            check_password("密码密码密码密码密码"),
            Ok(()),
            "counts characters, not bytes"
        );
        assert_eq!(
            check_password(&"x".repeat(129)),
            Err(PasswordProblem::TooLong)
        );
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Acme Outdoor GmbH"), "acme-outdoor-gmbh");
        assert_eq!(slugify("  --Shenzhen  Gadgets!! "), "shenzhen-gadgets");
        assert_eq!(slugify("深圳小店"), "shop");
        assert_eq!(slugify("AB"), "shop-ab");
        assert!(slugify(&"x".repeat(100)).len() <= 40);
    }

    #[test]
    fn names() {
        assert_eq!(clean_name("  Li Wei "), Some("Li Wei".into()));
        assert_eq!(clean_name("   "), None);
        assert_eq!(clean_name("a\u{0}b"), None);
    }
}
