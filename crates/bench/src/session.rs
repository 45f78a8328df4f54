//! The signed-in browser all load tasks share: one cookie jar, one login (the login throttle
//! would refuse a burst of sign-ins from one address, and a session is what an agent has).

use std::time::Duration;

use anyhow::Context;
use reqwest::{redirect, StatusCode};

#[derive(Clone)]
pub struct Session {
    pub client: reqwest::Client,
    base: String,
}

impl Session {
    pub fn new(client: reqwest::Client, base: &str) -> Session {
        Session {
            client,
            base: base.to_owned(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// GET `path`, requiring 200; the page's HTML.
    pub async fn page(&self, path: &str) -> anyhow::Result<String> {
        let response = self
            .client
            .get(self.url(path))
            .send()
            .await
            .with_context(|| format!("GET {path}"))?;
        let status = response.status();
        anyhow::ensure!(
            status == StatusCode::OK,
            "GET {path} answered {status} (location: {:?})",
            response.headers().get("location")
        );
        response
            .text()
            .await
            .with_context(|| format!("reading GET {path}"))
    }
}

/// Signs in through the login form, as a browser would, and checks the session works.
pub async fn log_in(base: &str, email: &str, password: &str) -> anyhow::Result<Session> {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        // Redirects are answers to check, not to follow: /inbox → /login means signed out.
        .redirect(redirect::Policy::none())
        // Generous: a slow page is a result to report, not an error.
        .timeout(Duration::from_secs(300))
        .tcp_nodelay(true)
        .build()?;
    let session = Session {
        client,
        base: base.to_owned(),
    };
    let login_page = session.page("/login").await?;
    let csrf = between(&login_page, r#"name="_csrf" value=""#, "\"")
        .context("the login page has no _csrf field")?;
    let response = session
        .client
        .post(session.url("/login"))
        .form(&[("_csrf", csrf), ("email", email), ("password", password)])
        .send()
        .await
        .context("POST /login")?;
    let status = response.status();
    anyhow::ensure!(
        status == StatusCode::SEE_OTHER,
        "signing in as {email} answered {status}, not a redirect: {}",
        response.text().await.unwrap_or_default()
    );
    session
        .page("/inbox")
        .await
        .context("the session does not reach the inbox after signing in")?;
    Ok(session)
}

/// The `rel="next"` link of a paged list, as a path with its HTML escapes undone.
pub fn next_link(html: &str) -> Option<String> {
    let end = html.find(r#"" rel="next""#)?;
    let start = html[..end].rfind("href=\"")? + "href=\"".len();
    Some(html[start..end].replace("&amp;", "&").replace("&#38;", "&"))
}

/// The text between `start` and the next `end`.
pub fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = s.find(start)? + start.len();
    let len = s[from..].find(end)?;
    Some(&s[from..from + len])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_link_is_unescaped() {
        let html = r#"<span><a href="/inbox?view=all&#38;status=&amp;before=2026-11-01T10%3A00%3A00.000000Z_0193" rel="next">Older</a></span>"#;
        assert_eq!(
            next_link(html).as_deref(),
            Some("/inbox?view=all&status=&before=2026-11-01T10%3A00%3A00.000000Z_0193")
        );
        assert_eq!(next_link("<a href=\"/inbox\">Newest</a>"), None);
    }
}
