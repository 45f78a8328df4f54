use super::strings::{for_language, ALL, SUPPORTED};
use super::*;

fn order() -> OrderFacts<'static> {
    OrderFacts {
        number: "A-1042",
        carrier: Some("DHL"),
        tracking_number: Some("JJD000390007"),
        tracking_url: Some("https://www.dhl.com/track?n=JJD000390007"),
        delivered_on: None,
    }
}

fn input(intent: Intent) -> Input<'static> {
    Input {
        language: Some("en"),
        intent: Some(intent),
        confidence: 0.9,
        shop_name: "Example Shop",
        ..Input::default()
    }
}

fn body(d: &Decision) -> &str {
    match d {
        Decision::Answer { body, .. } => body,
        Decision::Handoff(h) => panic!("expected an answer, got a hand-off: {h:?}"),
    }
}

#[test]
fn where_is_my_order_gets_tracking_in_the_buyers_language() {
    let d = decide(&Input {
        language: Some("de-DE"),
        order: Some(order()),
        ..input(Intent::OrderStatus)
    });
    let Decision::Answer {
        kind,
        body,
        language,
    } = &d
    else {
        panic!("{d:?}")
    };
    assert_eq!(*kind, AnswerKind::Tracking);
    assert_eq!(*language, "de");
    assert!(body.starts_with("Hallo,"), "{body}");
    assert!(body.contains("Bestellung A-1042"), "{body}");
    assert!(body.contains("JJD000390007"), "{body}");
    assert!(body.contains("Versanddienstleister: DHL."), "{body}");
    assert!(
        body.contains("https://www.dhl.com/track?n=JJD000390007"),
        "{body}"
    );
    assert!(
        body.contains("automatische Antwort"),
        "labelled as automated: {body}"
    );
    assert!(body.ends_with("Example Shop"), "{body}");
    assert!(!body.contains('{'), "no placeholder left: {body}");
}

#[test]
fn not_received_adds_delivery_date_and_how_to_reach_a_person() {
    let d = decide(&Input {
        order: Some(OrderFacts {
            delivered_on: Some("2026-11-20"),
            carrier: None,
            ..order()
        }),
        ..input(Intent::NotReceived)
    });
    let b = body(&d);
    assert!(b.contains("delivered on 2026-11-20"), "{b}");
    assert!(b.contains("still not reached you"), "{b}");
    assert!(!b.contains("Carrier:"), "no empty carrier line: {b}");
}

#[test]
fn parcel_questions_without_facts_go_to_a_person() {
    assert_eq!(
        decide(&input(Intent::OrderStatus)),
        Decision::Handoff(Handoff::NoOrder)
    );
    assert_eq!(
        decide(&Input {
            order: Some(OrderFacts {
                tracking_number: Some("  "),
                ..order()
            }),
            ..input(Intent::NotReceived)
        }),
        Decision::Handoff(Handoff::NoTracking)
    );
}

#[test]
fn return_requests_get_the_prefilled_portal() {
    let url = "https://help.example/p/shop/returns?order=A-1042&email=b%40x.de";
    let d = decide(&Input {
        language: Some("zh"),
        portal_url: Some(url),
        order: Some(order()),
        ..input(Intent::ReturnRequest)
    });
    let b = body(&d);
    assert!(b.contains("订单 A-1042"), "{b}");
    assert!(b.contains(url), "{b}");
    assert!(matches!(
        d,
        Decision::Answer {
            kind: AnswerKind::Portal,
            language: "zh",
            ..
        }
    ));
}

#[test]
fn refund_status_reads_the_return_and_its_refund() {
    let rma = |status: &'static str, issued, pending| RmaFacts {
        code: "RMA-000007",
        status,
        refund_issued: issued,
        refund_pending: pending,
        status_url: "https://help.example/p/shop/returns/status?code=RMA-000007",
    };
    let b = |r| {
        body(&decide(&Input {
            rma: Some(r),
            ..input(Intent::RefundStatus)
        }))
        .to_owned()
    };
    let issued = b(rma("refunded", Some("€24.90"), None));
    assert!(
        issued.contains("Your return RMA-000007 is complete."),
        "{issued}"
    );
    assert!(
        issued.contains("A refund of €24.90 has been issued"),
        "{issued}"
    );
    assert!(issued.contains("status?code=RMA-000007"), "{issued}");
    let pending = b(rma("received", None, Some("€24.90")));
    assert!(pending.contains("received the item"), "{pending}");
    assert!(pending.contains("€24.90 is being processed"), "{pending}");
    assert!(b(rma("requested", None, None)).contains("being reviewed"));
    assert!(b(rma("in_transit", None, None)).contains("is approved"));
    assert!(b(rma("rejected", None, None)).contains("was declined"));
    assert_eq!(
        decide(&input(Intent::RefundStatus)),
        Decision::Handoff(Handoff::NoReturn)
    );
}

#[test]
fn how_to_questions_get_an_article_only_when_it_scores_well() {
    let article = |score| ArticleFacts {
        title: "How to pair the headphones",
        url: "https://help.example/p/shop/help/a/pairing?lang=en",
        score,
    };
    let d = decide(&Input {
        article: Some(article(0.8)),
        ..input(Intent::ProductQuestion)
    });
    assert!(body(&d).contains("How to pair the headphones\nhttps://help.example"));
    assert_eq!(
        decide(&Input {
            article: Some(article(MIN_ARTICLE_SCORE - 0.01)),
            ..input(Intent::ProductQuestion)
        }),
        Decision::Handoff(Handoff::NoArticle)
    );
    assert_eq!(
        decide(&input(Intent::ProductQuestion)),
        Decision::Handoff(Handoff::NoArticle)
    );
}

#[test]
fn the_bot_steps_aside() {
    let full = |intent| Input {
        order: Some(order()),
        portal_url: Some("https://x/p/s/returns"),
        ..input(intent)
    };
    for intent in [
        Intent::DamagedDefective,
        Intent::WrongItem,
        Intent::CancelOrder,
        Intent::ChangeAddress,
        Intent::InvoiceRequest,
        Intent::Complaint,
    ] {
        assert_eq!(
            decide(&full(intent)),
            Decision::Handoff(Handoff::NotForBot),
            "{intent:?}"
        );
    }
    assert_eq!(
        decide(&Input {
            escalated: true,
            ..full(Intent::OrderStatus)
        }),
        Decision::Handoff(Handoff::Escalated)
    );
    assert_eq!(
        decide(&Input {
            answered_last: true,
            ..full(Intent::OrderStatus)
        }),
        Decision::Handoff(Handoff::AfterBotAnswer)
    );
    assert_eq!(
        decide(&Input {
            confidence: MIN_CONFIDENCE - 0.01,
            ..full(Intent::OrderStatus)
        }),
        Decision::Handoff(Handoff::Unsure)
    );
    assert_eq!(
        decide(&Input {
            intent: None,
            ..full(Intent::OrderStatus)
        }),
        Decision::Handoff(Handoff::Unsure)
    );
}

#[test]
fn unknown_languages_are_answered_in_english() {
    assert_eq!(for_language(Some("ru")).code, "en");
    assert_eq!(for_language(None).code, "en");
    assert_eq!(for_language(Some("PT-br")).code, "pt");
    assert_eq!(for_language(Some("zh_Hans")).code, "zh");
}

/// Every language says everything, with the same placeholders as the English sentence.
#[test]
fn every_language_keeps_every_placeholder() {
    fn placeholders(s: &str) -> Vec<&str> {
        let mut out: Vec<&str> = s
            .match_indices('{')
            .map(|(i, _)| {
                let end = s[i..].find('}').map(|e| i + e + 1).unwrap_or(s.len());
                &s[i..end]
            })
            .collect();
        out.sort();
        out
    }
    fn fields(s: &Strings) -> [&'static str; 18] {
        [
            s.greeting,
            s.automated,
            s.shipped,
            s.carrier,
            s.follow,
            s.delivered,
            s.not_arrived,
            s.return_for_order,
            s.return_any,
            s.rma_review,
            s.rma_approved,
            s.rma_received,
            s.rma_declined,
            s.rma_done,
            s.refund_issued,
            s.refund_pending,
            s.status_link,
            s.article,
        ]
    }
    use super::strings::Strings;
    let en = fields(&ALL[0]);
    assert_eq!(ALL.len(), SUPPORTED.len());
    for (s, code) in ALL.iter().zip(SUPPORTED) {
        assert_eq!(s.code, *code);
        for (i, text) in fields(s).iter().enumerate() {
            assert!(!text.trim().is_empty(), "{code} #{i} is empty");
            assert_eq!(
                placeholders(text),
                placeholders(en[i]),
                "{code} #{i}: {text}"
            );
        }
    }
}

#[test]
fn links_carry_what_the_buyer_would_type() {
    assert_eq!(
        portal_link(
            "https://h.example/p/shop/returns",
            Some("A 1042"),
            Some("b@x.de"),
            "de"
        ),
        "https://h.example/p/shop/returns?order=A%201042&email=b%40x.de&lang=de"
    );
    assert_eq!(
        portal_link("https://h.example/p/shop/returns", None, Some(" "), "en"),
        "https://h.example/p/shop/returns?lang=en"
    );
    assert_eq!(
        status_link("https://h.example/p/shop", "RMA-000007", None, "zh"),
        "https://h.example/p/shop/returns/status?code=RMA-000007&lang=zh"
    );
}
