//! The clinic's views of its members on both backends: a phone pushes readiness, daily summaries
//! and recovery sessions through sync, staff set a prescription and a lab result, and the views
//! answer from them (`today` with and without a day's readiness, `trends` day by day with gaps and
//! tombstones left out, `adherence` computed with the core, `409 no_prescription`, `labs`); bad
//! dates and ranges answer 400 without echoing them; another clinic's member answers 404; and each
//! view lands in the audit log, once per member shown, only when it was served.

// Test helpers outside `#[test]` functions fail loudly on purpose.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use alyze_core::health::source::Source;
use alyze_core::health::time::Timestamp;
use alyze_core::health::{RecoveryModality, RecoverySession};
use common::{Backend, TestServer, error_code, on_both_backends, settings, str_of};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn op(op_id: &str, collection: &str, id: &str, body: Option<Value>) -> Value {
    json!({"op_id": op_id, "collection": collection, "id": id, "deleted": body.is_none(),
           "base_version": null, "body": body})
}

fn readiness(date: &str, score: u8) -> Value {
    json!({
        "date": date, "state": {"kind": "scored"}, "score": score,
        "recommendation": "maintain", "hrv_metric": "rmssd", "load_kind": "trimp",
        "components": [], "reasons": [],
        "flags": [{"category": "overreaching", "code": "acwr_high"}]
    })
}

fn summary(date: &str) -> Value {
    json!({"date": date, "sleep": null, "hrv_rmssd": null, "hrv_sdnn": null, "resting_hr": null,
           "workouts": [], "load": {}, "check_in": null, "recovery": [], "labs": []})
}

fn sauna(at: &str) -> Value {
    let at = chrono::DateTime::parse_from_rfc3339(at)
        .unwrap()
        .with_timezone(&chrono::Utc);
    serde_json::to_value(RecoverySession {
        modality: RecoveryModality::Sauna,
        start: Timestamp::new(at, 3600, Some("Europe/Berlin".into())).unwrap(),
        duration_s: 900.0,
        temperature_c: Some(90.0),
        source: Source::named("Phone"),
    })
    .unwrap()
}

fn prescription() -> Value {
    json!({
        "targets": [{"sessions_per_week": 3, "check": "standard",
                     "dose": {"modality": "sauna", "minutes": 15, "temperature_c": 90}}],
        "fixed": [], "availability": [], "quiet_hours": []
    })
}

fn lab() -> Value {
    json!({"loinc": "2276-4", "value": 48.0, "unit": "ng/mL", "reference_low": 30.0,
           "reference_high": 400.0,
           "collected_at": serde_json::to_value(Timestamp::new(
               chrono::DateTime::parse_from_rfc3339("2026-03-04T08:00:00Z").unwrap()
                   .with_timezone(&chrono::Utc), 3600, None).unwrap()).unwrap(),
           "source": serde_json::to_value(Source::named("North lab")).unwrap()})
}

async fn json_of(r: reqwest::Response) -> Value {
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

async fn views_answer_from_the_members_records(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let north = s.clinic("North").await;
    let south = s.clinic("South").await;
    let (ada, enrolled) = s.enrolled_member(&north, "Ada").await;
    let phone = str_of(&enrolled, "access_token").to_owned();
    let bob = s.member(&north, "Bob").await;
    let cy = s.member(&south, "Cy").await;
    let grace = s.staff(&north, "grace@north.example").await;
    let token = str_of(&s.login("grace@north.example").await, "access_token").to_owned();

    let ops = vec![
        op(
            "1",
            "readiness",
            "2026-03-04",
            Some(readiness("2026-03-04", 64)),
        ),
        op(
            "2",
            "readiness",
            "2026-03-02",
            Some(readiness("2026-03-02", 80)),
        ),
        op(
            "3",
            "daily_summary",
            "2026-03-03",
            Some(summary("2026-03-03")),
        ),
        op(
            "4",
            "daily_summary",
            "2026-03-02",
            Some(summary("2026-03-02")),
        ),
        op("5", "daily_summary", "2026-03-02", None),
        // Not a date: never shown as one.
        op(
            "6",
            "readiness",
            "2026-03-09-draft",
            Some(readiness("2026-03-09", 1)),
        ),
        op(
            "7",
            "recovery_session",
            "s1",
            Some(sauna("2026-03-03T06:00:00Z")),
        ),
        op(
            "8",
            "recovery_session",
            "s2",
            Some(sauna("2026-02-20T06:00:00Z")),
        ),
        op(
            "9",
            "recovery_session",
            "s3",
            Some(json!({"modality": "sauna", "minutes": 15})),
        ),
    ];
    let r = s
        .send(
            Method::POST,
            "/v1/sync/push",
            &phone,
            Some(&json!({"ops": ops})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    // Today: Ada with the day's readiness at a glance, Bob without; no one of the other clinic.
    let today = json_of(
        s.get("/v1/clinic/members/today?date=2026-03-04", &token)
            .await,
    )
    .await;
    assert_eq!(today["date"], "2026-03-04");
    let members = today["members"].as_array().unwrap();
    assert_eq!(members.len(), 2);
    assert_eq!(members[0]["member_id"], ada.as_str());
    assert_eq!(
        members[0]["readiness"],
        json!({"state": {"kind": "scored"}, "score": 64, "recommendation": "maintain",
               "flags": [{"category": "overreaching", "code": "acwr_high"}]})
    );
    assert_eq!(members[0]["latest_readiness_date"], "2026-03-04");
    assert_eq!(members[1]["member_id"], bob.as_str());
    assert_eq!(members[1]["readiness"], Value::Null);
    assert_eq!(members[1]["latest_readiness_date"], Value::Null);
    // Another day: no readiness that day, the latest still named.
    let other = json_of(
        s.get("/v1/clinic/members/today?date=2026-03-03", &token)
            .await,
    )
    .await;
    assert_eq!(other["members"][0]["readiness"], Value::Null);
    assert_eq!(other["members"][0]["latest_readiness_date"], "2026-03-04");
    // No date: the server's UTC date.
    let default = json_of(s.get("/v1/clinic/members/today", &token).await).await;
    assert_eq!(
        default["date"],
        chrono::Utc::now()
            .date_naive()
            .format("%Y-%m-%d")
            .to_string()
    );
    let bad = s
        .get("/v1/clinic/members/today?date=2026-3-4", &token)
        .await;
    let message = error_code(bad, StatusCode::BAD_REQUEST, "invalid_request").await;
    assert!(!message.contains("2026"), "{message}");

    // Trends: every day in range, gaps as null, the tombstone left out.
    let path = format!("/v1/clinic/members/{ada}/trends?from=2026-03-01&to=2026-03-04");
    let trends = json_of(s.get(&path, &token).await).await;
    let days = trends["days"].as_array().unwrap();
    let dates: Vec<&str> = days.iter().map(|d| d["date"].as_str().unwrap()).collect();
    assert_eq!(
        dates,
        ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"]
    );
    assert_eq!(
        days[0],
        json!({"date": "2026-03-01", "readiness": null, "daily_summary": null})
    );
    assert_eq!(days[1]["readiness"]["score"], 80);
    assert_eq!(days[1]["daily_summary"], Value::Null);
    assert_eq!(days[2]["daily_summary"], summary("2026-03-03"));
    assert_eq!(days[3]["readiness"], readiness("2026-03-04", 64));
    for query in [
        "",
        "?from=2026-03-01",
        "?from=2026-03-04&to=2026-03-01",
        "?from=2025-01-01&to=2026-01-02",
        "?from=2026-03-01&to=tomorrow",
    ] {
        let r = s
            .get(&format!("/v1/clinic/members/{ada}/trends{query}"), &token)
            .await;
        error_code(r, StatusCode::BAD_REQUEST, "invalid_request").await;
    }
    let year = s
        .get(
            &format!("/v1/clinic/members/{ada}/trends?from=2024-01-01&to=2024-12-31"),
            &token,
        )
        .await;
    assert_eq!(json_of(year).await["days"].as_array().unwrap().len(), 366);

    // Adherence: needs a prescription (409), then counts the week's sessions with the core.
    let path = format!("/v1/clinic/members/{ada}/adherence?date=2026-03-04");
    let none = s.get(&path, &token).await;
    error_code(none, StatusCode::CONFLICT, "no_prescription").await;
    let r = s
        .send(
            Method::PUT,
            &format!("/v1/clinic/members/{ada}/prescription"),
            &token,
            Some(&prescription()),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let week = json_of(s.get(&path, &token).await).await;
    assert_eq!(week["date"], "2026-03-04");
    assert_eq!(week["unreadable_sessions"], 1);
    let target = &week["adherence"]["targets"][0];
    assert_eq!(target["modality"], "sauna");
    assert_eq!(target["sessions_done"], 1);
    assert_eq!(target["sessions_target"], 3);
    assert_eq!(week["adherence"]["sauna_minutes"], 15.0);
    let bad = s
        .get(
            &format!("/v1/clinic/members/{ada}/adherence?date=soon"),
            &token,
        )
        .await;
    error_code(bad, StatusCode::BAD_REQUEST, "invalid_request").await;

    // Labs: the live ones only.
    let labs_path = format!("/v1/clinic/members/{ada}/labs");
    assert_eq!(
        json_of(s.get(&labs_path, &token).await).await["labs"],
        json!([])
    );
    let r = s.send(Method::POST, &labs_path, &token, Some(&lab())).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let lab_id = str_of(&r.json::<Value>().await.unwrap(), "id").to_owned();
    let labs = json_of(s.get(&labs_path, &token).await).await;
    assert_eq!(labs["labs"][0]["id"], lab_id.as_str());
    assert_eq!(labs["labs"][0]["version"], 1);
    assert_eq!(labs["labs"][0]["lab"]["loinc"], "2276-4");
    let r = s
        .send(
            Method::DELETE,
            &format!("{labs_path}/{lab_id}"),
            &token,
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        json_of(s.get(&labs_path, &token).await).await["labs"],
        json!([])
    );

    // Another clinic's member: 404 on every view, like an unknown id.
    for view in [
        "trends?from=2026-03-01&to=2026-03-02",
        "adherence?date=2026-03-04",
        "labs",
    ] {
        for id in [cy.as_str(), "no-such-member"] {
            let r = s
                .get(&format!("/v1/clinic/members/{id}/{view}"), &token)
                .await;
            error_code(r, StatusCode::NOT_FOUND, "not_found").await;
        }
    }

    // The audit log: each view served, per member shown; nothing for refusals or Cy.
    let views: Vec<(String, String, String)> = s
        .audit_rows()
        .await
        .into_iter()
        .filter(|(_, _, action)| action.starts_with("view_") && action != "view_member")
        .collect();
    let row = |member: &str, action: &str| (grace.clone(), member.to_owned(), action.to_owned());
    let mut expected = Vec::new();
    for _ in 0..3 {
        expected.push(row(&ada, "view_today"));
        expected.push(row(&bob, "view_today"));
    }
    expected.push(row(&ada, "view_trends"));
    expected.push(row(&ada, "view_trends"));
    expected.push(row(&ada, "view_adherence"));
    expected.push(row(&ada, "view_adherence"));
    expected.push(row(&ada, "view_labs"));
    expected.push(row(&ada, "view_labs"));
    expected.push(row(&ada, "view_labs"));
    assert_eq!(views, expected);
}

on_both_backends!(views_answer_from_the_members_records);
