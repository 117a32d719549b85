//! A PostgreSQL database of a test's own: made with a random name on the server that
//! `ALYZE_TEST_DATABASE_URL` names (an administrator's URL, on loopback), and dropped when the
//! test ends, passed or failed, so tests run in parallel without seeing each other's rows.

use std::time::Duration;

use alyze_server::Db;
use tokio_postgres::{Client, NoTls};

/// The variable naming the server the tests make their databases on.
pub const URL_ENV: &str = "ALYZE_TEST_DATABASE_URL";

/// Connections each test server's pool may hold: enough for the tests' concurrent requests,
/// few enough for many tests at once under PostgreSQL's default limit of 100.
const POOL_SIZE: usize = 4;

/// The administrator's URL. Panics without it: a test that got here was meant to run on
/// PostgreSQL (in CI, or run with `--ignored`), and must fail rather than pass untested.
pub fn admin_url() -> String {
    match std::env::var(URL_ENV) {
        Ok(url) if !url.trim().is_empty() => url,
        _ => panic!(
            "{URL_ENV} is not set: the PostgreSQL tests need a server to make databases on \
             (start one with `scripts/test-postgres start`)"
        ),
    }
}

/// `url` with its database name replaced by `name` (query parameters kept).
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority = base
        .find("://")
        .map(|i| i + 3)
        .unwrap_or_else(|| panic!("{URL_ENV} must be a postgres:// URL"));
    let path = base[authority..]
        .find('/')
        .map_or(base.len(), |i| authority + i);
    let mut out = format!("{}/{name}", &base[..path]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// A connection (its driver spawned on the current runtime).
pub async fn connect(url: &str) -> Client {
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to the test PostgreSQL: {e}"));
    tokio::spawn(connection);
    client
}

/// A fresh database, dropped on drop.
pub struct TestDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl TestDatabase {
    pub async fn create() -> Self {
        let admin_url = admin_url();
        let suffix: String = alyze_server::random::bytes::<8>()
            .unwrap()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let name = format!("alyze_test_{suffix}");
        connect(&admin_url)
            .await
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        let url = with_database(&admin_url, &name);
        Self {
            admin_url,
            name,
            url,
        }
    }

    /// The database's own URL (what `--database-url` is given).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The server's storage on this database, migrated.
    pub async fn connect(&self) -> Db {
        Db::connect_postgres(&self.url, POOL_SIZE).await.unwrap()
    }

    /// A plain connection to this database, for checks around the server.
    pub async fn client(&self) -> Client {
        connect(&self.url).await
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop runs inside the test's runtime, which cannot be blocked on: a thread with a
        // runtime of its own drops the database. FORCE ends the server's pooled connections.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let client = connect(&admin_url).await;
                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                tokio::time::timeout(Duration::from_secs(30), client.batch_execute(&sql)).await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(Ok(())))) {
            eprintln!("could not drop the test database {}", self.name);
        }
    }
}
