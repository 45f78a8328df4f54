//! The knowledge base in a real browser (headless Chromium): an admin writes an article in
//! English with the live preview following the Markdown, adds a German translation and
//! publishes it; a buyer opens the help center in German, searches, reads the article and
//! says it helped.

use crate::browser::WebDriver;
use crate::helpers::*;

#[tokio::test]
async fn an_admin_publishes_an_article_in_two_languages_and_a_buyer_finds_it_in_german() {
    let Some(web) = WebDriver::start().await else {
        return;
    };
    let app = spawn_app().await;
    app.shop("Berg Shop", "owner@example.com").await;
    let slug: String = sqlx::query_scalar("SELECT slug FROM tenants")
        .fetch_one(&app.admin)
        .await
        .unwrap();

    web.goto(&format!("{}/login", app.address)).await;
    web.type_into("#email", "owner@example.com").await;
    web.type_into("#password", PASSWORD).await;
    web.click("button[type=submit]").await;
    web.wait_path("/inbox").await;

    // The knowledge base is in the main navigation.
    web.click("a[href='/kb']").await;
    web.wait_path("/kb").await;
    web.click("#new-article").await;
    web.wait_path("/kb/new").await;
    web.type_into("#kb-title", "How do I return an item?").await;
    web.type_into(
        "#kb-body",
        "Send it back within **30 days**.\n\n- Pack it\n- Print the label",
    )
    .await;
    // The preview follows the Markdown as it is typed (htmx), before anything is saved.
    web.wait_true(
        "document.querySelector('#kb-preview strong') && \
         document.querySelector('#kb-preview strong').textContent === '30 days' && \
         document.querySelectorAll('#kb-preview li').length === 2",
    )
    .await;
    web.screenshot("kb-editor").await;
    web.click("#kb-save").await;
    web.wait_true("!!document.querySelector('#kb-tabs')").await;
    let path = web.path().await;
    assert!(
        path.starts_with("/kb/") && path.contains("locale=en"),
        "{path}"
    );

    // A German version: a new tab, typed, saved.
    web.type_into("#kb-add-locale", "de").await;
    web.click("#kb-add-language button[type=submit]").await;
    web.wait_true("!!document.querySelector('#kb-new-language')")
        .await;
    web.type_into("#kb-title", "Wie sende ich einen Artikel zurück?")
        .await;
    web.type_into(
        "#kb-body",
        "Senden Sie Artikel innerhalb von **30 Tagen** zurück. Die Rücksendung ist kostenlos.",
    )
    .await;
    web.click("#kb-save").await;
    web.wait_true("location.search.indexOf('notice=saved') >= 0")
        .await;
    assert!(web.text("#kb-tabs").await.contains("Deutsch"));
    web.click("#kb-publish").await;
    web.wait_true("!!document.querySelector('#kb-unpublish')")
        .await;
    assert!(web.text("#kb-status").await.contains("Published"));
    web.screenshot("kb-article-published").await;
    web.goto(&format!("{}/kb", app.address)).await;
    web.wait_true("!!document.querySelector('#articles')").await;
    assert!(web.text("#articles").await.contains("Published"));
    web.screenshot("kb-list").await;

    // A buyer: the help center in German, then a search.
    web.goto(&format!("{}/p/{slug}/help?lang=de", app.address))
        .await;
    web.wait_true("!!document.querySelector('#help-q')").await;
    let home = web.text("main").await;
    assert!(
        home.contains("Wie sende ich einen Artikel zurück?"),
        "{home}"
    );
    web.screenshot("kb-help-center-de").await;
    web.type_into("#help-q", "Rücksendungen").await;
    web.click("#help-search-button").await;
    web.wait_true(
        "location.pathname.endsWith('/help/search') && !!document.querySelector('.help-hit')",
    )
    .await;
    web.screenshot("kb-help-search-de").await;
    web.click(".help-hit").await;
    web.wait_true("!!document.querySelector('#help-title')")
        .await;
    assert_eq!(
        web.text("#help-title").await,
        "Wie sende ich einen Artikel zurück?"
    );
    assert!(web.text("#help-body").await.contains("30 Tagen"));
    assert!(web.text("#help-other-languages").await.contains("English"));

    // "Was this helpful?" — yes, once.
    web.click("#helpful-yes").await;
    web.wait_true("!!document.querySelector('#help-thanks')")
        .await;
    assert!(web.text("#help-thanks").await.contains("Danke"));
    assert!(web
        .text("#help-your-vote")
        .await
        .contains("Sie fanden diesen Artikel hilfreich."));
    web.screenshot("kb-help-article-voted").await;
    let (yes, no, views): (i32, i32, i64) =
        sqlx::query_as("SELECT helpful_yes, helpful_no, view_count FROM kb_articles")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!((yes, no), (1, 0));
    // The article page was opened twice: from the search, and after the vote.
    assert_eq!(views, 2);
    let locale: String = sqlx::query_scalar("SELECT locale FROM kb_feedback")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(locale, "de");
}
