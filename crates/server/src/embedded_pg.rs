//! A private PostgreSQL cluster run from the machine's own PostgreSQL binaries,
//! used when no database URL is configured.
//!
//! The server listens only on a unix socket (no TCP), normally inside the data
//! directory, so it never clashes with a system PostgreSQL on port 5432.
//! `pg_ctl` detaches the server from our process group, so it outlives us unless
//! [`EmbeddedPostgres::stop`] is called; a later `start` simply adopts it.

use std::ffi::OsStr;
use std::fs::Metadata;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgSslMode};
use sqlx::{Connection, PgConnection};
use tokio::process::Command;

const SUPERUSER: &str = "aftersail";
const DATABASE: &str = "aftersail";
const PORT: u16 = 5432;
const BIN_DIR_ENV: &str = "AFTERSAIL_PG_BIN_DIR";
/// Debian/Ubuntu install server binaries here, not on PATH.
const DEBIAN_BASE: &str = "/usr/lib/postgresql";
/// `sun_path` is 104–108 bytes depending on the OS; stay safely below.
const MAX_SOCKET_PATH: usize = 100;

#[derive(Debug, thiserror::Error)]
pub enum EmbeddedPgError {
    #[error(
        "no PostgreSQL server binaries found (looked in {searched}); install them \
         (e.g. `apt-get install postgresql` / `brew install postgresql@16` / \
         `dnf install postgresql-server`) or set AFTERSAIL_DATABASE_URL to an existing database"
    )]
    BinariesNotFound { searched: String },

    #[error(
        "running as root, but PostgreSQL refuses to run as root and there is no `postgres` \
         system user to run it as; create one (e.g. by installing the postgresql package) \
         or set AFTERSAIL_DATABASE_URL to an existing database"
    )]
    NoPostgresUser,

    #[error("unusable PostgreSQL data directory {}: {reason}", .path.display())]
    BadDataDir { path: PathBuf, reason: String },

    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },

    #[error("`{command}` failed ({status}):\n{output}\n(server log: {})", .log.display())]
    Command {
        command: String,
        status: String,
        output: String,
        log: PathBuf,
    },

    #[error("cannot set up database \"{DATABASE}\" on the embedded PostgreSQL (server log: {}): {source}", .log.display())]
    Sql {
        log: PathBuf,
        #[source]
        source: sqlx::Error,
    },
}

fn io_err(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> EmbeddedPgError {
    let context = context.into();
    move |source| EmbeddedPgError::Io { context, source }
}

#[derive(Debug)]
pub struct EmbeddedPostgres {
    bin_dir: PathBuf,
    data_dir: PathBuf,
    socket_dir: PathBuf,
    port: u16,
    log_file: PathBuf,
    /// (uid, gid) to run the binaries as; `Some` only when we are root.
    run_as: Option<(u32, u32)>,
    started_by_us: bool,
}

impl EmbeddedPostgres {
    /// Finds binaries, runs initdb on first use, starts the server (or adopts one already running on that data dir),
    /// and makes sure the database "aftersail" exists. `data_dir` is e.g. "./data/postgres".
    pub async fn start(data_dir: &Path) -> Result<EmbeddedPostgres, EmbeddedPgError> {
        let bin_dir = discover_bin_dir()?;
        // initdb and postgres refuse to run as root, so run them as `postgres`.
        let run_as = if running_as_root() {
            let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
            Some(passwd_ids(&passwd, "postgres").ok_or(EmbeddedPgError::NoPostgresUser)?)
        } else {
            None
        };

        std::fs::create_dir_all(data_dir)
            .map_err(io_err(format!("cannot create {}", data_dir.display())))?;
        let data_dir = std::fs::canonicalize(data_dir)
            .map_err(io_err(format!("cannot resolve {}", data_dir.display())))?;
        check_shell_safe(&data_dir)?;
        let log_file = data_dir.parent().unwrap_or(&data_dir).join("postgres.log");

        let mut pg = EmbeddedPostgres {
            bin_dir,
            socket_dir: socket_dir_for(&data_dir),
            port: PORT,
            data_dir,
            log_file,
            run_as,
            started_by_us: false,
        };
        pg.prepare_filesystem()?;

        if !pg.data_dir.join("PG_VERSION").exists() {
            pg.initdb().await?;
        }

        if pg.is_running().await? {
            // It may have been started with other settings; its pid file says where it listens.
            if let Some((port, socket_dir)) = read_pid_file(&pg.data_dir) {
                pg.port = port;
                pg.socket_dir = socket_dir;
            }
            tracing::info!(data_dir = %pg.data_dir.display(), "adopting running embedded PostgreSQL");
        } else {
            pg.pg_ctl_start().await?;
            pg.started_by_us = true;
            tracing::info!(data_dir = %pg.data_dir.display(), "started embedded PostgreSQL");
        }

        if let Err(e) = pg.ensure_database().await {
            if pg.started_by_us {
                // Don't leave a half-set-up server behind; the original error matters more.
                let _ = pg.pg_ctl_stop().await;
            }
            return Err(e);
        }
        Ok(pg)
    }

    /// Connection options for the "aftersail" database over the unix socket (superuser "aftersail").
    pub fn connect_options(&self) -> PgConnectOptions {
        self.options_for(DATABASE)
    }

    /// Stops the server with `pg_ctl stop -m fast -w` if THIS process started it; no-op if it adopted a running one.
    pub async fn stop(self) -> Result<(), EmbeddedPgError> {
        if self.started_by_us {
            self.pg_ctl_stop().await?;
            if self.socket_dir != self.data_dir {
                // Don't litter /tmp; fails harmlessly if something else is in there.
                let _ = std::fs::remove_dir(&self.socket_dir);
            }
            tracing::info!(data_dir = %self.data_dir.display(), "stopped embedded PostgreSQL");
        }
        Ok(())
    }

    fn options_for(&self, database: &str) -> PgConnectOptions {
        // Not `new()`: ~/.pgpass is irrelevant here (trust auth), and the explicit
        // settings below override the PG* environment variables that matter.
        PgConnectOptions::new_without_pgpass()
            .socket(&self.socket_dir)
            .port(self.port)
            .username(SUPERUSER)
            .database(database)
            .ssl_mode(PgSslMode::Disable)
    }

    /// Creates the log file and socket dir up front, owned by the user that runs
    /// the server: as root, `postgres` could not create them in root-owned dirs.
    fn prepare_filesystem(&self) -> Result<(), EmbeddedPgError> {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log_file)
            .map_err(io_err(format!("cannot create {}", self.log_file.display())))?;
        if self.socket_dir != self.data_dir {
            std::fs::create_dir_all(&self.socket_dir).map_err(io_err(format!(
                "cannot create {}",
                self.socket_dir.display()
            )))?;
            std::fs::set_permissions(&self.socket_dir, std::fs::Permissions::from_mode(0o700))
                .map_err(io_err(format!(
                    "cannot chmod {}",
                    self.socket_dir.display()
                )))?;
        }

        let Some((uid, gid)) = self.run_as else {
            return Ok(());
        };
        check_searchable_by(&self.data_dir, uid, gid)?;
        let mut owned_by_server = vec![&self.log_file, &self.socket_dir];
        // Only a fresh directory: an existing cluster already has its owner.
        if !self.data_dir.join("PG_VERSION").exists() {
            owned_by_server.push(&self.data_dir);
        }
        for path in owned_by_server {
            std::os::unix::fs::chown(path, Some(uid), Some(gid)).map_err(io_err(format!(
                "cannot chown {} to postgres",
                path.display()
            )))?;
        }
        Ok(())
    }

    async fn initdb(&self) -> Result<(), EmbeddedPgError> {
        let args: [&OsStr; 8] = [
            "-D".as_ref(),
            self.data_dir.as_os_str(),
            "-U".as_ref(),
            SUPERUSER.as_ref(),
            "--auth=trust".as_ref(),
            "--no-locale".as_ref(),
            "-E".as_ref(),
            "UTF8".as_ref(),
        ];
        let output = self.run("initdb", &args).await?;
        self.check("initdb", &args, output, false)
    }

    async fn is_running(&self) -> Result<bool, EmbeddedPgError> {
        // Exit status 0 = running; 3 = not running; 4 = no usable data dir (initdb would have failed).
        let args: [&OsStr; 3] = ["status".as_ref(), "-D".as_ref(), self.data_dir.as_os_str()];
        Ok(self.run("pg_ctl", &args).await?.status.success())
    }

    async fn pg_ctl_start(&self) -> Result<(), EmbeddedPgError> {
        // pg_ctl hands -o to `/bin/sh -c`, hence the shell quoting (paths are checked
        // by `check_shell_safe`). -p pins the port: postgres would honour $PGPORT.
        let server_opts = format!(
            "-p {} -c listen_addresses='' -c unix_socket_directories='{}'",
            self.port,
            self.socket_dir.display()
        );
        let args: [&OsStr; 8] = [
            "-D".as_ref(),
            self.data_dir.as_os_str(),
            "-w".as_ref(),
            "-l".as_ref(),
            self.log_file.as_os_str(),
            "-o".as_ref(),
            server_opts.as_ref(),
            "start".as_ref(),
        ];
        let output = self.run("pg_ctl", &args).await?;
        self.check("pg_ctl", &args, output, true)
    }

    async fn pg_ctl_stop(&self) -> Result<(), EmbeddedPgError> {
        let args: [&OsStr; 6] = [
            "stop".as_ref(),
            "-D".as_ref(),
            self.data_dir.as_os_str(),
            "-m".as_ref(),
            "fast".as_ref(),
            "-w".as_ref(),
        ];
        let output = self.run("pg_ctl", &args).await?;
        self.check("pg_ctl", &args, output, true)
    }

    async fn run(&self, program: &str, args: &[&OsStr]) -> Result<Output, EmbeddedPgError> {
        let mut cmd = Command::new(self.bin_dir.join(program));
        cmd.args(args)
            .stdin(Stdio::null())
            // Our cwd may not be readable by `postgres`; all paths are absolute anyway.
            .current_dir("/")
            .env_remove("PGDATA");
        if let Some((uid, gid)) = self.run_as {
            // std drops supplementary groups when root changes uid.
            cmd.uid(uid).gid(gid);
        }
        cmd.output().await.map_err(io_err(format!(
            "cannot run {}",
            self.bin_dir.join(program).display()
        )))
    }

    /// Turns a failed command into an error carrying its output (and, for
    /// server start/stop, the tail of the server log, where the real reason is).
    fn check(
        &self,
        program: &str,
        args: &[&OsStr],
        output: Output,
        with_log: bool,
    ) -> Result<(), EmbeddedPgError> {
        if output.status.success() {
            return Ok(());
        }
        let mut text = String::from_utf8_lossy(&output.stderr).trim().to_string();
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !stdout.trim().is_empty() {
            text = format!("{}\n{text}", stdout.trim());
        }
        if with_log {
            if let Ok(log) = std::fs::read_to_string(&self.log_file) {
                let lines: Vec<&str> = log.lines().collect();
                let tail = lines[lines.len().saturating_sub(15)..].join("\n");
                text = format!("{text}\n--- end of server log ---\n{tail}");
            }
        }
        let args: Vec<_> = args.iter().map(|a| a.to_string_lossy()).collect();
        Err(EmbeddedPgError::Command {
            command: format!(
                "{} {}",
                self.bin_dir.join(program).display(),
                args.join(" ")
            ),
            status: output.status.to_string(),
            output: text,
            log: self.log_file.clone(),
        })
    }

    async fn ensure_database(&self) -> Result<(), EmbeddedPgError> {
        let sql_err = |source| EmbeddedPgError::Sql {
            log: self.log_file.clone(),
            source,
        };
        let mut conn = self.connect_postgres_db().await.map_err(sql_err)?;
        let exists = sqlx::query("SELECT 1 FROM pg_database WHERE datname = $1")
            .bind(DATABASE)
            .fetch_optional(&mut conn)
            .await
            .map_err(sql_err)?
            .is_some();
        if !exists {
            let created = sqlx::raw_sql(&format!("CREATE DATABASE {DATABASE}"))
                .execute(&mut conn)
                .await;
            match created {
                // 42P04 duplicate_database: someone else created it meanwhile.
                Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P04") => {}
                other => {
                    other.map_err(sql_err)?;
                }
            }
        }
        conn.close().await.map_err(sql_err)
    }

    /// An adopted server may still be starting up, so retry briefly on
    /// "not accepting connections yet" and socket errors.
    async fn connect_postgres_db(&self) -> Result<PgConnection, sqlx::Error> {
        let options = self.options_for("postgres");
        let mut attempts = 0;
        loop {
            match PgConnection::connect_with(&options).await {
                Err(e) if attempts < 50 && is_transient(&e) => {
                    attempts += 1;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                result => return result,
            }
        }
    }
}

fn is_transient(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_) => true,
        // 57P03 cannot_connect_now: the database system is starting up.
        sqlx::Error::Database(db) => db.code().as_deref() == Some("57P03"),
        _ => false,
    }
}

fn discover_bin_dir() -> Result<PathBuf, EmbeddedPgError> {
    let override_dir = std::env::var_os(BIN_DIR_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    let path_var = std::env::var_os("PATH").unwrap_or_default();
    let dir = find_bin_dir(
        override_dir.as_deref(),
        &path_var,
        &versioned_bin_dirs(Path::new(DEBIAN_BASE)),
    )?;
    // Commands run with cwd "/", so a relative override must be made absolute.
    std::fs::canonicalize(&dir).map_err(io_err(format!("cannot resolve {}", dir.display())))
}

/// Picks the directory holding `initdb` and `pg_ctl`: the override if given
/// (a wrong explicit choice is an error, not a reason to silently use another
/// version), else the first match on `path_var`, else the first candidate.
fn find_bin_dir(
    override_dir: Option<&Path>,
    path_var: &OsStr,
    candidates: &[PathBuf],
) -> Result<PathBuf, EmbeddedPgError> {
    let has_bins =
        |dir: &Path| is_executable(&dir.join("initdb")) && is_executable(&dir.join("pg_ctl"));
    if let Some(dir) = override_dir {
        return if has_bins(dir) {
            Ok(dir.to_path_buf())
        } else {
            Err(EmbeddedPgError::BinariesNotFound {
                searched: format!("{BIN_DIR_ENV}={}", dir.display()),
            })
        };
    }
    std::env::split_paths(path_var)
        .filter(|dir| dir.is_absolute())
        .chain(candidates.iter().cloned())
        .find(|dir| has_bins(dir))
        .ok_or_else(|| EmbeddedPgError::BinariesNotFound {
            searched: format!("PATH and {DEBIAN_BASE}/*/bin"),
        })
}

/// `<base>/<version>/bin` directories, highest version first.
fn versioned_bin_dirs(base: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(base) else {
        return Vec::new();
    };
    let mut versions: Vec<(Vec<u32>, PathBuf)> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name();
            let version: Vec<u32> = name
                .to_str()?
                .split('.')
                .map(|part| part.parse().ok())
                .collect::<Option<_>>()?;
            Some((version, entry.path().join("bin")))
        })
        .filter(|(_, bin)| bin.is_dir())
        .collect();
    versions.sort_by(|a, b| b.0.cmp(&a.0));
    versions.into_iter().map(|(_, bin)| bin).collect()
}

fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.mode() & 0o111 != 0)
}

/// The owner of /proc/self is the effective uid; no unsafe `geteuid` needed.
/// Without /proc (e.g. macOS) assume non-root.
fn running_as_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// (uid, gid) of `user` from passwd-format text.
fn passwd_ids(passwd: &str, user: &str) -> Option<(u32, u32)> {
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        if fields.next()? != user {
            return None;
        }
        let _password = fields.next()?;
        Some((fields.next()?.parse().ok()?, fields.next()?.parse().ok()?))
    })
}

/// The socket normally lives in the data dir; if that path would be too long
/// for a unix socket, use a /tmp dir named by a stable hash of the data dir.
fn socket_dir_for(data_dir: &Path) -> PathBuf {
    let socket = data_dir.join(format!(".s.PGSQL.{PORT}"));
    if socket.as_os_str().len() < MAX_SOCKET_PATH {
        return data_dir.to_path_buf();
    }
    // FNV-1a: tiny and, unlike std's DefaultHasher, stable across Rust releases.
    let hash = data_dir
        .as_os_str()
        .as_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    PathBuf::from(format!("/tmp/aftersail-pg-{hash:016x}"))
}

/// pg_ctl runs the server through `/bin/sh -c` with the data dir in double
/// quotes and our -o options verbatim, so refuse characters that would break that.
fn check_shell_safe(data_dir: &Path) -> Result<(), EmbeddedPgError> {
    let ok = data_dir
        .to_str()
        .is_some_and(|s| !s.chars().any(|c| c.is_control() || "'\"\\$`,".contains(c)));
    if ok {
        Ok(())
    } else {
        Err(EmbeddedPgError::BadDataDir {
            path: data_dir.to_path_buf(),
            reason: "the path must be UTF-8 without quotes, backslashes, `$`, backticks, commas \
                     or control characters (pg_ctl passes it through a shell)"
                .into(),
        })
    }
}

/// As root the server runs as `postgres`, which must be able to enter every
/// directory above the data dir (e.g. /root is usually 0700).
fn check_searchable_by(data_dir: &Path, uid: u32, gid: u32) -> Result<(), EmbeddedPgError> {
    for dir in data_dir.ancestors().skip(1) {
        let meta =
            std::fs::metadata(dir).map_err(io_err(format!("cannot stat {}", dir.display())))?;
        if !searchable_by(&meta, uid, gid) {
            return Err(EmbeddedPgError::BadDataDir {
                path: data_dir.to_path_buf(),
                reason: format!(
                    "this process is root, so PostgreSQL runs as the `postgres` user, which cannot \
                     enter {}; allow it (e.g. `chmod o+x {}`) or put the data directory elsewhere",
                    dir.display(),
                    dir.display()
                ),
            });
        }
    }
    Ok(())
}

fn searchable_by(meta: &Metadata, uid: u32, gid: u32) -> bool {
    let mode = meta.mode();
    if meta.uid() == uid {
        mode & 0o100 != 0
    } else if meta.gid() == gid {
        mode & 0o010 != 0
    } else {
        mode & 0o001 != 0
    }
}

/// (port, socket dir) from a running server's postmaster.pid (lines 4 and 5).
fn read_pid_file(data_dir: &Path) -> Option<(u16, PathBuf)> {
    let text = std::fs::read_to_string(data_dir.join("postmaster.pid")).ok()?;
    let mut lines = text.lines().skip(3);
    let port = lines.next()?.trim().parse().ok()?;
    let socket_dir = lines.next()?.trim();
    (!socket_dir.is_empty()).then(|| (port, PathBuf::from(socket_dir)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("aftersail-{tag}-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    async fn select_one(pg: &EmbeddedPostgres) -> (i32, String) {
        let mut conn = PgConnection::connect_with(&pg.connect_options())
            .await
            .unwrap();
        let row: (i32, String) = sqlx::query_as("SELECT 1, current_database()::text")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        row
    }

    #[tokio::test]
    async fn start_stop_restart_and_adopt() {
        let root = temp_dir("pg-test");
        let data_dir = root.join("data");

        // Fresh dir: initdb + start.
        let pg = EmbeddedPostgres::start(&data_dir).await.unwrap();
        assert!(pg.started_by_us);
        assert_eq!(select_one(&pg).await, (1, DATABASE.to_string()));
        pg.stop().await.unwrap();
        assert!(!data_dir.join("postmaster.pid").exists());
        assert!(root.join("postgres.log").exists());

        // Same dir again: reuses the cluster.
        let pg = EmbeddedPostgres::start(&data_dir).await.unwrap();
        assert!(pg.started_by_us);
        assert_eq!(select_one(&pg).await, (1, DATABASE.to_string()));

        // A second instance adopts the running server; its stop() must not stop it.
        let adopted = EmbeddedPostgres::start(&data_dir).await.unwrap();
        assert!(!adopted.started_by_us);
        adopted.stop().await.unwrap();
        assert_eq!(select_one(&pg).await.0, 1);

        pg.stop().await.unwrap();
        assert!(!data_dir.join("postmaster.pid").exists());
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn discovery_errors_explain_what_to_do() {
        let empty = temp_dir("pg-bin-empty");
        let path_var = std::env::join_paths([&empty]).unwrap();

        let err = find_bin_dir(Some(&empty), &path_var, &[]).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, EmbeddedPgError::BinariesNotFound { .. }));
        assert!(msg.contains("no PostgreSQL server binaries found"), "{msg}");
        assert!(msg.contains(&empty.display().to_string()), "{msg}");
        assert!(msg.contains("apt-get install postgresql"), "{msg}");
        assert!(msg.contains("brew install postgresql@16"), "{msg}");
        assert!(msg.contains("dnf install postgresql-server"), "{msg}");
        assert!(msg.contains("AFTERSAIL_DATABASE_URL"), "{msg}");

        // No override, nothing on PATH, no candidates.
        let msg = find_bin_dir(None, &path_var, &[]).unwrap_err().to_string();
        assert!(msg.contains("no PostgreSQL server binaries found"), "{msg}");
        assert!(msg.contains("AFTERSAIL_DATABASE_URL"), "{msg}");

        std::fs::remove_dir_all(&empty).unwrap();
    }

    #[test]
    fn discovery_prefers_path_then_highest_version() {
        let base = temp_dir("pg-bin-fake");
        let make = |dir: &Path| {
            std::fs::create_dir_all(dir).unwrap();
            for bin in ["initdb", "pg_ctl"] {
                std::fs::write(dir.join(bin), "").unwrap();
                std::fs::set_permissions(dir.join(bin), std::fs::Permissions::from_mode(0o755))
                    .unwrap();
            }
        };
        for version in ["9.6", "15", "16", "notaversion"] {
            make(&base.join("lib").join(version).join("bin"));
        }
        let candidates = versioned_bin_dirs(&base.join("lib"));
        assert_eq!(candidates[0], base.join("lib/16/bin"));
        assert_eq!(candidates[1], base.join("lib/15/bin"));
        assert_eq!(candidates.len(), 3);

        let empty = base.join("empty");
        std::fs::create_dir_all(&empty).unwrap();
        let no_bins = std::env::join_paths([&empty]).unwrap();
        assert_eq!(
            find_bin_dir(None, &no_bins, &candidates).unwrap(),
            base.join("lib/16/bin")
        );

        let on_path = base.join("usr/bin");
        make(&on_path);
        let path_var = std::env::join_paths([&empty, &on_path]).unwrap();
        assert_eq!(find_bin_dir(None, &path_var, &candidates).unwrap(), on_path);

        let chosen = base.join("lib/9.6/bin");
        assert_eq!(
            find_bin_dir(Some(&chosen), &path_var, &candidates).unwrap(),
            chosen
        );
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn long_data_dirs_get_a_short_stable_socket_dir() {
        let short = Path::new("/srv/aftersail/data/postgres");
        assert_eq!(socket_dir_for(short), short);

        let long = PathBuf::from(format!("/srv/{}/postgres", "x".repeat(100)));
        let socket_dir = socket_dir_for(&long);
        assert!(socket_dir.starts_with("/tmp"));
        assert_eq!(socket_dir, socket_dir_for(&long));
        assert!(socket_dir.join(".s.PGSQL.5432").as_os_str().len() < MAX_SOCKET_PATH);
    }

    #[test]
    fn parses_passwd_and_pid_file() {
        let passwd = "root:x:0:0:root:/root:/bin/bash\n\
                      postgres:x:101:104:PostgreSQL administrator,,,:/var/lib/postgresql:/bin/bash\n";
        assert_eq!(passwd_ids(passwd, "postgres"), Some((101, 104)));
        assert_eq!(passwd_ids(passwd, "nobody"), None);

        let dir = temp_dir("pg-pidfile");
        std::fs::write(
            dir.join("postmaster.pid"),
            "1234\n/data\n1700000000\n5433\n/run/sock\n\n  1 2\nready   \n",
        )
        .unwrap();
        assert_eq!(
            read_pid_file(&dir),
            Some((5433, PathBuf::from("/run/sock")))
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn rejects_paths_pg_ctl_cannot_quote() {
        assert!(check_shell_safe(Path::new("/srv/my data/pg")).is_ok());
        assert!(check_shell_safe(Path::new("/srv/it's/pg")).is_err());
        assert!(check_shell_safe(Path::new("/srv/$HOME/pg")).is_err());
    }
}
