//! Indonesian (and close enough for Malay), with marketplace chat forms: "kak", "gan", "min",
//! "gak/ga/nggak", "udah", "resi", "retur".

use super::Lexicon;
use super::Tag::*;
use crate::classify::Escalation::*;

pub(crate) const LEXICON: Lexicon = Lexicon {
    lang: "id",
    markers: &[
        "saya", "aku", "yang", "tidak", "tdk", "belum", "blm", "sudah", "udah", "sdh", "barang",
        "pesanan", "paket", "kak", "kakak", "gan", "min", "sis", "dan", "ini", "itu", "tolong",
        "kapan", "mana", "terima", "kasih", "kok", "ya", "dong", "deh", "sih", "nya", "di",
        "ke", "dari", "untuk", "dengan", "ada", "bisa", "mau", "mohon", "karena", "tapi",
        "jadi", "juga", "sampai", "kenapa", "gimana", "bagaimana", "apa", "sama", "lagi",
        "toko", "nggak", "gak", "ga", "enggak", "kalau", "kalo", "hari", "minggu", "makasih",
        "dikirim", "pengiriman", "resi", "warna", "ukuran",
    ],
    negators: &[
        "tidak", "tdk", "tak", "nggak", "ngga", "gak", "ga", "enggak", "engga", "belum", "blm",
        "bukan", "tanpa", "jangan", "gk", "g",
    ],
    intents: &[
        // Where is the order? (belum sampai = not yet: a status question)
        ("pesanan|paket|barang|orderan|pesananku|paketku|barangku|order .. dimana|di_mana|sampai_mana|sampe_mana|kemana|ke_mana", OrderStatus, 2.5),
        ("kapan .. sampai|sampe|datang|dateng|dikirim|kirim|tiba|diterima|nyampe|nyampai", OrderStatus, 2.5),
        ("resi|nomor_resi|no_resi|noresi|lacak|melacak|tracking|status_pesanan|status_pengiriman|cek_resi|cek_paket", OrderStatus, 2.5),
        ("belum|blm .. sampai|sampe|datang|dateng|tiba|dikirim|diterima|nyampe|terima|dapat|dapet", OrderStatus, 2.0),
        ("sudah|udah|sdh .. dikirim|kirim|dikirimkan", OrderStatus, 1.5),
        ("lama_banget|lama_sekali|kok_lama|lambat|telat|terlambat|tertahan|nyangkut|tidak_bergerak|gak_gerak|ga_gerak|stuck|bea_cukai|transit", OrderStatus, 1.5),
        ("retur_ke_pengirim|dikembalikan_ke_pengirim|kirim_ulang|dikirim_ulang|kirim_lagi", OrderStatus, 2.0),
        ("kenapa .. dibatalkan|dicancel", OrderStatus, 2.0),
        ("kurir|jne|j_t|sicepat|anteraja|ninja|spx|jnt", OrderStatus, 0.6),

        // Marked delivered but not here; lost.
        ("status|tertulis|katanya|di_aplikasi|resi .. terkirim|diterima|sudah_sampai|delivered|sudah_diterima", NotReceived, 2.0),
        ("terkirim|sudah_diterima|delivered .. tapi|tetapi|padahal|belum|tidak|nggak|gak|ga", NotReceived, 2.5),
        ("tidak_menerima|tidak_terima|gak_terima|ga_terima|nggak_terima", NotReceived, 1.0),
        ("tidak_menerima|tidak_terima|gak_terima|ga_terima|nggak_terima|tidak_sampai|gak_sampe|ga_sampe|nggak_nyampe", OrderStatus, 1.2),
        ("tidak_pernah_terima|gak_pernah_nyampe|gak_pernah_sampai|tidak_pernah_sampai", NotReceived, 2.5),
        ("hilang|raib|dicuri|kecurian|lenyap", NotReceived, 2.5),
        ("kotak_kosong|paket_kosong|isinya_kosong|dus_kosong", NotReceived, 2.0),
        ("salah_kirim_alamat|diterima_orang_lain|dikirim_ke_orang_lain", NotReceived, 3.0),
        ("barang_kurang|jumlah_kurang|kurang_satu|kurang_1", NotReceived, 1.5),

        // Returns.
        ("retur|return|kembalikan|mengembalikan|pengembalian_barang|balikin_barang|ajukan_retur|cara_retur|bisa_retur|mau_retur", ReturnRequest, 2.5),
        ("tukar|ganti|tukar_barang|ganti_barang|ganti_baru|tukar_ukuran|tukar_warna|tukar_size", Remedy, 1.5),
        ("refund", Remedy, 1.0),
        ("pengembalian_dana|uang_kembali|balikin_uang|kembalikan_uang|minta_refund|mau_refund|dana_kembali|balikin_duit|uangku", Remedy, 2.0),
        ("kekecilan|kebesaran|kesempitan|kelonggaran|tidak_muat|gak_muat|ga_muat|nggak_muat|ukuran_lain|warna_lain|size_lain", ReturnRequest, 1.5),
        ("tidak_suka|gak_suka|ga_suka|nggak_suka|tidak_sesuai_foto|tidak_sesuai_gambar|tidak_sesuai_deskripsi|beda_dengan_foto|beda_sama_gambar|berubah_pikiran", ReturnRequest, 1.5),
        ("tidak_sesuai|gak_sesuai|ga_sesuai|nggak_sesuai", ReturnRequest, 1.0),

        // Where is the refund?
        ("refund|dana|uang|pengembalian_dana .. kapan|belum|blm|masuk|cair|status|sampai_kapan|lama", RefundStatus, 2.5),
        ("kapan .. refund|dana|uang|pengembalian_dana|dikembalikan", RefundStatus, 2.5),
        ("belum|blm .. dapat|terima|masuk|cair .. refund|dana|uang", RefundStatus, 3.0),
        ("refund|dana|uang .. belum|blm .. masuk|cair|diterima|kembali|dikembalikan", RefundStatus, 3.0),
        ("sudah_retur|sudah_dikembalikan|sudah_kirim_balik|barang_sudah_sampai_di_seller", RefundStatus, 1.5),

        // Broken, defective.
        ("rusak|pecah|retak|patah|penyok|lecet|sobek|robek|bocor|cacat|berjamur|karatan|kadaluarsa|kedaluwarsa|expired|mati_total|rusak_parah|tidak_berfungsi|gak_berfungsi|ga_berfungsi|nggak_berfungsi|tidak_nyala|gak_nyala|ga_nyala|nggak_nyala|tidak_bisa_dicas|gak_bisa_dicas|tidak_bisa_dipakai|gak_bisa_dipake|ga_bisa_dipake|tidak_ada_suara|gak_ada_suara|tidak_bunyi|gak_bunyi|ga_bunyi", DamagedDefective, 2.5),
        ("mati|error|eror", DamagedDefective, 1.5),
        ("!berfungsi|nyala|menyala|jalan|bunyi|bisa_dipakai|bisa_dipake|bisa_dicas|ngecas|konek|connect", DamagedDefective, 2.0),
        ("datang|sampai|sampe|diterima|dateng|nyampe .. rusak|pecah|penyok|retak|patah|sobek|bocor|cacat", DamagedDefective, 3.0),
        ("kardus|dus|kotak|paket|packing|bungkus .. rusak|penyok|sobek|basah|hancur|terbuka", DamagedDefective, 2.0),
        ("kurang|tidak_ada|gak_ada|ga_ada .. aksesoris|sparepart|baut|charger|kabel|manual|buku_panduan|remote|tutup|baterai", DamagedDefective, 2.0),
        ("garansi|servis|perbaiki|diperbaiki", DamagedDefective, 1.0),
        ("bekas|second|sudah_dipakai|bekas_pakai|sudah_dibuka", DamagedDefective, 1.5),
        ("panas|kepanasan|berisik|bunyi_aneh|kedip|kedap_kedip|mati_sendiri|restart_sendiri|nge_hang", DamagedDefective, 1.5),
        ("kualitas_jelek|kualitas_buruk|abal_abal", DamagedDefective, 1.2),

        // Wrong item.
        ("salah .. kirim|barang|warna|ukuran|size|model|tipe|varian|produk|pesanan|item|ukurannya|warnanya", WrongItem, 3.0),
        ("ukuran|ukurannya|warna|warnanya|barang|barangnya|size|model|varian|tipe .. salah|beda|keliru", WrongItem, 2.5),
        ("tidak_sesuai_pesanan|gak_sesuai_pesanan|ga_sesuai_pesanan|nggak_sesuai_pesanan|tidak_sesuai_orderan|beda_dengan_pesanan|bukan_yang_saya_pesan|bukan_yang_aku_pesan|bukan_pesanan_saya|barang_beda|warna_beda|ukuran_beda|tertukar|ketuker", WrongItem, 3.0),
        ("~pesan|beli|order|pesannya .. tapi|tp|malah .. datang|dikirim|dateng|yang_datang|dapat|dapet", WrongItem, 2.5),
        ("bukannya|malah", WrongItem, 0.8),
        ("~pesan|beli|order|pesannya|belinya .. yang_datang|datangnya|dikirim|dikirimnya|dapatnya|dapetnya|yang_dikirim", WrongItem, 2.0),

        // Cancel.
        ("batal|batalkan|batalin|pembatalan|cancel|membatalkan|cancel_pesanan", CancelOrder, 3.0),
        ("salah_pesan|salah_order|salah_klik|kepencet|double_order|pesan_dua_kali|order_dobel|dobel", CancelOrder, 2.0),
        ("jangan_dikirim|jangan_kirim|gak_usah_dikirim|tidak_usah_dikirim|ga_jadi|gak_jadi|nggak_jadi|tidak_jadi", CancelOrder, 2.5),

        // Address.
        ("ganti|ubah|rubah|koreksi|perbaiki|update .. alamat|kode_pos|nomor_rumah|no_rumah", ChangeAddress, 3.0),
        ("alamat .. salah|keliru|berubah|baru|lama|kurang_lengkap|tidak_lengkap", ChangeAddress, 2.0),
        ("alamat_baru|pindah_rumah|pindahan|pindah_alamat", ChangeAddress, 2.0),
        ("alamat", ChangeAddress, 0.5),

        // Product questions.
        ("kompatibel|cocok_untuk|cocok_buat|bisa_untuk|bisa_buat|bisa_dipakai_di|support|mendukung", ProductQuestion, 2.0),
        ("cara_pakai|cara_pemakaian|cara_menggunakan|gimana_cara|bagaimana_cara|cara_pasang|cara_install|cara_cas|cara_konek|cara_reset|buku_panduan|manual_book", ProductQuestion, 2.0),
        ("ukuran|size_chart|berat|bahan|material|spesifikasi|spek|kapasitas|tegangan|tahan_air|waterproof|ready|ready_stock|stok|stock|masih_ada|ada_warna|warna_apa|termasuk|bedanya|perbedaan", ProductQuestion, 1.5),
        ("sebelum_beli|sebelum_order|mau_beli|mau_order|mau_tanya|tanya|nanya|numpang_tanya|izin_tanya", ProductQuestion, 1.0),
        ("apakah|ada_gak|ada_ga|ada_nggak|ready_gak|bisa_gak|tersedia|masih_ada", ProductQuestion, 1.0),

        // Invoice.
        ("faktur|faktur_pajak|invoice|kwitansi|bukti_pembelian|npwp|ppn|efaktur|e_faktur", InvoiceRequest, 3.0),
        ("nota|struk", InvoiceRequest, 2.0),
        ("tagihan", InvoiceRequest, 1.5),

        // Complaints.
        ("parah|kecewa|mengecewakan|penipu|penipuan|tipu|nipu|ditipu|bohong|pembohong|buruk|jelek|tidak_profesional|gak_profesional|tidak_bertanggung_jawab|gak_tanggung_jawab|pelayanan_buruk|pelayanan_jelek|kapok|tidak_akan_beli_lagi|ga_akan_beli_lagi|gak_akan_beli_lagi|nyesel|menyesal|zonk", Complaint, 1.2),
        ("komplain|keluhan|mengeluh|protes", Complaint, 2.5),
        ("tidak_dibalas|gak_dibalas|ga_dibales|gak_dibales|tidak_direspon|gak_direspon|ga_respon|gak_respon|tidak_ada_respon|chat_tidak_dibalas|dicuekin|dikacangin|slow_respon|slow_respons", Complaint, 1.8),
        ("palsu|kw|tiruan|bukan_ori|bukan_original|tidak_ori|gak_ori|ga_ori|fake", Complaint, 1.5),
        ("berkali_kali|sudah_berkali|beberapa_kali|udah_berapa_kali|terus_terusan", Complaint, 1.2),

        // Thanks, all good.
        ("terima_kasih|terimakasih|makasih|mksh|trims|thanks|thx|tq|tengkyu", Other, 0.6),
        ("sudah_sampai|sudah_diterima|udah_sampe|udah_nyampe|sudah_datang|udah_dateng|barang_sudah_sampai", Other, 1.5),
        ("aman|sudah_beres|udah_beres|beres|sudah_bisa|udah_bisa|sudah_oke|udah_oke|tidak_apa_apa|gpp|gak_papa|ga_papa|nggak_papa|sudah_ketemu|udah_ketemu|terselesaikan", Other, 2.0),
        ("bagus|mantap|mantul|keren|puas|suka|rekomended|recommended|top|oke|sip|sesuai", Other, 0.8),
    ],
    sentiment: &[
        ("parah|penipu|penipuan|ditipu|nipu|bohong|kapok|zonk|anjir|anjing|bangsat|sialan|brengsek", -2.0),
        ("kecewa|mengecewakan|kesal|kesel|marah|sebel|nyesel|menyesal|tidak_puas|gak_puas|ga_puas", -1.5),
        ("buruk|jelek|lambat|lelet", -1.0),
        ("sayangnya|sayang_sekali", -0.6),
        ("sudah|udah|sdh|lebih_dari|hampir .. # hari|minggu|bulan", -1.0),
        ("udah_seminggu|sudah_seminggu|udah_sebulan|sudah_sebulan|berminggu_minggu|berhari_hari", -1.0),
        ("lama_banget|lama_sekali|kok_lama|kelamaan|kok_belum|kenapa_belum|kok_blm", -1.0),
        ("buruan|urgent", -0.3),
        ("terima_kasih|terimakasih|makasih|thanks|trims", 0.5),
        ("mantap|mantul|keren|bagus_banget|luar_biasa|sempurna|the_best", 1.2),
        ("puas|senang|happy", 1.0),
        ("bagus|oke|baik|ramah|amanah|fast_respon", 0.5),
    ],
    escalations: &[
        ("lapor|laporkan|komplain|ajukan_komplain .. shopee|tokopedia|tokped|lazada|bukalapak|blibli|platform|cs_shopee|pusat_bantuan", Claim),
        ("laporkan_toko|lapor_toko|report_toko|banding|sengketa", Claim),
        ("bank .. komplain|laporkan|blokir|sanggah|batalkan_transaksi", Chargeback),
        ("kartu_kredit .. sanggah|komplain|chargeback", Chargeback),
        ("sanggah_transaksi", Chargeback),
        ("bintang_1|bintang_satu|rating_jelek|rating_buruk|ulasan_buruk|ulasan_jelek|review_jelek|review_buruk|kasih_bintang_1|kasih_1|rate_1|viralkan|viral|spill|sebarin|sebarkan|medsos|media_sosial", BadReview),
        ("pengacara|lawyer|polisi|lapor_polisi|laporkan_ke_polisi|somasi|gugat|menggugat|pengadilan|jalur_hukum|ranah_hukum|hukum|ylki|bpsk|ojk|pidana|perlindungan_konsumen", Legal),
        ("kebakaran|terbakar|kebakar|api|berasap|asap|meledak|ledakan|percikan|nyetrum|kesetrum|tersetrum|korslet|konslet|korsleting|melepuh|luka|terluka|berdarah|alergi|beracun|rumah_sakit|bahaya|berbahaya", Safety),
    ],
};
