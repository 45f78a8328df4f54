//! `aftersail classify` as a user runs it: no database, no config, a file in, JSON lines out.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_aftersail");

fn temp_file(name: &str, content: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("aftersail-classify-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

fn aftersail(args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    // Nothing from the environment may point it at a database or a config file.
    cmd.args(args)
        .env_remove("AFTERSAIL_DATABASE_URL")
        .env("AFTERSAIL_CONFIG", "/nonexistent/aftersail.toml")
        .current_dir(std::env::temp_dir());
    cmd
}

#[test]
fn classifies_a_file_without_a_database() {
    let path = temp_file(
        "in.jsonl",
        "{\"id\":\"m1\",\"text\":\"Paket als zugestellt markiert, aber nie angekommen.\"}\n\
         {\"id\":\"m2\",\"text\":\"I will open a PayPal dispute if I don't get my refund.\",\"lang\":\"en\"}\n\
         {\"text\":\"注文をキャンセルしてください。\"}\n",
    );
    let out = aftersail(&["classify", "--jsonl", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["id"], "m1");
    assert_eq!(lines[0]["lang"], "de");
    assert_eq!(lines[0]["intent"], "not_received");
    assert_eq!(lines[0]["sentiment"], "neg");
    assert_eq!(lines[1]["id"], "m2");
    assert_eq!(lines[1]["escalate"], true);
    assert_eq!(lines[2]["lang"], "ja");
    assert_eq!(lines[2]["intent"], "cancel_order");
}

#[test]
fn reads_standard_input_and_evaluates() {
    let mut child = aftersail(&["classify", "--jsonl", "-", "--evaluate"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            "{\"id\":\"a\",\"text\":\"Where is my order?\",\"intent\":\"order_status\",\"sentiment\":\"neu\",\"escalate\":false,\"lang\":\"en\"}\n"
                .as_bytes(),
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(report.contains("intent accuracy: 1/1 = 100.0%"), "{report}");
    assert!(report.contains("escalate: precision"), "{report}");
}

#[test]
fn a_malformed_line_is_named_and_exits_2() {
    let path = temp_file(
        "bad.jsonl",
        "{\"text\":\"Where is my order?\"}\n{\"text\": \"unterminated\n",
    );
    let out = aftersail(&["classify", "--jsonl", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        out.stdout.is_empty(),
        "nothing is printed for the good lines either"
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("line 2"), "{err}");

    let missing = aftersail(&["classify", "--jsonl", "/nonexistent/in.jsonl"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read"));
}
