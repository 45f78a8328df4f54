//! The knowledge base: articles written, translated, published and deleted by admins, read
//! by agents; validation that stores nothing; search per language (stemming, character
//! pairs for Chinese, Japanese and Thai, title above body); the bot's best match in several
//! languages; the public help center (drafts never shown, votes once per browser, views,
//! the buyer's language); tenant isolation on every route.

use aftersail_db::kb::{self, KbHit};
use aftersail_db::TenantTx;
use aftersail_domain::kb::{
    article_path, bigram_terms, text_search_config, uses_bigrams, STEMMED_LANGUAGES,
};
use aftersail_domain::TenantId;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT_LANGUAGE};
use reqwest::StatusCode;

use crate::helpers::*;
use crate::tickets::seed_for;

/// The shop's public slug.
async fn slug_of(app: &TestApp, email: &str) -> String {
    sqlx::query_scalar("SELECT slug FROM tenants WHERE id = $1")
        .bind(app.tenant_of(email).await)
        .fetch_one(&app.admin)
        .await
        .unwrap()
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(&app.admin)
        .await
        .unwrap()
}

fn article_form<'a>(locale: &'a str, title: &'a str, body: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("locale", locale),
        ("title", title),
        ("slug", ""),
        ("body_markdown", body),
        ("category", ""),
        ("position", ""),
    ]
}

/// Writes a new article through the editor; returns its id.
async fn write(b: &Browser, locale: &str, title: &str, body: &str) -> uuid::Uuid {
    let r = b.post("/kb", &article_form(locale, title, body)).await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "creating {title}: {}",
        r.text().await.unwrap()
    );
    let to = location(&r).to_owned();
    assert!(to.ends_with("&notice=created"), "{to}");
    to.trim_start_matches("/kb/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// Adds or replaces one language of an article.
async fn translate(b: &Browser, id: uuid::Uuid, locale: &str, title: &str, body: &str) {
    let r = b
        .post(&format!("/kb/{id}"), &article_form(locale, title, body))
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{title}: {}",
        r.text().await.unwrap()
    );
}

async fn publish(b: &Browser, id: uuid::Uuid) {
    let r = b
        .post(&format!("/kb/{id}/publish"), &[("locale", "")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

fn png() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(&[7u8; 64]);
    bytes
}

/// Uploads an image from the editor (no htmx); returns its id.
async fn upload(b: &Browser, bytes: Vec<u8>) -> uuid::Uuid {
    let r = b
        .post_files(
            "/kb/images",
            &[("back", "/kb/new")],
            vec![("image", "box.png", "image/png", bytes)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    location(&r)
        .rsplit("image=")
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn admins_write_translate_publish_and_delete_articles() {
    let app = spawn_app().await;
    let owner = app.shop("Trail Shop", "owner@example.com").await;
    let slug = slug_of(&app, "owner@example.com").await;

    assert!(owner.page("/kb").await.contains("No articles yet."));
    let page = owner.page("/kb/new").await;
    assert!(page.contains(r#"id="kb-form""#));

    let id = write(
        &owner,
        "en",
        "How do I return an item?",
        "Send it back within **30 days**.\n\n<script>alert(1)</script>\n\n[policy](javascript:alert(1))",
    )
    .await;
    let (status, author): (String, Option<uuid::Uuid>) =
        sqlx::query_as("SELECT status, author_id FROM kb_articles WHERE id = $1")
            .bind(id)
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(status, "draft");
    assert_eq!(author, Some(app.id_of_user("owner@example.com").await));
    let (slug_en, html): (String, String) = sqlx::query_as(
        "SELECT slug, body_html FROM kb_article_translations WHERE article_id = $1 AND locale = 'en'",
    )
    .bind(id)
    .fetch_one(&app.admin)
    .await
    .unwrap();
    assert_eq!(slug_en, "how-do-i-return-an-item");
    assert!(html.contains("<strong>30 days</strong>"), "{html}");
    assert!(
        !html.contains("<script") && !html.contains("alert"),
        "{html}"
    );
    assert!(
        html.contains("<a rel=\"noopener noreferrer\">policy</a>"),
        "{html}"
    );

    // A second language, with a slug in its own script; the editor opens a new language empty.
    let page = owner.page(&format!("/kb/{id}?locale=zh")).await;
    assert!(page.contains(r#"id="kb-new-language""#), "{page}");
    translate(&owner, id, "zh", "如何退货？", "签收后 30 天内可以退货。").await;
    let slug_zh: String = sqlx::query_scalar(
        "SELECT slug FROM kb_article_translations WHERE article_id = $1 AND locale = 'zh'",
    )
    .bind(id)
    .fetch_one(&app.admin)
    .await
    .unwrap();
    assert_eq!(slug_zh, "如何退货");

    // Listed with both languages, as a draft; not public yet.
    let list = owner.page("/kb").await;
    let row = between(&list, &format!(r#"data-article="{id}""#), "</tr>").unwrap();
    assert!(
        row.contains("How do I return an item?") && row.contains("Draft"),
        "{row}"
    );
    assert!(row.contains(">en<") && row.contains(">zh<"), "{row}");
    let public = article_path(&slug, &slug_en, "en");
    assert_eq!(
        app.browser().get(&public).await.status(),
        StatusCode::NOT_FOUND
    );

    publish(&owner, id).await;
    let page = owner.page(&format!("/kb/{id}")).await;
    assert!(page.contains(r#"id="kb-unpublish""#));
    assert!(page.contains(&public.replace('&', "&amp;")) || page.contains(&public));
    let html = app.browser().page(&public).await;
    assert!(html.contains("How do I return an item?"));
    let published = owner.page("/kb?status=published").await;
    assert!(published.contains(&format!(r#"data-article="{id}""#)));
    assert!(!owner
        .page("/kb?status=draft")
        .await
        .contains(&format!(r#"data-article="{id}""#)));

    // Removing a language; the last one cannot be removed.
    let r = owner
        .post(&format!("/kb/{id}/translations/zh/delete"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = owner
        .post(&format!("/kb/{id}/translations/en/delete"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(visible(&r.text().await.unwrap()).contains("only language"));
    assert_eq!(count(&app, "kb_article_translations").await, 1);

    // Unpublished: public again 404.
    let r = owner.post(&format!("/kb/{id}/unpublish"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.browser().get(&public).await.status(),
        StatusCode::NOT_FOUND
    );

    // Delete, after a confirmation page.
    let confirm = owner.page(&format!("/kb/{id}/delete")).await;
    assert!(visible(&confirm).contains("How do I return an item?"));
    let r = owner.post(&format!("/kb/{id}/delete"), &[]).await;
    assert_eq!(location(&r), "/kb?notice=deleted");
    assert_eq!(count(&app, "kb_articles").await, 0);
    assert_eq!(count(&app, "kb_article_translations").await, 0);
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_events WHERE action LIKE 'kb.%' ORDER BY at, id",
    )
    .fetch_all(&app.admin)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "kb.article_created",
            "kb.translation_added",
            "kb.article_published",
            "kb.translation_removed",
            "kb.article_unpublished",
            "kb.article_deleted"
        ]
    );
}

#[tokio::test]
async fn bad_input_is_refused_with_a_clear_message_and_stores_nothing() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let id = write(&owner, "en", "Return policy", "Thirty days.").await;

    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![
                ("locale", "en"),
                ("title", "Sizes"),
                ("slug", "Size Guide!"),
                ("body_markdown", "x"),
            ],
            "Use lower-case letters and digits joined by single hyphens",
        ),
        (
            vec![
                ("locale", "en"),
                ("title", "Sizes"),
                ("slug", "sizes--guide"),
                ("body_markdown", "x"),
            ],
            "Use lower-case letters and digits joined by single hyphens",
        ),
        (
            vec![
                ("locale", "en"),
                ("title", ""),
                ("slug", ""),
                ("body_markdown", "x"),
            ],
            "Give the article a title.",
        ),
        (
            vec![
                ("locale", "en"),
                ("title", "!!!"),
                ("slug", ""),
                ("body_markdown", "x"),
            ],
            "The title has no letters or digits to make a slug from",
        ),
        (
            vec![
                ("locale", "german"),
                ("title", "Größen"),
                ("slug", ""),
                ("body_markdown", "x"),
            ],
            "Choose a language tag",
        ),
        (
            vec![
                ("locale", "en"),
                ("title", "Sizes"),
                ("slug", ""),
                ("body_markdown", "  "),
            ],
            "Write the article.",
        ),
        (
            vec![
                ("locale", "en"),
                ("title", "Sizes"),
                ("slug", ""),
                ("body_markdown", "x"),
                ("position", "first"),
            ],
            "The order is a whole number",
        ),
        // The slug is taken by another article in the same language.
        (
            vec![
                ("locale", "en"),
                ("title", "Return policy"),
                ("slug", ""),
                ("body_markdown", "Again."),
            ],
            "Another article already uses “return-policy” in this language.",
        ),
    ];
    for (form, expected) in cases {
        let r = owner.post("/kb", &form).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{expected}");
        let page = visible(&r.text().await.unwrap());
        assert!(page.contains(expected), "{expected}: {page}");
    }
    assert_eq!(count(&app, "kb_articles").await, 1);
    assert_eq!(count(&app, "kb_article_translations").await, 1);

    // A taken slug in an existing article's new language: refused, nothing stored, the
    // article's other settings untouched.
    let other = write(&owner, "de", "Rückgabe", "Dreißig Tage.").await;
    let r = owner
        .post(
            &format!("/kb/{other}"),
            &[
                ("locale", "en"),
                ("title", "Returns"),
                ("slug", "return-policy"),
                ("body_markdown", "x"),
                ("position", "9"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let position: i32 = sqlx::query_scalar("SELECT position FROM kb_articles WHERE id = $1")
        .bind(other)
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(position, 0);
    assert_eq!(count(&app, "kb_article_translations").await, 2);
    // The same slug in another language is another address: fine.
    translate(&owner, other, "fr", "Return policy", "Trente jours.").await;
    assert_eq!(count(&app, "kb_article_translations").await, 3);

    // "Preview" shows the rendering and saves nothing.
    let r = owner
        .post(
            &format!("/kb/{id}"),
            &[
                ("locale", "en"),
                ("title", "Changed"),
                ("body_markdown", "# Preview me"),
                ("intent", "preview"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("<h1>Preview me</h1>"));
    let title: String =
        sqlx::query_scalar("SELECT title FROM kb_article_translations WHERE article_id = $1")
            .bind(id)
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(title, "Return policy");

    // Unknown ids: a plain 404, nothing stored.
    let nobody = uuid::Uuid::now_v7();
    for path in [
        format!("/kb/{nobody}"),
        format!("/kb/{nobody}/delete"),
        format!("/kb/categories/{nobody}"),
        format!("/kb/images/{nobody}"),
    ] {
        assert_eq!(
            owner.get(&path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    for path in [
        format!("/kb/{nobody}"),
        format!("/kb/{nobody}/publish"),
        format!("/kb/{nobody}/delete"),
        format!("/kb/{nobody}/translations/en/delete"),
        format!("/kb/categories/{nobody}/move"),
        format!("/kb/categories/{nobody}/delete"),
    ] {
        let r = owner
            .post(
                &path,
                &article_form("en", "Ghost", "Boo")
                    .iter()
                    .copied()
                    .chain([("direction", "up")])
                    .collect::<Vec<_>>(),
            )
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let mut form = article_form("en", "Ghost", "Boo");
    let category = nobody.to_string();
    form[4] = ("category", &category);
    let r = owner.post("/kb", &form).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(count(&app, "kb_articles").await, 2);

    // Images: real images only, at most 5 MB, else a message and nothing stored.
    let mut big = png();
    big.resize(5 * 1024 * 1024 + 1, 0);
    let r = owner
        .post_files(
            "/kb/images",
            &[("back", "/kb/new")],
            vec![("image", "huge.png", "image/png", big)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(visible(&r.text().await.unwrap())
        .contains("The image is larger than 5.0 MB. Nothing was saved."));
    let r = owner
        .post_files(
            "/kb/images",
            &[("back", "/kb/new")],
            vec![(
                "image",
                "x.svg",
                "image/png",
                b"<svg onload=alert(1)>".to_vec(),
            )],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        visible(&r.text().await.unwrap()).contains("That is not a PNG, JPEG, GIF or WebP image.")
    );
    assert_eq!(count(&app, "kb_images").await, 0);

    // A good one: the editor shows the Markdown to paste, and the image is served to agents.
    let image = upload(&owner, png()).await;
    let page = owner.page(&format!("/kb/new?image={image}")).await;
    let slug = slug_of(&app, "owner@example.com").await;
    assert!(
        page.contains(&format!("![box](/p/{slug}/help/images/{image})")),
        "{page}"
    );
    let r = owner.get(&format!("/kb/images/{image}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.bytes().await.unwrap().to_vec(), png());
    // htmx gets a fragment with the Markdown.
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("hx-request", HeaderValue::from_static("true"));
    let token = csrf_in(&owner.page("/kb/new").await).unwrap();
    let form = reqwest::multipart::Form::new()
        .text("_csrf", token)
        .text("back", "/kb/new")
        .part(
            "image",
            reqwest::multipart::Part::bytes(png())
                .file_name("step 1.png")
                .mime_str("image/png")
                .unwrap(),
        );
    let r = owner
        .client
        .post(owner.url("/kb/images"))
        .headers(headers)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let fragment = r.text().await.unwrap();
    assert!(
        fragment.contains(r#"id="kb-image-markdown""#) && fragment.contains("![step 1]("),
        "{fragment}"
    );
    assert_eq!(count(&app, "kb_images").await, 2);
}

/// A shop with articles in German, English, Chinese, Japanese and Thai (all published) and
/// an English draft; returns the owner's browser and the shop's tenant.
async fn multilingual_shop(app: &TestApp) -> (Browser, TenantId) {
    let owner = app.shop("Polyglot", "owner@example.com").await;
    let articles = [
        ("de", "Rücksendung eines Artikels", "So senden Sie einen Artikel innerhalb von 30 Tagen zurück und erhalten Ihr Geld."),
        ("en", "How do I return an item?", "Send the item back within 30 days for a full refund."),
        ("en", "Shipping times", "Parcels arrive within 7 days. Want to return a parcel? Our returns article explains how to return it."),
        ("en", "Gift wrapping", "We wrap presents in recycled paper."),
        ("zh", "如何申请退货", "收到商品30天内可以申请退货，退款将在5个工作日内到账。"),
        ("zh", "配送时间", "包裹一般7天送达。"),
        ("ja", "返品について", "商品到着後30日以内であれば返品できます。"),
        ("th", "การคืนสินค้า", "คุณสามารถคืนสินค้าได้ภายใน 30 วัน"),
    ];
    for (locale, title, body) in articles {
        let id = write(&owner, locale, title, body).await;
        publish(&owner, id).await;
    }
    write(
        &owner,
        "en",
        "Secret sale",
        "Return items from the secret sale for double refunds.",
    )
    .await;
    let tenant = TenantId(app.tenant_of("owner@example.com").await);
    (owner, tenant)
}

async fn titles(app: &TestApp, tenant: TenantId, locale: Option<&str>, q: &str) -> Vec<String> {
    let mut tx = TenantTx::begin(&app.pool, tenant).await.unwrap();
    let hits = kb::search(&mut tx, locale, q, 10).await.unwrap();
    tx.commit().await.unwrap();
    hits.into_iter().map(|h| h.title).collect()
}

#[tokio::test]
async fn search_stems_words_and_pairs_characters_per_language() {
    let app = spawn_app().await;
    let (owner, tenant) = multilingual_shop(&app).await;

    // German stemming: the plural finds the singular.
    assert_eq!(
        titles(&app, tenant, Some("de"), "Rücksendungen").await,
        ["Rücksendung eines Artikels"]
    );
    // English stemming, and a title hit above a body hit (the body says "return" twice).
    assert_eq!(
        titles(&app, tenant, Some("en"), "returning").await,
        ["How do I return an item?", "Shipping times"]
    );
    // Chinese, Japanese and Thai, inside sentences without spaces.
    assert_eq!(
        titles(&app, tenant, Some("zh"), "退货").await,
        ["如何申请退货"]
    );
    assert_eq!(
        titles(&app, tenant, Some("ja"), "返品").await,
        ["返品について"]
    );
    assert_eq!(
        titles(&app, tenant, Some("th"), "คืนสินค้า").await,
        ["การคืนสินค้า"]
    );
    // Every word must match; when none has them all, any of them.
    assert_eq!(
        titles(&app, tenant, Some("en"), "return refund").await,
        ["How do I return an item?"]
    );
    assert_eq!(
        titles(&app, tenant, Some("en"), "return warranty").await,
        ["How do I return an item?", "Shipping times"]
    );
    // Drafts are never found publicly, other languages only when asked.
    assert!(titles(&app, tenant, Some("en"), "secret").await.is_empty());
    assert!(titles(&app, tenant, Some("en"), "退货").await.is_empty());
    assert_eq!(titles(&app, tenant, None, "退货").await, ["如何申请退货"]);
    assert!(titles(&app, tenant, Some("en"), "the").await.is_empty());
    assert!(titles(&app, tenant, Some("en"), "   ").await.is_empty());

    // Agents find drafts too, in the list's search.
    let list = owner.page("/kb?q=secret").await;
    assert!(
        list.contains("Secret sale") && !list.contains("Gift wrapping"),
        "{list}"
    );

    // The public search page: results in the buyer's language, hits marked.
    let slug = slug_of(&app, "owner@example.com").await;
    let buyer = app.browser();
    let page = buyer
        .page(&format!(
            "/p/{slug}/help/search?lang=de&q=R%C3%BCcksendungen"
        ))
        .await;
    assert!(page.contains("Rücksendung eines Artikels"), "{page}");
    assert!(page.contains("Ergebnisse für „Rücksendungen“"), "{page}");
    // Hits in the body are marked, by stem.
    let page = buyer
        .page(&format!("/p/{slug}/help/search?lang=en&q=refunds"))
        .await;
    assert!(page.contains("<mark>refund</mark>"), "{page}");
    let page = buyer
        .page(&format!(
            "/p/{slug}/help/search?lang=de&q=%E9%80%80%E8%B4%A7"
        ))
        .await;
    assert!(page.contains(r#"id="help-other-languages""#), "{page}");
    assert!(page.contains("如何申请退货"), "{page}");
    let page = buyer
        .page(&format!("/p/{slug}/help/search?lang=en&q=secret"))
        .await;
    assert!(
        page.contains(r#"id="help-no-results""#) && !page.contains("Secret sale"),
        "{page}"
    );
}

async fn best(app: &TestApp, tenant: TenantId, locale: Option<&str>, text: &str) -> Option<KbHit> {
    let mut tx = TenantTx::begin(&app.pool, tenant).await.unwrap();
    let hit = kb::best_match(&mut tx, locale, text).await.unwrap();
    tx.commit().await.unwrap();
    hit
}

#[tokio::test]
async fn best_match_answers_questions_and_ignores_unrelated_messages_in_several_languages() {
    let app = spawn_app().await;
    let (_owner, tenant) = multilingual_shop(&app).await;

    let asks = [
        (
            Some("en"),
            "Hello, the boots are too small and I would like to return the item for a refund.",
            "How do I return an item?",
            "en",
        ),
        (
            Some("en"),
            "How do I return an item?",
            "How do I return an item?",
            "en",
        ),
        (
            Some("de"),
            "Guten Tag, wie funktioniert die Rücksendung von einem Artikel?",
            "Rücksendung eines Artikels",
            "de",
        ),
        (Some("zh"), "你好，请问怎么申请退货？", "如何申请退货", "zh"),
        (
            Some("ja"),
            "購入した靴の返品について教えてください",
            "返品について",
            "ja",
        ),
        (Some("th"), "ฉันต้องการคืนสินค้า", "การคืนสินค้า", "th"),
        // No French articles: the shop's default language (English) answers.
        (
            Some("fr"),
            "How do I return an item?",
            "How do I return an item?",
            "en",
        ),
        (
            None,
            "I want to return an item",
            "How do I return an item?",
            "en",
        ),
        (Some("zh-CN"), "怎么申请退货", "如何申请退货", "zh"),
    ];
    for (locale, message, title, in_locale) in asks {
        let hit = best(&app, tenant, locale, message)
            .await
            .unwrap_or_else(|| panic!("no match for {message:?}"));
        assert_eq!(hit.title, title, "{message:?}");
        assert_eq!(hit.locale, in_locale, "{message:?}");
        assert!(hit.score >= 0.5, "{message:?} scored {}", hit.score);
        assert!(hit.score <= 1.0);
        assert!(!hit.slug.is_empty());
    }

    let unrelated = [
        (Some("en"), "Do you sell vouchers for birthdays?"),
        (Some("en"), "Can I change the colour of my jacket order?"),
        (Some("de"), "Verkaufen Sie auch Gutscheine?"),
        (Some("zh"), "你们有礼品卡吗？"),
        (Some("ja"), "ギフトカードはありますか"),
        (Some("th"), "มีบัตรของขวัญไหม"),
    ];
    for (locale, message) in unrelated {
        let hit = best(&app, tenant, locale, message).await;
        assert!(
            hit.as_ref().is_none_or(|h| h.score < 0.2),
            "{message:?} matched {hit:?}"
        );
    }
    // Related but not the question: in between, below the articles it asks about.
    let hit = best(&app, tenant, Some("en"), "My parcel has not arrived yet")
        .await
        .unwrap();
    assert_eq!(hit.title, "Shipping times");
    assert!((0.1..0.5).contains(&hit.score), "{}", hit.score);
    // A draft is never an answer, however well it matches.
    let hit = best(&app, tenant, Some("en"), "secret sale").await;
    assert!(
        hit.as_ref().is_none_or(|h| h.title != "Secret sale"),
        "{hit:?}"
    );
    assert_eq!(best(&app, tenant, Some("en"), "   ").await, None);
}

#[tokio::test]
async fn drafts_and_their_images_are_never_public() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let slug = slug_of(&app, "owner@example.com").await;
    let image = upload(&owner, png()).await;
    let body = format!("Next season: ![jacket](/p/{slug}/help/images/{image})");
    let id = write(&owner, "en", "Winter collection", &body).await;
    let buyer = app.browser();
    let article = article_path(&slug, "winter-collection", "en");
    let image_url = format!("/p/{slug}/help/images/{image}");

    assert_eq!(buyer.get(&article).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(buyer.get(&image_url).await.status(), StatusCode::NOT_FOUND);
    assert!(!buyer
        .page(&format!("/p/{slug}/help"))
        .await
        .contains("Winter collection"));
    assert!(!buyer
        .page(&format!("/p/{slug}/help/search?q=winter"))
        .await
        .contains("Winter collection"));
    // The editor's preview shows the draft's image through the signed-in route.
    let page = owner.page(&format!("/kb/{id}")).await;
    assert!(
        page.contains(&format!(r#"src="/kb/images/{image}""#)),
        "{page}"
    );

    publish(&owner, id).await;
    let html = buyer.page(&article).await;
    assert!(html.contains(&format!(r#"src="{image_url}""#)), "{html}");
    let r = buyer.get(&image_url).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert!(buyer
        .page(&format!("/p/{slug}/help"))
        .await
        .contains("Winter collection"));

    owner.post(&format!("/kb/{id}/unpublish"), &[]).await;
    assert_eq!(buyer.get(&article).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(buyer.get(&image_url).await.status(), StatusCode::NOT_FOUND);
    // No such shop: its own message.
    let r = buyer.get("/p/no-such-shop/help").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(visible(&r.text().await.unwrap()).contains("This help center does not exist."));
}

/// The vote form's fields on an article page.
fn vote_form(page: &str, helpful: &'static str) -> Vec<(String, String)> {
    let field = |name: &str| {
        between(page, &format!(r#"name="{name}" value=""#), "\"")
            .unwrap_or_else(|| panic!("no {name} field"))
            .to_owned()
    };
    vec![
        ("_csrf".into(), field("_csrf")),
        ("article".into(), field("article")),
        ("locale".into(), field("locale")),
        ("helpful".into(), helpful.into()),
    ]
}

async fn vote(b: &Browser, slug: &str, form: &[(String, String)]) -> reqwest::Response {
    b.client
        .post(b.url(&format!("/p/{slug}/help/feedback?lang=en")))
        .form(form)
        .send()
        .await
        .unwrap()
}

async fn counts(app: &TestApp, id: uuid::Uuid) -> (i64, i32, i32) {
    sqlx::query_as("SELECT view_count, helpful_yes, helpful_no FROM kb_articles WHERE id = $1")
        .bind(id)
        .fetch_one(&app.admin)
        .await
        .unwrap()
}

#[tokio::test]
async fn votes_count_once_per_browser_and_views_count_every_view() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let slug = slug_of(&app, "owner@example.com").await;
    let id = write(
        &owner,
        "en",
        "Where is my parcel?",
        "Tracking arrives by email.",
    )
    .await;
    publish(&owner, id).await;
    let path = article_path(&slug, "where-is-my-parcel", "en");

    let first = app.browser();
    let page = first.page(&path).await;
    assert!(page.contains("Was this article helpful?"));
    let r = vote(&first, &slug, &vote_form(&page, "yes")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).contains("voted=1"), "{}", location(&r));
    assert_eq!(counts(&app, id).await, (1, 1, 0));
    // The same browser again: counted once; the page remembers the answer and thanks.
    let r = vote(&first, &slug, &vote_form(&page, "yes")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(counts(&app, id).await, (1, 1, 0));
    let again = first.page(&format!("{path}&voted=1")).await;
    assert!(again.contains("Thank you for your feedback!"));
    assert!(again.contains("You found this article helpful."));
    // Changing its mind moves the vote.
    vote(&first, &slug, &vote_form(&page, "no")).await;
    assert_eq!(counts(&app, id).await, (2, 0, 1));
    // Another browser is another vote.
    let second = app.browser();
    let page2 = second.page(&path).await;
    vote(&second, &slug, &vote_form(&page2, "yes")).await;
    assert_eq!(counts(&app, id).await, (3, 1, 1));
    let voters: i64 = count(&app, "kb_feedback").await;
    assert_eq!(voters, 2);
    // The agent list shows views and the helpful share.
    let list = owner.page("/kb").await;
    let row = between(&list, &format!(r#"data-article="{id}""#), "</tr>").unwrap();
    assert!(row.contains(">3<") && row.contains("50% of 2"), "{row}");

    // Without the CSRF token: refused, nothing counted.
    let mut form = vote_form(&page2, "no");
    form[0].1 = "forged".into();
    let r = vote(&second, &slug, &form).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .browser()
        .client
        .post(app.browser().url(&format!("/p/{slug}/help/feedback")))
        .form(&vote_form(&page2, "no"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(counts(&app, id).await, (3, 1, 1));
    // A draft cannot be voted on.
    let draft = write(&owner, "en", "Draft", "Not yet.").await;
    let mut form = vote_form(&page2, "yes");
    form[1].1 = draft.to_string();
    let r = vote(&second, &slug, &form).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(count(&app, "kb_feedback").await, 2);

    // Throttled per client address.
    sqlx::query(
        "INSERT INTO portal_attempts (key) SELECT 'kb-vote:127.0.0.1' FROM generate_series(1, 60)",
    )
    .execute(&app.admin)
    .await
    .unwrap();
    let third = app.browser();
    let page3 = third.page(&path).await;
    let r = vote(&third, &slug, &vote_form(&page3, "yes")).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    assert_eq!(counts(&app, id).await, (4, 1, 1));
}

#[tokio::test]
async fn the_help_center_speaks_the_buyers_language() {
    let app = spawn_app().await;
    let owner = app.shop("Berg Shop", "owner@example.com").await;
    let slug = slug_of(&app, "owner@example.com").await;
    let r = owner
        .post(
            "/kb/categories",
            &[
                ("lang", "en"),
                ("name", "Returns"),
                ("description", "Sending things back."),
                ("lang", "de"),
                ("name", "Rücksendungen"),
                ("description", "Artikel zurücksenden."),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let category: uuid::Uuid = sqlx::query_scalar("SELECT id FROM kb_categories")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    let returns = write(
        &owner,
        "en",
        "Return policy",
        "Thirty days to return anything.",
    )
    .await;
    let r = owner
        .post(
            &format!("/kb/{returns}"),
            &[
                ("locale", "en"),
                ("title", "Return policy"),
                ("slug", ""),
                ("body_markdown", "Thirty days to return anything."),
                ("category", &category.to_string()),
                ("position", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    translate(
        &owner,
        returns,
        "de",
        "Rückgaberecht",
        "Dreißig Tage für jede Rücksendung.",
    )
    .await;
    publish(&owner, returns).await;
    let sizes = write(&owner, "en", "Size guide", "Boots run small.").await;
    publish(&owner, sizes).await;

    let buyer = app.browser();
    // The browser's language picks the content and the page's words.
    let mut german = HeaderMap::new();
    german.insert(
        ACCEPT_LANGUAGE,
        HeaderValue::from_static("de-DE,de;q=0.9,en;q=0.5"),
    );
    let r = buyer
        .get_with(&format!("/p/{slug}/help"), german.clone())
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    let text = visible(&html);
    assert!(text.contains("Hilfe-Center"), "{text}");
    assert!(
        text.contains("Rücksendungen") && text.contains("Rückgaberecht"),
        "{text}"
    );
    assert!(
        html.contains(&article_path(&slug, "rückgaberecht", "de").replace('&', "&amp;"))
            || html.contains(&article_path(&slug, "rückgaberecht", "de")),
        "{html}"
    );
    // Not translated: shown in English, marked as such.
    assert!(text.contains("Size guide en"), "{text}");
    // The returns portal links here, and here links back.
    assert!(html.contains(r#"id="returns-link""#));
    let portal = buyer.page(&format!("/p/{slug}/returns?lang=de")).await;
    assert!(
        portal.contains(&format!(r#"href="/p/{slug}/help?lang=de""#)),
        "{portal}"
    );
    assert!(visible(&portal).contains("Hilfe-Center"));

    // A language the shop has not written in: the page says so, in that language.
    let text = visible(&buyer.page(&format!("/p/{slug}/help?lang=fr")).await);
    assert!(text.contains("Centre d’aide"), "{text}");
    assert!(
        text.contains("Il n’y a pas encore d’articles en Français"),
        "{text}"
    );
    assert!(text.contains("Return policy"), "{text}");

    // An English link opened with ?lang=de goes to the German address.
    let r = buyer
        .get(&format!("/p/{slug}/help/a/return-policy?lang=de"))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), article_path(&slug, "rückgaberecht", "de"));
    let html = buyer
        .page(&article_path(&slug, "rückgaberecht", "de"))
        .await;
    let text = visible(&html);
    assert!(
        text.contains("Rückgaberecht") && text.contains("Dreißig Tage"),
        "{text}"
    );
    assert!(text.contains("War dieser Artikel hilfreich?"), "{text}");
    assert!(html.contains(r#"lang="de" id="help-article""#), "{html}");
    let others = between(&html, r#"id="help-other-languages""#, "</p>").unwrap();
    assert!(
        others.contains(&article_path(&slug, "return-policy", "en").replace('&', "&amp;")),
        "{others}"
    );
    // Without ?lang= the slug's own language is shown.
    let text = visible(&buyer.page(&format!("/p/{slug}/help/a/return-policy")).await);
    assert!(text.contains("Thirty days"), "{text}");
    // An article without the asked language: shown in its own, with a notice.
    let text = visible(
        &buyer
            .page(&format!("/p/{slug}/help/a/size-guide?lang=de"))
            .await,
    );
    assert!(text.contains("Boots run small"), "{text}");
    assert!(
        text.contains("Dieser Artikel ist noch nicht auf Deutsch verfügbar"),
        "{text}"
    );
    // A percent-encoded slug in another script works too.
    let r = buyer
        .get(&format!("/p/{slug}/help/a/no-such-article?lang=de"))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(visible(&r.text().await.unwrap()).contains("Diesen Artikel gibt es nicht"));
}

#[tokio::test]
async fn categories_are_named_per_language_and_ordered() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    for (en, de) in [("Returns", "Rücksendungen"), ("Shipping", "Versand")] {
        let r = owner
            .post(
                "/kb/categories",
                &[
                    ("lang", "en"),
                    ("name", en),
                    ("description", ""),
                    ("lang", "de"),
                    ("name", de),
                    ("description", ""),
                ],
            )
            .await;
        assert_eq!(location(&r), "/kb/categories?notice=category_saved");
    }
    let ids: Vec<uuid::Uuid> = sqlx::query_scalar("SELECT id FROM kb_categories ORDER BY position")
        .fetch_all(&app.admin)
        .await
        .unwrap();
    let table = |page: &str| {
        between(page, r#"id="categories""#, "</table>")
            .unwrap()
            .to_owned()
    };
    let page = table(&owner.page("/kb/categories").await);
    assert!(page.find("Returns").unwrap() < page.find("Shipping").unwrap());
    assert!(visible(&page).contains("de: Rücksendungen"));

    // Problems: a name taken in that language, a bad tag, no name at all.
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![("lang", "en"), ("name", "returns"), ("description", "")],
            "Another category already has this name in that language.",
        ),
        (
            vec![("lang", "english"), ("name", "X"), ("description", "")],
            "“english” is not a language tag",
        ),
        (
            vec![("lang", "en"), ("name", ""), ("description", "")],
            "Give the category a name in at least one language.",
        ),
        (
            vec![
                ("lang", "en"),
                ("name", "A"),
                ("description", ""),
                ("lang", "en"),
                ("name", "B"),
                ("description", ""),
            ],
            "en is there twice.",
        ),
    ];
    for (form, expected) in cases {
        let r = owner.post("/kb/categories", &form).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{expected}");
        assert!(
            visible(&r.text().await.unwrap()).contains(expected),
            "{expected}"
        );
    }
    assert_eq!(count(&app, "kb_categories").await, 2);

    // Reorder, rename.
    let r = owner
        .post(
            &format!("/kb/categories/{}/move", ids[1]),
            &[("direction", "up")],
        )
        .await;
    assert_eq!(location(&r), "/kb/categories?notice=category_moved");
    let page = table(&owner.page("/kb/categories").await);
    assert!(page.find("Shipping").unwrap() < page.find("Returns").unwrap());
    let r = owner
        .post(
            &format!("/kb/categories/{}", ids[0]),
            &[
                ("lang", "en"),
                ("name", "Returns & refunds"),
                ("description", "Money back."),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM kb_category_names WHERE category_id = $1 ORDER BY locale",
    )
    .bind(ids[0])
    .fetch_all(&app.admin)
    .await
    .unwrap();
    assert_eq!(names, ["Returns & refunds"]);

    // Deleting a category keeps its articles, without a category.
    let article = write(&owner, "en", "Refund times", "Five days.").await;
    owner
        .post(
            &format!("/kb/{article}"),
            &[
                ("locale", "en"),
                ("title", "Refund times"),
                ("body_markdown", "Five days."),
                ("category", &ids[0].to_string()),
            ],
        )
        .await;
    assert!(visible(
        &owner
            .page(&format!("/kb/categories/{}/delete", ids[0]))
            .await
    )
    .contains("Its 1 articles stay"));
    let r = owner
        .post(&format!("/kb/categories/{}/delete", ids[0]), &[])
        .await;
    assert_eq!(location(&r), "/kb/categories?notice=category_deleted");
    let category: Option<uuid::Uuid> =
        sqlx::query_scalar("SELECT category_id FROM kb_articles WHERE id = $1")
            .bind(article)
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(category, None);
    assert!(owner
        .page("/kb?category=none")
        .await
        .contains("Refund times"));
}

#[tokio::test]
async fn agents_read_the_knowledge_base_but_only_admins_change_it() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let agent = app.member(&owner, "agent@example.com", "agent").await;
    let id = write(&owner, "en", "Return policy", "Thirty **days**.").await;
    owner
        .post(
            "/kb/categories",
            &[("lang", "en"), ("name", "Returns"), ("description", "")],
        )
        .await;
    let category: uuid::Uuid = sqlx::query_scalar("SELECT id FROM kb_categories")
        .fetch_one(&app.admin)
        .await
        .unwrap();

    let list = agent.page("/kb").await;
    assert!(list.contains("Return policy") && !list.contains(r#"id="new-article""#));
    let page = agent.page(&format!("/kb/{id}")).await;
    assert!(page.contains(r#"id="kb-read""#) && page.contains("<strong>days</strong>"));
    assert!(!page.contains(r#"id="kb-form""#) && !page.contains(r#"id="kb-publish""#));

    for path in [
        "/kb/new".to_owned(),
        "/kb/categories".to_owned(),
        format!("/kb/categories/{category}"),
        format!("/kb/{id}/delete"),
    ] {
        assert_eq!(
            agent.get(&path).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    for path in [
        "/kb".to_owned(),
        format!("/kb/{id}"),
        format!("/kb/{id}/publish"),
        format!("/kb/{id}/unpublish"),
        format!("/kb/{id}/delete"),
        format!("/kb/{id}/translations/en/delete"),
        "/kb/categories".to_owned(),
        format!("/kb/categories/{category}"),
        format!("/kb/categories/{category}/move"),
        format!("/kb/categories/{category}/delete"),
    ] {
        let r = agent
            .post(
                &path,
                &[
                    ("locale", "en"),
                    ("title", "Hacked"),
                    ("body_markdown", "x"),
                    ("lang", "en"),
                    ("name", "Hacked"),
                    ("direction", "up"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let r = agent
        .post_files(
            "/kb/images",
            &[("back", "/kb/new")],
            vec![("image", "a.png", "image/png", png())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(count(&app, "kb_articles").await, 1);
    assert_eq!(count(&app, "kb_images").await, 0);
    let status: String = sqlx::query_scalar("SELECT status FROM kb_articles")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(status, "draft");
    // Previewing Markdown is reading: agents may.
    let r = agent
        .post("/kb/preview", &[("body_markdown", "*hi*")])
        .await;
    assert!(r.text().await.unwrap().contains("<em>hi</em>"));
}

#[tokio::test]
async fn another_shops_knowledge_base_is_never_reachable() {
    let app = spawn_app().await;
    let a = app.shop("Shop A", "a@example.com").await;
    let b = app.shop("Shop B", "b@example.com").await;
    let a_slug = slug_of(&app, "a@example.com").await;
    let b_slug = slug_of(&app, "b@example.com").await;
    b.post(
        "/kb/categories",
        &[("lang", "en"), ("name", "B things"), ("description", "")],
    )
    .await;
    let b_category: uuid::Uuid = sqlx::query_scalar("SELECT id FROM kb_categories")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    let b_image = upload(&b, png()).await;
    let b_body = format!("Only B knows the zeppelin. ![x](/p/{b_slug}/help/images/{b_image})");
    let b_article = write(&b, "en", "Zeppelin delivery", &b_body).await;
    publish(&b, b_article).await;
    let a_article = write(&a, "en", "Bicycle delivery", "Bikes.").await;
    publish(&a, a_article).await;

    for path in [
        format!("/kb/{b_article}"),
        format!("/kb/{b_article}?locale=en"),
        format!("/kb/{b_article}/delete"),
        format!("/kb/categories/{b_category}"),
        format!("/kb/categories/{b_category}/delete"),
        format!("/kb/images/{b_image}"),
    ] {
        assert_eq!(a.get(&path).await.status(), StatusCode::NOT_FOUND, "{path}");
    }
    for path in [
        format!("/kb/{b_article}"),
        format!("/kb/{b_article}/publish"),
        format!("/kb/{b_article}/unpublish"),
        format!("/kb/{b_article}/delete"),
        format!("/kb/{b_article}/translations/en/delete"),
        format!("/kb/categories/{b_category}"),
        format!("/kb/categories/{b_category}/move"),
        format!("/kb/categories/{b_category}/delete"),
    ] {
        let r = a
            .post(
                &path,
                &[
                    ("locale", "en"),
                    ("title", "Stolen"),
                    ("body_markdown", "x"),
                    ("lang", "en"),
                    ("name", "Stolen"),
                    ("direction", "down"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
    // B's category in A's article form: no such category.
    let b_cat = b_category.to_string();
    let mut form = article_form("en", "Sneaky", "x");
    form[4] = ("category", &b_cat);
    assert_eq!(a.post("/kb", &form).await.status(), StatusCode::NOT_FOUND);
    let r = a
        .post(
            &format!("/kb/{a_article}"),
            &[
                ("locale", "en"),
                ("title", "Bicycle delivery"),
                ("body_markdown", "Bikes."),
                ("category", &b_cat),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // Nothing of B's changed.
    let (status, title): (String, String) = sqlx::query_as(
        "SELECT a.status, t.title FROM kb_articles a JOIN kb_article_translations t ON t.article_id = a.id WHERE a.id = $1",
    )
    .bind(b_article)
    .fetch_one(&app.admin)
    .await
    .unwrap();
    assert_eq!(
        (status.as_str(), title.as_str()),
        ("published", "Zeppelin delivery")
    );
    assert_eq!(count(&app, "kb_categories").await, 1);

    // A's public help center never shows B's articles or images, whatever the path.
    let buyer = app.browser();
    assert!(!buyer
        .page(&format!("/p/{a_slug}/help"))
        .await
        .contains("Zeppelin"));
    let search = buyer
        .page(&format!("/p/{a_slug}/help/search?q=zeppelin"))
        .await;
    assert!(!search.contains("Zeppelin") && search.contains(r#"id="help-no-results""#));
    for path in [
        format!("/p/{a_slug}/help/a/zeppelin-delivery"),
        format!("/p/{a_slug}/help/a/zeppelin-delivery?lang=en"),
        format!("/p/{a_slug}/help/images/{b_image}"),
    ] {
        assert_eq!(
            buyer.get(&path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let page = buyer
        .page(&article_path(&a_slug, "bicycle-delivery", "en"))
        .await;
    let mut form = vote_form(&page, "yes");
    form[1].1 = b_article.to_string();
    let r = vote(&buyer, &a_slug, &form).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(count(&app, "kb_feedback").await, 0);
    // A's agent list and search show A's only.
    assert!(!a.page("/kb?q=zeppelin").await.contains("Zeppelin"));
    let mut tx = TenantTx::begin(&app.pool, TenantId(app.tenant_of("a@example.com").await))
        .await
        .unwrap();
    assert_eq!(
        kb::best_match(&mut tx, Some("en"), "zeppelin delivery")
            .await
            .unwrap()
            .map(|h| h.title),
        Some("Bicycle delivery".into())
    );
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn replies_link_the_help_center_in_the_buyers_language() {
    let app = spawn_app_with(|c| c.public_url = Some("https://help.example".into())).await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let slug = slug_of(&app, "owner@example.com").await;
    seed_for(&app, app.tenant_of("owner@example.com").await, 1, "A").await;
    let r = owner
        .post(
            "/settings/templates",
            &[
                ("name", "Help"),
                ("body", "Answers: {{portal.help_center_url}}"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM reply_templates")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    let page = owner
        .page(&format!("/settings/templates/{id}?preview=1000"))
        .await;
    assert!(
        page.contains(&format!(
            "Answers: https://help.example/p/{slug}/help?lang=de"
        )),
        "{page}"
    );
    // A published article shows its full address to print or paste into a listing.
    let article = write(&owner, "de", "Größentabelle", "Fällt klein aus.").await;
    assert!(!owner
        .page(&format!("/kb/{article}"))
        .await
        .contains("kb-share-link"));
    publish(&owner, article).await;
    let page = owner.page(&format!("/kb/{article}")).await;
    let link = between(&page, r#"id="kb-share-link">"#, "</code>").unwrap();
    assert_eq!(
        link.replace("&amp;", "&"),
        format!(
            "https://help.example{}",
            article_path(&slug, "größentabelle", "de")
        )
    );
}

#[tokio::test]
async fn the_demo_shop_has_a_help_center_in_three_languages() {
    let app = spawn_app().await;
    assert!(aftersail_server::demo::seed(&app.pool).await.unwrap());
    let buyer = app.browser();
    let en = visible(&buyer.page("/p/demo/help?lang=en").await);
    assert!(
        en.contains("How do I return an item?") && en.contains("Returns & refunds"),
        "{en}"
    );
    assert!(
        !en.contains("Shipping to Switzerland"),
        "the draft is not public: {en}"
    );
    let de = visible(&buyer.page("/p/demo/help?lang=de").await);
    assert!(de.contains("Wie sende ich einen Artikel zurück?"), "{de}");
    let zh = visible(&buyer.page("/p/demo/help?lang=zh").await);
    assert!(
        zh.contains("如何申请退货？") && zh.contains("帮助中心"),
        "{zh}"
    );
    let article = buyer
        .page(&article_path("demo", "如何申请退货", "zh"))
        .await;
    assert!(article.contains("<strong>30 天内</strong>"), "{article}");
    let tenant: uuid::Uuid = sqlx::query_scalar("SELECT id FROM tenants WHERE slug = 'demo'")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    let mut tx = TenantTx::begin(&app.pool, TenantId(tenant)).await.unwrap();
    let hit = kb::best_match(
        &mut tx,
        Some("de"),
        "Wo ist mein Paket? Die Sendungsverfolgung bewegt sich nicht.",
    )
    .await
    .unwrap()
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(hit.title, "Wo ist mein Paket?");
    assert!(hit.score >= 0.5, "{}", hit.score);
}

#[tokio::test]
async fn the_sql_and_the_rust_sides_agree_on_languages_and_character_pairs() {
    let app = spawn_app().await;
    let others = [
        "pl", "zh", "zh-hans", "ja", "ko", "th", "pt-br", "de-at", "xx",
    ];
    for code in STEMMED_LANGUAGES.iter().chain(others.iter()) {
        let (config, bigrams): (String, bool) =
            sqlx::query_as("SELECT kb_regconfig($1)::text, kb_uses_bigrams($1)")
                .bind(code)
                .fetch_one(&app.admin)
                .await
                .unwrap();
        assert_eq!(config, text_search_config(code), "{code}");
        assert_eq!(bigrams, uses_bigrams(code), "{code}");
    }
    // The scorer cuts texts into the same pairs the index holds (Thai is left out: the
    // parser drops tone marks from pairs they start, which the scorer allows for).
    for text in [
        "订单号 abc 退",
        "返品について教えてください",
        "如何申请退货？退款将在5个工作日内到账",
        "환불 정책",
    ] {
        let mut sql: Vec<String> = sqlx::query_scalar(
            "SELECT unnest(tsvector_to_array(to_tsvector('simple', search_text($1))))",
        )
        .bind(text)
        .fetch_all(&app.admin)
        .await
        .unwrap();
        let mut rust = bigram_terms(text);
        sql.sort();
        rust.sort();
        rust.dedup();
        assert_eq!(sql, rust, "{text}");
    }
}
