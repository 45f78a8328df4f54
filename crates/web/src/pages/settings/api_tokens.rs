//! Settings → API: tokens for the REST API (`/api/v1`). Owners and admins create them (name,
//! scopes, optional expiry, rate limit) and revoke them; the secret is shown once, right
//! after creation; only its SHA-256 and a short prefix are stored.

use aftersail_db::api_tokens::{self, ApiTokenId, NewToken, Token};
use aftersail_domain::validation::clean_name;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{Duration, Utc};

use super::{NoticeQuery, SubNav};
use crate::api::auth::{new_secret, visible_prefix, Scope};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::{render, FormErrors, Shell};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/api", get(list).post(create))
        .route("/settings/api/{id}/revoke", post(revoke))
}

/// One scope checkbox.
pub struct ScopeBox {
    pub code: &'static str,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "settings/api.html")]
struct ApiPage<'a> {
    shell: Shell<'a>,
    subnav: SubNav,
    tokens: Vec<Token>,
    /// The secret just created: shown once.
    created: Option<String>,
    name: String,
    scopes: Vec<ScopeBox>,
    expires_days: String,
    rate_limit: String,
    errors: FormErrors,
    now: chrono::DateTime<Utc>,
}

impl ApiPage<'_> {
    fn expired(&self, token: &Token) -> bool {
        token.expires_at.is_some_and(|at| at <= self.now)
    }
}

fn scope_boxes(checked: &[&str]) -> Vec<ScopeBox> {
    Scope::ALL
        .iter()
        .map(|s| ScopeBox {
            code: s.as_str(),
            checked: checked.contains(&s.as_str()),
        })
        .collect()
}

async fn page<'a>(
    state: &AppState,
    user: &'a CurrentUser,
    shell: Shell<'a>,
) -> AppResult<ApiPage<'a>> {
    let mut tx = user.tx(state).await?;
    let tokens = api_tokens::list(&mut tx).await?;
    tx.commit().await?;
    Ok(ApiPage {
        shell,
        subnav: SubNav { current: "api" },
        tokens,
        created: None,
        name: String::new(),
        scopes: scope_boxes(&[]),
        expires_days: String::new(),
        rate_limit: "600".into(),
        errors: FormErrors::default(),
        now: Utc::now(),
    })
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    user.require_admin()?;
    let notice =
        (q.notice.as_deref() == Some("api_token_revoked")).then_some(user.t().api_token_revoked);
    let shell = Shell::new(&user, "settings").with_notice(notice);
    Ok(render(&page(&state, &user, shell).await?)?.into_response())
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    user.require_admin()?;
    let t = user.t();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let mut errors = FormErrors::default();
    let name = clean_name(&field("name"));
    if name.is_none() {
        errors.add("name", t.api_err_name);
    }
    let mut scopes: Vec<&str> = Vec::new();
    for (_, code) in fields.iter().filter(|(k, _)| k == "scopes") {
        match Scope::parse(code) {
            Some(s) if !scopes.contains(&s.as_str()) => scopes.push(s.as_str()),
            Some(_) => {}
            None => return Err(AppError::BadRequest(t.err_400.into())),
        }
    }
    if scopes.is_empty() {
        errors.add("scopes", t.api_err_scopes);
    }
    let expires_days = field("expires_days");
    let expires_at = match expires_days.as_str() {
        "" => None,
        days => match days.parse::<i64>() {
            Ok(d) if (1..=3650).contains(&d) => Some(Utc::now() + Duration::days(d)),
            _ => {
                errors.add("expires_days", t.api_err_expires);
                None
            }
        },
    };
    let rate_text = field("rate_limit");
    let rate_limit = match rate_text.as_str() {
        "" => 600,
        n => match n.parse::<i32>() {
            Ok(n) if (10..=10_000).contains(&n) => n,
            _ => {
                errors.add("rate_limit", t.api_err_rate_limit);
                600
            }
        },
    };
    let Some(name) = name.filter(|_| errors.is_empty()) else {
        let mut page = page(&state, &user, Shell::new(&user, "settings")).await?;
        page.name = field("name");
        page.scopes = scope_boxes(&scopes);
        page.expires_days = expires_days;
        page.rate_limit = rate_text;
        page.errors = errors;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let secret = new_secret();
    let mut tx = user.tx(&state).await?;
    let id = api_tokens::create(
        &mut tx,
        NewToken {
            name: &name,
            prefix: &visible_prefix(&secret),
            token_hash: &crate::auth::tokens::hash(&secret),
            scopes: &scopes,
            rate_limit,
            created_by: user.id(),
            expires_at,
        },
    )
    .await?;
    user.audit(
        &mut tx,
        "api_token.created",
        "api_token",
        id.0,
        serde_json::json!({ "name": name, "scopes": scopes, "rate_limit": rate_limit,
                            "expires_at": expires_at }),
    )
    .await?;
    tx.commit().await?;
    let mut page = page(&state, &user, Shell::new(&user, "settings")).await?;
    page.created = Some(secret);
    Ok(render(&page)?.into_response())
}

async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    user.require_admin()?;
    let id: ApiTokenId = id.parse().map_err(|_| AppError::NotFound)?;
    let mut tx = user.tx(&state).await?;
    let name = api_tokens::revoke(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    user.audit(
        &mut tx,
        "api_token.revoked",
        "api_token",
        id.0,
        serde_json::json!({ "name": name }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/settings/api?notice=api_token_revoked").into_response())
}
