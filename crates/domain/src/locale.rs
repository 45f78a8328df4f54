//! The language of the agent UI (buyer-facing languages are a separate, larger set).

use std::str::FromStr;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum UiLocale {
    #[default]
    #[serde(rename = "en")]
    En,
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl UiLocale {
    pub const ALL: [UiLocale; 2] = [UiLocale::En, UiLocale::ZhCn];

    pub fn code(self) -> &'static str {
        match self {
            UiLocale::En => "en",
            UiLocale::ZhCn => "zh-CN",
        }
    }

    /// The language (ISO 639-1) an agent with this locale reads: buyer messages are shown
    /// translated into it.
    pub fn language(self) -> &'static str {
        match self {
            UiLocale::En => "en",
            UiLocale::ZhCn => "zh",
        }
    }

    /// The language's own name, as shown in the language switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            UiLocale::En => "English",
            UiLocale::ZhCn => "简体中文",
        }
    }

    /// Picks the best UI locale from an HTTP `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> UiLocale {
        let mut best: Option<(f32, UiLocale)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|v| v.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let locale = if tag == "zh" || tag.starts_with("zh-") {
                UiLocale::ZhCn
            } else if tag == "en" || tag.starts_with("en-") {
                UiLocale::En
            } else {
                continue;
            };
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, locale));
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }
}

impl FromStr for UiLocale {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "en" => Ok(UiLocale::En),
            "zh-CN" => Ok(UiLocale::ZhCn),
            _ => Err(()),
        }
    }
}

impl TryFrom<String> for UiLocale {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse().map_err(|()| format!("unknown UI locale {s:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language() {
        let cases = [
            ("", UiLocale::En),
            ("zh-CN,zh;q=0.9,en;q=0.8", UiLocale::ZhCn),
            ("en-US,en;q=0.9,zh;q=0.5", UiLocale::En),
            ("de-DE,de;q=0.9", UiLocale::En),
            ("de, zh-TW;q=0.7", UiLocale::ZhCn),
            ("en;q=0.2, zh;q=0.8", UiLocale::ZhCn),
        ];
        for (header, expected) in cases {
            assert_eq!(
                UiLocale::from_accept_language(header),
                expected,
                "{header:?}"
            );
        }
    }

    #[test]
    fn codes_round_trip() {
        for l in UiLocale::ALL {
            assert_eq!(l.code().parse::<UiLocale>(), Ok(l));
        }
    }
}
