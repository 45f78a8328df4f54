//! Settings: the user's own profile, and (for admins and owners) people, teams, reply
//! templates, channels and the audit log.

mod audit_log;
mod channels;
mod marketplaces;

pub(crate) use channels::origin;
mod people;
mod profile;
mod returns;
mod teams;
mod templates;

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
        .merge(audit_log::router())
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
        _ => return None,
    })
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct NoticeQuery {
    pub notice: Option<String>,
}
