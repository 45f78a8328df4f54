//! The API's errors: always `{"error": {"code", "message", "fields"?}}` with the right status,
//! never HTML and never database text. Extractor rejections (bad JSON, bad query strings)
//! become the same shape, so fuzzed input gets a 4xx with a reason, not a 500.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(&'static str),
    #[error("this token lacks the scope {0}")]
    Forbidden(&'static str),
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Conflict(&'static str),
    #[error("request body too large (at most 1 MiB)")]
    TooLarge,
    /// Field name → what is wrong with it.
    #[error("invalid fields")]
    Unprocessable(Vec<(String, String)>),
    #[error("rate limit exceeded")]
    TooManyRequests { retry_after_secs: u64 },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> Self {
        ApiError::Internal(err.into())
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// One invalid field.
pub fn invalid(field: &str, message: &str) -> ApiError {
    ApiError::Unprocessable(vec![(field.to_owned(), message.to_owned())])
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = match &self {
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            ApiError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            ApiError::Unprocessable(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            ApiError::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            ApiError::Internal(err) => {
                tracing::error!(error = ?err, "API request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
        };
        let message = match &self {
            ApiError::Internal(_) => "internal error".to_owned(),
            ApiError::Unprocessable(fields) => {
                let names: Vec<&str> = fields.iter().map(|(f, _)| f.as_str()).collect();
                format!("invalid fields: {}", names.join(", "))
            }
            other => other.to_string(),
        };
        let mut error = json!({ "code": code, "message": message });
        if let ApiError::Unprocessable(fields) = &self {
            let map: serde_json::Map<String, serde_json::Value> =
                fields.iter().map(|(f, m)| (f.clone(), json!(m))).collect();
            error["fields"] = serde_json::Value::Object(map);
        }
        let mut response = (status, axum::Json(json!({ "error": error }))).into_response();
        match self {
            ApiError::TooManyRequests { retry_after_secs } => {
                response.headers_mut().insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(retry_after_secs.max(1)),
                );
            }
            ApiError::Unauthorized(_) => {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            _ => {}
        }
        response
    }
}

/// A JSON body; its rejections as [`ApiError`]s (syntax 400, wrong shape 422, too big 413).
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::JsonDataError(e)) => {
                let detail = e.body_text();
                let field = field_of(&detail).unwrap_or("body");
                Err(ApiError::Unprocessable(vec![(field.to_owned(), detail)]))
            }
            Err(JsonRejection::BytesRejection(e))
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                Err(ApiError::TooLarge)
            }
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::BadRequest(
                "expected Content-Type: application/json".into(),
            )),
            Err(e) => Err(ApiError::BadRequest(e.body_text())),
        }
    }
}

/// serde's path to the failing field: "Failed to deserialize the JSON body into the target
/// type: customer.email: invalid type…" → "customer.email".
fn field_of(detail: &str) -> Option<&str> {
    let rest = detail.split_once("target type: ")?.1;
    let (path, _) = rest.split_once(": ")?;
    (!path.contains(' ')).then_some(path)
}

/// A query string; unknown parameters and unparsable values are a 400.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e: QueryRejection| ApiError::BadRequest(e.body_text()))
    }
}

/// Text fields PostgreSQL cannot store (NUL) or that are too long are invalid.
pub fn check_text(field: &str, value: &str, max_chars: usize) -> ApiResult<()> {
    if value.contains('\0') {
        return Err(invalid(field, "must not contain NUL characters"));
    }
    if value.chars().count() > max_chars {
        return Err(invalid(
            field,
            &format!("must be at most {max_chars} characters"),
        ));
    }
    Ok(())
}
