//! Enrolment, token refresh with rotation and reuse detection, token expiry, staff login and the
//! auth rate limit, over HTTP against an in-process server on loopback, on both backends.

// Test helpers outside `#[test]` functions fail loudly on purpose.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use alyze_server::Settings;
use alyze_server::admin;
use alyze_server::settings::RateLimitSettings;
use common::{
    Backend, PASSWORD, TestServer, error_code, on_both_backends, settings, str_of, unauthorized,
};
use reqwest::StatusCode;
use reqwest::header::{RETRY_AFTER, WWW_AUTHENTICATE};
use serde_json::json;

async fn enrolment_gives_tokens_that_work_and_the_code_works_once(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let clinic = s.clinic("North").await;
    let member = s.member(&clinic, "Ada").await;
    let code = s.code(&member).await;

    // Typed loosely: lower case, spaces for dashes.
    let typed = code.to_lowercase().replace('-', " ");
    let body = s.enrol(&typed).await;
    assert_eq!(str_of(&body, "member_id"), member);
    assert_eq!(body["access_expires_in"], 900);
    let access = str_of(&body, "access_token");
    assert_ne!(access, str_of(&body, "refresh_token"));

    let me: serde_json::Value = s.get("/v1/me", access).await.json().await.unwrap();
    assert_eq!(me["member_id"], member.as_str());
    assert_eq!(me["display_name"], "Ada");
    assert_eq!(me["clinic_name"], "North");
    assert_eq!(me["device_id"], body["device_id"]);

    let again = s
        .post(
            "/v1/enrol",
            json!({"code": code, "device_name": "Second phone"}),
        )
        .await;
    error_code(again, StatusCode::UNAUTHORIZED, "invalid_code").await;
}

async fn expired_unknown_and_malformed_codes_are_refused_alike(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let clinic = s.clinic("North").await;
    let member = s.member(&clinic, "Ada").await;
    let expired = admin::create_code(s.db(), &member, Duration::ZERO)
        .await
        .unwrap()
        .code;
    for code in [expired.as_str(), "ABCD-EFGH-JKMN", "not a code"] {
        let r = s
            .post("/v1/enrol", json!({"code": code, "device_name": "Phone"}))
            .await;
        error_code(r, StatusCode::UNAUTHORIZED, "invalid_code").await;
    }
}

async fn device_name_is_required_and_bounded(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let clinic = s.clinic("North").await;
    let member = s.member(&clinic, "Ada").await;
    let code = s.code(&member).await;
    for name in ["   ".to_owned(), "x".repeat(101)] {
        let r = s
            .post("/v1/enrol", json!({"code": code, "device_name": name}))
            .await;
        error_code(r, StatusCode::BAD_REQUEST, "invalid_request").await;
    }
    // The refused attempts did not spend the code.
    s.enrol(&code).await;
}

async fn refresh_rotates_and_reuse_revokes_the_whole_login(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let clinic = s.clinic("North").await;
    let (member, first) = s.enrolled_member(&clinic, "Ada").await;
    let r0 = str_of(&first, "refresh_token").to_owned();

    let second: serde_json::Value = s.refresh(&r0).await.json().await.unwrap();
    let r1 = str_of(&second, "refresh_token").to_owned();
    assert_ne!(r1, r0);
    let third: serde_json::Value = s.refresh(&r1).await.json().await.unwrap();
    let r2 = str_of(&third, "refresh_token").to_owned();
    let a2 = str_of(&third, "access_token").to_owned();
    assert_eq!(s.get("/v1/me", &a2).await.status(), StatusCode::OK);

    // A second device of the same member: a login of its own.
    let other = s.enrol(&s.code(&member).await).await;

    // r0 was spent: presenting it again revokes every token of that login.
    unauthorized(s.refresh(&r0).await).await;
    unauthorized(s.refresh(&r2).await).await;
    let r = s.get("/v1/me", &a2).await;
    assert!(r.headers().contains_key(WWW_AUTHENTICATE));
    unauthorized(r).await;

    // The other device is untouched.
    let other_access = str_of(&other, "access_token");
    assert_eq!(s.get("/v1/me", other_access).await.status(), StatusCode::OK);
    let rotated = s.refresh(str_of(&other, "refresh_token")).await;
    assert_eq!(rotated.status(), StatusCode::OK);
}

/// Racing requests with one secret: exactly one wins (with no grace for a retried refresh, which
/// the next test covers). On PostgreSQL the losers' transactions are aborted as serialization
/// failures and retried (`db::postgres::retry`); without the retry they would answer 500.
async fn racing_uses_of_one_code_or_refresh_token_succeed_once(backend: Backend) {
    const RACERS: usize = 8;
    let no_grace = Settings {
        refresh_retry_grace: Duration::ZERO,
        ..settings()
    };
    let s = TestServer::start(backend, no_grace).await;
    let clinic = s.clinic("North").await;
    let member = s.member(&clinic, "Ada").await;
    let code = s.code(&member).await;

    let one_win = [[200].as_slice(), &[401; RACERS - 1]].concat();

    let bodies = (0..RACERS)
        .map(|i| json!({"code": code, "device_name": format!("Phone {i}")}))
        .collect();
    let (statuses, enrolled) = race(&s, "/v1/enrol", bodies).await;
    assert_eq!(statuses, one_win);
    let enrolled = enrolled.unwrap();

    let refresh = str_of(&enrolled, "refresh_token");
    let bodies = vec![json!({"refresh_token": refresh}); RACERS];
    let (statuses, rotated) = race(&s, "/v1/token/refresh", bodies).await;
    assert_eq!(statuses, one_win);
    // The losers presented a token that had just been spent: a reuse, so the winner's new pair
    // belongs to a revoked login.
    let r = s
        .get("/v1/me", str_of(&rotated.unwrap(), "access_token"))
        .await;
    unauthorized(r).await;
}

/// Posts `body` to `path` from `RACERS` tasks at once; the status codes, sorted, and the body of
/// the first success.
async fn race(
    s: &TestServer,
    path: &str,
    bodies: Vec<serde_json::Value>,
) -> (Vec<u16>, Option<serde_json::Value>) {
    let mut tasks = tokio::task::JoinSet::new();
    for body in bodies {
        let request = s.http.post(format!("{}{path}", s.url)).json(&body);
        tasks.spawn(async move {
            let r = request.send().await.unwrap();
            let status = r.status().as_u16();
            (status, r.json::<serde_json::Value>().await.unwrap())
        });
    }
    let mut statuses = Vec::new();
    let mut winner = None;
    while let Some(done) = tasks.join_next().await {
        let (status, body) = done.unwrap();
        if status == 200 && winner.is_none() {
            winner = Some(body);
        }
        statuses.push(status);
    }
    statuses.sort_unstable();
    (statuses, winner)
}

/// A refresh whose answer is lost (the server rotated, the phone never heard back) is retried
/// with the same token within the grace window: the phone gets a new pair, as often as it has to
/// retry, and the lost answers stop working. Once the phone uses what it got, the old token is
/// spent for good: presenting it again is a replay and ends the login.
async fn a_refresh_retried_after_a_lost_answer_gets_a_new_pair(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let clinic = s.clinic("North").await;
    let (_, first) = s.enrolled_member(&clinic, "Ada").await;
    let r0 = str_of(&first, "refresh_token").to_owned();
    let refreshed = |r: reqwest::Response| async move {
        assert_eq!(r.status(), StatusCode::OK);
        let pair: serde_json::Value = r.json().await.unwrap();
        let token = |key| str_of(&pair, key).to_owned();
        (token("access_token"), token("refresh_token"))
    };

    let (lost_access, lost_refresh) = refreshed(s.refresh(&r0).await).await;
    let (also_lost_access, _) = refreshed(s.refresh(&r0).await).await;
    let (a3, r3) = refreshed(s.refresh(&r0).await).await;
    assert_ne!(r3, lost_refresh);
    assert_eq!(s.get("/v1/me", &a3).await.status(), StatusCode::OK);
    for retired in [&lost_access, &also_lost_access] {
        let r = s.get("/v1/me", retired).await;
        unauthorized(r).await;
    }

    // The phone uses its pair: r0 is now a replay, however soon, and ends the login.
    let (a4, _) = refreshed(s.refresh(&r3).await).await;
    unauthorized(s.refresh(&r0).await).await;
    unauthorized(s.get("/v1/me", &a4).await).await;
}

/// The grace does not let a copy of the token through unnoticed: a lost answer that turns up
/// later (someone received what the server took for lost) is a replay and ends the login, and so
/// does a retry past the window.
async fn a_retired_answer_or_a_late_retry_revokes_the_login(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let clinic = s.clinic("North").await;
    let (_, first) = s.enrolled_member(&clinic, "Ada").await;
    let r0 = str_of(&first, "refresh_token");
    let lost: serde_json::Value = s.refresh(r0).await.json().await.unwrap();
    let retried: serde_json::Value = s.refresh(r0).await.json().await.unwrap();
    let access = str_of(&retried, "access_token");
    assert_eq!(s.get("/v1/me", access).await.status(), StatusCode::OK);
    unauthorized(s.refresh(str_of(&lost, "refresh_token")).await).await;
    unauthorized(s.get("/v1/me", access).await).await;

    let short = Settings {
        refresh_retry_grace: Duration::from_millis(200),
        ..settings()
    };
    let s = TestServer::start(backend, short).await;
    let clinic = s.clinic("North").await;
    let (_, first) = s.enrolled_member(&clinic, "Ada").await;
    let r0 = str_of(&first, "refresh_token");
    assert_eq!(s.refresh(r0).await.status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(250)).await;
    unauthorized(s.refresh(r0).await).await;
    // Revoked, not merely refused: the retry within the window no longer helps either.
    let first_access = str_of(&first, "access_token");
    unauthorized(s.get("/v1/me", first_access).await).await;
}

/// Racing refreshes of one token within the grace: each is taken for a retry of the one before
/// and answered, and of all the pairs handed out exactly one still works.
async fn racing_retries_within_the_grace_leave_one_working_pair(backend: Backend) {
    const RACERS: usize = 8;
    let s = TestServer::start(backend, settings()).await;
    let clinic = s.clinic("North").await;
    let (_, first) = s.enrolled_member(&clinic, "Ada").await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..RACERS {
        let request = s
            .http
            .post(format!("{}/v1/token/refresh", s.url))
            .json(&json!({"refresh_token": str_of(&first, "refresh_token")}));
        tasks.spawn(async move {
            let r = request.send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            r.json::<serde_json::Value>().await.unwrap()
        });
    }
    let pairs = tasks.join_all().await;
    let mut working = 0;
    for pair in &pairs {
        if s.get("/v1/me", str_of(pair, "access_token")).await.status() == StatusCode::OK {
            working += 1;
        }
    }
    assert_eq!(working, 1);
}

/// Signing out ends the login on the server: none of its tokens works again, the member's other
/// devices keep theirs, and the answer is the same for an unknown token or a login already ended
/// (RFC 7009, 2.2).
async fn revoking_a_refresh_token_ends_its_login_only(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let clinic = s.clinic("North").await;
    let (member, first) = s.enrolled_member(&clinic, "Ada").await;
    let other = s.enrol(&s.code(&member).await).await;
    s.staff(&clinic, "grace@north.example").await;
    let login = s.login("grace@north.example").await;
    let r0 = str_of(&first, "refresh_token");
    let second: serde_json::Value = s.refresh(r0).await.json().await.unwrap();
    let access = str_of(&second, "access_token");
    assert_eq!(s.get("/v1/me", access).await.status(), StatusCode::OK);

    let revoke = |token: &str| s.post("/v1/token/revoke", json!({"refresh_token": token}));
    for token in [str_of(&second, "refresh_token"), r0, "unknown", ""] {
        let r = revoke(token).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.bytes().await.unwrap().is_empty());
    }
    unauthorized(s.get("/v1/me", access).await).await;
    unauthorized(s.refresh(str_of(&second, "refresh_token")).await).await;

    let other_access = str_of(&other, "access_token");
    assert_eq!(s.get("/v1/me", other_access).await.status(), StatusCode::OK);
    let staff_access = str_of(&login, "access_token");
    assert_eq!(
        s.get("/v1/clinic/members", staff_access).await.status(),
        StatusCode::OK
    );
    // A staff session ends the same way.
    assert_eq!(
        revoke(str_of(&login, "refresh_token")).await.status(),
        StatusCode::OK
    );
    unauthorized(s.get("/v1/clinic/members", staff_access).await).await;

    let r = s.post("/v1/token/revoke", json!({"token": "x"})).await;
    error_code(r, StatusCode::BAD_REQUEST, "invalid_request").await;
}

async fn unknown_refresh_tokens_and_access_tokens_as_refresh_are_refused(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let clinic = s.clinic("North").await;
    let (_, body) = s.enrolled_member(&clinic, "Ada").await;
    unauthorized(s.refresh("nonsense").await).await;
    let access = str_of(&body, "access_token");
    unauthorized(s.refresh(access).await).await;
    // Neither mistake revoked the login.
    assert_eq!(s.get("/v1/me", access).await.status(), StatusCode::OK);
}

async fn expired_access_and_refresh_tokens_are_refused(backend: Backend) {
    let s = TestServer::start(
        backend,
        Settings {
            access_token_ttl: Duration::ZERO,
            refresh_token_ttl: Duration::ZERO,
            ..settings()
        },
    )
    .await;
    let clinic = s.clinic("North").await;
    let (_, body) = s.enrolled_member(&clinic, "Ada").await;
    assert_eq!(body["access_expires_in"], 0);
    let r = s.get("/v1/me", str_of(&body, "access_token")).await;
    unauthorized(r).await;
    let r = s.refresh(str_of(&body, "refresh_token")).await;
    unauthorized(r).await;
}

async fn missing_or_malformed_authorization_is_401(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let r = s.http.get(format!("{}/v1/me", s.url)).send().await.unwrap();
    unauthorized(r).await;
    let r = s
        .http
        .get(format!("{}/v1/me", s.url))
        .header("Authorization", "Basic dXNlcjpwYXNz")
        .send()
        .await
        .unwrap();
    unauthorized(r).await;
    unauthorized(
        s.get("/v1/me", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
            .await,
    )
    .await;
}

async fn staff_login_and_refresh(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let clinic = s.clinic("North").await;
    let staff = s.staff(&clinic, "Grace@North.Example").await;

    // The address is matched case-insensitively.
    let body = s.login("  grace@north.example").await;
    assert_eq!(str_of(&body, "staff_id"), staff);
    assert_eq!(str_of(&body, "clinic_id"), clinic);
    assert_eq!(body["role"], "clinician");
    let access = str_of(&body, "access_token");
    let list = s.get("/v1/clinic/members", access).await;
    assert_eq!(list.status(), StatusCode::OK);

    let rotated = s.refresh(str_of(&body, "refresh_token")).await;
    assert_eq!(rotated.status(), StatusCode::OK);
    let rotated: serde_json::Value = rotated.json().await.unwrap();
    let list = s
        .get("/v1/clinic/members", str_of(&rotated, "access_token"))
        .await;
    assert_eq!(list.status(), StatusCode::OK);
}

async fn wrong_password_and_unknown_address_get_the_same_401(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let clinic = s.clinic("North").await;
    s.staff(&clinic, "grace@north.example").await;
    let wrong = s
        .post(
            "/v1/staff/login",
            json!({"email": "grace@north.example", "password": "wrong password!"}),
        )
        .await;
    let wrong = error_code(wrong, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let unknown = s
        .post(
            "/v1/staff/login",
            json!({"email": "nobody@north.example", "password": PASSWORD}),
        )
        .await;
    let unknown = error_code(unknown, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert_eq!(wrong, unknown);
}

async fn malformed_bodies_get_json_errors_that_do_not_echo_the_input(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    // serde's own message would quote the number.
    let r = s
        .post(
            "/v1/staff/login",
            json!({"email": "grace@north.example", "password": 987654321}),
        )
        .await;
    let message = error_code(r, StatusCode::BAD_REQUEST, "invalid_request").await;
    assert!(!message.contains("987654321"), "{message}");
    let r = s
        .http
        .post(format!("{}/v1/enrol", s.url))
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    error_code(r, StatusCode::BAD_REQUEST, "invalid_request").await;
    let r = s
        .http
        .post(format!("{}/v1/enrol", s.url))
        .body("code=x")
        .send()
        .await
        .unwrap();
    error_code(r, StatusCode::BAD_REQUEST, "invalid_request").await;
}

async fn auth_endpoints_answer_429_after_the_burst(backend: Backend) {
    let s = TestServer::start(
        backend,
        Settings {
            auth_rate_limit: RateLimitSettings {
                burst: 3,
                refill_per_minute: 1,
            },
            ..settings()
        },
    )
    .await;
    let attempt = || {
        s.post(
            "/v1/staff/login",
            json!({"email": "x@y.example", "password": "guess"}),
        )
    };
    for _ in 0..3 {
        assert_eq!(attempt().await.status(), StatusCode::UNAUTHORIZED);
    }
    let limited = attempt().await;
    let retry_after: u64 = limited.headers()[RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    error_code(limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // The bucket is per address, not per endpoint: enrolment is limited too.
    let r = s
        .post("/v1/enrol", json!({"code": "x", "device_name": "y"}))
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    // Authenticated endpoints are not behind the auth limit.
    let r = s.get("/v1/me", "whatever").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

on_both_backends!(
    racing_uses_of_one_code_or_refresh_token_succeed_once,
    enrolment_gives_tokens_that_work_and_the_code_works_once,
    expired_unknown_and_malformed_codes_are_refused_alike,
    device_name_is_required_and_bounded,
    refresh_rotates_and_reuse_revokes_the_whole_login,
    a_refresh_retried_after_a_lost_answer_gets_a_new_pair,
    a_retired_answer_or_a_late_retry_revokes_the_login,
    racing_retries_within_the_grace_leave_one_working_pair,
    revoking_a_refresh_token_ends_its_login_only,
    unknown_refresh_tokens_and_access_tokens_as_refresh_are_refused,
    expired_access_and_refresh_tokens_are_refused,
    missing_or_malformed_authorization_is_401,
    staff_login_and_refresh,
    wrong_password_and_unknown_address_get_the_same_401,
    malformed_bodies_get_json_errors_that_do_not_echo_the_input,
    auth_endpoints_answer_429_after_the_burst,
);
