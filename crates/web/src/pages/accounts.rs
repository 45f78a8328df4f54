//! Sign-up, sign-in, sign-out and accepting an invitation.

use aftersail_db::{audit, invitations, sessions, tenants, users, violated_constraint, TenantTx};
use aftersail_domain::validation::{
    check_password, clean_name, normalize_email, slugify, PasswordProblem,
};
use aftersail_domain::{Role, TenantId, UiLocale, UserId};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::{render, safe_next, ClientIp, FormErrors};
use crate::auth::session::{secure_cookies, SessionCtx};
use crate::auth::{cookies, csrf, password, session, tokens};
use crate::error::{AppError, AppResult};
use crate::i18n::{tr, Tr};
use crate::locale::request_locale;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/signup", get(signup_page).post(signup))
        .route("/invite/{token}", get(invite_page).post(accept_invite))
        .route("/lang/{code}", get(choose_language))
}

async fn home(session: Option<axum::Extension<SessionCtx>>) -> Redirect {
    Redirect::to(if session.is_some() {
        "/inbox"
    } else {
        "/login"
    })
}

/// Renders a pre-sign-in page, setting the double-submit CSRF cookie when needed.
fn anonymous_page(
    status: StatusCode,
    body: AppResult<axum::response::Html<String>>,
    cookie: Option<HeaderValue>,
) -> AppResult<Response> {
    let mut response = (status, body?).into_response();
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

fn signed_in(target: &str, cookies: Vec<HeaderValue>) -> Response {
    let mut response = Redirect::to(target).into_response();
    for cookie in cookies {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

// ---- sign in -------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginPage<'a> {
    t: &'static Tr,
    lang: &'static str,
    csrf: &'a str,
    email: &'a str,
    next: &'a str,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NextQuery {
    next: Option<String>,
}

async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: Option<axum::Extension<SessionCtx>>,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    let next = safe_next(q.next.as_deref());
    if session.is_some() {
        return Ok(Redirect::to(next).into_response());
    }
    let locale = request_locale(&headers);
    let (token, cookie) = csrf::pre_session_token(&state, &headers);
    let page = LoginPage {
        t: tr(locale),
        lang: locale.code(),
        csrf: &token,
        email: "",
        next,
        error: None,
    };
    anonymous_page(StatusCode::OK, render(&page), cookie)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let locale = request_locale(&headers);
    let t = tr(locale);
    let next = safe_next(form.next.as_deref());
    let (token, cookie) = csrf::pre_session_token(&state, &headers);
    let fail = |status: StatusCode, error: String| {
        let page = LoginPage {
            t,
            lang: locale.code(),
            csrf: &token,
            email: &form.email,
            next,
            error: Some(error),
        };
        anonymous_page(status, render(&page), cookie.clone())
    };

    if let Some(minutes) = crate::auth::throttle::blocked_for(&state, ip).await? {
        let mut response = fail(
            StatusCode::TOO_MANY_REQUESTS,
            t.fill(t.login_throttled, minutes),
        )?;
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(minutes * 60));
        return Ok(response);
    }
    let email = normalize_email(&form.email).unwrap_or_default();
    let candidate = if email.is_empty() {
        None
    } else {
        users::login_candidate(&state.pool, &email).await?
    };
    let Some(candidate) = candidate else {
        // Same work as a real check, so timing does not reveal which addresses exist.
        password::verify(form.password.clone(), password::decoy_hash().to_owned()).await?;
        aftersail_db::login_attempts::record(&state.pool, ip, &email, false).await?;
        return fail(StatusCode::UNAUTHORIZED, t.login_bad_credentials.into());
    };

    // Counted before the (slow) check, so concurrent guesses cannot all be checked before
    // the lock lands; a successful sign-in resets the count. A locked account is refused
    // here too (the count only moves while it is not locked).
    let mut tx = TenantTx::begin(&state.pool, candidate.tenant_id).await?;
    let claim = users::claim_login_attempt(
        &mut tx,
        candidate.user_id,
        state.config.lockout_failures,
        state.config.lockout_duration,
    )
    .await?;
    tx.commit().await?;
    let locked = match claim {
        users::AttemptClaim::Counted { locked_until } => locked_until,
        users::AttemptClaim::Locked(until) => {
            aftersail_db::login_attempts::record(&state.pool, ip, &email, false).await?;
            return fail(
                StatusCode::LOCKED,
                t.fill(t.login_locked, minutes_until(until)),
            );
        }
    };
    let matches = password::verify(form.password.clone(), candidate.password_hash.clone()).await?;
    let mut tx = TenantTx::begin(&state.pool, candidate.tenant_id).await?;
    if !matches {
        if locked.is_some() {
            audit::record(
                &mut tx,
                None,
                "user.locked",
                "user",
                Some(candidate.user_id.0),
                serde_json::json!({}),
            )
            .await?;
        }
        tx.commit().await?;
        aftersail_db::login_attempts::record(&state.pool, ip, &email, false).await?;
        return match locked {
            Some(until) => fail(
                StatusCode::LOCKED,
                t.fill(t.login_locked, minutes_until(until)),
            ),
            None => fail(StatusCode::UNAUTHORIZED, t.login_bad_credentials.into()),
        };
    }
    if !candidate.active {
        return fail(StatusCode::FORBIDDEN, t.login_deactivated.into());
    }
    users::record_successful_login(&mut tx, candidate.user_id).await?;
    audit::record(
        &mut tx,
        Some(candidate.user_id),
        "user.signed_in",
        "user",
        Some(candidate.user_id.0),
        serde_json::json!({ "ip": ip.to_string() }),
    )
    .await?;
    let user = users::get(&mut tx, candidate.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let cookies =
        session::start(&state, &mut tx, &headers, candidate.user_id, user.ui_locale).await?;
    tx.commit().await?;
    aftersail_db::login_attempts::record(&state.pool, ip, &email, true).await?;
    Ok(signed_in(next, cookies))
}

fn minutes_until(until: chrono::DateTime<chrono::Utc>) -> i64 {
    ((until - chrono::Utc::now()).num_seconds().max(1) + 59) / 60
}

async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: Option<axum::Extension<SessionCtx>>,
) -> AppResult<Response> {
    if let Some(axum::Extension(SessionCtx(s))) = session {
        let mut tx = TenantTx::begin(&state.pool, s.tenant_id).await?;
        sessions::delete(&mut tx, s.session_id).await?;
        audit::record(
            &mut tx,
            Some(s.user_id),
            "user.signed_out",
            "user",
            Some(s.user_id.0),
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        cookies::clear(cookies::SESSION, secure_cookies(&state, &headers)),
    );
    Ok(response)
}

/// The language switcher on pages shown before sign-in.
async fn choose_language(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    let locale: UiLocale = code.parse().map_err(|()| AppError::NotFound)?;
    let mut response = Redirect::to(safe_next(q.next.as_deref())).into_response();
    let cookie = cookies::set(
        cookies::LANG,
        locale.code(),
        365 * 24 * 3600,
        secure_cookies(&state, &headers),
    );
    response.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(response)
}

// ---- sign up -------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "accounts/signup.html")]
struct SignupPage<'a> {
    t: &'static Tr,
    lang: &'static str,
    csrf: &'a str,
    form: &'a SignupForm,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SignupForm {
    shop_name: String,
    name: String,
    email: String,
    password: String,
}

async fn signup_page(State(state): State<AppState>, headers: HeaderMap) -> AppResult<Response> {
    let locale = request_locale(&headers);
    let (token, cookie) = csrf::pre_session_token(&state, &headers);
    let form = SignupForm::default();
    let page = SignupPage {
        t: tr(locale),
        lang: locale.code(),
        csrf: &token,
        form: &form,
        errors: FormErrors::default(),
    };
    anonymous_page(StatusCode::OK, render(&page), cookie)
}

/// Checks a name/email/password triple, as sign-up and invitation acceptance both ask for them.
fn check_person(
    t: &Tr,
    name: &str,
    email: Option<&str>,
    pw: &str,
    errors: &mut FormErrors,
) -> (Option<String>, Option<String>) {
    let name = clean_name(name);
    if name.is_none() {
        errors.add("name", t.err_name_invalid);
    }
    let email = email.and_then(|e| {
        let normalized = normalize_email(e);
        if normalized.is_none() {
            errors.add("email", t.err_email_invalid);
        }
        normalized
    });
    match check_password(pw) {
        Ok(()) => {}
        Err(PasswordProblem::TooShort) => errors.add("password", t.err_password_short),
        Err(PasswordProblem::TooLong) => errors.add("password", t.err_password_long),
    }
    (name, email)
}

async fn signup(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<SignupForm>,
) -> AppResult<Response> {
    let locale = request_locale(&headers);
    let t = tr(locale);
    let mut errors = FormErrors::default();
    let shop_name = clean_name(&form.shop_name);
    if shop_name.is_none() {
        errors.add("shop_name", t.err_name_invalid);
    }
    let (name, email) = check_person(
        t,
        &form.name,
        Some(&form.email),
        &form.password,
        &mut errors,
    );
    let (token, cookie) = csrf::pre_session_token(&state, &headers);
    let rerender = |errors: FormErrors| {
        let page = SignupPage {
            t,
            lang: locale.code(),
            csrf: &token,
            form: &form,
            errors,
        };
        anonymous_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&page),
            cookie.clone(),
        )
    };
    let (Some(shop_name), Some(name), Some(email), true) =
        (shop_name, name, email, errors.is_empty())
    else {
        return rerender(errors);
    };

    let hash = password::hash(form.password.clone()).await?;
    let base_slug = slugify(&shop_name);
    // A taken slug gets a short random suffix; a handful of tries is plenty.
    for attempt in 0..5 {
        let slug = if attempt == 0 {
            base_slug.clone()
        } else {
            format!(
                "{}-{}",
                base_slug.chars().take(33).collect::<String>(),
                &tokens::random_token()[..5]
                    .to_ascii_lowercase()
                    .replace(['_', '-'], "x")
            )
        };
        let tenant = TenantId::new();
        let owner = UserId::new();
        let mut tx = TenantTx::begin(&state.pool, tenant).await?;
        if let Err(err) = tenants::create(&mut tx, &slug, &shop_name).await {
            if violated_constraint(&err) == Some("tenants_slug_key") {
                continue;
            }
            return Err(err.into());
        }
        let new_user = users::NewUser {
            id: owner,
            email: &email,
            name: &name,
            role: Role::Owner,
            password_hash: &hash,
            ui_locale: locale,
        };
        if let Err(err) = users::create(&mut tx, new_user).await {
            if violated_constraint(&err) == Some("users_email_key") {
                errors.add("email", t.err_email_taken);
                return rerender(errors);
            }
            return Err(err.into());
        }
        audit::record(
            &mut tx,
            Some(owner),
            "shop.created",
            "tenant",
            Some(tenant.0),
            serde_json::json!({ "slug": slug }),
        )
        .await?;
        let cookies = session::start(&state, &mut tx, &headers, owner, locale).await?;
        tx.commit().await?;
        return Ok(signed_in("/inbox", cookies));
    }
    Err(AppError::Internal(anyhow::anyhow!(
        "could not find a free shop slug for {base_slug:?}"
    )))
}

// ---- invitations ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "accounts/invite.html")]
struct InvitePage<'a> {
    t: &'static Tr,
    lang: &'static str,
    csrf: &'a str,
    shop_name: &'a str,
    email: &'a str,
    role: Role,
    name: &'a str,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "accounts/invite_invalid.html")]
struct InviteInvalidPage {
    t: &'static Tr,
    lang: &'static str,
}

struct OpenInvitation {
    tx: TenantTx,
    invitation: invitations::Invitation,
    shop_name: String,
}

async fn open_invitation(state: &AppState, token: &str) -> AppResult<Option<OpenInvitation>> {
    let Some((tenant, id)) = invitations::resolve(&state.pool, &tokens::hash(token)).await? else {
        return Ok(None);
    };
    let mut tx = TenantTx::begin(&state.pool, tenant).await?;
    let invitation = invitations::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let shop_name = tenants::get(&mut tx).await?.name;
    Ok(Some(OpenInvitation {
        tx,
        invitation,
        shop_name,
    }))
}

fn invite_invalid(locale: UiLocale) -> AppResult<Response> {
    let page = InviteInvalidPage {
        t: tr(locale),
        lang: locale.code(),
    };
    Ok((StatusCode::NOT_FOUND, render(&page)?).into_response())
}

async fn invite_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let locale = request_locale(&headers);
    let Some(open) = open_invitation(&state, &token).await? else {
        return invite_invalid(locale);
    };
    let (csrf_token, cookie) = csrf::pre_session_token(&state, &headers);
    let page = InvitePage {
        t: tr(locale),
        lang: locale.code(),
        csrf: &csrf_token,
        shop_name: &open.shop_name,
        email: &open.invitation.email,
        role: open.invitation.role,
        name: "",
        errors: FormErrors::default(),
    };
    anonymous_page(StatusCode::OK, render(&page), cookie)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AcceptForm {
    name: String,
    password: String,
}

async fn accept_invite(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    Form(form): Form<AcceptForm>,
) -> AppResult<Response> {
    let locale = request_locale(&headers);
    let t = tr(locale);
    let Some(mut open) = open_invitation(&state, &token).await? else {
        return invite_invalid(locale);
    };
    let mut errors = FormErrors::default();
    let (name, _) = check_person(t, &form.name, None, &form.password, &mut errors);
    let hash = match (&name, errors.is_empty()) {
        (Some(_), true) => Some(password::hash(form.password.clone()).await?),
        _ => None,
    };
    let user_id = UserId::new();
    if let (Some(name), Some(hash)) = (&name, &hash) {
        let new_user = users::NewUser {
            id: user_id,
            email: &open.invitation.email,
            name,
            role: open.invitation.role,
            password_hash: hash,
            ui_locale: locale,
        };
        match users::create(&mut open.tx, new_user).await {
            Ok(()) => {}
            Err(err) if violated_constraint(&err) == Some("users_email_key") => {
                errors.add("email", t.err_email_taken)
            }
            Err(err) => return Err(err.into()),
        }
    }
    if !errors.is_empty() {
        let (csrf_token, cookie) = csrf::pre_session_token(&state, &headers);
        let page = InvitePage {
            t,
            lang: locale.code(),
            csrf: &csrf_token,
            shop_name: &open.shop_name,
            email: &open.invitation.email,
            role: open.invitation.role,
            name: &form.name,
            errors,
        };
        return anonymous_page(StatusCode::UNPROCESSABLE_ENTITY, render(&page), cookie);
    }
    let mut tx = open.tx;
    if !invitations::accept(&mut tx, open.invitation.id).await? {
        return invite_invalid(locale);
    }
    audit::record(
        &mut tx,
        Some(user_id),
        "invitation.accepted",
        "invitation",
        Some(open.invitation.id.0),
        serde_json::json!({ "email": open.invitation.email }),
    )
    .await?;
    let cookies = session::start(&state, &mut tx, &headers, user_id, locale).await?;
    tx.commit().await?;
    Ok(signed_in("/inbox", cookies))
}
