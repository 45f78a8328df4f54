//! Amazon notifications through the seller's SQS queue, read by the worker: stored as
//! deliveries before they are deleted from the queue (a failed delete only means the queue
//! hands them out again, and the dedup drops them), then processed like pushed webhooks.
//! SQS is a local mock here; the client's request signing is checked against AWS's
//! published vectors and a verifying mock in the channels crate's tests.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aftersail_channels::crypto::SecretKey;
use aftersail_db::channels::secret_owner;
use aftersail_domain::{ChannelId, TenantId};
use aftersail_worker::{notification_queue, webhook_processing, Connectors};
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use axum::Json;
use serde_json::{json, Value};

use crate::channel_sync::scalar;
use crate::helpers::*;

#[derive(Default)]
struct Queue {
    messages: VecDeque<(String, String)>,
    deleted: Vec<String>,
    fail_next_delete: bool,
}

async fn sqs(queue: Arc<Mutex<Queue>>) -> String {
    let app = axum::Router::new().route(
        "/",
        axum::routing::post(move |headers: HeaderMap, raw: axum::body::Bytes| {
            let queue = queue.clone();
            async move {
                // SQS's JSON protocol: `application/x-amz-json-1.0`.
                let body: Value = serde_json::from_slice(&raw).unwrap_or_default();
                let target = headers
                    .get("x-amz-target")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                let mut q = queue.lock().unwrap();
                match target {
                    "AmazonSQS.ReceiveMessage" => {
                        // Messages not deleted come back (their visibility timeout is 0 here).
                        let messages: Vec<Value> = q
                            .messages
                            .iter()
                            .map(|(id, body)| json!({ "MessageId": id, "ReceiptHandle": format!("rh-{id}"), "Body": body }))
                            .collect();
                        (AxumStatus::OK, Json(json!({ "Messages": messages })))
                    }
                    "AmazonSQS.DeleteMessageBatch" => {
                        if std::mem::take(&mut q.fail_next_delete) {
                            return (
                                AxumStatus::INTERNAL_SERVER_ERROR,
                                Json(json!({ "__type": "InternalError", "message": "try again" })),
                            );
                        }
                        let entries = body["Entries"].as_array().cloned().unwrap_or_default();
                        let mut ok = Vec::new();
                        for e in entries {
                            let receipt = e["ReceiptHandle"].as_str().unwrap().to_owned();
                            q.messages.retain(|(id, _)| format!("rh-{id}") != receipt);
                            q.deleted.push(receipt);
                            ok.push(json!({ "Id": e["Id"] }));
                        }
                        (AxumStatus::OK, Json(json!({ "Successful": ok, "Failed": [] })))
                    }
                    _ => (AxumStatus::BAD_REQUEST, Json(json!({ "__type": "InvalidAction" }))),
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

fn example(file: &str) -> Value {
    let path = crate::contract::fixture(file);
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    schema["examples"][0].clone()
}

#[tokio::test]
async fn amazon_notifications_are_taken_from_the_queue_stored_once_and_processed() {
    let app = spawn_app().await;
    app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    let queue = Arc::new(Mutex::new(Queue::default()));
    let order_change = example("amazon/OrderChangeNotification.json");
    queue
        .lock()
        .unwrap()
        .messages
        .push_back(("m-1".into(), order_change.to_string()));
    let endpoint = sqs(queue.clone()).await;

    let id = uuid::Uuid::now_v7();
    let sealed = SecretKey::parse(TEST_SECRET_KEY).unwrap().seal(
        json!({ "client_id": "c", "client_secret": "s", "refresh_token": "r",
                "aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "queue-s3cret" })
        .to_string()
        .as_bytes(),
        &secret_owner(TenantId(tenant), ChannelId(id)),
    );
    sqlx::query(
        "INSERT INTO channels (tenant_id, id, kind, name, settings, secrets_sealed, next_poll_at)
         VALUES ($1, $2, 'amazon', 'Amazon US', $3, $4, now() + interval '1 hour')",
    )
    .bind(tenant)
    .bind(id)
    .bind(
        json!({ "region": "na", "marketplace_ids": ["ATVPDKIKX0DER"],
                  "sqs_queue_url": "https://sqs.us-east-1.amazonaws.com/123456789012/sp-api",
                  "sqs_endpoint": endpoint }),
    )
    .bind(sealed)
    .execute(&app.admin)
    .await
    .unwrap();
    let connectors = Connectors::new(Some(SecretKey::parse(TEST_SECRET_KEY).unwrap()));

    // The delete fails: the notification is stored, stays in the queue, comes again, and is
    // stored once.
    queue.lock().unwrap().fail_next_delete = true;
    let wait = Duration::from_millis(100);
    let stored = notification_queue::run_once(&app.pool, &connectors, wait)
        .await
        .unwrap();
    let problem: Option<String> = sqlx::query_scalar("SELECT last_error FROM channels")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(stored, 1, "{problem:?}");
    assert_eq!(queue.lock().unwrap().messages.len(), 1);
    assert_eq!(
        notification_queue::run_once(&app.pool, &connectors, wait)
            .await
            .unwrap(),
        1
    );
    assert!(
        queue.lock().unwrap().messages.is_empty(),
        "deleted once stored"
    );
    assert_eq!(
        notification_queue::run_once(&app.pool, &connectors, wait)
            .await
            .unwrap(),
        0
    );
    let (count, topic): (i64, String) =
        sqlx::query_as("SELECT count(*), min(topic) FROM webhook_events")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!((count, topic.as_str()), (1, "ORDER_CHANGE"));

    let round = webhook_processing::run_once(&app.pool).await.unwrap();
    assert_eq!((round.processed, round.failed), (1, 0));
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM channels WHERE next_poll_at <= now()"
        )
        .await,
        1,
        "an order change makes the channel sync at once"
    );
}
