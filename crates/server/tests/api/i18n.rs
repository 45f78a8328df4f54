//! The agent UI in English and Simplified Chinese, switchable per user.

use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn a_user_switches_the_ui_to_chinese_and_it_sticks() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    assert!(owner.page("/inbox").await.contains(">Inbox<"));

    let r = owner
        .post(
            "/settings/language",
            &[("ui_locale", "zh-CN"), ("next", "/settings/team")],
        )
        .await;
    assert_eq!(location(&r), "/settings/team");
    let team = owner.page("/settings/team").await;
    assert!(team.contains(r#"<html lang="zh-CN">"#));
    for word in [
        "收件箱",
        "退货",
        "客户",
        "知识库",
        "报表",
        "设置",
        "成员",
        "邀请成员",
        "所有者",
    ] {
        assert!(team.contains(word), "missing {word}");
    }
    assert!(!team.contains(">Inbox<") && !team.contains("Invite someone"));

    // Stored on the user: a new sign-in elsewhere gets Chinese too.
    let elsewhere = app.browser();
    elsewhere.log_in("owner@example.com", PASSWORD).await;
    assert!(elsewhere.page("/inbox").await.contains("收件箱"));

    let r = owner
        .post("/settings/language", &[("ui_locale", "klingon")])
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(
        r.text().await.unwrap().contains("请求无效"),
        "errors are in the user's language"
    );
}

#[tokio::test]
async fn signed_out_pages_follow_the_browser_or_the_switcher() {
    let app = spawn_app().await;
    let b = app.browser();
    let mut zh = reqwest::header::HeaderMap::new();
    zh.insert(
        "accept-language",
        "zh-CN,zh;q=0.9,en;q=0.5".parse().unwrap(),
    );
    let html = b.get_with("/login", zh).await.text().await.unwrap();
    assert!(html.contains("登录") && html.contains(r#"lang="zh-CN""#));

    assert!(b.page("/login").await.contains("Sign in"));
    let r = b.get("/lang/zh-CN?next=/signup").await;
    assert_eq!(location(&r), "/signup");
    assert!(b.page("/signup").await.contains("创建您的店铺"));
    assert_eq!(b.get("/lang/xx").await.status(), StatusCode::NOT_FOUND);

    // Sign-up in Chinese makes Chinese the new owner's language.
    let r = b
        .sign_up("小店", "王芳", "wang@example.com", PASSWORD)
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let locale: String = sqlx::query_scalar("SELECT ui_locale FROM users")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(locale, "zh-CN");
    let slug: String = sqlx::query_scalar("SELECT slug FROM tenants")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(slug, "shop", "non-Latin names get a usable slug");
}
