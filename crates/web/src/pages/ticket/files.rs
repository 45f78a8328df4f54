//! Attachment downloads. Only raster images are shown inline; everything else (HTML, SVG,
//! PDFs, archives) is downloaded, sandboxed, so a buyer's file can never run as our page.

use aftersail_db::{attachments, tickets};
use aftersail_domain::AttachmentId;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/tickets/{number}/attachments/{id}", get(download))
}

const INLINE_TYPES: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp"];

async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((number, id)): Path<(i64, AttachmentId)>,
) -> AppResult<Response> {
    let mut tx = user.tx(&state).await?;
    let ticket = tickets::get_by_number(&mut tx, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let (meta, data) = attachments::get(&mut tx, ticket.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let inline = INLINE_TYPES.contains(&meta.content_type.as_str());
    let content_type = if inline {
        meta.content_type.as_str()
    } else {
        "application/octet-stream"
    };
    let disposition = content_disposition(inline, &meta.filename);
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_str(content_type)
                .unwrap_or(HeaderValue::from_static("application/octet-stream")),
        ),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("sandbox; default-src 'none'"),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, max-age=3600"),
        ),
    ];
    Ok((headers, data).into_response())
}

/// `attachment; filename="photo.jpg"; filename*=UTF-8''%E7%85%A7.jpg`: an ASCII name for old
/// clients and the real one (RFC 6266/5987) for everyone else.
fn content_disposition(inline: bool, filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in filename.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    let kind = if inline { "inline" } else { "attachment" };
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispositions_carry_an_ascii_and_a_utf8_name() {
        assert_eq!(
            content_disposition(false, "破损 photo.jpg"),
            "attachment; filename=\"__ photo.jpg\"; filename*=UTF-8''%E7%A0%B4%E6%8D%9F%20photo.jpg"
        );
        assert_eq!(
            content_disposition(true, "a.png"),
            "inline; filename=\"a.png\"; filename*=UTF-8''a.png"
        );
    }
}
