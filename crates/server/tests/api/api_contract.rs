//! The API against its own OpenAPI document: schemathesis (installed by `.ci/run` with pip)
//! generates and fuzzes requests for every operation and checks that no response is a 5xx
//! and that every status, content type and body is the one the document promises. Phases:
//! coverage (boundary and invalid values per parameter) and fuzzing, with a fixed seed.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::api_v1::{create_token, ALL_SCOPES};
use crate::helpers::*;

/// The `schemathesis` CLI next to the `python3` on PATH.
fn schemathesis() -> std::path::PathBuf {
    let out = Command::new("python3")
        .args([
            "-c",
            "import sys,os;print(os.path.join(os.path.dirname(sys.executable),'schemathesis'))",
        ])
        .output()
        .expect("python3 on PATH (the API contract test runs schemathesis)");
    let path = std::path::PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    assert!(
        path.exists(),
        "schemathesis is not installed next to python3 ({}); install it with \
         `python3 -m pip install schemathesis==4.32.5 hypothesis==6.170.16` (CI does this in .ci/run)",
        path.display()
    );
    path
}

#[tokio::test]
async fn every_response_matches_the_openapi_document() {
    let cli = schemathesis();
    let app = spawn_app().await;
    let owner = app.shop("Contract Shop", "owner@contract.test").await;
    let tenant = app.tenant_of("owner@contract.test").await;
    crate::tickets::seed_for(&app, tenant, 3, "Contract").await;
    crate::api_v1::seed_extras(&app, tenant).await;
    let token = create_token(&owner, "schemathesis", ALL_SCOPES).await;
    // Fuzzing sends a few hundred requests a minute; keep the limiter out of its way.
    sqlx::query("UPDATE api_tokens SET rate_limit = 10000")
        .execute(&app.admin)
        .await
        .unwrap();

    let dir = std::env::temp_dir().join(format!("aftersail-schemathesis-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let log_path = dir.join("output.txt");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut child = Command::new(&cli)
        .current_dir(&dir)
        .args([
            "run",
            &format!("{}/api/v1/openapi.json", app.address),
            "--url",
            &format!("{}/api/v1", app.address),
            "-H",
            &format!("Authorization: Bearer {token}"),
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
            "--max-examples",
            "30",
            "--phases",
            "examples,coverage,fuzzing",
            "--workers",
            "2",
            "--seed",
            "20261126",
            "--generation-database",
            "none",
            "--request-timeout",
            "10",
            "--no-color",
        ])
        .env("SCHEMATHESIS_TELEMETRY", "false")
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("schemathesis starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > Duration::from_secs(170) {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let output = std::fs::read_to_string(&log_path).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    match status {
        Some(s) if s.success() => {
            // The summary (operations, test cases, checks) for the log.
            let tail: Vec<&str> = output.lines().rev().take(40).collect();
            eprintln!("{}", tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
        }
        Some(s) => panic!("schemathesis failed ({s}):\n{output}"),
        None => panic!("schemathesis ran over 170 s:\n{output}"),
    }
    // The run got through to the handlers: generated tickets were created.
    let tickets: i64 = sqlx::query_scalar("SELECT count(*) FROM tickets")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert!(tickets > 3, "no ticket created by the run:\n{output}");
}
