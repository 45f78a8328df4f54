//! CSV exports (reports, the audit log): RFC 4180 quoting and spreadsheet-formula defusing.

/// One CSV field: quoted when it holds a comma, quote or line break (quotes doubled), and
/// prefixed with `'` when it starts like a formula (`=`, `+`, `-`, `@`, tab, CR), so opening
/// the export in a spreadsheet cannot run anything a buyer typed.
pub fn field(value: &str) -> String {
    let defused;
    let value =
        if value.starts_with(['=', '+', '-', '@', '\t', '\r']) && value.parse::<f64>().is_err() {
            defused = format!("'{value}");
            defused.as_str()
        } else {
            value
        };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

/// Rows as CSV text (CRLF line ends, as RFC 4180 has them).
pub fn document(head: &[String], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    for row in std::iter::once(head).chain(rows.iter().map(Vec::as_slice)) {
        let line: Vec<String> = row.iter().map(|c| field(c)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_escaped_and_defused() {
        let cases = [
            ("plain", "plain"),
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("two\nlines", "\"two\nlines\""),
            ("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\""),
            ("+1+1", "'+1+1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("-5", "-5"),
            ("-x", "'-x"),
            ("", ""),
        ];
        for (cell, want) in cases {
            assert_eq!(field(cell), want, "{cell}");
        }
        let text = document(&["a".into(), "b".into()], &[vec!["1".into(), "x,y".into()]]);
        assert_eq!(text, "a,b\r\n1,\"x,y\"\r\n");
    }
}
