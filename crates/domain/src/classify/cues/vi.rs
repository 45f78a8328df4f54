//! Vietnamese. Tones are folded away ("hoàn tiền" = "hoan tien", as buyers often type), which
//! makes single syllables ambiguous ("đợi" wait = "đổi" exchange = "doi"), so cues are phrases.

use super::Lexicon;
use super::Tag::*;
use crate::classify::Escalation::*;

pub(crate) const LEXICON: Lexicon = Lexicon {
    lang: "vi",
    markers: &[
        "tôi", "mình", "không", "chưa", "đã", "hàng", "đơn", "của", "là", "và", "được",
        "shop", "bạn", "giao", "nhận", "em", "anh", "chị", "ơi", "rồi", "này", "cho", "với",
        "có", "gì", "sao", "bao", "giờ", "lại", "nhé", "nha", "một", "nhưng", "đến", "từ",
        "về", "hỏi", "xin", "cảm", "ơn", "mà", "thì", "sẽ", "vậy", "lúc", "nào", "tiền",
        "sản", "phẩm", "bị", "cái", "vui", "lòng", "đặt", "ạ", "ko", "k", "muốn", "trả",
    ],
    negators: &["không", "chưa", "chẳng", "ko", "k", "khg", "kh", "hok", "hông", "chả"],
    intents: &[
        // Where is the order? (chưa nhận được = not yet: a status question)
        ("đơn_hàng|đơn|hàng|gói_hàng|kiện_hàng|bưu_kiện .. đâu_rồi|ở_đâu|đến_đâu|tới_đâu", OrderStatus, 2.5),
        ("khi_nào|bao_giờ|lúc_nào|mấy_ngày|bao_lâu .. giao|nhận|tới|đến|ship|gửi|về", OrderStatus, 2.5),
        ("mã_vận_đơn|mã_vận_chuyển|vận_đơn|mã_theo_dõi|theo_dõi_đơn|tra_cứu_đơn|kiểm_tra_đơn|tình_trạng_đơn|trạng_thái_đơn|mã_đơn_hàng|tracking", OrderStatus, 2.5),
        ("chưa .. nhận_được|nhận|giao|tới|đến|gửi|ship|thấy_hàng|về", OrderStatus, 2.0),
        ("giao_chậm|chậm_quá|trễ|bị_delay|delay|đang_vận_chuyển|đang_giao|hải_quan|không_cập_nhật", OrderStatus, 1.5),
        ("lâu_quá|lâu_vậy|sao_lâu", OrderStatus, 0.8),
        ("gửi_lại|giao_lại|ship_lại|chuyển_hoàn|hoàn_về_shop", OrderStatus, 2.0),
        ("đã_gửi_chưa|đã_giao_chưa|gửi_chưa|giao_chưa|ship_chưa|gửi_hàng_chưa|đã_ship_chưa", OrderStatus, 2.5),
        ("shipper|giao_hàng_nhanh|giao_hàng_tiết_kiệm|viettel_post|bưu_điện", OrderStatus, 0.6),

        // Marked delivered but not here; lost.
        ("báo|hiện|ghi|hệ_thống|trạng_thái .. đã_giao|giao_thành_công|đã_nhận|giao_hàng_thành_công", NotReceived, 2.0),
        ("đã_giao|giao_thành_công|giao_hàng_thành_công .. nhưng|mà|không|chưa|ko", NotReceived, 2.5),
        ("không_nhận_được|ko_nhận_được|k_nhận_được|không_có_nhận", NotReceived, 1.0),
        ("không_nhận_được|ko_nhận_được|k_nhận_được|không_có_nhận", OrderStatus, 1.2),
        ("chưa_từng_nhận|không_hề_nhận", NotReceived, 2.5),
        ("mất_hàng|thất_lạc|bị_mất|làm_mất|mất_đơn|bị_trộm|bị_lấy_mất", NotReceived, 2.5),
        ("hộp_rỗng|thùng_rỗng|hộp_trống|không_có_gì_bên_trong|bên_trong_không_có", NotReceived, 2.0),
        ("giao_nhầm_địa_chỉ|giao_nhầm_người|người_khác_nhận|giao_cho_người_khác", NotReceived, 3.0),
        ("thiếu_hàng|giao_thiếu|thiếu_sản_phẩm|thiếu_món|thiếu_một|thiếu_1", NotReceived, 2.5),

        // Returns.
        ("trả_hàng|trả_lại|hoàn_hàng|trả_sản_phẩm|hoàn_trả|đổi_trả|gửi_trả", ReturnRequest, 2.5),
        ("muốn_trả|cách_trả|làm_sao_trả|làm_sao_để_trả|trả_như_thế_nào|đổi_như_thế_nào", ReturnRequest, 1.0),
        ("đổi_hàng|đổi_size|đổi_màu|đổi_sang|đổi_cái_khác|đổi_mới|gửi_cái_mới|thay_thế|đổi_sản_phẩm", Remedy, 1.5),
        ("hoàn_tiền|hoàn_lại_tiền|trả_lại_tiền|lấy_lại_tiền|refund", Remedy, 2.0),
        ("không_vừa|ko_vừa|nhỏ_quá|to_quá|rộng_quá|chật_quá|bị_chật|bị_rộng", ReturnRequest, 1.5),
        ("không_thích|ko_thích|không_giống_hình|không_giống_ảnh|khác_hình|khác_ảnh|không_như_mô_tả|không_giống_mô_tả|đổi_ý", ReturnRequest, 1.5),

        // Where is the refund?
        ("hoàn_tiền|tiền_hoàn|tiền .. khi_nào|bao_giờ|chưa|chưa_nhận|chưa_về|chưa_thấy|đâu_rồi|lâu_vậy|bao_lâu", RefundStatus, 3.0),
        ("tiền|tiền_hoàn .. về", RefundStatus, 2.0),
        ("khi_nào|bao_giờ|bao_lâu .. hoàn_tiền|nhận_được_tiền|tiền_về|trả_tiền", RefundStatus, 2.5),
        ("chưa_nhận_được_tiền|chưa_thấy_tiền|chưa_được_hoàn_tiền|chưa_hoàn_tiền|tiền_chưa_về|chưa_nhận_tiền", RefundStatus, 3.0),
        ("đã_trả_hàng|đã_gửi_trả|đã_hoàn_hàng|shop_đã_nhận_hàng_hoàn", RefundStatus, 1.5),

        // Broken, defective.
        ("bị_hư|bị_hỏng|hư_rồi|hỏng_rồi|hư_hỏng|bị_vỡ|vỡ_rồi|bể_rồi|bị_bể|vỡ_nát|bị_nứt|móp_méo|bị_móp|trầy_xước|bị_trầy|bị_xước|bị_rách|rách_rồi|bị_thủng|rò_rỉ|chảy_nước|hết_hạn|bị_lỗi|hàng_lỗi|sản_phẩm_lỗi|lỗi_sản_phẩm|không_hoạt_động|ko_hoạt_động|không_chạy|không_lên|không_sạc|ko_sạc|không_sáng|không_kêu|không_có_tiếng|mất_tiếng|không_kết_nối|không_dùng_được|ko_dùng_được|dùng_không_được|không_xài_được", DamagedDefective, 2.5),
        ("nhận_được|nhận|giao_tới|mở_ra|mở_hộp .. bị|vỡ|hỏng|hư|móp|rách|xước|lỗi", DamagedDefective, 1.5),
        ("thiếu .. phụ_kiện|linh_kiện|ốc|sạc|dây|cáp|hướng_dẫn|pin|nắp|chi_tiết", DamagedDefective, 2.0),
        ("bảo_hành|sửa_chữa", DamagedDefective, 1.0),
        ("hàng_cũ|đã_qua_sử_dụng|đã_sử_dụng|hàng_đã_mở", DamagedDefective, 1.5),
        ("quá_nóng|nóng_lên|kêu_to|tiếng_ồn|chập_chờn|tự_tắt|báo_lỗi", DamagedDefective, 1.5),
        ("chất_lượng_kém|kém_chất_lượng|chất_lượng_tệ|hàng_kém|hàng_dỏm", DamagedDefective, 1.2),

        // Wrong item.
        ("giao_sai|gửi_sai|ship_sai|sai_hàng|sai_màu|sai_size|sai_mẫu|sai_sản_phẩm|sai_phân_loại|nhầm_hàng|nhầm_màu|nhầm_size|giao_nhầm|gửi_nhầm|không_đúng_màu|không_đúng_size|không_đúng_mẫu|không_đúng_hàng|không_phải_hàng_mình_đặt|không_đúng_đơn|khác_màu|khác_mẫu", WrongItem, 3.0),
        ("~đặt|mua|order .. mà|nhưng .. giao|gửi|nhận|nhận_được", WrongItem, 2.0),
        ("thay_vì", WrongItem, 1.0),

        // Cancel.
        ("hủy_đơn|huỷ_đơn|hủy_giúp|huỷ_giúp|hủy_hộ|huỷ_hộ|muốn_hủy|muốn_huỷ|cho_mình_hủy|cho_em_hủy|hủy_đơn_hàng", CancelOrder, 3.0),
        ("hủy|huỷ|cancel", CancelOrder, 2.0),
        ("đặt_nhầm|đặt_lộn|đặt_trùng|đặt_2_lần|đặt_hai_lần|lỡ_đặt|bấm_nhầm", CancelOrder, 2.0),
        ("đừng_gửi|đừng_giao|không_gửi_nữa|ko_gửi_nữa|không_cần_nữa|ko_cần_nữa|không_mua_nữa|không_lấy_nữa|ko_lấy_nữa", CancelOrder, 2.0),

        // Address.
        ("đổi|thay_đổi|sửa|cập_nhật .. địa_chỉ|số_điện_thoại|sđt", ChangeAddress, 3.0),
        ("địa_chỉ .. sai|nhầm|mới|cũ|khác|thay_đổi", ChangeAddress, 2.0),
        ("địa_chỉ_mới|chuyển_nhà|đổi_địa_chỉ|giao_tới_địa_chỉ_khác", ChangeAddress, 2.0),
        ("địa_chỉ", ChangeAddress, 0.5),

        // Product questions.
        ("có_dùng_được|dùng_được_cho|dùng_được_không|có_vừa|tương_thích|hợp_với|có_hỗ_trợ|dùng_cho", ProductQuestion, 2.0),
        ("cách_dùng|cách_sử_dụng|hướng_dẫn_sử_dụng|cách_cài|cách_kết_nối|cách_sạc|làm_sao_để|làm_thế_nào|cách_lắp", ProductQuestion, 2.0),
        ("kích_thước|size_nào|bảng_size|cân_nặng|chất_liệu|thành_phần|thông_số|dung_lượng|điện_áp|chống_nước|còn_hàng|có_sẵn|hết_hàng|bao_gồm|có_kèm|khác_nhau|màu_nào|mấy_màu", ProductQuestion, 1.5),
        ("cho_mình_hỏi|cho_em_hỏi|cho_hỏi|xin_hỏi|hỏi_chút|tư_vấn|muốn_mua", ProductQuestion, 0.8),
        ("có .. không|ko|k|hông|hok", ProductQuestion, 1.0),
        ("còn|có .. size|màu|mẫu", ProductQuestion, 1.5),

        // Invoice.
        ("hóa_đơn|hoá_đơn|hóa_đơn_đỏ|hóa_đơn_vat|xuất_hóa_đơn|mã_số_thuế|biên_lai|phiếu_thu", InvoiceRequest, 3.0),
        ("vat", InvoiceRequest, 1.5),

        // Complaints.
        ("quá_tệ|tệ_quá|rất_tệ|tệ_hại|lừa_đảo|đồ_lừa|gian_lận|vô_trách_nhiệm|thái_độ_kém|thái_độ_tệ|không_chuyên_nghiệp|thất_vọng|bực_mình|kinh_khủng|không_bao_giờ_mua|không_mua_lại|ko_mua_nữa|không_quay_lại", Complaint, 1.2),
        ("khiếu_nại|phàn_nàn", Complaint, 2.5),
        ("không_trả_lời|ko_trả_lời|k_trả_lời|không_rep|ko_rep|không_phản_hồi|ko_phản_hồi|không_ai_trả_lời|seen_không_rep", Complaint, 1.8),
        ("hàng_giả|hàng_fake|hàng_nhái", Complaint, 1.5),
        ("nhiều_lần|mấy_lần_rồi|hỏi_mãi", Complaint, 1.2),

        // Thanks, all good.
        ("cảm_ơn|cám_ơn|thanks|tks|camon", Other, 0.6),
        ("nhận_được_hàng|đã_nhận|nhận_hàng_rồi|đã_nhận_được .. rồi|ạ|cảm_ơn|tốt|đẹp|ok", Other, 1.5),
        ("ok_rồi|được_rồi|xong_rồi|giải_quyết_rồi|không_sao|hết_lỗi|dùng_được_rồi|tìm_thấy_rồi", Other, 2.0),
        ("rất_tốt|rất_đẹp|hài_lòng|thích_lắm|tuyệt_vời|xuất_sắc|chất_lượng_tốt|5_sao|năm_sao", Other, 0.8),
    ],
    sentiment: &[
        ("quá_tệ|tệ_quá|rất_tệ|tệ_hại|lừa_đảo|kinh_khủng|vô_trách_nhiệm|gian_lận", -2.0),
        ("thất_vọng|bực_mình|tức_giận|không_hài_lòng|ko_hài_lòng|chán_quá|không_bao_giờ", -1.5),
        ("đáng_tiếc|tiếc_quá", -0.6),
        ("đã|hơn|gần .. # ngày|tuần|tháng", -1.0),
        ("# ngày|tuần|tháng .. rồi|mà_vẫn|vẫn_chưa", -1.0),
        ("vẫn_chưa|mãi_chưa|chờ_mãi|đợi_mãi|lâu_quá|sao_lâu|lâu_vậy|chậm_quá", -1.0),
        ("gấp|nhanh_lên|khẩn", -0.4),
        ("cảm_ơn|cám_ơn|tks|thanks", 0.5),
        ("tuyệt_vời|xuất_sắc|rất_tốt|rất_đẹp", 1.2),
        ("hài_lòng|thích_lắm|vui_lắm|ưng_ý", 1.0),
        ("nhiệt_tình|dễ_thương|giao_nhanh", 0.5),
        ("5_sao|năm_sao|đánh_giá_tốt", 1.0),
    ],
    escalations: &[
        ("khiếu_nại .. shopee|lazada|tiki|sàn|tiktok", Claim),
        ("báo_cáo_shop|báo_cáo_với_shopee|báo_shopee|report_shop|tố_cáo_shop|khiếu_nại_lên_sàn|khiếu_nại_với_shopee|khiếu_nại_lên_shopee|mở_tranh_chấp|tranh_chấp", Claim),
        ("ngân_hàng .. hoàn|khiếu_nại|tra_soát|chặn", Chargeback),
        ("tra_soát|hủy_giao_dịch_thẻ", Chargeback),
        ("đánh_giá .. 1_sao|một_sao|tệ|xấu|thấp|kém", BadReview),
        ("1_sao|một_sao|đánh_giá_1|vote_1|cho_1_sao|đánh_giá_xấu|đánh_giá_tệ|bóc_phốt|lên_facebook|đăng_facebook|đăng_lên_mạng|cảnh_báo_mọi_người", BadReview),
        ("luật_sư|khởi_kiện|kiện_shop|đi_kiện|sẽ_kiện|kiện_ra_tòa|tòa_án|công_an|báo_công_an|cảnh_sát|pháp_luật|pháp_lý|bảo_vệ_người_tiêu_dùng|hội_bảo_vệ|quản_lý_thị_trường", Legal),
        ("bị_cháy|bốc_cháy|cháy_nổ|cháy_rồi|chập_cháy|phát_nổ|bị_nổ|nổ_tung|bốc_khói|có_khói|ra_khói|giật_điện|bị_giật|điện_giật|chập_điện|quá_nhiệt|bị_bỏng|bị_thương|chảy_máu|dị_ứng|nguy_hiểm|độc_hại|bệnh_viện", Safety),
    ],
};
