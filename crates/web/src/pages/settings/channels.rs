//! Settings → Channels: the mailboxes and shops buyer messages come from and replies go out
//! through. Admins and owners connect them (an email account by form, a Shopify store by the
//! app install), test them, pause and resume them, and watch their health and first import.
//! Credentials are sealed to their row before they are stored and are never shown again.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::Duration;

use aftersail_channels::crypto::SecretKey;
use aftersail_channels::kinds;
use aftersail_channels::shopify::{oauth, ShopifyConfig, ShopifyConnector};
use aftersail_db::channels::{self, secret_owner, Channel, NewChannel};
use aftersail_db::violated_constraint;
use aftersail_domain::validation::{clean_name, normalize_email};
use aftersail_domain::{ChannelId, TenantId};
use askama::Template;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{marketplaces, notice, NoticeQuery, SubNav};
use crate::auth::session::secure_cookies;
use crate::auth::{cookies, tokens, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::pages::{render, FormErrors, Shell};
use crate::state::AppState;

pub(super) const NAME_KEY: &str = "channels_name_key";
/// How long "Test connection" waits for the remote side.
const TEST_TIMEOUT: Duration = Duration::from_secs(20);
/// The install's `state` nonce, kept while the merchant is away at Shopify.
const STATE_COOKIE: &str = "aftersail_shopify_state";
const STATE_COOKIE_SECS: i64 = 15 * 60;
const CALLBACK_PATH: &str = "/settings/channels/shopify/callback";
/// A signed callback older than this is refused (Shopify redirects back within seconds).
const CALLBACK_MAX_AGE: Duration = Duration::from_secs(24 * 3600);
const SHOPIFY_SCOPES: &[&str] = &["read_orders", "read_customers"];
const SECURITIES: &[&str] = &["tls", "starttls", "plain"];
const DEFAULT_POLL_SECS: i32 = 60;
pub(super) const DEFAULT_REQUESTS_PER_MINUTE: i32 = 60;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/channels", get(list))
        .route("/settings/channels/health", get(health))
        .route(
            "/settings/channels/email",
            get(new_email).post(create_email),
        )
        .route(
            "/settings/channels/shopify/install",
            get(shopify_install).post(shopify_install_form),
        )
        .route(CALLBACK_PATH, get(shopify_callback))
        .route(
            "/settings/channels/new/{kind}",
            get(new_marketplace).post(create_marketplace),
        )
        .route("/settings/channels/{id}", get(show).post(update))
        .route("/settings/channels/{id}/pause", post(pause))
        .route("/settings/channels/{id}/resume", post(resume))
        .route("/settings/channels/{id}/test", post(test))
}

/// The channels with their health: the list page's table, and the fragment htmx polls
/// while a first import runs.
pub struct HealthTable {
    t: &'static Tr,
    channels: Vec<Channel>,
    now: DateTime<Utc>,
}

impl HealthTable {
    /// Whether any channel is still importing its history (the table then refreshes itself).
    fn importing(&self) -> bool {
        self.channels
            .iter()
            .any(|c| !c.backfill_done && c.status == "active")
    }

    fn status(&self, status: &str) -> &'static str {
        status_label(self.t, status)
    }

    fn status_class(&self, status: &str) -> &'static str {
        match status {
            "active" => "badge-ok",
            "paused" => "badge-muted",
            _ => "badge-danger",
        }
    }

    fn kind(&self, kind: &str) -> &'static str {
        kind_label(self.t, kind)
    }

    fn ago(&self, at: &DateTime<Utc>) -> String {
        ago(self.t, *at, self.now)
    }

    /// "Importing history… 120 so far".
    fn importing_text(&self, c: &Channel) -> String {
        self.t.fill(self.t.channel_importing, c.items_ingested)
    }

    /// The progress bar's maximum, when the backlog is known.
    fn progress_max(&self, c: &Channel) -> Option<i64> {
        c.backlog
            .map(|b| c.items_ingested + b.max(0))
            .filter(|m| *m > 0)
    }
}

#[derive(Template)]
#[template(path = "settings/channels.html")]
struct ChannelsPage<'a> {
    shell: Shell<'a>,
    subnav: SubNav,
    table: HealthTable,
    shopify_configured: bool,
    shop: String,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "settings/_channels_health.html")]
struct HealthFragment {
    table: HealthTable,
}

/// The outcome of "Test connection", worded for the owner.
pub struct TestResult {
    ok: bool,
    message: String,
}

#[derive(Template)]
#[template(path = "settings/_channel_test.html")]
struct TestFragment {
    result: TestResult,
}

#[derive(Template)]
#[template(path = "settings/channel.html")]
struct ChannelPage<'a> {
    shell: Shell<'a>,
    subnav: SubNav,
    /// `None`: the form adds a new channel (of `new_kind`).
    channel: Option<Channel>,
    /// The kind a new channel will be: `email`, or a marketplace.
    new_kind: &'static str,
    /// The marketplace form's fields (empty for email and Shopify).
    market: Vec<marketplaces::FieldView>,
    form: EmailForm,
    errors: FormErrors,
    test_result: Option<TestResult>,
    webhook_url: String,
    securities: &'static [&'static str],
    now: DateTime<Utc>,
}

impl ChannelPage<'_> {
    fn kind_of_page(&self) -> &str {
        self.channel
            .as_ref()
            .map_or(self.new_kind, |c| c.kind.as_str())
    }
    fn is_email(&self) -> bool {
        self.kind_of_page() == "email"
    }
    fn is_marketplace(&self) -> bool {
        marketplaces::KINDS.contains(&self.kind_of_page())
    }
    fn takes_webhooks(&self) -> bool {
        marketplaces::takes_webhooks(self.kind_of_page())
    }
    fn form_title(&self) -> String {
        let t = self.shell.t;
        match (&self.channel, self.new_kind) {
            (Some(_), _) => t.channel_edit.to_owned(),
            (None, "email") => t.channel_add_email.to_owned(),
            (None, kind) => t.fill(t.channel_connect_kind, kind_label(t, kind)),
        }
    }
    fn status(&self, status: &str) -> &'static str {
        status_label(self.shell.t, status)
    }
    fn kind(&self, kind: &str) -> &'static str {
        kind_label(self.shell.t, kind)
    }
    fn ago(&self, at: &DateTime<Utc>) -> String {
        ago(self.shell.t, *at, self.now)
    }
    fn shop_of(&self, c: &Channel) -> String {
        c.settings
            .get("shop")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    }
    fn action(&self) -> String {
        match (&self.channel, self.new_kind) {
            (Some(c), _) => format!("/settings/channels/{}", c.id),
            (None, "email") => "/settings/channels/email".into(),
            (None, kind) => format!("/settings/channels/new/{kind}"),
        }
    }
}

fn status_label(t: &'static Tr, status: &str) -> &'static str {
    match status {
        "active" => t.channel_status_active,
        "paused" => t.channel_status_paused,
        _ => t.channel_status_auth_failed,
    }
}

fn kind_label(t: &'static Tr, kind: &str) -> &'static str {
    match kind {
        "email" => t.channel_kind_email,
        "amazon" => t.channel_kind_amazon,
        "ebay" => t.channel_kind_ebay,
        "shopee" => t.channel_kind_shopee,
        _ => t.channel_kind_shopify,
    }
}

/// "just now", "3 min ago", "2 h ago", "5 d ago".
fn ago(t: &Tr, at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let span = now - at;
    if span.num_minutes() < 1 {
        t.ago_just_now.to_owned()
    } else if span.num_hours() < 1 {
        t.fill(t.ago_minutes, span.num_minutes())
    } else if span.num_days() < 1 {
        t.fill(t.ago_hours, span.num_hours())
    } else {
        t.fill(t.ago_days, span.num_days())
    }
}

/// The email channel form. Ports and the interval stay text so a wrong value can be shown
/// again as typed; passwords are never shown again.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct EmailForm {
    name: String,
    imap_host: String,
    imap_port: String,
    imap_security: String,
    imap_username: String,
    imap_password: String,
    imap_mailbox: String,
    smtp_host: String,
    smtp_port: String,
    smtp_security: String,
    smtp_username: String,
    smtp_password: String,
    from_address: String,
    from_name: String,
    poll_interval_secs: String,
}

impl EmailForm {
    fn blank() -> Self {
        Self {
            imap_port: "993".into(),
            imap_security: "tls".into(),
            imap_mailbox: "INBOX".into(),
            smtp_port: "465".into(),
            smtp_security: "tls".into(),
            poll_interval_secs: DEFAULT_POLL_SECS.to_string(),
            ..Self::default()
        }
    }

    /// The form of a stored channel (its settings; never its credentials).
    fn of(c: &Channel) -> Self {
        let s = &c.settings;
        let text = |p: &str| {
            s.pointer(p)
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    Value::Null => String::new(),
                    other => other.to_string(),
                })
                .unwrap_or_default()
        };
        Self {
            name: c.name.clone(),
            imap_host: text("/imap/host"),
            imap_port: text("/imap/port"),
            imap_security: text("/imap/security"),
            imap_username: text("/imap/username"),
            imap_password: String::new(),
            imap_mailbox: text("/imap/mailbox"),
            smtp_host: text("/smtp/host"),
            smtp_port: text("/smtp/port"),
            smtp_security: text("/smtp/security"),
            smtp_username: text("/smtp/username"),
            smtp_password: String::new(),
            from_address: text("/smtp/from_address"),
            from_name: text("/smtp/from_name"),
            poll_interval_secs: c.poll_interval_secs.to_string(),
        }
    }

    fn without_passwords(mut self) -> Self {
        self.imap_password.clear();
        self.smtp_password.clear();
        self
    }
}

/// A checked email form: what is stored in plain (`settings`) and what is sealed.
struct EmailChannel {
    name: String,
    settings: Value,
    imap_password: Option<String>,
    smtp_password: Option<String>,
    poll_interval_secs: i32,
}

fn check_email(
    t: &'static Tr,
    form: &EmailForm,
    creating: bool,
    errors: &mut FormErrors,
) -> Option<EmailChannel> {
    let name = clean_name(&form.name);
    if name.is_none() {
        errors.add("name", t.err_name_invalid);
    }
    let mut required = |field: &'static str, value: &str| -> String {
        let value = value.trim();
        if value.is_empty() {
            errors.add(field, t.err_required);
        } else if value.chars().count() > 255 {
            errors.add(field, t.err_too_long);
        }
        value.to_owned()
    };
    let imap_host = required("imap_host", &form.imap_host);
    let imap_username = required("imap_username", &form.imap_username);
    let smtp_host = required("smtp_host", &form.smtp_host);
    let port = |field: &'static str, value: &str, errors: &mut FormErrors| -> u16 {
        match value.trim().parse::<u16>() {
            Ok(p) if p >= 1 => p,
            _ => {
                errors.add(field, t.err_port);
                0
            }
        }
    };
    let imap_port = port("imap_port", &form.imap_port, errors);
    let smtp_port = port("smtp_port", &form.smtp_port, errors);
    let security = |field: &'static str, value: &str, errors: &mut FormErrors| -> String {
        let value = value.trim();
        if !SECURITIES.contains(&value) {
            errors.add(field, t.err_security);
        }
        value.to_owned()
    };
    let imap_security = security("imap_security", &form.imap_security, errors);
    let smtp_security = security("smtp_security", &form.smtp_security, errors);
    let from_address = normalize_email(&form.from_address);
    if from_address.is_none() {
        errors.add("from_address", t.err_email_invalid);
    }
    let poll_interval_secs = match form.poll_interval_secs.trim().parse::<i32>() {
        Ok(s) if (5..=86_400).contains(&s) => s,
        _ => {
            errors.add("poll_interval_secs", t.err_poll_interval);
            DEFAULT_POLL_SECS
        }
    };
    let imap_password = Some(form.imap_password.clone()).filter(|p| !p.is_empty());
    if creating && imap_password.is_none() {
        errors.add("imap_password", t.err_required);
    }
    let smtp_password = Some(form.smtp_password.clone()).filter(|p| !p.is_empty());
    let mailbox = Some(form.imap_mailbox.trim())
        .filter(|m| !m.is_empty())
        .unwrap_or("INBOX");
    let optional = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
    if !errors.is_empty() {
        return None;
    }
    let settings = json!({
        "imap": {
            "host": imap_host,
            "port": imap_port,
            "security": imap_security,
            "username": imap_username,
            "mailbox": mailbox,
        },
        "smtp": {
            "host": smtp_host,
            "port": smtp_port,
            "security": smtp_security,
            "username": optional(&form.smtp_username),
            "from_address": from_address?,
            "from_name": optional(&form.from_name),
        },
    });
    Some(EmailChannel {
        name: name?,
        settings,
        imap_password,
        smtp_password,
        poll_interval_secs,
    })
}

async fn table(state: &AppState, user: &CurrentUser) -> AppResult<HealthTable> {
    let mut tx = user.tx(state).await?;
    let channels = channels::list(&mut tx).await?;
    tx.commit().await?;
    Ok(HealthTable {
        t: user.t(),
        channels,
        now: Utc::now(),
    })
}

async fn list_page<'a>(
    state: &AppState,
    user: &'a CurrentUser,
    shop: String,
    errors: FormErrors,
) -> AppResult<ChannelsPage<'a>> {
    Ok(ChannelsPage {
        shell: Shell::new(user, "settings"),
        subnav: SubNav {
            current: "channels",
        },
        table: table(state, user).await?,
        shopify_configured: state.config.shopify.is_some(),
        shop,
        errors,
    })
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut page = list_page(&state, &user, String::new(), FormErrors::default()).await?;
    page.shell = page
        .shell
        .with_notice(notice(user.t(), q.notice.as_deref()));
    Ok(render(&page)?.into_response())
}

/// The health table alone, for htmx polling while a first import runs.
async fn health(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    user.require_admin()?;
    let fragment = HealthFragment {
        table: table(&state, &user).await?,
    };
    Ok(render(&fragment)?.into_response())
}

/// `https://host` as the browser reached us, for URLs we hand to Shopify.
/// Subscribes the shop's webhooks to this channel's endpoint. A failure does not undo the
/// install (polling still syncs everything); it is noted on the channel for the owner.
#[allow(clippy::too_many_arguments)]
async fn register_webhooks(
    state: &AppState,
    user: &CurrentUser,
    headers: &HeaderMap,
    id: ChannelId,
    shop: &str,
    token: &str,
    api_secret: &str,
    base: &str,
) -> AppResult<()> {
    let mut config = ShopifyConfig::new(shop, token, api_secret);
    config.base_url = Some(base.to_owned());
    let callback_url = format!("{}/webhooks/shopify/{id}", origin(state, headers));
    let outcome = match ShopifyConnector::new(config) {
        Ok(connector) => connector.register_webhooks(&callback_url).await.map(|_| ()),
        Err(err) => Err(err),
    };
    if let Err(err) = outcome {
        tracing::warn!(channel = %id, error = %err, "Shopify webhooks not registered");
        let mut tx = user.tx(state).await?;
        channels::note_error(
            &mut tx,
            id,
            &format!("webhooks could not be registered (orders still sync by polling): {err}"),
        )
        .await?;
        tx.commit().await?;
    }
    Ok(())
}

pub(crate) fn origin(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(public) = &state.config.public_url {
        return public.trim_end_matches('/').to_owned();
    }
    let scheme = if secure_cookies(state, headers) {
        "https"
    } else {
        "http"
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    format!("{scheme}://{host}")
}

fn channel_page<'a>(
    state: &AppState,
    user: &'a CurrentUser,
    headers: &HeaderMap,
    channel: Option<Channel>,
    form: EmailForm,
    errors: FormErrors,
) -> ChannelPage<'a> {
    let webhook_url = match &channel {
        Some(c) => format!("{}/webhooks/{}/{}", origin(state, headers), c.kind, c.id),
        None => String::new(),
    };
    let market = match &channel {
        Some(c) if marketplaces::KINDS.contains(&c.kind.as_str()) => {
            marketplaces::view(user.t(), &c.kind, &marketplaces::values_of(c), &errors)
        }
        _ => Vec::new(),
    };
    ChannelPage {
        shell: Shell::new(user, "settings"),
        subnav: SubNav {
            current: "channels",
        },
        channel,
        new_kind: "email",
        market,
        form: form.without_passwords(),
        errors,
        test_result: None,
        webhook_url,
        securities: SECURITIES,
        now: Utc::now(),
    }
}

async fn get_channel(state: &AppState, user: &CurrentUser, id: ChannelId) -> AppResult<Channel> {
    let mut tx = user.tx(state).await?;
    let channel = channels::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(channel)
}

async fn new_email(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
) -> AppResult<Response> {
    user.require_admin()?;
    let page = channel_page(
        &state,
        &user,
        &headers,
        None,
        EmailForm::blank(),
        FormErrors::default(),
    );
    Ok(render(&page)?.into_response())
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<ChannelId>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    user.require_admin()?;
    let channel = get_channel(&state, &user, id).await?;
    let form = EmailForm::of(&channel);
    let mut page = channel_page(
        &state,
        &user,
        &headers,
        Some(channel),
        form,
        FormErrors::default(),
    );
    page.shell = page
        .shell
        .with_notice(notice(user.t(), q.notice.as_deref()));
    Ok(render(&page)?.into_response())
}

fn secret_key<'a>(state: &'a AppState, t: &'static Tr) -> Result<&'a SecretKey, &'static str> {
    state
        .config
        .secret_key
        .as_ref()
        .ok_or(t.channel_no_secret_key)
}

/// The channel's opened credentials (`{}` when it has none).
fn open_secrets(
    state: &AppState,
    t: &'static Tr,
    tenant: TenantId,
    c: &Channel,
) -> Result<Value, String> {
    aftersail_channels::crypto::open_json(
        state.config.secret_key.as_ref(),
        c.secrets_sealed.as_deref(),
        &secret_owner(tenant, c.id),
        t.channel_no_secret_key,
    )
}

pub(super) fn seal(key: &SecretKey, tenant: TenantId, id: ChannelId, secrets: &Value) -> String {
    key.seal(secrets.to_string().as_bytes(), &secret_owner(tenant, id))
}

async fn create_email(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Form(form): Form<EmailForm>,
) -> AppResult<Response> {
    user.require_admin()?;
    save_email(&state, &user, &headers, None, form).await
}

async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<ChannelId>,
    Form(fields): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    user.require_admin()?;
    let channel = get_channel(&state, &user, id).await?;
    if marketplaces::KINDS.contains(&channel.kind.as_str()) {
        let kind = channel.kind.clone();
        return save_marketplace(&state, &user, &headers, &kind, Some(channel), fields).await;
    }
    let form = email_form(&fields);
    if channel.kind == "email" {
        return save_email(&state, &user, &headers, Some(channel), form).await;
    }
    // Other kinds are set up by their install flow; only the name is theirs to change.
    let t = user.t();
    let mut errors = FormErrors::default();
    match clean_name(&form.name) {
        None => errors.add("name", t.err_name_invalid),
        Some(name) => {
            let mut tx = user.tx(&state).await?;
            match channels::update_settings(&mut tx, id, &name, &channel.settings, None).await {
                Ok(true) => {
                    user.audit(
                        &mut tx,
                        "channel.updated",
                        "channel",
                        id.0,
                        json!({ "name": name, "kind": channel.kind }),
                    )
                    .await?;
                    tx.commit().await?;
                    return Ok(saved(id));
                }
                Ok(false) => return Err(AppError::NotFound),
                Err(err) if violated_constraint(&err) == Some(NAME_KEY) => {
                    errors.add("name", t.channel_name_taken);
                }
                Err(err) => return Err(err.into()),
            }
        }
    }
    let mut page = channel_page(&state, &user, &headers, Some(channel), form, errors);
    page.form.name = clean_name(&page.form.name).unwrap_or_default();
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

/// The email form from posted fields (unknown ones ignored, missing ones blank).
fn email_form(fields: &HashMap<String, String>) -> EmailForm {
    let pairs: Vec<(&String, &String)> = fields.iter().collect();
    serde_urlencoded::to_string(pairs)
        .ok()
        .and_then(|encoded| serde_urlencoded::from_str(&encoded).ok())
        .unwrap_or_default()
}

/// The marketplace a `/settings/channels/new/{kind}` URL names (404 otherwise).
fn marketplace_kind(kind: &str) -> AppResult<&'static str> {
    marketplaces::KINDS
        .into_iter()
        .find(|k| *k == kind)
        .ok_or(AppError::NotFound)
}

fn marketplace_page<'a>(
    state: &AppState,
    user: &'a CurrentUser,
    headers: &HeaderMap,
    kind: &'static str,
    existing: Option<Channel>,
    values: &HashMap<String, String>,
    errors: FormErrors,
) -> ChannelPage<'a> {
    let market = marketplaces::view(user.t(), kind, values, &errors);
    let form = EmailForm {
        name: values.get("name").cloned().unwrap_or_default(),
        poll_interval_secs: values
            .get("poll_interval_secs")
            .cloned()
            .unwrap_or_else(|| DEFAULT_POLL_SECS.to_string()),
        ..EmailForm::default()
    };
    let mut page = channel_page(state, user, headers, existing, form, errors);
    page.new_kind = kind;
    page.market = market;
    page
}

async fn new_marketplace(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(kind): Path<String>,
) -> AppResult<Response> {
    user.require_admin()?;
    let kind = marketplace_kind(&kind)?;
    let page = marketplace_page(
        &state,
        &user,
        &headers,
        kind,
        None,
        &HashMap::new(),
        FormErrors::default(),
    );
    Ok(render(&page)?.into_response())
}

async fn create_marketplace(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(kind): Path<String>,
    Form(fields): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    user.require_admin()?;
    let kind = marketplace_kind(&kind)?;
    save_marketplace(&state, &user, &headers, kind, None, fields).await
}

/// Adds (`existing` None) or changes a marketplace channel.
async fn save_marketplace(
    state: &AppState,
    user: &CurrentUser,
    headers: &HeaderMap,
    kind: &str,
    existing: Option<Channel>,
    fields: HashMap<String, String>,
) -> AppResult<Response> {
    let kind = marketplace_kind(kind)?;
    let t = user.t();
    let mut errors = FormErrors::default();
    let stored = match &existing {
        Some(c) => Some((
            c,
            open_secrets(state, t, user.tenant(), c)
                .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?,
        )),
        None => None,
    };
    if let Some(checked) = marketplaces::check(t, kind, &fields, stored, &mut errors) {
        if let Some(id) =
            marketplaces::save(state, user, kind, existing.as_ref(), &checked, &mut errors).await?
        {
            return Ok(saved(id));
        }
    }
    let page = marketplace_page(state, user, headers, kind, existing, &fields, errors);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

fn saved(id: ChannelId) -> Response {
    Redirect::to(&format!("/settings/channels/{id}?notice=channel_saved")).into_response()
}

/// Adds (`existing` None) or changes an email channel. Blank passwords keep the stored ones.
async fn save_email(
    state: &AppState,
    user: &CurrentUser,
    headers: &HeaderMap,
    existing: Option<Channel>,
    form: EmailForm,
) -> AppResult<Response> {
    let t = user.t();
    let mut errors = FormErrors::default();
    if let Some(checked) = check_email(t, &form, existing.is_none(), &mut errors) {
        match secret_key(state, t) {
            Err(message) => errors.add("form", message),
            Ok(key) => {
                let id = existing.as_ref().map_or_else(ChannelId::new, |c| c.id);
                // Credentials to seal: the new ones, completed by the stored ones when blank.
                let sealed = if checked.imap_password.is_none() && checked.smtp_password.is_none() {
                    None
                } else {
                    let mut secrets = match &existing {
                        Some(c) => open_secrets(state, t, user.tenant(), c)
                            .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?,
                        None => json!({}),
                    };
                    if !secrets.is_object() {
                        secrets = json!({});
                    }
                    if let Some(p) = &checked.imap_password {
                        secrets["imap_password"] = json!(p);
                    }
                    if let Some(p) = &checked.smtp_password {
                        secrets["smtp_password"] = json!(p);
                    }
                    Some(seal(key, user.tenant(), id, &secrets))
                };
                let stored = store(
                    state,
                    user,
                    existing.as_ref(),
                    id,
                    Stored {
                        kind: "email",
                        name: &checked.name,
                        settings: &checked.settings,
                        sealed: sealed.as_deref(),
                        poll_interval_secs: checked.poll_interval_secs,
                    },
                    &mut errors,
                )
                .await?;
                if stored {
                    return Ok(saved(id));
                }
            }
        }
    }
    let page = channel_page(state, user, headers, existing, form, errors);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

/// A checked channel form, ready to store.
pub(super) struct Stored<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    pub settings: &'a Value,
    /// New sealed credentials; `None` keeps the stored ones.
    pub sealed: Option<&'a str>,
    pub poll_interval_secs: i32,
}

/// Adds the channel (`existing` None) or changes it, with its audit entry. False (and the
/// error on `name`) when another channel has the name.
pub(super) async fn store(
    state: &AppState,
    user: &CurrentUser,
    existing: Option<&Channel>,
    id: ChannelId,
    c: Stored<'_>,
    errors: &mut FormErrors,
) -> AppResult<bool> {
    let mut tx = user.tx(state).await?;
    let result = match existing {
        None => channels::create(
            &mut tx,
            id,
            NewChannel {
                kind: c.kind,
                name: c.name,
                settings: c.settings,
                secrets_sealed: c.sealed,
                poll_interval_secs: c.poll_interval_secs,
                requests_per_minute: DEFAULT_REQUESTS_PER_MINUTE,
            },
        )
        .await
        .map(|()| true),
        Some(_) => channels::update_settings(&mut tx, id, c.name, c.settings, c.sealed).await,
    };
    match result {
        Ok(true) => {}
        Ok(false) => return Err(AppError::NotFound),
        Err(err) if violated_constraint(&err) == Some(NAME_KEY) => {
            errors.add("name", user.t().channel_name_taken);
            return Ok(false);
        }
        Err(err) => return Err(err.into()),
    }
    channels::set_poll_interval(&mut tx, id, c.poll_interval_secs).await?;
    let action = if existing.is_none() {
        "channel.created"
    } else {
        "channel.updated"
    };
    user.audit(
        &mut tx,
        action,
        "channel",
        id.0,
        json!({ "name": c.name, "kind": c.kind, "credentials_changed": c.sealed.is_some() }),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

async fn set_paused(
    state: &AppState,
    user: &CurrentUser,
    id: ChannelId,
    paused: bool,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut tx = user.tx(state).await?;
    if !channels::set_paused(&mut tx, id, paused).await? {
        return Err(AppError::NotFound);
    }
    let action = if paused {
        "channel.paused"
    } else {
        "channel.resumed"
    };
    user.audit(&mut tx, action, "channel", id.0, json!({}))
        .await?;
    tx.commit().await?;
    let notice = if paused {
        "channel_paused"
    } else {
        "channel_resumed"
    };
    Ok(Redirect::to(&format!("/settings/channels/{id}?notice={notice}")).into_response())
}

async fn pause(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<ChannelId>,
) -> AppResult<Response> {
    set_paused(&state, &user, id, true).await
}

async fn resume(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<ChannelId>,
) -> AppResult<Response> {
    set_paused(&state, &user, id, false).await
}

/// Builds the channel's connector and asks the remote side whether the credentials work.
async fn check(state: &AppState, user: &CurrentUser, c: &Channel) -> TestResult {
    let t = user.t();
    let failed = |message: String| TestResult {
        ok: false,
        message: t.fill(t.channel_test_failed, message),
    };
    let secrets = match open_secrets(state, t, user.tenant(), c) {
        Ok(s) => s,
        Err(e) => return failed(e),
    };
    let connector = match kinds::build(&c.kind, &c.settings, &secrets) {
        Ok(c) => c,
        Err(e) => return failed(e),
    };
    match tokio::time::timeout(TEST_TIMEOUT, connector.check()).await {
        Ok(Ok(())) => TestResult {
            ok: true,
            message: t.channel_test_ok.to_owned(),
        },
        Ok(Err(e)) => failed(e.to_string()),
        Err(_) => failed(t.fill(t.channel_test_timeout, TEST_TIMEOUT.as_secs())),
    }
}

/// "Test connection": a result fragment for htmx, the channel page with the result otherwise.
async fn test(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<ChannelId>,
) -> AppResult<Response> {
    user.require_admin()?;
    let channel = get_channel(&state, &user, id).await?;
    let result = check(&state, &user, &channel).await;
    if headers.contains_key("hx-request") {
        return Ok(render(&TestFragment { result })?.into_response());
    }
    let form = EmailForm::of(&channel);
    let mut page = channel_page(
        &state,
        &user,
        &headers,
        Some(channel),
        form,
        FormErrors::default(),
    );
    page.test_result = Some(result);
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct InstallForm {
    shop: String,
}

/// `shop`, `shop.myshopify.com` or a pasted URL → the shop domain, when it is one.
fn shop_domain(raw: &str) -> Option<String> {
    let mut shop = raw.trim().to_lowercase();
    for prefix in ["https://", "http://"] {
        if let Some(rest) = shop.strip_prefix(prefix) {
            shop = rest.to_owned();
        }
    }
    let shop = shop.trim_end_matches('/').to_owned();
    let shop = if shop.contains('.') {
        shop
    } else {
        format!("{shop}.myshopify.com")
    };
    Some(shop).filter(|s| oauth::valid_shop_domain(s))
}

async fn shopify_install(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Query(form): Query<InstallForm>,
) -> AppResult<Response> {
    start_install(&state, &user, &headers, form).await
}

async fn shopify_install_form(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Form(form): Form<InstallForm>,
) -> AppResult<Response> {
    start_install(&state, &user, &headers, form).await
}

/// Sends the merchant to Shopify to approve the app, remembering a nonce to check on return.
async fn start_install(
    state: &AppState,
    user: &CurrentUser,
    headers: &HeaderMap,
    form: InstallForm,
) -> AppResult<Response> {
    user.require_admin()?;
    let t = user.t();
    let Some(app) = &state.config.shopify else {
        return Err(AppError::BadRequest(t.shopify_not_configured.into()));
    };
    let Some(shop) = shop_domain(&form.shop) else {
        let mut errors = FormErrors::default();
        errors.add("shop", t.err_shop_domain);
        let page = list_page(state, user, form.shop, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let nonce = tokens::random_token();
    let redirect_uri = format!("{}{CALLBACK_PATH}", origin(state, headers));
    let url = oauth::install_url(&shop, &app.api_key, SHOPIFY_SCOPES, &redirect_uri, &nonce);
    let cookie = cookies::set(
        STATE_COOKIE,
        &nonce,
        STATE_COOKIE_SECS,
        secure_cookies(state, headers),
    );
    let mut response = Redirect::to(&url).into_response();
    response.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(response)
}

fn http() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .timeout(TEST_TIMEOUT)
            .build()
            .expect("HTTP client with default TLS settings")
    })
}

/// Shopify sends the merchant back here: check the signature and our nonce, trade the code
/// for an access token, and create the channel (or renew a reinstalled shop's token).
async fn shopify_callback(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> AppResult<Response> {
    user.require_admin()?;
    let t = user.t();
    let Some(app) = &state.config.shopify else {
        return Err(AppError::BadRequest(t.shopify_not_configured.into()));
    };
    let callback = oauth::verify_callback(
        query.as_deref().unwrap_or(""),
        &app.api_secret,
        CALLBACK_MAX_AGE,
        Utc::now(),
    )
    .map_err(|e| AppError::BadRequest(t.fill(t.shopify_callback_invalid, e)))?;
    let nonce_ok = match (
        callback.state.as_deref(),
        cookies::get(&headers, STATE_COOKIE),
    ) {
        (Some(sent), Some(kept)) => !kept.is_empty() && tokens::equal(sent, kept),
        _ => false,
    };
    if !nonce_ok {
        return Err(AppError::BadRequest(t.shopify_state_mismatch.into()));
    }
    let key = secret_key(&state, t).map_err(|m| AppError::BadRequest(m.into()))?;
    let base = app
        .base_url
        .clone()
        .unwrap_or_else(|| format!("https://{}", callback.shop));
    let token = oauth::exchange_code(http(), &base, &app.api_key, &app.api_secret, &callback.code)
        .await
        .map_err(|e| AppError::BadRequest(t.fill(t.shopify_exchange_failed, e)))?;
    let secrets = json!({ "access_token": token.token, "api_secret": app.api_secret });
    let mut settings = json!({ "shop": callback.shop });
    if let Some(base_url) = &app.base_url {
        settings["base_url"] = json!(base_url);
    }

    let mut tx = user.tx(&state).await?;
    let existing = channels::list(&mut tx).await?.into_iter().find(|c| {
        c.kind == "shopify"
            && c.settings.get("shop").and_then(Value::as_str) == Some(&callback.shop)
    });
    let id = match existing {
        Some(c) => {
            let sealed = seal(key, user.tenant(), c.id, &secrets);
            channels::update_settings(&mut tx, c.id, &c.name, &settings, Some(&sealed)).await?;
            c.id
        }
        None => {
            let id = ChannelId::new();
            let sealed = seal(key, user.tenant(), id, &secrets);
            let created = channels::create(
                &mut tx,
                id,
                NewChannel {
                    kind: "shopify",
                    name: &callback.shop,
                    settings: &settings,
                    secrets_sealed: Some(&sealed),
                    poll_interval_secs: DEFAULT_POLL_SECS,
                    requests_per_minute: DEFAULT_REQUESTS_PER_MINUTE,
                },
            )
            .await;
            match created {
                Ok(()) => id,
                Err(err) if violated_constraint(&err) == Some(NAME_KEY) => {
                    return Err(AppError::BadRequest(t.channel_name_taken.into()));
                }
                Err(err) => return Err(err.into()),
            }
        }
    };
    user.audit(
        &mut tx,
        "channel.connected",
        "channel",
        id.0,
        json!({ "kind": "shopify", "shop": callback.shop, "scopes": token.scopes }),
    )
    .await?;
    tx.commit().await?;
    register_webhooks(
        &state,
        &user,
        &headers,
        id,
        &callback.shop,
        &token.token,
        &app.api_secret,
        &base,
    )
    .await?;
    let mut response =
        Redirect::to(&format!("/settings/channels/{id}?notice=shopify_connected")).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        cookies::clear(STATE_COOKIE, secure_cookies(&state, &headers)),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shop_domains_are_completed_and_checked() {
        assert_eq!(
            shop_domain("my-shop").as_deref(),
            Some("my-shop.myshopify.com")
        );
        assert_eq!(
            shop_domain(" https://My-Shop.myshopify.com/ ").as_deref(),
            Some("my-shop.myshopify.com")
        );
        assert_eq!(shop_domain("evil.com"), None);
        assert_eq!(shop_domain("a.myshopify.com.evil.com"), None);
        assert_eq!(shop_domain(""), None);
    }

    #[test]
    fn ago_in_words() {
        let now = Utc::now();
        let t = &crate::i18n::EN;
        assert_eq!(ago(t, now, now), t.ago_just_now);
        assert_eq!(ago(t, now - chrono::Duration::minutes(3), now), "3 min ago");
        assert_eq!(ago(t, now - chrono::Duration::hours(2), now), "2 h ago");
        assert_eq!(ago(t, now - chrono::Duration::days(5), now), "5 d ago");
    }
}
