//! Settings: the user's own profile, and (for admins and owners) people, teams, reply
//! templates, channels, translation and the audit log.

mod alerts;
mod api_tokens;
mod audit_log;
mod channels;
mod marketplaces;

pub(crate) use channels::origin;
pub(crate) use returns::reason_label as returns_reason;
mod people;
mod privacy;
mod profile;
mod returns;
mod rules;
mod sla;
mod teams;
mod templates;
pub(crate) mod translation;
mod webhook_endpoints;

use axum::response::Redirect;
use axum::routing::get;
use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/settings",
            get(|| async { Redirect::to("/settings/profile") }),
        )
        .merge(profile::router())
        .merge(people::router())
        .merge(teams::router())
        .merge(templates::router())
        .merge(channels::router())
        .merge(returns::router())
        .merge(rules::router())
        .merge(sla::router())
        .merge(translation::router())
        .merge(webhook_endpoints::router())
        .merge(audit_log::router())
        .merge(alerts::router())
        .merge(api_tokens::router())
        .merge(privacy::router())
}

/// Which settings tab is current, for `templates/settings/_subnav.html`.
pub struct SubNav {
    pub current: &'static str,
}

/// Messages shown after a redirect (`?notice=saved`), from a fixed list so nothing
/// user-supplied is echoed.
pub fn notice(t: &'static crate::i18n::Tr, key: Option<&str>) -> Option<&'static str> {
    Some(match key? {
        "profile_saved" => t.profile_saved,
        "password_changed" => t.password_changed,
        "role_changed" => t.role_changed,
        "deactivated" => t.user_deactivated,
        "reactivated" => t.user_reactivated,
        "invite_revoked" => t.invite_revoked,
        "team_deleted" => t.team_deleted,
        "template_saved" => t.template_saved,
        "template_deleted" => t.template_deleted,
        "channel_saved" => t.channel_saved,
        "channel_paused" => t.channel_paused_notice,
        "channel_resumed" => t.channel_resumed_notice,
        "shopify_connected" => t.shopify_connected,
        "returns_preset_applied" => t.rs_preset_applied,
        "returns_time_zone_saved" => t.rs_time_zone_saved,
        "returns_rule_saved" => t.rs_rule_saved,
        "returns_rule_deleted" => t.rs_rule_deleted,
        "returns_rule_moved" => t.rs_rule_moved,
        "returns_warehouse_saved" => t.rs_warehouse_saved,
        "returns_warehouse_deactivated" => t.rs_warehouse_deactivated,
        "availability_saved" => t.availability_saved,
        "languages_saved" => t.languages_saved,
        "rule_saved" => t.rule_saved,
        "rule_deleted" => t.rule_deleted,
        "rule_moved" => t.rule_moved,
        "rule_enabled" => t.rule_enabled,
        "rule_disabled" => t.rule_disabled,
        "holiday_on" => t.holiday_on_notice,
        "holiday_off" => t.holiday_off_notice,
        "sla_saved" => t.sla_saved,
        "sla_deleted" => t.sla_deleted,
        "sla_moved" => t.sla_moved,
        "sla_enabled" => t.sla_enabled,
        "sla_disabled" => t.sla_disabled,
        "calendar_saved" => t.calendar_saved,
        "calendar_deleted" => t.calendar_deleted,
        "business_calendar_saved" => t.business_calendar_saved,
        "template_body_deleted" => t.template_body_deleted,
        "translation_saved" => t.tr_saved,
        "translation_off" => t.tr_turned_off,
        "glossary_term_saved" => t.glossary_term_saved,
        "glossary_term_deleted" => t.glossary_term_deleted,
        _ => return None,
    })
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct NoticeQuery {
    pub notice: Option<String>,
}

/// An on/off switch as forms send it ("1" or "0").
pub fn parse_switch(t: &'static crate::i18n::Tr, value: &str) -> crate::AppResult<bool> {
    match value {
        "1" | "on" | "true" => Ok(true),
        "0" | "off" | "false" => Ok(false),
        _ => Err(crate::AppError::BadRequest(t.err_400.into())),
    }
}

/// The on/off switch of an entry in an ordered settings list (rules, SLA policies).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct EnabledForm {
    pub enabled: String,
}

impl EnabledForm {
    pub fn enabled(&self, t: &'static crate::i18n::Tr) -> crate::AppResult<bool> {
        parse_switch(t, &self.enabled)
    }
}

/// Moving an entry of an ordered settings list one place up or down.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct MoveForm {
    pub direction: String,
}

impl MoveForm {
    pub fn up(&self, t: &'static crate::i18n::Tr) -> crate::AppResult<bool> {
        match self.direction.as_str() {
            "up" => Ok(true),
            "down" => Ok(false),
            _ => Err(crate::AppError::BadRequest(t.err_400.into())),
        }
    }
}

/// Most language skills one person can list.
pub const MAX_LANGUAGES: usize = 20;

/// A language tag as stored: "de", "pt-br", "zh-hans" (lower case, `-` between subtags).
/// `None` when it is not a tag (2–3 letters, then subtags of 2–8 letters or digits).
pub fn language_code(text: &str) -> Option<String> {
    let code = text.trim().replace('_', "-").to_ascii_lowercase();
    let mut parts = code.split('-');
    let primary = parts.next()?;
    let primary_ok =
        (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase());
    let rest_ok =
        parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    (primary_ok && rest_ok && code.len() <= 35).then_some(code)
}

/// "de, ja,  pt-BR" → ["de", "ja", "pt-br"] (each once); the bad entries as written otherwise.
pub fn language_codes(text: &str) -> Result<Vec<String>, Vec<String>> {
    let mut codes = Vec::new();
    let mut bad = Vec::new();
    for item in text
        .split([',', ' ', ';', '\n'])
        .map(str::trim)
        .filter(|i| !i.is_empty())
    {
        match language_code(item) {
            Some(code) if !codes.contains(&code) => codes.push(code),
            Some(_) => {}
            None => bad.push(item.to_owned()),
        }
    }
    if bad.is_empty() {
        Ok(codes)
    } else {
        Err(bad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_lists_are_normalized_and_checked() {
        assert_eq!(
            language_codes("de, JA,pt_BR  de").unwrap(),
            vec!["de", "ja", "pt-br"]
        );
        assert_eq!(language_codes("").unwrap(), Vec::<String>::new());
        assert_eq!(
            language_codes("de, german, x").unwrap_err(),
            vec!["german", "x"]
        );
        assert_eq!(language_code("zh-Hans").as_deref(), Some("zh-hans"));
        assert_eq!(language_code("中文"), None);
    }
}
