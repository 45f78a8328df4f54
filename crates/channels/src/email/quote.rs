//! Strips quoted history and signatures from a mail body, for what an agent reads first.
//!
//! Everything from the first history marker on is dropped: an attribution line ("On … wrote:"
//! in a dozen languages, possibly wrapped onto two lines), an "Original Message" separator
//! (including Amazon's relay style), an Outlook header block ("From: … Sent: …"), a signature
//! delimiter (`-- `) or a mobile signature ("Sent from my iPhone"). Remaining lines starting
//! with `>` (inline quoting) are dropped too. The full text is never lost: `body_text` keeps
//! it, and if stripping would leave nothing the input is returned unchanged.

use std::sync::LazyLock;

use regex::{Regex, RegexSet};

/// Lines (or two joined lines) that introduce quoted history.
static ATTRIBUTION: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new([
        r"(?i)^on\s.{1,300}\bwrote\s*:$",
        r"(?i)^am\s.{1,300}\bschrieb\b.{0,300}:$",
        r"(?i)^le\s.{1,300}\sa\s+écrit\s*:$",
        r"(?i)^el\s.{1,300}\sescribió\s*:$",
        r"(?i)^il\s.{1,300}\sha\s+scritto\s*:$",
        r"(?i)^op\s.{1,300}\bschreef\b.{0,300}:$",
        r"(?i)^w\s+dniu\s.{1,300}\snapisał(?:\(a\)|a)?\s*:$",
        r"(?i)^em\s.{1,300}\sescreveu\s*:$",
        r"^.{1,300}于.{0,300}写道\s*[:：]$",
        r"^在.{1,300}寫道\s*[:：]$",
        r"^.{0,300}<[^>\s]+>\s*のメッセージ\s*[:：]$",
    ])
    .expect("valid regexes")
});

/// Separator lines: "-----Original Message-----" and friends, Amazon relay quoting.
static SEPARATOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^[-_=*\s]{2,}\s*(?:original\s+message|ursprüngliche\s+nachricht|message\s+d'origine|mensaje\s+original|messaggio\s+originale|oorspronkelijk\s+bericht|mensagem\s+original|原始邮件|原始郵件|元のメッセージ)\s*:?\s*[-_=*\s]{2,}$",
    )
    .expect("valid regex")
});

/// First line of an Outlook-style header block.
static OUTLOOK_FROM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\*?\s*(?:from|von|de|van|da|od|från|fra|发件人|寄件者|差出人)\s*\*?\s*[:：]\s*\S",
    )
    .expect("valid regex")
});

/// A line in the same block that proves it is a header block and not prose.
static OUTLOOK_SENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\*?\s*(?:sent|date|gesendet|datum|envoyé|enviado|enviada|fecha|verzonden|inviato|data|wysłano|skickat|sendt|发送时间|日期|寄件日期|送信日時|日時)\s*\*?\s*[:：]",
    )
    .expect("valid regex")
});

/// Mobile and client signatures.
static MOBILE_SIGNATURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:sent from my \S.{0,40}|sent from (?:mail|outlook) for \S.{0,30}|get outlook for \S.{0,20}|von meinem \S.{0,30} gesendet|gesendet von meinem \S.{0,30}|envoyé de mon \S.{0,30}|enviado desde mi \S.{0,30}|inviato da(?:l mio)? \S.{0,30}|从我的\s*\S{0,20}\s*发送|發自我的\s*\S{0,20}|iphoneから送信|androidから送信)$",
    )
    .expect("valid regex")
});

/// Returns `text` without quoted history and signature, trimmed. Never empty when `text`
/// has content.
pub fn strip(text: &str) -> String {
    let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = normalized.split('\n').collect();
    let cut = cut_index(&lines);
    let kept: Vec<&str> = lines[..cut]
        .iter()
        .copied()
        .filter(|l| !l.trim_start().starts_with('>'))
        .map(str::trim_end)
        .collect();
    let stripped = collapse_blank_lines(&kept);
    if stripped.is_empty() {
        text.to_string()
    } else {
        stripped
    }
}

/// The index of the first line belonging to history or signature (`lines.len()` if none).
fn cut_index(lines: &[&str]) -> usize {
    for (i, raw) in lines.iter().enumerate() {
        let line = raw.trim();
        // The signature delimiter is "-- "; many clients drop the trailing space.
        if raw.trim_end() == "--" {
            return i;
        }
        if line.is_empty() || line.starts_with('>') {
            continue;
        }
        if ATTRIBUTION.is_match(line) || SEPARATOR.is_match(line) || MOBILE_SIGNATURE.is_match(line)
        {
            return i;
        }
        // An attribution wrapped onto two lines by the sending client.
        if let Some(next) = lines.get(i + 1) {
            let next = next.trim();
            if !next.is_empty() && line.len() + next.len() < 600 {
                let joined = format!("{line} {next}");
                if ATTRIBUTION.is_match(&joined) {
                    return i;
                }
            }
        }
        if OUTLOOK_FROM.is_match(line)
            && lines[i + 1..]
                .iter()
                .take(6)
                .any(|l| OUTLOOK_SENT.is_match(l.trim()))
        {
            // Outlook draws a rule of underscores just above the block: drop it too.
            let mut start = i;
            while start > 0 && {
                let prev = lines[start - 1].trim();
                prev.is_empty() || (prev.len() >= 8 && prev.chars().all(|c| c == '_' || c == '-'))
            } {
                start -= 1;
            }
            return start;
        }
    }
    lines.len()
}

/// Joins lines, keeping at most one blank line in a row, without leading/trailing blanks.
fn collapse_blank_lines(lines: &[&str]) -> String {
    let mut out = String::new();
    let mut blank_run = 0;
    for line in lines {
        if line.trim().is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
            if blank_run > 0 {
                out.push('\n');
            }
        }
        blank_run = 0;
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::strip;

    #[test]
    fn table() {
        let cases: &[(&str, &str)] = &[
            ("Hello\nthanks", "Hello\nthanks"),
            ("Hi\r\n\r\n\r\n\r\nBye\r\n", "Hi\n\nBye"),
            (
                "Yes please.\n\nOn Tue, 3 Mar 2026 at 10:00, Shop <help@shop.example> wrote:\n> Do you want a refund?\n",
                "Yes please.",
            ),
            (
                "Yes please.\n\nOn Tue, 3 Mar 2026 at 10:00, Very Long Name\n<help@shop.example> wrote:\n> old\n",
                "Yes please.",
            ),
            ("Ja.\n\nAm 03.03.2026 um 10:00 schrieb Shop <help@shop.example>:\n> alt", "Ja."),
            ("Oui.\n\nLe mar. 3 mars 2026 à 10:00, Shop <help@shop.example> a écrit :\n> x", "Oui."),
            ("Sí.\n\nEl mar, 3 mar 2026 a las 10:00, Shop (<help@shop.example>) escribió:\n> x", "Sí."),
            ("Sì.\n\nIl giorno mar 3 mar 2026 alle ore 10:00 Shop <h@s.example> ha scritto:\n> x", "Sì."),
            ("Ja.\n\nOp di 3 mrt 2026 om 10:00 schreef Shop <h@s.example>:\n> x", "Ja."),
            ("Tak.\n\nW dniu 3.03.2026 o 10:00, Shop <h@s.example> napisał(a):\n> x", "Tak."),
            ("Sim.\n\nEm ter., 3 de mar. de 2026 às 10:00, Shop <h@s.example> escreveu:\n> x", "Sim."),
            ("好的。\n\n王伟 <wang@example.cn> 于2026年3月3日周二 10:00写道：\n> 旧", "好的。"),
            ("好的。\n\n在 2026年3月3日 週二 10:00，陳小明 <chen@example.tw> 寫道：\n> 舊", "好的。"),
            ("はい。\n\n2026年3月3日(火) 10:00 山田太郎 <yamada@example.jp>のメッセージ:\n> 旧", "はい。"),
            ("Thanks\n\n-----Original Message-----\nFrom: Shop\nSent: Tuesday\n\nold", "Thanks"),
            ("Danke\n\n-----Ursprüngliche Nachricht-----\nVon: Shop\nalt", "Danke"),
            ("Where is it?\n\n------------- Original message -------------\nFrom: Shop\nold", "Where is it?"),
            ("Wo ist es?\n\n---- Ursprüngliche Nachricht ----\nalt", "Wo ist es?"),
            (
                "Please refund.\n\n________________________________\nFrom: Shop <help@shop.example>\nSent: Tuesday, March 3, 2026 10:00 AM\nTo: Anna\nSubject: Re: order\n\nold text",
                "Please refund.",
            ),
            (
                "Bitte erstatten.\n\nVon: Shop <help@shop.example>\nGesendet: Dienstag, 3. März 2026 10:00\nAn: Anna\nBetreff: AW: Bestellung\n\nalt",
                "Bitte erstatten.",
            ),
            (
                "请退款。\n\n发件人: Shop <help@shop.example>\n发送时间: 2026年3月3日 10:00\n收件人: 王伟\n主题: 回复: 订单\n\n旧",
                "请退款。",
            ),
            // "From:" in prose without a header block after it stays.
            ("From: my side it is fine.\nThanks", "From: my side it is fine.\nThanks"),
            ("Best,\nAnna\n-- \nAnna Example\n+49 30 1234", "Best,\nAnna"),
            ("Best,\nAnna\n--\nAnna Example", "Best,\nAnna"),
            ("Best,\r\nAnna\r\n-- \r\nAnna Example", "Best,\nAnna"),
            ("Size --  XL\n--- \nkept", "Size --  XL\n---\nkept"),
            ("Okay\n\nSent from my iPhone\n\n> On ... wrote:\n> old", "Okay"),
            ("Okay\n\nSent from my Android phone", "Okay"),
            ("Ok\n\nVon meinem iPhone gesendet", "Ok"),
            ("Ok\n\nEnvoyé de mon iPhone", "Ok"),
            ("好\n\n从我的iPhone发送", "好"),
            ("はい\n\niPhoneから送信", "はい"),
            // Inline quoting: answers between quotes are kept.
            ("> Size?\nXL\n> Colour?\nRed", "XL\nRed"),
            // Nothing left: keep the input.
            ("> only a quote\n> more", "> only a quote\n> more"),
            ("On Mon, Bob wrote:\n> x", "On Mon, Bob wrote:\n> x"),
            ("", ""),
            // Prose that merely mentions writing is kept.
            ("On Monday I wrote to you about the parcel.\nStill nothing.", "On Monday I wrote to you about the parcel.\nStill nothing."),
            ("---- not a separator ----\nkeep", "---- not a separator ----\nkeep"),
        ];
        for (input, expected) in cases {
            assert_eq!(strip(input), *expected, "input: {input:?}");
        }
    }
}
