//! The security sweep (issue 10): every route the app serves, pages and API, requested by
//! every kind of caller with shop A's ids in the path — shop B's owner, admin, agent and API
//! tokens, a signed-out browser, and A's own people and tokens below the route's role or
//! scope. Nothing of A may reach B or the signed-out browser (status and body), nobody below
//! a route's role or scope gets through, nothing of A changes, and nothing answers 5xx.
//!
//! [`ROUTES`] says, per route, who may use it and how its path is filled. The completeness
//! test reads the `.route(…)` calls out of `crates/web/src` and fails, naming them, when the
//! table and the source disagree, so a new route cannot escape the sweep.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::time::{Duration, Instant};

use aftersail_db::{csat, TenantTx};
use aftersail_domain::{Role, TenantId};
use aftersail_server::demo;
use reqwest::{Method, StatusCode};
use uuid::Uuid;

use crate::api_v1::{create_token, seed_extras, ALL_SCOPES};
use crate::helpers::*;

// ---------------------------------------------------------------------------------------
// The route table
// ---------------------------------------------------------------------------------------

/// Who may use a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    /// Anyone: sign-in and sign-up pages, ops endpoints, the API's description.
    Public,
    /// The buyer portal and help center of the shop named in the path (no session).
    Portal,
    /// Platform webhooks: signed by the marketplace, no session or token.
    Platform,
    /// Any signed-in member of the shop.
    Member,
    /// Admins and owners.
    Admin,
    /// Owners only.
    Owner,
    /// A bearer token with this scope.
    Api(&'static str),
}

impl Access {
    fn role(self) -> Option<Role> {
        match self {
            Access::Member => Some(Role::Agent),
            Access::Admin => Some(Role::Admin),
            Access::Owner => Some(Role::Owner),
            _ => None,
        }
    }
}

/// What fills a `{…}` of a path, or a `{…}` in a form value: one of shop A's objects, or a
/// fixed word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Id {
    // A's objects.
    Ticket,
    OtherTicket,
    Message,
    Attachment,
    Customer,
    Rma,
    RmaPhoto,
    Refund,
    Article,
    PublishedArticle,
    KbCategory,
    KbImage,
    Notification,
    Alert,
    Team,
    User,
    Template,
    Channel,
    ApiToken,
    Invitation,
    ReturnRule,
    Warehouse,
    Rule,
    Calendar,
    SlaPolicy,
    Glossary,
    Endpoint,
    Delivery,
    /// The order of A's RMA (its id).
    Order,
    /// The same order's number as the buyer knows it (the portal asks for it).
    OrderNumber,
    // Names that are not secrets (the same in every shop, or public).
    Shop,
    ArticleSlug,
    ArticleLocale,
    TemplateLanguage,
    ChannelKind,
    WebhookKind,
    ReportSection,
    UiLanguage,
    /// An invitation token nobody was sent.
    InviteToken,
    /// Shop B's slug (with A's ids: must not be found).
    OtherShop,
    /// Shop B's CSAT token (used under A's slug: must not be found).
    ForeignCsatToken,
    /// Shop B's buyer's email (with A's order or RMA: must not be found).
    ForeignBuyerEmail,
    /// B's own ticket number and team, for B's own writes that name A's objects in the form.
    OwnTicket,
    OwnTeam,
}

impl Id {
    /// Whether the value names one of A's own objects (so B must get 404 for it).
    fn tenant_owned(self) -> bool {
        self < Id::Shop
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flag {
    None,
    /// A server-sent event stream: status and headers only.
    Stream,
    /// Ends the caller's session: swept last.
    Last,
    /// A probe that pairs A's object with B's shop: whoever asks gets 404.
    Foreign,
    /// Even A's owner gets a 4xx here without more setup (no stored original of the seeded
    /// message, no translation provider, no marketplace channel, no Shopify handshake, the
    /// seeded message is not a failed reply): the positive control accepts a 4xx other than
    /// 401/403.
    NoControl,
}

struct Route {
    method: &'static str,
    path: &'static str,
    access: Access,
    ids: &'static [Id],
    form: &'static [(&'static str, &'static str)],
    flag: Flag,
}

const fn get(path: &'static str, access: Access, ids: &'static [Id]) -> Route {
    Route {
        method: "GET",
        path,
        access,
        ids,
        form: &[],
        flag: Flag::None,
    }
}

const fn post(
    path: &'static str,
    access: Access,
    ids: &'static [Id],
    form: &'static [(&'static str, &'static str)],
) -> Route {
    Route {
        method: "POST",
        path,
        access,
        ids,
        form,
        flag: Flag::None,
    }
}

const fn patch(
    path: &'static str,
    access: Access,
    ids: &'static [Id],
    form: &'static [(&'static str, &'static str)],
) -> Route {
    Route {
        method: "PATCH",
        path,
        access,
        ids,
        form,
        flag: Flag::None,
    }
}

impl Route {
    const fn flag(self, flag: Flag) -> Route {
        Route { flag, ..self }
    }

    fn owns_ids(&self) -> bool {
        self.ids.iter().any(|id| id.tenant_owned())
    }
}

use Access::{Admin, Member, Owner, Platform, Portal, Public};
use Id::*;

const TICKET: &[Id] = &[Ticket];
const TICKET_MSG: &[Id] = &[Ticket, Message];
const RMA: &[Id] = &[Rma];
const ARTICLE: &[Id] = &[Article];
const NONE: &[Id] = &[];
const SHOP: &[Id] = &[Shop];
const RMA_ACTION: &[(&str, &str)] = &[
    ("note", "QXB note"),
    ("resolution", "refund"),
    ("amount", "1.00"),
    ("carrier", "DHL"),
    ("tracking_number", "123"),
    ("label_url", "https://labels.example/l.pdf"),
    ("condition", "as_new"),
];
const ARTICLE_FORM: &[(&str, &str)] = &[
    ("locale", "en"),
    ("title", "QXB hijacked"),
    ("slug", "qxb-hijacked"),
    ("body_markdown", "QXB body"),
];

/// Every route the app serves. Keep in step with `crates/web/src` (the completeness test
/// says what is missing or stale).
const ROUTES: &[Route] = &[
    // Sign-in, sign-up, language, ops.
    get("/", Public, NONE),
    get("/login", Public, NONE),
    post("/login", Public, NONE, &[]),
    post("/logout", Public, NONE, &[]).flag(Flag::Last),
    get("/signup", Public, NONE),
    post("/signup", Public, NONE, &[]),
    get("/invite/{token}", Public, &[InviteToken]),
    post(
        "/invite/{token}",
        Public,
        &[InviteToken],
        &[("name", "QXB"), ("password", "correct horse battery")],
    ),
    get("/lang/{code}", Public, &[UiLanguage]),
    get("/healthz", Public, NONE),
    get("/readyz", Public, NONE),
    get("/metrics", Public, NONE),
    get("/settings", Public, NONE),
    get("/api/v1/openapi.json", Public, NONE),
    // Platform webhooks.
    post(
        "/webhooks/{kind}/{channel_id}",
        Platform,
        &[WebhookKind, Channel],
        &[("payload", "{}")],
    ),
    get(
        "/webhooks/{kind}/{channel_id}",
        Platform,
        &[WebhookKind, Channel],
    ),
    // The buyer portal and help center, under A's slug.
    get("/p/{shop}/returns", Portal, SHOP),
    post(
        "/p/{shop}/returns",
        Portal,
        SHOP,
        &[
            ("number", "{OrderNumber}"),
            ("email", "{ForeignBuyerEmail}"),
        ],
    ),
    post(
        "/p/{shop}/returns/request",
        Portal,
        SHOP,
        &[("token", "forged")],
    ),
    get("/p/{shop}/returns/status", Portal, SHOP),
    post(
        "/p/{shop}/returns/status",
        Portal,
        SHOP,
        &[("code", "{Rma}"), ("email", "{ForeignBuyerEmail}")],
    ),
    get("/p/{shop}/csat/{token}", Portal, &[Shop, ForeignCsatToken]),
    post(
        "/p/{shop}/csat/{token}",
        Portal,
        &[Shop, ForeignCsatToken],
        &[("rating", "good"), ("comment", "QXB")],
    ),
    get("/p/{shop}/help", Portal, SHOP),
    get("/p/{shop}/help/search", Portal, SHOP),
    get("/p/{shop}/help/a/{slug}", Portal, &[Shop, ArticleSlug]),
    post("/p/{shop}/help/feedback", Portal, SHOP, &[]),
    get("/p/{shop}/help/images/{id}", Portal, &[Shop, KbImage]),
    // The agent's workplace.
    get("/inbox", Member, NONE),
    get("/customers", Member, NONE),
    get("/search", Member, NONE),
    get("/events", Member, NONE).flag(Flag::Stream),
    get("/customers/{id}", Member, &[Customer]),
    post("/customers/{id}/export", Admin, &[Customer], &[]),
    get("/customers/{id}/erase", Owner, &[Customer]),
    post(
        "/customers/{id}/erase",
        Owner,
        &[Customer],
        &[("confirm", "ERASE")],
    ),
    post(
        "/tickets/bulk",
        Member,
        NONE,
        &[("ticket", "{Ticket}"), ("action", "status:solved")],
    ),
    get("/tickets/{number}", Member, TICKET),
    post(
        "/tickets/{number}/reply",
        Member,
        TICKET,
        &[
            ("body", "QXB reply"),
            ("idempotency_key", "sweep-reply-0001"),
        ],
    ),
    post(
        "/tickets/{number}/note",
        Member,
        TICKET,
        &[("body", "QXB note")],
    ),
    post(
        "/tickets/{number}/properties",
        Member,
        TICKET,
        &[("status", "solved"), ("priority", "urgent")],
    ),
    post("/tickets/{number}/tags", Member, TICKET, &[("tags", "qxb")]),
    post(
        "/tickets/{number}/merge",
        Member,
        TICKET,
        &[("into", "{OtherTicket}")],
    ),
    post("/tickets/{number}/unread", Member, TICKET, &[]),
    get("/tickets/{number}/presence", Member, TICKET),
    post(
        "/tickets/{number}/presence",
        Member,
        TICKET,
        &[("typing", "1")],
    ),
    post(
        "/tickets/{number}/customer/abusive",
        Member,
        TICKET,
        &[("abusive", "1")],
    ),
    post("/tickets/{number}/evidence", Member, TICKET, &[]),
    get("/tickets/{number}/marketplace-message", Member, TICKET).flag(Flag::NoControl),
    post(
        "/tickets/{number}/marketplace-message",
        Member,
        TICKET,
        &[
            ("action", "general"),
            ("body", "QXB"),
            ("idempotency_key", "sweep-marketplace-0001"),
        ],
    )
    .flag(Flag::NoControl),
    get(
        "/tickets/{number}/attachments/{id}",
        Member,
        &[Ticket, Attachment],
    ),
    get("/tickets/{number}/messages/{id}/html", Member, TICKET_MSG).flag(Flag::NoControl),
    get("/tickets/{number}/messages/{id}/raw", Member, TICKET_MSG).flag(Flag::NoControl),
    get(
        "/tickets/{number}/messages/{id}/translation",
        Member,
        TICKET_MSG,
    )
    .flag(Flag::NoControl),
    post(
        "/tickets/{number}/messages/{id}/retry",
        Member,
        TICKET_MSG,
        &[],
    )
    .flag(Flag::NoControl),
    // Returns and refunds.
    get("/returns", Member, NONE),
    get("/returns/{code}", Member, RMA),
    get("/returns/{code}/photos/{id}", Member, &[Rma, RmaPhoto]),
    post("/returns/{code}/approve", Member, RMA, RMA_ACTION),
    post("/returns/{code}/reject", Member, RMA, RMA_ACTION),
    post("/returns/{code}/override", Member, RMA, RMA_ACTION),
    post("/returns/{code}/note", Member, RMA, RMA_ACTION),
    post("/returns/{code}/label", Member, RMA, RMA_ACTION),
    post("/returns/{code}/in-transit", Member, RMA, RMA_ACTION),
    post("/returns/{code}/received", Member, RMA, RMA_ACTION),
    post("/returns/{code}/inspected", Member, RMA, RMA_ACTION),
    post("/returns/{code}/resolve", Member, RMA, RMA_ACTION),
    post("/returns/{code}/close", Member, RMA, RMA_ACTION),
    post("/returns/{code}/refund-manual", Member, RMA, RMA_ACTION),
    get("/refunds", Member, NONE),
    post(
        "/refunds/decide",
        Member,
        NONE,
        &[("refund", "{Refund}"), ("action", "approve")],
    ),
    // Knowledge base.
    get("/kb", Member, NONE),
    post("/kb", Admin, NONE, ARTICLE_FORM),
    get("/kb/new", Admin, NONE),
    post("/kb/preview", Member, NONE, &[("body_markdown", "**x**")]),
    get("/kb/{id}", Member, ARTICLE),
    post("/kb/{id}", Admin, ARTICLE, ARTICLE_FORM),
    post("/kb/{id}/publish", Admin, ARTICLE, &[("locale", "en")]),
    post("/kb/{id}/unpublish", Admin, ARTICLE, &[("locale", "en")]),
    get("/kb/{id}/delete", Admin, ARTICLE),
    post("/kb/{id}/delete", Admin, ARTICLE, &[]),
    post(
        "/kb/{id}/translations/{locale}/delete",
        Admin,
        &[Article, ArticleLocale],
        &[],
    ),
    post("/kb/images", Admin, NONE, &[]),
    get("/kb/images/{id}", Member, &[KbImage]),
    get("/kb/categories", Admin, NONE),
    post("/kb/categories", Admin, NONE, &[("name_en", "QXB")]),
    get("/kb/categories/{id}", Admin, &[KbCategory]),
    post(
        "/kb/categories/{id}",
        Admin,
        &[KbCategory],
        &[("name_en", "QXB")],
    ),
    post(
        "/kb/categories/{id}/move",
        Admin,
        &[KbCategory],
        &[("direction", "down")],
    ),
    get("/kb/categories/{id}/delete", Admin, &[KbCategory]),
    post("/kb/categories/{id}/delete", Admin, &[KbCategory], &[]),
    // Notifications, alerts, reports.
    get("/notifications", Member, NONE),
    get("/notifications/badge", Member, NONE),
    post("/notifications/read", Member, NONE, &[]),
    post("/notifications/{id}/read", Member, &[Notification], &[]),
    get("/alerts", Member, NONE),
    post("/alerts/{id}/acknowledge", Member, &[Alert], &[]),
    get("/reports", Member, NONE),
    get("/reports/{section}", Member, &[ReportSection]),
    // Settings: the person's own.
    get("/settings/profile", Member, NONE),
    post(
        "/settings/profile",
        Member,
        NONE,
        &[("name", "QXB Person"), ("ui_locale", "en")],
    ),
    post("/settings/password", Member, NONE, &[]),
    post("/settings/language", Member, NONE, &[("ui_locale", "en")]),
    post(
        "/settings/availability",
        Member,
        NONE,
        &[("available", "1")],
    ),
    // Settings: people and teams.
    get("/settings/team", Admin, NONE),
    post(
        "/settings/team/invitations",
        Admin,
        NONE,
        &[("email", "sweep@qxb-invite.example"), ("role", "agent")],
    ),
    post(
        "/settings/invitations/{id}/revoke",
        Admin,
        &[Invitation],
        &[],
    ),
    post(
        "/settings/users/{id}/role",
        Admin,
        &[User],
        &[("role", "admin")],
    ),
    post("/settings/users/{id}/deactivate", Admin, &[User], &[]),
    post("/settings/users/{id}/reactivate", Admin, &[User], &[]),
    post(
        "/settings/users/{id}/languages",
        Admin,
        &[User],
        &[("languages", "de")],
    ),
    post(
        "/settings/users/{id}/available",
        Admin,
        &[User],
        &[("available", "0")],
    ),
    get("/settings/teams", Admin, NONE),
    post("/settings/teams", Admin, NONE, &[("name", "QXB team")]),
    get("/settings/teams/{id}", Admin, &[Team]),
    post(
        "/settings/teams/{id}/rename",
        Admin,
        &[Team],
        &[("name", "QXB renamed")],
    ),
    post("/settings/teams/{id}/delete", Admin, &[Team], &[]),
    post(
        "/settings/teams/{id}/members",
        Admin,
        &[Team],
        &[("user_id", "{User}")],
    ),
    post(
        "/settings/teams/{id}/members/{user_id}/remove",
        Admin,
        &[Team, User],
        &[],
    ),
    get("/settings/audit", Admin, NONE),
    get("/settings/audit.csv", Admin, NONE),
    // Settings: channels.
    get("/settings/channels", Admin, NONE),
    get("/settings/channels/health", Admin, NONE),
    get("/settings/channels/email", Admin, NONE),
    post("/settings/channels/email", Admin, NONE, &[]),
    get("/settings/channels/shopify/install", Admin, NONE).flag(Flag::NoControl),
    post(
        "/settings/channels/shopify/install",
        Admin,
        NONE,
        &[("shop", "qxb.myshopify.com")],
    ),
    get("/settings/channels/shopify/callback", Admin, NONE).flag(Flag::NoControl),
    get("/settings/channels/new/{kind}", Admin, &[ChannelKind]),
    post("/settings/channels/new/{kind}", Admin, &[ChannelKind], &[]),
    get("/settings/channels/{id}", Admin, &[Channel]),
    post(
        "/settings/channels/{id}",
        Admin,
        &[Channel],
        &[("name", "QXB hijacked")],
    ),
    post("/settings/channels/{id}/pause", Admin, &[Channel], &[]),
    post("/settings/channels/{id}/resume", Admin, &[Channel], &[]),
    post("/settings/channels/{id}/test", Admin, &[Channel], &[]),
    // Settings: API tokens and outbound webhooks.
    get("/settings/api", Admin, NONE),
    post(
        "/settings/api",
        Admin,
        NONE,
        &[
            ("name", "QXB token"),
            ("rate_limit", "60"),
            ("scopes", "tickets:read"),
        ],
    ),
    post("/settings/api/{id}/revoke", Admin, &[ApiToken], &[]),
    get("/settings/webhooks", Admin, NONE),
    post(
        "/settings/webhooks",
        Admin,
        NONE,
        &[
            ("url", "https://qxb-hooks.example/in"),
            ("events", "ticket.created"),
        ],
    ),
    post("/settings/webhooks/csat", Admin, NONE, &[("enabled", "1")]),
    get("/settings/webhooks/{id}", Admin, &[Endpoint]),
    post(
        "/settings/webhooks/{id}",
        Admin,
        &[Endpoint],
        &[
            ("url", "https://evil.example/in"),
            ("events", "ticket.created"),
            ("enabled", "1"),
        ],
    ),
    post("/settings/webhooks/{id}/rotate", Admin, &[Endpoint], &[]),
    post("/settings/webhooks/{id}/delete", Admin, &[Endpoint], &[]),
    post("/settings/webhooks/{id}/test", Admin, &[Endpoint], &[]),
    get("/settings/webhooks/{id}/deliveries", Admin, &[Endpoint]),
    post(
        "/settings/webhooks/{id}/deliveries/{delivery}/redeliver",
        Admin,
        &[Endpoint, Delivery],
        &[],
    ),
    // Settings: templates, translation, privacy, alerts.
    get("/settings/templates", Admin, NONE),
    post(
        "/settings/templates",
        Admin,
        NONE,
        &[("name", "QXB template"), ("body", "QXB")],
    ),
    get("/settings/templates/{id}", Admin, &[Template]),
    post(
        "/settings/templates/{id}",
        Admin,
        &[Template],
        &[("name", "QXB hijacked"), ("body", "QXB")],
    ),
    post("/settings/templates/{id}/delete", Admin, &[Template], &[]),
    post(
        "/settings/templates/{id}/bodies/{language}/delete",
        Admin,
        &[Template, TemplateLanguage],
        &[],
    ),
    get("/settings/translation", Admin, NONE),
    post(
        "/settings/translation",
        Admin,
        NONE,
        &[("provider", "none")],
    ),
    post(
        "/settings/translation/test",
        Admin,
        NONE,
        &[("target", "de")],
    ),
    post(
        "/settings/translation/glossary",
        Admin,
        NONE,
        &[("term", "QXBTERM"), ("forms", "")],
    ),
    post(
        "/settings/translation/glossary/{id}/delete",
        Admin,
        &[Glossary],
        &[],
    ),
    get("/settings/privacy", Admin, NONE),
    post("/settings/privacy", Admin, NONE, &[("days", "400")]),
    get("/settings/alerts", Admin, NONE),
    post("/settings/alerts", Admin, NONE, &[]),
    // Settings: returns.
    get("/settings/returns", Admin, NONE),
    post("/settings/returns/preset", Admin, NONE, &[("preset", "uk")]),
    post(
        "/settings/returns/time-zone",
        Admin,
        NONE,
        &[("time_zone", "UTC")],
    ),
    get("/settings/returns/try", Admin, NONE),
    post("/settings/returns/rules", Admin, NONE, &[]),
    get("/settings/returns/rules/{rule_id}", Admin, &[ReturnRule]),
    post(
        "/settings/returns/rules/{rule_id}",
        Admin,
        &[ReturnRule],
        &[],
    ),
    post(
        "/settings/returns/rules/{rule_id}/delete",
        Admin,
        &[ReturnRule],
        &[],
    ),
    post(
        "/settings/returns/rules/{rule_id}/move",
        Admin,
        &[ReturnRule],
        &[("direction", "down")],
    ),
    get("/settings/returns/warehouses", Admin, NONE),
    post("/settings/returns/warehouses", Admin, NONE, &[]),
    get("/settings/returns/warehouses/{id}", Admin, &[Warehouse]),
    post(
        "/settings/returns/warehouses/{id}",
        Admin,
        &[Warehouse],
        &[("name", "QXB hijacked")],
    ),
    post(
        "/settings/returns/warehouses/{id}/deactivate",
        Admin,
        &[Warehouse],
        &[],
    ),
    // Settings: rules.
    get("/settings/rules", Admin, NONE),
    post("/settings/rules", Admin, NONE, &[]),
    get("/settings/rules/new", Admin, NONE),
    post("/settings/rules/holiday", Admin, NONE, &[("enabled", "1")]),
    get("/settings/rules/runs", Admin, NONE),
    get("/settings/rules/{id}", Admin, &[Rule]),
    post("/settings/rules/{id}", Admin, &[Rule], &[("name", "QXB")]),
    post(
        "/settings/rules/{id}/enabled",
        Admin,
        &[Rule],
        &[("enabled", "0")],
    ),
    post(
        "/settings/rules/{id}/move",
        Admin,
        &[Rule],
        &[("direction", "down")],
    ),
    get("/settings/rules/{id}/delete", Admin, &[Rule]),
    post("/settings/rules/{id}/delete", Admin, &[Rule], &[]),
    // Settings: SLA.
    get("/settings/sla", Admin, NONE),
    post(
        "/settings/sla/business-hours",
        Admin,
        NONE,
        &[("calendar", "{Calendar}")],
    ),
    post("/settings/sla/calendars", Admin, NONE, &[]),
    get("/settings/sla/calendars/new", Admin, NONE),
    get("/settings/sla/calendars/{id}", Admin, &[Calendar]),
    post(
        "/settings/sla/calendars/{id}",
        Admin,
        &[Calendar],
        &[("name", "QXB")],
    ),
    get("/settings/sla/calendars/{id}/delete", Admin, &[Calendar]),
    post(
        "/settings/sla/calendars/{id}/delete",
        Admin,
        &[Calendar],
        &[],
    ),
    post("/settings/sla/policies", Admin, NONE, &[]),
    get("/settings/sla/policies/new", Admin, NONE),
    get("/settings/sla/policies/{id}", Admin, &[SlaPolicy]),
    post(
        "/settings/sla/policies/{id}",
        Admin,
        &[SlaPolicy],
        &[("name", "QXB")],
    ),
    post(
        "/settings/sla/policies/{id}/enabled",
        Admin,
        &[SlaPolicy],
        &[("enabled", "0")],
    ),
    post(
        "/settings/sla/policies/{id}/move",
        Admin,
        &[SlaPolicy],
        &[("direction", "down")],
    ),
    get("/settings/sla/policies/{id}/delete", Admin, &[SlaPolicy]),
    post(
        "/settings/sla/policies/{id}/delete",
        Admin,
        &[SlaPolicy],
        &[],
    ),
    // The public REST API.
    get("/api/v1/tickets", Access::Api("tickets:read"), NONE),
    post(
        "/api/v1/tickets",
        Access::Api("tickets:write"),
        NONE,
        &[
            ("customer", r#"{"email": "buyer@qxb-api.example"}"#),
            ("subject", "QXB"),
            ("message", "QXB"),
        ],
    ),
    get(
        "/api/v1/tickets/{number}",
        Access::Api("tickets:read"),
        TICKET,
    ),
    patch(
        "/api/v1/tickets/{number}",
        Access::Api("tickets:write"),
        TICKET,
        &[("status", "solved")],
    ),
    get(
        "/api/v1/tickets/{number}/messages",
        Access::Api("tickets:read"),
        TICKET,
    ),
    post(
        "/api/v1/tickets/{number}/messages",
        Access::Api("tickets:write"),
        TICKET,
        &[("body", "QXB reply")],
    ),
    get("/api/v1/customers", Access::Api("customers:read"), NONE),
    get(
        "/api/v1/customers/{id}",
        Access::Api("customers:read"),
        &[Customer],
    ),
    get("/api/v1/orders", Access::Api("orders:read"), NONE),
    get("/api/v1/orders/{id}", Access::Api("orders:read"), &[Order]),
    get("/api/v1/rmas", Access::Api("returns:read"), NONE),
    get("/api/v1/rmas/{code}", Access::Api("returns:read"), RMA),
    get("/api/v1/refunds", Access::Api("returns:read"), NONE),
    get(
        "/api/v1/refunds/{id}",
        Access::Api("returns:read"),
        &[Refund],
    ),
    get("/api/v1/kb/articles", Access::Api("kb:read"), NONE),
    get(
        "/api/v1/kb/articles/{id}",
        Access::Api("kb:read"),
        &[PublishedArticle],
    ),
];

/// Besides the paths: A's ids and marker words in query strings, and A's objects under B's
/// portal. (Form values with A's ids are in [`ROUTES`]: bulk actions, refund decisions,
/// team members, business hours.)
const PROBES: &[Route] = &[
    // Search words are part of A's markers ("QXA" of "QXA-SUBJECT"): the page may show back
    // what was typed, but a found row of A would show the whole marker.
    get("/search?q=QXA", Member, NONE),
    get("/search?q=qxa-buyer", Member, NONE),
    get("/search?q=%23{Ticket}", Member, NONE),
    get("/inbox?view=all&assignee={User}", Member, NONE),
    get("/inbox?view=all&team={Team}", Member, NONE),
    get("/customers?after={Customer}", Member, NONE),
    get("/kb?q=body", Member, NONE),
    get("/kb/new?image={KbImage}", Admin, NONE),
    get("/settings/audit?actor={User}", Admin, NONE),
    get("/settings/returns/try?order={Order}", Admin, NONE),
    get("/reports/returns?channel=email&sku=QXA", Member, NONE),
    get(
        "/api/v1/tickets?status=open",
        Access::Api("tickets:read"),
        NONE,
    ),
    get("/p/{Shop}/help/search?q=QXA", Portal, NONE),
    get("/p/{OtherShop}/help/search?q=QXA", Portal, NONE),
    get("/p/{OtherShop}/help/a/{ArticleSlug}", Portal, NONE),
    get("/p/{OtherShop}/help/images/{KbImage}", Portal, NONE).flag(Flag::Foreign),
    // B's own objects and forms, naming A's people, teams, calendars, categories, channels
    // and tickets: nothing of B may come to point at A (checked after the sweep).
    post(
        "/tickets/{OwnTicket}/properties",
        Member,
        NONE,
        &[("assignee", "{User}"), ("team", "{Team}")],
    ),
    post(
        "/tickets/{OwnTicket}/merge",
        Member,
        NONE,
        &[("into", "{Ticket}")],
    ),
    post(
        "/settings/teams/{OwnTeam}/members",
        Admin,
        NONE,
        &[("user_id", "{User}")],
    ),
    post(
        "/settings/sla/policies",
        Admin,
        NONE,
        &[
            ("name", "QXB policy"),
            ("first_h", "1"),
            ("calendar", "{Calendar}"),
            ("breach_notify", "team"),
            ("breach_team", "{Team}"),
        ],
    ),
    post(
        "/kb",
        Admin,
        NONE,
        &[
            ("locale", "en"),
            ("title", "QXB in A's category"),
            ("slug", "qxb-in-a"),
            ("body_markdown", "QXB"),
            ("category", "{KbCategory}"),
        ],
    ),
    patch(
        "/api/v1/tickets/{OwnTicket}",
        Access::Api("tickets:write"),
        NONE,
        &[("assignee", "{User}")],
    ),
    post(
        "/api/v1/tickets",
        Access::Api("tickets:write"),
        NONE,
        &[
            ("channel", "{Channel}"),
            ("customer", r#"{"email": "buyer@qxb-api.example"}"#),
            ("subject", "QXB on A's channel"),
            ("message", "QXB"),
        ],
    ),
];

/// The probes find A's rows for A: (path, what A's owner or a buyer at A must see).
const PROBE_CONTROLS: &[(&str, &str)] = &[
    ("/search?q=QXA", "QXA-SUBJECT"),
    ("/search?q=qxa-buyer", "QXA-CUSTOMER"),
    ("/kb?q=body", "QXA-DRAFT"),
    ("/p/{Shop}/help/search?q=QXA", "QXA-ARTICLE"),
];

// ---------------------------------------------------------------------------------------
// Completeness: the table against the source
// ---------------------------------------------------------------------------------------

/// Every (method, path) declared with `.route(…)` under `crates/web/src`.
fn routes_in_source() -> BTreeSet<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/src");
    let mut files = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read crates/web/src") {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut found = BTreeSet::new();
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap();
        let relative = file
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        // Routers under api/ are nested at /api/v1 (api/mod.rs); any other nest would need
        // teaching here, so it fails instead of hiding routes.
        for (at, _) in source.match_indices(".nest(") {
            let line = &source[at..source[at..].find('\n').map_or(source.len(), |n| at + n)];
            assert!(
                relative == "api/mod.rs" && line.contains(r#".nest("/api/v1", "#),
                "{relative}: a nested router the sweep does not know: {line}"
            );
        }
        for (at, _) in source.match_indices(".route(") {
            let (path, methods) = parse_route(&source, at + ".route(".len(), &relative);
            let path = if relative.starts_with("api/") && !path.starts_with("/api/v1") {
                format!("/api/v1{path}")
            } else {
                path
            };
            assert!(!methods.is_empty(), "{relative}: no method for {path}");
            for method in methods {
                found.insert((method, path.clone()));
            }
        }
    }
    found
}

/// The path (a literal or a `const` of the same file) and the methods of one `.route(`.
fn parse_route(source: &str, start: usize, file: &str) -> (String, Vec<String>) {
    let rest = source[start..].trim_start();
    let (path, after) = if let Some(literal) = rest.strip_prefix('"') {
        let end = literal.find('"').unwrap();
        (literal[..end].to_owned(), &literal[end + 1..])
    } else {
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap();
        let name = &rest[..end];
        let decl = format!("const {name}: &str = \"");
        let at = source
            .find(&decl)
            .unwrap_or_else(|| panic!("{file}: route path {name} is not a const &str here"));
        let value = &source[at + decl.len()..];
        (value[..value.find('"').unwrap()].to_owned(), &rest[end..])
    };
    // The handler chain: from the comma to the `)` closing `.route(`.
    let after = after
        .trim_start()
        .strip_prefix(',')
        .unwrap_or_else(|| panic!("{file}: unexpected text after route path {path}"));
    let mut depth = 1;
    let mut end = 0;
    for (i, c) in after.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    end = i;
                    break;
                }
            }
            _ => {}
        }
    }
    let chain = &after[..end];
    let mut methods = Vec::new();
    for method in [
        "get", "post", "put", "patch", "delete", "head", "options", "any",
    ] {
        let call = format!("{method}(");
        for (at, _) in chain.match_indices(&call) {
            let before = chain[..at].chars().next_back();
            if before.is_none_or(|c| !(c.is_alphanumeric() || c == '_')) {
                methods.push(method.to_uppercase());
            }
        }
    }
    (path, methods)
}

#[test]
fn the_route_table_names_every_route_in_the_source_and_no_other() {
    let source = routes_in_source();
    let table: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    assert_eq!(table.len(), ROUTES.len(), "the table lists a route twice");
    let missing: Vec<_> = source.difference(&table).collect();
    let stale: Vec<_> = table.difference(&source).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "the sweep's route table is out of step with crates/web/src:\n  \
         missing from the table (add them to ROUTES in route_sweep.rs): {missing:?}\n  \
         in the table but not served: {stale:?}"
    );
    // Each table row fills every `{…}` of its path.
    for r in ROUTES {
        assert_eq!(
            r.path.matches('{').count(),
            r.ids.len(),
            "{} {}: one Id per path parameter",
            r.method,
            r.path
        );
    }
    assert!(source.len() > 200, "parsed only {} routes", source.len());
}

// ---------------------------------------------------------------------------------------
// Two shops
// ---------------------------------------------------------------------------------------

/// Strings planted in shop A's data. None may reach anyone outside A; the public ones
/// (shop name, published articles and categories) only on A's own portal and help center.
const PRIVATE_MARKERS: &[&str] = &[
    "QXA-SUBJECT",
    "QXA-MESSAGE",
    "QXA-CUSTOMER",
    "qxa-buyer.",
    "QXA-PERSON",
    "qxa-people.example",
    "QXA-TEAM",
    "QXA-TEMPLATE",
    "QXA-RULE",
    "QXA-SLAPOLICY",
    "QXA-CALENDAR",
    "QXA-WAREHOUSE",
    "QXA-DRAFT",
    "QXA-CHANNEL",
    "QXA-ENDPOINT",
    "qxa-hooks.example",
    "QXAGLOSSARY",
    "QXA-TOKEN",
    "qxa-invite.example",
    "QXA-SKU",
    "QXA-NOTIFICATION",
    "QXA-NOTE",
    "QXA-file",
];
const PUBLIC_MARKERS: &[&str] = &["QXA-SHOP", "QXA-ARTICLE", "QXA-CATEGORY"];

struct ShopData {
    tenant: Uuid,
    slug: String,
    /// owner, admin, agent
    emails: [String; 3],
    ids: HashMap<Id, String>,
    csat_token: String,
    buyer_email: String,
    /// scope → secret ("all" for every scope)
    tokens: BTreeMap<String, String>,
}

impl ShopData {
    fn id(&self, id: Id) -> String {
        self.ids
            .get(&id)
            .unwrap_or_else(|| panic!("no {id:?} seeded"))
            .clone()
    }
}

async fn exec(app: &TestApp, sql: &str, tenant: Uuid) {
    sqlx::query(sql)
        .bind(tenant)
        .execute(&app.admin)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn text(app: &TestApp, sql: &str, tenant: Uuid) -> String {
    sqlx::query_scalar::<_, String>(sql)
        .bind(tenant)
        .fetch_optional(&app.admin)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .unwrap_or_else(|| panic!("nothing seeded for: {sql}"))
}

fn png() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(&[7u8; 64]);
    bytes
}

/// The demo shop (tickets, customers, orders, an RMA, templates, teams, rules, SLA, KB,
/// warehouses), renamed to `slug`, with an admin, plus one of each remaining kind of object.
async fn seed_shop(app: &TestApp, slug: &str, mark: &str) -> ShopData {
    let lower = mark.to_lowercase();
    assert!(demo::seed(&app.pool).await.unwrap(), "demo seeded");
    let tenant: Uuid = sqlx::query_scalar("SELECT id FROM tenants WHERE slug = 'demo'")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    sqlx::query("UPDATE tenants SET slug = $2, name = $3 WHERE id = $1")
        .bind(tenant)
        .bind(slug)
        .bind(format!("{mark}-SHOP Outdoor"))
        .execute(&app.admin)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE users SET email = replace(email, '@demo.example', $2),
                          role = CASE WHEN email LIKE 'li.wei@%' THEN 'admin' ELSE role END
         WHERE tenant_id = $1",
    )
    .bind(tenant)
    .bind(format!("@{lower}-people.example"))
    .execute(&app.admin)
    .await
    .unwrap();
    let emails = ["owner", "li.wei", "anna"].map(|p| format!("{p}@{lower}-people.example"));
    let owner = app.browser();
    let r = owner.log_in(&emails[0], demo::PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{slug} owner signs in");

    // A mailbox, a pending invitation, API tokens, a webhook endpoint with a delivery, a
    // glossary term, a KB image and a draft article, a note with an attachment.
    let r = owner
        .post(
            "/settings/channels/email",
            &[
                ("name", &format!("{mark}-CHANNEL mailbox")),
                ("imap_host", "127.0.0.1"),
                ("imap_port", "993"),
                ("imap_security", "tls"),
                ("imap_username", "u"),
                ("imap_password", "p"),
                ("smtp_host", "127.0.0.1"),
                ("smtp_port", "465"),
                ("smtp_security", "tls"),
                ("from_address", &format!("support@{lower}-people.example")),
                ("poll_interval_secs", "60"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{slug}: channel");
    let r = owner
        .post(
            "/settings/team/invitations",
            &[
                ("email", &format!("invitee@{lower}-invite.example")),
                ("role", "agent"),
            ],
        )
        .await;
    assert!(r.status().is_success(), "{slug}: invitation");
    let mut tokens = BTreeMap::new();
    for scope in ALL_SCOPES {
        let secret = create_token(&owner, &format!("{mark}-TOKEN {scope}"), &[scope]).await;
        tokens.insert(scope.to_string(), secret);
    }
    let all = create_token(&owner, &format!("{mark}-TOKEN all"), ALL_SCOPES).await;
    tokens.insert("all".into(), all);
    let r = owner
        .post(
            "/settings/webhooks",
            &[
                ("url", &format!("https://{lower}-hooks.example/in")),
                ("description", &format!("{mark}-ENDPOINT")),
                ("events", "ticket.updated"),
                ("enabled", "1"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{slug}: webhook endpoint"
    );
    let endpoint = location(&r).split('?').next().unwrap().to_owned();
    let r = owner.post(&format!("{endpoint}/test"), &[]).await;
    assert!(r.status().is_redirection(), "{slug}: test delivery");
    let r = owner
        .post(
            "/settings/translation/glossary",
            &[("term", &format!("{mark}GLOSSARY")), ("forms", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{slug}: glossary term");
    let r = owner
        .post_files(
            "/kb/images",
            &[("back", "/kb/new")],
            vec![("image", "box.png", "image/png", png())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{slug}: KB image");
    let r = owner
        .post(
            "/kb",
            &[
                ("locale", "en"),
                ("title", &format!("{mark}-DRAFT article")),
                ("slug", &format!("draft-{lower}")),
                ("body_markdown", &format!("{mark}-DRAFT body")),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{slug}: draft article");
    let r = owner
        .post_files(
            "/tickets/1000/note",
            &[("body", &format!("{mark}-NOTE with a file"))],
            vec![(
                "attachments",
                &format!("{mark}-file.txt"),
                "text/plain",
                b"attached".to_vec(),
            )],
        )
        .await;
    assert!(r.status().is_redirection(), "{slug}: note with attachment");
    // The portal finds an RMA by the email its buyer gave.
    exec(
        app,
        "UPDATE rmas r SET buyer_email = c.email FROM orders o
         JOIN customers c ON c.tenant_id = o.tenant_id AND c.id = o.customer_id
         WHERE r.tenant_id = $1 AND o.tenant_id = r.tenant_id AND o.id = r.order_id",
        tenant,
    )
    .await;
    // A refund and a published article (the API tests' extras).
    seed_extras(app, tenant).await;

    // What no route creates on demand: an alert, a notification, a CSAT survey, a photo.
    exec(
        app,
        &format!(
            "INSERT INTO alerts (tenant_id, id, kind, key, dedup_key, count, created_at)
             VALUES ($1, gen_random_uuid(), 'return_spike_sku', '{mark}-SKU', 'sweep', 9, now())"
        ),
        tenant,
    )
    .await;
    exec(
        app,
        &format!(
            "INSERT INTO notifications (tenant_id, id, user_id, text)
             SELECT tenant_id, gen_random_uuid(), id, '{mark}-NOTIFICATION'
             FROM users WHERE tenant_id = $1 AND email LIKE 'owner@%'"
        ),
        tenant,
    )
    .await;
    exec(
        app,
        "INSERT INTO rma_photos (tenant_id, id, rma_id, filename, content_type, size_bytes, sha256, data)
         SELECT tenant_id, gen_random_uuid(), id, 'photo.png', 'image/png', 72, 'x', '\\x89504e47'::bytea
         FROM rmas WHERE tenant_id = $1 ORDER BY code LIMIT 1",
        tenant,
    )
    .await;
    let csat_token = format!(
        "{}{}",
        Uuid::new_v4().simple(),
        &Uuid::new_v4().simple().to_string()[..16]
    );
    let ticket: Uuid =
        sqlx::query_scalar("SELECT id FROM tickets WHERE tenant_id = $1 AND number = 1000")
            .bind(tenant)
            .fetch_one(&app.admin)
            .await
            .unwrap();
    let mut tx = TenantTx::begin(&app.pool, TenantId(tenant)).await.unwrap();
    csat::create(
        &mut tx,
        aftersail_domain::TicketId(ticket),
        None,
        "email",
        &csat_token,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    ShopData {
        tenant,
        slug: slug.to_owned(),
        emails,
        ids: HashMap::new(),
        csat_token,
        buyer_email: String::new(),
        tokens,
    }
}

/// Marks A's rows with the private and public markers, and moves A's ticket numbers, RMA
/// codes and return rule ids away from B's (the two shops are seeded alike, so A's `#1000`
/// would otherwise name B's own ticket).
async fn mark_shop_a(app: &TestApp, tenant: Uuid) {
    for sql in [
        "UPDATE tickets SET subject = subject || ' QXA-SUBJECT', number = number + 4000 WHERE tenant_id = $1",
        "SELECT setval(shop_number_sequence($1, 'ticket')::regclass,
                       nextval(shop_number_sequence($1, 'ticket')::regclass) + 4000)",
        "SELECT setval(shop_number_sequence($1, 'rma')::regclass,
                       nextval(shop_number_sequence($1, 'rma')::regclass) + 500)",
        "UPDATE rmas SET code = 'RMA-' || lpad((substring(code from 5)::int + 500)::text, 6, '0') WHERE tenant_id = $1",
        "UPDATE messages SET body_text = body_text || ' QXA-MESSAGE' WHERE tenant_id = $1",
        "UPDATE customers SET name = name || ' QXA-CUSTOMER', email = 'qxa-buyer.' || email WHERE tenant_id = $1",
        "UPDATE rmas SET buyer_email = 'qxa-buyer.' || buyer_email WHERE tenant_id = $1",
        "UPDATE users SET name = name || ' QXA-PERSON' WHERE tenant_id = $1",
        "UPDATE teams SET name = name || ' QXA-TEAM' WHERE tenant_id = $1",
        "UPDATE reply_templates SET name = name || ' QXA-TEMPLATE' WHERE tenant_id = $1",
        "UPDATE rules SET name = name || ' QXA-RULE' WHERE tenant_id = $1",
        "UPDATE sla_policies SET name = name || ' QXA-SLAPOLICY' WHERE tenant_id = $1",
        "UPDATE business_calendars SET name = name || ' QXA-CALENDAR' WHERE tenant_id = $1",
        "UPDATE warehouses SET name = name || ' QXA-WAREHOUSE' WHERE tenant_id = $1",
        "UPDATE kb_article_translations SET title = title || ' QXA-ARTICLE' WHERE tenant_id = $1",
        "UPDATE kb_category_names SET name = name || ' QXA-CATEGORY' WHERE tenant_id = $1",
        "UPDATE return_settings SET policy = replace(policy::text,
             '\"' || (policy->'rules'->0->>'id') || '\"',
             '\"qxa-' || (policy->'rules'->0->>'id') || '\"')::jsonb WHERE tenant_id = $1",
    ] {
        exec(app, sql, tenant).await;
    }
}

/// The ids of one shop's objects, read behind the app's back.
async fn read_ids(app: &TestApp, shop: &mut ShopData) {
    let t = shop.tenant;
    let q = |sql: &'static str| text(app, sql, t);
    let ids: Vec<(Id, String)> = vec![
        (Ticket, q("SELECT min(number)::text FROM tickets WHERE tenant_id = $1").await),
        (OtherTicket, q("SELECT max(number)::text FROM tickets WHERE tenant_id = $1").await),
        (Message, q("SELECT m.id::text FROM messages m JOIN tickets t ON t.tenant_id = m.tenant_id AND t.id = m.ticket_id
                     WHERE m.tenant_id = $1 AND t.number = (SELECT min(number) FROM tickets WHERE tenant_id = $1)
                     ORDER BY m.created_at LIMIT 1").await),
        (Attachment, q("SELECT id::text FROM attachments WHERE tenant_id = $1 LIMIT 1").await),
        (Customer, q("SELECT customer_id::text FROM tickets WHERE tenant_id = $1 ORDER BY number LIMIT 1").await),
        (Rma, q("SELECT code FROM rmas WHERE tenant_id = $1 ORDER BY code LIMIT 1").await),
        (RmaPhoto, q("SELECT id::text FROM rma_photos WHERE tenant_id = $1 LIMIT 1").await),
        (Refund, q("SELECT id::text FROM refunds WHERE tenant_id = $1 LIMIT 1").await),
        (Article, q("SELECT article_id::text FROM kb_article_translations WHERE tenant_id = $1 AND slug LIKE 'draft-%'").await),
        (PublishedArticle, q("SELECT a.id::text FROM kb_articles a WHERE a.tenant_id = $1 AND a.status = 'published' ORDER BY a.id LIMIT 1").await),
        (ArticleSlug, q("SELECT t.slug FROM kb_article_translations t JOIN kb_articles a ON a.tenant_id = t.tenant_id AND a.id = t.article_id
                         WHERE t.tenant_id = $1 AND a.status = 'published' ORDER BY t.slug LIMIT 1").await),
        (KbCategory, q("SELECT id::text FROM kb_categories WHERE tenant_id = $1 ORDER BY id LIMIT 1").await),
        (KbImage, q("SELECT id::text FROM kb_images WHERE tenant_id = $1 LIMIT 1").await),
        (Notification, q("SELECT id::text FROM notifications WHERE tenant_id = $1 LIMIT 1").await),
        (Alert, q("SELECT id::text FROM alerts WHERE tenant_id = $1 LIMIT 1").await),
        (Team, q("SELECT id::text FROM teams WHERE tenant_id = $1 ORDER BY id LIMIT 1").await),
        (User, q("SELECT id::text FROM users WHERE tenant_id = $1 AND email LIKE 'anna@%'").await),
        (Template, q("SELECT template_id::text FROM reply_template_bodies WHERE tenant_id = $1 ORDER BY template_id, language LIMIT 1").await),
        (TemplateLanguage, q("SELECT language FROM reply_template_bodies WHERE tenant_id = $1 ORDER BY template_id, language LIMIT 1").await),
        (Channel, q("SELECT id::text FROM channels WHERE tenant_id = $1 LIMIT 1").await),
        (ApiToken, q("SELECT id::text FROM api_tokens WHERE tenant_id = $1 ORDER BY id LIMIT 1").await),
        (Invitation, q("SELECT id::text FROM invitations WHERE tenant_id = $1 AND accepted_at IS NULL LIMIT 1").await),
        (ReturnRule, q("SELECT policy->'rules'->0->>'id' FROM return_settings WHERE tenant_id = $1").await),
        (Warehouse, q("SELECT id::text FROM warehouses WHERE tenant_id = $1 ORDER BY id LIMIT 1").await),
        (Rule, q("SELECT id::text FROM rules WHERE tenant_id = $1 ORDER BY id LIMIT 1").await),
        (Calendar, q("SELECT id::text FROM business_calendars WHERE tenant_id = $1 LIMIT 1").await),
        (SlaPolicy, q("SELECT id::text FROM sla_policies WHERE tenant_id = $1 ORDER BY id LIMIT 1").await),
        (Glossary, q("SELECT id::text FROM glossary_entries WHERE tenant_id = $1 LIMIT 1").await),
        (Endpoint, q("SELECT id::text FROM webhook_endpoints WHERE tenant_id = $1 LIMIT 1").await),
        (Delivery, q("SELECT id::text FROM webhook_deliveries WHERE tenant_id = $1 LIMIT 1").await),
        (Order, q("SELECT o.id::text FROM rmas r JOIN orders o ON o.tenant_id = r.tenant_id AND o.id = r.order_id
                         WHERE r.tenant_id = $1 ORDER BY r.code LIMIT 1").await),
    ];
    shop.ids.extend(ids);
    shop.ids.insert(OrderNumber, q("SELECT o.external_id FROM rmas r JOIN orders o ON o.tenant_id = r.tenant_id AND o.id = r.order_id
                         WHERE r.tenant_id = $1 ORDER BY r.code LIMIT 1").await);
    shop.buyer_email = q("SELECT c.email FROM rmas r JOIN orders o ON o.tenant_id = r.tenant_id AND o.id = r.order_id
                          JOIN customers c ON c.tenant_id = o.tenant_id AND c.id = o.customer_id
                          WHERE r.tenant_id = $1 ORDER BY r.code LIMIT 1")
    .await;
    shop.ids.insert(Shop, shop.slug.clone());
    shop.ids.insert(ArticleLocale, "en".into());
    shop.ids.insert(ChannelKind, "ebay".into());
    shop.ids.insert(WebhookKind, "email".into());
    shop.ids.insert(ReportSection, "returns".into());
    shop.ids.insert(UiLanguage, "zh-CN".into());
    shop.ids.insert(
        InviteToken,
        "qYx3bM1c8Rk2VwT5nH7pL0sD4fG6jK9aZeUoIuYtRwQ".into(),
    );
}

// ---------------------------------------------------------------------------------------
// Callers
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    SignedOut,
    Session { shop_a: bool, role: Role },
    Token { shop_a: bool, scopes: Vec<String> },
}

struct Actor {
    name: String,
    kind: Kind,
    client: reqwest::Client,
    bearer: Option<String>,
    /// The session's CSRF token (signed in) or the pre-session cookie's (signed out).
    csrf: String,
    /// The pre-session cookie's token, for the portal's forms.
    portal_csrf: String,
}

impl Actor {
    fn shop_a(&self) -> bool {
        matches!(
            self.kind,
            Kind::Session { shop_a: true, .. } | Kind::Token { shop_a: true, .. }
        )
    }
}

async fn signed_out(app: &TestApp, name: &str, kind: Kind, bearer: Option<String>) -> Actor {
    let b = app.browser();
    let csrf = b.csrf_from("/login").await;
    Actor {
        name: name.to_owned(),
        kind,
        client: b.client.clone(),
        bearer,
        portal_csrf: csrf.clone(),
        csrf,
    }
}

async fn member(
    app: &TestApp,
    name: &str,
    email: &str,
    shop_a: bool,
    role: Role,
    portal: &str,
) -> Actor {
    let b = app.browser();
    let r = b.log_in(email, demo::PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{name} signs in");
    let csrf = b.csrf_from("/settings/profile").await;
    let portal_csrf = b.csrf_from(portal).await;
    Actor {
        name: name.to_owned(),
        kind: Kind::Session { shop_a, role },
        client: b.client.clone(),
        bearer: None,
        csrf,
        portal_csrf,
    }
}

// ---------------------------------------------------------------------------------------
// What each caller must get
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Not swept for this caller (A's own people and tokens at or above the route's bar).
    Skip,
    /// Anything but a server error (public routes, B's own pages without A's ids).
    NoServerError,
    /// Refused with one of these statuses.
    Refused(&'static [u16]),
    /// Sent to sign in: a redirect to /login, or 401.
    SignIn,
}

fn expect(route: &Route, actor: &Actor) -> Expect {
    use Expect::*;
    match route.access {
        Public | Platform | Portal if actor.shop_a() => Skip,
        _ if route.flag == Flag::Foreign && !actor.shop_a() => Refused(&[404]),
        Public => NoServerError,
        // An unsigned delivery for A's channel is never accepted.
        Platform => Refused(&[400, 401, 403, 404, 405]),
        Portal if route.ids.contains(&ForeignCsatToken) => Refused(&[404, 429]),
        Portal => NoServerError,
        Access::Api(scope) => match &actor.kind {
            Kind::SignedOut | Kind::Session { .. } => Refused(&[401]),
            Kind::Token { shop_a, scopes } => {
                let has = scopes.iter().any(|s| s == scope);
                match (shop_a, has) {
                    (true, true) => Skip,
                    (true, false) => Refused(&[403]),
                    (false, false) => Refused(&[403, 404]),
                    (false, true) if route.owns_ids() => Refused(&[404]),
                    (false, true) => NoServerError,
                }
            }
        },
        Member | Admin | Owner => {
            let needed = route.access.role().unwrap();
            match &actor.kind {
                Kind::SignedOut | Kind::Token { .. } => SignIn,
                Kind::Session { role, .. } if *role < needed => Refused(&[403, 404]),
                Kind::Session { shop_a: true, .. } => Skip,
                Kind::Session { .. } if route.owns_ids() => Refused(&[404]),
                Kind::Session { .. } => NoServerError,
            }
        }
    }
}

fn fill(template: &str, ids: &[Id], a: &ShopData, b: &ShopData) -> String {
    let value = |id: Id| match id {
        ForeignCsatToken => b.csat_token.clone(),
        OtherShop => b.slug.clone(),
        OwnTicket => b.id(Ticket),
        OwnTeam => b.id(Team),
        ForeignBuyerEmail => b.buyer_email.clone(),
        id => a.id(id),
    };
    let mut out = String::new();
    let mut rest = template;
    let mut next = ids.iter();
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').unwrap() + open;
        out.push_str(&rest[..open]);
        let name = &rest[open + 1..close];
        // Form values name their Id; paths take the route's ids in order.
        if ids.is_empty() {
            match ALL_IDS.iter().find(|(n, _)| *n == name) {
                Some((_, id)) => out.push_str(&value(*id)),
                None => out.push_str(&rest[open..=close]),
            }
        } else {
            out.push_str(&value(
                *next.next().expect("an Id for every path parameter"),
            ));
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The Ids a form value may name as `{Name}`.
const ALL_IDS: &[(&str, Id)] = &[
    ("Ticket", Ticket),
    ("OtherTicket", OtherTicket),
    ("User", User),
    ("Refund", Refund),
    ("Calendar", Calendar),
    ("Rma", Rma),
    ("OrderNumber", OrderNumber),
    ("Order", Order),
    ("Team", Team),
    ("Customer", Customer),
    ("KbImage", KbImage),
    ("ArticleSlug", ArticleSlug),
    ("Shop", Shop),
    ("OtherShop", OtherShop),
    ("OwnTicket", OwnTicket),
    ("OwnTeam", OwnTeam),
    ("Channel", Channel),
    ("KbCategory", KbCategory),
    ("ForeignBuyerEmail", ForeignBuyerEmail),
];

/// The CSRF refusal's page text, in English and Chinese (`/lang/zh-CN` is among the routes,
/// so callers switch language halfway).
const CSRF_REFUSAL: &[&str] = &[
    "Your form expired or came from another site",
    "表单已过期或来自其他网站",
];

struct Answer {
    status: StatusCode,
    location: String,
    body: String,
}

async fn send(base: &str, actor: &Actor, route: &Route, a: &ShopData, b: &ShopData) -> Answer {
    let path = fill(route.path, route.ids, a, b);
    let form: Vec<(String, String)> = route
        .form
        .iter()
        .map(|(k, v)| (k.to_string(), fill(v, &[], a, b)))
        .collect();
    let method = Method::from_bytes(route.method.as_bytes()).unwrap();
    let mut request = actor
        .client
        .request(method.clone(), format!("{base}{path}"));
    if let Some(token) = &actor.bearer {
        request = request.bearer_auth(token);
    }
    if method != Method::GET {
        if path.starts_with("/api/") {
            let body: serde_json::Map<String, serde_json::Value> = form
                .into_iter()
                .map(|(k, v)| {
                    let value = serde_json::from_str(&v).unwrap_or(serde_json::Value::String(v));
                    (k, value)
                })
                .collect();
            request = request.json(&body);
        } else {
            let csrf = match route.access {
                Portal | Platform => &actor.portal_csrf,
                _ => &actor.csrf,
            };
            let mut fields = vec![("_csrf".to_owned(), csrf.clone())];
            fields.extend(form);
            request = request.form(&fields);
        }
    }
    let response = tokio::time::timeout(Duration::from_secs(30), request.send())
        .await
        .unwrap_or_else(|_| {
            panic!(
                "{} {path} as {}: no answer in 30 s",
                route.method, actor.name
            )
        })
        .unwrap();
    let status = response.status();
    let location = location(&response).to_owned();
    let body = if route.flag == Flag::Stream {
        String::new()
    } else {
        response.text().await.unwrap_or_default()
    };
    Answer {
        status,
        location,
        body,
    }
}

/// Sweeps every route for one caller; returns the statuses it got and the problems.
async fn sweep(
    base: &str,
    actor: &Actor,
    a: &ShopData,
    b: &ShopData,
) -> (BTreeMap<u16, usize>, Vec<String>) {
    let mut problems = Vec::new();
    let mut statuses = BTreeMap::new();
    let ordered = ROUTES
        .iter()
        .chain(PROBES)
        .filter(|r| r.flag != Flag::Last)
        .chain(ROUTES.iter().filter(|r| r.flag == Flag::Last));
    for route in ordered {
        let want = expect(route, actor);
        if matches!(want, Expect::Skip) {
            continue;
        }
        let answer = send(base, actor, route, a, b).await;
        *statuses.entry(answer.status.as_u16()).or_insert(0) += 1;
        let what = format!(
            "{} {} as {} → {}",
            route.method,
            fill(route.path, route.ids, a, b),
            actor.name,
            answer.status.as_u16()
        );
        let status = answer.status.as_u16();
        let ok = status < 500
            && match want {
                Expect::Skip | Expect::NoServerError => true,
                Expect::Refused(allowed) => allowed.contains(&status),
                Expect::SignIn => {
                    status == 401
                        || (answer.status.is_redirection() && answer.location.starts_with("/login"))
                }
            };
        // Every caller sends its own valid token: a CSRF refusal means the request never
        // reached the check the sweep is about.
        let ok = ok && !CSRF_REFUSAL.iter().any(|t| answer.body.contains(t));
        if !ok {
            let detail: String = visible(&answer.body).chars().take(160).collect();
            problems.push(format!(
                "{what} (wanted {want:?}) {} {detail}",
                answer.location
            ));
        }
        if !actor.shop_a() {
            // A's public words belong on A's own portal only.
            let public_here = route.access == Portal && !route.path.contains("{OtherShop}");
            let seen = format!("{}\n{}", answer.location, answer.body);
            for leak in leaks(&seen, public_here) {
                problems.push(format!("{what}: shows A's {leak}"));
            }
        }
    }
    (statuses, problems)
}

// ---------------------------------------------------------------------------------------
// A's data, before and after
// ---------------------------------------------------------------------------------------

/// Columns that change by design when others call: when a token was last used (A's own
/// tokens are among the callers), when a session was last seen (A's own people are), and
/// how often a published article was read (the help center is public).
const VOLATILE: &[(&str, &str)] = &[
    ("api_tokens", "last_used_at"),
    ("sessions", "last_seen_at"),
    ("kb_articles", "view_count"),
];
/// Tables that record the callers' failed attempts by design (throttling).
const THROTTLE_TABLES: &[&str] = &["login_attempts", "portal_attempts"];

/// A shop's rows of every table with a `tenant_id`, as JSON text.
async fn all_rows(app: &TestApp, tenant: Uuid) -> String {
    let mut out = String::new();
    for table in tenant_tables(app).await {
        let sql = format!(
            "SELECT coalesce(string_agg(to_jsonb(x)::text, '\n'), '') FROM {table} x WHERE tenant_id = $1"
        );
        let rows: String = sqlx::query_scalar(&sql)
            .bind(tenant)
            .fetch_one(&app.admin)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        out.push_str(&rows);
    }
    let shop: String = sqlx::query_scalar("SELECT to_jsonb(t)::text FROM tenants t WHERE id = $1")
        .bind(tenant)
        .fetch_one(&app.admin)
        .await
        .unwrap();
    out + &shop
}

async fn tenant_tables(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT c.table_name::text FROM information_schema.columns c
         JOIN information_schema.tables t USING (table_schema, table_name)
         WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE'
         ORDER BY 1",
    )
    .fetch_all(&app.admin)
    .await
    .unwrap()
}

/// Per table with a `tenant_id`: A's row count and a hash of A's rows (as JSON).
async fn fingerprint(app: &TestApp, tenant: Uuid) -> BTreeMap<String, (i64, String)> {
    let tables = tenant_tables(app).await;
    assert!(
        tables.len() > 40,
        "found only {} tenant tables",
        tables.len()
    );
    let mut out = BTreeMap::new();
    for table in tables.iter().map(String::as_str).chain(["tenants"]) {
        if THROTTLE_TABLES.contains(&table) {
            continue;
        }
        let drop: Vec<&str> = VOLATILE
            .iter()
            .filter(|(t, _)| *t == table)
            .map(|(_, c)| *c)
            .collect();
        let key = if table == "tenants" {
            "id"
        } else {
            "tenant_id"
        };
        let row = "(to_jsonb(x) - $2::text[])::text";
        let sql = format!(
            "SELECT count(*), coalesce(md5(string_agg({row}, '|' ORDER BY {row})), '')
             FROM {table} x WHERE {key} = $1"
        );
        let (count, hash): (i64, String) = sqlx::query_as(&sql)
            .bind(tenant)
            .bind(&drop)
            .fetch_one(&app.admin)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        out.insert(table.to_owned(), (count, hash));
    }
    out
}

// ---------------------------------------------------------------------------------------
// The sweep
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn no_route_lets_another_shop_or_a_lower_role_read_or_change_anything() {
    let started = Instant::now();
    let app = spawn_app().await;
    let mut a = seed_shop(&app, "shop-a", "QXA").await;
    let mut b = seed_shop(&app, "shop-b", "QXB").await;
    mark_shop_a(&app, a.tenant).await;
    read_ids(&app, &mut a).await;
    read_ids(&app, &mut b).await;
    let seeded = started.elapsed();
    let base = app.address.clone();
    let portal = format!("/p/{}/returns", a.slug);

    // The portal: what a buyer proved in one shop opens nothing in another.
    sqlx::query("DELETE FROM portal_attempts")
        .execute(&app.admin)
        .await
        .unwrap();
    let buyer = app.browser();
    let csrf_cookie = buyer.csrf_from(&portal).await;
    portal_checks(&app, &buyer, &csrf_cookie, &a, &b).await;

    // Callers: B's three people, B's tokens, a signed-out browser, A's admin and agent,
    // A's tokens (each is tried where its scope does not reach).
    let mut actors = vec![
        member(&app, "B owner", &b.emails[0], false, Role::Owner, &portal).await,
        member(&app, "B admin", &b.emails[1], false, Role::Admin, &portal).await,
        member(&app, "B agent", &b.emails[2], false, Role::Agent, &portal).await,
        member(&app, "A admin", &a.emails[1], true, Role::Admin, &portal).await,
        member(&app, "A agent", &a.emails[2], true, Role::Agent, &portal).await,
        signed_out(&app, "signed out", Kind::SignedOut, None).await,
    ];
    for (shop, label, shop_a) in [(&b, "B", false), (&a, "A", true)] {
        for (scope, secret) in &shop.tokens {
            let scopes = if scope == "all" {
                ALL_SCOPES.iter().map(|s| s.to_string()).collect()
            } else {
                vec![scope.clone()]
            };
            let kind = Kind::Token { shop_a, scopes };
            actors.push(
                signed_out(
                    &app,
                    &format!("{label} token {scope}"),
                    kind,
                    Some(secret.clone()),
                )
                .await,
            );
        }
    }

    // Every marker is really in A's rows (and none in B's), so not finding one means
    // something.
    for (tenant, present) in [(a.tenant, true), (b.tenant, false)] {
        let rows = all_rows(&app, tenant).await;
        for marker in PRIVATE_MARKERS.iter().chain(PUBLIC_MARKERS) {
            assert_eq!(
                rows.contains(marker),
                present,
                "{marker} in {tenant}'s rows"
            );
        }
    }
    let before = fingerprint(&app, a.tenant).await;
    let swept_at = Instant::now();
    let results =
        futures_util::future::join_all(actors.iter().map(|actor| sweep(&base, actor, &a, &b)))
            .await;
    let mut problems: Vec<String> = Vec::new();
    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    for (counts, p) in results {
        for (status, n) in counts {
            *statuses.entry(status).or_insert(0) += n;
        }
        problems.extend(p);
    }
    let mut requests: usize = statuses.values().sum();
    // Privilege escalation inside a shop: an admin cannot make or unmake owners, an agent
    // cannot give itself a role.
    let escalations = escalation_checks(&app, &a, &actors).await;
    requests += escalations.0;
    problems.extend(escalations.1);
    let swept = swept_at.elapsed();

    // Nothing of B came to name one of A's objects (the probes above tried).
    let b_rows = all_rows(&app, b.tenant).await;
    for (id, value) in &a.ids {
        if id.tenant_owned() && value.len() == 36 && b_rows.contains(value.as_str()) {
            problems.push(format!("B's rows name A's {id:?} {value}"));
        }
    }
    let after = fingerprint(&app, a.tenant).await;
    for (table, was) in &before {
        let now = &after[table];
        if now != was {
            problems.push(format!(
                "A's {table} changed: {} rows → {} rows (hash {} → {})",
                was.0, now.0, was.1, now.1
            ));
        }
    }

    // The same paths work for A's own owner and tokens: the refusals above were about who
    // asked, not about a wrong id.
    let controls = positive_controls(&app, &a, &b, &portal).await;
    requests += controls.0;
    problems.extend(controls.1.iter().cloned());

    let routes = ROUTES.len();
    println!(
        "route sweep: {routes} routes (+{} probes) × {} callers: {requests} requests (hostile pass {:.1} s, \
         seeding {:.1} s, total {:.1} s); {} tables of A fingerprinted; {} problems\n\
         hostile pass by status: {statuses:?}; {} of the requests are A's own controls",
        PROBES.len(),
        actors.len(),
        swept.as_secs_f64(),
        seeded.as_secs_f64(),
        started.elapsed().as_secs_f64(),
        before.len(),
        problems.len(),
        controls.0
    );
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Shop A's buyer's proofs (order + email, RMA code + email, CSAT token, the sealed request
/// token) under shop B's slug, and B's under A's: never found.
async fn portal_checks(app: &TestApp, buyer: &Browser, csrf: &str, a: &ShopData, b: &ShopData) {
    // An order with nothing returned yet, and its buyer's email.
    let (number, email): (String, String) = sqlx::query_as(
        "SELECT o.external_id, c.email FROM orders o
         JOIN customers c ON c.tenant_id = o.tenant_id AND c.id = o.customer_id
         WHERE o.tenant_id = $1 AND NOT EXISTS
               (SELECT 1 FROM rmas r WHERE r.tenant_id = o.tenant_id AND r.order_id = o.id)
         ORDER BY o.external_id LIMIT 1",
    )
    .bind(a.tenant)
    .fetch_one(&app.admin)
    .await
    .unwrap();
    // Found under A's own slug: the request form with its sealed token.
    let r = buyer
        .post_with(
            &format!("/p/{}/returns", a.slug),
            csrf,
            &[("number", &number), ("email", &email)],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "A's buyer finds their order at A"
    );
    let html = r.text().await.unwrap();
    let token = between(&html, r#"name="token" value=""#, "\"")
        .unwrap_or_else(|| panic!("no request form for {number} {email}: {}", visible(&html)))
        .to_owned();
    // The same order number and email under B's slug: not found, nothing of A shown.
    let r = buyer
        .post_with(
            &format!("/p/{}/returns", b.slug),
            csrf,
            &[("number", &number), ("email", &email)],
        )
        .await;
    let status = r.status();
    let html = r.text().await.unwrap();
    assert!(
        status.is_client_error() && !html.contains(r#"name="token""#),
        "A's order under B's slug: {status}"
    );
    // (The form shows back what the buyer typed.)
    assert_no_markers(&html.replace(&email, ""), "A's order under B's slug");
    // A's sealed token under B's slug: refused as expired, no RMA anywhere.
    let rmas_before: i64 = sqlx::query_scalar("SELECT count(*) FROM rmas")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    let r = buyer
        .post_with(
            &format!("/p/{}/returns/request", b.slug),
            csrf,
            &[("token", &token)],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "A's request token at B"
    );
    assert_no_markers(&r.text().await.unwrap(), "A's request token at B");
    let rmas_after: i64 = sqlx::query_scalar("SELECT count(*) FROM rmas")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(rmas_before, rmas_after);
    // A's RMA code and email: shown at A, not at B.
    let code = a.id(Rma);
    let r = buyer
        .post_with(
            &format!("/p/{}/returns/status", a.slug),
            csrf,
            &[("code", &code), ("email", &a.buyer_email)],
        )
        .await;
    assert!(r.status().is_success(), "A's buyer sees their RMA at A");
    assert!(r.text().await.unwrap().contains(&code));
    let r = buyer
        .post_with(
            &format!("/p/{}/returns/status", b.slug),
            csrf,
            &[("code", &code), ("email", &a.buyer_email)],
        )
        .await;
    let status = r.status();
    let html = r.text().await.unwrap();
    // The not-found answer (the form, with what the buyer typed), not A's RMA.
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "A's RMA under B's slug"
    );
    assert_no_markers(&html.replace(&a.buyer_email, ""), "A's RMA under B's slug");
    // CSAT tokens: each works in its own shop only.
    for (owner, other) in [(a, b), (b, a)] {
        let own = format!("/p/{}/csat/{}", owner.slug, owner.csat_token);
        assert_eq!(buyer.get(&own).await.status(), StatusCode::OK, "{own}");
        let foreign = format!("/p/{}/csat/{}", other.slug, owner.csat_token);
        let r = buyer.get(&foreign).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{foreign}");
        let r = buyer
            .post_with(&foreign, csrf, &[("rating", "bad"), ("comment", "QXB")])
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "POST {foreign}");
    }
    let answered: i64 =
        sqlx::query_scalar("SELECT count(*) FROM csat_surveys WHERE answered_at IS NOT NULL")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(answered, 0, "no survey answered through another shop");
    sqlx::query("DELETE FROM portal_attempts")
        .execute(&app.admin)
        .await
        .unwrap();
}

fn assert_no_markers(body: &str, what: &str) {
    let found = leaks(body, false);
    assert!(found.is_empty(), "{what}: shows A's {found:?}");
}

/// The markers of A in a response, found in the raw text and with tags removed (search
/// highlighting splits words: `<mark>QXA</mark>-SUBJECT`). Away from A's own portal any
/// `QXA-` at all counts, so a cut or reworded marker is caught too.
fn leaks(body: &str, public_ok: bool) -> Vec<String> {
    let mut text = String::with_capacity(body.len());
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let mut found: Vec<String> = PRIVATE_MARKERS
        .iter()
        .chain(PUBLIC_MARKERS.iter().filter(|_| !public_ok))
        .filter(|m| body.contains(*m) || text.contains(*m))
        .map(|m| m.to_string())
        .collect();
    if found.is_empty() && !public_ok && text.contains("QXA-") {
        let at = text.find("QXA-").unwrap();
        found.push(text[at..].chars().take(30).collect());
    }
    found
}

/// Who, which path, which form.
type Probe<'a> = (&'a Actor, String, Vec<(&'static str, &'static str)>);

/// Inside shop A: an admin cannot hand out, take or lock an owner's role, or invite an
/// admin; an agent cannot promote itself.
async fn escalation_checks(app: &TestApp, a: &ShopData, actors: &[Actor]) -> (usize, Vec<String>) {
    let user = |email: &str| {
        let email = email.to_owned();
        async move { app.id_of_user(&email).await.to_string() }
    };
    let owner = user(&a.emails[0]).await;
    let admin = user(&a.emails[1]).await;
    let agent = user(&a.emails[2]).await;
    let by = |name: &str| actors.iter().find(|x| x.name == name).unwrap();
    let probes: Vec<Probe> = vec![
        (
            by("A admin"),
            format!("/settings/users/{owner}/role"),
            vec![("role", "agent")],
        ),
        (
            by("A admin"),
            format!("/settings/users/{agent}/role"),
            vec![("role", "owner")],
        ),
        (
            by("A admin"),
            format!("/settings/users/{admin}/role"),
            vec![("role", "owner")],
        ),
        (
            by("A admin"),
            format!("/settings/users/{owner}/deactivate"),
            vec![],
        ),
        (
            by("A admin"),
            "/settings/team/invitations".into(),
            vec![("email", "boss@qxz.example"), ("role", "owner")],
        ),
        (
            by("A admin"),
            "/settings/team/invitations".into(),
            vec![("email", "boss@qxz.example"), ("role", "admin")],
        ),
        (
            by("A agent"),
            format!("/settings/users/{agent}/role"),
            vec![("role", "admin")],
        ),
    ];
    let mut problems = Vec::new();
    for (actor, path, form) in &probes {
        let mut fields = vec![("_csrf", actor.csrf.as_str())];
        fields.extend(form.iter().copied());
        let r = actor
            .client
            .post(format!("{}{path}", app.address))
            .form(&fields)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        if ![403, 404, 422].contains(&status) {
            problems.push(format!("POST {path} {form:?} as {} → {status}", actor.name));
        }
    }
    (probes.len(), problems)
}

/// Whether a write removes (or merges away, or switches off) the object its path names.
fn removes(path: &str) -> bool {
    [
        "/delete",
        "/erase",
        "/deactivate",
        "/revoke",
        "/merge",
        "/remove",
    ]
    .iter()
    .any(|end| path.ends_with(end))
}

/// A's owner reaches every page route with A's ids, and A's all-scope token every API
/// route: the ids the sweep used are real.
async fn positive_controls(
    app: &TestApp,
    a: &ShopData,
    b: &ShopData,
    portal: &str,
) -> (usize, Vec<String>) {
    let owner = member(app, "A owner", &a.emails[0], true, Role::Owner, portal).await;
    let token = signed_out(
        app,
        "A token all",
        Kind::Token {
            shop_a: true,
            scopes: vec![],
        },
        Some(a.tokens["all"].clone()),
    )
    .await;
    let mut problems = Vec::new();
    let mut requests = 0;
    for route in ROUTES
        .iter()
        .filter(|r| r.method == "GET" && r.flag != Flag::Stream)
    {
        let actor = match route.access {
            Member | Admin | Owner => &owner,
            Access::Api(_) => &token,
            _ => continue,
        };
        let answer = send(&app.address, actor, route, a, b).await;
        requests += 1;
        let status = answer.status.as_u16();
        let fine = answer.status.is_success()
            || (answer.status.is_redirection() && !answer.location.starts_with("/login"))
            || (route.flag == Flag::NoControl
                && answer.status.is_client_error()
                && ![401, 403].contains(&status));
        if !fine {
            problems.push(format!(
                "control: GET {} as {} → {status} {}",
                fill(route.path, route.ids, a, b),
                actor.name,
                answer.location
            ));
        }
    }
    for (path, wanted) in PROBE_CONTROLS {
        let path = fill(path, &[], a, b);
        let r = owner
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        requests += 1;
        let status = r.status();
        let body = r.text().await.unwrap();
        if !status.is_success() || !leaks(&body, false).iter().any(|m| m == wanted) {
            let shown: String = visible(&body).chars().take(600).collect();
            problems.push(format!(
                "control: GET {path} as A owner → {status} without {wanted}: {shown}"
            ));
        }
    }
    // Then every write with A's ids, as A's owner (after the fingerprint: these do change
    // A). Found-and-done, or found-and-refused-as-invalid (400, 409, 422), shows the ids and
    // the forms reach the object; a 404 would mean B's 404 proved nothing. Writes that
    // remove their object go last, and later writes on a removed object are not tried.
    let writes = ROUTES
        .iter()
        .filter(|r| r.method != "GET" && r.owns_ids() && r.access.role().is_some());
    let api_writes = ROUTES
        .iter()
        .filter(|r| r.method != "GET" && r.owns_ids() && matches!(r.access, Access::Api(_)));
    let (keeping, removing): (Vec<&Route>, Vec<&Route>) =
        writes.chain(api_writes).partition(|r| !removes(r.path));
    let mut gone: BTreeSet<Id> = BTreeSet::new();
    for route in keeping.into_iter().chain(removing) {
        if route.ids.iter().any(|id| gone.contains(id)) {
            continue;
        }
        let actor = if route.path.starts_with("/api/") {
            &token
        } else {
            &owner
        };
        let answer = send(&app.address, actor, route, a, b).await;
        requests += 1;
        let status = answer.status.as_u16();
        let fine = answer.status.is_success()
            || (answer.status.is_redirection() && !answer.location.starts_with("/login"))
            || [400, 409, 422].contains(&status)
            || (route.flag == Flag::NoControl
                && answer.status.is_client_error()
                && ![401, 403].contains(&status));
        if !fine || CSRF_REFUSAL.iter().any(|t| answer.body.contains(t)) {
            let detail: String = visible(&answer.body).chars().take(160).collect();
            problems.push(format!(
                "control: {} {} as {} → {status} {detail}",
                route.method,
                fill(route.path, route.ids, a, b),
                actor.name,
            ));
        }
        if removes(route.path) {
            gone.insert(route.ids[0]);
        }
    }
    (requests, problems)
}
