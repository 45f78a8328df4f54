//! Settings → Channels for marketplace accounts (Amazon SP-API, eBay, Shopee): the seller
//! pastes the credentials of their own developer app (Amazon self-authorisation, eBay user
//! token, Shopee partner app) into a form described per kind by [`Field`]s; plain values go
//! to the channel's settings, secret ones are sealed to its row and never shown again (a
//! blank secret on edit keeps the stored one). The form is checked by building the
//! connector, without calling the marketplace; "Test connection" on the channel page calls it.

use std::collections::HashMap;

use aftersail_channels::kinds;
use aftersail_db::channels::Channel;
use aftersail_domain::validation::clean_name;
use aftersail_domain::ChannelId;
use serde_json::{json, Map, Value};

use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::i18n::Tr;
use crate::pages::FormErrors;
use crate::state::AppState;

/// The marketplace kinds with a form here.
pub const KINDS: [&str; 3] = ["amazon", "ebay", "shopee"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Text,
    /// A whole number (stored as a JSON number).
    Number,
    /// One of these values.
    Choice(&'static [&'static str]),
    /// Comma- or space-separated values (stored as a JSON array of strings).
    List,
}

/// One form field: where its value is kept and how it is asked for.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The form field's name and the key under `settings` (or the sealed secrets).
    pub key: &'static str,
    pub secret: bool,
    pub required: bool,
    pub input: Input,
    pub label: (&'static str, &'static str),
    pub help: (&'static str, &'static str),
}

const fn field(
    key: &'static str,
    secret: bool,
    required: bool,
    input: Input,
    label: (&'static str, &'static str),
    help: (&'static str, &'static str),
) -> Field {
    Field {
        key,
        secret,
        required,
        input,
        label,
        help,
    }
}

const AMAZON: &[Field] = &[
    field(
        "region",
        false,
        true,
        Input::Choice(&["na", "eu", "fe"]),
        ("Region", "区域"),
        (
            "na: North America and Brazil; eu: Europe, Middle East, India, Africa; fe: Japan, Australia, Singapore.",
            "na：北美和巴西；eu：欧洲、中东、印度、非洲；fe：日本、澳大利亚、新加坡。",
        ),
    ),
    field(
        "marketplace_ids",
        false,
        true,
        Input::List,
        ("Marketplace IDs", "站点 ID"),
        (
            "For example A1PA6795UKMFR9 (Germany), ATVPDKIKX0DER (US), A1VC38T7YXB528 (Japan); separate several with commas.",
            "例如 A1PA6795UKMFR9（德国）、ATVPDKIKX0DER（美国）、A1VC38T7YXB528（日本）；多个请用逗号分隔。",
        ),
    ),
    field(
        "seller_id",
        false,
        false,
        Input::Text,
        ("Seller ID (merchant token)", "卖家 ID（Merchant Token）"),
        ("Seller Central → Settings → Account info.", "卖家平台 → 设置 → 账户信息。"),
    ),
    field(
        "client_id",
        true,
        true,
        Input::Text,
        ("LWA client ID", "LWA 客户端 ID"),
        (
            "From your SP-API app in Seller Central → Develop apps.",
            "来自卖家平台 → 开发应用中的 SP-API 应用。",
        ),
    ),
    field(
        "client_secret",
        true,
        true,
        Input::Text,
        ("LWA client secret", "LWA 客户端密钥"),
        ("", ""),
    ),
    field(
        "refresh_token",
        true,
        true,
        Input::Text,
        ("Refresh token", "刷新令牌（Refresh token）"),
        (
            "Shown once when you authorise the app for your own account (self-authorisation).",
            "为自己的账户授权应用（自授权）时显示一次。",
        ),
    ),
    field(
        "sqs_queue_url",
        false,
        false,
        Input::Text,
        ("Notification queue (SQS URL)", "通知队列（SQS 地址）"),
        (
            "Optional: the SQS queue your SP-API notifications (ORDER_CHANGE, REPORT_PROCESSING_FINISHED) go to, so changes arrive within seconds instead of at the next sync.",
            "可选：接收 SP-API 通知（ORDER_CHANGE、REPORT_PROCESSING_FINISHED）的 SQS 队列，使变更在数秒内送达，而不必等待下次同步。",
        ),
    ),
    field(
        "aws_access_key_id",
        true,
        false,
        Input::Text,
        ("AWS access key ID (for the queue)", "AWS 访问密钥 ID（用于队列）"),
        (
            "An IAM user allowed sqs:ReceiveMessage and sqs:DeleteMessage on that queue.",
            "一个对该队列拥有 sqs:ReceiveMessage 和 sqs:DeleteMessage 权限的 IAM 用户。",
        ),
    ),
    field(
        "aws_secret_access_key",
        true,
        false,
        Input::Text,
        ("AWS secret access key", "AWS 秘密访问密钥"),
        ("", ""),
    ),
];

const EBAY: &[Field] = &[
    field(
        "environment",
        false,
        true,
        Input::Choice(&["production", "sandbox"]),
        ("Environment", "环境"),
        ("", ""),
    ),
    field(
        "marketplace_id",
        false,
        false,
        Input::Text,
        ("Marketplace", "站点"),
        (
            "For example EBAY_DE, EBAY_US, EBAY_GB; blank: every marketplace of the account.",
            "例如 EBAY_DE、EBAY_US、EBAY_GB；留空表示账户的所有站点。",
        ),
    ),
    field(
        "seller_username",
        false,
        false,
        Input::Text,
        ("Your eBay user name", "您的 eBay 用户名"),
        (
            "Messages you sent yourself are recognised by it (otherwise it is learned from your orders).",
            "用于识别您自己发出的消息（否则从订单中获知）。",
        ),
    ),
    field(
        "client_id",
        true,
        true,
        Input::Text,
        ("App ID (client ID)", "App ID（客户端 ID）"),
        (
            "From developer.ebay.com → Application keys.",
            "来自 developer.ebay.com → Application keys。",
        ),
    ),
    field(
        "client_secret",
        true,
        true,
        Input::Text,
        ("Cert ID (client secret)", "Cert ID（客户端密钥）"),
        ("", ""),
    ),
    field(
        "refresh_token",
        true,
        true,
        Input::Text,
        ("User refresh token", "用户刷新令牌"),
        (
            "From User Tokens → Get a token from eBay via your application (valid 18 months).",
            "在 User Tokens 页面通过您的应用从 eBay 获取（有效期 18 个月）。",
        ),
    ),
    field(
        "verification_token",
        true,
        false,
        Input::Text,
        ("Notification verification token", "通知验证令牌"),
        (
            "32–80 letters, digits, _ or -; enter the same token with the webhook address in eBay's alert settings.",
            "32–80 个字母、数字、_ 或 -；在 eBay 通知设置中填写相同的令牌和下方的 Webhook 地址。",
        ),
    ),
];

const SHOPEE: &[Field] = &[
    field(
        "host",
        false,
        true,
        Input::Choice(&["live", "test", "cn"]),
        ("API host", "API 主机"),
        (
            "live: partner.shopeemobile.com; test: the sandbox; cn: openplatform.shopee.cn (mainland China sellers).",
            "live：partner.shopeemobile.com；test：沙箱；cn：openplatform.shopee.cn（中国大陆卖家）。",
        ),
    ),
    field(
        "partner_id",
        false,
        true,
        Input::Number,
        ("Partner ID", "Partner ID"),
        ("From open.shopee.com → App list.", "来自 open.shopee.com → 应用列表。"),
    ),
    field(
        "shop_id",
        false,
        true,
        Input::Number,
        ("Shop ID", "店铺 ID"),
        ("", ""),
    ),
    field(
        "partner_key",
        true,
        true,
        Input::Text,
        ("Partner key", "Partner Key"),
        ("", ""),
    ),
    field(
        "access_token",
        true,
        true,
        Input::Text,
        ("Access token", "访问令牌（Access token）"),
        (
            "From the shop authorisation; it is refreshed automatically every 4 hours.",
            "来自店铺授权；每 4 小时自动刷新。",
        ),
    ),
    field(
        "refresh_token",
        true,
        true,
        Input::Text,
        ("Refresh token", "刷新令牌（Refresh token）"),
        (
            "Shopee replaces it at every refresh; the new one is stored for you.",
            "Shopee 每次刷新都会更换它；新的令牌会自动保存。",
        ),
    ),
];

pub fn fields(kind: &str) -> &'static [Field] {
    match kind {
        "amazon" => AMAZON,
        "ebay" => EBAY,
        "shopee" => SHOPEE,
        _ => &[],
    }
}

/// A field as the page shows it.
pub struct FieldView {
    pub key: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub secret: bool,
    pub required: bool,
    pub number: bool,
    pub choices: &'static [&'static str],
    pub value: String,
    pub error: Option<String>,
}

fn zh(t: &Tr) -> bool {
    std::ptr::eq(t, &crate::i18n::ZH)
}

/// The form of `kind`, filled from `values` (what was typed, or the stored settings);
/// secrets are never filled.
pub fn view(
    t: &'static Tr,
    kind: &str,
    values: &HashMap<String, String>,
    errors: &FormErrors,
) -> Vec<FieldView> {
    let zh = zh(t);
    fields(kind)
        .iter()
        .map(|f| FieldView {
            key: f.key,
            label: if zh { f.label.1 } else { f.label.0 },
            help: if zh { f.help.1 } else { f.help.0 },
            secret: f.secret,
            required: f.required,
            number: f.input == Input::Number,
            choices: match f.input {
                Input::Choice(c) => c,
                _ => &[],
            },
            value: if f.secret {
                String::new()
            } else {
                values.get(f.key).cloned().unwrap_or_else(|| match f.input {
                    Input::Choice(c) => c[0].to_owned(),
                    _ => String::new(),
                })
            },
            error: errors.get(f.key).map(str::to_owned),
        })
        .collect()
}

/// The stored settings as form values.
pub fn values_of(c: &Channel) -> HashMap<String, String> {
    let mut values = HashMap::new();
    values.insert("name".to_owned(), c.name.clone());
    values.insert(
        "poll_interval_secs".to_owned(),
        c.poll_interval_secs.to_string(),
    );
    for f in fields(&c.kind).iter().filter(|f| !f.secret) {
        let text = match c.settings.get(f.key) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", "),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        };
        values.insert(f.key.to_owned(), text);
    }
    values
}

/// A checked form: the plain settings (the stored ones kept for keys the form does not
/// have) and the secrets to seal (the stored ones completed by what was typed).
pub struct Checked {
    pub name: String,
    pub poll_interval_secs: i32,
    pub settings: Value,
    pub secrets: Value,
    pub secrets_changed: bool,
}

pub fn check(
    t: &'static Tr,
    kind: &str,
    form: &HashMap<String, String>,
    existing: Option<(&Channel, Value)>,
    errors: &mut FormErrors,
) -> Option<Checked> {
    let name = clean_name(form.get("name").map_or("", String::as_str));
    if name.is_none() {
        errors.add("name", t.err_name_invalid);
    }
    let interval = form
        .get("poll_interval_secs")
        .map_or("60", |s| s.trim())
        .parse::<i32>()
        .ok()
        .filter(|s| (5..=86_400).contains(s));
    if interval.is_none() {
        errors.add("poll_interval_secs", t.err_poll_interval);
    }
    let (mut settings, mut secrets) = match &existing {
        Some((c, secrets)) => (
            c.settings.as_object().cloned().unwrap_or_default(),
            secrets.as_object().cloned().unwrap_or_default(),
        ),
        None => (Map::new(), Map::new()),
    };
    let mut secrets_changed = false;
    for f in fields(kind) {
        let raw = form.get(f.key).map_or("", |s| s.trim());
        if raw.is_empty() {
            let stored = if f.secret {
                secrets.contains_key(f.key)
            } else {
                false
            };
            if f.required && !stored {
                errors.add(f.key, t.channel_err_required);
            }
            if !f.secret {
                settings.remove(f.key);
            }
            continue;
        }
        if raw.len() > 4096 || raw.chars().any(char::is_control) {
            errors.add(f.key, t.channel_err_value);
            continue;
        }
        let value = match f.input {
            Input::Text => json!(raw),
            Input::Number => match raw.parse::<u64>() {
                Ok(n) if n > 0 => json!(n),
                _ => {
                    errors.add(f.key, t.channel_err_number);
                    continue;
                }
            },
            Input::Choice(choices) => {
                if !choices.contains(&raw) {
                    errors.add(f.key, t.channel_err_value);
                    continue;
                }
                json!(raw)
            }
            Input::List => {
                let items: Vec<&str> = raw
                    .split([',', ' ', '\n'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect();
                if items
                    .iter()
                    .any(|s| !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
                {
                    errors.add(f.key, t.channel_err_value);
                    continue;
                }
                json!(items)
            }
        };
        if f.secret {
            secrets.insert(f.key.to_owned(), value);
            secrets_changed = true;
        } else {
            settings.insert(f.key.to_owned(), value);
        }
    }
    if !errors.is_empty() {
        return None;
    }
    let (settings, secrets) = (Value::Object(settings), Value::Object(secrets));
    // Everything the connector needs is there and readable: build it (no network call).
    let queue = match kind {
        "amazon" => {
            aftersail_channels::amazon::queue_from_settings(&settings, &secrets).map(|_| ())
        }
        _ => Ok(()),
    };
    if let Err(problem) = kinds::build(kind, &settings, &secrets)
        .map(|_| ())
        .and(queue)
    {
        errors.add("form", t.fill(t.channel_err_settings, problem));
        return None;
    }
    Some(Checked {
        name: name?,
        poll_interval_secs: interval?,
        settings,
        secrets,
        secrets_changed,
    })
}

/// Stores a checked form: a new channel, or the existing one's settings. Returns the
/// channel id, or `None` when the name is taken (the error is added to `errors`).
pub async fn save(
    state: &AppState,
    user: &CurrentUser,
    kind: &str,
    existing: Option<&Channel>,
    checked: &Checked,
    errors: &mut FormErrors,
) -> AppResult<Option<ChannelId>> {
    let t = user.t();
    let Some(key) = state.config.secret_key.as_ref() else {
        errors.add("form", t.channel_no_secret_key);
        return Ok(None);
    };
    let id = existing.map_or_else(ChannelId::new, |c| c.id);
    let sealed = (existing.is_none() || checked.secrets_changed)
        .then(|| super::channels::seal(key, user.tenant(), id, &checked.secrets));
    let stored = super::channels::store(
        state,
        user,
        existing,
        id,
        super::channels::Stored {
            kind,
            name: &checked.name,
            settings: &checked.settings,
            sealed: sealed.as_deref(),
            poll_interval_secs: checked.poll_interval_secs,
        },
        errors,
    )
    .await?;
    Ok(stored.then_some(id))
}

/// Whether platforms post webhooks for channels of this kind to our address.
pub fn takes_webhooks(kind: &str) -> bool {
    matches!(kind, "shopify" | "ebay" | "shopee")
}
