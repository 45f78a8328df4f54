//! The OpenAPI 3.1 description of `/api/v1`, served at `GET /api/v1/openapi.json` without
//! authentication. Written by hand next to the handlers; the schemathesis contract test
//! (`crates/server/tests/api/api_contract.rs`) checks every response against it.

use aftersail_domain::ticket::{Priority, Status, TicketType};
use axum::Json;
use serde_json::{json, Map, Value};

use super::auth::Scope;

pub async fn document() -> Json<Value> {
    Json(spec())
}

fn schema(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn nullable(ty: &str) -> Value {
    json!({ "type": [ty, "null"] })
}

fn nullable_format(ty: &str, format: &str) -> Value {
    json!({ "type": [ty, "null"], "format": format })
}

fn uuid() -> Value {
    json!({ "type": "string", "format": "uuid" })
}

fn time() -> Value {
    json!({ "type": "string", "format": "date-time" })
}

fn strings() -> Value {
    json!({ "type": "array", "items": { "type": "string" } })
}

fn codes<T: Copy>(all: &[T], as_str: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| as_str(*v)).collect()
}

/// An object whose properties are all required (responses always carry every key).
fn object(properties: Value) -> Value {
    let required: Vec<String> = properties
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    json!({ "type": "object", "required": required, "properties": properties })
}

fn page_of(item: &str) -> Value {
    object(json!({
        "data": { "type": "array", "items": schema(item) },
        "next_cursor": nullable("string"),
    }))
}

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": schema("Error") } },
    })
}

fn responses(ok_status: &str, ok_description: &str, ok_schema: Value, conflict: bool) -> Value {
    let mut r = Map::new();
    r.insert(
        ok_status.to_owned(),
        json!({
            "description": ok_description,
            "content": { "application/json": { "schema": ok_schema } },
        }),
    );
    for (status, description) in [
        ("400", "Malformed request (query, cursor or JSON)"),
        ("401", "Missing, unknown, revoked or expired token"),
        ("403", "The token lacks the scope"),
        ("404", "No such resource in this shop"),
        ("413", "Request body larger than 1 MiB"),
        ("422", "Invalid fields (named in error.fields)"),
    ] {
        r.insert(status.to_owned(), error_response(description));
    }
    if conflict {
        r.insert(
            "409".to_owned(),
            error_response("This idempotency key was used already (or is in use)"),
        );
    }
    r.insert(
        "429".to_owned(),
        json!({
            "description": "Rate limit exceeded",
            "headers": { "Retry-After": { "schema": { "type": "integer" } } },
            "content": { "application/json": { "schema": schema("Error") } },
        }),
    );
    Value::Object(r)
}

fn query(name: &str, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "query", "required": false, "description": description, "schema": schema })
}

fn paging() -> Vec<Value> {
    vec![
        query(
            "limit",
            "Page size, 1..100 (default 25)",
            json!({ "type": "integer", "minimum": 1, "maximum": 100 }),
        ),
        query(
            "cursor",
            "next_cursor of the previous page",
            json!({ "type": "string" }),
        ),
    ]
}

fn path(name: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "path", "required": true, "schema": schema })
}

fn number() -> Value {
    path("number", json!({ "type": "integer", "format": "int64" }))
}

fn list_op(id: &str, summary: &str, scope: Scope, item: &str, extra: Vec<Value>) -> Value {
    let mut parameters = paging();
    parameters.extend(extra);
    json!({
        "operationId": id,
        "summary": format!("{summary} (scope {})", scope.as_str()),
        "parameters": parameters,
        "responses": responses("200", "A page", page_of(item), false),
    })
}

fn get_op(id: &str, summary: &str, scope: Scope, param: Value, item: &str) -> Value {
    json!({
        "operationId": id,
        "summary": format!("{summary} (scope {})", scope.as_str()),
        "parameters": [param],
        "responses": responses("200", "Found", schema(item), false),
    })
}

fn body(schema_name: &str) -> Value {
    json!({
        "required": true,
        "content": { "application/json": { "schema": schema(schema_name) } },
    })
}

pub fn spec() -> Value {
    let statuses = codes(Status::ALL, Status::as_str);
    let priorities = codes(Priority::ALL, Priority::as_str);
    let types = codes(TicketType::ALL, TicketType::as_str);
    let scopes: Vec<&str> = Scope::ALL.iter().map(|s| s.as_str()).collect();
    let mut nullable_types: Vec<Value> = types.iter().map(|t| json!(t)).collect();
    nullable_types.push(Value::Null);
    let money = object(json!({
        "amount_minor": { "type": "integer" },
        "currency": { "type": "string" },
    }));
    let tracking = object(json!({
        "carrier": nullable("string"),
        "number": nullable("string"),
    }));
    let schemas = json!({
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {
                        "code": { "type": "string" },
                        "message": { "type": "string" },
                        "fields": { "type": "object", "additionalProperties": { "type": "string" } },
                    },
                },
            },
        },
        "Money": money,
        "Tracking": tracking,
        "Ticket": object(json!({
            "id": uuid(),
            "number": { "type": "integer" },
            "subject": { "type": "string" },
            "status": { "type": "string", "enum": statuses },
            "priority": { "type": "string", "enum": priorities },
            "type": { "enum": nullable_types },
            "channel": { "type": "string" },
            "language": nullable("string"),
            "tags": strings(),
            "intent": nullable("string"),
            "sentiment": nullable("string"),
            "customer_id": uuid(),
            "order_id": nullable_format("string", "uuid"),
            "assignee_id": nullable_format("string", "uuid"),
            "team_id": nullable_format("string", "uuid"),
            "first_response_due_at": nullable_format("string", "date-time"),
            "resolution_due_at": nullable_format("string", "date-time"),
            "created_at": time(),
            "last_message_at": time(),
        })),
        "Message": object(json!({
            "id": uuid(),
            "kind": { "type": "string", "description": "inbound, outbound or note" },
            "author_name": nullable("string"),
            "body_text": { "type": "string" },
            "language": nullable("string"),
            "delivery_state": nullable("string"),
            "automated": nullable("string"),
            "created_at": time(),
        })),
        "Customer": object(json!({
            "id": uuid(),
            "name": { "type": "string" },
            "email": nullable("string"),
            "country": nullable("string"),
            "language": nullable("string"),
            "tags": strings(),
            "lifetime_value": schema("Money"),
            "order_count": { "type": "integer" },
            "complaint_count": { "type": "integer" },
            "created_at": time(),
        })),
        "Order": object(json!({
            "id": uuid(),
            "customer_id": uuid(),
            "channel": { "type": "string" },
            "external_id": { "type": "string" },
            "status": { "type": "string" },
            "total": schema("Money"),
            "shipping_country": nullable("string"),
            "tracking": schema("Tracking"),
            "ordered_at": time(),
            "delivered_at": nullable_format("string", "date-time"),
            "items": { "type": "array", "items": object(json!({
                "id": uuid(),
                "sku": { "type": "string" },
                "title": { "type": "string" },
                "quantity": { "type": "integer" },
                "unit_price": schema("Money"),
            })) },
        })),
        "Rma": object(json!({
            "id": uuid(),
            "code": { "type": "string" },
            "order_id": uuid(),
            "customer_id": uuid(),
            "ticket_id": nullable_format("string", "uuid"),
            "status": { "type": "string" },
            "reason": { "type": "string" },
            "resolution": nullable("string"),
            "refund": { "anyOf": [schema("Money"), { "type": "null" }] },
            "tracking": schema("Tracking"),
            "items": { "type": "array", "items": object(json!({
                "order_item_id": uuid(),
                "sku": { "type": "string" },
                "title": { "type": "string" },
                "quantity": { "type": "integer" },
            })) },
            "created_at": time(),
            "updated_at": time(),
        })),
        "Refund": object(json!({
            "id": uuid(),
            "rma_id": uuid(),
            "rma_code": { "type": "string" },
            "order_id": uuid(),
            "amount": schema("Money"),
            "state": { "type": "string", "enum": ["pending_review", "approved", "rejected", "issued", "failed"] },
            "external_id": nullable("string"),
            "created_at": time(),
            "decided_at": nullable_format("string", "date-time"),
            "issued_at": nullable_format("string", "date-time"),
        })),
        "KbArticle": object(json!({
            "id": uuid(),
            "category_id": nullable_format("string", "uuid"),
            "published_at": nullable_format("string", "date-time"),
            "updated_at": time(),
            "translations": { "type": "array", "items": object(json!({
                "locale": { "type": "string" },
                "slug": { "type": "string" },
                "title": { "type": "string" },
                "body_markdown": { "type": "string" },
                "body_html": { "type": "string" },
            })) },
        })),
        "NewTicket": {
            "type": "object",
            "additionalProperties": false,
            "required": ["customer", "subject", "message"],
            "properties": {
                "channel": { "type": "string", "description": "\"api\" (default), a channel kind of the shop such as \"email\", or a channel id" },
                "customer": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["email"],
                    "properties": {
                        "email": { "type": "string", "format": "email" },
                        "name": { "type": ["string", "null"], "maxLength": 100 },
                    },
                },
                "subject": { "type": "string", "minLength": 1, "maxLength": 500 },
                "message": { "type": "string", "minLength": 1, "maxLength": 50000 },
                "idempotency_key": { "type": "string", "minLength": 16, "maxLength": 100,
                                     "description": "A retry with the same key answers 200 with the ticket the first request created" },
            },
        },
        "TicketChanges": {
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "status": { "type": "string", "enum": statuses },
                "priority": { "type": "string", "enum": priorities },
                "type": { "enum": nullable_types },
                "tags": { "type": "array", "maxItems": 20, "items": { "type": "string", "maxLength": 40 } },
                "assignee": { "type": ["string", "null"], "description": "A person's user id or email; null unassigns" },
            },
        },
        "NewMessage": {
            "type": "object",
            "additionalProperties": false,
            "required": ["body"],
            "properties": {
                "body": { "type": "string", "minLength": 1, "maxLength": 50000 },
                "internal": { "type": "boolean", "description": "An internal note instead of a reply to the buyer" },
                "idempotency_key": { "type": "string", "minLength": 16, "maxLength": 100 },
            },
        },
    });
    let ticket_filters = vec![
        query(
            "status",
            "Only tickets in this status",
            json!({ "type": "string", "enum": statuses }),
        ),
        query(
            "priority",
            "Only tickets with this priority",
            json!({ "type": "string", "enum": priorities }),
        ),
        query(
            "channel",
            "Only tickets of this channel (email, amazon, api, …)",
            json!({ "type": "string", "maxLength": 50 }),
        ),
        query(
            "updated_since",
            "Only tickets changed at or after this time",
            time(),
        ),
    ];
    let mut create_ticket = json!({
        "operationId": "createTicket",
        "summary": "Create a ticket with the buyer's first message (scope tickets:write)",
        "requestBody": body("NewTicket"),
        "responses": responses("201", "Created; Location names it", schema("Ticket"), true),
    });
    let location = json!({ "Location": { "schema": { "type": "string" } } });
    create_ticket["responses"]["201"]["headers"] = location.clone();
    create_ticket["responses"]["200"] = json!({
        "description": "Created before by a request with this idempotency_key",
        "headers": location,
        "content": { "application/json": { "schema": schema("Ticket") } },
    });
    let paths = json!({
        "/tickets": {
            "get": list_op("listTickets", "List tickets in creation order", Scope::TicketsRead, "Ticket", ticket_filters),
            "post": create_ticket,
        },
        "/tickets/{number}": {
            "get": get_op("getTicket", "A ticket by number", Scope::TicketsRead, number(), "Ticket"),
            "patch": {
                "operationId": "updateTicket",
                "summary": "Change status, priority, type, tags or assignee (scope tickets:write)",
                "parameters": [number()],
                "requestBody": body("TicketChanges"),
                "responses": responses("200", "Changed", schema("Ticket"), false),
            },
        },
        "/tickets/{number}/messages": {
            "get": list_op("listTicketMessages", "A ticket's messages, oldest first", Scope::TicketsRead, "Message", vec![number()]),
            "post": {
                "operationId": "createTicketMessage",
                "summary": "Reply to the buyer (through the outbox) or add an internal note (scope tickets:write)",
                "parameters": [number()],
                "requestBody": body("NewMessage"),
                "responses": responses("201", "Stored", schema("Message"), true),
            },
        },
        "/customers": { "get": list_op("listCustomers", "List customers by name", Scope::CustomersRead, "Customer", vec![]) },
        "/customers/{id}": { "get": get_op("getCustomer", "A customer", Scope::CustomersRead, path("id", uuid()), "Customer") },
        "/orders": { "get": list_op("listOrders", "List orders with items and tracking", Scope::OrdersRead, "Order", vec![]) },
        "/orders/{id}": { "get": get_op("getOrder", "An order with items and tracking", Scope::OrdersRead, path("id", uuid()), "Order") },
        "/rmas": { "get": list_op("listRmas", "List returns", Scope::ReturnsRead, "Rma", vec![]) },
        "/rmas/{code}": { "get": get_op("getRma", "A return by code (RMA-000001)", Scope::ReturnsRead, path("code", json!({ "type": "string", "maxLength": 40 })), "Rma") },
        "/refunds": { "get": list_op("listRefunds", "List refunds", Scope::ReturnsRead, "Refund", vec![]) },
        "/refunds/{id}": { "get": get_op("getRefund", "A refund", Scope::ReturnsRead, path("id", uuid()), "Refund") },
        "/kb/articles": { "get": list_op("listKbArticles", "List published articles with all translations", Scope::KbRead, "KbArticle", vec![]) },
        "/kb/articles/{id}": { "get": get_op("getKbArticle", "A published article with all translations", Scope::KbRead, path("id", uuid()), "KbArticle") },
    });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Aftersail API",
            "version": "1",
            "description": format!(
                "Bearer tokens from Settings → API. Scopes: {}. Lists are keyset-paginated \
                 (limit, cursor → next_cursor). Authenticated responses carry RateLimit-Limit, \
                 RateLimit-Remaining and RateLimit-Reset.",
                scopes.join(", ")
            ),
        },
        "servers": [{ "url": "/api/v1" }],
        "security": [{ "bearer": [] }],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer", "description": "as_… token from Settings → API" },
            },
        },
    })
}
