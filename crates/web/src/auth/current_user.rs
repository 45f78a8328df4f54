//! The signed-in user, as an extractor. Handlers that take a `CurrentUser` are login-only;
//! everything they read or write goes through `CurrentUser::tx`, scoped to the user's shop.

use std::sync::Arc;

use aftersail_db::sessions::ResolvedSession;
use aftersail_db::TenantTx;
use aftersail_domain::{Role, SessionId, TenantId, UiLocale, UserId};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::session::SessionCtx;
use crate::error::{AppError, AppResult};
use crate::i18n::{tr, Tr};
use crate::state::AppState;

#[derive(Clone, Debug)]
pub struct CurrentUser(Arc<ResolvedSession>);

impl CurrentUser {
    pub fn id(&self) -> UserId {
        self.0.user_id
    }
    pub fn tenant(&self) -> TenantId {
        self.0.tenant_id
    }
    pub fn session_id(&self) -> SessionId {
        self.0.session_id
    }
    pub fn role(&self) -> Role {
        self.0.user_role
    }
    pub fn name(&self) -> &str {
        &self.0.user_name
    }
    pub fn email(&self) -> &str {
        &self.0.user_email
    }
    pub fn shop_name(&self) -> &str {
        &self.0.tenant_name
    }
    pub fn shop_slug(&self) -> &str {
        &self.0.tenant_slug
    }
    pub fn locale(&self) -> UiLocale {
        self.0.ui_locale
    }
    pub fn t(&self) -> &'static Tr {
        tr(self.0.ui_locale)
    }
    pub fn csrf(&self) -> &str {
        &self.0.csrf_token
    }
    pub fn can_manage_people(&self) -> bool {
        self.role().can_manage_people()
    }

    /// A transaction scoped to this user's shop.
    pub async fn tx(&self, state: &AppState) -> AppResult<TenantTx> {
        Ok(TenantTx::begin(&state.pool, self.tenant()).await?)
    }

    /// Records an action by this user in the shop's audit log, inside `tx`.
    pub async fn audit(
        &self,
        tx: &mut TenantTx,
        action: &str,
        target_type: &str,
        target_id: uuid::Uuid,
        detail: serde_json::Value,
    ) -> AppResult<()> {
        aftersail_db::audit::record(
            tx,
            Some(self.id()),
            action,
            target_type,
            Some(target_id),
            detail,
        )
        .await?;
        Ok(())
    }

    /// 403 unless the user may manage people, teams and shop settings.
    pub fn require_admin(&self) -> AppResult<()> {
        if self.can_manage_people() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<SessionCtx>()
            .map(|SessionCtx(s)| CurrentUser(s.clone()))
            .ok_or(AppError::Unauthorized)
    }
}
