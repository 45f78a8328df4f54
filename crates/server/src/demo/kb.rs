//! The demo shop's knowledge base: three categories and published articles in English,
//! German and Chinese (what buyers of an outdoor store ask most), plus one draft, so the help
//! center at /p/demo/help has something to show and search in each language.

use aftersail_db::kb::{self, CategoryName, TranslationInput};
use aftersail_db::TenantTx;
use aftersail_domain::kb::slugify;
use aftersail_domain::{KbCategoryId, UserId};

/// (language, name, description)
type Names = &'static [(&'static str, &'static str, &'static str)];
/// (language, title, Markdown)
type Texts = &'static [(&'static str, &'static str, &'static str)];

const CATEGORIES: &[Names] = &[
    &[
        (
            "en",
            "Returns & refunds",
            "Sending items back and getting your money.",
        ),
        (
            "de",
            "Rücksendungen & Erstattungen",
            "Artikel zurücksenden und Geld zurückerhalten.",
        ),
        ("zh", "退货与退款", "如何寄回商品并获得退款。"),
    ],
    &[
        (
            "en",
            "Shipping & delivery",
            "Where your order is and when it arrives.",
        ),
        (
            "de",
            "Versand & Lieferung",
            "Wo Ihre Bestellung ist und wann sie ankommt.",
        ),
        ("zh", "配送与物流", "订单在哪里、何时送达。"),
    ],
    &[
        ("en", "Products & sizes", "Choosing the right gear."),
        ("de", "Produkte & Größen", "Die richtige Ausrüstung wählen."),
        ("zh", "商品与尺码", "如何选择合适的装备。"),
    ],
];

/// (category index, published, translations)
const ARTICLES: &[(usize, bool, Texts)] = &[
    (
        0,
        true,
        &[
            (
                "en",
                "How do I return an item?",
                "You can return any item within **30 days** of delivery.\n\n\
                 1. Open our [returns page](/p/demo/returns) and enter your order number and email.\n\
                 2. Choose the items and the reason.\n\
                 3. Pack the items with the return code and send the parcel to the address shown.\n\n\
                 Unused items in their original packaging are refunded in full. Return shipping is free \
                 for defective or wrong items.",
            ),
            (
                "de",
                "Wie sende ich einen Artikel zurück?",
                "Sie können jeden Artikel innerhalb von **30 Tagen** nach der Lieferung zurücksenden.\n\n\
                 1. Öffnen Sie unsere [Rücksendeseite](/p/demo/returns?lang=de) und geben Sie Bestellnummer und E-Mail-Adresse ein.\n\
                 2. Wählen Sie die Artikel und den Grund der Rücksendung.\n\
                 3. Legen Sie den Rücksendecode bei und schicken Sie das Paket an die angezeigte Adresse.\n\n\
                 Unbenutzte Artikel in Originalverpackung erstatten wir vollständig. Bei defekten oder \
                 falschen Artikeln ist die Rücksendung kostenlos.",
            ),
            (
                "zh",
                "如何申请退货？",
                "签收后 **30 天内**，所有商品均可申请退货。\n\n\
                 1. 打开[退货页面](/p/demo/returns?lang=zh)，输入订单号和下单邮箱。\n\
                 2. 选择要退的商品和退货原因。\n\
                 3. 在包裹中附上退货编号，寄到页面显示的地址。\n\n\
                 未使用且包装完好的商品全额退款。商品有缺陷或发错货时，退货运费由我们承担。",
            ),
        ],
    ),
    (
        0,
        true,
        &[
            (
                "en",
                "When will I get my refund?",
                "We refund within **5 working days** after your return arrives at our warehouse, to the \
                 payment method you used. Your bank may take another 3–5 days to show it.\n\n\
                 Marketplace orders (Amazon, eBay) are refunded through the marketplace.",
            ),
            (
                "de",
                "Wann erhalte ich meine Erstattung?",
                "Wir erstatten innerhalb von **5 Werktagen**, nachdem Ihre Rücksendung in unserem Lager \
                 eingegangen ist, auf das ursprüngliche Zahlungsmittel. Ihre Bank braucht eventuell \
                 weitere 3–5 Tage.\n\n\
                 Bestellungen über Marktplätze (Amazon, eBay) werden über den Marktplatz erstattet.",
            ),
            (
                "zh",
                "退款什么时候到账？",
                "退货到达仓库后 **5 个工作日内**，我们会原路退款。银行入账可能还需要 3–5 天。\n\n\
                 亚马逊、eBay 等平台订单通过平台退款。",
            ),
        ],
    ),
    (
        1,
        true,
        &[
            (
                "en",
                "Where is my parcel?",
                "As soon as your order ships you get an email with the **tracking number**. Most parcels \
                 arrive within 7–12 days in Europe and North America.\n\n\
                 If tracking has not moved for 5 days, write to us with your order number and we will \
                 ask the carrier.",
            ),
            (
                "de",
                "Wo ist mein Paket?",
                "Sobald Ihre Bestellung versendet ist, erhalten Sie eine E-Mail mit der \
                 **Sendungsnummer**. Die meisten Pakete kommen innerhalb von 7–12 Tagen in Europa an.\n\n\
                 Wenn sich die Sendungsverfolgung 5 Tage lang nicht bewegt, schreiben Sie uns mit Ihrer \
                 Bestellnummer, und wir fragen beim Versanddienstleister nach.",
            ),
            (
                "zh",
                "我的包裹在哪里？",
                "订单发货后，您会收到一封包含**物流单号**的邮件。寄往欧洲和北美的包裹大多在 7–12 天内送达。\n\n\
                 如果物流信息 5 天没有更新，请把订单号发给我们，我们会联系承运商查询。",
            ),
        ],
    ),
    (
        2,
        true,
        &[
            (
                "en",
                "Which size should I choose?",
                "Our hiking boots run **half a size small**: choose half a size up from your usual shoe \
                 size. Jackets follow EU sizes.\n\n\
                 | Your foot (cm) | EU size |\n|---|---|\n| 25.5 | 40 |\n| 26.0 | 41 |\n| 27.0 | 42 |\n| 27.5 | 43 |",
            ),
            (
                "de",
                "Welche Größe soll ich wählen?",
                "Unsere Wanderschuhe fallen **eine halbe Nummer kleiner** aus: Wählen Sie eine halbe Größe \
                 mehr als sonst. Jacken folgen den EU-Größen.\n\n\
                 | Fußlänge (cm) | EU-Größe |\n|---|---|\n| 25,5 | 40 |\n| 26,0 | 41 |\n| 27,0 | 42 |\n| 27,5 | 43 |",
            ),
            (
                "zh",
                "如何选择尺码？",
                "我们的登山鞋**偏小半码**，请比平时多选半码。冲锋衣按欧码。\n\n\
                 | 脚长（厘米） | 欧码 |\n|---|---|\n| 25.5 | 40 |\n| 26.0 | 41 |\n| 27.0 | 42 |\n| 27.5 | 43 |",
            ),
        ],
    ),
    (
        1,
        false,
        &[(
            "en",
            "Shipping to Switzerland and Norway",
            "Draft: customs fees for orders outside the EU, and who pays them.",
        )],
    ),
];

/// Creates the demo knowledge base in the transaction's shop.
pub(crate) async fn seed(tx: &mut TenantTx, author: UserId) -> anyhow::Result<()> {
    let mut categories: Vec<KbCategoryId> = Vec::new();
    for names in CATEGORIES {
        let names: Vec<CategoryName> = names
            .iter()
            .map(|(locale, name, description)| CategoryName {
                locale: (*locale).into(),
                name: (*name).into(),
                description: (*description).into(),
            })
            .collect();
        categories.push(kb::create_category(tx, &names).await?);
    }
    for (position, (category, published, texts)) in ARTICLES.iter().enumerate() {
        let mut article = None;
        for (locale, title, body) in texts.iter() {
            let slug = slugify(title);
            let input = TranslationInput {
                locale,
                slug: &slug,
                title,
                body_markdown: body,
            };
            match article {
                None => {
                    let position = i32::try_from(position).unwrap_or(0);
                    article = Some(
                        kb::create(
                            tx,
                            Some(categories[*category]),
                            position,
                            Some(author),
                            &input,
                        )
                        .await?,
                    );
                }
                Some(id) => {
                    kb::save_translation(tx, id, &input).await?;
                }
            }
        }
        if let (Some(id), true) = (article, published) {
            kb::set_published(tx, id, true).await?;
        }
    }
    Ok(())
}
