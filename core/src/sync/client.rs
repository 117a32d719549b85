//! The HTTP side of sync: enrolment, token refresh, push and pull against the clinic server, each
//! answer sorted into what the engine does next (`Failure`), and ending a login at sign-out.
//!
//! TLS: reqwest's rustls backend with the platform's certificate verifier (the OS trust store, as
//! the phones' own apps use, and with them a clinic's own certificate authority that a device
//! trusts). Chosen over reqwest 0.12 with bundled web roots for that reason. On Android the
//! verifier needs a one-time initialisation with the app's context, which the Android shell does
//! at start (`bindings/src/android.rs`, Kotlin `PlatformTls`).

use std::time::Duration;

use chrono::Utc;
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, RETRY_AFTER};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::SyncError;
use super::credentials::Credentials;
use super::settings::SyncSettings;
use super::wire::{
    EnrolRequest, EnrolResponse, ErrorBody, PullRequest, PullResponse, PushRequest, PushResponse,
    RefreshRequest, TokenPair,
};

/// Why a request did not give its answer.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Worth retrying: the network, a timeout, a 5xx, a 429 (with the server's wait, if given).
    Transient(Option<Duration>),
    /// The access token was refused.
    Unauthorized,
    /// The server cannot serve the cursor (`409 resync_required`).
    ResyncRequired,
    /// Anything else: retrying would give the same answer.
    Fatal(SyncError),
}

/// What a pull answered.
#[derive(Debug)]
pub(crate) enum Pulled {
    /// A page of changes.
    Page(PullResponse),
    /// The server asks for a resync.
    ResyncRequired,
}

/// The clinic server at one base URL.
#[derive(Debug, Clone)]
pub struct ServerClient {
    http: reqwest::Client,
    base: String,
}

impl ServerClient {
    /// A client of the server at `base_url` (`http://` or `https://`; `http` is for loopback
    /// and tests, a deployment puts TLS in front).
    pub fn new(base_url: &str, settings: &SyncSettings) -> Result<Self, SyncError> {
        let base = base_url.trim_end_matches('/').to_owned();
        let parsed = reqwest::Url::parse(&base).map_err(|_| SyncError::InvalidUrl)?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
            return Err(SyncError::InvalidUrl);
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_millis(settings.connect_timeout_ms))
            .timeout(Duration::from_millis(settings.request_timeout_ms))
            .build()
            .map_err(|_| SyncError::Network { what: "setting up" })?;
        Ok(Self { http, base })
    }

    /// The server's base URL, as the credentials keep it.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Enrols this device with the clinic's one-time `code`.
    pub async fn enrol(&self, code: &str, device_name: &str) -> Result<Credentials, SyncError> {
        let request = EnrolRequest {
            code: code.to_owned(),
            device_name: device_name.to_owned(),
        };
        match self
            .post::<_, EnrolResponse>("/v1/enrol", None, &request)
            .await
        {
            Ok(answer) => Ok(Credentials {
                server_url: self.base.clone(),
                member_id: answer.member_id,
                device_id: answer.device_id,
                access_expires_at_ms: expires_at(&answer.tokens),
                access_token: answer.tokens.access_token,
                refresh_token: answer.tokens.refresh_token,
            }),
            Err(Failure::Unauthorized) => Err(SyncError::CodeRefused),
            Err(Failure::Transient(_)) => Err(SyncError::Network {
                what: "enrolling (the server did not answer; try again)",
            }),
            Err(Failure::ResyncRequired) => Err(SyncError::Protocol {
                what: "an enrolment answered resync",
            }),
            Err(Failure::Fatal(e)) => Err(e),
        }
    }

    /// Rotates the tokens of `credentials` in place.
    pub(crate) async fn refresh(&self, credentials: &mut Credentials) -> Result<(), Failure> {
        let request = RefreshRequest {
            refresh_token: credentials.refresh_token.clone(),
        };
        let tokens: TokenPair = self.post("/v1/token/refresh", None, &request).await?;
        credentials.access_expires_at_ms = expires_at(&tokens);
        credentials.access_token = tokens.access_token;
        credentials.refresh_token = tokens.refresh_token;
        Ok(())
    }

    /// Pushes one batch of ops.
    pub(crate) async fn push(
        &self,
        access_token: &str,
        request: &PushRequest,
    ) -> Result<PushResponse, Failure> {
        self.post("/v1/sync/push", Some(access_token), request)
            .await
    }

    /// Pulls one page.
    pub(crate) async fn pull(
        &self,
        access_token: &str,
        request: &PullRequest,
    ) -> Result<Pulled, Failure> {
        match self
            .post("/v1/sync/pull", Some(access_token), request)
            .await
        {
            Ok(page) => Ok(Pulled::Page(page)),
            Err(Failure::ResyncRequired) => Ok(Pulled::ResyncRequired),
            Err(other) => Err(other),
        }
    }

    async fn post<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        path: &str,
        access_token: Option<&str>,
        body: &Req,
    ) -> Result<Resp, Failure> {
        let mut request = self.http.post(format!("{}{path}", self.base)).json(body);
        if let Some(token) = access_token {
            request = request.header(AUTHORIZATION, format!("Bearer {token}"));
        }
        // reqwest's errors can quote the URL; the kind is enough and safe to show.
        let response = request.send().await.map_err(|_| Failure::Transient(None))?;
        let status = response.status();
        if status.is_success() {
            // An answer cut short (the connection dropped mid-body) is the network's fault and
            // worth a retry; a whole answer that is not the protocol's is not.
            let body = response
                .bytes()
                .await
                .map_err(|_| Failure::Transient(None))?;
            return serde_json::from_slice::<Resp>(&body).map_err(|_| {
                Failure::Fatal(SyncError::Protocol {
                    what: "an answer that is not the expected JSON",
                })
            });
        }
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .map(Duration::from_secs);
        Err(match status {
            StatusCode::UNAUTHORIZED => Failure::Unauthorized,
            StatusCode::TOO_MANY_REQUESTS | StatusCode::REQUEST_TIMEOUT => {
                Failure::Transient(retry_after)
            }
            StatusCode::CONFLICT => {
                let body: Option<ErrorBody> = response.json().await.ok();
                match body {
                    Some(b) if b.error == "resync_required" => Failure::ResyncRequired,
                    _ => Failure::Fatal(SyncError::Server {
                        status: status.as_u16(),
                    }),
                }
            }
            s if s.is_server_error() => Failure::Transient(retry_after),
            s => Failure::Fatal(SyncError::Server { status: s.as_u16() }),
        })
    }
}

/// When `tokens`' access token expires, UTC ms.
fn expires_at(tokens: &TokenPair) -> i64 {
    let lifetime_ms = i64::try_from(tokens.access_expires_in.saturating_mul(1000)).unwrap_or(0);
    Utc::now().timestamp_millis().saturating_add(lifetime_ms)
}

/// Ends the login of `credentials` on its server (`POST /v1/token/revoke`), as a device signing
/// out does: its tokens then work nowhere, whoever holds a copy (a backup, a lost phone). One
/// attempt, waiting at most [`SyncSettings::sign_out_wait_ms`]: a sign-out does not hang on a
/// dead network, and the caller signs out here either way.
pub async fn end_login(
    credentials: &Credentials,
    settings: &SyncSettings,
) -> Result<(), SyncError> {
    let client = ServerClient::new(&credentials.server_url, settings)?;
    let request = RefreshRequest {
        refresh_token: credentials.refresh_token.clone(),
    };
    let response = client
        .http
        .post(format!("{}/v1/token/revoke", client.base))
        .json(&request)
        .timeout(Duration::from_millis(settings.sign_out_wait_ms))
        .send()
        .await
        .map_err(|_| SyncError::Network {
            what: "ending the login on the server",
        })?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(SyncError::Server {
            status: status.as_u16(),
        })
    }
}
