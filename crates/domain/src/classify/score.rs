//! Adding the cues up into one verdict, following the labeling conventions:
//! * a broken, wrong or missing item is the intent even when the buyer asks for a refund,
//!   an exchange or a return to fix it (the remedy only adds to that problem);
//! * asking where a refund is ("haven't received my refund") is `refund_status`;
//! * "not arrived yet" is `order_status`; `not_received` is "marked delivered but not here",
//!   "never arrived", "lost";
//! * a threat (claim, chargeback, review, lawyer) escalates whatever the intent is, and makes a
//!   complaint of a message that asks for nothing more specific;
//! * thanks and praise with no request are `other`.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::cues::{Lexicon, Tag, EMOJI, EMOTICONS, LEXICONS};
use super::matcher::{negated, negation_words, Around, Compiled, Found, Index, Word};
use super::text::Prepared;
use super::{Escalation, Intent, Sentiment};

/// Below this, no intent is clear enough: the message is `other`.
const MIN_INTENT_SCORE: f32 = 0.9;
/// A specific request this strong wins over a complaint around it.
const MIN_SPECIFIC_OVER_COMPLAINT: f32 = 1.5;
/// A problem cue this strong takes the remedy the buyer asks for.
const MIN_PROBLEM_SCORE: f32 = 1.0;
const NEGATIVE_BELOW: f32 = -0.75;
const POSITIVE_ABOVE: f32 = 0.75;

/// When two intents both have cues, the more specific one wins ties and near-ties.
fn priority(intent: Intent) -> f32 {
    match intent {
        Intent::RefundStatus => 1.25,
        Intent::DamagedDefective | Intent::WrongItem => 1.2,
        Intent::NotReceived => 1.15,
        Intent::CancelOrder | Intent::ChangeAddress | Intent::InvoiceRequest => 1.1,
        Intent::OrderStatus | Intent::ReturnRequest => 1.0,
        Intent::ProductQuestion => 0.85,
        Intent::Complaint => 0.7,
        Intent::Other => 0.7,
    }
}

#[derive(Clone, Copy, Debug)]
enum What {
    Intent(Tag, f32),
    Sentiment(f32),
    Escalation(Escalation),
}

/// A compiled pattern and the tables that hold it (the same cue may be in several).
struct Cue {
    pattern: Compiled,
    /// (table, what the cue says, which table entry it came from)
    owners: Vec<(usize, What, usize)>,
}

struct Engine {
    cues: Vec<Cue>,
    index: Index,
    negators: Vec<Vec<Word>>,
}

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(build)
}

/// German buyers without umlauts on the keyboard write "zurueck" as often as "zuruck".
fn spellings(pattern: &str) -> Vec<String> {
    let mut out = vec![pattern.to_owned()];
    if pattern.contains(['ä', 'ö', 'ü', 'Ä', 'Ö', 'Ü']) {
        out.push(
            pattern
                .replace('ä', "ae")
                .replace('ö', "oe")
                .replace('ü', "ue")
                .replace('Ä', "Ae")
                .replace('Ö', "Oe")
                .replace('Ü', "Ue"),
        );
    }
    out
}

fn build() -> Engine {
    let mut cues: Vec<Cue> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut entry = 0usize;
    let mut add = |table: usize, lex: &Lexicon, source: &str, what: What| {
        entry += 1;
        for spelling in spellings(source) {
            let compiled = Compiled::new(&spelling);
            // A negated cue depends on its table's negation words, so it is never shared.
            let key = if compiled.uses_negation() {
                format!("{}:{}", lex.lang, compiled.key())
            } else {
                compiled.key()
            };
            let i = *by_key.entry(key).or_insert_with(|| {
                cues.push(Cue {
                    pattern: compiled,
                    owners: Vec::new(),
                });
                cues.len() - 1
            });
            cues[i].owners.push((table, what, entry));
        }
    };
    for (t, lex) in LEXICONS.iter().enumerate() {
        for (p, tag, w) in lex.intents {
            add(t, lex, p, What::Intent(*tag, *w));
        }
        for (p, w) in lex.sentiment {
            add(t, lex, p, What::Sentiment(*w));
        }
        for (p, e) in lex.escalations {
            add(t, lex, p, What::Escalation(*e));
        }
    }
    let patterns: Vec<Compiled> = cues.iter().map(|c| c.pattern.clone()).collect();
    Engine {
        index: Index::build(&patterns),
        negators: LEXICONS
            .iter()
            .map(|l| negation_words(l.negators))
            .collect(),
        cues,
    }
}

/// How much a table counts for a message in `lang`: its own language fully, English nearly
/// (buyers everywhere write "refund", "tracking"), others at half (close languages share
/// words, and detection may be wrong). When the language is unknown, English counts fully and
/// the others a little more than half.
fn table_factors(lang: Option<&str>) -> Vec<f32> {
    let known = lang.filter(|l| LEXICONS.iter().any(|lex| lex.lang == *l));
    LEXICONS
        .iter()
        .map(|lex| match known {
            _ if lex.lang == "*" => 1.0,
            Some(l) if lex.lang == l => 1.0,
            None if lex.lang == "en" => 1.0,
            None => 0.7,
            Some(_) if lex.lang == "en" => 0.8,
            Some(_) => 0.5,
        })
        .collect()
}

/// A cue from a half-weight table must match this many letters: short words collide across
/// languages ("sad" is a Polish court, "hang" Vietnamese goods).
const MIN_FOREIGN_LETTERS: usize = 6;

#[derive(Clone, Copy, Debug)]
struct Hit {
    found: Found,
    what: What,
    weight: f32,
    negated: bool,
}

fn hits(p: &Prepared, lang: Option<&str>) -> Vec<Hit> {
    let engine = engine();
    let factors = table_factors(lang);
    let mut hits: Vec<Hit> = Vec::new();
    // Table entries already counted (a spelling variant of a matched cue adds nothing).
    let mut entries_seen: HashSet<usize> = HashSet::new();
    for i in engine.index.candidates(p) {
        let cue = &engine.cues[i];
        // The owner whose table counts most decides the negation words.
        let Some(&(best_table, _, _)) = cue
            .owners
            .iter()
            .max_by(|a, b| factors[a.0].total_cmp(&factors[b.0]))
        else {
            continue;
        };
        let Some(found) = cue.pattern.find(p, &engine.negators[best_table]) else {
            continue;
        };
        let is_negated = !found.span.in_chars
            && negated(
                &p.tokens,
                found.span.start,
                found.span.end,
                &engine.negators[best_table],
                Around::Before,
            );
        for &(table, what, entry) in &cue.owners {
            let factor = factors[table];
            if factor < 0.8 && found.letters < MIN_FOREIGN_LETTERS {
                continue;
            }
            if !entries_seen.insert(entry) {
                continue;
            }
            hits.push(Hit {
                found,
                what,
                weight: factor * found.position,
                negated: is_negated,
            });
        }
    }
    // The same words matched by several tables ("tracking" is in most of them) count once,
    // at the weight of the table that counts most.
    let same = |a: &Hit, b: &Hit| {
        a.found.span == b.found.span
            && match (a.what, b.what) {
                (What::Intent(x, _), What::Intent(y, _)) => x == y,
                (What::Sentiment(_), What::Sentiment(_)) => true,
                (What::Escalation(x), What::Escalation(y)) => x == y,
                _ => false,
            }
    };
    let strength = |h: &Hit| h.weight * magnitude(&h.what);
    let mut unique: Vec<Hit> = Vec::new();
    for h in hits {
        match unique.iter_mut().find(|u| same(u, &h)) {
            Some(u) if strength(&h) > strength(u) => *u = h,
            Some(_) => {}
            None => unique.push(h),
        }
    }
    // A cue inside a longer, at least as strong cue of the same kind says less than it
    // ("refund" inside "where is my refund", 满意 inside 不满意): only the longer one counts.
    let kind = |w: &What| match w {
        What::Intent(..) => 0,
        What::Sentiment(_) => 1,
        What::Escalation(_) => 2,
    };
    let keep: Vec<bool> = unique
        .iter()
        .map(|h| {
            kind(&h.what) == 2
                || !unique.iter().any(|o| {
                    kind(&o.what) == kind(&h.what)
                        && h.found.span.inside(&o.found.span)
                        // A longer phrase always rereads a mood word (喜欢 in 不喜欢); an
                        // intent cue only yields to a stronger one.
                        && (kind(&h.what) == 1 || magnitude(&o.what) >= magnitude(&h.what))
                })
        })
        .collect();
    unique
        .into_iter()
        .zip(keep)
        .filter_map(|(h, k)| k.then_some(h))
        .collect()
}

/// How strongly a cue speaks, whatever its direction.
fn magnitude(what: &What) -> f32 {
    match what {
        What::Intent(_, w) | What::Sentiment(w) => w.abs(),
        What::Escalation(_) => 1.0,
    }
}

pub(crate) struct Verdict {
    pub intent: Intent,
    pub confidence: f32,
    pub sentiment: Sentiment,
    pub escalations: Vec<Escalation>,
}

pub(crate) fn score(p: &Prepared, lang: Option<&str>) -> Verdict {
    let hits = hits(p, lang);
    let mut intents = [0f32; 12];
    let mut remedy = 0f32;
    let mut mood = 0f32;
    let mut escalations: Vec<Escalation> = Vec::new();
    for h in &hits {
        match h.what {
            What::Intent(tag, w) => match tag.intent() {
                Some(intent) => intents[intent.index()] += w * h.weight,
                // "I don't want a refund, just a replacement": the refund is not asked for.
                None if h.negated => {}
                None => remedy += w * h.weight,
            },
            What::Sentiment(w) => {
                // "not happy" is unhappy. A negation before an angry word is most often part of
                // the complaint ("je n'ai toujours pas…"), so those keep their weight.
                let w = if h.negated && w > 0.0 { -w } else { w };
                mood += w * h.weight;
            }
            What::Escalation(e) => {
                if !escalations.contains(&e) {
                    escalations.push(e);
                }
            }
        }
    }
    escalations.sort();
    mood += symbols_mood(&p.original);

    let problems = [
        Intent::DamagedDefective,
        Intent::WrongItem,
        Intent::NotReceived,
    ];
    let top_problem = problems
        .into_iter()
        .max_by(|a, b| intents[a.index()].total_cmp(&intents[b.index()]))
        .unwrap_or(Intent::DamagedDefective);
    if intents[top_problem.index()] >= MIN_PROBLEM_SCORE {
        intents[top_problem.index()] += 0.5 * remedy;
    } else if intents[Intent::RefundStatus.index()] >= 2.0 {
        // "When do I get my money back?" asks about a refund already due.
        intents[Intent::RefundStatus.index()] += 0.5 * remedy;
    } else {
        intents[Intent::ReturnRequest.index()] += remedy;
    }
    if !escalations.is_empty() {
        intents[Intent::Complaint.index()] += 0.8;
    }
    // A question that no cue explains is most often about the product.
    if p.has_question() && p.tokens.len() + p.chars.len() / 2 >= 4 {
        intents[Intent::ProductQuestion.index()] += 0.6;
    }

    let mut ranked: Vec<(Intent, f32)> = Intent::ALL
        .into_iter()
        .map(|i| (i, intents[i.index()] * priority(i)))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    // A complaint wins only when nothing more specific is asked: "nobody answers and my
    // parcel is still not here" is about the parcel.
    if ranked[0].0 == Intent::Complaint {
        if let Some(pos) = ranked.iter().position(|(i, _)| {
            !matches!(
                i,
                Intent::Complaint | Intent::Other | Intent::ProductQuestion
            ) && intents[i.index()] >= MIN_SPECIFIC_OVER_COMPLAINT
        }) {
            ranked.swap(0, pos);
        }
    }
    let (best, best_score) = ranked[0];
    let second_score = ranked[1].1;
    let (intent, confidence) = if best_score < MIN_INTENT_SCORE && !escalations.is_empty() {
        // A bare threat ("I'll see you in court") is a complaint.
        (Intent::Complaint, 0.5)
    } else if best_score < MIN_INTENT_SCORE
        && intents[Intent::ProductQuestion.index()] > 0.0
        && intents[Intent::Other.index()] < 1.0
    {
        // A question that no after-sales cue explains ("Do you have it in black?") is most
        // often about the product.
        (Intent::ProductQuestion, 0.4)
    } else if best_score < MIN_INTENT_SCORE || best == Intent::Other {
        let other = intents[Intent::Other.index()];
        let specific = if best == Intent::Other {
            second_score
        } else {
            best_score
        };
        (
            Intent::Other,
            (0.5 + 0.15 * other - 0.4 * specific / MIN_INTENT_SCORE).clamp(0.05, 1.0),
        )
    } else {
        (
            best,
            (best_score / (best_score + second_score + 0.8)).clamp(0.0, 1.0),
        )
    };

    mood += match intent {
        Intent::DamagedDefective | Intent::WrongItem | Intent::NotReceived => -1.2,
        Intent::Complaint => -1.2,
        _ => 0.0,
    };
    if !escalations.is_empty() {
        mood -= 1.5;
    }
    if p.shouting {
        mood -= 1.0;
    }
    if p.exclamations >= 2 {
        mood *= 1.3;
    }
    // "Where is it??" asks impatiently.
    if p.insistent && intent != Intent::Other {
        mood -= 0.8;
    }
    let sentiment = if mood <= NEGATIVE_BELOW {
        Sentiment::Negative
    } else if mood >= POSITIVE_ABOVE || (intent == Intent::Other && mood >= 0.3) {
        Sentiment::Positive
    } else {
        Sentiment::Neutral
    };
    Verdict {
        intent,
        confidence,
        sentiment,
        escalations,
    }
}

/// The mood of emoji and emoticons; each kind counts once.
fn symbols_mood(original: &str) -> f32 {
    let emoji: f32 = EMOJI
        .iter()
        .filter(|(c, _)| original.contains(*c))
        .map(|(_, w)| w)
        .sum();
    let emoticons: f32 = EMOTICONS
        .iter()
        .filter(|(e, _)| original.contains(e))
        .map(|(_, w)| w)
        .sum();
    emoji + emoticons
}

/// The cues that fired on a message, for debugging a verdict (`classify::explain`).
pub(crate) fn explain(p: &Prepared, lang: Option<&str>) -> Vec<String> {
    let engine = engine();
    let factors = table_factors(lang);
    let mut out = Vec::new();
    for i in engine.index.candidates(p) {
        let cue = &engine.cues[i];
        for (table, what, _) in &cue.owners {
            if let Some(found) = cue.pattern.find(p, &engine.negators[*table]) {
                out.push(format!(
                    "{} {:?} ×{:.2} @{:.2} {:?}",
                    LEXICONS[*table].lang,
                    cue.pattern.source,
                    factors[*table],
                    found.position,
                    what
                ));
            }
        }
    }
    out
}
