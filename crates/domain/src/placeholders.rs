//! Placeholders in reply templates: `{{customer.first_name}}`, `{{order.number}}`, …
//! filled from the ticket at hand. Unknown or empty ones are left visible, so the agent sees
//! what still needs their attention instead of a silent gap.

/// The placeholders agents can use, for the templates settings page.
pub const KNOWN: &[&str] = &[
    "customer.name",
    "customer.first_name",
    "ticket.number",
    "order.number",
    "order.carrier",
    "order.tracking",
    "agent.name",
];

/// Replaces each `{{name}}` (spaces inside the braces allowed) for which `value(name)` is
/// `Some`, and leaves the rest as written.
pub fn fill(body: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                let name = after[..end].trim();
                match value(name).filter(|v| !v.is_empty()) {
                    Some(v) => out.push_str(&v),
                    None => out.push_str(&rest[start..start + 2 + end + 2]),
                }
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A person's first name as buyers sign it: the first word ("Li Wei" → "Li"); whole names
/// without spaces (田中花子) stay whole.
pub fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(name: &str) -> Option<String> {
        match name {
            "customer.first_name" => Some("Anna".into()),
            "order.number" => Some("302-1234567".into()),
            "order.tracking" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn known_placeholders_are_filled_and_the_rest_stay_visible() {
        assert_eq!(
            fill("Hi {{ customer.first_name }}, order {{order.number}} ({{order.tracking}}) {{nope}}", values),
            "Hi Anna, order 302-1234567 ({{order.tracking}}) {{nope}}"
        );
        assert_eq!(
            fill("unclosed {{customer.first_name", values),
            "unclosed {{customer.first_name"
        );
        assert_eq!(
            fill("大家好 {{customer.first_name}}！", values),
            "大家好 Anna！"
        );
    }

    #[test]
    fn first_names() {
        assert_eq!(first_name("Li Wei"), "Li");
        assert_eq!(first_name("田中花子"), "田中花子");
    }
}
