//! Buyers' photos: only real images, recognised by their first bytes (never by the name or the
//! browser's content type), within the size limits.

/// Most photos on one request.
pub const MAX_PHOTOS: usize = 5;
/// The largest photo.
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;
/// The whole request body: the photos together plus the text fields. Bigger uploads are
/// refused before they are read (413).
pub const MAX_BODY_BYTES: usize = 25 * 1024 * 1024 + 256 * 1024;

/// The image type of `bytes` by its signature: JPEG, PNG, WebP or GIF.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::sniff;

    #[test]
    fn images_by_magic_bytes_only() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"GIF89a..."), Some("image/gif"));
        assert_eq!(sniff(b"%PDF-1.4"), None);
        assert_eq!(sniff(b"<svg onload=alert(1)>"), None);
        assert_eq!(sniff(b""), None);
    }
}
