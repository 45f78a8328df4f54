//! The email transport against real servers: Dovecot for IMAP, an aiosmtpd sink for SMTP.
//! Every test starts its own servers (own temp dir and ports), so they run in parallel.

mod support;

use std::time::{Duration, Instant};

use aftersail_channels::email::{imap, smtp, EmailConnector, Security};
use aftersail_channels::{
    Batch, Connector, ConnectorError, Inbound, InboundMessage, Outbound, OutboundAttachment,
};
use futures_util::TryStreamExt;
use mail_parser::{MessageParser, MimeHeaders};
use support::{closed_port, mail, Dovecot, SinkOptions, SmtpSink, PASSWORD};

fn messages(batch: &Batch) -> Vec<&InboundMessage> {
    batch
        .items
        .iter()
        .map(|item| match item {
            Inbound::Message(m) => m,
            Inbound::Order(_) | Inbound::Return(_) => panic!("email polls return messages only"),
        })
        .collect()
}

fn subjects(batch: &Batch) -> Vec<String> {
    messages(batch).iter().map(|m| m.subject.clone()).collect()
}

fn validity(cursor: &str) -> u32 {
    imap::Cursor::parse(cursor).unwrap().uid_validity
}

fn last_uid(batch: &Batch) -> u32 {
    imap::Cursor::parse(batch.cursor.as_deref().unwrap())
        .unwrap()
        .last_uid
}

#[tokio::test]
async fn first_poll_reads_everything_in_uid_order() {
    let server = Dovecot::start();
    server.deliver("INBOX", &[mail(1), mail(2), mail(3)]).await;

    let batch = imap::poll(&server.config(Security::Plain), None)
        .await
        .unwrap();

    assert_eq!(subjects(&batch), ["Question 1", "Question 2", "Question 3"]);
    let first = messages(&batch)[0];
    assert_eq!(first.external_id, "m1@buyer.test");
    assert_eq!(first.from.address, "buyer1@example.org");
    assert!(first.body_text.contains("Body of question 1"));
    assert_eq!(first.raw, mail(1));
    assert_eq!(last_uid(&batch), 3);
    assert!(!batch.more);
    assert_eq!(batch.backlog, Some(0));
}

#[tokio::test]
async fn polls_over_tls_and_starttls_trusting_the_extra_root() {
    let server = Dovecot::start();
    server.deliver("INBOX", &[mail(1)]).await;

    for security in [Security::Tls, Security::StartTls] {
        let batch = imap::poll(&server.config(security), None).await.unwrap();
        assert_eq!(subjects(&batch), ["Question 1"], "{security:?}");
    }

    // Without the test CA the certificate is not trusted.
    let mut untrusted = server.config(Security::Tls);
    untrusted.extra_root_pem = None;
    let err = imap::poll(&untrusted, None).await.unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Transient(m) if m.contains("TLS")),
        "{err:?}"
    );
}

#[tokio::test]
async fn batch_size_limits_each_poll_and_reports_the_backlog() {
    let server = Dovecot::start();
    server
        .deliver("INBOX", &(1..=5).map(mail).collect::<Vec<_>>())
        .await;
    let mut cfg = server.config(Security::Plain);
    cfg.batch_size = 2;

    let first = imap::poll(&cfg, None).await.unwrap();
    assert_eq!(subjects(&first), ["Question 1", "Question 2"]);
    assert!(first.more);
    assert_eq!(first.backlog, Some(3));

    let second = imap::poll(&cfg, first.cursor.as_deref()).await.unwrap();
    assert_eq!(subjects(&second), ["Question 3", "Question 4"]);
    assert!(second.more);
    assert_eq!(second.backlog, Some(1));

    let third = imap::poll(&cfg, second.cursor.as_deref()).await.unwrap();
    assert_eq!(subjects(&third), ["Question 5"]);
    assert!(!third.more);
    assert_eq!(third.backlog, Some(0));
    assert_eq!(last_uid(&third), 5);
}

#[tokio::test]
async fn the_cursor_returns_only_new_mail() {
    let server = Dovecot::start();
    let cfg = server.config(Security::Plain);
    server.deliver("INBOX", &[mail(1), mail(2)]).await;
    let first = imap::poll(&cfg, None).await.unwrap();
    assert_eq!(first.items.len(), 2);

    // Nothing new: `UID 3:*` makes the server return message 2 again; it must be dropped.
    let idle = imap::poll(&cfg, first.cursor.as_deref()).await.unwrap();
    assert!(idle.items.is_empty(), "{:?}", subjects(&idle));
    assert_eq!(idle.cursor, first.cursor);
    assert!(!idle.more);

    server.deliver("INBOX", &[mail(3), mail(4)]).await;
    let next = imap::poll(&cfg, idle.cursor.as_deref()).await.unwrap();
    assert_eq!(subjects(&next), ["Question 3", "Question 4"]);
    assert_eq!(last_uid(&next), 4);
}

#[tokio::test]
async fn polling_never_marks_seen_or_deletes() {
    let server = Dovecot::start();
    let cfg = server.config(Security::Plain);
    server.deliver("INBOX", &[mail(1), mail(2)]).await;

    imap::poll(&cfg, None).await.unwrap();
    imap::poll(&cfg, None).await.unwrap();

    let mut admin = server.admin().await;
    let mailbox = admin.examine("INBOX").await.unwrap();
    assert_eq!(mailbox.exists, 2);
    let flags: Vec<String> = admin
        .uid_fetch("1:*", "FLAGS")
        .await
        .unwrap()
        .map_ok(|f| format!("{:?}", f.flags().collect::<Vec<_>>()))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(flags.len(), 2);
    for f in &flags {
        assert!(!f.contains("Seen") && !f.contains("Deleted"), "{f}");
    }
    admin.logout().await.unwrap();
    let again = imap::poll(&cfg, None).await.unwrap();
    assert_eq!(again.items.len(), 2);
}

#[tokio::test]
async fn a_new_uidvalidity_starts_from_the_first_message() {
    let server = Dovecot::start();
    let mut cfg = server.config(Security::Plain);
    cfg.mailbox = "Support".into();
    let mut admin = server.admin().await;
    admin.create("Support").await.unwrap();
    server
        .deliver("Support", &[mail(1), mail(2), mail(3)])
        .await;
    let before = imap::poll(&cfg, None).await.unwrap();
    assert_eq!(last_uid(&before), 3);

    // Recreating the mailbox gives it a new UIDVALIDITY and UIDs from 1 again.
    admin.delete("Support").await.unwrap();
    admin.create("Support").await.unwrap();
    admin.logout().await.unwrap();
    server.deliver("Support", &[mail(7), mail(8)]).await;

    let after = imap::poll(&cfg, before.cursor.as_deref()).await.unwrap();
    assert_eq!(subjects(&after), ["Question 7", "Question 8"]);
    let (old, new) = (
        validity(before.cursor.as_deref().unwrap()),
        validity(after.cursor.as_deref().unwrap()),
    );
    assert_ne!(old, new);
    assert_eq!(last_uid(&after), 2);
}

#[tokio::test]
async fn imap_wrong_password_is_an_auth_error_without_the_password() {
    let server = Dovecot::start();
    let mut cfg = server.config(Security::Plain);
    cfg.password = "wrong-password-123".into();

    let err = imap::poll(&cfg, None).await.unwrap_err();
    let ConnectorError::Auth(message) = &err else {
        panic!("expected Auth, got {err:?}");
    };
    assert!(message.contains("IMAP server 127.0.0.1"), "{message}");
    assert!(!message.contains("wrong-password-123"), "{message}");
}

#[tokio::test]
async fn imap_closed_port_is_transient() {
    let mut cfg = imap::ImapConfig::new("127.0.0.1", closed_port(), "u", "p");
    cfg.security = Security::Plain;
    let err = imap::poll(&cfg, None).await.unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Transient(m) if m.contains("could not reach")),
        "{err:?}"
    );
    assert!(err.is_retryable());
}

#[tokio::test]
async fn idle_wakes_up_when_mail_arrives_and_times_out_otherwise() {
    let server = Dovecot::start();
    let cfg = server.config(Security::Plain);

    let started = Instant::now();
    assert!(!imap::wait_for_mail(&cfg, Duration::from_millis(800))
        .await
        .unwrap());
    assert!(started.elapsed() >= Duration::from_millis(700));

    let waiter = {
        let cfg = cfg.clone();
        tokio::spawn(async move { imap::wait_for_mail(&cfg, Duration::from_secs(20)).await })
    };
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let appended = Instant::now();
    server.deliver("INBOX", &[mail(1)]).await;
    assert!(
        waiter.await.unwrap().unwrap(),
        "IDLE did not report the new mail"
    );
    assert!(appended.elapsed() < Duration::from_secs(10));
}

fn reply() -> Outbound {
    Outbound {
        message_id: "outbox-42@aftersail.test".into(),
        idempotency_key: "outbox-42".into(),
        to: "Jürgen Buyer <juergen@buyer.test>".into(),
        subject: "Re: Rücksendung – Bestellung #1042 ✓".into(),
        body_text: "Grüße aus dem Support,\nIhr Etikett hängt an.\n".into(),
        references: vec!["first@buyer.test".into(), "second@buyer.test".into()],
        order_external_id: None,
        attachments: vec![OutboundAttachment {
            filename: "label.pdf".into(),
            content_type: "application/pdf".into(),
            bytes: b"%PDF-1.4 fake label \x00\x01\x02".to_vec(),
        }],
        ..Outbound::default()
    }
}

#[tokio::test]
async fn smtp_send_delivers_a_threaded_reply_with_its_attachment() {
    let sink = SmtpSink::start(SinkOptions {
        starttls: true,
        ..SinkOptions::default()
    });
    let mut cfg = sink.config();
    cfg.from_name = Some("Boutique Zoë Support".into());

    let sent = smtp::send(&cfg, &reply()).await.unwrap();
    assert_eq!(sent.external_id, "outbox-42@aftersail.test");

    let received = sink.received();
    assert_eq!(received.len(), 1);
    let (envelope, raw) = &received[0];
    assert_eq!(envelope["mail_from"], "support@shop.test");
    assert_eq!(envelope["rcpt_tos"][0], "juergen@buyer.test");
    let message = MessageParser::default().parse(raw).unwrap();
    assert_eq!(message.message_id(), Some("outbox-42@aftersail.test"));
    assert_eq!(
        message.in_reply_to().as_text_list().unwrap(),
        ["second@buyer.test"]
    );
    assert_eq!(
        message.references().as_text_list().unwrap(),
        ["first@buyer.test", "second@buyer.test"]
    );
    assert_eq!(
        message.subject(),
        Some("Re: Rücksendung – Bestellung #1042 ✓")
    );
    let from = message.from().unwrap().first().unwrap();
    assert_eq!(from.name(), Some("Boutique Zoë Support"));
    assert_eq!(from.address(), Some("support@shop.test"));
    assert_eq!(
        message.body_text(0).unwrap().replace("\r\n", "\n"),
        "Grüße aus dem Support,\nIhr Etikett hängt an.\n"
    );
    let attachment = message.attachment(0).expect("an attachment");
    assert_eq!(attachment.attachment_name(), Some("label.pdf"));
    assert_eq!(attachment.contents(), b"%PDF-1.4 fake label \x00\x01\x02");
    let content_type = attachment.content_type().unwrap();
    assert_eq!(
        (content_type.ctype(), content_type.subtype()),
        ("application", Some("pdf"))
    );
}

#[tokio::test]
async fn smtp_wrong_password_is_an_auth_error_without_the_password() {
    let sink = SmtpSink::start(SinkOptions::default());
    let mut cfg = sink.config();
    cfg.password = Some("wrong-password-123".into());

    let err = smtp::send(&cfg, &reply()).await.unwrap_err();
    let ConnectorError::Auth(message) = &err else {
        panic!("expected Auth, got {err:?}");
    };
    assert!(message.contains("SMTP server 127.0.0.1"), "{message}");
    assert!(message.contains("535"), "{message}");
    assert!(!message.contains("wrong-password-123"), "{message}");
    assert!(sink.received().is_empty());
}

#[tokio::test]
async fn smtp_rejected_recipient_is_permanent() {
    let sink = SmtpSink::start(SinkOptions {
        reject: vec!["gone@buyer.test".into()],
        ..SinkOptions::default()
    });
    let mut out = reply();
    out.to = "gone@buyer.test".into();

    let err = smtp::send(&sink.config(), &out).await.unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Permanent(m) if m.contains("550")),
        "{err:?}"
    );
    assert!(!err.is_retryable());
    assert!(sink.received().is_empty());
}

#[tokio::test]
async fn smtp_closed_port_is_transient() {
    let mut cfg = smtp::SmtpConfig::new("127.0.0.1", closed_port(), "support@shop.test");
    cfg.security = Security::Plain;
    let err = smtp::send(&cfg, &reply()).await.unwrap_err();
    assert!(matches!(err, ConnectorError::Transient(_)), "{err:?}");
}

#[tokio::test]
async fn check_passes_and_names_the_side_that_fails() {
    let server = Dovecot::start();
    let sink = SmtpSink::start(SinkOptions {
        starttls: true,
        ..SinkOptions::default()
    });
    let good = EmailConnector::new(server.config(Security::Tls), sink.config());
    good.check().await.unwrap();

    let mut bad_imap = good.clone();
    bad_imap.imap.password = "nope".into();
    let err = bad_imap.check().await.unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Auth(m) if m.contains("IMAP server")),
        "{err:?}"
    );

    let mut bad_smtp = good.clone();
    bad_smtp.smtp.password = Some("nope".into());
    let err = bad_smtp.check().await.unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Auth(m) if m.contains("SMTP server")),
        "{err:?}"
    );

    let mut unreachable = good.clone();
    unreachable.smtp.port = closed_port();
    let err = unreachable.check().await.unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Transient(m) if m.contains("SMTP server")),
        "{err:?}"
    );

    // The connector polls and sends through the same servers.
    server.deliver("INBOX", &[mail(1)]).await;
    assert_eq!(good.poll(None).await.unwrap().items.len(), 1);
    good.send(&reply()).await.unwrap();
    assert_eq!(sink.received().len(), 1);
    assert!(!format!("{good:?}").contains(PASSWORD));
}
