//! Every string of the agent UI, in English and Simplified Chinese.
//!
//! The `strings!` macro makes a missing translation a compile error: each key must be given
//! in both languages. Templates read them as fields (`{{ t.nav_inbox }}`).

use aftersail_domain::UiLocale;

macro_rules! strings {
    ($($key:ident: $en:expr, $zh:expr;)*) => {
        pub struct Tr { $(pub $key: &'static str,)* }
        pub static EN: Tr = Tr { $($key: $en,)* };
        pub static ZH: Tr = Tr { $($key: $zh,)* };
        #[cfg(test)]
        pub(crate) fn all_pairs() -> Vec<(&'static str, &'static str, &'static str)> {
            vec![$((stringify!($key), $en, $zh),)*]
        }
    };
}

pub fn tr(locale: UiLocale) -> &'static Tr {
    match locale {
        UiLocale::En => &EN,
        UiLocale::ZhCn => &ZH,
    }
}

/// A channel kind's name as sellers know it (the same in every language).
pub fn kind_name(kind: &str) -> &'static str {
    match kind {
        "amazon" => "Amazon",
        "ebay" => "eBay",
        "shopee" => "Shopee",
        "shopify" => "Shopify",
        _ => "Email",
    }
}

impl Tr {
    /// The label of a stored code (ticket status, priority, RMA status, delivery state);
    /// unknown codes are shown as they are rather than hidden.
    pub fn code<'a>(&self, code: &'a str) -> &'a str {
        match code {
            "new" => self.status_new,
            "open" => self.status_open,
            "pending" => self.status_pending,
            "on_hold" => self.status_on_hold,
            "solved" => self.status_solved,
            "closed" => self.status_closed,
            "low" => self.priority_low,
            "normal" => self.priority_normal,
            "high" => self.priority_high,
            "urgent" => self.priority_urgent,
            "requested" => self.rma_requested,
            "approved" => self.rma_approved,
            "rejected" => self.rma_rejected,
            "in_transit" => self.rma_in_transit,
            "received" => self.rma_received,
            "refunded" => self.rma_refunded,
            "queued" => self.delivery_queued,
            "sent" => self.delivery_sent,
            "failed" => self.delivery_failed,
            "dead" => self.delivery_dead,
            "auto_reply" => self.automated_auto_reply,
            "bounce" => self.automated_bounce,
            "bulk" => self.automated_bulk,
            "rule" => self.automated_rule,
            "bot" => self.automated_bot,
            // What buyers write about (domain::classify::Intent)
            "order_status" => self.intent_order_status,
            "not_received" => self.intent_not_received,
            "return_request" => self.intent_return_request,
            "refund_status" => self.intent_refund_status,
            "damaged_defective" => self.intent_damaged_defective,
            "wrong_item" => self.intent_wrong_item,
            "cancel_order" => self.intent_cancel_order,
            "change_address" => self.intent_change_address,
            "product_question" => self.intent_product_question,
            "invoice_request" => self.intent_invoice_request,
            "other" => self.intent_other,
            // Escalations (domain::classify::Escalation)
            "claim" => self.escalation_claim,
            "chargeback" => self.escalation_chargeback,
            "bad_review" => self.escalation_bad_review,
            "legal" => self.escalation_legal,
            "safety" => self.escalation_safety,
            "question" => self.type_question,
            "technical" => self.type_technical,
            "return" => self.type_return,
            "repair" => self.type_repair,
            "complaint" => self.type_complaint,
            "shipping" => self.type_shipping,
            "billing" => self.type_billing,
            "negative" => self.sentiment_negative,
            "neutral" => self.sentiment_neutral,
            "positive" => self.sentiment_positive,
            // History fields
            "assignee" => self.history_assignee,
            "team" => self.history_team,
            "status" => self.field_status,
            "priority" => self.field_priority,
            "type" => self.field_type,
            other => other,
        }
    }

    /// Fills the single `{}` of a template string.
    pub fn fill(&self, template: &str, value: impl std::fmt::Display) -> String {
        template.replacen("{}", &value.to_string(), 1)
    }

    /// The label of a connection security setting (`tls`, `starttls`, `plain`).
    pub fn security(&self, code: &str) -> &'static str {
        match code {
            "tls" => self.security_tls,
            "starttls" => self.security_starttls,
            _ => self.security_plain,
        }
    }

    /// Accepts a role or a reference to one (templates hand over either).
    pub fn role<R: std::borrow::Borrow<aftersail_domain::Role>>(&self, role: R) -> &'static str {
        match *role.borrow() {
            aftersail_domain::Role::Owner => self.role_owner,
            aftersail_domain::Role::Admin => self.role_admin,
            aftersail_domain::Role::Agent => self.role_agent,
        }
    }
}

strings! {
    app_name: "Aftersail", "Aftersail";
    tagline: "After-sales helpdesk for marketplace sellers", "面向跨境卖家的售后客服系统";
    skip_to_content: "Skip to content", "跳到主要内容";
    language: "Language", "语言";

    // Navigation
    nav_inbox: "Inbox", "收件箱";
    nav_returns: "Returns", "退货";
    nav_customers: "Customers", "客户";
    nav_kb: "Knowledge base", "知识库";
    nav_reports: "Reports", "报表";
    nav_settings: "Settings", "设置";
    nav_main: "Main navigation", "主导航";
    sign_out: "Sign out", "退出登录";

    // Sign-up, login, invitations
    login_title: "Sign in", "登录";
    login_submit: "Sign in", "登录";
    login_no_account: "New to Aftersail?", "还没有账号？";
    login_create_shop: "Create a shop", "创建店铺";
    login_bad_credentials: "Email or password is incorrect.", "邮箱或密码不正确。";
    login_locked: "This account is locked after too many failed sign-in attempts. Try again in {} minutes.", "登录失败次数过多，账号已被临时锁定。请在 {} 分钟后重试。";
    login_throttled: "Too many failed sign-in attempts from your network. Try again in {} minutes.", "您的网络登录失败次数过多。请在 {} 分钟后重试。";
    login_deactivated: "This account has been deactivated. Ask your shop owner.", "该账号已停用，请联系店铺所有者。";
    signup_title: "Create your shop", "创建您的店铺";
    signup_lead: "You become the shop's owner and can invite your agents next.", "您将成为店铺所有者，随后可以邀请客服。";
    signup_submit: "Create shop", "创建店铺";
    signup_have_account: "Already have an account?", "已有账号？";
    field_shop_name: "Shop name", "店铺名称";
    field_your_name: "Your name", "您的姓名";
    field_name: "Name", "姓名";
    field_email: "Email", "邮箱";
    field_password: "Password", "密码";
    field_password_hint: "At least 10 characters.", "至少 10 个字符。";
    field_role: "Role", "角色";
    err_required: "Required.", "必填。";
    err_email_invalid: "Enter a valid email address.", "请输入有效的邮箱地址。";
    err_email_taken: "An account with this email already exists.", "该邮箱已注册。";
    err_password_short: "Use at least 10 characters.", "密码至少需要 10 个字符。";
    err_password_long: "Use at most 128 characters.", "密码不能超过 128 个字符。";
    err_name_invalid: "Enter 1 to 100 characters.", "请输入 1 到 100 个字符。";
    err_form_problems: "Please correct the fields marked below.", "请修改下面标出的字段。";
    invite_accept_title: "Join {}", "加入 {}";
    invite_accept_lead: "You were invited as {}. Choose your name and password to finish.", "您被邀请为{}。设置姓名和密码即可完成。";
    invite_accept_submit: "Join the shop", "加入店铺";
    invite_invalid: "This invitation link is invalid, expired, revoked or already used. Ask for a new one.", "该邀请链接无效、已过期、已撤销或已被使用。请索取新的邀请。";

    // Roles
    role_owner: "Owner", "所有者";
    role_admin: "Admin", "管理员";
    role_agent: "Agent", "客服";

    // Agent workplace pages
    inbox_lead: "Every buyer conversation from every channel, in one place.", "所有渠道的买家会话，集中在一处。";
    inbox_empty: "No tickets yet. Buyer messages appear here as soon as a channel is connected.", "暂无工单。连接渠道后，买家消息会出现在这里。";
    returns_lead: "Return requests (RMAs) from the buyer portal and marketplaces.", "来自买家门户和各平台的退货请求（RMA）。";
    returns_empty: "No return requests yet.", "暂无退货请求。";
    customers_lead: "Buyers across channels, with their orders and history.", "跨渠道的买家及其订单和历史记录。";
    customers_empty: "No customers yet.", "暂无客户。";
    reports_lead: "Returns, response times and SLA compliance over time.", "退货、响应时间和 SLA 达成率趋势。";
    reports_empty: "Reports fill in as tickets and returns come in.", "随着工单和退货的增加，报表会逐步生成。";

    // Tickets, customers, returns
    col_number: "#", "编号";
    col_subject: "Subject", "主题";
    col_customer: "Customer", "客户";
    col_channel: "Channel", "渠道";
    col_priority: "Priority", "优先级";
    col_last_activity: "Last activity", "最近活动";
    col_country: "Country", "国家";
    col_orders: "Orders", "订单数";
    col_lifetime_value: "Lifetime value", "累计消费";
    col_code: "Code", "编号";
    col_reason: "Reason", "原因";
    col_resolution: "Resolution", "处理方式";
    col_order: "Order", "订单";
    col_ticket: "Ticket", "工单";
    col_created: "Created", "创建时间";
    older: "Older →", "更早 →";
    newest: "← Newest", "← 最新";
    next_page: "Next →", "下一页 →";
    bad_cursor: "That page link is not valid. Start again from the newest tickets.", "该分页链接无效，请从最新工单重新开始。";
    thread_title: "Conversation", "会话";
    from_customer: "Customer", "客户";
    from_agent: "Reply", "回复";
    internal_note: "Internal note", "内部备注";
    delivery_queued: "Queued", "排队中";
    delivery_sent: "Sent", "已发送";
    delivery_failed: "Failed — will retry", "发送失败，将自动重试";
    delivery_dead: "Not delivered", "未送达";
    automated_auto_reply: "Auto-reply", "自动回复";
    automated_bounce: "Bounce", "退信";
    automated_bulk: "Bulk mail", "群发邮件";
    automated_rule: "Sent by a rule", "规则自动发送";
    automated_bot: "Bot answer", "机器人回答";
    intent_order_status: "Order status", "订单状态";
    intent_not_received: "Not received", "未收到货";
    intent_return_request: "Return request", "退货申请";
    intent_refund_status: "Refund status", "退款进度";
    intent_damaged_defective: "Damaged or defective", "损坏或故障";
    intent_wrong_item: "Wrong item", "发错货";
    intent_cancel_order: "Cancel order", "取消订单";
    intent_change_address: "Change address", "修改地址";
    intent_product_question: "Product question", "商品咨询";
    intent_invoice_request: "Invoice request", "索要发票";
    intent_other: "Other", "其他";
    escalation_claim: "Threatens a claim", "威胁发起索赔";
    escalation_chargeback: "Threatens a chargeback", "威胁拒付";
    escalation_bad_review: "Threatens a bad review", "威胁差评";
    escalation_legal: "Threatens legal action", "威胁法律行动";
    escalation_safety: "Safety hazard", "安全隐患";
    intent_label: "Intent", "意图";
    priority_why: "Why this priority", "优先级原因";
    reason_escalation: "Escalation", "升级";
    reason_complaint: "A complaint", "投诉";
    reason_angry_problem: "A problem with the goods, told angrily", "对商品问题情绪激动";
    reason_negative_sentiment: "The buyer sounds upset", "买家情绪负面";
    reason_vip_customer: "VIP customer, lifetime value", "VIP 客户，累计消费";
    reason_repeat_complaints: "Repeat complaints", "多次投诉";
    reason_abusive: "Customer flagged as abusive", "客户已被标记为辱骂";
    translating: "Translating…", "正在翻译…";
    complaints: "Complaints", "投诉次数";
    flag_abusive: "Flag as abusive", "标记为辱骂";
    unflag_abusive: "Remove the abusive flag", "取消辱骂标记";
    translation_failed: "Could not translate", "无法翻译";
    translate_again: "Try again", "重试";
    translated_from: "Translated from", "译自";
    sent_in: "Sent to the buyer in", "已翻译为买家语言发送";
    will_translate: "Will be translated before sending into", "发送前将翻译为";
    reply_translate: "Translate into the buyer's language before sending", "发送前翻译成买家的语言";

    // Settings → Translation
    settings_translation: "Translation", "翻译";
    tr_lead: "Buyer messages are shown translated into each agent's language, and replies can be sent translated into the buyer's. Choose the service that translates; keys are stored encrypted and never shown again.", "买家消息会翻译成每位客服的语言显示，回复也可以翻译成买家的语言再发送。请选择翻译服务；密钥加密保存，不会再次显示。";
    tr_provider: "Translation service", "翻译服务";
    tr_provider_none: "None (translation off)", "无（关闭翻译）";
    tr_provider_openai: "OpenAI-compatible endpoint", "OpenAI 兼容接口";
    tr_api_key: "API key", "API 密钥";
    tr_key_stored: "A key is stored; leave blank to keep it.", "已保存密钥；留空则保持不变。";
    tr_base_url: "Base URL (optional)", "接口地址（可选）";
    tr_deepl_hint: "Blank: keys ending in :fx use api-free.deepl.com, other keys api.deepl.com.", "留空：以 :fx 结尾的密钥使用 api-free.deepl.com，其他密钥使用 api.deepl.com。";
    tr_server_url: "Server URL", "服务器地址";
    tr_key_optional: "API key (if the server requires one)", "API 密钥（服务器要求时填写）";
    tr_openai_url_hint: "Such as https://api.openai.com/v1, or a local server's /v1 address.", "例如 https://api.openai.com/v1，或本地服务器的 /v1 地址。";
    tr_model: "Model", "模型";
    tr_save: "Save translation settings", "保存翻译设置";
    tr_saved: "Translation settings saved.", "翻译设置已保存。";
    tr_turned_off: "Translation is off.", "翻译已关闭。";
    tr_err_url: "Enter an http(s) URL such as https://example.com.", "请输入 http(s) 地址，例如 https://example.com。";
    tr_no_secret_key: "Translation settings cannot be saved: no secret key is configured on this server (secret_key).", "无法保存翻译设置：本服务器未配置密钥（secret_key）。";
    tr_unreadable: "The stored settings cannot be opened: {}", "无法读取已保存的设置：{}";
    tr_test_title: "Try it", "试用";
    tr_test_lead: "Translates a sample sentence with the saved settings and the glossary.", "使用已保存的设置和术语表翻译一个示例句子。";
    tr_test_target: "Into (language code)", "目标语言（语言代码）";
    tr_test: "Translate the sample", "翻译示例";
    tr_test_ok: "Translated by {}:", "由 {} 翻译：";
    tr_test_failed: "The translation failed: {}", "翻译失败：{}";
    tr_err_language: "Enter a language code such as de, pt or zh.", "请输入语言代码，例如 de、pt 或 zh。";
    tr_not_configured: "Save a translation service first.", "请先保存翻译服务。";
    glossary_title: "Glossary", "术语表";
    glossary_lead: "Product names and terms that must not be translated, or must be translated one fixed way.", "不应翻译或必须按固定译法翻译的产品名称和术语。";
    glossary_term: "Term", "术语";
    glossary_forms: "Forms per language", "各语言译法";
    glossary_forms_hint: "Such as de=Kissen, zh=抱枕. Empty: kept as written in every language.", "例如 de=Kissen, zh=抱枕。留空：在所有语言中保持原文。";
    glossary_as_written: "kept as written", "保持原文";
    glossary_none: "No terms yet.", "暂无术语。";
    glossary_add: "Add term", "添加术语";
    glossary_err_forms: "Write each form as language=form, such as de=Kissen: {}", "请按“语言=译法”填写，例如 de=Kissen：{}";
    glossary_err_too_many: "A glossary can hold at most {} terms.", "术语表最多 {} 个术语。";
    glossary_term_saved: "Term saved.", "术语已保存。";
    glossary_term_deleted: "Term deleted.", "术语已删除。";
    show_formatted: "Show the sender's formatting", "显示原始格式";
    show_original: "Download the original message", "下载原始邮件";
    side_customer: "Customer", "客户";
    side_order: "Order", "订单";
    side_items: "Items", "商品";
    side_tracking: "Tracking", "物流追踪";
    side_other_tickets: "Other tickets", "其他工单";
    side_returns: "Returns", "退货";
    side_none: "None", "无";
    delivered_on: "Delivered", "已签收";
    ordered_on: "Ordered", "下单时间";
    status_new: "New", "新建";
    status_open: "Open", "处理中";
    status_pending: "Pending", "等待客户";
    status_on_hold: "On hold", "挂起";
    status_solved: "Solved", "已解决";
    status_closed: "Closed", "已关闭";
    priority_low: "Low", "低";
    priority_normal: "Normal", "普通";
    priority_high: "High", "高";
    priority_urgent: "Urgent", "紧急";
    rma_requested: "Requested", "已申请";
    rma_approved: "Approved", "已批准";
    rma_rejected: "Rejected", "已拒绝";
    rma_in_transit: "In transit", "退回途中";
    rma_received: "Received", "已收货";
    rma_refunded: "Refunded", "已退款";
    rma_closed: "Closed", "已关闭";

    view_open: "Open", "待处理";
    view_mine: "Mine", "我的";
    view_unassigned: "Unassigned", "未分配";
    view_pending: "Pending", "等待中";
    view_solved: "Solved", "已解决";
    view_all: "All", "全部";
    filter_any: "Any", "全部";
    filter_apply: "Filter", "筛选";
    filter_clear: "Clear filters", "清除筛选";
    col_language: "Language", "语言";
    col_assignee: "Assignee", "负责人";
    col_team: "Team", "团队";
    unassigned: "Unassigned", "未分配";
    no_team: "No team", "无团队";
    no_match: "No tickets match these filters.", "没有符合筛选条件的工单。";
    bad_filter: "That filter is not valid.", "筛选条件无效。";
    history_assignee: "assignee", "负责人";
    history_team: "team", "团队";
    search_label: "Search tickets, orders, customers", "搜索工单、订单、客户";
    search_title: "Search", "搜索";
    search_hint: "A ticket or order number, a customer's name or email, or any words in any language.", "输入工单号、订单号、客户姓名或邮箱，或任意语言的关键词。";
    search_none: "Nothing found.", "没有找到结果。";
    search_too_long: "Search for at most 200 characters.", "搜索内容不能超过 200 个字符。";
    bulk_label: "With selected tickets", "对选中的工单";
    bulk_choose_action: "Choose what to do with the selected tickets.", "请选择要对选中工单执行的操作。";
    bulk_none_selected: "Select at least one ticket.", "请至少选择一个工单。";
    bulk_too_many: "Select at most 500 tickets at once.", "一次最多选择 500 个工单。";
    bulk_apply: "Apply", "执行";
    bulk_set_status: "Set status", "设置状态";
    bulk_set_priority: "Set priority", "设置优先级";
    bulk_assign: "Assign to", "分配给";
    select_ticket: "Select", "选择";
    merge_title: "Merge into another ticket of this customer", "合并到该客户的其他工单";
    merge_submit: "Merge", "合并";
    merged_banner: "This ticket was merged into", "此工单已合并到";
    history_merged_into: "merged this ticket into", "将此工单合并到";
    history_merged_from: "merged in", "合并了工单";
    err_merge: "Only a different, unmerged ticket of the same customer can be merged.", "只能合并同一客户的另一个未合并的工单。";
    reply_title: "Reply to the customer", "回复客户";
    reply_submit: "Send reply", "发送回复";
    reply_then_status: "Then set status to", "然后将状态设为";
    keep_status: "Keep the status", "保持当前状态";
    note_title: "Internal note", "内部备注";
    note_hint: "Only your team sees notes.", "备注仅团队可见。";
    note_submit: "Add note", "添加备注";
    properties_title: "Properties", "属性";
    col_type: "Type", "类型";
    no_type: "No type", "未分类";
    history_title: "History", "历史记录";
    history_reply: "replied", "回复了客户";
    history_note: "added an internal note", "添加了内部备注";
    history_changed: "changed", "修改了";
    history_system: "System", "系统";
    err_body_required: "Write something first.", "请先填写内容。";
    err_body_too_long: "That is longer than 20,000 characters.", "内容超过 20,000 个字符。";
    type_question: "Question", "咨询";
    type_technical: "Technical", "技术问题";
    type_return: "Return", "退货";
    type_repair: "Repair", "维修";
    type_complaint: "Complaint", "投诉";
    type_shipping: "Shipping", "物流";
    type_billing: "Billing", "账单";
    field_status: "status", "状态";
    field_priority: "priority", "优先级";
    field_type: "type", "类型";

    // Settings
    settings_profile: "Profile", "个人资料";
    settings_team: "People", "成员";
    settings_teams: "Teams", "团队";
    settings_audit: "Audit log", "审计日志";
    settings_nav: "Settings sections", "设置分区";
    profile_saved: "Profile saved.", "个人资料已保存。";
    save: "Save", "保存";
    cancel: "Cancel", "取消";
    password_title: "Change password", "修改密码";
    field_current_password: "Current password", "当前密码";
    field_new_password: "New password", "新密码";
    err_current_password: "The current password is incorrect.", "当前密码不正确。";
    password_changed: "Password changed. Your other sessions were signed out.", "密码已修改，其他会话已退出登录。";
    people_lead: "Everyone who works in this shop.", "在本店铺工作的所有成员。";
    col_name: "Name", "姓名";
    col_email: "Email", "邮箱";
    col_role: "Role", "角色";
    col_status: "Status", "状态";
    col_last_login: "Last sign-in", "上次登录";
    col_actions: "Actions", "操作";
    col_members: "Members", "成员数";
    col_expires: "Expires", "过期时间";
    col_when: "When", "时间";
    col_who: "Who", "操作人";
    col_action: "Action", "动作";
    col_target: "Target", "对象";
    status_active: "Active", "正常";
    status_deactivated: "Deactivated", "已停用";
    status_expired: "Expired", "已过期";
    never: "Never", "从未";
    you: "you", "您";
    change_role: "Change role", "更改角色";
    deactivate: "Deactivate", "停用";
    reactivate: "Reactivate", "恢复";
    role_changed: "Role changed.", "角色已更改。";
    user_deactivated: "Deactivated and signed out everywhere.", "已停用，并在所有设备上退出登录。";
    user_reactivated: "Reactivated.", "已恢复。";
    invite_title: "Invite someone", "邀请成员";
    invite_submit: "Create invitation", "创建邀请";
    invite_created: "Invitation created. Send this link to {}; it is shown only once and works for 7 days:", "邀请已创建。请将此链接发送给 {}；链接仅显示一次，7 天内有效：";
    invite_pending: "Pending invitations", "待接受的邀请";
    invite_none: "No pending invitations.", "没有待接受的邀请。";
    revoke: "Revoke", "撤销";
    invite_revoked: "Invitation revoked.", "邀请已撤销。";
    err_not_allowed_role: "You can't give that role.", "您无权分配该角色。";
    err_self_change: "You can't change your own role or deactivate yourself.", "不能更改自己的角色或停用自己。";
    teams_lead: "Group agents by market, language or skill.", "按市场、语言或技能对客服分组。";
    team_new: "New team", "新建团队";
    team_create: "Create team", "创建团队";
    team_name_taken: "A team with this name already exists.", "已存在同名团队。";
    teams_none: "No teams yet.", "暂无团队。";
    team_members_title: "Members", "成员";
    team_add_member: "Add member", "添加成员";
    team_remove: "Remove", "移除";
    team_rename: "Rename", "重命名";
    team_delete: "Delete team", "删除团队";
    team_no_members: "No members yet.", "暂无成员。";
    team_deleted: "Team deleted.", "团队已删除。";
    audit_lead: "Who changed what in this shop, newest first.", "本店铺的变更记录，最新的在前。";
    audit_none: "Nothing recorded yet.", "暂无记录。";

    // Errors
    err_title: "Something went wrong", "出错了";
    err_404: "That page doesn't exist, or you don't have access to it.", "该页面不存在，或您无权访问。";
    err_403: "You don't have permission to do that.", "您没有执行此操作的权限。";
    err_csrf: "Your form expired or came from another site. Reload the page and try again.", "表单已过期或来自其他网站。请刷新页面后重试。";
    err_429: "Too many requests. Please wait a moment and try again.", "请求过多，请稍后重试。";
    err_500: "Something went wrong on our side. It has been logged; please try again.", "服务器出错，已记录。请重试。";
    err_400: "The request was not valid.", "请求无效。";
    back_home: "Back to the inbox", "返回收件箱";

    // Inbox: SLA views, filters, sort, unread, tags
    view_sla_soon: "SLA due soon", "SLA 即将到期";
    view_sla_breached: "SLA breached", "SLA 已超时";
    sla_overdue: "Overdue {}", "已超时 {}";
    sla_due_in: "Due in {}", "{} 后到期";
    sla_first_response: "First response", "首次回复";
    sla_resolution: "Resolution", "解决";
    col_sla: "SLA", "时效";
    col_tag: "Tag", "标签";
    col_tags: "Tags", "标签列表";
    filter_unread: "Unread only", "仅未读";
    sort_label: "Sort", "排序";
    sort_activity: "Latest activity", "最近活动";
    sort_sla: "SLA due first", "SLA 到期优先";
    unread: "Unread", "未读";
    mark_unread: "Mark as unread", "标为未读";
    bulk_add_tag: "Add tag…", "添加标签…";
    bulk_remove_tag: "Remove tag…", "移除标签…";
    bulk_tag_required: "Type the tag to add or remove.", "请输入要添加或移除的标签。";
    tags_hint: "Separate tags with commas, e.g. late-delivery, vip.", "用逗号分隔标签，例如：延迟发货, vip。";
    tags_save: "Save tags", "保存标签";
    err_tag_invalid: "Tags may contain letters, digits, '-' and '_' only.", "标签只能包含字母、数字、“-”和“_”。";
    err_tag_invalid_named: "“{}” is not a valid tag: use letters, digits, '-' and '_'.", "“{}”不是有效标签：只能使用字母、数字、“-”和“_”。";
    err_tag_too_long: "“{}” is too long: tags have at most 40 characters.", "“{}”太长：标签最多 40 个字符。";
    err_tags_too_many: "Some of these tickets already have the most tags a ticket can carry.", "部分工单的标签数量已达上限。";
    err_tags_too_many_n: "A ticket can carry at most {} tags.", "每个工单最多 {} 个标签。";
    history_tag_added: "added tag", "添加了标签";
    history_tag_removed: "removed tag", "移除了标签";
    sentiment_negative: "Negative", "负面";
    sentiment_neutral: "Neutral", "中性";
    sentiment_positive: "Positive", "正面";

    // Ticket: attachments, templates, translation, presence
    attachments_label: "Attachments", "附件";
    attachments_hint: "Up to {} files, {} each, {} together.", "最多 {} 个文件，每个不超过 {}，总计不超过 {}。";
    err_file_too_large: "“{}” is too large: files can be at most {}.", "“{}”太大：单个文件最大 {}。";
    err_too_many_files: "At most {} files per message.", "每条消息最多 {} 个附件。";
    err_files_total: "Attachments together can be at most {}.", "附件总大小不能超过 {}。";
    err_upload_too_large: "The upload is too large: attachments together can be at most {}. Nothing was sent.", "上传内容过大：附件总大小不能超过 {}。未发送任何内容。";
    err_too_large: "The request is too large.", "请求内容过大。";
    translation: "Translation", "译文";
    template_insert_label: "Template", "模板";
    template_insert: "Insert", "插入";
    presence_viewing: "{} is viewing this ticket", "{} 正在查看此工单";
    presence_typing: "{} is typing…", "{} 正在输入…";

    // Settings → Reply templates
    settings_templates: "Reply templates", "回复模板";
    templates_lead: "Canned replies agents insert into a reply. Placeholders are filled from the ticket.", "客服可插入回复中的预设内容，占位符会根据工单自动填写。";
    templates_none: "No templates yet.", "暂无模板。";
    template_new: "New template", "新建模板";
    template_edit: "Edit template", "编辑模板";
    template_body: "Text", "内容";
    template_placeholders: "Placeholders:", "可用占位符：";
    template_name_taken: "A template with this name already exists.", "已存在同名模板。";
    template_saved: "Template saved.", "模板已保存。";
    template_deleted: "Template deleted.", "模板已删除。";
    delete: "Delete", "删除";

    // Settings → Channels
    settings_channels: "Channels", "渠道";
    channels_lead: "Channels are where buyer messages come from and where your replies go out: a mailbox (IMAP and SMTP) or a connected Shopify store.", "渠道是买家消息的来源，也是回复发出的途径：一个邮箱（IMAP 和 SMTP）或一个已连接的 Shopify 店铺。";
    channels_none: "No channels yet. Connect a mailbox or a Shopify store and new buyer messages and orders will appear in the inbox; replies go out through the same channel.", "暂无渠道。连接邮箱或 Shopify 店铺后，新的买家消息和订单会出现在收件箱中，回复也会通过同一渠道发出。";
    channel_col_name: "Name", "名称";
    channel_col_kind: "Type", "类型";
    channel_col_last_sync: "Last sync", "上次同步";
    channel_col_last_error: "Last error", "最近错误";
    channel_col_backlog: "Backlog", "待处理";
    channel_col_ingested: "Items imported", "已导入条目";
    channel_never_synced: "Not yet", "尚未同步";
    channel_importing: "Importing history… {} so far", "正在导入历史记录…已导入 {} 条";
    channel_importing_label: "Import progress", "导入进度";
    channel_status_active: "Active", "运行中";
    channel_status_paused: "Paused", "已暂停";
    channel_status_auth_failed: "Credentials refused", "凭据被拒绝";
    channel_auth_failed_help: "The remote side refused the stored credentials, so syncing has stopped. Enter working credentials (or reconnect) to start it again.", "对方拒绝了已保存的凭据，同步已停止。请填写有效的凭据（或重新连接）以恢复同步。";
    channel_kind_email: "Email", "邮件";
    channel_kind_shopify: "Shopify", "Shopify 店铺";
    channel_kind_amazon: "Amazon", "亚马逊";
    mk_message_title: "Message the buyer through {}", "通过 {} 给买家发消息";
    mk_loading: "Asking which messages this order allows…", "正在查询此订单允许发送的消息类型…";
    mk_kind: "Kind of message", "消息类型";
    mk_none_allowed: "The marketplace allows no messages for this order right now.", "平台目前不允许为此订单发送消息。";
    mk_ask_failed: "Could not ask the marketplace: {}", "无法查询平台：{}";
    mk_choose_kind: "Choose a kind of message.", "请选择消息类型。";
    mk_text: "Text (where the kind of message takes one)", "内容（如该消息类型支持）";
    mk_send: "Send through the marketplace", "通过平台发送";
    channel_kind_ebay: "eBay", "eBay";
    channel_kind_shopee: "Shopee", "Shopee 虾皮";
    channel_connect_marketplace: "Connect a marketplace account", "连接平台账户";
    channel_connect_marketplace_help: "Orders, buyer messages and returns from Amazon (SP-API), eBay and Shopee, with the credentials of your own developer app.", "使用您自己的开发者应用凭据，接入亚马逊（SP-API）、eBay 和 Shopee 的订单、买家消息和退货。";
    channel_connect_kind: "Connect {}", "连接 {}";
    channel_secret_keep: "Leave blank to keep the saved value", "留空则保留已保存的值";
    field_sync_interval: "Sync every (seconds)", "同步间隔（秒）";
    channel_err_required: "This is required.", "此项为必填。";
    channel_err_value: "This value is not valid here.", "此值无效。";
    channel_err_number: "Enter a whole number.", "请输入整数。";
    channel_err_settings: "These settings cannot be used: {}", "无法使用这些设置：{}";
    channel_webhook_help: "Enter this address in the marketplace's notification settings so changes arrive at once.", "请在平台的通知设置中填写此地址，以便变更即时送达。";
    ago_just_now: "just now", "刚刚";
    ago_minutes: "{} min ago", "{} 分钟前";
    ago_hours: "{} h ago", "{} 小时前";
    ago_days: "{} d ago", "{} 天前";
    channel_add_email: "Add email channel", "添加邮件渠道";
    channel_add_email_help: "Fetch buyer mail from a mailbox over IMAP and send replies over SMTP.", "通过 IMAP 从邮箱收取买家邮件，并通过 SMTP 发送回复。";
    channel_connect_shopify: "Connect Shopify", "连接 Shopify";
    channel_shop_domain: "Shop domain", "店铺域名";
    channel_shop_domain_help: "Your store's myshopify.com address. You will approve access at Shopify and come back here.", "您店铺的 myshopify.com 地址。您将在 Shopify 上授权访问，然后返回此处。";
    shopify_not_configured: "Shopify is not configured on this server: the administrator must set the Shopify app's API key and secret (shopify_api_key, shopify_api_secret).", "本服务器尚未配置 Shopify：管理员需设置 Shopify 应用的 API 密钥和密钥（shopify_api_key、shopify_api_secret）。";
    channel_webhook_url: "Webhook address", "Webhook 地址";
    channel_pause: "Pause", "暂停";
    channel_resume: "Resume", "恢复";
    channel_test: "Test connection", "测试连接";
    channel_testing: "Testing…", "正在测试…";
    channel_test_ok: "Connection OK.", "连接正常。";
    channel_test_failed: "Connection failed: {}", "连接失败：{}";
    channel_test_timeout: "no answer within {} seconds", "{} 秒内无响应";
    channel_edit: "Channel settings", "渠道设置";
    field_channel_name: "Channel name", "渠道名称";
    channel_imap: "Incoming mail (IMAP)", "收信（IMAP）";
    channel_smtp: "Outgoing mail (SMTP)", "发信（SMTP）";
    field_host: "Server", "服务器";
    field_port: "Port", "端口";
    field_security: "Security", "加密方式";
    security_tls: "TLS", "TLS 加密";
    security_starttls: "STARTTLS", "STARTTLS 加密";
    security_plain: "None (unencrypted)", "无（不加密）";
    field_username: "User name", "用户名";
    field_mailbox: "Mailbox", "邮件文件夹";
    field_from_address: "From address", "发件地址";
    field_from_name: "From name", "发件人名称";
    field_poll_interval: "Check for new mail every (seconds)", "检查新邮件间隔（秒）";
    channel_password_keep: "Leave blank to keep the saved password", "留空则保留已保存的密码";
    channel_smtp_username_help: "Leave blank if the server sends without signing in.", "如果服务器无需登录即可发信，请留空。";
    err_too_long: "Too long.", "过长。";
    err_port: "Enter a port from 1 to 65535.", "请输入 1 到 65535 之间的端口。";
    err_security: "Choose TLS, STARTTLS or none.", "请选择 TLS、STARTTLS 或不加密。";
    err_poll_interval: "Enter 5 to 86400 seconds.", "请输入 5 到 86400 秒。";
    err_shop_domain: "Enter your shop's address, such as your-shop.myshopify.com.", "请输入店铺地址，例如 your-shop.myshopify.com。";
    channel_no_secret_key: "Credentials cannot be saved: no secret key is configured on this server (secret_key).", "无法保存凭据：本服务器未配置密钥（secret_key）。";
    channel_name_taken: "A channel with this name already exists.", "已存在同名渠道。";
    channel_saved: "Channel saved.", "渠道已保存。";
    channel_paused_notice: "Channel paused.", "渠道已暂停。";
    channel_resumed_notice: "Channel resumed.", "渠道已恢复。";
    shopify_connected: "Shopify store connected.", "Shopify 店铺已连接。";
    shopify_callback_invalid: "The answer from Shopify could not be verified ({}). Start connecting again from Settings → Channels.", "无法验证 Shopify 的返回结果（{}）。请从 设置 → 渠道 重新连接。";
    shopify_state_mismatch: "This Shopify answer does not belong to a connection started in this browser. Start connecting again from Settings → Channels.", "此 Shopify 返回结果不属于在本浏览器中发起的连接。请从 设置 → 渠道 重新连接。";
    shopify_exchange_failed: "Shopify did not grant access: {}", "Shopify 未授予访问权限：{}";

    // Ticket: delivery of replies
    delivery_error: "Delivery error", "发送错误";
    delivery_attempts: "Attempts: {}", "尝试次数：{}";
    send_again: "Send again", "重新发送";
    delivery_requeued: "The reply is queued to be sent again.", "回复已重新排队发送。";

    // Keyboard shortcuts
    shortcuts_title: "Keyboard shortcuts", "键盘快捷键";
    shortcuts_hint: "Press ? for keyboard shortcuts", "按 ? 查看快捷键";
    sc_help: "Show this list", "显示此列表";
    sc_search: "Search", "搜索";
    sc_inbox: "Go to the inbox", "前往收件箱";
    sc_move: "Next / previous ticket in the list", "列表中的下一个/上一个工单";
    sc_open: "Open the highlighted ticket", "打开选中的工单";
    sc_select: "Select the highlighted ticket for bulk actions", "选中当前工单以批量操作";
    sc_reply: "Write a reply", "撰写回复";
    sc_note: "Write an internal note", "撰写内部备注";
    sc_send: "Send the reply or note you are writing", "发送正在撰写的回复或备注";
    sc_close: "Close / leave the text box", "关闭 / 离开输入框";

    // Settings → Returns
    settings_returns: "Returns", "退货";
    rs_lead: "How returns are decided: an ordered list of rules (the first that matches a request applies), the shop's time zone for counting days, and the warehouses returns go to.", "退货如何判定：按顺序排列的规则（第一条匹配请求的规则生效）、用于计算天数的店铺时区，以及退货寄往的仓库。";
    rs_policy: "Return policy", "退货政策";
    rs_no_policy: "No return policy yet. Start from a preset below, or add a rule.", "尚未设置退货政策。请从下方的预设开始，或添加一条规则。";
    rs_started_from: "Started from the preset: {}", "基于预设：{}";
    rs_rules_order: "Rules are checked from top to bottom; the first that matches applies.", "规则从上到下检查，第一条匹配的规则生效。";
    rs_matches: "Matches", "匹配";
    rs_terms: "Terms", "条款";
    rs_any: "any", "任意";
    rs_markets: "Markets", "市场";
    rs_channels: "Channels", "渠道";
    rs_categories: "Categories", "品类";
    rs_skus: "SKUs", "SKU";
    rs_reasons: "Reasons", "原因";
    rs_edit_rule: "Edit rule", "编辑规则";
    rs_add_rule: "Add a rule", "添加规则";
    rs_delete_rule: "Delete rule", "删除规则";
    rs_move_up: "Move up", "上移";
    rs_move_down: "Move down", "下移";
    rs_new_rule_name: "New rule", "新规则";
    rs_preset_title: "Start from a preset", "从预设开始";
    rs_preset_warning: "Applying a preset replaces all current rules. Warehouses and the time zone stay as they are.", "应用预设会替换当前所有规则。仓库和时区保持不变。";
    rs_preset_apply: "Apply preset", "应用预设";
    rs_preset_eu: "EU/EEA: 14-day withdrawal, 2-year legal guarantee, buyer pays return shipping", "欧盟/欧洲经济区：14 天撤销权，2 年法定保修，买家承担退货运费";
    rs_preset_uk: "UK: 14-day cancellation, 30-day right to reject faulty goods", "英国：14 天取消权，瑕疵商品 30 天拒收权";
    rs_preset_us: "US: 30-day returns of unused goods with tags; electronics with a restocking fee", "美国：未使用且吊牌完好的商品 30 天内可退；电子产品收取重新上架费";
    rs_preset_jp: "Japan: 8-day returns of unused goods in original packaging", "日本：未使用且原包装的商品 8 天内可退";
    rs_preset_au: "Australia: no change-of-mind returns; consumer guarantees for faults", "澳大利亚：不接受无理由退货；瑕疵适用消费者保障";
    rs_preset_shopee_sea: "Shopee South-East Asia: 15 days, seller pays return shipping", "Shopee 东南亚：15 天，卖家承担退货运费";
    rs_preset_gulf: "Gulf: 7-day returns of unused, complete goods", "海湾地区：未使用且完整的商品 7 天内可退";
    rs_err_preset: "Choose one of the presets.", "请选择一个预设。";
    rs_preset_applied: "Preset applied: the return policy was replaced.", "已应用预设：退货政策已被替换。";
    rs_time_zone: "Shop time zone", "店铺时区";
    rs_time_zone_help: "Return windows count calendar days in this time zone (an IANA name such as Europe/Berlin).", "退货期限按此时区的日历天数计算（IANA 名称，例如 Asia/Shanghai）。";
    rs_err_time_zone: "Unknown time zone. Use an IANA name such as Europe/Berlin.", "未知时区。请使用 IANA 名称，例如 Asia/Shanghai。";
    rs_time_zone_saved: "Time zone saved.", "时区已保存。";
    rs_rule_saved: "Rule saved.", "规则已保存。";
    rs_rule_deleted: "Rule deleted.", "规则已删除。";
    rs_rule_moved: "Rule moved.", "规则已移动。";
    rs_warehouse_saved: "Warehouse saved.", "仓库已保存。";
    rs_warehouse_deactivated: "Warehouse deactivated.", "仓库已停用。";
    // Terms in words
    rs_window: "Change of mind: {} days from delivery", "无理由退货：签收后 {} 天";
    rs_no_window: "No change-of-mind returns", "不接受无理由退货";
    rs_warranty: "Faults: {} days", "质量问题：{} 天";
    rs_no_warranty: "Faults: within the change-of-mind window only", "质量问题：仅限无理由退货期限内";
    rs_fault_refund_days: "Faults refunded within {} days", "{} 天内的质量问题退款";
    rs_required: "Required: {}", "要求：{}";
    rs_buyer_pays: "Buyer pays return shipping", "买家承担退货运费";
    rs_seller_pays: "Seller pays return shipping", "卖家承担退货运费";
    rs_fault_buyer_pays: "Faults: buyer pays return shipping", "质量问题：买家承担退货运费";
    rs_fault_seller_pays: "Faults: seller pays return shipping", "质量问题：卖家承担退货运费";
    rs_restocking_fee: "Restocking fee {} %", "重新上架费 {} %";
    rs_auto_approve: "Auto-approve up to {}", "自动批准上限 {}";
    rs_refund_without_return: "Refund without return below {}", "低于 {} 免退货退款";
    rs_resolutions: "Resolutions: {}", "处理方式：{}";
    rs_fault_resolutions: "Fault resolutions: {}", "质量问题处理方式：{}";
    rs_none: "none", "无";
    rs_res_refund: "refund", "退款";
    rs_res_exchange: "exchange", "换货";
    rs_res_repair: "repair", "维修";
    rs_res_store_credit: "store credit", "店铺余额";
    rs_res_partial_refund: "partial refund", "部分退款";
    rs_reason_changed_mind: "Changed mind", "不想要了";
    rs_reason_defective: "Defective", "有缺陷";
    rs_reason_damaged_in_transit: "Damaged in transit", "运输中损坏";
    rs_reason_wrong_item: "Wrong item", "发错商品";
    rs_reason_not_as_described: "Not as described", "与描述不符";
    rs_reason_too_small: "Too small", "尺码偏小";
    rs_reason_too_large: "Too large", "尺码偏大";
    rs_reason_arrived_late: "Arrived late", "到货太晚";
    rs_reason_other: "Other", "其他";
    rs_cond_unused: "unused", "未使用";
    rs_cond_original_packaging: "in original packaging", "原包装";
    rs_cond_tags_attached: "tags attached", "吊牌完好";
    rs_buyer: "Buyer", "买家";
    rs_seller: "Seller", "卖家";
    // Rule form
    rs_rule_name: "Rule name", "规则名称";
    rs_list_help: "Comma-separated; leave empty for any.", "用逗号分隔；留空表示任意。";
    rs_markets_help: "Country codes (DE, FR) or regions (EU, EEA, UK, US, JP, AU, SEA, GCC); empty for any.", "国家代码（DE、FR）或地区（EU、EEA、UK、US、JP、AU、SEA、GCC）；留空表示任意。";
    rs_reasons_help: "None ticked matches any reason.", "不勾选表示匹配任意原因。";
    rs_window_days: "Change-of-mind window (days)", "无理由退货期限（天）";
    rs_window_help: "Blank: no change-of-mind returns.", "留空：不接受无理由退货。";
    rs_warranty_days: "Fault window (days)", "质量问题期限（天）";
    rs_warranty_help: "Blank: faults only within the change-of-mind window.", "留空：质量问题仅限无理由退货期限内。";
    rs_conditions: "Required condition (change of mind)", "要求的商品状态（无理由退货）";
    rs_resolutions_label: "Allowed resolutions (change of mind), preferred first", "允许的处理方式（无理由退货），优先的在前";
    rs_fault_resolutions_label: "Allowed resolutions (faults), preferred first", "允许的处理方式（质量问题），优先的在前";
    rs_restocking_fee_label: "Restocking fee (%)", "重新上架费（%）";
    rs_return_shipping: "Return shipping paid by", "退货运费承担方";
    rs_fault_return_shipping: "Return shipping for faults paid by", "质量问题退货运费承担方";
    rs_auto_approve_label: "Auto-approve up to", "自动批准上限";
    rs_refund_without_return_label: "Refund without return below", "免退货退款阈值（低于）";
    rs_amount_help: "Blank removes the amount for this currency.", "留空则删除该币种的金额。";
    rs_other_currencies: "Kept for other currencies: {}", "其他币种保留：{}";
    rs_err_market: "Unknown country or region code: {}", "未知的国家或地区代码：{}";
    rs_err_days: "Enter a whole number of days, 0 or more.", "请输入不小于 0 的整数天数。";
    rs_err_fee: "Enter a percentage from 0 to 100.", "请输入 0 到 100 之间的百分比。";
    rs_err_resolution: "Allow at least one resolution.", "请至少允许一种处理方式。";
    rs_err_amount: "Enter an amount of 0 or more, such as 4.50, with no more decimals than the currency has.", "请输入不小于 0 的金额，例如 4.50，小数位数不超过该币种。";
    rs_err_currency: "Choose a currency.", "请选择币种。";
    rs_err_payer: "Choose who pays.", "请选择承担方。";
    rs_err_list: "Too many or too long entries.", "条目过多或过长。";
    // Warehouses
    rs_warehouses: "Return warehouses", "退货仓库";
    rs_warehouses_lead: "Where returns are sent: the engine picks the cheapest active warehouse that serves the buyer's country and has a lane priced in the order's currency.", "退货寄往的地方：系统选择服务买家所在国家、且有以订单币种计价线路的最便宜的启用仓库。";
    rs_no_warehouses: "No warehouses yet.", "尚无仓库。";
    rs_warehouse_new: "Add a warehouse", "添加仓库";
    rs_warehouse_edit: "Edit warehouse", "编辑仓库";
    rs_kind: "Kind", "类型";
    rs_kind_return_centre: "Return centre", "退货中心";
    rs_kind_repair_partner: "Repair partner", "维修合作方";
    rs_kind_home: "Own warehouse", "自有仓库";
    rs_serves: "Serves", "服务范围";
    rs_serves_help: "Comma-separated country codes or regions, e.g. DE, FR, EU.", "用逗号分隔的国家代码或地区，例如 DE, FR, EU。";
    rs_lanes: "Lanes (cost per return)", "线路（每件退货成本）";
    rs_lanes_help: "One per line: where from, the cost, the currency, e.g. DE 4.50 EUR.", "每行一条：起运地、成本、币种，例如 DE 4.50 EUR。";
    rs_err_lane: "Line {}: write it as DE 4.50 EUR (a country or region, an amount of 0 or more, a currency).", "第 {} 行：请写成 DE 4.50 EUR（国家或地区、不小于 0 的金额、币种）。";
    rs_address: "Return address", "退货地址";
    rs_accepts_repairs: "Accepts repairs", "接受维修";
    rs_active: "Active", "启用";
    rs_inactive: "Inactive", "已停用";
    rs_deactivate: "Deactivate", "停用";
    rs_err_kind: "Choose a kind.", "请选择类型。";
    rs_warehouse_name_taken: "A warehouse with this name already exists.", "已存在同名仓库。";
    rs_yes: "yes", "是";
    rs_no: "no", "否";
    // Try the policy
    rs_try: "Try the policy", "试用政策";
    rs_try_lead: "See what the policy decides for a made-up return request. Nothing is saved.", "查看政策对一个模拟退货请求的判定结果。不会保存任何内容。";
    rs_country: "Buyer's country", "买家国家";
    rs_channel: "Channel", "渠道";
    rs_category: "Category (optional)", "品类（可选）";
    rs_reason: "Reason", "原因";
    rs_days_since: "Days since delivery", "签收后天数";
    rs_item_value: "Item value", "商品金额";
    rs_reported_condition: "Condition reported by the buyer", "买家报告的商品状态";
    rs_try_run: "Decide", "判定";
    rs_result: "Result", "结果";
    rs_eligible: "Eligible", "符合条件";
    rs_not_eligible: "Not eligible", "不符合条件";
    rs_resolution: "Resolution", "处理方式";
    rs_refund: "Refund", "退款金额";
    rs_destination: "Destination", "目的地";
    rs_keeps_item: "Buyer keeps the item", "买家保留商品";
    rs_no_destination: "None (an agent decides)", "无（由客服决定）";
    rs_auto_approved: "Auto-approved", "自动批准";
    rs_matched_rule: "Matched rule", "匹配的规则";
    rs_why: "Why", "原因说明";
    rs_no_policy_to_try: "Set up a return policy first.", "请先设置退货政策。";
    rs_err_country: "Enter a two-letter country code.", "请输入两位字母的国家代码。";
    // Decision reasons
    rsr_within_window: "Day {} of a {}-day window", "第 {} 天，在 {} 天期限内";
    rsr_outside_window: "Day {} is outside the {}-day window", "第 {} 天，已超出 {} 天期限";
    rsr_no_change_of_mind_returns: "This rule takes no change-of-mind returns", "此规则不接受无理由退货";
    rsr_defect_under_warranty: "Fault on day {}, within {} days", "第 {} 天出现质量问题，在 {} 天内";
    rsr_warranty_expired: "Fault on day {}, after the {}-day limit", "第 {} 天出现质量问题，已超过 {} 天期限";
    rsr_short_term_right_to_reject: "Fault on day {}: refunded within {} days", "第 {} 天出现质量问题：{} 天内退款";
    rsr_no_rule_matches: "No rule matches {} / {} / {}", "没有规则匹配 {} / {} / {}";
    rsr_condition_not_met: "Condition not met: {}", "商品状态不符合：{}";
    rsr_preferred_resolution_not_allowed: "{} is not allowed; {} instead", "不允许{}；改为{}";
    rsr_no_resolution_allowed: "The rule allows no resolution", "该规则不允许任何处理方式";
    rsr_restocking_fee: "Restocking fee {} ({} %)", "重新上架费 {}（{} %）";
    rsr_partial_refund_keep_item: "Partial refund of {} %, buyer keeps the item", "部分退款 {} %，买家保留商品";
    rsr_refund_without_return_below: "Value {} is below {}: refund without return", "金额 {} 低于 {}：免退货退款";
    rsr_refund_without_return: "Return shipping {} costs at least what the item recovers ({}): refund without return", "退货运费 {} 不低于商品可回收价值（{}）：免退货退款";
    rsr_refund_without_return_limit_reached: "Already {} refunds without return (limit {})", "已有 {} 次免退货退款（上限 {}）";
    rsr_cheapest_destination: "Cheapest destination: {} ({})", "最便宜的目的地：{}（{}）";
    rsr_lane_currency_mismatch: "{} has lanes only in {}", "{} 的线路仅以 {} 计价";
    rsr_no_warehouse_serves: "No active warehouse serves {}", "没有启用的仓库服务 {}";
    rsr_auto_approved_up_to: "Value {} is within the auto-approve limit {}", "金额 {} 在自动批准上限 {} 内";
    rsr_above_auto_approve_limit: "Value {} is above the auto-approve limit {}", "金额 {} 超过自动批准上限 {}";
    rsr_no_auto_approve_limit: "No auto-approve limit for {}", "没有 {} 的自动批准上限";
    rsr_no_delivery_date_used_order_date: "No delivery date: counted from the order date", "无签收日期：从下单日期起计算";
    rsr_abuse_flag: "The customer is flagged for abuse", "该客户被标记为滥用";

    // Notifications
    nav_notifications: "Notifications", "通知";
    notifications_lead: "What rules and SLA clocks told you about, newest first.", "规则和 SLA 时效给您的提醒，最新的在前。";
    notifications_unread: "{} unread", "{} 条未读";
    notifications_none: "No notifications.", "暂无通知。";
    notifications_mark_all: "Mark all read", "全部标为已读";
    notifications_mark_read: "Mark read", "标为已读";
    notifications_col_text: "Notification", "通知内容";

    // Agents: availability and language skills
    availability_title: "Available for assignment", "接受自动分配";
    availability_on: "Available", "可分配";
    availability_off: "Away", "暂离";
    availability_help: "Rules that assign tickets automatically skip people who are away.", "自动分配工单的规则会跳过暂离的成员。";
    availability_go_away: "Set away", "设为暂离";
    availability_go_available: "Set available", "设为可分配";
    availability_saved: "Availability saved.", "分配状态已保存。";
    languages_label: "Languages", "擅长语言";
    languages_saved: "Languages saved.", "语言已保存。";
    err_languages: "Not a language code: {}. Use codes such as de, ja, pt-BR.", "不是语言代码：{}。请使用 de、ja、pt-BR 等代码。";
    err_languages_too_many: "List at most {} languages.", "最多填写 {} 种语言。";

    // Settings → Rules
    settings_rules: "Rules", "规则";
    rule_saved: "Rule saved.", "规则已保存。";
    rule_deleted: "Rule deleted.", "规则已删除。";
    rule_moved: "Rule moved.", "规则已移动。";
    rule_enabled: "Rule turned on.", "规则已启用。";
    rule_disabled: "Rule turned off.", "规则已停用。";
    holiday_on_notice: "Holiday mode is on.", "假期模式已开启。";
    holiday_off_notice: "Holiday mode is off.", "假期模式已关闭。";
    // Settings → SLA
    settings_sla: "SLA", "服务时效";
    sla_saved: "SLA policy saved.", "SLA 策略已保存。";
    sla_deleted: "SLA policy deleted.", "SLA 策略已删除。";
    sla_moved: "SLA policy moved.", "SLA 策略已移动。";
    sla_enabled: "SLA policy turned on.", "SLA 策略已启用。";
    sla_disabled: "SLA policy turned off.", "SLA 策略已停用。";
    calendar_saved: "Calendar saved.", "日历已保存。";
    calendar_deleted: "Calendar deleted.", "日历已删除。";
    business_calendar_saved: "Business hours saved.", "营业时间已保存。";
    template_body_deleted: "Language version removed.", "语言版本已删除。";

    // Settings → Rules: list and form
    rules_lead: "Rules act on tickets when something happens. They run from top to bottom; a rule marked “stop” ends the list for that event when it matches.", "规则在事件发生时自动处理工单，按从上到下的顺序执行；标记为“停止”的规则匹配后，该事件不再执行后续规则。";
    rules_none: "No rules yet.", "暂无规则。";
    rule_new: "New rule", "新建规则";
    rule_edit: "Edit rule", "编辑规则";
    rule_name: "Rule name", "规则名称";
    rule_trigger: "When", "触发时机";
    rule_set: "Runs", "运行条件";
    rule_stop: "Stop here: later rules are skipped for the event when this one matches", "到此为止：本规则匹配后，跳过后续规则";
    rule_stop_badge: "stop", "停止";
    rule_time: "How long after", "多久之后";
    rule_time_after: "after", "之后，起点";
    unit_minutes: "minutes", "分钟";
    unit_hours: "hours", "小时";
    unit_days: "days", "天";
    rule_conditions_all: "All of these conditions", "满足以下全部条件";
    rule_conditions_any: "And at least one of these", "并满足以下至少一个条件";
    rule_conditions_help: "No conditions: the rule matches every time it runs. Separate several values with commas.", "没有条件：规则每次运行都会匹配。多个值用逗号分隔。";
    rule_field: "Field", "字段";
    rule_op: "Operator", "运算符";
    rule_value: "Value", "值";
    rule_add_condition: "Add condition", "添加条件";
    rule_remove: "Remove", "删除此行";
    rule_actions: "Then do this", "执行以下操作";
    rule_action: "Action", "操作";
    rule_add_action: "Add action", "添加操作";
    rule_choose: "— choose —", "— 请选择 —";
    rule_template: "Template", "回复模板";
    rule_text: "Text", "文本";
    rule_tags: "Tags", "标签";
    rule_assign_to: "Assign to", "分配给";
    rule_agent: "Agent", "客服";
    rule_team: "Team", "团队";
    rule_method: "Method", "分配方式";
    rule_policy: "SLA policy", "SLA 策略";
    rule_reason: "Return reason", "退货原因";
    rule_notify_to: "Notify whom", "通知对象";
    rule_url: "Webhook URL", "Webhook 地址";
    rule_status: "Status", "状态";
    rule_priority: "Priority", "优先级";
    rule_type: "Type", "类型";
    rule_errors: "This rule can't be saved yet:", "该规则暂时无法保存：";
    rule_col_trigger: "Trigger", "触发";
    rule_col_set: "Rule set", "规则组";
    rule_col_last_run: "Last run", "上次运行";
    rule_col_enabled: "On", "启用";
    rule_on: "On", "已启用";
    rule_off: "Off", "已停用";
    rule_turn_on: "Turn on", "启用";
    rule_turn_off: "Turn off", "停用";
    rule_delete_confirm: "Delete the rule “{}”? Its run log is deleted with it.", "删除规则“{}”？其运行记录将一并删除。";
    rule_name_taken: "A rule with this name already exists.", "已存在同名规则。";
    rule_err_trigger: "Choose when the rule runs.", "请选择规则的触发时机。";
    rule_err_set: "Choose when the rule is active.", "请选择规则的运行条件。";
    rule_err_time: "Enter how long after, as a whole number of minutes, hours or days.", "请输入间隔时长（整数分钟、小时或天）。";
    rule_err_condition: "Condition {}: choose a field and an operator from the lists.", "条件 {}：请从列表中选择字段和运算符。";
    rule_err_action: "Action {}: choose what it needs (template, agent, team, policy or reason) from the lists.", "操作 {}：请从列表中选择所需内容（模板、客服、团队、策略或原因）。";
    rule_summary_if: "If", "如果";
    rule_summary_then: "Then", "则";
    rule_summary_always: "every time", "每次";
    holiday_title: "Holiday mode", "假期模式";
    holiday_help: "Rules marked “holiday” run only while holiday mode is on; rules marked “regular” run only while it is off. Rules marked “always” run either way.", "标记为“假期”的规则仅在假期模式开启时运行；标记为“常规”的规则仅在假期模式关闭时运行；标记为“始终”的规则总是运行。";
    holiday_is_on: "Holiday mode is on", "假期模式已开启";
    holiday_is_off: "Holiday mode is off", "假期模式已关闭";
    holiday_turn_on: "Turn holiday mode on", "开启假期模式";
    holiday_turn_off: "Turn holiday mode off", "关闭假期模式";
    // Rule run log
    runs_title: "Run log", "运行记录";
    runs_lead: "Every time a rule was considered for a ticket, newest first: whether it matched, what it did, what failed.", "规则每次针对工单的判断记录，最新的在前：是否匹配、执行了什么、哪些失败。";
    runs_none: "No runs match.", "没有符合条件的运行记录。";
    runs_any_rule: "Any rule", "全部规则";
    runs_matched_any: "Matched or not", "匹配与否均可";
    runs_matched_only: "Matched", "已匹配";
    runs_unmatched_only: "Not matched", "未匹配";
    runs_errors_only: "Errors only", "仅显示出错";
    col_rule: "Rule", "规则";
    col_event: "Event", "事件";
    col_matched: "Matched", "匹配";
    col_actions_done: "Actions done", "已执行操作";
    col_errors: "Errors", "错误";
    // Triggers, rule sets, time anchors
    rt_message_received: "A message is received", "收到消息时";
    rt_ticket_created: "A ticket is created", "创建工单时";
    rt_ticket_updated: "A ticket is updated", "工单更新时";
    rt_order_updated: "An order is updated", "订单更新时";
    rt_time: "Time passes", "经过一段时间后";
    rset_always: "Always", "始终";
    rset_holiday: "Holiday", "假期";
    rset_regular: "Regular", "常规";
    ra_ticket_created: "the ticket was created", "工单创建";
    ra_became_pending: "the ticket became pending", "工单转为等待客户";
    ra_last_inbound: "the customer's last message", "客户最后一条消息";
    ra_last_outbound: "our last reply", "我们最后一次回复";
    ra_order_created: "the order was placed", "下单";
    ra_order_shipped: "the order shipped", "订单发货";
    ra_order_delivered: "the order was delivered", "订单签收";
    // Operators
    rop_is: "is", "是";
    rop_is_not: "is not", "不是";
    rop_in: "is one of", "属于其中之一";
    rop_not_in: "is not one of", "不属于其中任何一个";
    rop_contains: "contains", "包含";
    rop_not_contains: "does not contain", "不包含";
    rop_contains_any: "contains any of", "包含任一";
    rop_gt: "is more than", "大于";
    rop_gte: "is at least", "大于等于";
    rop_lt: "is less than", "小于";
    rop_lte: "is at most", "小于等于";
    rop_is_set: "is set", "有值";
    rop_is_not_set: "is not set", "无值";
    rop_changed: "changed", "发生变更";
    rop_changed_to: "changed to", "变更为";
    rop_changed_from: "changed from", "变更自";
    // Condition fields
    rf_ticket_status: "Ticket status", "工单状态";
    rf_ticket_priority: "Ticket priority", "工单优先级";
    rf_ticket_type: "Ticket type", "工单类型";
    rf_ticket_channel: "Ticket channel", "工单渠道";
    rf_ticket_subject: "Ticket subject", "工单主题";
    rf_ticket_tags: "Ticket tags", "工单标签";
    rf_ticket_language: "Ticket language", "工单语言";
    rf_ticket_sentiment: "Ticket sentiment", "工单情绪";
    rf_ticket_assignee: "Ticket assignee (id)", "工单负责人（ID）";
    rf_ticket_team: "Ticket team (id)", "工单团队（ID）";
    rf_message_text: "Message text", "消息内容";
    rf_message_language: "Message language", "消息语言";
    rf_message_intent: "Message intent", "消息意图";
    rf_customer_email: "Customer email", "客户邮箱";
    rf_customer_country: "Customer country", "客户国家";
    rf_customer_language: "Customer language", "客户语言";
    rf_customer_tags: "Customer tags", "客户标签";
    rf_customer_lifetime_value: "Customer lifetime value", "客户累计消费";
    rf_customer_order_count: "Customer order count", "客户订单数";
    rf_customer_complaint_count: "Customer complaint count", "客户投诉次数";
    rf_order_status: "Order status", "订单状态";
    rf_order_total: "Order total", "订单金额";
    rf_order_currency: "Order currency", "订单币种";
    rf_order_shipping_country: "Order shipping country", "订单收货国家";
    rf_order_carrier: "Order carrier", "订单承运商";
    rf_order_has_tracking: "Order has tracking", "订单有物流单号";
    rf_order_days_since_order: "Days since order", "下单后天数";
    rf_order_days_since_delivery: "Days since delivery", "签收后天数";
    rf_business_hours: "Within business hours", "处于营业时间内";
    // Actions
    ract_reply: "Reply with template", "使用模板回复";
    ract_note: "Add an internal note", "添加内部备注";
    ract_set_status: "Set status", "设置状态";
    ract_set_priority: "Set priority", "设置优先级";
    ract_set_type: "Set type", "设置类型";
    ract_add_tags: "Add tags", "添加标签";
    ract_remove_tags: "Remove tags", "移除标签";
    ract_assign: "Assign", "分配";
    ract_apply_sla: "Apply SLA policy", "应用 SLA 策略";
    ract_open_rma: "Open a return", "创建退货";
    ract_notify: "Notify", "发送通知";
    ract_webhook: "Call a webhook", "调用 Webhook";
    bot_title: "Bot answers, last 30 days", "机器人回答（近 30 天）";
    bot_help: "Add the action “Answer with the bot” to a rule on new buyer messages. It answers tracking, return and refund questions and how-tos from the help center, and hands everything else to a person. Deflected: answered, and no person had to answer afterwards.", "在“收到买家消息”的规则中添加“由机器人回答”动作。机器人回答物流、退货、退款问题以及帮助中心里的操作问题，其余转人工。已分流：机器人已回答，且之后无需人工回复。";
    bot_tickets: "Tickets", "工单";
    bot_answered: "Answered", "已回答";
    bot_handed_off: "Handed to people", "转人工";
    bot_deflected: "Deflected", "已分流";
    ract_bot_answer: "Answer with the bot (or hand to a person)", "由机器人回答（或转人工）";
    assign_agent: "An agent", "指定客服";
    assign_team: "A team", "某个团队";
    assign_any_agent: "Any available agent", "任一可分配客服";
    assign_nobody: "Nobody (unassign)", "无人（取消分配）";
    method_round_robin: "Round robin", "轮流分配";
    method_least_load: "Fewest open tickets", "待处理工单最少";
    notify_assignee: "The assignee", "工单负责人";
    notify_team: "A team", "某个团队";
    notify_user: "A person", "指定成员";
    notify_admins: "The admins", "管理员";

    // Settings → SLA
    sla_lead: "Reply and resolution targets per kind of ticket. The first enabled policy that matches a ticket applies; its clocks count in a calendar's business hours, or in calendar hours.", "按工单类型设置回复和解决时限。第一个启用且匹配工单的策略生效；时限按日历的营业时间计算，或按自然时间计算。";
    sla_policies_title: "Policies", "策略";
    sla_none: "No SLA policies yet.", "暂无 SLA 策略。";
    sla_new: "New policy", "新建策略";
    sla_edit: "Edit policy", "编辑策略";
    sla_match: "Applies to", "适用于";
    sla_match_help: "Nothing ticked in a group matches any.", "某组不勾选表示匹配任意值。";
    sla_channels: "Channels", "渠道";
    sla_priorities: "Priorities", "优先级";
    sla_types: "Types", "类型";
    sla_customer_tags: "Customer tags", "客户标签";
    sla_customer_tags_help: "Comma-separated; any one matches. Empty: any customer.", "用逗号分隔，匹配任意一个即可。留空表示任意客户。";
    sla_targets: "Targets", "时限";
    sla_first_reply: "First reply", "首次回复";
    sla_next_reply: "Next reply", "后续回复";
    sla_target_help: "Hours and minutes; leave both blank for no target.", "小时和分钟；两者都留空表示不设此时限。";
    sla_clock: "Counted in", "计时方式";
    sla_calendar_hours: "Calendar hours (24/7, as marketplace clocks count)", "自然时间（全天候，与平台时限一致）";
    sla_warn: "Warn this many minutes before a deadline", "到期前多少分钟提醒";
    sla_breach: "On breach", "超时后";
    sla_breach_priority: "Raise priority to", "提升优先级为";
    sla_breach_notify: "Notify", "通知";
    sla_breach_team: "Hand to team", "转交团队";
    sla_nothing: "— nothing —", "— 不处理 —";
    sla_col_targets: "Targets", "时限";
    sla_col_clock: "Clock", "计时";
    sla_err_target: "Enter whole hours and minutes (0–59), or leave both blank.", "请输入整数小时和分钟（0–59），或两者都留空。";
    sla_err_no_target: "Set at least one target.", "请至少设置一个时限。";
    sla_err_warn: "Enter 0 to 10080 minutes.", "请输入 0 到 10080 分钟。";
    sla_err_choice: "Choose from the list.", "请从列表中选择。";
    sla_name_taken: "A policy with this name already exists.", "已存在同名策略。";
    sla_delete_confirm: "Delete the SLA policy “{}”? Tickets keep the deadlines they have.", "删除 SLA 策略“{}”？工单已有的到期时间保持不变。";
    calendars_title: "Business-hours calendars", "营业时间日历";
    calendars_none: "No calendars yet.", "暂无日历。";
    calendar_new: "New calendar", "新建日历";
    calendar_edit: "Edit calendar", "编辑日历";
    calendar_zone: "Time zone", "时区";
    calendar_hours: "Opening hours", "营业时间";
    calendar_hours_help: "Close at or before the opening time for hours past midnight (22:00–06:00); the same time for a full 24 hours.", "结束时间早于或等于开始时间表示跨午夜（22:00–06:00）；两者相同表示全天 24 小时。";
    calendar_day: "Day", "星期";
    calendar_open: "Opens", "开始";
    calendar_close: "Closes", "结束";
    calendar_add_hours: "Add hours", "添加时段";
    calendar_holidays: "Holidays", "节假日";
    calendar_holidays_help: "One date per line, YYYY-MM-DD. No hours count on these days.", "每行一个日期，格式 YYYY-MM-DD。这些日期不计时。";
    calendar_err_zone: "Choose a time zone from the list.", "请从列表中选择时区。";
    calendar_err_row: "Row {}: choose a day and enter times as HH:MM.", "第 {} 行：请选择星期并按 HH:MM 填写时间。";
    calendar_err_holiday: "“{}” is not a date (YYYY-MM-DD).", "“{}”不是日期（YYYY-MM-DD）。";
    calendar_err_no_hours: "Add at least one opening interval.", "请至少添加一个营业时段。";
    calendar_err_overlap: "These opening hours overlap: {}.", "以下营业时段重叠：{}。";
    calendar_name_taken: "A calendar with this name already exists.", "已存在同名日历。";
    calendar_in_use: "This calendar is in use by: {}. Choose another calendar for them first.", "该日历正在被以下项目使用：{}。请先为它们选择其他日历。";
    calendar_delete_confirm: "Delete the calendar “{}”?", "删除日历“{}”？";
    calendar_shop: "the shop's business hours", "店铺营业时间";
    business_hours_title: "Shop business hours", "店铺营业时间";
    business_hours_help: "What the “Within business hours” rule condition checks.", "规则条件“处于营业时间内”据此判断。";
    business_hours_none: "Not set (the condition never holds)", "未设置（该条件始终不成立）";
    day_mon: "Monday", "星期一";
    day_tue: "Tuesday", "星期二";
    day_wed: "Wednesday", "星期三";
    day_thu: "Thursday", "星期四";
    day_fri: "Friday", "星期五";
    day_sat: "Saturday", "星期六";
    day_sun: "Sunday", "星期日";

    // Settings → Reply templates: categories, languages, actions, preview
    template_category: "Category", "分类";
    template_category_help: "Groups templates in the picker, e.g. Shipping, Returns.", "在选择列表中分组显示，例如：物流、退货。";
    template_default_body: "Text (any other language)", "内容（其他语言）";
    template_languages: "Versions per buyer language", "按买家语言的版本";
    template_languages_help: "The version in the ticket's language is used (de-AT falls back to de); otherwise the text above. Clear a version's text to remove it.", "使用与工单语言一致的版本（de-AT 会退回到 de）；没有时使用上面的内容。清空某版本内容即可删除该版本。";
    template_language: "Language", "语言";
    template_add_language: "Add a language", "添加语言";
    template_remove_language: "Remove", "删除";
    template_actions: "With the reply, also", "发送回复时同时";
    template_action_status: "Set status to", "将状态设为";
    template_action_tags: "Add tags", "添加标签";
    template_no_status: "— keep —", "— 保持不变 —";
    template_variables: "Variables:", "可用变量：";
    template_variables_help: "Write {{ customer.first_name | \"there\" }} for a fallback when the value is missing.", "写作 {{ customer.first_name | \"您好\" }}，可在缺少值时使用备选文字。";
    template_err_category: "At most 60 characters.", "最多 60 个字符。";
    template_err_language: "“{}” is not a language code (de, ja, pt-BR).", "“{}”不是语言代码（de、ja、pt-BR）。";
    template_err_language_twice: "“{}” is listed twice.", "“{}”重复了。";
    template_preview: "Preview with ticket #", "用工单预览 #";
    template_preview_run: "Preview", "预览";
    template_preview_none: "No such ticket in this shop.", "本店铺没有这个工单。";
    template_preview_language: "Version used: {}", "使用的版本：{}";
    template_preview_default: "default text", "默认内容";
    template_preview_missing: "Missing for this ticket: {}", "此工单缺少：{}";
    template_preview_complete: "Every variable has a value for this ticket.", "此工单的所有变量都有值。";

    // SLA state on inbox rows and the ticket page
    sla_left: "{} left", "剩余 {}";
    sla_breached_ago: "breached {} ago", "已超时 {}";
    sla_under_minute: "under a minute", "不到 1 分钟";
    sla_title: "SLA", "时效";
    sla_policy: "Policy", "策略";
    sla_paused: "paused (waiting on customer)", "已暂停（等待客户）";
    sla_no_policy: "No SLA policy applies.", "没有适用的 SLA 策略。";
    sla_due_at: "due {}", "{} 到期";
    sla_events_title: "Warnings and breaches", "提醒与超时";
    sla_event_warning: "warning", "提醒";
    sla_event_breach: "breach", "超时";
    ticket_rule_runs: "Rule runs", "规则运行";
    history_rule: "Rule “{}”", "规则“{}”";
    // Public REST API (Settings → API)
    settings_api: "API", "API 接口";
    api_lead: "Tokens let other systems use this shop's REST API (/api/v1). Each token has scopes, an optional expiry and a rate limit per minute. Description:", "令牌让其他系统使用本店铺的 REST API（/api/v1）。每个令牌有权限范围、可选的有效期和每分钟请求上限。接口说明：";
    api_tokens_none: "No API tokens yet.", "还没有 API 令牌。";
    api_new: "New token", "新建令牌";
    api_name: "Name", "名称";
    api_scopes: "Scopes", "权限范围";
    api_expires_days: "Expires after (days; empty: never)", "有效天数（留空：永不过期）";
    api_rate_limit: "Requests per minute", "每分钟请求数";
    api_create: "Create token", "创建令牌";
    api_created: "Copy this token now: it is shown only once.", "请立即复制此令牌：它只显示这一次。";
    api_col_token: "Token", "令牌";
    api_col_created: "Created", "创建时间";
    api_col_expires: "Expires", "过期时间";
    api_col_last_used: "Last used", "最近使用";
    api_never: "never", "从不";
    api_revoke: "Revoke", "吊销";
    api_revoked: "revoked", "已吊销";
    api_expired: "expired", "已过期";
    api_token_revoked: "Token revoked.", "令牌已吊销。";
    api_err_name: "1–100 characters.", "1–100 个字符。";
    api_err_scopes: "Choose at least one scope.", "请至少选择一个权限范围。";
    api_err_expires: "A whole number of days from 1 to 3650.", "请输入 1 到 3650 之间的整数天数。";
    api_err_rate_limit: "A whole number from 10 to 10000.", "请输入 10 到 10000 之间的整数。";
    // Outbound webhooks (Settings → Webhooks) and CSAT surveys
    settings_webhooks: "Webhooks", "Webhook";
    wh_lead: "Send ticket, message, return and refund events to your ERP or CRM as they happen, signed as", "在工单、消息、退货和退款发生变化时，将事件实时发送到您的 ERP 或 CRM，签名方式遵循";
    wh_endpoints: "Endpoints", "接收端点";
    wh_none: "No endpoints yet.", "暂无接收端点。";
    wh_new: "New endpoint", "新建接收端点";
    wh_create: "Create endpoint", "创建接收端点";
    wh_url: "URL", "网址";
    wh_description: "Description", "描述";
    wh_events: "Events", "事件";
    wh_event: "Event", "事件";
    wh_enabled: "Enabled", "已启用";
    wh_disabled: "Disabled", "已停用";
    wh_saved: "Endpoint saved.", "接收端点已保存。";
    wh_deleted: "Endpoint deleted.", "接收端点已删除。";
    wh_rotated: "A new secret was generated. Update it on the receiving side.", "已生成新密钥，请在接收端更新。";
    wh_test_queued: "A test event (ping) was queued.", "测试事件（ping）已加入队列。";
    wh_redelivered: "The delivery was queued again with the same webhook-id.", "该投递已使用相同的 webhook-id 重新排队。";
    wh_err_url: "Enter an http:// or https:// address.", "请输入以 http:// 或 https:// 开头的地址。";
    wh_err_description: "At most 200 characters.", "最多 200 个字符。";
    wh_err_events: "Choose at least one of the listed events.", "请至少选择一个列出的事件。";
    wh_no_secret_key: "Endpoints cannot be created: no secret key is configured on this server (secret_key), so their signing secrets cannot be stored sealed.", "无法创建接收端点：本服务器未配置密钥（secret_key），签名密钥无法加密保存。";
    wh_secret_unreadable: "The secret cannot be opened with this server's secret key.", "无法使用本服务器的密钥打开此签名密钥。";
    wh_secret: "Signing secret", "签名密钥";
    wh_secret_lead: "Verify the webhook-signature header with this secret (any Standard Webhooks library does it).", "请使用此密钥校验 webhook-signature 请求头（任何 Standard Webhooks 库均可）。";
    wh_rotate: "Rotate secret", "更换密钥";
    wh_test: "Test", "测试";
    wh_test_lead: "Sends a ping event to this endpoint now.", "立即向此端点发送一个 ping 事件。";
    wh_send_test: "Send test event", "发送测试事件";
    wh_delete: "Delete endpoint", "删除接收端点";
    wh_deliveries: "Delivery log", "投递记录";
    wh_no_deliveries: "No deliveries.", "暂无投递记录。";
    wh_attempts: "Attempts", "尝试";
    wh_payload: "Payload", "内容";
    wh_redeliver: "Redeliver", "重新投递";
    wh_next_attempt: "next attempt", "下次尝试";
    wh_state_any: "Any state", "任意状态";
    wh_state_queued: "queued", "排队中";
    wh_state_failed: "retrying", "重试中";
    wh_state_delivered: "delivered", "已送达";
    wh_state_dead: "failed", "已失败";
    csat_title: "Satisfaction survey (CSAT)", "满意度调查（CSAT）";
    csat_lead: "When a ticket is solved, the buyer gets a short message in their language with two one-click links: good or not good.", "工单解决后，买家会收到一条以其语言撰写的简短消息，内含两个一键链接：满意或不满意。";
    csat_turn_on: "Turn surveys on", "开启调查";
    csat_turn_off: "Turn surveys off", "关闭调查";
    csat_on_notice: "Surveys are on.", "调查已开启。";
    csat_off_notice: "Surveys are off.", "调查已关闭。";
    csat_answer: "Satisfaction", "满意度";
    csat_good: "Good", "满意";
    csat_bad: "Not good", "不满意";
    csat_waiting: "Survey sent, no answer yet", "调查已发送，尚未回复";
    wh_previous_until: "The previous secret also signs until {} (a second signature), so the receiver can switch without missing anything.", "旧密钥在 {} 之前仍会同时签名（第二个签名），接收端可从容切换，不会漏掉任何事件。";
    // Privacy: customer export and erasure, retention, audit log filters, evidence pack
    settings_privacy: "Privacy", "隐私";
    pv_title: "Privacy", "隐私";
    pv_tickets: "Tickets", "工单";
    pv_export: "Export customer data (ZIP)", "导出客户数据（ZIP）";
    pv_export_help: "Everything stored about this customer: profile, orders, tickets with every message and note, returns, refunds, survey answers, files.", "本客户的全部数据：资料、订单、含所有消息和备注的工单、退货、退款、满意度回答和文件。";
    pv_erase: "Erase customer", "删除客户个人数据";
    pv_erase_removes: "Removes their name, addresses, message text, subjects, files, photos, translations and raw messages, and cancels replies still waiting to be sent.", "将删除其姓名、地址、消息内容、主题、文件、照片、翻译和原始消息，并取消尚未发送的回复。";
    pv_erase_keeps: "Keeps counts, amounts, SKUs, dates, statuses, reasons and ratings, so reports stay right.", "保留数量、金额、SKU、日期、状态、原因和评分，报表保持准确。";
    pv_erase_final: "This cannot be undone.", "此操作无法撤销。";
    pv_erase_type: "Type {} to confirm", "输入 {} 以确认";
    pv_erase_mistyped: "Type {} exactly to confirm; nothing was erased.", "请准确输入 {} 以确认；未删除任何数据。";
    pv_erased_notice: "The customer's personal data was erased.", "该客户的个人数据已删除。";
    pv_too_large: "The files are larger than {} MB; ask an administrator for a database export.", "文件超过 {} MB；请联系管理员进行数据库导出。";
    pv_evidence: "Evidence pack", "申诉证据包";
    pv_evidence_help: "A ZIP for a marketplace appeal: printable summary, facts as JSON, files and photos.", "用于平台申诉的 ZIP：可打印摘要、JSON 数据、文件和照片。";
    pv_lead: "How long this shop keeps closed tickets.", "本店铺保留已关闭工单的时长。";
    pv_retention: "Retention", "数据保留";
    pv_retention_on: "Solved and closed tickets are deleted {} days after their last activity.", "已解决和已关闭的工单在最后活动 {} 天后删除。";
    pv_retention_off: "Off: tickets are kept.", "关闭：工单将被保留。";
    pv_days: "Delete closed tickets after (days)", "关闭的工单在多少天后删除";
    pv_days_hint: "Empty keeps everything. At least 30.", "留空则全部保留。至少 30 天。";
    pv_days_invalid: "Enter a number of days, at least {}, or leave it empty.", "请输入天数（至少 {}），或留空。";
    pv_preview: "{} tickets would be deleted now.", "现在将删除 {} 个工单。";
    pv_preview_button: "Preview", "预览";
    pv_saved: "Retention saved.", "数据保留设置已保存。";
    pv_retention_keeps: "Returns, refunds, orders and customers stay; the tickets' messages, files, notes and history go.", "退货、退款、订单和客户会保留；工单的消息、文件、备注和历史将删除。";
    pv_anyone: "Anyone", "任何人";
    pv_from: "From", "开始日期";
    pv_until: "Until", "结束日期";
    pv_filter: "Filter", "筛选";
    pv_csv: "Download CSV", "下载 CSV";
    // NEW-STRINGS
    // Reports (issue 9)
    reports_tab_returns: "Returns", "退货";
    reports_tab_refunds: "Refunds", "退款";
    reports_tab_tickets: "Tickets", "工单";
    reports_tab_service: "Service times", "服务时效";
    reports_tab_csat: "Satisfaction", "满意度";
    reports_tab_bot: "Bot", "机器人";
    reports_sections: "Report sections", "报表分区";
    reports_filters: "Report filters", "报表筛选";
    reports_from: "From", "开始日期";
    reports_to: "To", "结束日期";
    reports_market: "Market (country code)", "市场（国家代码）";
    reports_sku: "SKU", "商品编码 SKU";
    reports_any: "Any", "全部";
    reports_apply: "Apply", "应用";
    reports_last_days: "Last {} days", "最近 {} 天";
    reports_range: "{} to {}, days in {}", "{} 至 {}，按 {} 时区计日";
    reports_csv: "Download CSV", "下载 CSV";
    reports_no_data: "No data in this range.", "此范围内没有数据。";
    reports_bad_filter: "The filter “{}” cannot use the value “{}”.", "筛选条件“{}”不接受取值“{}”。";
    reports_bad_range_reversed: "The start date is after the end date.", "开始日期晚于结束日期。";
    reports_bad_range_long: "A report covers at most {} days.", "报表最多覆盖 {} 天。";
    reports_bad_table: "This report has no table named “{}”.", "此报表没有名为“{}”的表格。";
    reports_none: "(none)", "（无）";
    reports_unknown: "(unknown)", "（未知）";
    reports_unassigned: "Unassigned", "未分配";
    reports_overall: "Overall", "总计";
    reports_col_code: "Code", "代码";
    reports_col_count: "Count", "数量";
    reports_col_share: "Share", "占比";
    reports_col_day: "Day", "日期";
    reports_col_channel: "Channel", "渠道";
    reports_col_agent: "Agent", "客服";
    reports_col_tickets: "Tickets", "工单数";
    reports_reasons: "Return reasons", "退货原因";
    reports_col_reason: "Reason", "原因";
    reports_by_sku: "Return and fault rate per SKU", "各 SKU 退货率与质量问题率";
    reports_by_country: "Return and fault rate per country", "各国家退货率与质量问题率";
    reports_col_sku: "SKU", "商品编码";
    reports_col_country: "Country", "国家";
    reports_col_sold: "Units sold", "售出件数";
    reports_col_returned: "Units returned", "退回件数";
    reports_col_return_rate: "Return rate", "退货率";
    reports_col_fault_units: "Units returned for a fault", "因质量问题退回件数";
    reports_col_fault_rate: "Fault rate", "质量问题率";
    reports_returns_per_day: "Returns opened per day", "每日新增退货";
    reports_tile_returns: "Returns opened", "新增退货";
    reports_returns_note: "Rates are units returned in the range over units sold in the range. Fault: defective, damaged in transit, wrong item, not as described.", "比率 = 范围内退回件数 ÷ 范围内售出件数。质量问题：故障、运输损坏、发错货、与描述不符。";
    reports_by_resolution: "Returns by resolution, with refunds per currency", "按处理方式统计退货及各币种退款";
    reports_by_state: "Refunds by state, per currency", "按状态统计退款（分币种）";
    reports_col_resolution: "Resolution", "处理方式";
    reports_col_state: "State", "状态";
    reports_col_currency: "Currency", "币种";
    reports_col_amount: "Amount", "金额";
    reports_col_rmas: "Returns", "退货数";
    reports_col_refunds: "Refunds", "退款笔数";
    reports_refunds_per_day: "Refunds created per day", "每日新增退款";
    reports_tile_refunded: "Refunded (not rejected or failed)", "退款金额（不含已拒绝或失败）";
    reports_tickets_per_day: "Tickets created per day", "每日新建工单";
    reports_by_intent: "Tickets by intent", "按意图统计工单";
    reports_by_type: "Tickets by type", "按类型统计工单";
    reports_col_intent: "Intent", "意图";
    reports_col_type: "Type", "类型";
    reports_tile_tickets: "Tickets created", "新建工单";
    reports_by_channel: "Per channel", "按渠道";
    reports_by_agent: "Per agent", "按客服";
    reports_col_replied: "Replied", "已回复";
    reports_col_solved: "Solved", "已解决";
    reports_col_fr_p50: "First reply, median", "首次回复中位数";
    reports_col_fr_p90: "First reply, p90", "首次回复 P90";
    reports_col_fr_b_p50: "First reply, median (business hours)", "首次回复中位数（工作时间）";
    reports_col_fr_b_p90: "First reply, p90 (business hours)", "首次回复 P90（工作时间）";
    reports_col_res_p50: "Resolution, median", "解决时长中位数";
    reports_col_res_p90: "Resolution, p90", "解决时长 P90";
    reports_col_res_b_p50: "Resolution, median (business hours)", "解决时长中位数（工作时间）";
    reports_col_res_b_p90: "Resolution, p90 (business hours)", "解决时长 P90（工作时间）";
    reports_sla_title: "SLA compliance", "SLA 达成率";
    reports_col_fr_met: "First reply met", "首次回复达标";
    reports_col_fr_missed: "First reply missed", "首次回复超时";
    reports_col_fr_sla: "First reply SLA met", "首次回复 SLA 达成率";
    reports_col_res_met: "Resolution met", "解决达标";
    reports_col_res_missed: "Resolution missed", "解决超时";
    reports_col_res_sla: "Resolution SLA met", "解决 SLA 达成率";
    reports_service_note: "Tickets created in the range. Calendar hours count every hour; business hours count only the shop's opening hours (its business calendar).", "统计范围内创建的工单。自然时长计算所有小时；工作时长只计算店铺营业时间（营业日历）。";
    reports_csat_per_day: "Rated good per day (%)", "每日好评率（%）";
    reports_col_sent: "Surveys sent", "已发送调查";
    reports_col_responses: "Responses", "回复数";
    reports_col_good: "Good", "好评";
    reports_col_good_share: "Rated good", "好评率";
    reports_comments: "Recent comments", "最新评论";
    reports_col_when: "Answered", "回复时间";
    reports_col_ticket: "Ticket", "工单";
    reports_col_rating: "Rating", "评价";
    reports_col_comment: "Comment", "评论";
    reports_rating_good: "Good", "满意";
    reports_rating_bad: "Bad", "不满意";
    reports_bot_summary: "What the bot did", "机器人处理结果";
    reports_bot_per_day: "Deflected tickets per day", "每日机器人独立解决工单";
    reports_col_answered: "Answered", "已回答";
    reports_col_handed_off: "Handed off", "转人工";
    reports_col_deflected: "Deflected", "独立解决";
    reports_col_deflection_rate: "Deflection rate", "独立解决率";
    reports_bot_note: "Tickets the bot first looked at in the range. Deflected: answered, and no agent replied or took it over afterwards.", "范围内机器人首次处理的工单。独立解决：机器人已回答，且之后没有客服回复或接手。";
    // Alerts (spikes, stuck shipments) and Settings → Alerts
    nav_alerts: "Alerts", "警报";
    settings_alerts: "Alerts", "警报";
    alerts_lead: "Spikes in complaints or returns against their usual level, and shipments that stopped moving.", "投诉或退货相对平常水平的激增，以及停滞不前的物流。";
    alerts_none: "No alerts yet.", "暂无警报。";
    alerts_col_alert: "Alert", "警报";
    alerts_col_figures: "Figures", "数据";
    alerts_col_state: "State", "状态";
    alerts_acknowledge: "Acknowledge", "确认";
    alerts_acknowledged_by: "Acknowledged by {}", "已由 {} 确认";
    alert_kind_return_spike_sku: "Return spike (SKU)", "退货激增（SKU）";
    alert_kind_complaint_spike_sku: "Complaint spike (SKU)", "投诉激增（SKU）";
    alert_kind_complaint_spike_channel: "Complaint spike (channel)", "投诉激增（渠道）";
    alert_kind_shipment_stuck: "Shipment not moving", "物流停滞";
    alert_kind_customs_stuck: "Stuck in customs", "清关滞留";
    alert_fig_returns_sku: "SKU {}: {} returns today, baseline {}/day", "SKU {}：今日退货 {} 件，基线 {}/天";
    alert_fig_complaints_sku: "SKU {}: {} complaints today, baseline {}/day", "SKU {}：今日投诉 {} 个，基线 {}/天";
    alert_fig_complaints_channel: "Channel {}: {} complaints today, baseline {}/day", "渠道 {}：今日投诉 {} 个，基线 {}/天";
    alert_fig_shipment: "Order {}: no tracking update for {} days", "订单 {}：{} 天没有物流更新";
    alert_fig_customs: "Order {}: in customs for {} days", "订单 {}：清关已 {} 天";
    alerts_mail_title: "Alert emails", "警报邮件";
    alerts_mail_none: "No alert emails yet.", "暂无警报邮件。";
    mail_state_not_configured: "waiting: no SMTP server configured", "等待中：未配置 SMTP 服务器";
    as_lead: "Which alerts are on, their thresholds, and who hears about them and how.", "启用哪些警报、阈值，以及通知谁、如何通知。";
    as_spikes_title: "Complaint and return spikes", "投诉和退货激增";
    as_spikes_enabled: "Alert on spikes per SKU and per channel", "按 SKU 和渠道在激增时发出警报";
    as_min_count: "Minimum count in a day", "单日最少数量";
    as_min_count_help: "A SKU or channel with no history needs at least this many.", "没有历史记录的 SKU 或渠道至少需要达到这个数量。";
    as_factor: "Factor over the 28-day baseline", "相对 28 天基线的倍数";
    as_factor_help: "The last 24 hours against the same SKU's or channel's daily mean over the previous 28 days, e.g. 2.0.", "过去 24 小时与同一 SKU 或渠道此前 28 天的日均值相比，例如 2.0。";
    as_shipments_title: "Stuck shipments", "物流停滞";
    as_shipments_enabled: "Open a proactive ticket when a shipment stops moving", "物流停滞时主动创建工单";
    as_stale_days: "Days without a tracking update", "无物流更新的天数";
    as_customs_days: "Days in customs", "清关的天数";
    as_delivery_title: "Who hears about alerts, and how", "通知谁、如何通知";
    as_notify_in_app: "In-app notification", "应用内通知";
    as_notify_email: "Email", "电子邮件";
    as_recipients: "Recipients", "接收人";
    as_recipients_help: "Nobody chosen: every owner and admin.", "未选择任何人时：所有所有者和管理员。";
    as_saved: "Alert settings saved.", "警报设置已保存。";
    as_err_min_count: "Enter a whole number from 1 to 10000.", "请输入 1 到 10000 之间的整数。";
    as_err_factor: "Enter a number from 1 to 100, e.g. 2 or 2.5.", "请输入 1 到 100 之间的数字，例如 2 或 2.5。";
    as_err_days: "Enter a whole number of days from 1 to 90.", "请输入 1 到 90 之间的整天数。";
    as_err_delivery: "While an alert is on, choose in-app notification, email or both.", "启用警报时，请选择应用内通知、电子邮件或两者。";
    as_err_recipient: "Choose active people of this shop.", "请选择本店铺的在职人员。";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_string_is_translated() {
        // Brand names and placeholders may match; anything else identical is an untranslated copy.
        let allowed_same = ["app_name", "col_number", "channel_kind_ebay"];
        for (key, en, zh) in all_pairs() {
            assert!(!en.is_empty() && !zh.is_empty(), "{key} is empty");
            if !allowed_same.contains(&key) {
                assert_ne!(en, zh, "{key} is not translated");
            }
            assert_eq!(
                en.matches("{}").count(),
                zh.matches("{}").count(),
                "{key}: placeholders differ"
            );
        }
    }
}
