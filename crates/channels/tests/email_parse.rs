//! `email::parse` over a corpus of real-looking mail in `tests/mail/`.

use aftersail_channels::email::parse::{parse, synthetic_id};
use aftersail_channels::{Automated, InboundMessage};
use chrono::{TimeZone, Utc};

fn sample(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/mail/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn parse_sample(name: &str) -> InboundMessage {
    let raw = sample(name);
    let message = parse(&raw);
    assert_eq!(message.raw, raw, "{name}: raw kept unchanged");
    assert_eq!(message.raw_content_type, "message/rfc822");
    assert!(!message.external_id.is_empty());
    message
}

#[test]
fn multipart_alternative_quoted_printable() {
    let m = parse_sample("alternative_qp.eml");
    assert_eq!(m.channel, "email");
    assert_eq!(m.external_id, "CAF=3d9kL.qp-1@mail.example.fr");
    assert_eq!(m.from.address, "claire.dubois@example.fr");
    assert_eq!(m.from.name.as_deref(), Some("Claire Dubois"));
    assert_eq!(m.reply_to.as_deref(), Some("claire.perso@example.org"));
    assert_eq!(m.subject, "Problème avec ma commande n° 4711");
    assert_eq!(
        m.sent_at,
        Utc.with_ymd_and_hms(2026, 3, 2, 8, 14, 55).unwrap()
    );
    assert_eq!(m.language.as_deref(), Some("fr-FR"));
    // Soft line breaks joined, =C3=A7 and friends decoded, the text part preferred.
    assert!(
        m.body_text.contains(
            "J'ai reçu la cafetière mais elle est abîmée. Pouvez-vous m'envoyer une nouvelle \
             pièce très rapidement ? Merci d'avance pour votre aide."
        ),
        "{}",
        m.body_text
    );
    assert!(m.body_text.ends_with("-- \nClaire Dubois\n06 12 34 56 78"));
    assert!(!m.body_text.contains('\r'));
    assert!(
        m.display_text.ends_with("Cordialement,\nClaire"),
        "{}",
        m.display_text
    );
    let html = m.body_html.expect("html part");
    assert!(
        html.contains("<p>J'ai reçu la cafetière mais elle est abîmée.</p>"),
        "{html}"
    );
    assert!(!html.contains("onclick"), "{html}");
    assert_eq!(
        m.thread.normalized_subject,
        "problème avec ma commande n° 4711"
    );
    assert_eq!(m.automated, None);
    assert_eq!(m.order_external_id, None);
    assert!(m.attachments.is_empty());
}

#[test]
fn iso_2022_jp() {
    let m = parse_sample("iso2022jp.eml");
    assert_eq!(m.subject, "注文した商品が届きません");
    assert_eq!(m.from.name.as_deref(), Some("山田太郎"));
    assert_eq!(
        m.body_text,
        "お世話になっております。\n注文番号 503-1234567-7654321 の商品がまだ届きません。\n確認をお願いします。\n\n山田太郎"
    );
    assert_eq!(
        m.sent_at,
        Utc.with_ymd_and_hms(2026, 3, 3, 9, 30, 0).unwrap()
    );
    // Ordinary mail: order ids only from the subject.
    assert_eq!(m.order_external_id, None);
    assert_eq!(m.body_html, None);
}

#[test]
fn big5_traditional_chinese() {
    let m = parse_sample("big5.eml");
    assert_eq!(m.subject, "退貨申請：商品有瑕疵");
    assert_eq!(m.from.name.as_deref(), Some("陳小明"));
    assert_eq!(
        m.body_text,
        "您好，\n\n我收到的商品有刮痕，想申請退貨。\n\n陳小明"
    );
}

#[test]
fn gb2312_and_gbk() {
    let m = parse_sample("gb2312.eml");
    assert_eq!(m.subject, "咨询：订单什么时候发货？");
    assert_eq!(m.from.name.as_deref(), Some("王伟"));
    assert_eq!(
        m.body_text,
        "你好，\n\n我的订单什么时候发货？谢谢！\n\n王伟"
    );
    assert_eq!(m.thread.normalized_subject, "咨询：订单什么时候发货？");
}

#[test]
fn latin1_windows1252_and_missing_date() {
    let m = parse_sample("latin1_no_date.eml");
    assert_eq!(m.from.name.as_deref(), Some("Jürgen Müller"));
    assert_eq!(m.subject, "Grüße – Rückfrage");
    assert_eq!(m.body_text, "Grüße aus Österreich, à bientôt.");
    // No Date header: the newest Received date.
    assert_eq!(
        m.sent_at,
        Utc.with_ymd_and_hms(2026, 3, 18, 10, 0, 0).unwrap()
    );
}

#[test]
fn unknown_charset_is_lossy_utf8() {
    let m = parse_sample("unknown_charset.eml");
    assert_eq!(m.body_text, "Café ok, broken \u{fffd} byte.");
}

#[test]
fn attachments_inline_images_and_nested_messages() {
    let m = parse_sample("attachments.eml");
    assert_eq!(
        m.body_text,
        "Hallo, anbei die Rechnung und ein Foto vom Schaden."
    );
    let html = m.body_html.as_deref().expect("html");
    assert!(
        html.contains("<img src=\"cid:schaden.jpg@example.de\" alt=\"Schaden\">"),
        "{html}"
    );

    let summary: Vec<(&str, &str, Option<&str>, bool, usize)> = m
        .attachments
        .iter()
        .map(|a| {
            (
                a.filename.as_str(),
                a.content_type.as_str(),
                a.content_id.as_deref(),
                a.inline,
                a.bytes.len(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "schaden.jpg",
                "image/jpeg",
                Some("schaden.jpg@example.de"),
                true,
                22
            ),
            ("Rechnung März 2026.pdf", "application/pdf", None, false, 83),
            (
                "Lieferschein_Überblick.txt",
                "application/octet-stream",
                None,
                false,
                16
            ),
            ("attachment-4.png", "image/png", None, false, 67),
            ("Ihre Bestellung.eml", "message/rfc822", None, false, 193),
        ]
    );
    assert!(m.attachments[0].bytes.starts_with(b"\xff\xd8\xff"));
    assert!(m.attachments[1]
        .bytes
        .starts_with(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3"));
    assert!(m.attachments[1].bytes.ends_with(b"%%EOF\n"));
    assert_eq!(m.attachments[2].bytes, b"Lieferschein 42\n");
    assert!(m.attachments[3].bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    let nested = String::from_utf8_lossy(&m.attachments[4].bytes);
    assert!(nested.contains("Subject: Ihre Bestellung"), "{nested}");
    assert!(nested.contains("Danke fuer Ihre Bestellung."), "{nested}");
    // The nested mail is itself parseable.
    let inner = parse(&m.attachments[4].bytes);
    assert_eq!(inner.external_id, "order-confirm@shop.example");
}

#[test]
fn big_attachment_is_fast() {
    let payload: Vec<u8> = (0..8 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let encoded = base64_lines(&payload);
    let raw = format!(
        "From: Big Sender <big@example.com>\r\nTo: support@shop.example\r\nSubject: Video of the defect\r\n\
         Date: Fri, 20 Mar 2026 10:00:00 +0000\r\nMessage-ID: <big-1@example.com>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"big\"\r\n\r\n--big\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         See the attached video.\r\n--big\r\nContent-Type: video/mp4\r\nContent-Disposition: attachment; filename=\"defect.mp4\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{encoded}\r\n--big--\r\n"
    );
    let started = std::time::Instant::now();
    let m = parse(raw.as_bytes());
    let elapsed = started.elapsed();
    assert_eq!(m.body_text, "See the attached video.");
    assert_eq!(m.attachments.len(), 1);
    assert_eq!(m.attachments[0].filename, "defect.mp4");
    assert_eq!(m.attachments[0].content_type, "video/mp4");
    assert_eq!(m.attachments[0].bytes.len(), payload.len());
    assert!(m.attachments[0].bytes == payload, "decoded bytes differ");
    let limit = if cfg!(debug_assertions) { 8.0 } else { 1.0 };
    assert!(elapsed.as_secs_f64() < limit, "took {elapsed:?}");
}

fn base64_lines(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + bytes.len() / 38);
    for (i, chunk) in bytes.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            out.push_str("\r\n");
        }
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * k)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn malformed_headers() {
    let raw = sample("malformed.eml");
    let m = parse(&raw);
    // Empty Message-ID: a stable synthetic id from the bytes.
    assert_eq!(m.external_id, synthetic_id(&raw));
    assert!(m.external_id.starts_with("sha256-"));
    assert_eq!(m.external_id.len(), "sha256-".len() + 64);
    assert_eq!(parse(&raw).external_id, m.external_id);
    assert_eq!(m.from.address, "weird@example.net");
    // The first of two Subject headers; a broken encoded-word stays as written.
    assert_eq!(
        m.subject,
        "=?UTF-8?Q?Kaputt_=ZZ_encoded?= word =?UNKNOWN?B?!!!?="
    );
    // No Date: the newest Received date.
    assert_eq!(
        m.sent_at,
        Utc.with_ymd_and_hms(2026, 3, 7, 11, 0, 5).unwrap()
    );
    assert_eq!(m.body_text, "Body survives \u{fffd}\u{fffd} broken bytes.");
    assert_eq!(m.automated, None);
}

#[test]
fn html_only_is_converted_and_sanitized() {
    let m = parse_sample("html_only.eml");
    assert_eq!(
        m.body_text,
        "Hello\n\nThe café order & the link and order page.\n\n- first\n- second\nBye\nAnna"
    );
    assert_eq!(m.display_text, m.body_text);
    let html = m.body_html.expect("html");
    let lower = html.to_ascii_lowercase();
    for bad in [
        "<script",
        "javascript:",
        "onload",
        "onerror",
        "<svg",
        "<style",
        "alert",
    ] {
        assert!(!lower.contains(bad), "{bad} in {html}");
    }
    assert!(html.contains("<h1>Hello</h1>"), "{html}");
    assert!(
        html.contains(
            "<a href=\"https://shop.example/orders/9\" rel=\"noopener noreferrer nofollow\">order page</a>"
        ),
        "{html}"
    );
}

#[test]
fn amazon_relay_com() {
    let m = parse_sample("amazon_com.eml");
    assert_eq!(m.channel, "amazon");
    assert_eq!(m.from.address, "0f7k2l9mzxq4p8d@marketplace.amazon.com");
    assert_eq!(
        m.reply_to.as_deref(),
        Some("0f7k2l9mzxq4p8d@marketplace.amazon.com")
    );
    assert_eq!(m.order_external_id.as_deref(), Some("113-4567890-1234567"));
    // Precedence: bulk on relay mail does not make a buyer message automated.
    assert_eq!(m.automated, None);
    assert_eq!(
        m.display_text,
        "Hello, my order 113-4567890-1234567 arrived damaged. Can you send a replacement?"
    );
    assert!(m.body_text.contains("For Your Information"));
}

#[test]
fn amazon_relay_de_order_from_body() {
    let m = parse_sample("amazon_de.eml");
    assert_eq!(m.channel, "amazon");
    assert_eq!(m.subject, "Anfrage von Amazon-Kunde Erika Mustermann");
    // Not in the subject: found in the body.
    assert_eq!(m.order_external_id.as_deref(), Some("302-9876543-1112223"));
    assert_eq!(
        m.display_text,
        "Bestellnummer: 302-9876543-1112223\nGuten Tag, die Größe passt nicht. Kann ich umtauschen?"
    );
    assert_eq!(
        m.reply_to.as_deref(),
        Some("ab12cd34ef@marketplace.amazon.de")
    );
    assert!(m.body_html.expect("html").contains("Größe"));
}

#[test]
fn amazon_relay_co_jp_shift_jis() {
    let m = parse_sample("amazon_jp.eml");
    assert_eq!(m.channel, "amazon");
    assert_eq!(
        m.subject,
        "注文についての問い合わせ (注文番号: 250-1112223-3334445)"
    );
    assert_eq!(
        m.from.name.as_deref(),
        Some("佐藤花子 - Amazon Marketplace")
    );
    assert_eq!(m.order_external_id.as_deref(), Some("250-1112223-3334445"));
    assert_eq!(
        m.body_text,
        "注文番号：250-1112223-3334445\nサイズを交換できますか？"
    );
}

#[test]
fn ebay_relay() {
    let m = parse_sample("ebay.eml");
    assert_eq!(m.channel, "ebay");
    assert_eq!(
        m.reply_to.as_deref(),
        Some("buyer_jane-abc123@members.ebay.com")
    );
    assert_eq!(m.order_external_id.as_deref(), Some("12-34567-89012"));
    // List-Unsubscribe on relay mail is not a bulk signal.
    assert_eq!(m.automated, None);
    assert_eq!(
        m.sent_at,
        Utc.with_ymd_and_hms(2026, 3, 13, 0, 45, 0).unwrap()
    );
}

#[test]
fn delivery_status_bounce() {
    let m = parse_sample("bounce.eml");
    assert_eq!(m.automated, Some(Automated::Bounce));
    assert!(m
        .body_text
        .contains("<nobody@example.invalid>: host not found"));
    let types: Vec<&str> = m
        .attachments
        .iter()
        .map(|a| a.content_type.as_str())
        .collect();
    assert_eq!(types, ["message/delivery-status", "text/rfc822-headers"]);
    assert_eq!(m.attachments[0].filename, "attachment-1.txt");
    assert!(String::from_utf8_lossy(&m.attachments[0].bytes).contains("Status: 5.1.2"));
}

#[test]
fn out_of_office() {
    let m = parse_sample("out_of_office.eml");
    assert_eq!(m.automated, Some(Automated::AutoReply));
    assert_eq!(m.subject, "Abwesenheitsnotiz: Re: Ihre Bestellung [#1042]");
    assert_eq!(m.thread.ticket_number, Some(1042));
    assert_eq!(m.thread.replies_to, ["outbox-55@shop.example"]);
    assert_eq!(m.body_text, "Ich bin bis 20.03. nicht im Büro.");
}

#[test]
fn mailing_list() {
    let m = parse_sample("mailing_list.eml");
    assert_eq!(m.automated, Some(Automated::Bulk));
    assert_eq!(m.thread.normalized_subject, "[shop-owners] weekly digest");
}

#[test]
fn reply_threading() {
    let m = parse_sample("reply_thread.eml");
    assert_eq!(
        m.subject,
        "AW: Re: 回复: Replacement   for order 123-1234567-1234567 [#1042]"
    );
    assert_eq!(
        m.thread.replies_to,
        [
            "outbox-102@shop.example",
            "outbox-101@shop.example",
            "first-1@example.com"
        ]
    );
    assert_eq!(m.thread.ticket_number, Some(1042));
    assert_eq!(
        m.thread.normalized_subject,
        "replacement for order 123-1234567-1234567"
    );
    // An Amazon-format order id in an ordinary subject is picked up.
    assert_eq!(m.order_external_id.as_deref(), Some("123-1234567-1234567"));
    assert_eq!(m.channel, "email");
}

#[test]
fn reply_with_quote_and_signature() {
    let m = parse_sample("reply_quoted.eml");
    assert_eq!(
        m.display_text,
        "Thanks, the label works. I will send it tomorrow.\n\nBest regards,\nAnna"
    );
    assert!(m.body_text.contains("> here is your return label."));
    assert_eq!(m.thread.ticket_number, Some(2001));
    assert_eq!(m.thread.normalized_subject, "your return");
    assert_eq!(m.thread.replies_to, ["outbox-200@shop.example"]);
}

#[test]
fn garbage_empty_and_headerless_input() {
    for raw in [
        &b""[..],
        b"\0\0\0",
        b"\xff\xfe\xfd",
        b"just some words without headers",
    ] {
        let m = parse(raw);
        assert_eq!(m.external_id, synthetic_id(raw));
        assert_eq!(m.channel, "email");
        assert_eq!(m.raw, raw);
        assert!(!m.subject.contains('\0') && !m.body_text.contains('\0'));
    }
    let a = parse(b"Subject: x\r\n\r\nbody");
    let b = parse(b"Subject: y\r\n\r\nbody");
    assert_ne!(a.external_id, b.external_id);
    assert_eq!(a.subject, "x");
}

#[test]
fn nul_bytes_never_reach_strings() {
    let raw = b"From: a\0b <a@example.com>\r\nSubject: he\0llo\r\nMessage-ID: <id\0x@example.com>\r\n\r\nbo\0dy";
    let m = parse(raw);
    for s in [
        &m.subject,
        &m.body_text,
        &m.display_text,
        &m.external_id,
        &m.from.address,
    ] {
        assert!(!s.contains('\0'), "{s:?}");
    }
}

#[test]
fn folded_headers_and_split_encoded_words() {
    let raw = b"From: \"Folded\r\n Name\" <FOLD@Example.com>\r\nSubject: =?UTF-8?Q?R=C3=BCck?=\r\n =?UTF-8?Q?sendung?=\r\n\tbitte\r\nMessage-ID:\r\n <folded@example.com>\r\nIn-Reply-To:\r\n\t<a@x>\r\nDate: Sat, 21 Mar 2026 10:00:00 +0000\r\n\r\nok";
    let m = parse(raw);
    assert_eq!(m.subject, "Rücksendung bitte");
    assert_eq!(m.external_id, "folded@example.com");
    assert_eq!(m.from.address, "fold@example.com");
    assert_eq!(m.thread.replies_to, ["a@x"]);
    assert_eq!(
        m.sent_at,
        Utc.with_ymd_and_hms(2026, 3, 21, 10, 0, 0).unwrap()
    );
}

#[test]
fn text_attachments_stay_out_of_the_body() {
    let raw = b"From: a@example.com\r\nSubject: log\r\nMessage-ID: <txt@example.com>\r\n\
Content-Type: multipart/mixed; boundary=\"m\"\r\n\r\n--m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
Please see the log.\r\n--m\r\nContent-Type: text/plain; charset=utf-8; name=\"error.log\"\r\n\
Content-Disposition: attachment; filename=\"../../etc/error.log\"\r\n\r\nERROR 42\r\n--m\r\n\
Content-Type: text/html; charset=utf-8\r\nContent-Disposition: attachment\r\n\r\n<p>page</p>\r\n--m--\r\n";
    let m = parse(raw);
    assert_eq!(m.body_text, "Please see the log.");
    assert_eq!(m.body_html, None);
    let names: Vec<(&str, &str)> = m
        .attachments
        .iter()
        .map(|a| (a.filename.as_str(), a.content_type.as_str()))
        .collect();
    // Directory parts are dropped from file names.
    assert_eq!(
        names,
        [
            ("error.log", "text/plain"),
            ("attachment-2.html", "text/html")
        ]
    );
    assert!(m.attachments[0].bytes.starts_with(b"ERROR 42"));
}

/// Found by the `email_parse` fuzz target (docs/fuzzing.md): every value ingest binds or
/// indexes must be storable, or the ingest transaction fails and the mailbox's cursor sticks
/// on the mail. NUL bytes in the threading headers are dropped; ids, addresses and names too
/// long for a btree index row are cut and marked with a hash of the whole value, the same way
/// wherever they appear, so a reply naming a long id still threads.
#[test]
fn hostile_ids_and_addresses_become_storable_values() {
    use aftersail_channels::email::parse::MAX_ADDRESS_BYTES;
    use aftersail_channels::email::thread::MAX_ID_BYTES;

    let nul = parse(
        b"Message-ID: <n\0ul@x.example>\r\nFrom: a@x.example\r\n\
          In-Reply-To: <outbox-1@shop.exam\0\0ple>\r\nReferences: <\0> <r@x>\r\n\r\nhi\r\n",
    );
    assert_eq!(nul.external_id, "nul@x.example");
    assert_eq!(nul.thread.replies_to, vec!["outbox-1@shop.example", "r@x"]);

    let long_id = format!("{}@big.example", "q1w2e3r4".repeat(600));
    let first =
        parse(format!("Message-ID: <{long_id}>\r\nFrom: b@x.example\r\n\r\nx\r\n").as_bytes());
    assert!(
        first.external_id.len() <= MAX_ID_BYTES,
        "{}",
        first.external_id.len()
    );
    assert!(first.external_id.starts_with("q1w2e3r4"));
    let reply = parse(
        format!("Message-ID: <r1@x>\r\nFrom: b@x.example\r\nIn-Reply-To: <{long_id}>\r\n\r\ny\r\n")
            .as_bytes(),
    );
    assert_eq!(reply.thread.replies_to, vec![first.external_id.clone()]);
    let other =
        parse(format!("Message-ID: <{long_id}x>\r\nFrom: b@x.example\r\n\r\nx\r\n").as_bytes());
    assert_ne!(
        other.external_id, first.external_id,
        "the hash tells them apart"
    );

    let local = "Z".repeat(3000);
    let name = "Ä".repeat(2000);
    let long_from = parse(
        format!("Message-ID: <l@x>\r\nFrom: {name} <{local}@x.example>\r\n\r\nz\r\n").as_bytes(),
    );
    assert!(long_from.from.address.len() <= MAX_ADDRESS_BYTES);
    assert!(
        long_from.from.address.starts_with("zzzz"),
        "lower case, cut"
    );
    let stored_name = long_from.from.name.expect("a name");
    assert!(stored_name.len() <= MAX_ADDRESS_BYTES && stored_name.starts_with("ÄÄ"));
    // Ordinary values are kept exactly.
    let plain = parse(b"Message-ID: <ok@x>\r\nFrom: Anna <Anna@X.example>\r\n\r\nq\r\n");
    assert_eq!(plain.external_id, "ok@x");
    assert_eq!(plain.from.address, "anna@x.example");
    assert_eq!(plain.from.name.as_deref(), Some("Anna"));
}

/// Finding 4 of docs/fuzzing.md: nested multiparts whose inner boundaries never close (the
/// fuzzer's mutation of `attachments.eml`) reach a state mail-parser recovers from but marks
/// with `debug_assert!`. Built as it ships (the workspace turns that crate's debug assertions
/// off in dev too), the mail is parsed, not turned into raw text by the panic guard.
#[test]
fn unclosed_nested_multiparts_are_parsed_not_dropped_to_raw_text() {
    let path = format!(
        "{}/../../fuzz/corpus/email_parse/found_nested_multipart_debug_assert.eml",
        env!("CARGO_MANIFEST_DIR")
    );
    let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let m = parse(&raw);
    assert_eq!(m.raw, raw);
    assert_eq!(m.from.address, "max@example.de", "headers parsed");
    assert_eq!(m.from.name.as_deref(), Some("Max Mustermann"));
    assert!(
        m.subject.starts_with("Rechnung und Foto"),
        "{:?}",
        m.subject
    );
    assert_eq!(m.external_id, "attach-1@example.de");
    // The part typed `multopart/related` (sic) is not a multipart, so it and the text inside
    // it are kept as an attachment; the other parts after it are found too.
    let parts: Vec<(&str, &str)> = m
        .attachments
        .iter()
        .map(|a| (a.filename.as_str(), a.content_type.as_str()))
        .collect();
    assert_eq!(parts.len(), 4, "{parts:?}");
    assert_eq!(parts[0].1, "multopart/related");
    let kept = String::from_utf8_lossy(&m.attachments[0].bytes);
    assert!(kept.contains("anbei die Rechnung"), "{kept}");
    assert_eq!(parts[2].1, "image/png");
    assert_eq!(parts[3].1, "message/rfc822");
}
