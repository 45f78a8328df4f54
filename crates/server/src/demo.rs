//! `aftersail demo`: a demo shop to explore, created once and kept on later runs.

use aftersail_db::{teams, tenants, users, TenantTx};
use aftersail_domain::{Role, TenantId, UiLocale, UserId};
use sqlx::PgPool;

pub const SHOP_SLUG: &str = "demo";
pub const PASSWORD: &str = "aftersail-demo";

/// (email, name, role, UI language)
pub const PEOPLE: [(&str, &str, Role, UiLocale); 3] = [
    (
        "owner@demo.example",
        "Morgan Lee",
        Role::Owner,
        UiLocale::En,
    ),
    (
        "li.wei@demo.example",
        "李伟 Li Wei",
        Role::Agent,
        UiLocale::ZhCn,
    ),
    (
        "anna@demo.example",
        "Anna Schmidt",
        Role::Agent,
        UiLocale::En,
    ),
];

/// Creates the demo shop unless it exists. Returns whether it was created now.
pub async fn seed(pool: &PgPool) -> anyhow::Result<bool> {
    if users::login_candidate(pool, PEOPLE[0].0).await?.is_some() {
        return Ok(false);
    }
    let hash = aftersail_web::auth::password::hash(PASSWORD.to_owned()).await?;
    let mut tx = TenantTx::begin(pool, TenantId::new()).await?;
    tenants::create(&mut tx, SHOP_SLUG, "Demo Outdoor Store").await?;
    let mut ids = Vec::new();
    for (email, name, role, ui_locale) in PEOPLE {
        let id = UserId::new();
        users::create(
            &mut tx,
            users::NewUser {
                id,
                email,
                name,
                role,
                password_hash: &hash,
                ui_locale,
            },
        )
        .await?;
        ids.push(id);
    }
    let eu = teams::create(&mut tx, "EU returns").await?;
    teams::add_member(&mut tx, eu, ids[2]).await?;
    let cn = teams::create(&mut tx, "中文客服").await?;
    teams::add_member(&mut tx, cn, ids[1]).await?;
    tx.commit().await?;
    Ok(true)
}
