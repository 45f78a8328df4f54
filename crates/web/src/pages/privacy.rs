//! Privacy for one customer or ticket: the customer page with its export (admins) and
//! erasure (owners), and a ticket's evidence pack for a marketplace appeal (any agent).
//! Archives are built in memory, up to [`MAX_FILE_BYTES`] of stored files. See docs/privacy.md.

use std::collections::HashSet;
use std::io::Write as _;

use aftersail_db::customers::{self, Customer};
use aftersail_db::privacy::{self, StoredFile};
use aftersail_db::rmas::{self, RmaRow};
use aftersail_db::tickets::{self, InboxRow};
use aftersail_domain::{CustomerId, Role};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::settings::NoticeQuery;
use crate::pages::{render, Shell};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/customers/{id}", get(customer_page))
        .route("/customers/{id}/export", post(export))
        .route("/customers/{id}/erase", get(erase_page).post(erase))
        .route("/tickets/{number}/evidence", post(evidence))
}

/// Most bytes of stored files (attachments and photos) one archive takes.
pub const MAX_FILE_BYTES: i64 = 200 * 1024 * 1024;
/// What the owner types to confirm an erasure.
pub const ERASE_WORD: &str = "ERASE";

// ---- the customer page ------------------------------------------------------------

#[derive(Template)]
#[template(path = "workplace/customer.html")]
struct CustomerPage<'a> {
    shell: Shell<'a>,
    customer: Customer,
    tickets: Vec<InboxRow>,
    returns: Vec<RmaRow>,
}

async fn customer_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<CustomerId>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Html<String>> {
    let mut tx = user.tx(&state).await?;
    let customer = customers::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let tickets = tickets::for_customer(&mut tx, id).await?;
    let returns = rmas::for_customer(&mut tx, id).await?;
    tx.commit().await?;
    let t = user.t();
    let notice = match q.notice.as_deref() {
        Some("erased") => Some(t.pv_erased_notice),
        _ => None,
    };
    render(&CustomerPage {
        shell: Shell::new(&user, "customers").with_notice(notice),
        customer,
        tickets,
        returns,
    })
}

impl CustomerPage<'_> {
    fn is_owner(&self) -> bool {
        self.shell.user.role() == Role::Owner
    }
}

// ---- export ------------------------------------------------------------------------

async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<CustomerId>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let document = privacy::customer_document(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let size = privacy::customer_files_size(&mut tx, id).await?;
    if size > MAX_FILE_BYTES {
        return Err(AppError::TooLarge(
            user.t()
                .fill(user.t().pv_too_large, MAX_FILE_BYTES / (1024 * 1024)),
        ));
    }
    let attachments = privacy::customer_attachments(&mut tx, id).await?;
    let photos = privacy::customer_rma_photos(&mut tx, id).await?;
    user.audit(
        &mut tx,
        "customer.exported",
        "customer",
        id.0,
        serde_json::json!({
            "attachments": attachments.len(),
            "rma_photos": photos.len(),
            "bytes": size,
        }),
    )
    .await?;
    tx.commit().await?;

    let mut entries = vec![("customer.json".to_owned(), pretty(&document)?)];
    entries.extend(file_entries("attachments", attachments));
    entries.extend(file_entries("rma-photos", photos));
    zip_response(entries, &format!("customer-{}.zip", id.0)).await
}

// ---- erasure -----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "workplace/customer_erase.html")]
struct ErasePage<'a> {
    shell: Shell<'a>,
    customer: Customer,
    error: Option<String>,
    word: &'static str,
}

fn require_owner(user: &CurrentUser) -> AppResult<()> {
    if user.role() == Role::Owner {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn erase_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<CustomerId>,
) -> AppResult<Html<String>> {
    require_owner(&user)?;
    let mut tx = user.tx(&state).await?;
    let customer = customers::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    render(&ErasePage {
        shell: Shell::new(&user, "customers"),
        customer,
        error: None,
        word: ERASE_WORD,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EraseForm {
    confirm: String,
}

async fn erase(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<CustomerId>,
    Form(form): Form<EraseForm>,
) -> AppResult<Response> {
    require_owner(&user)?;
    let mut tx = user.tx(&state).await?;
    let customer = customers::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if form.confirm.trim() != ERASE_WORD {
        tx.commit().await?;
        let page = render(&ErasePage {
            shell: Shell::new(&user, "customers"),
            customer,
            error: Some(user.t().fill(user.t().pv_erase_mistyped, ERASE_WORD)),
            word: ERASE_WORD,
        })?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let erased = privacy::erase_customer(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    // Counts only: the audit row must not keep what was erased.
    user.audit(
        &mut tx,
        "customer.erased",
        "customer",
        id.0,
        erased.to_json(),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/customers/{}?notice=erased", id.0)).into_response())
}

// ---- evidence pack -----------------------------------------------------------------

#[derive(Deserialize)]
struct EvidenceDoc {
    ticket: EvTicket,
    customer: Option<EvCustomer>,
    order: Option<EvOrder>,
    #[serde(default)]
    returns: Vec<EvReturn>,
    #[serde(default)]
    messages: Vec<EvMessage>,
}

#[derive(Deserialize)]
struct EvTicket {
    number: i64,
    subject: String,
    status: String,
    channel: String,
    created_at: String,
}

#[derive(Deserialize)]
struct EvCustomer {
    name: String,
    email: Option<String>,
    country: Option<String>,
}

#[derive(Deserialize)]
struct EvOrder {
    number: String,
    channel: String,
    status: String,
    total_minor: i64,
    currency: String,
    ordered_at: String,
    carrier: Option<String>,
    tracking_number: Option<String>,
    tracking_url: Option<String>,
    delivered_at: Option<String>,
    #[serde(default)]
    items: Vec<EvItem>,
}

#[derive(Deserialize)]
struct EvItem {
    sku: String,
    title: String,
    quantity: i64,
    unit_price_minor: i64,
}

#[derive(Deserialize)]
struct EvReturn {
    code: String,
    status: String,
    reason: String,
    resolution: Option<String>,
    created_at: String,
    carrier: Option<String>,
    tracking_number: Option<String>,
    /// What the policy engine decided (domain::returns::Decision as stored).
    decision: Option<serde_json::Value>,
    #[serde(default)]
    events: Vec<EvEvent>,
    #[serde(default)]
    refunds: Vec<EvRefund>,
}

#[derive(Deserialize)]
struct EvEvent {
    at: String,
    kind: String,
    note: Option<String>,
    by: Option<String>,
}

#[derive(Deserialize)]
struct EvRefund {
    amount_minor: i64,
    currency: String,
    state: String,
    issued_at: Option<String>,
}

#[derive(Deserialize)]
struct EvMessage {
    at: String,
    kind: String,
    author: Option<String>,
    body: String,
    #[serde(default)]
    attachments: Vec<String>,
}

#[derive(Template)]
#[template(path = "privacy/evidence.html")]
struct EvidenceSummary<'a> {
    doc: &'a EvidenceDoc,
    shop: &'a str,
    generated_at: String,
}

impl EvidenceSummary<'_> {
    fn money(&self, minor: &i64, currency: &str) -> String {
        aftersail_domain::money::format(*minor, currency)
    }
    /// "eligible · refund 25,00 € · rule eu-damaged · 5 days" from the stored decision.
    fn decision(&self, r: &EvReturn) -> String {
        let Some(d) = r.decision.as_ref().and_then(|d| d.as_object()) else {
            return String::new();
        };
        let mut parts = Vec::new();
        match d.get("eligible").and_then(|e| e.as_bool()) {
            Some(true) => parts.push("eligible".to_owned()),
            Some(false) => parts.push("not eligible".to_owned()),
            None => {}
        }
        if let Some(res) = d.get("resolution").and_then(|v| v.as_str()) {
            parts.push(format!("resolution {res}"));
        }
        if let (Some(minor), Some(currency)) = (
            d.get("refund_minor").and_then(|v| v.as_i64()),
            d.get("currency").and_then(|v| v.as_str()),
        ) {
            parts.push(format!(
                "refund {}",
                aftersail_domain::money::format(minor, currency)
            ));
        }
        if let Some(rule) = d.get("rule").and_then(|v| v.as_str()) {
            parts.push(format!("rule {rule}"));
        }
        if let Some(days) = d.get("days_since").and_then(|v| v.as_i64()) {
            parts.push(format!("{days} days since delivery"));
        }
        parts.join(" · ")
    }
    /// "2026-11-24T09:37:16.123+00:00" → "2026-11-24 09:37 UTC".
    fn when(&self, at: &str) -> String {
        chrono::DateTime::parse_from_rfc3339(at)
            .map(|d| {
                d.with_timezone(&chrono::Utc)
                    .format("%Y-%m-%d %H:%M UTC")
                    .to_string()
            })
            .unwrap_or_else(|_| at.to_owned())
    }
}

async fn evidence(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<i64>,
) -> AppResult<Response> {
    let mut tx = user.tx(&state).await?;
    let ticket = tickets::get_by_number(&mut tx, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut document = privacy::ticket_document(&mut tx, ticket.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let size = privacy::ticket_files_size(&mut tx, ticket.id).await?;
    if size > MAX_FILE_BYTES {
        return Err(AppError::TooLarge(
            user.t()
                .fill(user.t().pv_too_large, MAX_FILE_BYTES / (1024 * 1024)),
        ));
    }
    let files = privacy::ticket_files(&mut tx, ticket.id).await?;
    user.audit(
        &mut tx,
        "ticket.evidence_pack",
        "ticket",
        ticket.id.0,
        serde_json::json!({ "number": number, "files": files.len() }),
    )
    .await?;
    tx.commit().await?;

    if let Some(order) = document.get_mut("order").and_then(|o| o.as_object_mut()) {
        let url = order
            .get("tracking_number")
            .and_then(|n| n.as_str())
            .and_then(|n| {
                aftersail_domain::templates::tracking_url(
                    order.get("carrier").and_then(|c| c.as_str()),
                    n,
                )
            });
        order.insert("tracking_url".into(), serde_json::json!(url));
    }
    let doc: EvidenceDoc =
        serde_json::from_value(document.clone()).map_err(|e| AppError::Internal(e.into()))?;
    let summary = EvidenceSummary {
        doc: &doc,
        shop: user.shop_name(),
        generated_at: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
    }
    .render()?;

    let mut entries = vec![
        ("summary.html".to_owned(), summary.into_bytes()),
        ("ticket.json".to_owned(), pretty(&document)?),
    ];
    let (attachments, photos): (Vec<_>, Vec<_>) = files
        .into_iter()
        .partition(|f| f.folder == number.to_string());
    entries.extend(file_entries("attachments", attachments));
    entries.extend(file_entries("rma-photos", photos));
    zip_response(entries, &format!("evidence-{number}.zip")).await
}

// ---- archives ----------------------------------------------------------------------

fn pretty(value: &serde_json::Value) -> AppResult<Vec<u8>> {
    serde_json::to_vec_pretty(value).map_err(|e| AppError::Internal(e.into()))
}

/// `<top>/<folder>/<file name>`; a name seen twice in a folder gets its id in front.
fn file_entries(top: &str, files: Vec<StoredFile>) -> Vec<(String, Vec<u8>)> {
    let mut seen = HashSet::new();
    files
        .into_iter()
        .map(|f| {
            let name = safe_name(&f.filename);
            let folder = safe_name(&f.folder);
            let mut path = format!("{top}/{folder}/{name}");
            if !seen.insert(path.clone()) {
                path = format!("{top}/{folder}/{}-{name}", f.id);
            }
            (path, f.data)
        })
        .collect()
}

/// The last path segment, without control characters, so a stored name can never point
/// outside its folder when unpacked ("../../x", "C:\\x").
pub fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != ':')
        .take(200)
        .collect();
    match clean.trim() {
        "" | "." | ".." => "file".to_owned(),
        s => s.to_owned(),
    }
}

/// Deflates the entries off the async threads and answers with a download.
async fn zip_response(entries: Vec<(String, Vec<u8>)>, filename: &str) -> AppResult<Response> {
    let bytes = tokio::task::spawn_blocking(move || zip_archive(entries))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(AppError::Internal)?;
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/zip"),
        ),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
                .unwrap_or(HeaderValue::from_static("attachment")),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ];
    Ok((headers, bytes).into_response())
}

pub fn zip_archive(entries: Vec<(String, Vec<u8>)>) -> anyhow::Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        zip.start_file(name, options)?;
        zip.write_all(&data)?;
    }
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_stay_in_their_folder() {
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("C:\\fotos\\破损.jpg"), "破损.jpg");
        assert_eq!(safe_name(".."), "file");
        assert_eq!(safe_name("a\u{0}b.txt"), "ab.txt");
    }

    #[test]
    fn archives_hold_what_was_put_in() {
        let bytes = zip_archive(vec![("a/b.txt".into(), b"hello".to_vec())]).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut s = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("a/b.txt").unwrap(), &mut s).unwrap();
        assert_eq!(s, "hello");
    }
}
