//! Markets: a single country (ISO 3166-1 alpha-2) or a named region of countries.
//!
//! Stored as a plain string (`"EU"`, `"SEA"`, `"DE"`), so policies read well as JSON.
//! `"US"`, `"JP"` and `"AU"` parse as regions that contain exactly that country, which is the
//! same thing as the country. `"UK"` is the region for `GB` (the ISO code).

use std::fmt;

/// A named group of countries that return policies are written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Region {
    /// The 27 EU member states.
    Eu,
    /// The EU plus Iceland, Liechtenstein and Norway (the Consumer Rights Directive applies).
    Eea,
    /// The United Kingdom (`GB`).
    Uk,
    Us,
    Jp,
    Au,
    /// Shopee's South-East Asian markets: Singapore, Malaysia, Thailand, the Philippines,
    /// Vietnam, Indonesia.
    Sea,
    /// The Gulf Cooperation Council: UAE, Saudi Arabia, Kuwait, Qatar, Bahrain, Oman.
    Gcc,
}

const EU: &[&str] = &[
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
];
const EEA_EXTRA: &[&str] = &["IS", "LI", "NO"];

impl Region {
    pub const ALL: &'static [Region] = &[
        Region::Eu,
        Region::Eea,
        Region::Uk,
        Region::Us,
        Region::Jp,
        Region::Au,
        Region::Sea,
        Region::Gcc,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Region::Eu => "EU",
            Region::Eea => "EEA",
            Region::Uk => "UK",
            Region::Us => "US",
            Region::Jp => "JP",
            Region::Au => "AU",
            Region::Sea => "SEA",
            Region::Gcc => "GCC",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Region::ALL
            .iter()
            .copied()
            .find(|r| r.code().eq_ignore_ascii_case(code.trim()))
    }

    /// Whether `country` (normalised alpha-2, e.g. `"DE"`) belongs to the region.
    pub fn contains(self, country: &str) -> bool {
        match self {
            Region::Eu => EU.contains(&country),
            Region::Eea => EU.contains(&country) || EEA_EXTRA.contains(&country),
            Region::Uk => country == "GB",
            Region::Us => country == "US",
            Region::Jp => country == "JP",
            Region::Au => country == "AU",
            Region::Sea => ["SG", "MY", "TH", "PH", "VN", "ID"].contains(&country),
            Region::Gcc => ["AE", "SA", "KW", "QA", "BH", "OM"].contains(&country),
        }
    }
}

/// `" de "` → `Some("DE")`; anything that is not two ASCII letters → `None`.
/// `"UK"` is accepted as the common alias of `GB`.
pub fn normalize_country(input: &str) -> Option<String> {
    let code = input.trim().to_ascii_uppercase();
    if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    Some(if code == "UK" { "GB".to_owned() } else { code })
}

/// What a rule, a warehouse or a lane is for: one country or a whole region.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Market {
    Region(Region),
    Country(String),
}

impl Market {
    /// A region code (`"EU"`) or a country code (`"de"` → `DE`).
    pub fn parse(code: &str) -> Option<Self> {
        Region::parse(code)
            .map(Market::Region)
            .or_else(|| normalize_country(code).map(Market::Country))
    }

    /// Whether the normalised country is in this market.
    pub fn contains(&self, country: &str) -> bool {
        match self {
            Market::Region(region) => region.contains(country),
            Market::Country(code) => code == country,
        }
    }
}

impl fmt::Display for Market {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Market::Region(region) => f.write_str(region.code()),
            Market::Country(code) => f.write_str(code),
        }
    }
}

impl From<Market> for String {
    fn from(market: Market) -> String {
        market.to_string()
    }
}

impl TryFrom<String> for Market {
    type Error = String;
    fn try_from(code: String) -> Result<Self, Self::Error> {
        Market::parse(&code).ok_or_else(|| format!("not a country or region code: {code:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_hold_their_countries() {
        assert_eq!(EU.len(), 27);
        let cases = [
            ("EU", "DE", true),
            ("EU", "GR", true),
            ("EU", "GB", false),
            ("EU", "NO", false),
            ("EEA", "NO", true),
            ("UK", "GB", true),
            ("SEA", "VN", true),
            ("SEA", "JP", false),
            ("GCC", "OM", true),
            ("GCC", "EG", false),
            ("US", "US", true),
            ("de", "DE", true),
            ("DE", "FR", false),
        ];
        for (market, country, expected) in cases {
            assert_eq!(
                Market::parse(market).unwrap().contains(country),
                expected,
                "{market} ∋ {country}"
            );
        }
    }

    #[test]
    fn countries_normalise_and_round_trip_as_json() {
        assert_eq!(normalize_country(" de "), Some("DE".into()));
        assert_eq!(normalize_country("uk"), Some("GB".into()));
        assert_eq!(normalize_country("DEU"), None);
        assert_eq!(normalize_country("1A"), None);
        let markets = vec![Market::Region(Region::Sea), Market::Country("DE".into())];
        let json = serde_json::to_string(&markets).unwrap();
        assert_eq!(json, r#"["SEA","DE"]"#);
        assert_eq!(serde_json::from_str::<Vec<Market>>(&json).unwrap(), markets);
        assert!(serde_json::from_str::<Market>(r#""Europe""#).is_err());
    }
}
