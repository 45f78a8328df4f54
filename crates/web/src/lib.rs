//! The HTTP layer: the agent app, settings and operability endpoints.
//!
//! Every feature module exposes `router()`; [`router`] merges them and adds the shared
//! layers (session resolution, CSRF, error rendering, metrics, security headers).

pub mod api;
pub mod auth;
pub mod connectors;
pub mod error;
pub mod i18n;
pub mod live;
pub mod locale;
pub mod ops;
pub mod pages;
pub mod portal;
pub mod state;
pub mod webhooks;

use axum::http::{header, HeaderValue};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::Router;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use error::{AppError, AppResult};
pub use ops::metrics_handle;
pub use state::{AppState, ShopifyApp, WebConfig};

const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

pub fn router(state: AppState) -> Router {
    let app = Router::new()
        .merge(pages::accounts::router())
        .merge(pages::inbox::router())
        .merge(pages::workplace::router())
        .merge(pages::returns::router())
        .merge(pages::ticket::router())
        .merge(pages::search::router())
        .merge(pages::kb::router())
        .merge(pages::bulk::router())
        .merge(pages::notifications::router())
        .merge(pages::alerts::router())
        .merge(pages::privacy::router())
        .merge(pages::reports::router())
        .merge(live::router())
        .merge(pages::settings::router())
        .fallback(|| async { AppError::NotFound })
        .layer(from_fn_with_state(state.clone(), auth::csrf::verify))
        .layer(from_fn_with_state(state.clone(), auth::session::resolve));

    Router::new()
        .merge(ops::router())
        // Signed by the platform, not by a session: outside the session and CSRF layers.
        .merge(webhooks::router())
        // Bearer tokens, not sessions: outside the session and CSRF layers.
        .merge(api::router(state.clone()))
        // The buyer return portal: no agent session; signed-out CSRF inside its own router.
        .merge(portal::router(state.clone()))
        .nest_service("/static", ServeDir::new(&state.config.static_dir))
        .merge(app)
        .layer(from_fn(error::render_errors))
        .layer(from_fn(ops::track))
        .layer(TraceLayer::new_for_http())
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .with_state(state)
}
