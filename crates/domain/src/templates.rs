//! Reply templates with variables: `Hi {{ customer.first_name | "there" }}, your parcel is on
//! its way: {{order.tracking_url}}`.
//!
//! Syntax:
//! * `{{name}}` (spaces inside allowed) is replaced by the variable's value;
//! * `{{ name | "fallback" }}` uses the fallback when the value is missing or blank (quotes
//!   optional; single quotes work too);
//! * `\{{` writes a literal `{{`;
//! * a `{{` without a closing `}}` is left as written (and refused by [`check`]).
//!
//! Rendering is one pass: values are inserted verbatim and never expanded again, so a customer
//! who calls themselves `{{agent.name}}` is greeted as exactly that. A variable with no value
//! and no fallback stays visible as written and is listed in [`Rendered::missing`]: an agent
//! sees the gap in the composer, and automation refuses to send the reply.

use std::fmt;

/// Every variable a template may use.
pub const VARIABLES: &[&str] = &[
    "customer.name",
    "customer.first_name",
    "customer.email",
    "ticket.number",
    "ticket.subject",
    "order.number",
    "order.carrier",
    "order.tracking",
    "order.tracking_url",
    "rma.code",
    "portal.return_url",
    "portal.help_center_url",
    "agent.name",
    "shop.name",
];

/// Why a template can't be saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    /// `{{name}}` with a name that is not in [`VARIABLES`] (possibly blank: `{{ }}`).
    Unknown { name: String },
    /// A `{{` with no `}}` after it; `at` counts characters from the start of the body, from 0.
    Unclosed { at: usize },
    /// The body has nothing in it to send.
    Empty,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TemplateError::Unknown { name } if name.is_empty() => {
                write!(f, "“{{{{ }}}}” needs a variable name inside.")
            }
            TemplateError::Unknown { name } => write!(
                f,
                "“{{{{{name}}}}}” is not a variable. Known: {}.",
                VARIABLES.join(", ")
            ),
            TemplateError::Unclosed { at } => write!(
                f,
                "The “{{{{” at character {} is never closed with “}}}}”.",
                at + 1
            ),
            TemplateError::Empty => write!(f, "The template is empty."),
        }
    }
}

impl std::error::Error for TemplateError {}

/// Checked when a template is saved: every {{variable}} known, braces closed.
pub fn check(body: &str) -> Result<(), Vec<TemplateError>> {
    if body.trim().is_empty() {
        return Err(vec![TemplateError::Empty]);
    }
    let mut errors = Vec::new();
    for piece in parse(body) {
        let error = match piece {
            Piece::Variable { name, .. } if !VARIABLES.contains(&name) => TemplateError::Unknown {
                name: name.to_owned(),
            },
            Piece::Unclosed { at, .. } => TemplateError::Unclosed { at },
            _ => continue,
        };
        if !errors.contains(&error) {
            errors.push(error);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// A rendered template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub text: String,
    /// Variables with no value and no fallback, each once, in order of appearance.
    pub missing: Vec<String>,
}

/// One pass: values are inserted verbatim and never re-expanded (a customer named "{{agent.name}}"
/// stays that); `{{ name | "fallback" }}` uses the fallback when the value is missing or empty;
/// `\{{` writes a literal `{{`; a missing variable without fallback is left visible as written
/// and listed in `missing` (an agent sees it; automation refuses to send).
pub fn render(body: &str, value: impl Fn(&str) -> Option<String>) -> Rendered {
    render_with(body, value, |out, s| out.push_str(s))
}

/// The same, for HTML display (preview): text and values HTML-escaped (& < > " ').
pub fn render_html(body: &str, value: impl Fn(&str) -> Option<String>) -> Rendered {
    render_with(body, value, escape_html)
}

fn render_with(
    body: &str,
    value: impl Fn(&str) -> Option<String>,
    write: impl Fn(&mut String, &str),
) -> Rendered {
    let mut text = String::with_capacity(body.len());
    let mut missing: Vec<String> = Vec::new();
    for piece in parse(body) {
        match piece {
            Piece::Text(s) => write(&mut text, s),
            Piece::OpenBraces => write(&mut text, "{{"),
            Piece::Unclosed { raw, .. } => write(&mut text, raw),
            Piece::Variable {
                raw,
                name,
                fallback,
            } => match (value(name).filter(|v| !v.trim().is_empty()), fallback) {
                (Some(v), _) => write(&mut text, &v),
                (None, Some(fallback)) => write(&mut text, fallback),
                (None, None) => {
                    write(&mut text, raw);
                    if !missing.iter().any(|m| m == name) {
                        missing.push(name.to_owned());
                    }
                }
            },
        }
    }
    Rendered { text, missing }
}

fn escape_html(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// A template body cut into what rendering treats differently.
#[derive(Debug, PartialEq)]
enum Piece<'a> {
    Text(&'a str),
    /// `\{{`, written as `{{`.
    OpenBraces,
    Variable {
        /// As written, `{{` to `}}`, for leaving a missing one visible.
        raw: &'a str,
        name: &'a str,
        fallback: Option<&'a str>,
    },
    /// A `{{` with no closing `}}`: the rest of the body.
    Unclosed {
        raw: &'a str,
        at: usize,
    },
}

fn parse(body: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut text_start = 0;
    let mut chars = body.char_indices().enumerate().peekable();
    while let Some((char_index, (i, c))) = chars.next() {
        let rest = &body[i..];
        if c == '\\' && rest.starts_with("\\{{") {
            push_text(&mut pieces, &body[text_start..i]);
            pieces.push(Piece::OpenBraces);
            chars.next();
            chars.next();
            text_start = i + 3;
        } else if c == '{' && rest.starts_with("{{") {
            push_text(&mut pieces, &body[text_start..i]);
            match rest[2..].find("}}") {
                Some(end) => {
                    let raw = &rest[..2 + end + 2];
                    let (name, fallback) = split_fallback(&rest[2..2 + end]);
                    pieces.push(Piece::Variable {
                        raw,
                        name,
                        fallback,
                    });
                    text_start = i + raw.len();
                    while chars.peek().is_some_and(|(_, (j, _))| *j < text_start) {
                        chars.next();
                    }
                }
                None => {
                    pieces.push(Piece::Unclosed {
                        raw: rest,
                        at: char_index,
                    });
                    text_start = body.len();
                    break;
                }
            }
        }
    }
    push_text(&mut pieces, &body[text_start..]);
    pieces
}

fn push_text<'a>(pieces: &mut Vec<Piece<'a>>, s: &'a str) {
    if !s.is_empty() {
        pieces.push(Piece::Text(s));
    }
}

/// `name | "fallback"` → (`name`, `Some("fallback")`); quotes around the fallback are optional.
fn split_fallback(inner: &str) -> (&str, Option<&str>) {
    match inner.split_once('|') {
        None => (inner.trim(), None),
        Some((name, fallback)) => {
            let fallback = fallback.trim();
            let unquoted = ['"', '\'']
                .iter()
                .find_map(|q| fallback.strip_prefix(*q).and_then(|f| f.strip_suffix(*q)))
                .unwrap_or(fallback);
            (name.trim(), Some(unquoted))
        }
    }
}

/// The body for a ticket's language: exact tag match (case-insensitive), then the same primary
/// language (pt-BR ↔ pt, zh-Hans ↔ zh), then `default`.
pub fn pick_body<'a>(
    bodies: &'a [(String, String)],
    language: Option<&str>,
    default: &'a str,
) -> &'a str {
    let Some(wanted) = language.map(language_tag).filter(|l| !l.is_empty()) else {
        return default;
    };
    let primary = primary_subtag(&wanted);
    let find = |matches: &dyn Fn(&str) -> bool| {
        bodies
            .iter()
            .find(|(tag, _)| matches(&language_tag(tag)))
            .map(|(_, body)| body.as_str())
    };
    find(&|tag| tag == wanted)
        // "pt" before "pt-BR" when a ticket is in "pt-PT": the general one fits better.
        .or_else(|| find(&|tag| tag == primary))
        .or_else(|| find(&|tag| primary_subtag(tag) == primary))
        .unwrap_or(default)
}

/// "pt_BR " → "pt-br": how language tags compare.
fn language_tag(tag: &str) -> String {
    tag.trim().replace('_', "-").to_ascii_lowercase()
}

fn primary_subtag(tag: &str) -> &str {
    tag.split('-').next().unwrap_or(tag)
}

/// A carrier and how its public tracking page takes a number (`{}`).
struct Carrier {
    /// Short codes matched as a whole word of the name ("UPS Ground").
    words: &'static [&'static str],
    /// Longer names matched anywhere in the name with spaces and punctuation removed
    /// ("Royal-Mail", "royalmail"), including names in the carrier's own script.
    names: &'static [&'static str],
    url: &'static str,
}

/// Most specific first: "Deutsche Post DHL" is Deutsche Post, "Japan Post EMS" Japan Post.
const CARRIERS: &[Carrier] = &[
    Carrier {
        words: &[],
        names: &["deutschepost"],
        url: "https://www.deutschepost.de/de/s/sendungsverfolgung.html?piececode={}",
    },
    Carrier {
        words: &[],
        names: &["royalmail"],
        url: "https://www.royalmail.com/track-your-item#/tracking-results/{}",
    },
    Carrier {
        words: &[],
        names: &["japanpost", "日本郵便", "ゆうパック", "yupack", "yuupack"],
        url:
            "https://trackings.post.japanpost.jp/services/srv/search/direct?reqCodeNo1={}&locale=en",
    },
    Carrier {
        words: &[],
        names: &["australiapost", "auspost"],
        url: "https://auspost.com.au/mypost/track/#/details/{}",
    },
    Carrier {
        words: &[],
        names: &["canadapost", "postescanada"],
        url: "https://www.canadapost-postescanada.ca/track-reperage/en#/details/{}",
    },
    Carrier {
        words: &[],
        names: &["postnl"],
        url: "https://jouw.postnl.nl/track-and-trace/{}",
    },
    Carrier {
        words: &[],
        names: &["laposte", "colissimo"],
        url: "https://www.laposte.fr/outils/suivre-vos-envois?code={}",
    },
    Carrier {
        words: &["dhl"],
        names: &[],
        url: "https://www.dhl.com/global-en/home/tracking.html?tracking-id={}&submit=1",
    },
    Carrier {
        words: &["usps"],
        names: &["unitedstatespostal"],
        url: "https://tools.usps.com/go/TrackConfirmAction?tLabels={}",
    },
    Carrier {
        words: &["ups"],
        names: &["unitedparcel"],
        url: "https://www.ups.com/track?tracknum={}",
    },
    Carrier {
        words: &[],
        names: &["fedex", "federalexpress"],
        url: "https://www.fedex.com/fedextrack/?trknbr={}",
    },
    Carrier {
        words: &["dpd"],
        names: &[],
        url: "https://tracking.dpd.de/status/en_US/parcel/{}",
    },
    Carrier {
        words: &["gls"],
        names: &[],
        url: "https://gls-group.com/EU/en/parcel-tracking?match={}",
    },
    Carrier {
        words: &[],
        names: &["yamato", "kuroneko", "ヤマト", "クロネコ"],
        url: "https://toi.kuronekoyamato.co.jp/cgi-bin/tneko?number00=1&number01={}",
    },
    Carrier {
        words: &[],
        names: &["sagawa", "佐川"],
        url: "https://k2k.sagawa-exp.co.jp/p/web/okurijosearch.do?okurijoNo={}",
    },
    Carrier {
        words: &["sf"],
        names: &["sfexpress", "顺丰", "順豐", "順豊"],
        url: "https://www.sf-express.com/chn/en/waybill/waybill-detail/{}",
    },
    Carrier {
        words: &["ems"],
        names: &["chinapost", "中国邮政", "中國郵政"],
        url: "https://www.ems.com.cn/qps/yjcx?mailNum={}",
    },
];

/// Tracks any carrier's number when we don't know the carrier.
const UNIVERSAL_TRACKER: &str = "https://t.17track.net/en#nums={}";

/// A carrier's public tracking page for a number: known carriers (UPS, USPS, FedEx, DHL, Royal
/// Mail, DPD, GLS, Yamato, Sagawa, Japan Post, SF Express, China Post/EMS, Australia Post,
/// Canada Post, PostNL, La Poste/Colissimo, Deutsche Post) by a case-insensitive name match,
/// otherwise a universal tracker (https://t.17track.net/en#nums=NUMBER); number URL-encoded;
/// None when the number is empty.
pub fn tracking_url(carrier: Option<&str>, number: &str) -> Option<String> {
    let number = number.trim();
    if number.is_empty() {
        return None;
    }
    let url = carrier
        .and_then(known_carrier)
        .map_or(UNIVERSAL_TRACKER, |c| c.url);
    Some(url.replacen("{}", &percent_encode(number), 1))
}

fn known_carrier(name: &str) -> Option<&'static Carrier> {
    let lower = name.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let compact: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
    CARRIERS.iter().find(|carrier| {
        carrier.words.iter().any(|w| words.contains(w))
            || carrier.names.iter().any(|n| compact.contains(n))
    })
}

/// Percent-encodes everything but RFC 3986 unreserved characters, so a number can go into a
/// path, a query or a fragment alike.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// What a template's variables stand for on one ticket; the web (insert, preview) and the
/// rule runner (automatic replies) fill it from the database the same way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketValues {
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
    pub ticket_number: Option<i64>,
    pub ticket_subject: Option<String>,
    pub order_number: Option<String>,
    pub order_carrier: Option<String>,
    pub order_tracking: Option<String>,
    pub rma_code: Option<String>,
    /// The shop's return portal (`{public url}/p/{shop}/returns`).
    pub portal_return_url: Option<String>,
    /// The shop's help center in the ticket's language (`{public url}/p/{shop}/help?lang=de`;
    /// see [`crate::kb::help_center_link`]).
    pub help_center_url: Option<String>,
    pub agent_name: Option<String>,
    pub shop_name: Option<String>,
}

impl TicketValues {
    /// The value of one of [`VARIABLES`]; `None` when the ticket has none (or the name is unknown).
    pub fn get(&self, name: &str) -> Option<String> {
        let v = match name {
            "customer.name" => self.customer_name.clone(),
            "customer.first_name" => self
                .customer_name
                .as_deref()
                .map(|n| crate::placeholders::first_name(n).to_owned()),
            "customer.email" => self.customer_email.clone(),
            "ticket.number" => self.ticket_number.map(|n| n.to_string()),
            "ticket.subject" => self.ticket_subject.clone(),
            "order.number" => self.order_number.clone(),
            "order.carrier" => self.order_carrier.clone(),
            "order.tracking" => self.order_tracking.clone(),
            "order.tracking_url" => self
                .order_tracking
                .as_deref()
                .and_then(|n| tracking_url(self.order_carrier.as_deref(), n)),
            "rma.code" => self.rma_code.clone(),
            "portal.return_url" => self.portal_return_url.clone(),
            "portal.help_center_url" => self.help_center_url.clone(),
            "agent.name" => self.agent_name.clone(),
            "shop.name" => self.shop_name.clone(),
            _ => None,
        };
        v.filter(|v| !v.trim().is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(name: &str) -> Option<String> {
        match name {
            "customer.name" => Some("田中 花子".into()),
            "customer.first_name" => Some("Anna".into()),
            "order.number" => Some("302-1234567".into()),
            "order.tracking" => Some("   ".into()),
            "order.carrier" => Some(String::new()),
            "ticket.subject" => Some("{{agent.name}} \\{{ | \"x\" }}".into()),
            "agent.name" => Some("Ben".into()),
            "shop.name" => Some("<script>alert('x')</script> & \"Co\"".into()),
            _ => None,
        }
    }

    #[test]
    fn check_refuses_unknown_variables_and_open_braces() {
        let unknown = |name: &str| TemplateError::Unknown { name: name.into() };
        let rows: Vec<(&str, Result<(), Vec<TemplateError>>)> = vec![
            ("Hi {{customer.first_name}}", Ok(())),
            ("Hi {{  customer.first_name  }}!", Ok(())),
            ("Hi {{ customer.first_name | \"there\" }}", Ok(())),
            ("Hi {{customer.first_name|'there'}}", Ok(())),
            ("No variables at all", Ok(())),
            ("Braces \\{{like this}} are text", Ok(())),
            ("您好{{customer.name}}，订单{{order.number}}已发货", Ok(())),
            ("", Err(vec![TemplateError::Empty])),
            (" \n ", Err(vec![TemplateError::Empty])),
            (
                "Hi {{customer.firstname}}",
                Err(vec![unknown("customer.firstname")]),
            ),
            (
                "Hi {{ Customer.Name }}",
                Err(vec![unknown("Customer.Name")]),
            ),
            ("Hi {{ | \"x\" }}", Err(vec![unknown("")])),
            ("{{a}} {{b}} {{a}}", Err(vec![unknown("a"), unknown("b")])),
            (
                "Hi {{customer.name",
                Err(vec![TemplateError::Unclosed { at: 3 }]),
            ),
            (
                "订单{{order.number",
                Err(vec![TemplateError::Unclosed { at: 2 }]),
            ),
            (
                "{{nope}} and {{order.number",
                Err(vec![unknown("nope"), TemplateError::Unclosed { at: 13 }]),
            ),
        ];
        for (body, expected) in rows {
            assert_eq!(check(body), expected, "{body:?}");
        }
        for name in VARIABLES {
            assert_eq!(check(&format!("{{{{{name}}}}}")), Ok(()), "{name}");
        }
    }

    #[test]
    fn errors_read_as_sentences() {
        assert_eq!(
            TemplateError::Unclosed { at: 3 }.to_string(),
            "The “{{” at character 4 is never closed with “}}”."
        );
        assert!(TemplateError::Unknown { name: "x".into() }
            .to_string()
            .starts_with("“{{x}}” is not a variable. Known: customer.name, "));
        assert_eq!(
            TemplateError::Unknown {
                name: String::new()
            }
            .to_string(),
            "“{{ }}” needs a variable name inside."
        );
        assert_eq!(TemplateError::Empty.to_string(), "The template is empty.");
    }

    #[test]
    fn render_fills_values_once() {
        let rows: Vec<(&str, &str, &[&str])> = vec![
            ("Hi {{ customer.first_name }}!", "Hi Anna!", &[]),
            (
                "Hi {{customer.first_name}}{{order.number}}",
                "Hi Anna302-1234567",
                &[],
            ),
            (
                "{{order.number}}{{order.number}}",
                "302-1234567302-1234567",
                &[],
            ),
            // Missing without fallback: left as written, listed once.
            (
                "Track: {{ order.tracking }} / {{order.tracking}} ({{rma.code}})",
                "Track: {{ order.tracking }} / {{order.tracking}} ({{rma.code}})",
                &["order.tracking", "rma.code"],
            ),
            // Fallbacks for missing, blank and empty values; quotes optional.
            ("Hi {{ rma.code | \"n/a\" }}", "Hi n/a", &[]),
            ("{{order.tracking|'soon'}}", "soon", &[]),
            ("{{order.carrier | the carrier }}", "the carrier", &[]),
            ("{{ customer.first_name | \"there\" }}", "Anna", &[]),
            ("{{ rma.code | \"\" }}", "", &[]),
            // Values are never expanded again.
            (
                "Re: {{ticket.subject}}",
                "Re: {{agent.name}} \\{{ | \"x\" }}",
                &[],
            ),
            // Escaped braces.
            (
                "Write \\{{customer.name}} to greet",
                "Write {{customer.name}} to greet",
                &[],
            ),
            ("\\{{{{agent.name}}", "{{Ben", &[]),
            // Unclosed: left as written, not counted as missing.
            ("Hi {{customer.name", "Hi {{customer.name", &[]),
            // Other scripts around variables.
            (
                "{{customer.name}}様、ご注文{{order.number}}は発送済みです。",
                "田中 花子様、ご注文302-1234567は発送済みです。",
                &[],
            ),
            ("สวัสดี {{customer.first_name}} ครับ", "สวัสดี Anna ครับ", &[]),
            ("مرحبا {{customer.first_name}}", "مرحبا Anna", &[]),
            // Stray closing braces and single braces are text.
            ("}} { {customer.name} }", "}} { {customer.name} }", &[]),
            ("", "", &[]),
        ];
        for (body, text, missing) in rows {
            let rendered = render(body, values);
            assert_eq!(rendered.text, text, "{body:?}");
            assert_eq!(rendered.missing, missing, "{body:?}");
        }
    }

    #[test]
    fn render_html_escapes_text_and_values() {
        let rendered = render_html(
            "<b>{{shop.name}}</b> & 'you' {{ rma.code | \"<none>\" }} {{order.tracking}}",
            values,
        );
        assert_eq!(
            rendered.text,
            "&lt;b&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Co&quot;&lt;/b&gt; \
             &amp; &#39;you&#39; &lt;none&gt; {{order.tracking}}"
        );
        assert_eq!(rendered.missing, vec!["order.tracking".to_owned()]);
        assert_eq!(
            render_html("a \\{{ \"b\" {{x", |_| None).text,
            "a {{ &quot;b&quot; {{x"
        );
    }

    #[test]
    fn pick_body_prefers_the_closest_language() {
        let bodies: Vec<(String, String)> = [
            ("de", "Hallo"),
            ("pt-BR", "Olá (BR)"),
            ("pt", "Olá"),
            ("zh-Hans", "您好"),
            ("EN-gb", "Hello, mate"),
        ]
        .iter()
        .map(|(l, b)| (l.to_string(), b.to_string()))
        .collect();
        let rows = [
            (Some("de"), "Hallo"),
            (Some("DE"), "Hallo"),
            (Some("de-AT"), "Hallo"),
            (Some("pt-BR"), "Olá (BR)"),
            (Some("pt_br"), "Olá (BR)"),
            (Some("pt-PT"), "Olá"),
            (Some("pt"), "Olá"),
            (Some("zh"), "您好"),
            (Some("zh-Hant"), "您好"),
            (Some("en-gb"), "Hello, mate"),
            (Some("en-US"), "Hello, mate"),
            (Some("ja"), "Default"),
            (Some(" "), "Default"),
            (None, "Default"),
        ];
        for (language, expected) in rows {
            assert_eq!(
                pick_body(&bodies, language, "Default"),
                expected,
                "{language:?}"
            );
        }
        assert_eq!(pick_body(&[], Some("de"), "Default"), "Default");
    }

    #[test]
    fn tracking_urls_for_known_carriers_and_everything_else() {
        let rows = [
            (Some("UPS"), "1Z999AA10123456784", "https://www.ups.com/track?tracknum=1Z999AA10123456784"),
            (Some("ups ground"), "1Z9", "https://www.ups.com/track?tracknum=1Z9"),
            (Some("USPS"), "9400", "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400"),
            (Some("FedEx Express"), "1234", "https://www.fedex.com/fedextrack/?trknbr=1234"),
            (Some("DHL Express"), "JD01", "https://www.dhl.com/global-en/home/tracking.html?tracking-id=JD01&submit=1"),
            (Some("Deutsche Post DHL"), "RR1DE", "https://www.deutschepost.de/de/s/sendungsverfolgung.html?piececode=RR1DE"),
            (Some("Royal-Mail"), "AB1GB", "https://www.royalmail.com/track-your-item#/tracking-results/AB1GB"),
            (Some("ヤマト運輸"), "4321", "https://toi.kuronekoyamato.co.jp/cgi-bin/tneko?number00=1&number01=4321"),
            (Some("佐川急便"), "55", "https://k2k.sagawa-exp.co.jp/p/web/okurijosearch.do?okurijoNo=55"),
            (Some("Japan Post EMS"), "EE1JP", "https://trackings.post.japanpost.jp/services/srv/search/direct?reqCodeNo1=EE1JP&locale=en"),
            (Some("SF Express"), "SF1", "https://www.sf-express.com/chn/en/waybill/waybill-detail/SF1"),
            (Some("Colissimo"), "6A1", "https://www.laposte.fr/outils/suivre-vos-envois?code=6A1"),
            (Some("PostNL"), "3S1", "https://jouw.postnl.nl/track-and-trace/3S1"),
            (Some("Canada Post"), "CP1", "https://www.canadapost-postescanada.ca/track-reperage/en#/details/CP1"),
            (Some("Australia Post"), "AP1", "https://auspost.com.au/mypost/track/#/details/AP1"),
            (Some("GLS"), "G1", "https://gls-group.com/EU/en/parcel-tracking?match=G1"),
            (Some("DPD Predict"), "D1", "https://tracking.dpd.de/status/en_US/parcel/D1"),
            (Some("China Post"), "LX1CN", "https://www.ems.com.cn/qps/yjcx?mailNum=LX1CN"),
            // Unknown carriers, no carrier, and look-alikes go to the universal tracker.
            (Some("Yodel"), "JJD1", "https://t.17track.net/en#nums=JJD1"),
            (None, "JJD1", "https://t.17track.net/en#nums=JJD1"),
            (Some("Groupsend"), "X1", "https://t.17track.net/en#nums=X1"),
            // Numbers are trimmed and URL-encoded.
            (Some("UPS"), " 1Z 99/9&x=1 ", "https://www.ups.com/track?tracknum=1Z%2099%2F9%26x%3D1"),
            (None, "番号1", "https://t.17track.net/en#nums=%E7%95%AA%E5%8F%B71"),
        ];
        for (carrier, number, expected) in rows {
            assert_eq!(
                tracking_url(carrier, number).as_deref(),
                Some(expected),
                "{carrier:?} {number:?}"
            );
        }
        assert_eq!(tracking_url(Some("UPS"), ""), None);
        assert_eq!(tracking_url(None, "  "), None);
    }

    #[test]
    fn ticket_values_fill_every_variable_they_have() {
        let v = TicketValues {
            customer_name: Some("Li Wei".into()),
            order_carrier: Some("DHL".into()),
            order_tracking: Some("JD0123".into()),
            ..TicketValues::default()
        };
        assert_eq!(v.get("customer.first_name").as_deref(), Some("Li"));
        assert!(v.get("order.tracking_url").unwrap().contains("JD0123"));
        assert_eq!(v.get("order.number"), None);
        assert_eq!(v.get("nonsense"), None);
        for name in VARIABLES {
            // Every variable a template may use is one TicketValues knows.
            let full = TicketValues {
                customer_name: Some("a".into()),
                customer_email: Some("a".into()),
                ticket_number: Some(1),
                ticket_subject: Some("a".into()),
                order_number: Some("a".into()),
                order_carrier: Some("a".into()),
                order_tracking: Some("a".into()),
                rma_code: Some("a".into()),
                portal_return_url: Some("a".into()),
                help_center_url: Some("a".into()),
                agent_name: Some("a".into()),
                shop_name: Some("a".into()),
            };
            assert!(full.get(name).is_some(), "{name}");
        }
    }
}
