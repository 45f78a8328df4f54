//! Search helpers that need no database: reading a ticket number out of a query, and
//! cutting a highlighted snippet around the first hit.

/// `"#1043"` or `"1043"` → ticket number 1043.
pub fn ticket_number(query: &str) -> Option<i64> {
    query
        .trim()
        .trim_start_matches('#')
        .parse()
        .ok()
        .filter(|n| *n > 0)
}

/// A piece of a snippet; `hit` pieces are shown highlighted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    pub hit: bool,
}

/// Up to `width` characters of `text` around the first occurrence of any query term
/// (case-insensitive), with every occurrence in that window marked. `None` when no term occurs.
pub fn snippet(text: &str, query: &str, width: usize) -> Option<Vec<Piece>> {
    let terms: Vec<Vec<char>> = query
        .split_whitespace()
        .map(|t| t.to_lowercase().chars().collect::<Vec<_>>())
        .filter(|t| !t.is_empty())
        .collect();
    let chars: Vec<char> = text.chars().collect();
    let lower: Vec<char> = chars
        .iter()
        .map(|c| c.to_lowercase().next().unwrap_or(*c))
        .collect();
    let hit_at = |i: usize| {
        terms
            .iter()
            .find(|t| lower[i..].starts_with(t))
            .map(Vec::len)
    };
    let first = (0..lower.len()).find(|&i| hit_at(i).is_some())?;
    let start = first.saturating_sub(width / 3);
    let end = (start + width).min(chars.len());
    let mut pieces: Vec<Piece> = Vec::new();
    let mut i = start;
    while i < end {
        let (len, hit) = match hit_at(i) {
            Some(len) => (len.min(end - i), true),
            None => (1, false),
        };
        let text: String = chars[i..i + len].iter().collect();
        match pieces.last_mut() {
            Some(last) if last.hit == hit && !hit => last.text.push_str(&text),
            _ => pieces.push(Piece { text, hit }),
        }
        i += len;
    }
    if start > 0 {
        pieces.insert(
            0,
            Piece {
                text: "…".into(),
                hit: false,
            },
        );
    }
    if end < chars.len() {
        pieces.push(Piece {
            text: "…".into(),
            hit: false,
        });
    }
    Some(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(pieces: &[Piece]) -> String {
        pieces
            .iter()
            .map(|p| {
                if p.hit {
                    format!("[{}]", p.text)
                } else {
                    p.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn numbers() {
        assert_eq!(ticket_number("#1043"), Some(1043));
        assert_eq!(ticket_number(" 1043 "), Some(1043));
        assert_eq!(ticket_number("not received"), None);
        assert_eq!(ticket_number("#0"), None);
    }

    #[test]
    fn snippets_in_several_scripts() {
        let cases = [
            (
                "My parcel was NOT received yet",
                "not received",
                "My parcel was [NOT] [received] yet",
            ),
            ("你好，我的订单还没到", "订单", "你好，我的[订单]还没到"),
            ("注文した商品がまだ届きません", "返品", ""),
            ("返品したいです", "返品", "[返品]したいです"),
            ("สินค้ายังไม่ได้รับ", "ได้รับ", "สินค้ายังไม่[ได้รับ]"),
            ("لم أستلم طلبي", "طلبي", "لم أستلم [طلبي]"),
        ];
        for (text, query, expected) in cases {
            let got = snippet(text, query, 80)
                .map(|p| marked(&p))
                .unwrap_or_default();
            assert_eq!(got, expected, "{text:?} / {query:?}");
        }
    }

    #[test]
    fn long_texts_are_cut_around_the_hit() {
        let text = format!("{}needle{}", "a".repeat(200), "b".repeat(200));
        let got = marked(&snippet(&text, "needle", 60).unwrap());
        assert!(
            got.starts_with('…') && got.ends_with('…') && got.contains("[needle]"),
            "{got}"
        );
        assert!(got.chars().count() <= 60 + 4);
    }
}
