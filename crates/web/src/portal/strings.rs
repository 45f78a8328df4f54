//! Every string of the buyer portal, in each of its languages.
//!
//! [`portal_strings!`](super::lang) takes exactly one text per language for every key (en, de, fr, es, it,
//! ja, zh, pt, nl, pl, ar), so a missing translation does not compile; a test checks that none
//! is empty and that placeholders (`{}`) agree across languages.

use super::lang::portal_strings;

impl S {
    /// The buyer's words for a stored code: RMA status, timeline entry, return reason,
    /// resolution. Unknown codes fall back to a neutral word, never to the raw code.
    pub fn code(&self, code: &str) -> &'static str {
        match code {
            "requested" => self.st_requested,
            "approved" => self.st_approved,
            "rejected" => self.st_rejected,
            "in_transit" => self.st_in_transit,
            "received" => self.st_received,
            "inspected" => self.st_inspected,
            "refunded" | "refund_issued" => self.st_refunded,
            "resolved" => self.st_resolved,
            "closed" => self.st_closed,
            "changed_mind" => self.r_changed_mind,
            "defective" => self.r_defective,
            "damaged_in_transit" => self.r_damaged_in_transit,
            "wrong_item" => self.r_wrong_item,
            "not_as_described" => self.r_not_as_described,
            "too_small" => self.r_too_small,
            "too_large" => self.r_too_large,
            "arrived_late" => self.r_arrived_late,
            "other" => self.r_other,
            "refund" => self.res_refund,
            "exchange" => self.res_exchange,
            "repair" => self.res_repair,
            "store_credit" => self.res_store_credit,
            "partial_refund" => self.res_partial_refund,
            _ => self.ev_update,
        }
    }
}

portal_strings! {
    S, strings;
    returns_title: ["Returns", "Rücksendungen", "Retours", "Devoluciones", "Resi", "返品", "退货", "Devoluções", "Retouren", "Zwroty", "المرتجعات"];
    find_intro: [
        "Enter your order number and the email address you ordered with.",
        "Geben Sie Ihre Bestellnummer und die E-Mail-Adresse Ihrer Bestellung ein.",
        "Saisissez votre numéro de commande et l’adresse e-mail utilisée pour commander.",
        "Introduce tu número de pedido y el correo electrónico con el que compraste.",
        "Inserisci il numero d’ordine e l’indirizzo email usato per l’ordine.",
        "注文番号とご注文時のメールアドレスを入力してください。",
        "请输入订单号和下单时使用的电子邮箱。",
        "Introduza o número da encomenda e o e-mail usado na compra.",
        "Vul je bestelnummer en het e-mailadres van je bestelling in.",
        "Podaj numer zamówienia i adres e-mail użyty przy zamówieniu.",
        "أدخل رقم الطلب والبريد الإلكتروني الذي استخدمته في الطلب.",
    ];
    order_number: ["Order number", "Bestellnummer", "Numéro de commande", "Número de pedido", "Numero d’ordine", "注文番号", "订单号", "Número da encomenda", "Bestelnummer", "Numer zamówienia", "رقم الطلب"];
    email: ["Email address", "E-Mail-Adresse", "Adresse e-mail", "Correo electrónico", "Indirizzo email", "メールアドレス", "电子邮箱", "Endereço de e-mail", "E-mailadres", "Adres e-mail", "البريد الإلكتروني"];
    find_button: ["Find my order", "Bestellung suchen", "Trouver ma commande", "Buscar mi pedido", "Trova il mio ordine", "注文を探す", "查找订单", "Encontrar a encomenda", "Bestelling zoeken", "Znajdź zamówienie", "ابحث عن طلبي"];
    not_found: [
        "We could not find an order with that number and email.",
        "Wir konnten keine Bestellung mit dieser Nummer und E-Mail-Adresse finden.",
        "Nous n’avons trouvé aucune commande avec ce numéro et cette adresse e-mail.",
        "No encontramos ningún pedido con ese número y correo electrónico.",
        "Non abbiamo trovato alcun ordine con questo numero ed email.",
        "その番号とメールアドレスの注文は見つかりませんでした。",
        "未找到与该订单号和邮箱匹配的订单。",
        "Não encontrámos nenhuma encomenda com esse número e e-mail.",
        "We konden geen bestelling vinden met dit nummer en e-mailadres.",
        "Nie znaleźliśmy zamówienia o tym numerze i adresie e-mail.",
        "لم نعثر على طلب بهذا الرقم وهذا البريد الإلكتروني.",
    ];
    too_many_title: ["Too many attempts", "Zu viele Versuche", "Trop de tentatives", "Demasiados intentos", "Troppi tentativi", "試行回数が多すぎます", "尝试次数过多", "Demasiadas tentativas", "Te veel pogingen", "Zbyt wiele prób", "محاولات كثيرة جدًا"];
    too_many: [
        "Please try again in {} minutes.",
        "Bitte versuchen Sie es in {} Minuten erneut.",
        "Veuillez réessayer dans {} minutes.",
        "Vuelve a intentarlo dentro de {} minutos.",
        "Riprova tra {} minuti.",
        "{} 分後にもう一度お試しください。",
        "请在 {} 分钟后重试。",
        "Tente novamente dentro de {} minutos.",
        "Probeer het over {} minuten opnieuw.",
        "Spróbuj ponownie za {} min.",
        "يرجى المحاولة مرة أخرى بعد {} دقيقة.",
    ];
    shop_not_found: [
        "This returns page does not exist.",
        "Diese Rücksendeseite gibt es nicht.",
        "Cette page de retours n’existe pas.",
        "Esta página de devoluciones no existe.",
        "Questa pagina dei resi non esiste.",
        "この返品ページは存在しません。",
        "该退货页面不存在。",
        "Esta página de devoluções não existe.",
        "Deze retourpagina bestaat niet.",
        "Ta strona zwrotów nie istnieje.",
        "صفحة المرتجعات هذه غير موجودة.",
    ];
    too_large: [
        "The upload is too large: photos may be at most 10 MB each and 25 MB together. Nothing was saved.",
        "Der Upload ist zu groß: Fotos dürfen je höchstens 10 MB und zusammen 25 MB groß sein. Es wurde nichts gespeichert.",
        "L’envoi est trop volumineux : 10 Mo maximum par photo et 25 Mo au total. Rien n’a été enregistré.",
        "El archivo es demasiado grande: cada foto puede tener como máximo 10 MB y 25 MB en total. No se ha guardado nada.",
        "Il caricamento è troppo grande: al massimo 10 MB per foto e 25 MB in totale. Non è stato salvato nulla.",
        "アップロードが大きすぎます。写真は1枚10 MB、合計25 MBまでです。何も保存されていません。",
        "上传内容过大：每张照片最多 10 MB，总计最多 25 MB。未保存任何内容。",
        "O envio é demasiado grande: no máximo 10 MB por foto e 25 MB no total. Nada foi guardado.",
        "De upload is te groot: foto’s mogen elk maximaal 10 MB en samen 25 MB zijn. Er is niets opgeslagen.",
        "Przesyłane pliki są za duże: maksymalnie 10 MB na zdjęcie i 25 MB łącznie. Nic nie zostało zapisane.",
        "الملفات المرفوعة كبيرة جدًا: الحد الأقصى 10 ميغابايت لكل صورة و25 ميغابايت إجمالًا. لم يتم حفظ أي شيء.",
    ];
    track_link: ["Already have a return code? Check its status", "Schon einen Rücksendecode? Status ansehen", "Vous avez déjà un code de retour ? Voir son statut", "¿Ya tienes un código de devolución? Consulta su estado", "Hai già un codice di reso? Controlla lo stato", "返品コードをお持ちですか？状況を確認する", "已有退货编号？查看状态", "Já tem um código de devolução? Veja o estado", "Heb je al een retourcode? Bekijk de status", "Masz już kod zwrotu? Sprawdź status", "لديك رمز إرجاع؟ تحقّق من حالته"];
    start_link: ["Start a new return", "Neue Rücksendung beginnen", "Commencer un nouveau retour", "Iniciar una nueva devolución", "Inizia un nuovo reso", "新しい返品を始める", "发起新的退货", "Iniciar uma nova devolução", "Nieuwe retour starten", "Rozpocznij nowy zwrot", "ابدأ إرجاعًا جديدًا"];
    request_title: ["Request a return", "Rücksendung anfragen", "Demander un retour", "Solicitar una devolución", "Richiedi un reso", "返品を申請する", "申请退货", "Pedir uma devolução", "Retour aanvragen", "Zgłoś zwrot", "طلب إرجاع"];
    order_label: ["Order", "Bestellung", "Commande", "Pedido", "Ordine", "注文", "订单", "Encomenda", "Bestelling", "Zamówienie", "الطلب"];
    item_col: ["Item", "Artikel", "Article", "Artículo", "Articolo", "商品", "商品", "Artigo", "Artikel", "Produkt", "المنتج"];
    qty_col: ["Quantity to return", "Menge zur Rücksendung", "Quantité à retourner", "Cantidad a devolver", "Quantità da rendere", "返品数量", "退货数量", "Quantidade a devolver", "Aantal retour", "Ilość do zwrotu", "الكمية المراد إرجاعها"];
    returnable: ["{} can be returned", "{} rücksendbar", "{} retournable(s)", "{} se pueden devolver", "{} restituibili", "返品可能: {}", "可退 {} 件", "{} podem ser devolvidos", "{} retourneerbaar", "Do zwrotu: {}", "يمكن إرجاع {}"];
    reason_label: ["Reason", "Grund", "Motif", "Motivo", "Motivo", "理由", "原因", "Motivo", "Reden", "Powód", "السبب"];
    condition_label: ["Condition of the item", "Zustand des Artikels", "État de l’article", "Estado del artículo", "Condizioni dell’articolo", "商品の状態", "商品状况", "Estado do artigo", "Staat van het artikel", "Stan produktu", "حالة المنتج"];
    cond_unused: ["Unused", "Unbenutzt", "Non utilisé", "Sin usar", "Non usato", "未使用", "未使用", "Não usado", "Ongebruikt", "Nieużywany", "غير مستخدم"];
    cond_packaging: ["In its original packaging", "In Originalverpackung", "Dans son emballage d’origine", "En su embalaje original", "Nella confezione originale", "元のパッケージあり", "原包装完好", "Na embalagem original", "In de originele verpakking", "W oryginalnym opakowaniu", "في عبوته الأصلية"];
    cond_tags: ["Tags still attached", "Etiketten noch dran", "Étiquettes encore attachées", "Con las etiquetas puestas", "Con le etichette", "タグ付き", "吊牌仍在", "Com as etiquetas", "Labels zitten er nog aan", "Z metkami", "البطاقات لا تزال مثبتة"];
    resolution_label: ["What would you like?", "Was möchten Sie?", "Que souhaitez-vous ?", "¿Qué prefieres?", "Cosa preferisci?", "ご希望の対応", "您希望如何处理？", "O que prefere?", "Wat wil je?", "Czego oczekujesz?", "ماذا تفضّل؟"];
    comment_label: ["Comment (optional)", "Kommentar (optional)", "Commentaire (facultatif)", "Comentario (opcional)", "Commento (facoltativo)", "コメント（任意）", "备注（可选）", "Comentário (opcional)", "Opmerking (optioneel)", "Komentarz (opcjonalnie)", "تعليق (اختياري)"];
    photos_label: [
        "Photos (optional): up to 5 JPEG, PNG, WebP or GIF images, 10 MB each",
        "Fotos (optional): bis zu 5 Bilder (JPEG, PNG, WebP, GIF), je 10 MB",
        "Photos (facultatif) : jusqu’à 5 images JPEG, PNG, WebP ou GIF, 10 Mo chacune",
        "Fotos (opcional): hasta 5 imágenes JPEG, PNG, WebP o GIF, 10 MB cada una",
        "Foto (facoltative): fino a 5 immagini JPEG, PNG, WebP o GIF, 10 MB ciascuna",
        "写真（任意）: JPEG・PNG・WebP・GIF 画像を最大5枚、各10 MBまで",
        "照片（可选）：最多 5 张 JPEG、PNG、WebP 或 GIF 图片，每张 10 MB 以内",
        "Fotos (opcional): até 5 imagens JPEG, PNG, WebP ou GIF, 10 MB cada",
        "Foto’s (optioneel): maximaal 5 JPEG-, PNG-, WebP- of GIF-afbeeldingen, elk 10 MB",
        "Zdjęcia (opcjonalnie): do 5 obrazów JPEG, PNG, WebP lub GIF, po 10 MB",
        "صور (اختياري): حتى 5 صور JPEG أو PNG أو WebP أو GIF، بحد أقصى 10 ميغابايت لكل صورة",
    ];
    submit_button: ["Submit return request", "Rücksendung absenden", "Envoyer la demande de retour", "Enviar solicitud de devolución", "Invia richiesta di reso", "返品を申請する", "提交退货申请", "Enviar pedido de devolução", "Retouraanvraag versturen", "Wyślij zgłoszenie zwrotu", "إرسال طلب الإرجاع"];
    err_no_items: ["Choose at least one item to return.", "Wählen Sie mindestens einen Artikel aus.", "Choisissez au moins un article à retourner.", "Elige al menos un artículo para devolver.", "Scegli almeno un articolo da rendere.", "返品する商品を1つ以上選んでください。", "请至少选择一件要退的商品。", "Escolha pelo menos um artigo a devolver.", "Kies minstens één artikel om te retourneren.", "Wybierz co najmniej jeden produkt do zwrotu.", "اختر منتجًا واحدًا على الأقل لإرجاعه."];
    err_quantity: [
        "You asked to return more than you can still return of “{}”. Nothing was saved.",
        "Sie möchten mehr von „{}“ zurücksenden, als noch möglich ist. Es wurde nichts gespeichert.",
        "Vous demandez à retourner plus de « {} » que possible. Rien n’a été enregistré.",
        "Quieres devolver más unidades de «{}» de las que puedes. No se ha guardado nada.",
        "Vuoi rendere più unità di «{}» di quelle possibili. Non è stato salvato nulla.",
        "「{}」の返品数量が返品可能な数を超えています。何も保存されていません。",
        "“{}”的退货数量超过了可退数量。未保存任何内容。",
        "Pediu para devolver mais unidades de «{}» do que é possível. Nada foi guardado.",
        "Je wilt meer van ‘{}’ retourneren dan nog kan. Er is niets opgeslagen.",
        "Chcesz zwrócić więcej sztuk „{}”, niż to możliwe. Nic nie zostało zapisane.",
        "طلبت إرجاع كمية من «{}» أكبر مما يمكن إرجاعه. لم يتم حفظ أي شيء.",
    ];
    err_photo_type: [
        "“{}” is not a JPEG, PNG, WebP or GIF image. Nothing was saved.",
        "„{}“ ist kein JPEG-, PNG-, WebP- oder GIF-Bild. Es wurde nichts gespeichert.",
        "« {} » n’est pas une image JPEG, PNG, WebP ou GIF. Rien n’a été enregistré.",
        "«{}» no es una imagen JPEG, PNG, WebP o GIF. No se ha guardado nada.",
        "«{}» non è un’immagine JPEG, PNG, WebP o GIF. Non è stato salvato nulla.",
        "「{}」は JPEG・PNG・WebP・GIF 画像ではありません。何も保存されていません。",
        "“{}”不是 JPEG、PNG、WebP 或 GIF 图片。未保存任何内容。",
        "«{}» não é uma imagem JPEG, PNG, WebP ou GIF. Nada foi guardado.",
        "‘{}’ is geen JPEG-, PNG-, WebP- of GIF-afbeelding. Er is niets opgeslagen.",
        "„{}” nie jest obrazem JPEG, PNG, WebP ani GIF. Nic nie zostało zapisane.",
        "«{}» ليست صورة JPEG أو PNG أو WebP أو GIF. لم يتم حفظ أي شيء.",
    ];
    err_photo_size: [
        "“{}” is larger than 10 MB. Nothing was saved.",
        "„{}“ ist größer als 10 MB. Es wurde nichts gespeichert.",
        "« {} » dépasse 10 Mo. Rien n’a été enregistré.",
        "«{}» supera los 10 MB. No se ha guardado nada.",
        "«{}» supera i 10 MB. Non è stato salvato nulla.",
        "「{}」は10 MBを超えています。何も保存されていません。",
        "“{}”超过 10 MB。未保存任何内容。",
        "«{}» tem mais de 10 MB. Nada foi guardado.",
        "‘{}’ is groter dan 10 MB. Er is niets opgeslagen.",
        "„{}” ma więcej niż 10 MB. Nic nie zostało zapisane.",
        "«{}» أكبر من 10 ميغابايت. لم يتم حفظ أي شيء.",
    ];
    err_photo_count: ["At most 5 photos. Nothing was saved.", "Höchstens 5 Fotos. Es wurde nichts gespeichert.", "5 photos au maximum. Rien n’a été enregistré.", "Como máximo 5 fotos. No se ha guardado nada.", "Al massimo 5 foto. Non è stato salvato nulla.", "写真は最大5枚です。何も保存されていません。", "最多 5 张照片。未保存任何内容。", "No máximo 5 fotos. Nada foi guardado.", "Maximaal 5 foto’s. Er is niets opgeslagen.", "Maksymalnie 5 zdjęć. Nic nie zostało zapisane.", "5 صور كحد أقصى. لم يتم حفظ أي شيء."];
    err_expired: [
        "This form has expired. Please find your order again.",
        "Dieses Formular ist abgelaufen. Bitte suchen Sie Ihre Bestellung erneut.",
        "Ce formulaire a expiré. Veuillez retrouver votre commande.",
        "Este formulario ha caducado. Busca tu pedido de nuevo.",
        "Questo modulo è scaduto. Cerca di nuovo il tuo ordine.",
        "このフォームは期限切れです。もう一度注文を検索してください。",
        "此表单已过期，请重新查找订单。",
        "Este formulário expirou. Procure a sua encomenda novamente.",
        "Dit formulier is verlopen. Zoek je bestelling opnieuw op.",
        "Formularz wygasł. Wyszukaj zamówienie ponownie.",
        "انتهت صلاحية هذا النموذج. يرجى البحث عن طلبك مرة أخرى.",
    ];
    nothing_returnable: [
        "Every item of this order has already been returned.",
        "Alle Artikel dieser Bestellung wurden bereits zurückgesendet.",
        "Tous les articles de cette commande ont déjà été retournés.",
        "Todos los artículos de este pedido ya se han devuelto.",
        "Tutti gli articoli di questo ordine sono già stati resi.",
        "この注文の商品はすべて返品済みです。",
        "该订单的所有商品均已退货。",
        "Todos os artigos desta encomenda já foram devolvidos.",
        "Alle artikelen van deze bestelling zijn al geretourneerd.",
        "Wszystkie produkty z tego zamówienia zostały już zwrócone.",
        "تم إرجاع جميع منتجات هذا الطلب بالفعل.",
    ];
    no_policy: [
        "This shop does not take returns online yet. Please contact the shop.",
        "Dieser Shop nimmt noch keine Online-Rücksendungen an. Bitte kontaktieren Sie den Shop.",
        "Cette boutique n’accepte pas encore les retours en ligne. Veuillez la contacter.",
        "Esta tienda aún no acepta devoluciones en línea. Ponte en contacto con ella.",
        "Questo negozio non accetta ancora resi online. Contatta il negozio.",
        "このショップはまだオンライン返品を受け付けていません。ショップにお問い合わせください。",
        "该店铺暂不支持在线退货，请联系店铺。",
        "Esta loja ainda não aceita devoluções online. Contacte a loja.",
        "Deze winkel neemt nog geen online retouren aan. Neem contact op met de winkel.",
        "Ten sklep nie przyjmuje jeszcze zwrotów online. Skontaktuj się ze sklepem.",
        "لا يقبل هذا المتجر الإرجاع عبر الإنترنت بعد. يرجى التواصل مع المتجر.",
    ];
    status_title: ["Return status", "Status der Rücksendung", "Statut du retour", "Estado de la devolución", "Stato del reso", "返品状況", "退货状态", "Estado da devolução", "Status van de retour", "Status zwrotu", "حالة الإرجاع"];
    status_intro: ["Enter your return code and email address.", "Geben Sie Ihren Rücksendecode und Ihre E-Mail-Adresse ein.", "Saisissez votre code de retour et votre adresse e-mail.", "Introduce tu código de devolución y tu correo electrónico.", "Inserisci il codice di reso e l’indirizzo email.", "返品コードとメールアドレスを入力してください。", "请输入退货编号和电子邮箱。", "Introduza o código de devolução e o seu e-mail.", "Vul je retourcode en e-mailadres in.", "Podaj kod zwrotu i adres e-mail.", "أدخل رمز الإرجاع وبريدك الإلكتروني."];
    rma_code: ["Return code", "Rücksendecode", "Code de retour", "Código de devolución", "Codice di reso", "返品コード", "退货编号", "Código de devolução", "Retourcode", "Kod zwrotu", "رمز الإرجاع"];
    status_button: ["Show status", "Status anzeigen", "Voir le statut", "Ver estado", "Mostra stato", "状況を表示", "查看状态", "Ver estado", "Status tonen", "Pokaż status", "عرض الحالة"];
    status_not_found: [
        "We could not find a return with that code and email.",
        "Wir konnten keine Rücksendung mit diesem Code und dieser E-Mail-Adresse finden.",
        "Nous n’avons trouvé aucun retour avec ce code et cette adresse e-mail.",
        "No encontramos ninguna devolución con ese código y correo electrónico.",
        "Non abbiamo trovato alcun reso con questo codice ed email.",
        "そのコードとメールアドレスの返品は見つかりませんでした。",
        "未找到与该编号和邮箱匹配的退货。",
        "Não encontrámos nenhuma devolução com esse código e e-mail.",
        "We konden geen retour vinden met deze code en dit e-mailadres.",
        "Nie znaleźliśmy zwrotu o tym kodzie i adresie e-mail.",
        "لم نعثر على إرجاع بهذا الرمز وهذا البريد الإلكتروني.",
    ];
    your_code: ["Your return code", "Ihr Rücksendecode", "Votre code de retour", "Tu código de devolución", "Il tuo codice di reso", "あなたの返品コード", "您的退货编号", "O seu código de devolução", "Je retourcode", "Twój kod zwrotu", "رمز الإرجاع الخاص بك"];
    keep_code: ["Keep this code to follow your return.", "Bewahren Sie diesen Code auf, um Ihre Rücksendung zu verfolgen.", "Conservez ce code pour suivre votre retour.", "Guarda este código para seguir tu devolución.", "Conserva questo codice per seguire il reso.", "返品状況の確認にこのコードを保管してください。", "请保存此编号以跟踪退货进度。", "Guarde este código para acompanhar a devolução.", "Bewaar deze code om je retour te volgen.", "Zachowaj ten kod, aby śledzić zwrot.", "احتفظ بهذا الرمز لمتابعة الإرجاع."];
    status_label: ["Status", "Status", "Statut", "Estado", "Stato", "状況", "状态", "Estado", "Status", "Status", "الحالة"];
    items_label: ["Items", "Artikel", "Articles", "Artículos", "Articoli", "商品", "商品", "Artigos", "Artikelen", "Produkty", "المنتجات"];
    ship_to: ["Please send the items to:", "Bitte senden Sie die Artikel an:", "Veuillez envoyer les articles à :", "Envía los artículos a:", "Spedisci gli articoli a:", "商品を次の住所へお送りください:", "请将商品寄至：", "Envie os artigos para:", "Stuur de artikelen naar:", "Wyślij produkty na adres:", "يرجى إرسال المنتجات إلى:"];
    include_code: ["Put your return code in the parcel.", "Legen Sie den Rücksendecode dem Paket bei.", "Indiquez votre code de retour dans le colis.", "Incluye tu código de devolución en el paquete.", "Inserisci il codice di reso nel pacco.", "荷物に返品コードを同封してください。", "请在包裹中附上退货编号。", "Coloque o código de devolução na encomenda.", "Doe je retourcode in het pakket.", "Umieść kod zwrotu w paczce.", "ضع رمز الإرجاع داخل الطرد."];
    shipping_buyer: ["You pay the return shipping.", "Die Rücksendekosten tragen Sie.", "Les frais de retour sont à votre charge.", "Tú pagas el envío de la devolución.", "Le spese di reso sono a tuo carico.", "返送料はお客様のご負担です。", "退货运费由您承担。", "Os portes de devolução são por sua conta.", "Jij betaalt de retourverzending.", "Koszt odesłania pokrywasz Ty.", "تتحمّل أنت تكلفة شحن الإرجاع."];
    shipping_seller: ["We pay the return shipping.", "Die Rücksendekosten übernehmen wir.", "Nous prenons en charge les frais de retour.", "Nosotros pagamos el envío de la devolución.", "Le spese di reso sono a nostro carico.", "返送料は当店が負担します。", "退货运费由我们承担。", "Nós pagamos os portes de devolução.", "Wij betalen de retourverzending.", "Koszt odesłania pokrywamy my.", "نتحمّل نحن تكلفة شحن الإرجاع."];
    refund_amount: ["Refund: {}", "Erstattung: {}", "Remboursement : {}", "Reembolso: {}", "Rimborso: {}", "返金額: {}", "退款金额：{}", "Reembolso: {}", "Terugbetaling: {}", "Zwrot pieniędzy: {}", "المبلغ المسترد: {}"];
    credit_amount: ["Store credit: {}", "Gutschrift: {}", "Avoir : {}", "Saldo en tienda: {}", "Credito nel negozio: {}", "ストアクレジット: {}", "店铺余额：{}", "Crédito na loja: {}", "Tegoed: {}", "Kredyt w sklepie: {}", "رصيد في المتجر: {}"];
    keep_item: ["You can keep the item: there is no need to send it back.", "Sie können den Artikel behalten und müssen ihn nicht zurücksenden.", "Vous pouvez garder l’article : inutile de le renvoyer.", "Puedes quedarte con el artículo: no hace falta devolverlo.", "Puoi tenere l’articolo: non serve rispedirlo.", "商品はそのままお手元に保管いただけます。返送は不要です。", "您可以保留商品，无需寄回。", "Pode ficar com o artigo: não é preciso devolvê-lo.", "Je mag het artikel houden: terugsturen is niet nodig.", "Możesz zatrzymać produkt — nie trzeba go odsyłać.", "يمكنك الاحتفاظ بالمنتج، فلا حاجة لإعادته."];
    approved_note: ["Your return is approved.", "Ihre Rücksendung ist genehmigt.", "Votre retour est accepté.", "Tu devolución está aprobada.", "Il tuo reso è approvato.", "返品は承認されました。", "您的退货已获批准。", "A sua devolução foi aprovada.", "Je retour is goedgekeurd.", "Twój zwrot został zatwierdzony.", "تمت الموافقة على الإرجاع."];
    review_note: ["We will review your request within 2 working days.", "Wir prüfen Ihre Anfrage innerhalb von 2 Werktagen.", "Nous examinerons votre demande sous 2 jours ouvrés.", "Revisaremos tu solicitud en un plazo de 2 días laborables.", "Esamineremo la tua richiesta entro 2 giorni lavorativi.", "2営業日以内にご依頼を確認いたします。", "我们将在 2 个工作日内审核您的申请。", "Vamos analisar o seu pedido no prazo de 2 dias úteis.", "We beoordelen je aanvraag binnen 2 werkdagen.", "Rozpatrzymy zgłoszenie w ciągu 2 dni roboczych.", "سنراجع طلبك خلال يومي عمل."];
    rejected_intro: ["We cannot accept this return:", "Diese Rücksendung können wir leider nicht annehmen:", "Nous ne pouvons pas accepter ce retour :", "No podemos aceptar esta devolución:", "Non possiamo accettare questo reso:", "この返品はお受けできません:", "很抱歉，我们无法受理此退货：", "Não podemos aceitar esta devolução:", "We kunnen deze retour niet accepteren:", "Nie możemy przyjąć tego zwrotu:", "لا يمكننا قبول هذا الإرجاع:"];
    timeline_label: ["History", "Verlauf", "Historique", "Historial", "Cronologia", "履歴", "进度", "Histórico", "Geschiedenis", "Historia", "السجل"];
    resolution_short: ["Resolution", "Lösung", "Solution", "Solución", "Soluzione", "対応", "处理方式", "Solução", "Oplossing", "Rozwiązanie", "الحل"];
    help_center: ["Help center", "Hilfe-Center", "Centre d’aide", "Centro de ayuda", "Centro assistenza", "ヘルプセンター", "帮助中心", "Centro de ajuda", "Helpcentrum", "Centrum pomocy", "مركز المساعدة"];
    language_label: ["Language", "Sprache", "Langue", "Idioma", "Lingua", "言語", "语言", "Idioma", "Taal", "Język", "اللغة"];
    st_requested: ["Requested", "Angefragt", "Demandé", "Solicitada", "Richiesto", "申請済み", "已申请", "Pedida", "Aangevraagd", "Zgłoszony", "تم الطلب"];
    st_approved: ["Approved", "Genehmigt", "Accepté", "Aprobada", "Approvato", "承認済み", "已批准", "Aprovada", "Goedgekeurd", "Zatwierdzony", "تمت الموافقة"];
    st_rejected: ["Not accepted", "Abgelehnt", "Refusé", "Rechazada", "Rifiutato", "不承認", "未通过", "Recusada", "Afgewezen", "Odrzucony", "مرفوض"];
    st_in_transit: ["On its way back", "Unterwegs zu uns", "En cours d’acheminement", "En camino", "In viaggio", "返送中", "退回途中", "A caminho", "Onderweg", "W drodze", "في الطريق"];
    st_received: ["Received", "Eingegangen", "Reçu", "Recibida", "Ricevuto", "受領済み", "已收货", "Recebida", "Ontvangen", "Otrzymany", "تم الاستلام"];
    st_inspected: ["Inspected", "Geprüft", "Contrôlé", "Revisada", "Controllato", "検品済み", "已检验", "Inspecionada", "Gecontroleerd", "Sprawdzony", "تم الفحص"];
    st_refunded: ["Refunded", "Erstattet", "Remboursé", "Reembolsada", "Rimborsato", "返金済み", "已退款", "Reembolsada", "Terugbetaald", "Zwrócono pieniądze", "تم رد المبلغ"];
    st_resolved: ["Resolved", "Erledigt", "Résolu", "Resuelta", "Risolto", "解決済み", "已解决", "Resolvida", "Afgehandeld", "Rozwiązany", "تم الحل"];
    st_closed: ["Closed", "Abgeschlossen", "Clôturé", "Cerrada", "Chiuso", "完了", "已关闭", "Fechada", "Gesloten", "Zamknięty", "مغلق"];
    ev_update: ["Update", "Aktualisierung", "Mise à jour", "Actualización", "Aggiornamento", "更新", "更新", "Atualização", "Update", "Aktualizacja", "تحديث"];
    r_changed_mind: ["I changed my mind", "Gefällt mir nicht mehr / Widerruf", "J’ai changé d’avis", "He cambiado de opinión", "Ho cambiato idea", "気が変わった", "不想要了", "Mudei de ideias", "Ik heb me bedacht", "Zmiana decyzji", "غيّرت رأيي"];
    r_defective: ["Defective", "Defekt", "Défectueux", "Defectuoso", "Difettoso", "不良品", "商品有缺陷", "Com defeito", "Defect", "Wadliwy", "معيب"];
    r_damaged_in_transit: ["Damaged in transit", "Beim Versand beschädigt", "Endommagé pendant le transport", "Dañado en el envío", "Danneggiato durante la spedizione", "配送中に破損", "运输途中损坏", "Danificado no transporte", "Beschadigd tijdens verzending", "Uszkodzony w transporcie", "تلف أثناء الشحن"];
    r_wrong_item: ["Wrong item received", "Falscher Artikel geliefert", "Mauvais article reçu", "Recibí un artículo equivocado", "Articolo sbagliato", "違う商品が届いた", "发错商品", "Recebi o artigo errado", "Verkeerd artikel ontvangen", "Otrzymano niewłaściwy produkt", "استلمت منتجًا خاطئًا"];
    r_not_as_described: ["Not as described", "Entspricht nicht der Beschreibung", "Non conforme à la description", "No es como se describía", "Non conforme alla descrizione", "説明と異なる", "与描述不符", "Não corresponde à descrição", "Niet zoals beschreven", "Niezgodny z opisem", "غير مطابق للوصف"];
    r_too_small: ["Too small", "Zu klein", "Trop petit", "Demasiado pequeño", "Troppo piccolo", "小さすぎる", "尺码太小", "Demasiado pequeno", "Te klein", "Za mały", "صغير جدًا"];
    r_too_large: ["Too large", "Zu groß", "Trop grand", "Demasiado grande", "Troppo grande", "大きすぎる", "尺码太大", "Demasiado grande", "Te groot", "Za duży", "كبير جدًا"];
    r_arrived_late: ["Arrived too late", "Zu spät angekommen", "Arrivé trop tard", "Llegó demasiado tarde", "Arrivato troppo tardi", "届くのが遅すぎた", "到货太晚", "Chegou tarde demais", "Te laat aangekomen", "Dotarł za późno", "وصل متأخرًا جدًا"];
    r_other: ["Other", "Sonstiges", "Autre", "Otro", "Altro", "その他", "其他", "Outro", "Anders", "Inny", "أخرى"];
    res_refund: ["Refund", "Erstattung", "Remboursement", "Reembolso", "Rimborso", "返金", "退款", "Reembolso", "Terugbetaling", "Zwrot pieniędzy", "استرداد المبلغ"];
    res_exchange: ["Exchange", "Umtausch", "Échange", "Cambio", "Cambio", "交換", "换货", "Troca", "Omruilen", "Wymiana", "استبدال"];
    res_repair: ["Repair", "Reparatur", "Réparation", "Reparación", "Riparazione", "修理", "维修", "Reparação", "Reparatie", "Naprawa", "إصلاح"];
    res_store_credit: ["Store credit", "Gutschrift", "Avoir", "Saldo en tienda", "Credito nel negozio", "ストアクレジット", "店铺余额", "Crédito na loja", "Tegoed", "Kredyt w sklepie", "رصيد في المتجر"];
    res_partial_refund: ["Partial refund, keep the item", "Teilerstattung, Artikel behalten", "Remboursement partiel, article conservé", "Reembolso parcial, te quedas el artículo", "Rimborso parziale, tieni l’articolo", "一部返金（商品は返送不要）", "部分退款，保留商品", "Reembolso parcial, fica com o artigo", "Gedeeltelijke terugbetaling, artikel houden", "Częściowy zwrot pieniędzy, zatrzymujesz produkt", "استرداد جزئي مع الاحتفاظ بالمنتج"];
    dr_outside_window: [
        "The {}-day return period has ended ({} days since delivery).",
        "Die Rückgabefrist von {} Tagen ist abgelaufen ({} Tage seit der Lieferung).",
        "Le délai de retour de {} jours est dépassé ({} jours depuis la livraison).",
        "El plazo de devolución de {} días ha terminado ({} días desde la entrega).",
        "Il periodo di reso di {} giorni è scaduto ({} giorni dalla consegna).",
        "{}日間の返品期間を過ぎています（配達から{}日）。",
        "{} 天退货期限已过（自签收起已 {} 天）。",
        "O prazo de devolução de {} dias terminou ({} dias desde a entrega).",
        "De retourtermijn van {} dagen is verstreken ({} dagen sinds de levering).",
        "Minął {}-dniowy termin zwrotu ({} dni od dostawy).",
        "انتهت مهلة الإرجاع البالغة {} يومًا (مرّ {} يومًا منذ التسليم).",
    ];
    dr_warranty_expired: [
        "The {}-day warranty has ended ({} days since delivery).",
        "Die Gewährleistung von {} Tagen ist abgelaufen ({} Tage seit der Lieferung).",
        "La garantie de {} jours a expiré ({} jours depuis la livraison).",
        "La garantía de {} días ha terminado ({} días desde la entrega).",
        "La garanzia di {} giorni è scaduta ({} giorni dalla consegna).",
        "{}日間の保証期間を過ぎています（配達から{}日）。",
        "{} 天保修期已过（自签收起已 {} 天）。",
        "A garantia de {} dias terminou ({} dias desde a entrega).",
        "De garantie van {} dagen is verlopen ({} dagen sinds de levering).",
        "Minęła {}-dniowa gwarancja ({} dni od dostawy).",
        "انتهى الضمان البالغ {} يومًا (مرّ {} يومًا منذ التسليم).",
    ];
    dr_no_change_of_mind: [
        "This item cannot be returned for this reason.",
        "Dieser Artikel ist aus diesem Grund von der Rückgabe ausgeschlossen.",
        "Cet article ne peut pas être retourné pour ce motif.",
        "Este artículo no admite devolución por este motivo.",
        "Questo articolo non può essere reso per questo motivo.",
        "この商品はこの理由では返品できません。",
        "该商品不支持以此原因退货。",
        "Este artigo não pode ser devolvido por este motivo.",
        "Dit artikel kan om deze reden niet worden geretourneerd.",
        "Tego produktu nie można zwrócić z tego powodu.",
        "لا يمكن إرجاع هذا المنتج لهذا السبب.",
    ];
    dr_condition_not_met: [
        "The item has to be returned in the condition the return policy asks for.",
        "Der Artikel muss in dem Zustand zurückgegeben werden, den die Rückgaberichtlinie verlangt.",
        "L’article doit être retourné dans l’état exigé par la politique de retour.",
        "El artículo debe devolverse en el estado que exige la política de devoluciones.",
        "L’articolo deve essere reso nelle condizioni richieste dalla politica di reso.",
        "商品は返品ポリシーで定められた状態で返品する必要があります。",
        "商品须符合退货政策要求的状况。",
        "O artigo tem de ser devolvido no estado exigido pela política de devoluções.",
        "Het artikel moet worden teruggestuurd in de staat die het retourbeleid vraagt.",
        "Produkt musi zostać zwrócony w stanie wymaganym przez zasady zwrotów.",
        "يجب إرجاع المنتج بالحالة التي تشترطها سياسة الإرجاع.",
    ];
    dr_not_covered: [
        "This order is not covered by the shop’s return policy.",
        "Diese Bestellung fällt nicht unter die Rückgaberichtlinie des Shops.",
        "Cette commande n’est pas couverte par la politique de retour de la boutique.",
        "Este pedido no está cubierto por la política de devoluciones de la tienda.",
        "Questo ordine non rientra nella politica di reso del negozio.",
        "この注文はショップの返品ポリシーの対象外です。",
        "该订单不在店铺退货政策范围内。",
        "Esta encomenda não está abrangida pela política de devoluções da loja.",
        "Deze bestelling valt niet onder het retourbeleid van de winkel.",
        "To zamówienie nie jest objęte zasadami zwrotów sklepu.",
        "هذا الطلب غير مشمول بسياسة الإرجاع في المتجر.",
    ];
    dr_generic: [
        "The request does not meet the shop’s return policy.",
        "Die Anfrage erfüllt die Rückgaberichtlinie des Shops nicht.",
        "La demande ne respecte pas la politique de retour de la boutique.",
        "La solicitud no cumple la política de devoluciones de la tienda.",
        "La richiesta non rispetta la politica di reso del negozio.",
        "ご依頼はショップの返品ポリシーの条件を満たしていません。",
        "该申请不符合店铺的退货政策。",
        "O pedido não cumpre a política de devoluções da loja.",
        "De aanvraag voldoet niet aan het retourbeleid van de winkel.",
        "Zgłoszenie nie spełnia zasad zwrotów sklepu.",
        "الطلب لا يستوفي سياسة الإرجاع في المتجر.",
    ];
}
