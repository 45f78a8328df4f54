//! Real mail servers for the email transport tests: Dovecot (IMAP) and an aiosmtpd sink
//! (SMTP), each started per test in its own temp dir on free ports, stopped on drop.
//!
//! Missing software is a test failure with a message saying what to install, never a skip.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use aftersail_channels::email::imap::ImapConfig;
use aftersail_channels::email::smtp::SmtpConfig;
use aftersail_channels::email::Security;
use tempfile::TempDir;

pub const USER: &str = "support@shop.test";
pub const PASSWORD: &str = "correct horse battery";
pub const FROM: &str = "support@shop.test";

/// A CA and a server certificate for 127.0.0.1/localhost signed by it (openssl CLI).
pub struct Certs {
    pub ca_pem: String,
    pub cert: PathBuf,
    pub key: PathBuf,
}

pub fn make_certs(dir: &Path) -> Certs {
    let run = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap_or_else(|e| panic!("cannot run openssl ({e}); install the openssl package"));
        assert!(
            out.status.success(),
            "openssl {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    run(&[
        &["req", "-x509"],
        &ec[..],
        &["-keyout", "ca.key", "-out", "ca.pem", "-days", "2"],
        &["-subj", "/CN=Aftersail Test CA"],
    ]
    .concat());
    run(&[
        &["req"],
        &ec[..],
        &[
            "-keyout",
            "key.pem",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ],
    ]
    .concat());
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n\
         keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "cert.pem",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
    ]);
    Certs {
        ca_pem: std::fs::read_to_string(dir.join("ca.pem")).unwrap(),
        cert: dir.join("cert.pem"),
        key: dir.join("key.pem"),
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A port nobody listens on (bound, then released).
pub fn closed_port() -> u16 {
    free_port()
}

fn stop(child: &mut Child) {
    // SIGTERM first so Dovecot takes its children down with it; SIGKILL if it lingers.
    let _ = Command::new("kill").arg(child.id().to_string()).status();
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn wait_for_port(port: u16, child: &mut Child, what: &str, log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "{what} exited ({status}) before listening on {port}; its log:\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        if Instant::now() > deadline {
            stop(child);
            panic!(
                "{what} did not listen on 127.0.0.1:{port} within 15 s; its log:\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// Who owns the test mail. Dovecot refuses uid 0 for mail, so as root the mail belongs to
/// the `dovecot` system user (or `nobody`); otherwise to whoever runs the tests.
fn mail_owner(dir: &Path) -> (u32, u32) {
    let meta = std::fs::metadata(dir).unwrap();
    if meta.uid() != 0 {
        return (meta.uid(), meta.gid());
    }
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    for name in ["dovecot", "nobody"] {
        let found = passwd.lines().find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            (fields.first() == Some(&name) && fields.len() > 3)
                .then(|| Some((fields[2].parse().ok()?, fields[3].parse().ok()?)))
                .flatten()
        });
        if let Some(ids) = found {
            return ids;
        }
    }
    panic!("no dovecot or nobody user to own the test mail (Dovecot refuses root)");
}

/// Dovecot with its own configuration, passwd-file user and maildir in a temp dir.
pub struct Dovecot {
    child: Child,
    pub dir: TempDir,
    /// Plain IMAP, STARTTLS offered.
    pub imap_port: u16,
    /// IMAP over TLS.
    pub imaps_port: u16,
    pub ca_pem: String,
}

impl Dovecot {
    pub fn start() -> Self {
        let binary = ["/usr/sbin/dovecot", "/usr/local/sbin/dovecot"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .unwrap_or("dovecot");
        let mut last_failure = String::new();
        // A free port can be taken between choosing it and Dovecot binding it: retry then.
        for _ in 0..3 {
            let dir = tempfile::Builder::new()
                .prefix("aftersail-dovecot-")
                .tempdir()
                .unwrap();
            let root = dir.path();
            let certs = make_certs(root);
            let (uid, gid) = mail_owner(root);
            let (imap_port, imaps_port) = (free_port(), free_port());
            for sub in ["run", "state", "mail", "home"] {
                std::fs::create_dir(root.join(sub)).unwrap();
            }
            for sub in ["mail", "home"] {
                std::os::unix::fs::chown(root.join(sub), Some(uid), Some(gid)).unwrap();
            }
            std::fs::write(root.join("passwd"), format!("{USER}:{{PLAIN}}{PASSWORD}\n")).unwrap();
            // Dovecot's auth process (user dovecot) reads the passwd file.
            std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).unwrap();
            let r = root.display();
            let config = format!(
                r#"protocols = imap
listen = 127.0.0.1
base_dir = {r}/run
state_dir = {r}/state
log_path = {r}/dovecot.log
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:{r}/mail/%u
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_uid = {uid}
mail_gid = {gid}
mailbox_idle_check_interval = 1 secs
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {r}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={r}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
}}
protocol imap {{
  mail_max_userip_connections = 100
}}
"#,
                cert = certs.cert.display(),
                key = certs.key.display(),
            );
            let conf = root.join("dovecot.conf");
            std::fs::write(&conf, config).unwrap();
            let log = root.join("dovecot.log");
            let stderr = std::fs::File::create(root.join("stderr.log")).unwrap();
            let mut child = Command::new(binary)
                .arg("-F")
                .arg("-c")
                .arg(&conf)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(stderr)
                .spawn()
                .unwrap_or_else(|e| {
                    panic!(
                        "cannot start Dovecot ({binary}: {e}); install the dovecot-imapd package"
                    )
                });
            let deadline = Instant::now() + Duration::from_secs(15);
            let up = loop {
                let both = TcpStream::connect(("127.0.0.1", imap_port)).is_ok()
                    && TcpStream::connect(("127.0.0.1", imaps_port)).is_ok();
                if both {
                    break true;
                }
                if matches!(child.try_wait(), Ok(Some(_))) || Instant::now() > deadline {
                    break false;
                }
                std::thread::sleep(Duration::from_millis(25));
            };
            if up {
                return Self {
                    child,
                    ca_pem: certs.ca_pem,
                    imap_port,
                    imaps_port,
                    dir,
                };
            }
            stop(&mut child);
            last_failure = format!(
                "{}{}",
                std::fs::read_to_string(root.join("stderr.log")).unwrap_or_default(),
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        panic!("Dovecot did not start (3 attempts); last output:\n{last_failure}");
    }

    /// A configuration for the test user; `security` picks the port.
    pub fn config(&self, security: Security) -> ImapConfig {
        let port = match security {
            Security::Tls => self.imaps_port,
            Security::StartTls | Security::Plain => self.imap_port,
        };
        let mut cfg = ImapConfig::new("127.0.0.1", port, USER, PASSWORD);
        cfg.security = security;
        cfg.extra_root_pem = Some(self.ca_pem.clone());
        cfg.timeout = Duration::from_secs(10);
        cfg
    }

    /// A plain IMAP session as the test user, for putting mail in and looking at it.
    pub async fn admin(&self) -> async_imap::Session<tokio::net::TcpStream> {
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", self.imap_port))
            .await
            .unwrap();
        let mut client = async_imap::Client::new(tcp);
        client.read_response().await.unwrap().expect("greeting");
        client
            .login(USER, PASSWORD)
            .await
            .map_err(|(e, _)| e)
            .unwrap()
    }

    /// APPENDs each message to `mailbox` over IMAP.
    pub async fn deliver(&self, mailbox: &str, messages: &[Vec<u8>]) {
        let mut admin = self.admin().await;
        for raw in messages {
            admin.append(mailbox, None, None, raw).await.unwrap();
        }
        admin.logout().await.unwrap();
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

/// How the SMTP sink behaves.
#[derive(Default)]
pub struct SinkOptions {
    /// Offer and require STARTTLS with a certificate from a fresh test CA.
    pub starttls: bool,
    /// Recipients answered with `550`.
    pub reject: Vec<String>,
}

/// `tests/support/smtp_sink.py` (aiosmtpd): records every accepted message as a file.
pub struct SmtpSink {
    child: Child,
    pub dir: TempDir,
    pub port: u16,
    pub ca_pem: Option<String>,
}

fn python() -> String {
    if let Ok(p) = std::env::var("AFTERSAIL_TEST_PYTHON") {
        return p;
    }
    // Debian's python3-aiosmtpd lives with the system interpreter, not a pyenv/venv one.
    if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3".into()
    } else {
        "python3".into()
    }
}

impl SmtpSink {
    pub fn start(options: SinkOptions) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("aftersail-smtp-")
            .tempdir()
            .unwrap();
        let out = dir.path().join("mail");
        std::fs::create_dir(&out).unwrap();
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../channels/tests/support/smtp_sink.py"
        );
        let python = python();
        let mut command = Command::new(&python);
        command
            .arg(script)
            .arg("--dir")
            .arg(&out)
            .args(["--user", USER, "--password", PASSWORD]);
        for address in &options.reject {
            command.args(["--reject", address]);
        }
        let ca_pem = options.starttls.then(|| {
            let certs = make_certs(dir.path());
            command
                .arg("--cert")
                .arg(&certs.cert)
                .arg("--key")
                .arg(&certs.key);
            certs.ca_pem
        });
        let log = dir.path().join("sink.log");
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {python} ({e}); install python3"));
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(Duration::from_secs(15)).unwrap_or_default();
        let Some(port) = line
            .trim()
            .strip_prefix("PORT ")
            .and_then(|p| p.parse().ok())
        else {
            stop(&mut child);
            panic!(
                "the SMTP sink did not start (needs aiosmtpd: apt-get install python3-aiosmtpd \
                 or pip install aiosmtpd); its output:\n{line}{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        };
        wait_for_port(port, &mut child, "the SMTP sink", &log);
        Self {
            child,
            dir,
            port,
            ca_pem,
        }
    }

    /// A configuration sending as the test user; STARTTLS when the sink offers it.
    pub fn config(&self) -> SmtpConfig {
        let mut cfg = SmtpConfig::new("127.0.0.1", self.port, FROM);
        cfg.security = if self.ca_pem.is_some() {
            Security::StartTls
        } else {
            Security::Plain
        };
        cfg.extra_root_pem = self.ca_pem.clone();
        cfg.username = Some(USER.into());
        cfg.password = Some(PASSWORD.into());
        cfg.timeout = Duration::from_secs(10);
        cfg
    }

    /// Every message received so far, oldest first, as (envelope JSON, raw bytes).
    pub fn received(&self) -> Vec<(serde_json::Value, Vec<u8>)> {
        let mail = self.dir.path().join("mail");
        let mut names: Vec<PathBuf> = std::fs::read_dir(&mail)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        names.sort();
        names
            .into_iter()
            .map(|eml| {
                let envelope = std::fs::read(eml.with_extension("json")).unwrap();
                (
                    serde_json::from_slice(&envelope).unwrap(),
                    std::fs::read(&eml).unwrap(),
                )
            })
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

/// A small RFC 5322 message numbered `n`.
pub fn mail(n: usize) -> Vec<u8> {
    format!(
        "Message-ID: <m{n}@buyer.test>\r\n\
         From: Buyer {n} <Buyer{n}@Example.org>\r\n\
         To: {USER}\r\n\
         Subject: Question {n}\r\n\
         Date: Mon, 6 May 2024 10:00:{:02} +0000\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         \r\n\
         Body of question {n}\r\n",
        n % 60
    )
    .into_bytes()
}
