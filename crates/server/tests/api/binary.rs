//! The `aftersail` binary as a user runs it: subcommands, config errors, SIGTERM, and the
//! README's `demo` command on the embedded default database.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::helpers::*;

const BIN: &str = env!("CARGO_BIN_EXE_aftersail");

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn aftersail(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir).args(args).env(
        "AFTERSAIL_STATIC_DIR",
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../static"),
    );
    // Only what the test sets: never a URL inherited from the developer's shell.
    cmd.env_remove("AFTERSAIL_DATABASE_URL")
        .env_remove("AFTERSAIL_BIND");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd
}

fn temp_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("aftersail-bin-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub(crate) async fn wait_ready(base: &str, child: &mut Child, limit: Duration) {
    let start = Instant::now();
    loop {
        if let Ok(r) = reqwest::get(format!("{base}/readyz")).await {
            if r.status() == StatusCode::OK {
                return;
            }
        }
        if let Some(status) = child.try_wait().unwrap() {
            let out = child.wait_with_output_ref();
            panic!("aftersail exited early with {status}: {out}");
        }
        assert!(start.elapsed() < limit, "not ready after {limit:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

pub(crate) trait OutputRef {
    fn wait_with_output_ref(&mut self) -> String;
}

impl OutputRef for Child {
    fn wait_with_output_ref(&mut self) -> String {
        use std::io::Read;
        let mut text = String::new();
        if let Some(mut e) = self.stderr.take() {
            e.read_to_string(&mut text).ok();
        }
        if let Some(mut o) = self.stdout.take() {
            o.read_to_string(&mut text).ok();
        }
        text
    }
}

/// Sends SIGTERM and returns the exit status (bounded wait).
pub(crate) fn terminate(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let ok = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            child.kill().ok();
            panic!("did not stop within {limit:?} of SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[tokio::test]
async fn demo_on_the_embedded_database_serves_the_demo_shop_and_stops_cleanly() {
    let dir = temp_dir();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = aftersail(
        &dir,
        &["demo"],
        &[("AFTERSAIL_BIND", &format!("127.0.0.1:{port}"))],
    )
    .spawn()
    .unwrap();
    wait_ready(&base, &mut child, Duration::from_secs(90)).await;
    assert!(
        dir.join("data/postgres/PG_VERSION").exists(),
        "the private cluster lives in ./data/postgres"
    );

    let b = Browser::new(&base);
    assert_eq!(
        b.log_in("owner@demo.example", "aftersail-demo")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let people = b.page("/settings/team").await;
    assert!(
        people.contains("li.wei@demo.example") && people.contains("anna@demo.example"),
        "two agents"
    );
    assert_eq!(
        Browser::new(&base)
            .log_in("li.wei@demo.example", "aftersail-demo")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    let inbox = b.page("/inbox?view=all").await;
    assert_eq!(
        inbox
            .matches(r#"<td class="mono"><a href="/tickets/"#)
            .count(),
        5,
        "five demo tickets"
    );
    assert!(
        inbox.contains("注文した商品がまだ届きません")
            && inbox.contains("Zelt beschädigt angekommen")
    );
    assert!(
        b.page("/returns").await.contains("RMA-000001"),
        "a demo return"
    );
    assert!(
        b.page("/tickets/1000")
            .await
            .contains("302-4417283-1958712"),
        "tickets link their orders"
    );
    let status = terminate(&mut child, Duration::from_secs(30));
    let output = child.wait_with_output_ref();
    assert!(status.success(), "exit {status}: {output}");
    assert!(
        output.contains("owner@demo.example"),
        "prints how to sign in"
    );
    assert!(
        !dir.join("data/postgres/postmaster.pid").exists(),
        "embedded PostgreSQL stopped on shutdown"
    );
    assert!(reqwest::get(format!("{base}/healthz")).await.is_err());

    // A second run finds the shop already there and keeps it.
    let mut again = aftersail(&dir, &["demo", "--seed-only"], &[])
        .spawn()
        .unwrap();
    let status = again.wait().unwrap();
    assert!(status.success(), "{}", again.wait_with_output_ref());
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn serve_with_a_database_url_stops_on_sigterm() {
    let db = TestDb::create().await;
    let dir = temp_dir();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let url = db.url();
    let mut child = aftersail(
        &dir,
        &["serve"],
        &[
            ("AFTERSAIL_DATABASE_URL", &url),
            ("AFTERSAIL_BIND", &format!("127.0.0.1:{port}")),
            ("AFTERSAIL_LOG_FORMAT", "json"),
        ],
    )
    .spawn()
    .unwrap();
    wait_ready(&base, &mut child, Duration::from_secs(30)).await;
    let status = terminate(&mut child, Duration::from_secs(15));
    let output = child.wait_with_output_ref();
    assert!(status.success(), "{output}");
    let last = output
        .lines()
        .rfind(|l| l.starts_with('{'))
        .expect("JSON log lines");
    let line: serde_json::Value = serde_json::from_str(last).unwrap();
    assert_eq!(line["message"], "stopped", "{output}");
    assert!(output.contains("SIGTERM received"));
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn migrate_applies_and_bad_config_is_a_clear_error() {
    let db = TestDb::create().await;
    let dir = temp_dir();
    let url = db.url();
    let out = aftersail(&dir, &["migrate"], &[("AFTERSAIL_DATABASE_URL", &url)])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = aftersail(&dir, &["serve"], &[("AFTERSAIL_BIND", "everywhere")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.to_lowercase().contains("bind"), "{err}");

    let out = aftersail(
        &dir,
        &["serve"],
        &[
            ("AFTERSAIL_DATABASE_URL", "mysql://nope"),
            ("AFTERSAIL_BIND", "127.0.0.1:1"),
        ],
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a valid PostgreSQL URL"));

    std::fs::write(
        dir.join("aftersail.toml"),
        "log_level = \"debug\"\nbind = \"127.0.0.1:1\"\nunknown_key = 1\n",
    )
    .unwrap();
    let out = aftersail(&dir, &["migrate"], &[]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "the TOML file in the working directory is read"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown_key"));
    std::fs::remove_dir_all(&dir).ok();
}
