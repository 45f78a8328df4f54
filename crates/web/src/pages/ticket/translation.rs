//! A buyer's message in the agent's language, beside the original. The ticket page asks for
//! it when the message scrolls into view (htmx `revealed`); it is made once per message and
//! language (with the shop's glossary) and kept, so every later view shows it at once.

use aftersail_channels::translate::TranslateRequest;
use aftersail_db::{messages, tickets, translation};
use aftersail_domain::MessageId;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::pages::render;
use crate::pages::settings::translation::translator;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/tickets/{number}/messages/{id}/translation", get(show))
}

/// What replaces the "Translating…" placeholder: the translation, or what went wrong with
/// a "Try again" button.
#[derive(Template)]
#[template(path = "workplace/_translation.html")]
struct TranslationFragment {
    t: &'static Tr,
    number: i64,
    message: MessageId,
    /// The language the message is in, when known.
    from: Option<String>,
    /// The agent's, which the translation is in.
    language: &'static str,
    /// The translation, or the provider's problem.
    outcome: Result<String, String>,
}

/// Any agent of the shop. A ticket of another shop, a message that is not a buyer's message
/// on this ticket, or a shop without a translation service: 404. A provider that fails is
/// a 200 fragment with the error (so htmx shows it), and nothing is kept.
async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((number, id)): Path<(i64, MessageId)>,
) -> AppResult<Response> {
    let reader = user.locale().language();
    let mut tx = user.tx(&state).await?;
    let ticket = tickets::get_by_number(&mut tx, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let message = messages::on_ticket(&mut tx, ticket.id, id)
        .await?
        .filter(|m| m.kind == "inbound")
        .ok_or(AppError::NotFound)?;
    let sealed = translation::sealed_config(&mut tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let kept = translation::cached(&mut tx, id, reader).await?;
    let glossary = match kept {
        Some(_) => Vec::new(),
        None => translation::glossary_entries(&mut tx).await?,
    };
    tx.commit().await?;

    let outcome = match kept {
        Some(text) => Ok(text),
        None => match translator(&state, user.tenant(), &sealed) {
            Err(problem) => Err(problem),
            Ok(translator) => {
                let request = TranslateRequest {
                    text: &message.body_text,
                    source: message.language.as_deref(),
                    target: reader,
                    glossary: &glossary,
                };
                match translator.translate(&request).await {
                    Ok(done) => {
                        let mut tx = user.tx(&state).await?;
                        let kept =
                            translation::store(&mut tx, id, reader, &done.text, done.provider)
                                .await?;
                        tx.commit().await?;
                        Ok(kept)
                    }
                    Err(err) => {
                        tracing::info!(message = %id, error = %err, "buyer message not translated");
                        Err(err.to_string())
                    }
                }
            }
        },
    };
    let fragment = TranslationFragment {
        t: user.t(),
        number,
        message: id,
        from: message.language,
        language: reader,
        outcome,
    };
    Ok(render(&fragment)?.into_response())
}
