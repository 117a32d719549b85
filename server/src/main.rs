//! `alyze-server`: with no subcommand it serves the API (`--data-dir DIR --listen ADDR`, or
//! `--database-url postgres://...` instead of the data dir); with one it administers the database
//! directly (create a clinic, staff, a member, an enrolment code; replace the sync epoch; purge
//! old tombstones) and exits. Every setting is a flag with an environment variable and a documented default
//! (`--help`, `server/README.md`).

use std::io::{BufRead, IsTerminal, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use alyze_server::settings::{
    Argon2Settings, DEFAULT_DATABASE_POOL_SIZE, DEFAULT_ENROLMENT_CODE_TTL, DEFAULT_PURGE_INTERVAL,
    DEFAULT_TOMBSTONE_RETENTION, RateLimitSettings, Settings,
};
use alyze_server::tenancy::StaffRole;
use alyze_server::{AppState, Db, admin, serve};
use clap::{Args, Parser, Subcommand};
use serde::Serialize;

/// The environment variable `create-staff` reads the password from (else the first line of
/// standard input). Never a flag: arguments are visible to every user of the machine.
const PASSWORD_ENV: &str = "ALYZE_STAFF_PASSWORD";

#[derive(Debug, Parser)]
#[command(
    name = "alyze-server",
    version,
    about = "The alyze clinic server. Without a subcommand it serves the API; with one it \
             administers the database (SQLite in --data-dir, or PostgreSQL at --database-url) and exits."
)]
struct Cli {
    /// The folder holding the embedded SQLite database (created, owner-only, if missing).
    #[arg(long, env = "ALYZE_SERVER_DATA_DIR", global = true)]
    data_dir: Option<PathBuf>,
    /// Use PostgreSQL at this URL (postgres://user:password@host:port/dbname) instead of SQLite
    /// in a data dir. Prefer the environment variable: arguments are visible to every user of
    /// the machine, and the URL may hold a password.
    #[arg(
        long,
        env = "ALYZE_DATABASE_URL",
        global = true,
        hide_env_values = true,
        conflicts_with = "data_dir"
    )]
    database_url: Option<String>,
    /// The most PostgreSQL connections the server holds at once.
    #[arg(long, env = "ALYZE_DATABASE_POOL_SIZE", global = true,
          default_value_t = DEFAULT_DATABASE_POOL_SIZE,
          value_parser = clap::value_parser!(u64).range(1..))]
    database_pool_size: u64,
    /// Print machine-readable JSON on standard output.
    #[arg(long, global = true)]
    json: bool,
    #[command(flatten)]
    argon2: Argon2Args,
    #[command(flatten)]
    serve: ServeArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

/// The Argon2id cost of staff passwords hashed from now on (by `create-staff`; the server uses it
/// for its timing decoy). Defaults: OWASP's minimum.
#[derive(Debug, Args)]
struct Argon2Args {
    /// Argon2id memory in KiB.
    #[arg(long, env = "ALYZE_ARGON2_MEMORY_KIB", global = true,
          default_value_t = Argon2Settings::default().memory_kib)]
    argon2_memory_kib: u32,
    /// Argon2id passes.
    #[arg(long, env = "ALYZE_ARGON2_ITERATIONS", global = true,
          default_value_t = Argon2Settings::default().iterations)]
    argon2_iterations: u32,
    /// Argon2id lanes.
    #[arg(long, env = "ALYZE_ARGON2_PARALLELISM", global = true,
          default_value_t = Argon2Settings::default().parallelism)]
    argon2_parallelism: u32,
}

impl Argon2Args {
    fn settings(&self) -> Argon2Settings {
        Argon2Settings {
            memory_kib: self.argon2_memory_kib,
            iterations: self.argon2_iterations,
            parallelism: self.argon2_parallelism,
        }
    }
}

/// What `serve` (no subcommand) is tuned with.
#[derive(Debug, Args)]
struct ServeArgs {
    /// The address to listen on; port 0 picks a free port (printed on start).
    #[arg(long, env = "ALYZE_SERVER_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Access-token lifetime in seconds.
    #[arg(long, env = "ALYZE_ACCESS_TOKEN_TTL_SECS",
          default_value_t = Settings::default().access_token_ttl.as_secs())]
    access_token_ttl_secs: u64,
    /// Refresh-token lifetime in seconds.
    #[arg(long, env = "ALYZE_REFRESH_TOKEN_TTL_SECS",
          default_value_t = Settings::default().refresh_token_ttl.as_secs())]
    refresh_token_ttl_secs: u64,
    /// How long after a refresh its token may be presented again, when its answer was never used
    /// (a retry after a lost answer), in seconds; 0 takes every second use for a replay.
    #[arg(long, env = "ALYZE_REFRESH_RETRY_GRACE_SECS",
          default_value_t = Settings::default().refresh_retry_grace.as_secs())]
    refresh_retry_grace_secs: u64,
    /// Auth requests a client address may make at once.
    #[arg(long, env = "ALYZE_AUTH_RATE_BURST",
          default_value_t = RateLimitSettings::default().burst,
          value_parser = clap::value_parser!(u32).range(1..))]
    auth_rate_burst: u32,
    /// Auth requests a client address regains per minute.
    #[arg(long, env = "ALYZE_AUTH_RATE_REFILL_PER_MINUTE",
          default_value_t = RateLimitSettings::default().refill_per_minute,
          value_parser = clap::value_parser!(u32).range(1..))]
    auth_rate_refill_per_minute: u32,
    /// Staff-login password checks that may run at once (each holds the Argon2 memory).
    #[arg(long, env = "ALYZE_CONCURRENT_PASSWORD_CHECKS",
          default_value_t = Settings::default().concurrent_password_checks as u64,
          value_parser = clap::value_parser!(u64).range(1..))]
    concurrent_password_checks: u64,
    /// The longest device name accepted at enrolment, in characters.
    #[arg(long, env = "ALYZE_MAX_DEVICE_NAME_CHARS",
          default_value_t = Settings::default().max_device_name_chars)]
    max_device_name_chars: usize,
    /// Days a tombstone is kept before the server's own purge removes it.
    #[arg(long, env = "ALYZE_TOMBSTONE_RETENTION_DAYS",
          default_value_t = DEFAULT_TOMBSTONE_RETENTION.as_secs() / 86_400)]
    tombstone_retention_days: u64,
    /// Seconds between the server's purges of old tombstones (the first at start); 0: none (run
    /// `purge-tombstones` instead).
    #[arg(long, env = "ALYZE_PURGE_INTERVAL_SECS",
          default_value_t = DEFAULT_PURGE_INTERVAL.as_secs())]
    purge_interval_secs: u64,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Add a clinic; prints its id.
    #[command(name = "create-clinic")]
    Clinic {
        /// The clinic's name.
        #[arg(long)]
        name: String,
    },
    /// Add a staff member to a clinic. The password is read from ALYZE_STAFF_PASSWORD, else from
    /// the first line of standard input (at least 12 characters).
    #[command(name = "create-staff")]
    Staff {
        /// The clinic's id.
        #[arg(long)]
        clinic: String,
        /// The address they log in with.
        #[arg(long)]
        email: String,
        /// Their role.
        #[arg(long, value_enum)]
        role: StaffRole,
    },
    /// Add a member to a clinic; prints their id.
    #[command(name = "create-member")]
    Member {
        /// The clinic's id.
        #[arg(long)]
        clinic: String,
        /// The name the clinic knows them by.
        #[arg(long)]
        name: String,
    },
    /// Make a one-time enrolment code for a member; prints it (it is stored only as a hash).
    #[command(name = "create-code")]
    Code {
        /// The member's id.
        #[arg(long)]
        member: String,
        /// Hours until the code stops working (default 7 days).
        #[arg(long, default_value_t = DEFAULT_ENROLMENT_CODE_TTL.as_secs() / 3600)]
        expires_in_hours: u64,
    },
    /// Replace the sync epoch, after restoring the database from a backup: every phone then
    /// pulls everything again and re-pushes what it wrote. Prints the new epoch.
    #[command(name = "new-epoch")]
    NewEpoch,
    /// Remove deleted records' tombstones older than the retention; a phone that has not synced
    /// since then resyncs. Prints how many were removed. Run it daily (cron or a systemd timer).
    #[command(name = "purge-tombstones")]
    PurgeTombstones {
        /// Days a tombstone is kept.
        #[arg(long, env = "ALYZE_TOMBSTONE_RETENTION_DAYS",
              default_value_t = DEFAULT_TOMBSTONE_RETENTION.as_secs() / 86_400)]
        retention_days: u64,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, not in a log file or a test's pipe.
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("alyze-server: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let argon2 = cli.argon2.settings();
    let db = open_db(cli.data_dir, cli.database_url, cli.database_pool_size).await?;
    let json = cli.json;
    match cli.command {
        None => run_server(db, cli.serve, argon2, json).await,
        Some(Command::Clinic { name }) => {
            let created = admin::create_clinic(&db, &name).await.map_err(err)?;
            print(json, &created, &format!("clinic {}", created.clinic_id))
        }
        Some(Command::Staff {
            clinic,
            email,
            role,
        }) => {
            let password = read_password()?;
            let created = admin::create_staff(&db, &clinic, &email, role, password, argon2)
                .await
                .map_err(err)?;
            let text = format!("staff {} ({})", created.staff_id, created.role.as_str());
            print(json, &created, &text)
        }
        Some(Command::Member { clinic, name }) => {
            let created = admin::create_member(&db, &clinic, &name)
                .await
                .map_err(err)?;
            print(json, &created, &format!("member {}", created.member_id))
        }
        Some(Command::Code {
            member,
            expires_in_hours,
        }) => {
            let ttl = Duration::from_secs(expires_in_hours.saturating_mul(3600));
            let created = admin::create_code(&db, &member, ttl).await.map_err(err)?;
            let text = format!(
                "enrolment code {} (expires {})",
                created.code, created.expires_at
            );
            print(json, &created, &text)
        }
        Some(Command::NewEpoch) => {
            let created = admin::new_epoch(&db).await.map_err(err)?;
            print(json, &created, &format!("sync epoch {}", created.epoch))
        }
        Some(Command::PurgeTombstones { retention_days }) => {
            let retention = Duration::from_secs(retention_days.saturating_mul(86_400));
            let purged = admin::purge_tombstones(&db, retention).await.map_err(err)?;
            let text = format!(
                "purged {} tombstones of {} members",
                purged.tombstones, purged.members
            );
            print(json, &purged, &text)
        }
    }
}

async fn run_server(
    db: Db,
    args: ServeArgs,
    argon2: Argon2Settings,
    json: bool,
) -> Result<(), String> {
    let settings = Settings {
        access_token_ttl: Duration::from_secs(args.access_token_ttl_secs),
        refresh_token_ttl: Duration::from_secs(args.refresh_token_ttl_secs),
        refresh_retry_grace: Duration::from_secs(args.refresh_retry_grace_secs),
        auth_rate_limit: RateLimitSettings {
            burst: args.auth_rate_burst,
            refill_per_minute: args.auth_rate_refill_per_minute,
        },
        argon2,
        concurrent_password_checks: usize::try_from(args.concurrent_password_checks)
            .unwrap_or(usize::MAX),
        max_device_name_chars: args.max_device_name_chars,
    };
    let state = tokio::task::spawn_blocking(move || AppState::new(db, settings))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    // The first line of output says where the server is (the port, when 0 was asked for).
    #[derive(Serialize)]
    struct Listening {
        listening: SocketAddr,
    }
    print(
        json,
        &Listening { listening: addr },
        &format!("listening on http://{addr}"),
    )?;
    tracing::info!(%addr, "serving");
    let purging = (args.purge_interval_secs > 0).then(|| {
        tokio::spawn(admin::purge_periodically(
            state.clone(),
            Duration::from_secs(args.tombstone_retention_days.saturating_mul(86_400)),
            Duration::from_secs(args.purge_interval_secs),
        ))
    });
    let served = serve(listener, state, shutdown_signal()).await;
    if let Some(purging) = purging {
        purging.abort();
    }
    served.map_err(|e| e.to_string())?;
    tracing::info!("stopped");
    Ok(())
}

/// PostgreSQL when a URL is given, else SQLite in the data dir; migrated either way.
async fn open_db(
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    pool_size: u64,
) -> Result<Db, String> {
    if let Some(url) = database_url {
        let pool_size = usize::try_from(pool_size).unwrap_or(usize::MAX);
        // The error never quotes the URL: it may hold a password.
        return Db::connect_postgres(&url, pool_size)
            .await
            .map_err(|e| format!("cannot open the PostgreSQL database: {e}"));
    }
    let data_dir = data_dir.ok_or(
        "--data-dir (or ALYZE_SERVER_DATA_DIR) is required, or --database-url \
         (ALYZE_DATABASE_URL) for PostgreSQL",
    )?;
    tokio::task::spawn_blocking(move || Db::open_sqlite_in(&data_dir))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("cannot open the database: {e}"))
}

/// Completes on Ctrl-C or (on Unix) SIGTERM; requests in flight then finish before exit.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

fn read_password() -> Result<String, String> {
    if let Ok(password) = std::env::var(PASSWORD_ENV) {
        return Ok(password);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn err(e: admin::AdminError) -> String {
    e.to_string()
}

fn print(json: bool, value: &impl Serialize, text: &str) -> Result<(), String> {
    let line = if json {
        serde_json::to_string(value).map_err(|e| e.to_string())?
    } else {
        text.to_owned()
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")
        .and_then(|()| out.flush())
        .map_err(|e| e.to_string())
}
