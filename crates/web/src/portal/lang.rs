//! The languages buyers read the portal in, and which one a request gets.

use axum::http::{header, HeaderMap};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    De,
    Fr,
    Es,
    It,
    Ja,
    Zh,
    Pt,
    Nl,
    Pl,
    Ar,
}

impl Lang {
    pub const ALL: [Lang; 11] = [
        Lang::En,
        Lang::De,
        Lang::Fr,
        Lang::Es,
        Lang::It,
        Lang::Ja,
        Lang::Zh,
        Lang::Pt,
        Lang::Nl,
        Lang::Pl,
        Lang::Ar,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
            Lang::Fr => "fr",
            Lang::Es => "es",
            Lang::It => "it",
            Lang::Ja => "ja",
            Lang::Zh => "zh",
            Lang::Pt => "pt",
            Lang::Nl => "nl",
            Lang::Pl => "pl",
            Lang::Ar => "ar",
        }
    }

    /// The language's own name, for the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::De => "Deutsch",
            Lang::Fr => "Français",
            Lang::Es => "Español",
            Lang::It => "Italiano",
            Lang::Ja => "日本語",
            Lang::Zh => "中文",
            Lang::Pt => "Português",
            Lang::Nl => "Nederlands",
            Lang::Pl => "Polski",
            Lang::Ar => "العربية",
        }
    }

    pub fn dir(self) -> &'static str {
        if self == Lang::Ar {
            "rtl"
        } else {
            "ltr"
        }
    }

    /// `de`, `de-AT`, `zh-CN`, `pt_BR` → the language; anything else → `None`.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// The best match of an `Accept-Language` header, if any language in it is ours.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let Some(lang) = pieces.next().and_then(Lang::parse) else {
                continue;
            };
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q=").and_then(|v| v.parse().ok()))
                .unwrap_or(1.0f32);
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l)
    }

    /// `?lang=` first, then `Accept-Language`, then the shop's default, then English.
    pub fn pick(query: Option<&str>, headers: &HeaderMap, shop_default: &str) -> Lang {
        query
            .and_then(Lang::parse)
            .or_else(|| {
                headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(Lang::from_accept_language)
            })
            .or_else(|| Lang::parse(shop_default))
            .unwrap_or(Lang::En)
    }
}

/// Declares a table of texts in every portal language: `portal_strings!(S, strings; key: [en,
/// de, fr, es, it, ja, zh, pt, nl, pl, ar]; …)` makes the struct `S`, one static per language,
/// the selector `strings(lang)`, `fill` for the `{}` placeholders, and a test that every text is
/// there with the same placeholders. Exactly one text per language for every key, so a missing
/// translation does not compile.
macro_rules! portal_strings {
    ($ty:ident, $select:ident;
     $($key:ident: [$en:expr, $de:expr, $fr:expr, $es:expr, $it:expr, $ja:expr, $zh:expr,
                    $pt:expr, $nl:expr, $pl:expr, $ar:expr $(,)?];)*) => {
        pub struct $ty { $(pub $key: &'static str,)* }
        static EN: $ty = $ty { $($key: $en,)* };
        static DE: $ty = $ty { $($key: $de,)* };
        static FR: $ty = $ty { $($key: $fr,)* };
        static ES: $ty = $ty { $($key: $es,)* };
        static IT: $ty = $ty { $($key: $it,)* };
        static JA: $ty = $ty { $($key: $ja,)* };
        static ZH: $ty = $ty { $($key: $zh,)* };
        static PT: $ty = $ty { $($key: $pt,)* };
        static NL: $ty = $ty { $($key: $nl,)* };
        static PL: $ty = $ty { $($key: $pl,)* };
        static AR: $ty = $ty { $($key: $ar,)* };
        #[cfg(test)]
        fn all_rows() -> Vec<(&'static str, [&'static str; 11])> {
            vec![$((stringify!($key), [$en, $de, $fr, $es, $it, $ja, $zh, $pt, $nl, $pl, $ar]),)*]
        }

        #[test]
        fn every_string_is_translated_with_the_same_placeholders() {
            for (key, texts) in all_rows() {
                let holes = texts[0].matches("{}").count();
                for (lang, text) in $crate::portal::lang::Lang::ALL.iter().zip(texts) {
                    assert!(!text.trim().is_empty(), "{key} is empty in {lang:?}");
                    assert_eq!(
                        text.matches("{}").count(),
                        holes,
                        "{key} has other placeholders in {lang:?}"
                    );
                }
            }
        }

        impl $ty {
            /// Fills the `{}` placeholders of a string in order.
            #[allow(dead_code)] // a table without placeholders never calls it
            pub fn fill(&self, template: &str, values: &[&dyn std::fmt::Display]) -> String {
                let mut out = template.to_owned();
                for v in values {
                    out = out.replacen("{}", &v.to_string(), 1);
                }
                out
            }
        }

        pub fn $select(lang: $crate::portal::lang::Lang) -> &'static $ty {
            use $crate::portal::lang::Lang;
            match lang {
                Lang::En => &EN,
                Lang::De => &DE,
                Lang::Fr => &FR,
                Lang::Es => &ES,
                Lang::It => &IT,
                Lang::Ja => &JA,
                Lang::Zh => &ZH,
                Lang::Pt => &PT,
                Lang::Nl => &NL,
                Lang::Pl => &PL,
                Lang::Ar => &AR,
            }
        }
    };
}
pub(crate) use portal_strings;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_query_then_header_then_shop() {
        let mut headers = HeaderMap::new();
        assert_eq!(Lang::pick(None, &headers, "zh-CN"), Lang::Zh);
        assert_eq!(Lang::pick(None, &headers, "xx"), Lang::En);
        headers.insert(
            header::ACCEPT_LANGUAGE,
            "sv-SE, fr-CH;q=0.8, de;q=0.9".parse().unwrap(),
        );
        assert_eq!(Lang::pick(None, &headers, "en"), Lang::De);
        assert_eq!(Lang::pick(Some("ar"), &headers, "en"), Lang::Ar);
        assert_eq!(Lang::pick(Some("bogus"), &headers, "en"), Lang::De);
    }

    #[test]
    fn codes_round_trip() {
        for l in Lang::ALL {
            assert_eq!(Lang::parse(l.code()), Some(l));
        }
    }
}
