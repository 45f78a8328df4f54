//! `email::parse` must not panic on any input: every corpus mail, truncated at many points
//! and with bytes mutated, still gives a message with an id.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use aftersail_channels::email::parse::parse;

/// A tiny deterministic generator, so failures reproduce.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn corpus() -> Vec<(String, Vec<u8>)> {
    let dir = format!("{}/tests/mail", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    files.sort();
    assert!(files.len() >= 15, "corpus has {} files", files.len());
    files
        .into_iter()
        .map(|p| (p.display().to_string(), std::fs::read(&p).expect("read")))
        .collect()
}

#[test]
fn truncations_and_mutations_never_panic() {
    // parse() catches panics to protect the poller; count them here so a panic inside
    // still fails this test.
    let panics = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&panics);
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        counter.fetch_add(1, Ordering::SeqCst);
        default_hook(info);
    }));

    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let interesting = [
        b'\0', b'\r', b'\n', b':', b'=', b'?', b'<', b'>', b'"', b';', b'-', 0x80, 0xff, b' ',
    ];
    // EMAIL_PARSE_MUTATIONS=5000 for a longer local soak.
    let mutations: usize = std::env::var("EMAIL_PARSE_MUTATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let mut runs = 0usize;
    for (name, raw) in corpus() {
        // Truncations: every byte near the start (headers), then evenly spread points.
        let step = (raw.len() / 120).max(1);
        let points = (0..raw.len().min(200)).chain((0..raw.len()).step_by(step));
        for cut in points {
            let m = parse(&raw[..cut]);
            assert!(!m.external_id.is_empty(), "{name} cut at {cut}");
            runs += 1;
        }
        // Mutations: flip, replace with a delimiter, delete or duplicate a range.
        for _ in 0..mutations {
            let mut bytes = raw.clone();
            for _ in 0..1 + rng.next() % 4 {
                if bytes.is_empty() {
                    break;
                }
                let at = (rng.next() as usize) % bytes.len();
                match rng.next() % 4 {
                    0 => bytes[at] ^= 1 << (rng.next() % 8),
                    1 => bytes[at] = interesting[(rng.next() as usize) % interesting.len()],
                    2 => {
                        let end = (at + 1 + (rng.next() as usize) % 64).min(bytes.len());
                        bytes.drain(at..end);
                    }
                    _ => {
                        let end = (at + 1 + (rng.next() as usize) % 64).min(bytes.len());
                        let copy = bytes[at..end].to_vec();
                        bytes.splice(at..at, copy);
                    }
                }
            }
            let m = parse(&bytes);
            assert!(!m.external_id.is_empty(), "{name} mutated");
            assert_eq!(m.raw, bytes);
            runs += 1;
        }
    }
    assert!(runs > 5000, "only {runs} runs");
    assert_eq!(panics.load(Ordering::SeqCst), 0, "parse panicked inside");
}

#[test]
fn pathological_inputs() {
    let deep_multipart = {
        let mut s = String::from("Content-Type: multipart/mixed; boundary=b0\r\n\r\n");
        for i in 1..200 {
            s.push_str(&format!(
                "--b{}\r\nContent-Type: multipart/mixed; boundary=b{i}\r\n\r\n",
                i - 1
            ));
        }
        s
    };
    let deep_rfc822 = "Content-Type: message/rfc822\r\n\r\n".repeat(200);
    let long_header = format!(
        "Subject: {}\r\n\r\nbody",
        "=?UTF-8?B?QUJD?= ".repeat(20_000)
    );
    let many_headers = "X-A: b\r\n".repeat(50_000);
    let long_line = "a".repeat(2_000_000);
    let inputs: Vec<Vec<u8>> = vec![
        deep_multipart.into_bytes(),
        deep_rfc822.into_bytes(),
        long_header.into_bytes(),
        many_headers.into_bytes(),
        long_line.into_bytes(),
        b"From:\r\nTo:\r\nSubject:\r\nDate:\r\nMessage-ID:\r\n\r\n".to_vec(),
        b"Content-Type: multipart/alternative\r\n\r\n--\r\n--\r\n".to_vec(),
        b"Content-Transfer-Encoding: base64\r\n\r\n====!!!!".to_vec(),
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n=\r\n=Z=".to_vec(),
        b"Date: Mon, 99 Foo 99999 99:99:99 +9999\r\n\r\nx".to_vec(),
        vec![0u8; 100_000],
    ];
    for raw in inputs {
        let m = parse(&raw);
        assert!(!m.external_id.is_empty());
    }
}
