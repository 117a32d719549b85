//! A real server on a loopback port in this process (`app::serve` on 127.0.0.1:0, the same path as
//! the binary's), a data dir of its own, an HTTP client, and shortcuts to set up clinics, staff,
//! members and codes through the admin functions the subcommands use.

#![allow(dead_code)] // Each test file uses a different part of this.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::time::Duration;

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

pub struct TestServer {
    pub url: String,
    pub state: AppState,
    pub http: reqwest::Client,
    dir: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
}

impl TestServer {
    pub async fn start(settings: Settings) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open_sqlite_in(dir.path()).unwrap();
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
            dir,
            stop: Some(stop),
        }
    }

    pub fn db(&self) -> &Db {
        self.state.db()
    }

    /// The SQLite file, for checks that go around the API on purpose.
    pub fn db_file(&self) -> PathBuf {
        self.dir.path().join(alyze_server::db::sqlite::FILE_NAME)
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

pub fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("no {key} in {v}"))
}
