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
            let secrets = match &channel.secrets_sealed {
                None => serde_json::json!({}),
                Some(sealed) => {
                    let key =
                        state.config.secret_key.as_ref().ok_or(
                            "no secret key is configured, so credentials cannot be opened",
                        )?;
                    let plain = key
                        .open(sealed, &secret_owner(tenant, channel.id))
                        .map_err(|e| e.to_string())?;
                    serde_json::from_slice(&plain)
                        .map_err(|_| "stored credentials are not readable".to_owned())?
                }
            };
            kinds::build(&channel.kind, &channel.settings, &secrets)
        },
    )
}
