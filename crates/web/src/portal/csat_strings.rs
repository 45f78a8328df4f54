//! The CSAT survey page's words, in each of the portal's languages (en, de, fr, es, it, ja,
//! zh, pt, nl, pl, ar); the same shape as [`super::strings`], so a missing translation does
//! not compile.

use super::lang::portal_strings;

portal_strings! {
    C, csat_strings;
    title: ["How did we do?", "Wie zufrieden waren Sie?", "Êtes-vous satisfait ?", "¿Qué tal lo hicimos?",
            "Come ci siamo comportati?", "対応はいかがでしたか？", "您对我们的服务满意吗？", "Como nos saímos?",
            "Hoe hebben we het gedaan?", "Jak nam poszło?", "كيف كان أداؤنا؟"];
    thanks: ["Thank you for your feedback!", "Vielen Dank für Ihre Rückmeldung!", "Merci pour votre avis !",
             "¡Gracias por su opinión!", "Grazie per il suo riscontro!", "ご回答ありがとうございました。",
             "感谢您的反馈！", "Obrigado pela sua opinião!", "Bedankt voor uw feedback!",
             "Dziękujemy za opinię!", "شكرًا على ملاحظاتك!"];
    your_rating: ["Your rating", "Ihre Bewertung", "Votre note", "Su valoración", "La sua valutazione",
                  "あなたの評価", "您的评价", "A sua avaliação", "Uw beoordeling", "Twoja ocena", "تقييمك"];
    good: ["Good", "Gut", "Bien", "Bien", "Bene", "良い", "满意", "Bom", "Goed", "Dobrze", "جيد"];
    bad: ["Not good", "Nicht gut", "Pas bien", "Mal", "Non bene", "良くない", "不满意", "Não foi bom",
          "Niet goed", "Źle", "غير جيد"];
    comment_label: ["Anything you would like to add? (optional)", "Möchten Sie noch etwas hinzufügen? (optional)",
                    "Souhaitez-vous ajouter quelque chose ? (facultatif)", "¿Desea añadir algo? (opcional)",
                    "Vuole aggiungere qualcosa? (facoltativo)", "ご意見があればお書きください（任意）",
                    "还有什么想补充的吗？（可选）", "Quer acrescentar algo? (opcional)",
                    "Wilt u nog iets toevoegen? (optioneel)", "Chcesz coś dodać? (opcjonalnie)",
                    "هل تود إضافة شيء؟ (اختياري)"];
    send: ["Send", "Senden", "Envoyer", "Enviar", "Invia", "送信", "提交", "Enviar", "Versturen", "Wyślij", "إرسال"];
    saved: ["Your answer has been saved.", "Ihre Antwort wurde gespeichert.", "Votre réponse a été enregistrée.",
            "Su respuesta se ha guardado.", "La sua risposta è stata salvata.", "回答を保存しました。",
            "您的回答已保存。", "A sua resposta foi guardada.", "Uw antwoord is opgeslagen.",
            "Twoja odpowiedź została zapisana.", "تم حفظ إجابتك."];
    choose: ["Please choose Good or Not good.", "Bitte wählen Sie Gut oder Nicht gut.",
             "Veuillez choisir Bien ou Pas bien.", "Elija Bien o Mal.", "Scelga Bene o Non bene.",
             "「良い」か「良くない」を選んでください。", "请选择满意或不满意。", "Escolha Bom ou Não foi bom.",
             "Kies Goed of Niet goed.", "Wybierz Dobrze lub Źle.", "يرجى اختيار جيد أو غير جيد."];
    comment_too_long: ["At most 2000 characters, please.", "Bitte höchstens 2000 Zeichen.",
                       "2000 caractères au maximum, s’il vous plaît.", "Como máximo 2000 caracteres.",
                       "Al massimo 2000 caratteri.", "2000文字以内でお願いします。", "最多 2000 个字符。",
                       "No máximo 2000 caracteres.", "Maximaal 2000 tekens.", "Maksymalnie 2000 znaków.",
                       "2000 حرف كحد أقصى من فضلك."];
    not_found: ["This survey link is not valid.", "Dieser Umfragelink ist nicht gültig.",
                "Ce lien d’enquête n’est pas valide.", "Este enlace de encuesta no es válido.",
                "Questo link del sondaggio non è valido.", "このアンケートのリンクは無効です。",
                "此调查链接无效。", "Este link de inquérito não é válido.", "Deze enquêtelink is niet geldig.",
                "Ten link do ankiety jest nieprawidłowy.", "رابط الاستطلاع هذا غير صالح."];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portal::lang::Lang;

    #[test]
    fn the_german_page_says_gut() {
        assert_eq!(csat_strings(Lang::De).good, "Gut");
    }
}
