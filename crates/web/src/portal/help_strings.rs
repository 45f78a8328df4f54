//! Every string of the public help center, in each of the portal's languages (en, de, fr, es,
//! it, ja, zh, pt, nl, pl, ar); the same shape as [`super::strings`], so a missing
//! translation does not compile and a test checks the placeholders agree.

use super::lang::portal_strings;

portal_strings! {
    H, help_strings;
    help_title: ["Help center", "Hilfe-Center", "Centre d’aide", "Centro de ayuda", "Centro assistenza", "ヘルプセンター", "帮助中心", "Centro de ajuda", "Helpcentrum", "Centrum pomocy", "مركز المساعدة"];
    search_placeholder: ["Search for answers", "Antworten suchen", "Rechercher une réponse", "Buscar respuestas", "Cerca risposte", "回答を検索", "搜索答案", "Pesquisar respostas", "Zoek antwoorden", "Szukaj odpowiedzi", "ابحث عن إجابات"];
    search_button: ["Search", "Suchen", "Rechercher", "Buscar", "Cerca", "検索", "搜索", "Pesquisar", "Zoeken", "Szukaj", "بحث"];
    results_for: ["Results for “{}”", "Ergebnisse für „{}“", "Résultats pour « {} »", "Resultados para «{}»", "Risultati per «{}»", "「{}」の検索結果", "“{}”的搜索结果", "Resultados para «{}»", "Resultaten voor ‘{}’", "Wyniki dla „{}”", "نتائج البحث عن «{}»"];
    no_results: [
        "No articles match “{}”. Try other words, or browse the help center.",
        "Keine Artikel passen zu „{}“. Versuchen Sie andere Wörter oder stöbern Sie im Hilfe-Center.",
        "Aucun article ne correspond à « {} ». Essayez d’autres mots ou parcourez le centre d’aide.",
        "Ningún artículo coincide con «{}». Prueba con otras palabras o explora el centro de ayuda.",
        "Nessun articolo corrisponde a «{}». Prova con altre parole o sfoglia il centro assistenza.",
        "「{}」に一致する記事はありません。別の言葉で検索するか、ヘルプセンターをご覧ください。",
        "没有与“{}”匹配的文章。请换个词试试，或浏览帮助中心。",
        "Nenhum artigo corresponde a «{}». Experimente outras palavras ou explore o centro de ajuda.",
        "Geen artikelen gevonden voor ‘{}’. Probeer andere woorden of blader door het helpcentrum.",
        "Brak artykułów pasujących do „{}”. Spróbuj innych słów lub przejrzyj centrum pomocy.",
        "لا توجد مقالات تطابق «{}». جرّب كلمات أخرى أو تصفّح مركز المساعدة.",
    ];
    results_other_languages: [
        "Nothing in your language, but these articles in other languages match:",
        "Nichts in Ihrer Sprache, aber diese Artikel in anderen Sprachen passen:",
        "Rien dans votre langue, mais ces articles dans d’autres langues correspondent :",
        "Nada en tu idioma, pero estos artículos en otros idiomas coinciden:",
        "Niente nella tua lingua, ma questi articoli in altre lingue corrispondono:",
        "ご利用の言語の記事はありませんが、他の言語の次の記事が一致しました:",
        "没有您所用语言的文章，但以下其他语言的文章匹配：",
        "Nada no seu idioma, mas estes artigos noutros idiomas correspondem:",
        "Niets in jouw taal, maar deze artikelen in andere talen komen overeen:",
        "Nic w Twoim języku, ale pasują te artykuły w innych językach:",
        "لا شيء بلغتك، لكن هذه المقالات بلغات أخرى مطابقة:",
    ];
    more_articles: ["More articles", "Weitere Artikel", "Autres articles", "Más artículos", "Altri articoli", "その他の記事", "更多文章", "Mais artigos", "Meer artikelen", "Więcej artykułów", "مقالات أخرى"];
    popular: ["Popular articles", "Beliebte Artikel", "Articles populaires", "Artículos populares", "Articoli popolari", "よく読まれている記事", "热门文章", "Artigos populares", "Populaire artikelen", "Popularne artykuły", "المقالات الشائعة"];
    empty: ["There are no articles here yet.", "Hier gibt es noch keine Artikel.", "Il n’y a pas encore d’articles ici.", "Todavía no hay artículos.", "Non ci sono ancora articoli.", "まだ記事はありません。", "暂无文章。", "Ainda não há artigos.", "Er zijn hier nog geen artikelen.", "Nie ma tu jeszcze artykułów.", "لا توجد مقالات هنا بعد."];
    content_fallback: [
        "There are no articles in {} yet, so you see them in {}.",
        "Es gibt noch keine Artikel auf {}, daher sehen Sie sie auf {}.",
        "Il n’y a pas encore d’articles en {} ; ils s’affichent en {}.",
        "Aún no hay artículos en {}; se muestran en {}.",
        "Non ci sono ancora articoli in {}; li vedi in {}.",
        "{}の記事はまだないため、{}で表示しています。",
        "暂无{}文章，现以{}显示。",
        "Ainda não há artigos em {}; são mostrados em {}.",
        "Er zijn nog geen artikelen in het {}, daarom zie je ze in het {}.",
        "Nie ma jeszcze artykułów w języku {}, więc widzisz je w języku {}.",
        "لا توجد مقالات بـ{} بعد، لذا تظهر بـ{}.",
    ];
    not_in_language: [
        "This article is not available in {} yet; it is shown in {}.",
        "Dieser Artikel ist noch nicht auf {} verfügbar; er wird auf {} angezeigt.",
        "Cet article n’est pas encore disponible en {} ; il s’affiche en {}.",
        "Este artículo aún no está disponible en {}; se muestra en {}.",
        "Questo articolo non è ancora disponibile in {}; è mostrato in {}.",
        "この記事はまだ{}では読めないため、{}で表示しています。",
        "本文暂无{}版本，现以{}显示。",
        "Este artigo ainda não está disponível em {}; é mostrado em {}.",
        "Dit artikel is nog niet beschikbaar in het {}; het wordt getoond in het {}.",
        "Ten artykuł nie jest jeszcze dostępny w języku {}; wyświetlamy go w języku {}.",
        "هذه المقالة غير متاحة بـ{} بعد، لذا تظهر بـ{}.",
    ];
    other_languages: ["Also in:", "Auch auf:", "Aussi en :", "También en:", "Anche in:", "他の言語:", "其他语言：", "Também em:", "Ook in:", "Również w:", "متوفرة أيضًا بـ:"];
    updated: ["Updated {}", "Aktualisiert am {}", "Mis à jour le {}", "Actualizado el {}", "Aggiornato il {}", "更新日: {}", "更新于 {}", "Atualizado em {}", "Bijgewerkt op {}", "Zaktualizowano {}", "آخر تحديث {}"];
    helpful_question: ["Was this article helpful?", "War dieser Artikel hilfreich?", "Cet article vous a-t-il été utile ?", "¿Te ha resultado útil este artículo?", "Questo articolo ti è stato utile?", "この記事は役に立ちましたか？", "这篇文章对您有帮助吗？", "Este artigo foi útil?", "Was dit artikel nuttig?", "Czy ten artykuł był pomocny?", "هل كانت هذه المقالة مفيدة؟"];
    yes: ["Yes", "Ja", "Oui", "Sí", "Sì", "はい", "是", "Sim", "Ja", "Tak", "نعم"];
    no: ["No", "Nein", "Non", "No", "No", "いいえ", "否", "Não", "Nee", "Nie", "لا"];
    thanks: ["Thank you for your feedback!", "Danke für Ihr Feedback!", "Merci pour votre avis !", "¡Gracias por tu opinión!", "Grazie per il tuo feedback!", "ご意見ありがとうございます。", "感谢您的反馈！", "Obrigado pela sua opinião!", "Bedankt voor je feedback!", "Dziękujemy za opinię!", "شكرًا على ملاحظاتك!"];
    voted_yes: ["You found this article helpful.", "Sie fanden diesen Artikel hilfreich.", "Vous avez trouvé cet article utile.", "Te resultó útil este artículo.", "Hai trovato utile questo articolo.", "この記事が役に立ったと回答しました。", "您认为这篇文章有帮助。", "Achou este artigo útil.", "Je vond dit artikel nuttig.", "Uznano ten artykuł za pomocny.", "وجدت هذه المقالة مفيدة."];
    voted_no: ["You did not find this article helpful.", "Sie fanden diesen Artikel nicht hilfreich.", "Vous n’avez pas trouvé cet article utile.", "No te resultó útil este artículo.", "Non hai trovato utile questo articolo.", "この記事は役に立たなかったと回答しました。", "您认为这篇文章没有帮助。", "Não achou este artigo útil.", "Je vond dit artikel niet nuttig.", "Uznano ten artykuł za niepomocny.", "لم تجد هذه المقالة مفيدة."];
    still_need_help: ["Still need help with an order?", "Brauchen Sie noch Hilfe mit einer Bestellung?", "Besoin d’aide pour une commande ?", "¿Aún necesitas ayuda con un pedido?", "Hai ancora bisogno di aiuto con un ordine?", "ご注文についてお困りですか？", "订单方面还需要帮助？", "Ainda precisa de ajuda com uma encomenda?", "Nog hulp nodig met een bestelling?", "Nadal potrzebujesz pomocy z zamówieniem?", "هل ما زلت بحاجة إلى مساعدة بشأن طلب؟"];
    back_to_help: ["All articles", "Alle Artikel", "Tous les articles", "Todos los artículos", "Tutti gli articoli", "すべての記事", "全部文章", "Todos os artigos", "Alle artikelen", "Wszystkie artykuły", "كل المقالات"];
    article_not_found: [
        "This article does not exist or is no longer published.",
        "Diesen Artikel gibt es nicht oder er ist nicht mehr veröffentlicht.",
        "Cet article n’existe pas ou n’est plus publié.",
        "Este artículo no existe o ya no está publicado.",
        "Questo articolo non esiste o non è più pubblicato.",
        "この記事は存在しないか、公開が終了しています。",
        "该文章不存在或已不再公开。",
        "Este artigo não existe ou já não está publicado.",
        "Dit artikel bestaat niet of is niet meer gepubliceerd.",
        "Ten artykuł nie istnieje lub nie jest już opublikowany.",
        "هذه المقالة غير موجودة أو لم تعد منشورة.",
    ];
    help_not_found: [
        "This help center does not exist.",
        "Dieses Hilfe-Center gibt es nicht.",
        "Ce centre d’aide n’existe pas.",
        "Este centro de ayuda no existe.",
        "Questo centro assistenza non esiste.",
        "このヘルプセンターは存在しません。",
        "该帮助中心不存在。",
        "Este centro de ajuda não existe.",
        "Dit helpcentrum bestaat niet.",
        "To centrum pomocy nie istnieje.",
        "مركز المساعدة هذا غير موجود.",
    ];
    too_many_votes: [
        "Too many answers from your connection. Please try again in {} minutes.",
        "Zu viele Antworten von Ihrer Verbindung. Bitte versuchen Sie es in {} Minuten erneut.",
        "Trop de réponses depuis votre connexion. Veuillez réessayer dans {} minutes.",
        "Demasiadas respuestas desde tu conexión. Vuelve a intentarlo dentro de {} minutos.",
        "Troppe risposte dalla tua connessione. Riprova tra {} minuti.",
        "お使いの接続からの回答が多すぎます。{} 分後にもう一度お試しください。",
        "您的网络提交次数过多，请在 {} 分钟后重试。",
        "Demasiadas respostas a partir da sua ligação. Tente novamente dentro de {} minutos.",
        "Te veel antwoorden vanaf je verbinding. Probeer het over {} minuten opnieuw.",
        "Zbyt wiele odpowiedzi z Twojego połączenia. Spróbuj ponownie za {} min.",
        "إجابات كثيرة جدًا من اتصالك. يرجى المحاولة مرة أخرى بعد {} دقيقة.",
    ];
}
