//! Cues that hold in every language: marketplace and payment names, carriers, emoji.

use super::Lexicon;
use super::Tag::*;
use crate::classify::Escalation::*;

pub(crate) const LEXICON: Lexicon = Lexicon {
    lang: "*",
    markers: &[],
    negators: &[],
    intents: &[
        ("100v|110v|120v|220v|230v|240v|mah", ProductQuestion, 0.8),
        ("dhl|ups|fedex|usps|gls|dpd|hermes|evri|yodel|yamato|sagawa|jne|jnt|ninja_van|ninjavan|kerry|cainiao|yunexpress|4px|postnl|colissimo|chronopost|correos|seur|inpost|bpost|sf_express|ems|royal_mail|canada_post|australia_post|poste_italiane|brt|ctt|sicepat|anteraja|spx|lalamove|ghtk|ghn|viettel_post|thailand_post|flash_express|aramex|smsa|naqel", OrderStatus, 0.5),
    ],
    sentiment: &[],
    escalations: &[
        ("a_to_z|atoz|a_z_claim|a_z_guarantee|a2z", Claim),
        ("paypal .. dispute|claim|case|konflikt|litige|disputa|reclamo|geschil|spor|sengketa|khieu_nai|tranh_chap", Claim),
        ("chargeback|chargebacks|charge_back", Chargeback),
        ("trustpilot", BadReview),
    ],
};

/// Emoji and their mood; the brief ones only, where buyers agree on the meaning.
pub(crate) const EMOJI: &[(char, f32)] = &[
    ('😡', -2.0),
    ('🤬', -2.5),
    ('😠', -1.5),
    ('😤', -1.2),
    ('👎', -1.5),
    ('💢', -1.0),
    ('😞', -1.0),
    ('😢', -1.0),
    ('😭', -1.2),
    ('☹', -1.0),
    ('🙁', -1.0),
    ('😒', -1.0),
    ('😩', -1.0),
    ('😫', -1.0),
    ('🤦', -1.0),
    ('😔', -0.8),
    ('😑', -0.6),
    ('🙄', -1.0),
    ('💩', -1.5),
    ('😖', -1.0),
    ('😣', -0.8),
    ('😾', -1.0),
    ('👍', 1.0),
    ('😊', 1.0),
    ('🙂', 0.6),
    ('😀', 1.0),
    ('😃', 1.0),
    ('😄', 1.0),
    ('😁', 1.0),
    ('❤', 1.2),
    ('🥰', 1.5),
    ('😍', 1.5),
    ('🙏', 0.3),
    ('👌', 0.8),
    ('💯', 0.8),
    ('⭐', 0.4),
    ('🌟', 0.6),
    ('💕', 1.0),
    ('💖', 1.0),
    ('😘', 1.0),
    ('🤗', 1.0),
    ('👏', 1.0),
    ('🎉', 0.8),
    ('☺', 1.0),
    ('😇', 0.8),
    ('♥', 1.0),
    ('💗', 1.0),
];

/// Text emoticons and their mood.
pub(crate) const EMOTICONS: &[(&str, f32)] = &[
    (":)", 0.6),
    (":-)", 0.6),
    (":D", 1.0),
    (":-D", 1.0),
    (";)", 0.4),
    ("^^", 0.6),
    ("^_^", 0.8),
    (":(", -1.0),
    (":-(", -1.0),
    (":'(", -1.2),
    (">:(", -2.0),
    ("T_T", -1.0),
    ("T.T", -1.0),
    ("-_-", -0.6),
];
