//! `aftersail classify --jsonl PATH [--evaluate]`: the domain classifier over a file of
//! buyer messages, with no database and no config.

use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;

use aftersail_domain::classify::evaluate::{evaluate, parse_jsonl, Case, LineError, Row};
use aftersail_domain::classify::{classify, Classification};
use serde::Serialize;

/// Runs the command; the exit code is 2 for unreadable or malformed input.
pub fn run(path: &Path, evaluate: bool) -> ExitCode {
    let input = match read_input(path) {
        Ok(input) => input,
        Err(err) => {
            eprintln!("aftersail classify: cannot read {}: {err}", path.display());
            return ExitCode::from(2);
        }
    };
    let mut stdout = std::io::stdout().lock();
    match run_on(&input, evaluate, &mut stdout) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Error::Input(err)) => {
            eprintln!("aftersail classify: {err}");
            ExitCode::from(2)
        }
        Err(Error::Output(err)) => {
            eprintln!("aftersail classify: writing the output: {err}");
            ExitCode::FAILURE
        }
    }
}

fn read_input(path: &Path) -> std::io::Result<String> {
    if path.as_os_str() == "-" {
        let mut input = String::new();
        std::io::stdin().lock().read_to_string(&mut input)?;
        Ok(input)
    } else {
        std::fs::read_to_string(path)
    }
}

#[derive(Debug)]
pub enum Error {
    /// A line that is not a JSON object with a string "text" (or, when evaluating, without
    /// known gold labels). Nothing is written then.
    Input(LineError),
    Output(std::io::Error),
}

/// One output line. The first five fields are the contract; the rest help debugging.
#[derive(Serialize)]
struct Output<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a serde_json::Value>,
    lang: Option<&'a str>,
    intent: &'static str,
    sentiment: &'static str,
    escalate: bool,
    confidence: f64,
    escalations: Vec<&'static str>,
}

impl<'a> Output<'a> {
    fn new(row: &'a Row, c: &'a Classification) -> Output<'a> {
        Output {
            id: row.id.as_ref(),
            lang: c.lang.as_deref(),
            intent: c.intent.as_str(),
            sentiment: c.sentiment.as_str(),
            escalate: c.escalate(),
            confidence: (f64::from(c.confidence) * 100.0).round() / 100.0,
            escalations: c.escalations.iter().map(|e| e.as_str()).collect(),
        }
    }
}

/// Classifies (or evaluates) `input` into `out`. Every line is read before anything is
/// written, so a malformed line leaves no partial output.
pub fn run_on(input: &str, evaluate_mode: bool, out: &mut impl Write) -> Result<(), Error> {
    let rows = parse_jsonl(input).map_err(Error::Input)?;
    if evaluate_mode {
        let cases = rows
            .iter()
            .map(|(line, row)| Case::from_row(*line, row))
            .collect::<Result<Vec<_>, _>>()
            .map_err(Error::Input)?;
        let report = evaluate(&cases);
        write!(out, "{report}").map_err(Error::Output)?;
        return Ok(());
    }
    for (_, row) in &rows {
        let c = classify(&row.text, row.lang.as_deref());
        let line = serde_json::to_string(&Output::new(row, &c))
            .map_err(|e| Error::Output(std::io::Error::other(e)))?;
        writeln!(out, "{line}").map_err(Error::Output)?;
    }
    out.flush().map_err(Error::Output)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_str(input: &str, evaluate: bool) -> Result<String, Error> {
        let mut out = Vec::new();
        run_on(input, evaluate, &mut out)?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn one_line_out_per_line_in_with_the_id_copied() {
        let out = run_str(
            "{\"id\":\"a1\",\"text\":\"Wo ist meine Bestellung?\"}\n\n{\"id\":7,\"text\":\"Please cancel my order\",\"lang\":\"en\"}\n{\"text\":\"ok\"}\n",
            false,
        )
        .unwrap();
        let lines: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0]["id"], "a1");
        assert_eq!(lines[0]["lang"], "de");
        assert_eq!(lines[0]["intent"], "order_status");
        assert_eq!(lines[0]["escalate"], false);
        assert_eq!(lines[1]["id"], 7);
        assert_eq!(lines[1]["intent"], "cancel_order");
        assert!(lines[2].get("id").is_none());
        assert!(lines[2]["lang"].is_null());
        assert!(
            out.starts_with("{\"id\":\"a1\",\"lang\":\"de\",\"intent\":"),
            "{out}"
        );
    }

    #[test]
    fn a_bad_line_writes_nothing() {
        let mut out = Vec::new();
        let err = run_on("{\"text\":\"hi\"}\nnot json\n", false, &mut out).unwrap_err();
        assert!(
            matches!(err, Error::Input(LineError { line: 2, .. })),
            "{err:?}"
        );
        assert!(out.is_empty());
        let err = run_on("{\"text\":\"hi\"}\n", true, &mut out).unwrap_err();
        assert!(
            matches!(err, Error::Input(LineError { line: 1, .. })),
            "{err:?}"
        );
    }

    #[test]
    fn evaluation_prints_a_report() {
        let out = run_str(
            "{\"id\":\"x\",\"text\":\"Please cancel my order\",\"intent\":\"cancel_order\",\"sentiment\":\"neu\",\"escalate\":false,\"lang\":\"en\"}\n",
            true,
        )
        .unwrap();
        assert!(out.contains("intent accuracy: 1/1 = 100.0%"), "{out}");
        assert!(out.contains("language detection: 1/1"), "{out}");
    }
}
