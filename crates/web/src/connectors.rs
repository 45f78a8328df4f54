//! A channel's live connector, for the web side's own calls to a platform (webhook checks,
//! answers to marketplace returns): built from the stored settings and opened credentials,
//! kept per channel in [`AppState::connectors`] so fetched keys and tokens are reused.

use std::sync::Arc;

use aftersail_channels::{kinds, Connector};
use aftersail_db::channels::{secret_owner, Channel};
use aftersail_domain::TenantId;

use crate::state::AppState;

/// The connector of `channel` (of shop `tenant`), or why it cannot be built.
pub fn of(
    state: &AppState,
    tenant: TenantId,
    channel: &Channel,
) -> Result<Arc<dyn Connector>, String> {
    state.connectors.get_or_build(
        &channel.id.to_string(),
        &channel.kind,
        &channel.settings,
        channel.secrets_sealed.as_deref(),
        || {
            let secrets = aftersail_channels::crypto::open_json(
                state.config.secret_key.as_ref(),
                channel.secrets_sealed.as_deref(),
                &secret_owner(tenant, channel.id),
                "no secret key is configured, so credentials cannot be opened",
            )?;
            kinds::build(&channel.kind, &channel.settings, &secrets)
        },
    )
}
