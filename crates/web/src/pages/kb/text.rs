//! The knowledge-base pages' words, in English and Simplified Chinese. Kept beside the pages
//! (the same `strings!` shape as `crate::i18n`: a missing translation does not compile).

use aftersail_domain::UiLocale;

macro_rules! strings {
    ($($key:ident: $en:expr, $zh:expr;)*) => {
        pub struct Kt { $(pub $key: &'static str,)* }
        pub static EN: Kt = Kt { $($key: $en,)* };
        pub static ZH: Kt = Kt { $($key: $zh,)* };
        #[cfg(test)]
        pub(crate) fn all_pairs() -> Vec<(&'static str, &'static str, &'static str)> {
            vec![$((stringify!($key), $en, $zh),)*]
        }
    };
}

pub fn kt(locale: UiLocale) -> &'static Kt {
    match locale {
        UiLocale::En => &EN,
        UiLocale::ZhCn => &ZH,
    }
}

impl Kt {
    /// Fills the `{}` placeholders of a string in order.
    pub fn fill(&self, template: &str, values: &[&dyn std::fmt::Display]) -> String {
        let mut out = template.to_owned();
        for v in values {
            out = out.replacen("{}", &v.to_string(), 1);
        }
        out
    }
}

strings! {
    lead: "Articles for your public help center, in every language your buyers read, and for answering faster.", "面向公开帮助中心的文章，支持买家使用的各种语言，也让回复更快。";
    new_article: "New article", "新建文章";
    categories: "Categories", "分类";
    open_help_center: "Open the help center", "打开帮助中心";
    col_title: "Title", "标题";
    col_category: "Category", "分类";
    col_status: "Status", "状态";
    col_languages: "Languages", "语言";
    col_views: "Views", "浏览量";
    col_helpful: "Helpful", "有帮助";
    col_updated: "Updated", "更新时间";
    col_articles: "Articles", "文章数";
    any: "Any", "全部";
    no_category: "No category", "无分类";
    status_published: "Published", "已发布";
    status_draft: "Draft", "草稿";
    search: "Search", "搜索";
    apply: "Apply", "应用";
    empty: "No articles yet. Write the first one: what buyers ask most (returns, shipping times, sizes).", "暂无文章。先写买家最常问的问题（退货、发货时间、尺码）。";
    none_match: "No articles match these filters.", "没有符合筛选条件的文章。";
    helpful_share: "{}% of {}", "{}%（共 {} 票）";
    notice_created: "Article created as a draft.", "文章已创建为草稿。";
    notice_saved: "Article saved.", "文章已保存。";
    notice_published: "Article published: it is in the help center now.", "文章已发布，现已显示在帮助中心。";
    notice_unpublished: "Article unpublished: it is a draft again.", "文章已取消发布，重新变为草稿。";
    notice_deleted: "Article deleted.", "文章已删除。";
    notice_translation_deleted: "Language removed from the article.", "已从文章中移除该语言。";
    notice_category_saved: "Category saved.", "分类已保存。";
    notice_category_deleted: "Category deleted; its articles have no category now.", "分类已删除，其中的文章现为无分类。";
    notice_category_moved: "Order saved.", "顺序已保存。";
    new_language_title: "New language", "新语言版本";
    publish: "Publish", "发布";
    unpublish: "Unpublish", "取消发布";
    view_public: "View in the help center", "在帮助中心查看";
    share_link: "Link for emails, listings and packaging:", "用于邮件、商品页面和包装的链接：";
    delete_article: "Delete article", "删除文章";
    author: "Author", "作者";
    add_language: "Add a language", "添加语言";
    add_language_go: "Write it", "开始撰写";
    new_language_help: "The article has no {} version yet. Saving adds it.", "该文章还没有{}版本，保存后即添加。";
    language: "Language", "语言";
    slug: "Slug (the end of the article's address)", "网址别名（文章地址的结尾）";
    slug_help: "Lower-case letters and digits of any script, joined by hyphens. Leave it empty to make it from the title. Changing it breaks links already shared.", "任意文字的小写字母和数字，用连字符连接。留空则根据标题生成。修改后已分享的链接将失效。";
    position: "Order in its category", "在分类中的顺序";
    body: "Article (Markdown)", "正文（Markdown）";
    body_help: "**bold**, *italic*, # headings, - lists, [links](https://…), tables. Uploaded images go in as ![text](address).", "支持 **粗体**、*斜体*、# 标题、- 列表、[链接](https://…)、表格。上传的图片以 ![文字](地址) 插入。";
    preview: "Preview", "预览";
    preview_empty: "The preview shows here as you write.", "撰写时在此显示预览。";
    remove_language: "Remove this language", "移除此语言";
    image_upload: "Add an image", "添加图片";
    image_upload_button: "Upload", "上传";
    image_help: "PNG, JPEG, GIF or WebP, at most 5 MB. Paste the line you get into the article.", "PNG、JPEG、GIF 或 WebP，最大 5 MB。上传后将得到的一行粘贴到正文中。";
    image_paste: "Paste this into the article where the image goes:", "将下面这行粘贴到正文中需要显示图片的位置：";
    back_to_article: "Back to the article", "返回文章";
    categories_lead: "Categories group articles in the help center, in this order. Give each a name in every language you write in.", "分类用于在帮助中心按此顺序归类文章。请为每种撰写语言设置名称。";
    categories_none: "No categories yet.", "暂无分类。";
    category_name: "Name", "名称";
    category_description: "Description (optional)", "描述（可选）";
    category_new: "New category", "新建分类";
    category_edit: "Edit category", "编辑分类";
    category_names: "Names by language", "各语言名称";
    category_names_help: "A row per language: its tag (en, de, zh…), the name and a short description.", "每种语言一行：语言代码（en、de、zh…）、名称和简短描述。";
    move_up: "Move up", "上移";
    move_down: "Move down", "下移";
    confirm_delete_article: "Delete the article “{}” in every language, with its views and votes? This cannot be undone.", "确定删除文章“{}”的所有语言版本及其浏览量和投票吗？此操作无法撤销。";
    confirm_delete_category: "Delete the category “{}”? Its {} articles stay, without a category.", "确定删除分类“{}”吗？其中的 {} 篇文章会保留，变为无分类。";
    err_locale: "Choose a language tag such as en, de, zh or pt-br.", "请选择语言代码，例如 en、de、zh 或 pt-br。";
    err_locale_named: "“{}” is not a language tag (such as en, de, zh or pt-br).", "“{}”不是语言代码（例如 en、de、zh 或 pt-br）。";
    err_locale_twice: "{} is there twice.", "{} 出现了两次。";
    err_title_required: "Give the article a title.", "请填写文章标题。";
    err_title_long: "The title is longer than 200 characters.", "标题超过 200 个字符。";
    err_slug_empty: "The title has no letters or digits to make a slug from: type one.", "标题中没有可生成别名的字母或数字，请手动填写。";
    err_slug_long: "The slug is longer than 120 characters.", "别名超过 120 个字符。";
    err_slug_characters: "Use lower-case letters and digits joined by single hyphens (no spaces, punctuation or capitals), e.g. return-policy.", "请使用以单个连字符连接的小写字母和数字（不含空格、标点或大写字母），例如 return-policy。";
    err_slug_taken: "Another article already uses “{}” in this language. Choose another slug.", "该语言中已有其他文章使用“{}”，请换一个别名。";
    err_body_required: "Write the article.", "请填写正文。";
    err_body_long: "The article is longer than 100,000 characters.", "正文超过 100,000 个字符。";
    err_category: "Choose a category from the list.", "请从列表中选择分类。";
    err_position: "The order is a whole number (0 first).", "顺序须为整数（0 在最前）。";
    err_last_translation: "This is the article's only language. Delete the article instead.", "这是文章唯一的语言版本，请改为删除文章。";
    err_category_no_name: "Give the category a name in at least one language.", "请至少为分类设置一种语言的名称。";
    err_category_name_missing: "{}: the name is missing.", "{}：缺少名称。";
    err_category_long: "{}: the name may have 100 characters and the description 500.", "{}：名称最多 100 个字符，描述最多 500 个字符。";
    err_category_taken: "Another category already has this name in that language.", "该语言中已有同名分类。";
    err_image_missing: "Choose an image to upload.", "请选择要上传的图片。";
    err_image_too_large: "The image is larger than {}. Nothing was saved.", "图片超过 {}，未保存任何内容。";
    err_image_type: "That is not a PNG, JPEG, GIF or WebP image. Nothing was saved.", "这不是 PNG、JPEG、GIF 或 WebP 图片，未保存任何内容。";
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_string_is_translated() {
        for (key, en, zh) in super::all_pairs() {
            assert!(!en.is_empty() && !zh.is_empty(), "{key}");
            assert_ne!(en, zh, "{key} is not translated");
            assert_eq!(en.matches("{}").count(), zh.matches("{}").count(), "{key}");
        }
    }
}
