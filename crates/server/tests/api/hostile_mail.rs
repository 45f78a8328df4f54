//! Mail that PostgreSQL cannot take as written must still be ingested, or the mailbox's
//! cursor never moves past it and every later mail waits behind it. Found by the
//! `email_parse` fuzz target (docs/fuzzing.md): a NUL byte in `In-Reply-To`/`References`
//! (bound as a threading id: "invalid byte sequence for encoding UTF8: 0x00") and ids or
//! addresses of a few kilobytes (over the ~2.7 kB a btree index row may hold).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use aftersail_channels::email::parse::parse;
use aftersail_worker::channel_sync;

use crate::channel_sync::{add_channel, fakes, mail, scalar, FakeChannel};
use crate::helpers::*;

/// Characters that do not compress, so an index row really is as long as the value.
fn noise(len: usize) -> String {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(b"abcdefghijklmnopqrstuvwxyz0123456789"[(x % 36) as usize])
        })
        .collect()
}

#[tokio::test]
async fn mail_with_nul_ids_and_huge_headers_is_ingested_and_the_cursor_moves_on() {
    let app = spawn_app().await;
    app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    add_channel(&app, tenant, "Mail").await;

    let long_id = format!("{}@big.example", noise(4000));
    let long_local = noise(3000);
    let inbox: Vec<Vec<u8>> = vec![
        mail(
            "nul-1@a.example",
            "a@a.example",
            "NUL in the threading headers",
            "In-Reply-To: <x\0y@shop.example>\r\nReferences: <r\0@shop.example> <ok@shop.example>\r\n",
            "first",
        ),
        mail(&long_id, "b@b.example", "A very long Message-ID", "", "second"),
        mail(
            "long-from@c.example",
            &format!("{} <{long_local}@c.example>", noise(3000)),
            "A very long sender",
            "",
            "third",
        ),
        // A reply to the mail with the long id threads into its ticket.
        mail(
            "reply-1@b.example",
            "b@b.example",
            "Re: A very long Message-ID",
            &format!("In-Reply-To: <{long_id}>\r\n"),
            "fourth",
        ),
        mail("plain-1@d.example", "d@d.example", "Plain", "", "fifth"),
    ];
    let channel = Arc::new(FakeChannel {
        mail: std::sync::Mutex::new(inbox.clone()),
        page: 10,
        ..FakeChannel::default()
    });
    let connectors = fakes(HashMap::from([("Mail".to_string(), channel)]));

    let round = channel_sync::run_once(&app.pool, &connectors, Duration::from_secs(60))
        .await
        .unwrap();
    let error: Option<String> = sqlx::query_scalar("SELECT last_error FROM channels")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(round.failed, 0, "ingest failed: {error:?}");
    assert_eq!(round.ingested.messages, 5, "{error:?}");
    assert_eq!(
        sqlx::query_scalar::<_, Option<String>>("SELECT cursor FROM channels")
            .fetch_one(&app.admin)
            .await
            .unwrap()
            .as_deref(),
        Some("5"),
        "the cursor moved past every mail"
    );
    assert_eq!(scalar(&app, "SELECT count(*) FROM messages").await, 5);
    // Long ids are stored as their hash, and a reply naming the long id finds its ticket.
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM messages WHERE length(external_id) > 512"
        )
        .await,
        0
    );
    assert_eq!(
        scalar(&app, "SELECT count(DISTINCT ticket_id) FROM messages").await,
        4,
        "the reply threads into the long-id mail's ticket"
    );
    // Nothing stored with a NUL, no customer address past what an address can be.
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM customer_identities WHERE length(address) > 254"
        )
        .await,
        0
    );
    for raw in &inbox {
        let m = parse(raw);
        assert!(m.thread.replies_to.iter().all(|id| !id.contains('\0')));
        assert!(m.external_id.len() <= 512 && m.from.address.len() <= 254);
    }
}
