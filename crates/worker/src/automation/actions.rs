//! Carrying out a matching rule's actions inside the run's transaction. Each action reports
//! what it did (for the run log) or why it could not; database errors abort the whole run
//! (the event is retried), everything else is logged and the next action runs.

use aftersail_db::automation::{self, MessageView, Property, TicketView};
use aftersail_db::notifications::{self, Recipients};
use aftersail_db::{messages, orders, outbox, rmas, sla, TenantTx};
use aftersail_domain::assignment::{self, AssignMethod};
use aftersail_domain::rules::{Action, AssignTo, NotifyTo};
use aftersail_domain::{tags, templates, RuleId, TeamId, TicketId};
use chrono::{DateTime, Utc};
use serde_json::json;

use super::sla_clock;
use super::values::{OfTicket, TemplateValues};

/// Where a run happens: the rule, why it runs, the shop, the clock.
pub struct RunContext<'a> {
    pub rule: RuleId,
    pub rule_name: &'a str,
    /// The loop guard's cause; also makes reply idempotency keys.
    pub cause: &'a str,
    pub event: &'a str,
    pub shop_name: &'a str,
    /// The shop's public pages, when the app's public address is known.
    pub links: Option<PublicLinks<'a>>,
    pub now: DateTime<Utc>,
}

/// Addresses of a shop's public pages (`{public_url}/p/{slug}/…`), for replies and bot answers.
#[derive(Clone, Copy, Debug)]
pub struct PublicLinks<'a> {
    base: &'a str,
    slug: &'a str,
}

impl<'a> PublicLinks<'a> {
    pub fn new(public_url: &'a str, slug: &'a str) -> Self {
        PublicLinks {
            base: public_url.trim_end_matches('/'),
            slug,
        }
    }

    /// `…/p/{slug}`: the returns portal and its status page live below it.
    pub fn site(&self) -> String {
        format!("{}/p/{}", self.base, self.slug)
    }

    /// The returns portal, for `{{portal.return_url}}`.
    pub fn returns(&self) -> String {
        format!("{}/returns", self.site())
    }

    /// The help center, for `{{portal.help_center_url}}`.
    pub fn help_center(&self) -> String {
        aftersail_domain::kb::help_center_url(self.base, self.slug, None)
    }

    /// A help-center article in one language.
    pub fn article(&self, slug: &str, locale: &str) -> String {
        format!(
            "{}{}",
            self.base,
            aftersail_domain::kb::article_path(self.slug, slug, locale)
        )
    }
}

/// What the actions did (`done`) and what failed (`errors`).
#[derive(Debug, Default)]
pub struct Done {
    pub done: Vec<String>,
    pub errors: Vec<String>,
}

pub async fn execute(
    tx: &mut TenantTx,
    ctx: &RunContext<'_>,
    actions: &[Action],
    ticket: &TicketView,
    message: Option<&MessageView>,
) -> anyhow::Result<Done> {
    let mut out = Done::default();
    for action in actions {
        match one(tx, ctx, action, ticket, message).await? {
            Ok(Some(done)) => out.done.push(done),
            Ok(None) => out.done.push(format!("{} (no change)", action.describe())),
            Err(err) => out.errors.push(format!("{}: {err}", action.describe())),
        }
    }
    Ok(out)
}

pub(super) type Step = Result<Option<String>, String>;

async fn one(
    tx: &mut TenantTx,
    ctx: &RunContext<'_>,
    action: &Action,
    t: &TicketView,
    message: Option<&MessageView>,
) -> anyhow::Result<Step> {
    let changed = |yes: bool, what: String| if yes { Some(what) } else { None };
    Ok(match action {
        Action::Reply { template } => reply(tx, ctx, *template, t, message).await?,
        Action::Note { text } => {
            automation::note(tx, t.id, &t.channel, text, ctx.now).await?;
            Ok(Some("Added an internal note".to_owned()))
        }
        Action::SetStatus { status } => {
            let yes =
                automation::set_property(tx, t.id, ctx.rule, Property::Status, status).await?;
            Ok(changed(yes, action.describe()))
        }
        Action::SetPriority { priority } => {
            let yes =
                automation::set_property(tx, t.id, ctx.rule, Property::Priority, priority).await?;
            Ok(changed(yes, action.describe()))
        }
        Action::SetType { ticket_type } => {
            let yes =
                automation::set_property(tx, t.id, ctx.rule, Property::Type, ticket_type).await?;
            Ok(changed(yes, action.describe()))
        }
        Action::AddTags { tags } | Action::RemoveTags { tags } => {
            let list = match normalized(tags) {
                Ok(list) => list,
                Err(err) => return Ok(Err(err)),
            };
            let (add, remove) = match action {
                Action::AddTags { .. } => (list, Vec::new()),
                _ => (Vec::new(), list),
            };
            let yes = automation::change_tags(tx, t.id, ctx.rule, &add, &remove).await?;
            Ok(changed(yes, action.describe()))
        }
        Action::Assign { to } => assign(tx, ctx, to, t).await?,
        Action::ApplySla { policy } => match sla::policy(tx, *policy).await? {
            None => Err("the SLA policy no longer exists".to_owned()),
            Some(p) => {
                sla_clock::apply(tx, t, Some(&p)).await?;
                Ok(Some(format!("Applied SLA policy {}", p.name)))
            }
        },
        Action::OpenRma { reason } => open_rma(tx, ctx, reason, t).await?,
        Action::Notify { to, text } => {
            let to = match to {
                NotifyTo::Assignee => Recipients::Assignee(t.id),
                NotifyTo::Team { team } => Recipients::Team(*team),
                NotifyTo::User { user } => Recipients::User(*user),
                NotifyTo::Admins => Recipients::Admins,
            };
            let text = format!("#{} {}: {text}", t.number, t.subject);
            let n = notifications::notify(tx, to, Some(t.id), &text, ctx.now).await?;
            if n == 0 {
                Err("nobody to notify".to_owned())
            } else {
                Ok(Some(format!(
                    "Notified {n} {}",
                    if n == 1 { "person" } else { "people" }
                )))
            }
        }
        Action::BotAnswer => super::bot::answer(tx, ctx, t, message).await?,
        Action::Webhook { url } => {
            let payload = json!({
                "event": ctx.event,
                "rule": { "id": ctx.rule, "name": ctx.rule_name },
                "ticket": {
                    "id": t.id, "number": t.number, "subject": t.subject, "status": t.status,
                    "priority": t.priority, "type": t.kind, "channel": t.channel, "tags": t.tags,
                    "language": t.language, "customer": { "name": t.customer_name, "email": t.customer_email },
                    "order": t.order_number,
                },
                "occurred_at": ctx.now,
            });
            automation::queue_webhook(tx, ctx.rule, Some(t.id), url, &payload).await?;
            Ok(Some(format!("Queued a call to {url}")))
        }
    })
}

fn normalized(raw: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for tag in raw {
        match tags::normalize(tag) {
            Ok(Some(tag)) => out.push(tag),
            Ok(None) => {}
            Err(err) => return Err(format!("{err:?}")),
        }
    }
    Ok(out)
}

async fn reply(
    tx: &mut TenantTx,
    ctx: &RunContext<'_>,
    template: aftersail_domain::ReplyTemplateId,
    t: &TicketView,
    message: Option<&MessageView>,
) -> anyhow::Result<Step> {
    // Never answer a machine (auto-replies, bounces, bulk mail) or ourselves: that is how
    // two autoresponders end up writing to each other all night.
    let answering = match message {
        Some(m) => Some(m.clone()),
        None => automation::latest_inbound(tx, t.id).await?,
    };
    if let Some(m) = &answering {
        if let Some(kind) = &m.automated {
            return Ok(Err(format!("not answering an automated message ({kind})")));
        }
        if m.kind != "inbound" {
            return Ok(Err("not answering our own message".to_owned()));
        }
    }
    let Some(tpl) = automation::template_for_reply(tx, template).await? else {
        return Ok(Err("the template no longer exists".to_owned()));
    };
    let language = answering
        .as_ref()
        .and_then(|m| m.language.clone())
        .or_else(|| t.language.clone())
        .or_else(|| t.customer_language.clone());
    let body = templates::pick_body(&tpl.bodies, language.as_deref(), &tpl.body);
    let portal_url = ctx.links.map(|l| l.returns());
    let help_url = ctx.links.map(|l| l.help_center());
    let values = TemplateValues::of(t, ctx.shop_name, portal_url.as_deref(), help_url.as_deref());
    let rendered = templates::render(body, |name| values.get(name));
    if !rendered.missing.is_empty() {
        return Ok(Err(format!(
            "template {} needs values this ticket does not have: {}",
            tpl.name,
            rendered.missing.join(", ")
        )));
    }
    let key = format!("rule:{}:{}:{}", ctx.rule, t.id, ctx.cause);
    let sent = outbox::enqueue_automated_reply(
        tx,
        t.id,
        &rendered.text,
        language.as_deref(),
        &t.channel,
        &key,
        messages::Automated::Rule,
    )
    .await?;
    if sent.is_none() {
        return Ok(Ok(None));
    }
    // The template's own actions go with the reply (e.g. "pending", a tag).
    let mut extra = Vec::new();
    let actions: Vec<Action> = serde_json::from_value(tpl.actions).unwrap_or_default();
    for a in &actions {
        if let Action::SetStatus { status } = a {
            if automation::set_property(tx, t.id, ctx.rule, Property::Status, status).await? {
                extra.push(a.describe());
            }
        }
        if let Action::AddTags { tags } = a {
            if let Ok(add) = normalized(tags) {
                if automation::change_tags(tx, t.id, ctx.rule, &add, &[]).await? {
                    extra.push(a.describe());
                }
            }
        }
    }
    let mut done = format!(
        "Replied with {} ({})",
        tpl.name,
        language.as_deref().unwrap_or("default language")
    );
    if !extra.is_empty() {
        done.push_str("; ");
        done.push_str(&extra.join("; "));
    }
    Ok(Ok(Some(done)))
}

async fn assign(
    tx: &mut TenantTx,
    ctx: &RunContext<'_>,
    to: &AssignTo,
    t: &TicketView,
) -> anyhow::Result<Step> {
    let (team, method): (Option<TeamId>, AssignMethod) = match to {
        AssignTo::Nobody => {
            let yes = automation::assign(tx, t.id, Some(ctx.rule), None, None).await?;
            return Ok(Ok(yes.then(|| "Unassigned".to_owned())));
        }
        AssignTo::Agent { user } => {
            let candidates = automation::candidates(tx, None).await?;
            if !candidates.iter().any(|c| c.user_id == *user) {
                return Ok(Err("the agent is no longer active".to_owned()));
            }
            let yes = automation::assign(tx, t.id, Some(ctx.rule), Some(*user), None).await?;
            return Ok(Ok(yes.then(|| "Assigned to an agent".to_owned())));
        }
        AssignTo::Team { team, method } => (Some(*team), *method),
        AssignTo::AnyAgent { method } => (None, *method),
    };
    let picked = pick(tx, team, method, t.language.as_deref()).await?;
    match picked {
        Some(user) => {
            let yes = automation::assign(tx, t.id, Some(ctx.rule), Some(user), team).await?;
            Ok(Ok(yes.then(|| format!("Assigned ({})", method.label()))))
        }
        // Nobody available: the ticket waits with the team rather than with nobody.
        None => {
            if team.is_some() {
                automation::assign(tx, t.id, Some(ctx.rule), t.assignee_id, team).await?;
            }
            Ok(Err("no available agent; left unassigned".to_owned()))
        }
    }
}

/// Picks an available agent (of `team`, or anyone) by `method`, preferring speakers of the
/// ticket's language.
pub async fn pick(
    tx: &mut TenantTx,
    team: Option<TeamId>,
    method: AssignMethod,
    language: Option<&str>,
) -> anyhow::Result<Option<aftersail_domain::UserId>> {
    let candidates: Vec<assignment::Candidate> = automation::candidates(tx, team)
        .await?
        .into_iter()
        .map(|c| assignment::Candidate {
            user: c.user_id,
            available: c.available,
            languages: c.languages,
            open_tickets: c.open_tickets,
            last_assigned_at: c.last_assigned_at,
        })
        .collect();
    Ok(assignment::pick(method, language, &candidates))
}

async fn open_rma(
    tx: &mut TenantTx,
    ctx: &RunContext<'_>,
    reason: &str,
    t: &TicketView,
) -> anyhow::Result<Step> {
    let Some(order) = t.order_id else {
        return Ok(Err("the ticket has no order".to_owned()));
    };
    if let Some(code) = automation::open_rma_of_order(tx, order).await? {
        return Ok(Err(format!("{code} is already open for this order")));
    }
    let items: Vec<_> = orders::items(tx, order)
        .await?
        .into_iter()
        .map(|i| (i.id, i.quantity))
        .collect();
    if items.is_empty() {
        return Ok(Err("the order has no items".to_owned()));
    }
    let (_, code) = rmas::create(
        tx,
        rmas::NewRma {
            order_id: order,
            customer_id: t.customer_id,
            ticket_id: Some(t.id),
            status: "requested",
            reason,
            resolution: None,
            items: &items,
            at: ctx.now,
        },
    )
    .await?;
    automation::history(tx, t.id, ctx.rule, "rma", None, Some(&code)).await?;
    Ok(Ok(Some(format!("Opened return {code}"))))
}

/// For the sweeper's "reassign on breach".
pub async fn reassign_to_team(
    tx: &mut TenantTx,
    ticket: TicketId,
    team: TeamId,
    language: Option<&str>,
) -> anyhow::Result<bool> {
    let user = pick(tx, Some(team), AssignMethod::RoundRobin, language).await?;
    Ok(automation::assign(tx, ticket, None, user, Some(team)).await?)
}
