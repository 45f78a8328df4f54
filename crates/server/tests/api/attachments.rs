//! Attachments on replies and notes: stored with the message, listed in the thread,
//! downloaded safely; oversized or too many files get a clear error and change nothing.

use aftersail_domain::attachment::{MAX_FILES, MAX_FILE_BYTES, MAX_TOTAL_BYTES};
use reqwest::StatusCode;

use crate::helpers::*;
use crate::tickets::{idempotency_key, seed_for};

async fn counts(app: &TestApp) -> (i64, i64, i64) {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM messages), (SELECT count(*) FROM outbox), (SELECT count(*) FROM attachments)",
    )
    .fetch_one(&app.admin)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_reply_and_a_note_carry_files_that_download_as_sent() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    seed_for(&app, app.tenant_of("owner@example.com").await, 1, "A").await;

    let key = idempotency_key(&owner.page("/tickets/1000").await);
    let photo: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
    let r = owner
        .post_files(
            "/tickets/1000/reply",
            &[
                ("body", "Here is the label."),
                ("idempotency_key", &key),
                ("status", "pending"),
            ],
            vec![
                (
                    "attachments",
                    "return-label.pdf",
                    "application/pdf",
                    b"%PDF-1.4 label".to_vec(),
                ),
                (
                    "attachments",
                    "C:\\fotos\\破损.jpg",
                    "image/jpeg",
                    photo.clone(),
                ),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = owner
        .post_files(
            "/tickets/1000/note",
            &[("body", "Buyer's photo, for the carrier claim")],
            vec![(
                "attachments",
                "notes.txt",
                "text/plain",
                b"internal".to_vec(),
            )],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let html = owner.page("/tickets/1000").await;
    let text = visible(&html);
    assert!(
        text.contains("return-label.pdf 14 B")
            && text.contains("破损.jpg 5 KB")
            && text.contains("notes.txt"),
        "{text}"
    );
    let link = |name: &str| -> String {
        let at = html.find(&format!(">{name}</a>")).unwrap();
        let start = html[..at].rfind("href=\"").unwrap() + 6;
        html[start..at - 1].to_owned()
    };

    let r = owner.get(&link("破损.jpg")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("inline;"));
    assert_eq!(r.bytes().await.unwrap().to_vec(), photo);
    let r = owner.get(&link("return-label.pdf")).await;
    assert_eq!(r.headers()["content-type"], "application/octet-stream");
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"return-label.pdf\"; filename*=UTF-8''return-label.pdf"
    );
    assert!(r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("sandbox"));
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"%PDF-1.4 label");

    // The same form sent again is the same reply: no second message, no second set of files.
    let again = owner
        .post_files(
            "/tickets/1000/reply",
            &[("body", "Here is the label."), ("idempotency_key", &key)],
            vec![(
                "attachments",
                "return-label.pdf",
                "application/pdf",
                b"%PDF-1.4 label".to_vec(),
            )],
        )
        .await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(counts(&app).await, (3, 1, 3));

    // An attachment id only opens under its own ticket.
    seed_for(&app, app.tenant_of("owner@example.com").await, 1, "B").await;
    let under_other = link("notes.txt").replace("/tickets/1000/", "/tickets/1001/");
    assert_eq!(
        owner.get(&under_other).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        owner
            .get("/tickets/1000/attachments/not-an-id")
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn oversized_or_too_many_files_are_refused_clearly_and_change_nothing() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    seed_for(&app, app.tenant_of("owner@example.com").await, 1, "A").await;
    let before = counts(&app).await;
    let key = idempotency_key(&owner.page("/tickets/1000").await);
    let reply = [
        ("body", "Draft that must not be lost"),
        ("idempotency_key", key.as_str()),
    ];

    // One file over the per-file limit: 413, the page again with the draft and the reason.
    let r = owner
        .post_files(
            "/tickets/1000/reply",
            &reply,
            vec![
                ("attachments", "small.txt", "text/plain", b"ok".to_vec()),
                (
                    "attachments",
                    "video.mp4",
                    "video/mp4",
                    vec![0; MAX_FILE_BYTES + 1],
                ),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let html = r.text().await.unwrap();
    assert!(
        visible(&html).contains("“video.mp4” is too large: files can be at most 10.0 MB."),
        "{}",
        visible(&html)
    );
    assert!(html.contains(">Draft that must not be lost</textarea>"));

    // More files than a message may carry.
    let many: Vec<_> = (0..=MAX_FILES)
        .map(|_| ("attachments", "a.txt", "text/plain", b"x".to_vec()))
        .collect();
    let r = owner.post_files("/tickets/1000/reply", &reply, many).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible(&r.text().await.unwrap()).contains("At most 10 files per message."));

    // Together over the total limit, each under the per-file one.
    let big = || {
        (
            "attachments",
            "part.bin",
            "application/octet-stream",
            vec![1; MAX_TOTAL_BYTES / 3 + 100 * 1024],
        )
    };
    let r = owner
        .post_files(
            "/tickets/1000/note",
            &[("body", "three big ones")],
            vec![big(), big(), big()],
        )
        .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        visible(&r.text().await.unwrap()).contains("Attachments together can be at most 25.0 MB.")
    );

    // A body beyond anything a form may send is stopped before it is read in full.
    let r = owner
        .post_files(
            "/tickets/1000/note",
            &[("body", "huge")],
            vec![(
                "attachments",
                "huge.bin",
                "application/octet-stream",
                vec![0; MAX_TOTAL_BYTES + 2 * 1024 * 1024],
            )],
        )
        .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(visible(&r.text().await.unwrap()).contains("The upload is too large"));

    assert_eq!(counts(&app).await, before, "nothing was written");
}
