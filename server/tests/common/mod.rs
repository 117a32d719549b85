//! A real server on a loopback port in this process (`app::serve` on 127.0.0.1:0, the same path as
//! the binary's), a database of its own on either backend, an HTTP client, and shortcuts to set up
//! clinics, staff, members and codes through the admin functions the subcommands use.
//!
//! Every test runs on both backends: `on_both_backends!` turns each `async fn NAME(backend)` into
//! the tests `NAME::sqlite` and `NAME::postgres`. The PostgreSQL ones need a server to make
//! databases on (`postgres::TestDatabase`); when none is configured they are reported as ignored,
//! except in CI, where they run and fail.

#![allow(dead_code)] // Each test file uses a different part of this.
#![allow(unused_macros, unused_imports)] // Likewise for the macro.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod binary;
pub mod postgres;

use std::time::Duration;

use alyze_server::db::sqlite::FILE_NAME;
use alyze_server::settings::{Argon2Settings, RateLimitSettings};
use alyze_server::tenancy::StaffRole;
use alyze_server::{AppState, Db, Settings, admin};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use tokio::sync::oneshot;

pub const PASSWORD: &str = "correct horse battery staple";

/// Settings for tests: cheap Argon2 and a rate limit no ordinary test reaches.
pub fn settings() -> Settings {
    Settings {
        argon2: Argon2Settings::cheapest(),
        auth_rate_limit: RateLimitSettings {
            burst: 1_000,
            refill_per_minute: 1_000,
        },
        ..Settings::default()
    }
}

/// Which storage a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite in a temporary data dir.
    Sqlite,
    /// A fresh PostgreSQL database on the server `ALYZE_TEST_DATABASE_URL` names.
    Postgres,
}

/// Turns each `async fn NAME(backend: Backend)` of the calling file into two tests, `NAME::sqlite`
/// and `NAME::postgres`. The PostgreSQL test is ignored (with the reason shown by `cargo test`)
/// unless the build saw `ALYZE_TEST_DATABASE_URL` or `CI` (`server/build.rs`): in CI it runs,
/// and fails without a database, so a missing PostgreSQL never passes as a skipped test.
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name(crate::common::Backend::Sqlite).await
            }

            #[tokio::test]
            #[cfg_attr(
                not(alyze_postgres_tests),
                ignore = "no PostgreSQL: set ALYZE_TEST_DATABASE_URL (see scripts/test-postgres)"
            )]
            async fn postgres() {
                super::$name(crate::common::Backend::Postgres).await
            }
        }
    )+};
}
pub(crate) use on_both_backends;

/// Where a test server keeps its data; dropped (the PostgreSQL database too) with the server.
enum Storage {
    Sqlite(tempfile::TempDir),
    Postgres(postgres::TestDatabase),
}

pub struct TestServer {
    pub url: String,
    pub state: AppState,
    pub http: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    // Last: dropped after the server has been told to stop.
    storage: Storage,
}

impl TestServer {
    pub async fn start(backend: Backend, settings: Settings) -> Self {
        let (db, storage) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                (
                    Db::open_sqlite_in(dir.path()).unwrap(),
                    Storage::Sqlite(dir),
                )
            }
            Backend::Postgres => {
                let database = postgres::TestDatabase::create().await;
                (database.connect().await, Storage::Postgres(database))
            }
        };
        let state = AppState::new(db, settings).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(alyze_server::serve(listener, state.clone(), async {
            let _ = stopped.await;
        }));
        Self {
            url,
            state,
            http: reqwest::Client::new(),
            stop: Some(stop),
            storage,
        }
    }

    pub fn db(&self) -> &Db {
        self.state.db()
    }

    /// Runs `sql` on a connection of its own, around the API on purpose (to try what the server
    /// never does); the database's error text when it refuses.
    pub async fn execute_directly(&self, sql: &str) -> Result<(), String> {
        match &self.storage {
            Storage::Sqlite(dir) => {
                let conn = rusqlite::Connection::open(dir.path().join(FILE_NAME)).unwrap();
                conn.execute_batch(sql).map_err(|e| e.to_string())
            }
            Storage::Postgres(database) => {
                let client = database.client().await;
                client.batch_execute(sql).await.map_err(|e| {
                    e.as_db_error()
                        .map_or_else(|| e.to_string(), |db| db.message().to_owned())
                })
            }
        }
    }

    /// The audit log, read directly: (staff id, member id, action) in the order written.
    pub async fn audit_rows(&self) -> Vec<(String, String, String)> {
        let sql = "SELECT staff_id, member_id, action FROM audit_log ORDER BY id";
        match &self.storage {
            Storage::Sqlite(dir) => {
                let conn = rusqlite::Connection::open(dir.path().join(FILE_NAME)).unwrap();
                let mut stmt = conn.prepare(sql).unwrap();
                stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap()
            }
            Storage::Postgres(database) => database
                .client()
                .await
                .query(sql, &[])
                .await
                .unwrap()
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2)))
                .collect(),
        }
    }

    /// One integer from `sql` (a count, a sum), read directly.
    pub async fn scalar(&self, sql: &str) -> i64 {
        match &self.storage {
            Storage::Sqlite(dir) => {
                let conn = rusqlite::Connection::open(dir.path().join(FILE_NAME)).unwrap();
                conn.query_row(sql, [], |r| r.get(0)).unwrap()
            }
            Storage::Postgres(database) => database
                .client()
                .await
                .query_one(sql, &[])
                .await
                .unwrap()
                .get(0),
        }
    }

    pub async fn clinic(&self, name: &str) -> String {
        admin::create_clinic(self.db(), name)
            .await
            .unwrap()
            .clinic_id
    }

    pub async fn member(&self, clinic_id: &str, name: &str) -> String {
        admin::create_member(self.db(), clinic_id, name)
            .await
            .unwrap()
            .member_id
    }

    pub async fn code(&self, member_id: &str) -> String {
        admin::create_code(self.db(), member_id, Duration::from_secs(3600))
            .await
            .unwrap()
            .code
    }

    pub async fn staff(&self, clinic_id: &str, email: &str) -> String {
        admin::create_staff(
            self.db(),
            clinic_id,
            email,
            StaffRole::Clinician,
            PASSWORD.to_owned(),
            Argon2Settings::cheapest(),
        )
        .await
        .unwrap()
        .staff_id
    }

    /// A staff member with the admin role.
    pub async fn admin_staff(&self, clinic_id: &str, email: &str) -> String {
        admin::create_staff(
            self.db(),
            clinic_id,
            email,
            StaffRole::Admin,
            PASSWORD.to_owned(),
            Argon2Settings::cheapest(),
        )
        .await
        .unwrap()
        .staff_id
    }

    /// `method` on `path` with a bearer token and a JSON body.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<&Value>,
    ) -> Response {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.url))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.unwrap()
    }

    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.http
            .post(format!("{}{path}", self.url))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.http
            .get(format!("{}{path}", self.url))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    /// Enrols a device with `code`; the response body on success.
    pub async fn enrol(&self, code: &str) -> Value {
        let r = self
            .post(
                "/v1/enrol",
                json!({"code": code, "device_name": "Test phone"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        r.json().await.unwrap()
    }

    /// A member of a new clinic with an enrolled device: (member id, enrol response).
    pub async fn enrolled_member(&self, clinic_id: &str, name: &str) -> (String, Value) {
        let member = self.member(clinic_id, name).await;
        let code = self.code(&member).await;
        (member, self.enrol(&code).await)
    }

    /// Logs a staff member in; the response body on success.
    pub async fn login(&self, email: &str) -> Value {
        let r = self
            .post(
                "/v1/staff/login",
                json!({"email": email, "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        r.json().await.unwrap()
    }

    pub async fn refresh(&self, refresh_token: &str) -> Response {
        self.post("/v1/token/refresh", json!({"refresh_token": refresh_token}))
            .await
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Asserts the API's error shape and code; returns the message.
pub async fn error_code(r: Response, status: StatusCode, code: &str) -> String {
    assert_eq!(r.status(), status);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], code, "body: {body}");
    body["message"].as_str().unwrap().to_owned()
}

/// Asserts a 401 with the `unauthorized` code: a token refused, whatever the reason.
pub async fn unauthorized(r: Response) {
    error_code(r, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

pub fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("no {key} in {v}"))
}
