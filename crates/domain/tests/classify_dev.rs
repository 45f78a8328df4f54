//! The shared development set of buyer messages: prints the evaluation report
//! (`cargo test -p aftersail-domain --test classify_dev -- --nocapture`) and holds the floors.

use aftersail_domain::classify::evaluate::{evaluate, parse_jsonl, Case};

const DEV: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/fixtures/buyer-messages/dev.jsonl"
);

#[test]
fn dev_set_floors() {
    let input = std::fs::read_to_string(DEV).unwrap_or_else(|e| panic!("reading {DEV}: {e}"));
    let cases: Vec<Case> = parse_jsonl(&input)
        .unwrap()
        .iter()
        .map(|(line, row)| Case::from_row(*line, row).unwrap())
        .collect();
    assert!(cases.len() >= 40, "the dev set shrank to {}", cases.len());
    let report = evaluate(&cases);
    println!("{report}");
    assert!(report.intent.rate() >= 0.85, "intent accuracy\n{report}");
    assert!(
        report.sentiment.rate() >= 0.75,
        "sentiment accuracy\n{report}"
    );
    assert!(report.escalate.recall() >= 0.9, "escalate recall\n{report}");
    assert!(report.lang.rate() >= 0.95, "language detection\n{report}");
}
