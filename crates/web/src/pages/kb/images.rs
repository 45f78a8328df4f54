//! Images for articles: uploaded by editors (only real PNG, JPEG, GIF and WebP images, known
//! by their first bytes, at most 5 MB), answered with the Markdown to paste, and shown to the
//! shop's signed-in people whatever the article's state (the editor's preview of a draft).

use aftersail_db::kb;
use aftersail_domain::attachment::{human_size, safe_filename};
use aftersail_domain::kb as rules;
use aftersail_domain::KbImageId;
use askama::Template;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde_json::json;

use super::text::{kt, Kt};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::{render, Shell};
use crate::portal::photos::sniff;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "kb/_image.html")]
struct ImagePartial<'a> {
    k: &'static Kt,
    markdown: Option<&'a str>,
    error: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "kb/image_result.html")]
struct ImageResultPage<'a> {
    shell: Shell<'a>,
    k: &'static Kt,
    error: String,
    back: String,
}

/// Where to go back to: an editor page of the knowledge base, nothing else.
fn safe_back(back: &str) -> &str {
    if back.starts_with("/kb/") && !back.starts_with("//") && !back.contains(['\\', '\r', '\n']) {
        back
    } else {
        "/kb/new"
    }
}

/// POST /kb/images (multipart: `image`, `back`): stores the image and answers with its
/// Markdown (htmx: a fragment; otherwise back to the editor, which shows it).
pub(super) async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    request: Request,
) -> AppResult<Response> {
    user.require_admin()?;
    let k = kt(user.locale());
    let htmx = headers.contains_key("hx-request");
    let unreadable = || AppError::BadRequest(user.t().err_400.into());
    let mut form = Multipart::from_request(request, &())
        .await
        .map_err(|_| unreadable())?;
    let mut back = String::new();
    let mut file: Option<(String, Vec<u8>, usize)> = None;
    while let Some(mut field) = form.next_field().await.map_err(|_| unreadable())? {
        match field.name().unwrap_or_default() {
            "back" => back = field.text().await.map_err(|_| unreadable())?,
            "image" => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let mut data = Vec::new();
                let mut size = 0usize;
                while let Some(chunk) = field.chunk().await.map_err(|_| unreadable())? {
                    size += chunk.len();
                    if size <= rules::MAX_IMAGE_BYTES {
                        data.extend_from_slice(&chunk);
                    }
                }
                if !(name.is_empty() && size == 0) {
                    file = Some((name, data, size));
                }
            }
            _ => {}
        }
    }
    let back = safe_back(&back).to_owned();
    let problem = match &file {
        None => Some((
            StatusCode::UNPROCESSABLE_ENTITY,
            k.err_image_missing.to_owned(),
        )),
        Some((_, _, size)) if *size > rules::MAX_IMAGE_BYTES => Some((
            StatusCode::PAYLOAD_TOO_LARGE,
            k.fill(
                k.err_image_too_large,
                &[&human_size(rules::MAX_IMAGE_BYTES as u64)],
            ),
        )),
        Some((_, data, _)) if sniff(data).is_none() => Some((
            StatusCode::UNPROCESSABLE_ENTITY,
            k.err_image_type.to_owned(),
        )),
        _ => None,
    };
    if let Some((status, error)) = problem {
        if htmx {
            // htmx shows 2xx answers only: the message goes in the same place as a result.
            return Ok(render(&ImagePartial {
                k,
                markdown: None,
                error: Some(&error),
            })?
            .into_response());
        }
        let page = ImageResultPage {
            shell: Shell::new(&user, "kb"),
            k,
            error,
            back,
        };
        return Ok((status, render(&page)?).into_response());
    }
    let Some((name, data, _)) = file else {
        return Err(unreadable());
    };
    let content_type = sniff(&data).ok_or_else(unreadable)?;
    let filename = safe_filename(&name).unwrap_or_else(|| "image".into());
    let mut tx = user.tx(&state).await?;
    let id = kb::store_image(&mut tx, &filename, content_type, &data, Some(user.id())).await?;
    user.audit(
        &mut tx,
        "kb.image_uploaded",
        "kb_image",
        id.0,
        json!({ "filename": filename, "bytes": data.len() }),
    )
    .await?;
    tx.commit().await?;
    if htmx {
        let markdown = rules::image_markdown(user.shop_slug(), id.0, &filename);
        let html: Html<String> = render(&ImagePartial {
            k,
            markdown: Some(&markdown),
            error: None,
        })?;
        return Ok((StatusCode::CREATED, html).into_response());
    }
    let sep = if back.contains('?') { '&' } else { '?' };
    Ok(Redirect::to(&format!("{back}{sep}image={id}")).into_response())
}

/// The bytes of an image with headers that keep it an image.
pub fn image_response(image: kb::Image, cache: &'static str) -> Response {
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_str(&image.content_type)
                .unwrap_or(HeaderValue::from_static("application/octet-stream")),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("sandbox; default-src 'none'"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
    ];
    (headers, image.data).into_response()
}

/// GET /kb/images/{id}: any image of the shop, for its signed-in people.
pub(super) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<KbImageId>,
) -> AppResult<Response> {
    let mut tx = user.tx(&state).await?;
    let image = kb::image(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(image_response(image, "private, max-age=3600"))
}
