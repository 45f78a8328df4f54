//! Measuring the classifier against labelled messages (JSON lines with "text" and gold
//! "intent", "sentiment", "escalate", "lang"), as `aftersail classify --evaluate` prints it.
//!
//! The gold "lang" is not passed as a hint: detection is measured too, and the intents are
//! those the classifier finds with the language it detected, as for mail from an unknown
//! channel.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

use super::{classify, Classification, Intent, Sentiment};

/// One input line. Fields other than these are ignored.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Row {
    /// Copied to the output as given (string or number).
    #[serde(default)]
    pub id: Option<serde_json::Value>,
    pub text: String,
    /// A known language (a hint when classifying, the gold label when evaluating).
    #[serde(default)]
    pub lang: Option<String>,
    #[serde(default)]
    pub intent: Option<String>,
    #[serde(default)]
    pub sentiment: Option<String>,
    #[serde(default)]
    pub escalate: Option<bool>,
}

/// A line that could not be read, with its 1-based number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for LineError {}

/// Parses JSON lines; blank lines are skipped. Stops at the first bad line.
pub fn parse_jsonl(input: &str) -> Result<Vec<(usize, Row)>, LineError> {
    let mut rows = Vec::new();
    for (i, line) in input.lines().enumerate() {
        let line_no = i + 1;
        let line = line.trim_start_matches('\u{feff}').trim();
        if line.is_empty() {
            continue;
        }
        let row: Row = serde_json::from_str(line).map_err(|e| LineError {
            line: line_no,
            message: format!("not a JSON object with a string \"text\": {e}"),
        })?;
        rows.push((line_no, row));
    }
    Ok(rows)
}

/// What a labelled message should get.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub id: String,
    pub text: String,
    pub intent: Intent,
    pub sentiment: Option<Sentiment>,
    pub escalate: Option<bool>,
    pub lang: Option<String>,
}

impl Case {
    /// The gold labels of a row; `intent` is required, the others are measured when present.
    pub fn from_row(line: usize, row: &Row) -> Result<Case, LineError> {
        let err = |message: String| LineError { line, message };
        let intent = row
            .intent
            .as_deref()
            .ok_or_else(|| err("no gold \"intent\" to evaluate against".into()))?;
        let intent =
            Intent::parse(intent).ok_or_else(|| err(format!("unknown intent {intent:?}")))?;
        let sentiment = match row.sentiment.as_deref() {
            None => None,
            Some(s) => {
                Some(Sentiment::parse(s).ok_or_else(|| err(format!("unknown sentiment {s:?}")))?)
            }
        };
        let id = match &row.id {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => format!("line {line}"),
        };
        Ok(Case {
            id,
            text: row.text.clone(),
            intent,
            sentiment,
            escalate: row.escalate,
            lang: row.lang.clone(),
        })
    }
}

/// Correct out of n.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub n: usize,
    pub correct: usize,
}

impl Tally {
    fn add(&mut self, ok: bool) {
        self.n += 1;
        if ok {
            self.correct += 1;
        }
    }

    /// The share correct; 1.0 when there was nothing to get right.
    pub fn rate(&self) -> f64 {
        if self.n == 0 {
            1.0
        } else {
            self.correct as f64 / self.n as f64
        }
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:>4} {:>4} {:>6.1}%",
            self.n,
            self.correct,
            self.rate() * 100.0
        )
    }
}

/// Escalation as a yes/no detector.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Detection {
    pub true_pos: usize,
    pub false_pos: usize,
    pub false_neg: usize,
    pub true_neg: usize,
}

impl Detection {
    /// 1.0 when nothing was flagged.
    pub fn precision(&self) -> f64 {
        let flagged = self.true_pos + self.false_pos;
        if flagged == 0 {
            1.0
        } else {
            self.true_pos as f64 / flagged as f64
        }
    }

    /// 1.0 when there was nothing to flag.
    pub fn recall(&self) -> f64 {
        let actual = self.true_pos + self.false_neg;
        if actual == 0 {
            1.0
        } else {
            self.true_pos as f64 / actual as f64
        }
    }
}

/// One wrong answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Miss {
    pub id: String,
    pub expected: String,
    pub got: String,
}

/// Per gold intent: how many, how many right, and how often the intent was predicted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IntentLine {
    pub intent: Intent,
    pub tally: Tally,
    pub predicted: usize,
}

impl IntentLine {
    /// Of the messages given this intent, the share that had it; 1.0 when none was.
    pub fn precision(&self) -> f64 {
        if self.predicted == 0 {
            1.0
        } else {
            self.tally.correct as f64 / self.predicted as f64
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    pub intent: Tally,
    /// Every intent that occurs in the gold labels or the answers, in [`Intent::ALL`] order.
    pub per_intent: Vec<IntentLine>,
    /// Intent accuracy by gold language ("?" when the row has none), by code.
    pub per_lang: Vec<(String, Tally)>,
    pub sentiment: Tally,
    pub escalate: Detection,
    pub lang: Tally,
    pub intent_misses: Vec<Miss>,
    pub sentiment_misses: Vec<Miss>,
    pub escalate_misses: Vec<Miss>,
    pub lang_misses: Vec<Miss>,
}

/// Classifies every case (without a language hint) and compares.
pub fn evaluate(cases: &[Case]) -> Report {
    evaluate_with(cases, |case| classify(&case.text, None))
}

/// Compares the answers of `classifier` with the gold labels.
pub fn evaluate_with(cases: &[Case], classifier: impl Fn(&Case) -> Classification) -> Report {
    let mut report = Report::default();
    let mut per_intent: BTreeMap<Intent, (Tally, usize)> = BTreeMap::new();
    let mut per_lang: BTreeMap<String, Tally> = BTreeMap::new();
    for case in cases {
        let got = classifier(case);
        let ok = got.intent == case.intent;
        report.intent.add(ok);
        per_intent.entry(case.intent).or_default().0.add(ok);
        per_intent.entry(got.intent).or_default().1 += 1;
        per_lang
            .entry(case.lang.clone().unwrap_or_else(|| "?".into()))
            .or_default()
            .add(ok);
        if !ok {
            report.intent_misses.push(Miss {
                id: case.id.clone(),
                expected: case.intent.to_string(),
                got: got.intent.to_string(),
            });
        }
        if let Some(gold) = case.sentiment {
            let ok = got.sentiment == gold;
            report.sentiment.add(ok);
            if !ok {
                report.sentiment_misses.push(Miss {
                    id: case.id.clone(),
                    expected: gold.to_string(),
                    got: got.sentiment.to_string(),
                });
            }
        }
        if let Some(gold) = case.escalate {
            let d = &mut report.escalate;
            match (gold, got.escalate()) {
                (true, true) => d.true_pos += 1,
                (false, true) => d.false_pos += 1,
                (true, false) => d.false_neg += 1,
                (false, false) => d.true_neg += 1,
            }
            if gold != got.escalate() {
                let kinds: Vec<&str> = got.escalations.iter().map(|e| e.as_str()).collect();
                report.escalate_misses.push(Miss {
                    id: case.id.clone(),
                    expected: gold.to_string(),
                    got: if kinds.is_empty() {
                        "false".into()
                    } else {
                        format!("true ({})", kinds.join(", "))
                    },
                });
            }
        }
        if let Some(gold) = &case.lang {
            let ok = got.lang.as_deref() == Some(gold.as_str());
            report.lang.add(ok);
            if !ok {
                report.lang_misses.push(Miss {
                    id: case.id.clone(),
                    expected: gold.clone(),
                    got: got.lang.clone().unwrap_or_else(|| "none".into()),
                });
            }
        }
    }
    report.per_intent = per_intent
        .into_iter()
        .map(|(intent, (tally, predicted))| IntentLine {
            intent,
            tally,
            predicted,
        })
        .collect();
    report.per_lang = per_lang.into_iter().collect();
    report
}

fn misses(f: &mut fmt::Formatter<'_>, title: &str, misses: &[Miss]) -> fmt::Result {
    if misses.is_empty() {
        return Ok(());
    }
    writeln!(f, "\n{title} (expected → got):")?;
    for m in misses {
        writeln!(f, "  {:<12} {} → {}", m.id, m.expected, m.got)?;
    }
    Ok(())
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "intent accuracy: {}/{} = {:.1}%",
            self.intent.correct,
            self.intent.n,
            self.intent.rate() * 100.0
        )?;
        writeln!(
            f,
            "\nper intent               n  ok       %   predicted  precision"
        )?;
        for line in &self.per_intent {
            writeln!(
                f,
                "  {:<19} {}   {:>9}  {:>8.1}%",
                line.intent.as_str(),
                line.tally,
                line.predicted,
                line.precision() * 100.0
            )?;
        }
        writeln!(f, "\nper language             n  ok       %")?;
        for (lang, tally) in &self.per_lang {
            writeln!(f, "  {lang:<19} {tally}")?;
        }
        writeln!(
            f,
            "\nsentiment accuracy: {}/{} = {:.1}%",
            self.sentiment.correct,
            self.sentiment.n,
            self.sentiment.rate() * 100.0
        )?;
        let e = &self.escalate;
        writeln!(
            f,
            "escalate: precision {:.1}% ({}/{}), recall {:.1}% ({}/{})",
            e.precision() * 100.0,
            e.true_pos,
            e.true_pos + e.false_pos,
            e.recall() * 100.0,
            e.true_pos,
            e.true_pos + e.false_neg
        )?;
        writeln!(
            f,
            "language detection: {}/{} = {:.1}%",
            self.lang.correct,
            self.lang.n,
            self.lang.rate() * 100.0
        )?;
        misses(f, "misclassified intents", &self.intent_misses)?;
        misses(f, "wrong sentiment", &self.sentiment_misses)?;
        misses(f, "wrong escalate", &self.escalate_misses)?;
        misses(f, "wrong language", &self.lang_misses)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Escalation;

    #[test]
    fn parses_lines_and_names_the_bad_one() {
        let rows =
            parse_jsonl("{\"id\":1,\"text\":\"a\"}\n\n{\"text\":\"b\",\"lang\":\"de\"}\n").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].0, 3);
        assert_eq!(rows[1].1.lang.as_deref(), Some("de"));
        let err = parse_jsonl("{\"text\":\"a\"}\n{\"id\":2}\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.to_string().starts_with("line 2: "), "{err}");
        assert_eq!(parse_jsonl("[1,2]").unwrap_err().line, 1);
        assert_eq!(parse_jsonl("{\"text\": 5}").unwrap_err().line, 1);
    }

    #[test]
    fn gold_labels_must_be_known() {
        let row = |json: &str| parse_jsonl(json).unwrap().remove(0).1;
        assert!(Case::from_row(1, &row("{\"text\":\"a\"}")).is_err());
        assert!(Case::from_row(1, &row("{\"text\":\"a\",\"intent\":\"nope\"}")).is_err());
        let case = Case::from_row(
            4,
            &row("{\"text\":\"a\",\"intent\":\"other\",\"sentiment\":\"positive\"}"),
        )
        .unwrap();
        assert_eq!(case.id, "line 4");
        assert_eq!(case.sentiment, Some(Sentiment::Positive));
    }

    #[test]
    fn counts_hits_misses_and_escalations() {
        let case = |id: &str, intent, escalate, lang: &str| Case {
            id: id.into(),
            text: id.into(),
            intent,
            sentiment: Some(Sentiment::Neutral),
            escalate: Some(escalate),
            lang: Some(lang.into()),
        };
        let cases = [
            case("a", Intent::OrderStatus, false, "en"),
            case("b", Intent::OrderStatus, true, "de"),
            case("c", Intent::CancelOrder, false, "de"),
        ];
        // A fake classifier: "a" right, "b" a cancel without escalation, "c" right but
        // escalated, in the wrong language.
        let report = evaluate_with(&cases, |c| Classification {
            lang: Some(
                if c.id == "c" {
                    "nl"
                } else {
                    c.lang.as_deref().unwrap()
                }
                .into(),
            ),
            intent: if c.id == "a" {
                Intent::OrderStatus
            } else {
                Intent::CancelOrder
            },
            confidence: 1.0,
            sentiment: Sentiment::Neutral,
            escalations: if c.id == "c" {
                vec![Escalation::Legal]
            } else {
                vec![]
            },
        });
        assert_eq!(report.intent, Tally { n: 3, correct: 2 });
        assert_eq!(report.per_intent[0].intent, Intent::OrderStatus);
        assert_eq!(report.per_intent[0].tally, Tally { n: 2, correct: 1 });
        assert_eq!(report.per_intent[1].predicted, 2);
        assert_eq!(report.per_intent[1].precision(), 0.5);
        assert_eq!(
            report.per_lang,
            [
                ("de".to_string(), Tally { n: 2, correct: 1 }),
                ("en".to_string(), Tally { n: 1, correct: 1 })
            ]
        );
        assert_eq!(report.escalate.precision(), 0.0);
        assert_eq!(report.escalate.recall(), 0.0);
        assert_eq!(report.lang, Tally { n: 3, correct: 2 });
        let text = report.to_string();
        assert!(text.contains("intent accuracy: 2/3 = 66.7%"), "{text}");
        assert!(
            text.contains("b            order_status → cancel_order"),
            "{text}"
        );
        assert!(text.contains("c            false → true (legal)"), "{text}");
        assert!(text.contains("c            de → nl"), "{text}");
    }
}
