//! The CSAT survey message: a short note in the buyer's language with two one-click links
//! (good / bad). Pure text; the worker queues it through the outbox.

use crate::languages::primary_subtag;

/// The survey's words in one language: `{shop}`, `{good}` and `{bad}` are filled in.
struct Words {
    code: &'static str,
    text: &'static str,
}

const WORDS: &[Words] = &[
    Words {
        code: "en",
        text: "Your request has been solved. How did we do?\n\nGood: {good}\nNot good: {bad}\n\nOne click is enough. Thank you!\n{shop}",
    },
    Words {
        code: "de",
        text: "Ihre Anfrage wurde gelöst. Wie zufrieden waren Sie mit uns?\n\nGut: {good}\nNicht gut: {bad}\n\nEin Klick genügt. Vielen Dank!\n{shop}",
    },
    Words {
        code: "fr",
        text: "Votre demande a été résolue. Êtes-vous satisfait de notre aide ?\n\nBien : {good}\nPas bien : {bad}\n\nUn seul clic suffit. Merci !\n{shop}",
    },
    Words {
        code: "es",
        text: "Su solicitud ha sido resuelta. ¿Qué tal lo hicimos?\n\nBien: {good}\nMal: {bad}\n\nBasta con un clic. ¡Gracias!\n{shop}",
    },
    Words {
        code: "it",
        text: "La sua richiesta è stata risolta. Come ci siamo comportati?\n\nBene: {good}\nNon bene: {bad}\n\nBasta un clic. Grazie!\n{shop}",
    },
    Words {
        code: "zh",
        text: "您的问题已解决。您对我们的服务满意吗？\n\n满意：{good}\n不满意：{bad}\n\n只需点击一次。谢谢！\n{shop}",
    },
    Words {
        code: "ja",
        text: "お問い合わせは解決しました。私たちの対応はいかがでしたか？\n\n良い：{good}\n良くない：{bad}\n\nワンクリックで完了します。ありがとうございました。\n{shop}",
    },
];

/// The language the survey is written in for a buyer whose language is `language`
/// (`de-AT` → `de`); English when we have no words in theirs.
pub fn language(language: Option<&str>) -> &'static str {
    let primary = language.map(primary_subtag).unwrap_or_default();
    WORDS
        .iter()
        .find(|w| w.code == primary)
        .map_or("en", |w| w.code)
}

/// The survey message in `language` (see [`language`]).
pub fn invitation(language: &str, shop: &str, good: &str, bad: &str) -> String {
    let words = WORDS
        .iter()
        .find(|w| w.code == language)
        .unwrap_or(&WORDS[0]);
    words
        .text
        .replace("{good}", good)
        .replace("{bad}", bad)
        .replace("{shop}", shop)
}

/// The survey's two links: `{base}/p/{shop}/csat/{token}?r=good` and `?r=bad`.
pub fn links(public_url: &str, shop_slug: &str, token: &str) -> (String, String) {
    let base = format!(
        "{}/p/{shop_slug}/csat/{token}",
        public_url.trim_end_matches('/')
    );
    (format!("{base}?r=good"), format!("{base}?r=bad"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_buyers_language_or_english() {
        assert_eq!(language(Some("de-AT")), "de");
        assert_eq!(language(Some("zh_Hans")), "zh");
        assert_eq!(language(Some("ja")), "ja");
        assert_eq!(language(Some("pl")), "en");
        assert_eq!(language(None), "en");
    }

    #[test]
    fn every_language_carries_both_links_and_the_shop() {
        let (good, bad) = links("https://help.example.com/", "acme", "tok");
        assert_eq!(good, "https://help.example.com/p/acme/csat/tok?r=good");
        assert_eq!(bad, "https://help.example.com/p/acme/csat/tok?r=bad");
        for w in WORDS {
            let text = invitation(w.code, "Acme", &good, &bad);
            assert!(text.contains(&good) && text.contains(&bad) && text.contains("Acme"));
            assert!(!text.contains('{'), "{}: {text}", w.code);
        }
        assert!(invitation("de", "A", "g", "b").starts_with("Ihre Anfrage"));
        assert!(invitation("xx", "A", "g", "b").starts_with("Your request"));
    }
}
