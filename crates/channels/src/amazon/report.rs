//! Reports API 2021-06-30: `createReport`, `getReport` (processing status), and
//! `getReportDocument` then the download of its pre-signed URL (GZIP-compressed when
//! `compressionAlgorithm` says so), decoded to text.

use std::io::Read;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::client::{ApiError, SpClient};
use super::orders::timestamp;
use super::rate::ops;
use crate::ConnectorError;

/// The merchant-fulfilled returns report, by return request date (tab-separated).
pub const RETURNS_REPORT_TYPE: &str = "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE";

/// The most a decompressed report may hold (a guard against a runaway download).
const MAX_REPORT_BYTES: u64 = 256 << 20;

/// Where a report stands (`processingStatus`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportStatus {
    /// `IN_QUEUE` or `IN_PROGRESS`: come back later.
    Pending(String),
    /// `DONE`, with the document to download.
    Done { document_id: Option<String> },
    /// `CANCELLED`: cancelled, or Amazon had no data for the period.
    Cancelled,
    /// `FATAL`: the report failed.
    Fatal,
}

/// Requests a report of `report_type` over `[start, end]`; returns its id.
pub async fn create(
    client: &SpClient,
    report_type: &str,
    marketplace_ids: &[String],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<String, ApiError> {
    let answer = client
        .post(
            &ops::CREATE_REPORT,
            &["reports", "2021-06-30", "reports"],
            &[],
            &json!({
                "reportType": report_type,
                "marketplaceIds": marketplace_ids,
                "dataStartTime": timestamp(start),
                "dataEndTime": timestamp(end),
            }),
        )
        .await?;
    answer
        .get("reportId")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| {
            ConnectorError::Permanent("Amazon createReport: the answer has no reportId".into())
                .into()
        })
}

/// The processing status of report `report_id`.
pub async fn status(client: &SpClient, report_id: &str) -> Result<ReportStatus, ApiError> {
    let answer = client
        .get(
            &ops::GET_REPORT,
            &["reports", "2021-06-30", "reports", report_id],
            &[],
        )
        .await?;
    let status = answer
        .get("processingStatus")
        .and_then(Value::as_str)
        .unwrap_or_default();
    Ok(match status {
        "DONE" => ReportStatus::Done {
            document_id: answer
                .get("reportDocumentId")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
        },
        "CANCELLED" => ReportStatus::Cancelled,
        "FATAL" => ReportStatus::Fatal,
        other => ReportStatus::Pending(other.to_owned()),
    })
}

/// Where to download a report document.
#[derive(Clone, PartialEq, Eq)]
pub struct Document {
    /// Pre-signed, valid for five minutes; not logged.
    pub url: String,
    pub gzip: bool,
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("url", &"<pre-signed>")
            .field("gzip", &self.gzip)
            .finish()
    }
}

/// `getReportDocument`: the download URL of document `document_id`.
pub async fn document(client: &SpClient, document_id: &str) -> Result<Document, ApiError> {
    let answer = client
        .get(
            &ops::GET_REPORT_DOCUMENT,
            &["reports", "2021-06-30", "documents", document_id],
            &[],
        )
        .await?;
    let url = answer
        .get("url")
        .and_then(Value::as_str)
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .ok_or_else(|| {
            ApiError::from(ConnectorError::Permanent(
                "Amazon getReportDocument: the answer has no download URL".into(),
            ))
        })?;
    let gzip = match answer.get("compressionAlgorithm").and_then(Value::as_str) {
        None => false,
        Some(a) if a.eq_ignore_ascii_case("GZIP") => true,
        Some(other) => {
            return Err(ConnectorError::Permanent(format!(
                "Amazon getReportDocument: unknown compression {other:?}"
            ))
            .into())
        }
    };
    Ok(Document {
        url: url.to_owned(),
        gzip,
    })
}

/// Downloads `doc` and returns its text. `fallback_charset` decodes a document that is
/// neither declared (`Content-Type: …; charset=`) nor valid UTF-8 (Amazon writes some
/// marketplaces' flat files in Shift_JIS or Windows-1252).
pub async fn download(
    client: &SpClient,
    doc: &Document,
    fallback_charset: &str,
) -> Result<String, ConnectorError> {
    let (bytes, content_type) = client.download("report document", &doc.url).await?;
    let bytes = if doc.gzip { gunzip(&bytes)? } else { bytes };
    Ok(decode(&bytes, content_type.as_deref(), fallback_charset))
}

/// Decompresses a GZIP document; a broken one is worth another download.
pub fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, ConnectorError> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .take(MAX_REPORT_BYTES)
        .read_to_end(&mut out)
        .map_err(|e| {
            ConnectorError::Transient(format!(
                "Amazon report document: GZIP data is damaged ({e})"
            ))
        })?;
    Ok(out)
}

/// Bytes → text: the declared charset, else UTF-8, else `fallback_charset`. A UTF-8 byte
/// order mark is dropped.
pub fn decode(bytes: &[u8], content_type: Option<&str>, fallback_charset: &str) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let declared = content_type.and_then(|ct| {
        ct.split(';')
            .filter_map(|p| p.trim().split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("charset"))
            .map(|(_, v)| v.trim().trim_matches('"').to_owned())
    });
    let decoder =
        |name: &str| mail_parser::decoders::charsets::map::charset_decoder(name.as_bytes());
    if let Some(charset) = declared {
        if charset.eq_ignore_ascii_case("utf-8") || charset.eq_ignore_ascii_case("utf8") {
            return String::from_utf8_lossy(bytes).into_owned();
        }
        if let Some(decode) = decoder(&charset) {
            return decode(bytes);
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => match decoder(fallback_charset) {
            Some(decode) => decode(bytes),
            None => String::from_utf8_lossy(bytes).into_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn decodes_declared_utf8_and_fallback_charsets() {
        assert_eq!(
            decode("\u{feff}Größe".as_bytes(), None, "windows-1252"),
            "Größe"
        );
        // "Größe" in Windows-1252, undeclared.
        assert_eq!(decode(b"Gr\xf6\xdfe", None, "windows-1252"), "Größe");
        // "返品" in Shift_JIS, declared.
        assert_eq!(
            decode(
                b"\x95\xd4\x95\x69",
                Some("text/plain;charset=Shift_JIS"),
                "windows-1252"
            ),
            "返品"
        );
        assert_eq!(decode(b"\x95\xd4\x95\x69", None, "shift_jis"), "返品");
        assert_eq!(
            decode("ok".as_bytes(), Some("text/plain; charset=\"UTF-8\""), "x"),
            "ok"
        );
    }

    #[test]
    fn gunzips_and_refuses_damaged_data() {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all("Order ID\tAmazon RMA ID\n".as_bytes())
            .unwrap();
        let gz = enc.finish().unwrap();
        assert_eq!(gunzip(&gz).unwrap(), b"Order ID\tAmazon RMA ID\n");
        assert!(matches!(
            gunzip(&gz[..gz.len() / 2]),
            Err(ConnectorError::Transient(_))
        ));
        assert!(matches!(
            gunzip(b"plain text"),
            Err(ConnectorError::Transient(_))
        ));
    }
}
