//! The returns and refunds pages' words, in English and Simplified Chinese. Kept beside the
//! pages (the same `strings!` shape as `crate::i18n`: a missing translation does not compile).

use aftersail_domain::UiLocale;

macro_rules! strings {
    ($($key:ident: $en:expr, $zh:expr;)*) => {
        pub struct Rt { $(pub $key: &'static str,)* }
        pub static EN: Rt = Rt { $($key: $en,)* };
        pub static ZH: Rt = Rt { $($key: $zh,)* };
        #[cfg(test)]
        pub(crate) fn all_pairs() -> Vec<(&'static str, &'static str, &'static str)> {
            vec![$((stringify!($key), $en, $zh),)*]
        }
    };
}

pub fn rt(locale: UiLocale) -> &'static Rt {
    match locale {
        UiLocale::En => &EN,
        UiLocale::ZhCn => &ZH,
    }
}

impl Rt {
    /// The label of an RMA status, refund state, reason, resolution or event kind; unknown
    /// codes are shown as they are.
    pub fn code<'a>(&self, code: &'a str) -> &'a str {
        match code {
            "requested" => self.st_requested,
            "approved" => self.st_approved,
            "rejected" => self.st_rejected,
            "in_transit" => self.st_in_transit,
            "received" => self.st_received,
            "inspected" => self.st_inspected,
            "refunded" => self.st_refunded,
            "resolved" => self.st_resolved,
            "closed" => self.st_closed,
            "pending_review" => self.rf_pending,
            "issued" => self.rf_issued,
            "failed" => self.rf_failed,
            "changed_mind" => self.rs_changed_mind,
            "defective" => self.rs_defective,
            "damaged_in_transit" => self.rs_damaged,
            "wrong_item" => self.rs_wrong_item,
            "not_as_described" => self.rs_not_as_described,
            "too_small" => self.rs_too_small,
            "too_large" => self.rs_too_large,
            "arrived_late" => self.rs_arrived_late,
            "other" => self.rs_other,
            "refund" => self.res_refund,
            "exchange" => self.res_exchange,
            "repair" => self.res_repair,
            "store_credit" => self.res_store_credit,
            "partial_refund" => self.res_partial_refund,
            "decided" => self.ev_decided,
            "overridden" => self.ev_overridden,
            "label_issued" => self.ev_label_issued,
            "refund_requested" => self.ev_refund_requested,
            "refund_approved" => self.ev_refund_approved,
            "refund_rejected" => self.ev_refund_rejected,
            "refund_issued" => self.ev_refund_issued,
            "refund_failed" => self.ev_refund_failed,
            "note" => self.ev_note,
            other => other,
        }
    }

    /// The engine's reason code in words (the common ones); others as their code.
    pub fn reason<'a>(&self, code: &'a str) -> &'a str {
        match code {
            "within_window" => self.why_within_window,
            "outside_window" => self.why_outside_window,
            "no_change_of_mind_returns" => self.why_no_change_of_mind,
            "defect_under_warranty" => self.why_defect_under_warranty,
            "warranty_expired" => self.why_warranty_expired,
            "short_term_right_to_reject" => self.why_short_term_reject,
            "condition_not_met" => self.why_condition_not_met,
            "preferred_resolution_not_allowed" => self.why_preferred_not_allowed,
            "restocking_fee" => self.why_restocking_fee,
            "partial_refund_keep_item" => self.why_partial_keep,
            "refund_without_return_below" | "refund_without_return" => {
                self.why_refund_without_return
            }
            "cheapest_destination" => self.why_cheapest_destination,
            "no_warehouse_serves" => self.why_no_warehouse,
            "auto_approved_up_to" => self.why_auto_approved,
            "above_auto_approve_limit" => self.why_above_auto_limit,
            "no_auto_approve_limit" => self.why_no_auto_limit,
            "no_rule_matches" => self.why_no_rule,
            "abuse_flag" => self.why_abuse_flag,
            "no_delivery_date_used_order_date" => self.why_no_delivery_date,
            other => other,
        }
    }
}

strings! {
    st_requested: "Requested", "已申请";
    st_approved: "Approved", "已批准";
    st_rejected: "Rejected", "已拒绝";
    st_in_transit: "In transit", "退回途中";
    st_received: "Received", "已收货";
    st_inspected: "Inspected", "已检验";
    st_refunded: "Refunded", "已退款";
    st_resolved: "Resolved", "已解决";
    st_closed: "Closed", "已关闭";
    rf_pending: "Waiting for review", "待审核";
    rf_issued: "Issued", "已退款";
    rf_failed: "Failed", "失败";
    rs_changed_mind: "Changed mind", "不想要了";
    rs_defective: "Defective", "商品有缺陷";
    rs_damaged: "Damaged in transit", "运输途中损坏";
    rs_wrong_item: "Wrong item", "发错商品";
    rs_not_as_described: "Not as described", "与描述不符";
    rs_too_small: "Too small", "尺码偏小";
    rs_too_large: "Too large", "尺码偏大";
    rs_arrived_late: "Arrived late", "到货太晚";
    rs_other: "Other", "其他";
    res_refund: "Refund", "退款";
    res_exchange: "Exchange", "换货";
    res_repair: "Repair", "维修";
    res_store_credit: "Store credit", "店铺积分";
    res_partial_refund: "Partial refund (keep item)", "部分退款（保留商品）";
    ev_decided: "Decided", "已判定";
    ev_overridden: "Decision overridden", "已人工调整";
    ev_label_issued: "Return label issued", "已发退货面单";
    ev_refund_requested: "Refund proposed", "已提交退款";
    ev_refund_approved: "Refund approved", "退款已批准";
    ev_refund_rejected: "Refund rejected", "退款已拒绝";
    ev_refund_issued: "Refund issued", "退款已发放";
    ev_refund_failed: "Refund failed", "退款失败";
    ev_note: "Note", "备注";
    why_within_window: "Within the return window", "在退货期限内";
    why_outside_window: "Outside the return window", "已超过退货期限";
    why_no_change_of_mind: "Change-of-mind returns are not accepted", "不接受无理由退货";
    why_defect_under_warranty: "Defect under warranty", "保修期内的质量问题";
    why_warranty_expired: "Warranty expired", "已过保修期";
    why_short_term_reject: "Short-term right to reject a faulty item", "短期内可拒收有缺陷商品";
    why_condition_not_met: "The item's condition does not meet the policy", "商品状态不符合退货要求";
    why_preferred_not_allowed: "The buyer's preferred resolution is not allowed", "买家期望的处理方式不被允许";
    why_restocking_fee: "Restocking fee deducted", "已扣除重新上架费";
    why_partial_keep: "Partial refund, the buyer keeps the item", "部分退款，买家保留商品";
    why_refund_without_return: "Refund without return", "仅退款不退货";
    why_cheapest_destination: "Sent to the cheapest suitable warehouse", "退往成本最低的合适仓库";
    why_no_warehouse: "No warehouse serves this market", "没有仓库服务该市场";
    why_auto_approved: "Approved automatically (within the limit)", "在限额内自动批准";
    why_above_auto_limit: "Above the automatic approval limit", "超过自动批准限额";
    why_no_auto_limit: "No automatic approval for this currency", "该币种没有自动批准限额";
    why_no_rule: "No policy rule matches", "没有匹配的退货规则";
    why_abuse_flag: "Customer flagged for return abuse", "客户被标记为滥用退货";
    why_no_delivery_date: "No delivery date: counted from the order date", "无签收日期：按下单日期计算";

    refunds_link: "Refunds", "退款";
    filter_any: "Any", "全部";
    filter_status: "Status", "状态";
    filter_reason: "Reason", "原因";
    filter_channel: "Channel", "渠道";
    filter_resolution: "Resolution", "处理方式";
    filter_from: "Created from", "创建起始";
    filter_to: "Created to", "创建截止";
    filter_text: "RMA code, order or customer", "RMA 编号、订单号或客户";
    filter_apply: "Filter", "筛选";
    filter_all: "All", "全部";
    next_page: "Older", "更早";
    bad_filter: "Unknown filter value: {}", "未知的筛选值：{}";
    col_refund: "Refund", "退款金额";
    col_age: "Age", "时长";
    age_days: "{} d", "{} 天";
    age_hours: "{} h", "{} 小时";

    rma_items: "Items", "商品";
    col_sku: "SKU", "SKU";
    col_title: "Title", "名称";
    col_qty: "Qty", "数量";
    col_price: "Price", "单价";
    rma_photos: "Photos", "照片";
    rma_decision: "Policy decision", "政策判定";
    rma_eligible: "Eligible", "符合退货条件";
    rma_not_eligible: "Not eligible", "不符合退货条件";
    rma_auto: "Auto-approved", "自动批准";
    rma_rule: "Rule", "规则";
    rma_no_decision: "No decision recorded.", "没有判定记录。";
    rma_destination: "Return to", "退回地址";
    rma_timeline: "Timeline", "时间线";
    rma_internal: "Internal", "内部";
    rma_order: "Order", "订单";
    rma_ticket: "Ticket", "工单";
    rma_customer: "Customer", "客户";
    rma_label: "Return label", "退货面单";
    rma_refund: "Refund", "退款";
    rma_actions: "Actions", "操作";
    act_approve: "Approve", "批准";
    act_reject: "Reject", "拒绝";
    act_override: "Override decision", "人工调整";
    act_note: "Add internal note", "添加内部备注";
    act_label: "Save label", "保存面单";
    act_in_transit: "Mark in transit", "标记为退回途中";
    act_received: "Mark received", "标记为已收货";
    act_inspected: "Mark inspected", "标记为已检验";
    act_resolve: "Resolve", "完成处理";
    act_close: "Close", "关闭";
    act_manual_refund: "Mark as refunded manually", "标记为已手动退款";
    field_note: "Note", "备注";
    field_amount: "Refund amount", "退款金额";
    field_carrier: "Carrier", "承运商";
    field_tracking: "Tracking number", "运单号";
    field_label_url: "Label URL (https)", "面单链接（https）";
    cond_ok: "Condition OK", "状态良好";
    cond_not_ok: "Condition not OK", "状态有问题";
    err_note_required: "A note is required.", "必须填写备注。";
    err_marketplace: "{} did not take the answer, so nothing changed here: {}", "{} 未接受此答复，此处未做任何更改：{}";
    err_marketplace_timeout: "{} did not answer in time, so nothing changed here. Try again.", "{} 未及时响应，此处未做任何更改。请重试。";
    marketplace_source: "Opened on {} as return {}", "在 {} 上发起，退货编号 {}";
    err_amount: "Enter the refund amount as a number such as 12.50.", "请输入退款金额，例如 12.50。";
    err_label: "Carrier and tracking number are required; the label URL must start with https://.", "承运商和运单号必填；面单链接必须以 https:// 开头。";
    err_state: "This return is {} now; that action is not possible. Reload the page.", "该退货当前状态为「{}」，无法执行此操作。请刷新页面。";
    err_refund_exists: "This return already has a refund in progress.", "该退货已有进行中的退款。";
    err_no_refund_amount: "This return has no refund amount; override the decision first.", "该退货没有退款金额，请先人工调整。";
    err_not_failed: "Only a failed refund can be marked as refunded manually.", "只有失败的退款才能标记为手动退款。";
    replacement_task: "Replacement order task created", "已创建补发订单任务";
    back_to_returns: "Back to returns", "返回退货列表";

    refunds_title: "Refunds", "退款";
    refunds_lead: "Review proposed refunds; approved ones are issued on the platform.", "审核待退款项；批准后将在平台上发放。";
    refunds_empty: "Nothing here.", "暂无内容。";
    tab_pending: "To review", "待审核";
    tab_approved: "Approved", "已批准";
    tab_issued: "Issued", "已发放";
    tab_failed: "Failed", "失败";
    col_select: "Select", "选择";
    col_amount: "Amount", "金额";
    col_error: "Error", "错误";
    col_waiting: "Waiting", "等待时长";
    approve_selected: "Approve selected", "批准所选";
    reject_selected: "Reject selected", "拒绝所选";
    err_none_selected: "Select at least one refund.", "请至少选择一笔退款。";
    err_stale: "Some of the selected refunds were already decided by someone else; nothing was changed. Reload and try again.", "所选退款中有的已被他人处理，未做任何更改。请刷新后重试。";
    overdue: "Over 2 days", "超过 2 天";
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_string_is_translated() {
        for (key, en, zh) in super::all_pairs() {
            assert!(!en.is_empty() && !zh.is_empty(), "{key}");
            assert_eq!(en.matches("{}").count(), zh.matches("{}").count(), "{key}");
        }
    }
}
