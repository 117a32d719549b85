//! The sync endpoints against an in-process server on both backends (`docs/sync.md`): push results
//! (applied, duplicate on retry, op id reuse, read-only and unknown collections, invalid bodies, a
//! stale check-in kept as a conflict, a rejected op in the middle of a batch, the size limits),
//! pull paging and resync (another epoch, a cursor ahead, tombstones purged), the clinic's writes
//! reaching the member's pull, isolation between members, and exactly-once under concurrent
//! retries of one batch.

// Test helpers outside `#[test]` functions fail loudly on purpose.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use alyze_core::health::labs::LabResult;
use alyze_core::health::source::Source;
use alyze_core::health::time::Timestamp;
use alyze_core::sync::wire::{MAX_PUSH_BYTES, MAX_PUSH_OPS};
use common::{Backend, TestServer, error_code, on_both_backends, settings, str_of, unauthorized};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A member's device: its tokens and ids.
struct Phone {
    token: String,
    device_id: String,
    member_id: String,
}

async fn phone(s: &TestServer, clinic: &str, name: &str) -> Phone {
    let (member_id, enrolled) = s.enrolled_member(clinic, name).await;
    Phone {
        token: str_of(&enrolled, "access_token").to_owned(),
        device_id: str_of(&enrolled, "device_id").to_owned(),
        member_id,
    }
}

/// Another device of the same member.
async fn second_phone(s: &TestServer, member_id: &str) -> Phone {
    let code = s.code(member_id).await;
    let enrolled = s.enrol(&code).await;
    Phone {
        token: str_of(&enrolled, "access_token").to_owned(),
        device_id: str_of(&enrolled, "device_id").to_owned(),
        member_id: member_id.to_owned(),
    }
}

fn op(op_id: &str, collection: &str, id: &str, body: Option<Value>) -> Value {
    json!({"op_id": op_id, "collection": collection, "id": id, "deleted": body.is_none(),
           "base_version": null, "body": body})
}

fn session(minutes: u32) -> Value {
    json!({"modality": "sauna", "minutes": minutes})
}

async fn push(s: &TestServer, token: &str, ops: Vec<Value>) -> Vec<Value> {
    let r = s
        .send(
            Method::POST,
            "/v1/sync/push",
            token,
            Some(&json!({ "ops": ops })),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    body["results"].as_array().unwrap().clone()
}

fn statuses(results: &[Value]) -> Vec<String> {
    results
        .iter()
        .map(|r| match r["reason"].as_str() {
            Some(reason) => format!("{}:{reason}", r["status"].as_str().unwrap()),
            None => r["status"].as_str().unwrap().to_owned(),
        })
        .collect()
}

async fn pull_raw(s: &TestServer, token: &str, request: Value) -> reqwest::Response {
    s.send(Method::POST, "/v1/sync/pull", token, Some(&request))
        .await
}

async fn pull(s: &TestServer, token: &str, epoch: Value, cursor: Value, limit: u32) -> Value {
    let r = pull_raw(
        s,
        token,
        json!({"epoch": epoch, "cursor": cursor, "limit": limit}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

/// Every change from the start, page after page; checks the cursor never goes back.
async fn pull_all(s: &TestServer, token: &str, limit: u32) -> (Vec<Value>, Value) {
    let mut epoch = Value::Null;
    let mut cursor = Value::Null;
    let mut changes = Vec::new();
    for _ in 0..100 {
        let page = pull(s, token, epoch.clone(), cursor.clone(), limit).await;
        if let (Some(before), Some(after)) = (cursor.as_i64(), page["cursor"].as_i64()) {
            assert!(after >= before, "the cursor went back");
        }
        let got = page["changes"].as_array().unwrap();
        assert!(got.len() <= limit as usize);
        changes.extend(got.iter().cloned());
        epoch = page["epoch"].clone();
        cursor = page["cursor"].clone();
        if !page["more"].as_bool().unwrap() {
            return (changes, cursor);
        }
    }
    panic!("the pull never ended");
}

async fn resync_required(r: reqwest::Response, epoch: &str) {
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "resync_required");
    assert_eq!(body["epoch"], epoch);
}

async fn push_answers_each_op_in_order_and_retries_are_duplicates(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let clinic = s.clinic("North").await;
    let ada = phone(&s, &clinic, "Ada").await;

    let batch = vec![
        op("op-1", "recovery_session", "r1", Some(session(15))),
        op("op-2", "prescription", "current", Some(json!({}))),
        op("op-3", "photos", "p1", Some(json!({}))),
        op("op-4", "workout", "w1", Some(json!([1, 2]))),
        op("op-5", "workout", "", Some(json!({}))),
        op("op-6", "workout", "w2", None),
        op("op-7", "quantity_sample", "q1", Some(json!({"v": 1.5}))),
    ];
    let first = push(&s, &ada.token, batch.clone()).await;
    assert_eq!(
        statuses(&first),
        [
            "applied",
            "rejected:read_only_collection",
            "rejected:unknown_collection",
            "rejected:invalid_body",
            "rejected:invalid_body",
            "applied",
            "applied",
        ]
    );
    assert_eq!(first[0]["version"], 1);
    let ids: Vec<&str> = first.iter().map(|r| r["op_id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["op-1", "op-2", "op-3", "op-4", "op-5", "op-6", "op-7"]
    );
    let seq_after_first = s.scalar("SELECT MAX(last_seq) FROM members").await;
    assert_eq!(seq_after_first, 3);

    // A retry after a lost answer: nothing applies twice.
    let again = push(&s, &ada.token, batch).await;
    assert_eq!(
        statuses(&again),
        [
            "duplicate",
            "rejected:read_only_collection",
            "rejected:unknown_collection",
            "rejected:invalid_body",
            "rejected:invalid_body",
            "duplicate",
            "duplicate",
        ]
    );
    assert_eq!(again[0]["version"], 1);
    assert_eq!(
        s.scalar("SELECT MAX(last_seq) FROM members").await,
        seq_after_first
    );

    // The same op id with another payload is refused; a new op with the current body changes
    // nothing; a real change is a new version.
    let next = push(
        &s,
        &ada.token,
        vec![
            op("op-1", "recovery_session", "r1", Some(session(20))),
            op("op-8", "recovery_session", "r1", Some(session(15))),
            op("op-9", "recovery_session", "r1", Some(session(25))),
        ],
    )
    .await;
    assert_eq!(
        statuses(&next),
        ["rejected:op_id_reused", "duplicate", "applied"]
    );
    assert_eq!(next[1]["version"], 1);
    assert_eq!(next[2]["version"], 2);
    assert_eq!(s.scalar("SELECT MAX(last_seq) FROM members").await, 4);

    // Key order does not make another payload.
    let r = s
        .http
        .post(format!("{}/v1/sync/push", s.url))
        .bearer_auth(&ada.token)
        .header("content-type", "application/json")
        .body(
            r#"{"ops":[{"op_id":"op-9","collection":"recovery_session","id":"r1",
                "deleted":false,"body":{"minutes":25,"modality":"sauna"}}]}"#,
        )
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["results"][0]["status"], "duplicate");
}

async fn push_and_pull_are_for_member_tokens_only(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let clinic = s.clinic("North").await;
    s.staff(&clinic, "grace@north.example").await;
    let staff = str_of(&s.login("grace@north.example").await, "access_token").to_owned();
    let body = json!({"ops": []});
    let r = s
        .send(Method::POST, "/v1/sync/push", &staff, Some(&body))
        .await;
    error_code(r, StatusCode::FORBIDDEN, "forbidden").await;
    let r = pull_raw(
        &s,
        &staff,
        json!({"epoch": null, "cursor": null, "limit": 10}),
    )
    .await;
    error_code(r, StatusCode::FORBIDDEN, "forbidden").await;
    let r = s
        .send(Method::POST, "/v1/sync/push", "nonsense", Some(&body))
        .await;
    unauthorized(r).await;
    // A malformed body is a 400 that does not echo it.
    let ada = phone(&s, &clinic, "Ada").await;
    let r = s
        .send(
            Method::POST,
            "/v1/sync/push",
            &ada.token,
            Some(&json!({"ops": "secret-value"})),
        )
        .await;
    let message = error_code(r, StatusCode::BAD_REQUEST, "invalid_request").await;
    assert!(!message.contains("secret-value"));
}

async fn a_stale_check_in_is_kept_as_a_conflict(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let clinic = s.clinic("North").await;
    let ada = phone(&s, &clinic, "Ada").await;
    let check_in = |op_id: &str, base: Option<i64>, mood: u32| {
        json!({"op_id": op_id, "collection": "check_in", "id": "c1", "deleted": false,
               "base_version": base, "body": {"mood": mood}})
    };
    let results = push(
        &s,
        &ada.token,
        vec![
            check_in("c-1", None, 3),
            check_in("c-2", Some(1), 4),
            check_in("c-3", Some(1), 5),
            check_in("c-4", Some(2), 2),
        ],
    )
    .await;
    assert_eq!(
        statuses(&results),
        ["applied", "applied", "conflict", "applied"]
    );
    assert_eq!(results[2]["version"], 2);
    assert_eq!(results[3]["version"], 3);
    // Every revision is kept, the conflicting one too.
    assert_eq!(
        s.scalar("SELECT COUNT(*) FROM sync_revisions WHERE collection = 'check_in'")
            .await,
        4
    );
    assert_eq!(
        s.scalar(
            "SELECT COUNT(*) FROM sync_revisions WHERE collection = 'check_in' \
             AND status = 'conflict' AND seq IS NULL"
        )
        .await,
        1
    );
    // The current revision is the last applied one.
    let (changes, _) = pull_all(&s, &ada.token, 10).await;
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0]["version"], 3);
    assert_eq!(changes[0]["body"]["mood"], 2);
    assert_eq!(changes[0]["origin_device"], ada.device_id.as_str());
}

async fn pushes_over_the_limits_are_refused(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let clinic = s.clinic("North").await;
    let ada = phone(&s, &clinic, "Ada").await;
    let ops: Vec<Value> = (0..=MAX_PUSH_OPS)
        .map(|i| {
            op(
                &format!("op-{i}"),
                "workout",
                &format!("w{i}"),
                Some(json!({})),
            )
        })
        .collect();
    let r = s
        .send(
            Method::POST,
            "/v1/sync/push",
            &ada.token,
            Some(&json!({ "ops": ops })),
        )
        .await;
    error_code(r, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    let big = "x".repeat(MAX_PUSH_BYTES);
    let r = s
        .send(
            Method::POST,
            "/v1/sync/push",
            &ada.token,
            Some(&json!({"ops": [op("big", "workout", "w", Some(json!({"notes": big})))]})),
        )
        .await;
    error_code(r, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    // Nothing of either was applied.
    assert_eq!(s.scalar("SELECT COUNT(*) FROM sync_records").await, 0);
    // Exactly the limit is fine.
    let ops: Vec<Value> = (0..MAX_PUSH_OPS)
        .map(|i| {
            op(
                &format!("op-{i}"),
                "workout",
                &format!("w{i}"),
                Some(json!({})),
            )
        })
        .collect();
    assert_eq!(push(&s, &ada.token, ops).await.len(), MAX_PUSH_OPS);
}

async fn pull_pages_by_seq_with_a_monotonic_cursor(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let clinic = s.clinic("North").await;
    let ada = phone(&s, &clinic, "Ada").await;
    let ops: Vec<Value> = (0..5)
        .map(|i| {
            op(
                &format!("op-{i}"),
                "workout",
                &format!("w{i}"),
                Some(json!({"i": i})),
            )
        })
        .collect();
    push(&s, &ada.token, ops).await;
    // w0 changes again: it moves to the end, once.
    push(
        &s,
        &ada.token,
        vec![op("op-x", "workout", "w0", Some(json!({"i": 9})))],
    )
    .await;

    let first = pull(&s, &ada.token, Value::Null, Value::Null, 2).await;
    assert_eq!(first["changes"].as_array().unwrap().len(), 2);
    assert_eq!(first["more"], true);
    assert_eq!(first["cursor"], first["changes"][1]["seq"]);
    assert_eq!(first["changes"][0]["id"], "w1");

    let (changes, cursor) = pull_all(&s, &ada.token, 2).await;
    let ids: Vec<&str> = changes.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["w1", "w2", "w3", "w4", "w0"]);
    let seqs: Vec<i64> = changes.iter().map(|c| c["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(cursor, 6);
    assert_eq!(changes[4]["version"], 2);
    assert_eq!(changes[4]["body"]["i"], 9);

    // Nothing new: an empty page at the same cursor. A limit of 0 is taken as 1.
    let epoch = first["epoch"].clone();
    let page = pull(&s, &ada.token, epoch.clone(), json!(6), 0).await;
    assert_eq!(page["changes"].as_array().unwrap().len(), 0);
    assert_eq!(page["cursor"], 6);
    assert_eq!(page["more"], false);
    let page = pull(&s, &ada.token, epoch, json!(4), 0).await;
    assert_eq!(page["changes"].as_array().unwrap().len(), 1);
    assert_eq!(page["more"], true);
}

async fn pull_asks_for_a_resync_when_it_cannot_serve_the_cursor(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let clinic = s.clinic("North").await;
    let ada = phone(&s, &clinic, "Ada").await;
    let epoch = s.db().sync_epoch().await.unwrap();
    push(
        &s,
        &ada.token,
        vec![
            op("op-1", "workout", "w1", Some(json!({}))),
            op("op-2", "workout", "w2", Some(json!({}))),
            op("op-3", "workout", "w3", Some(json!({}))),
            op("op-4", "workout", "gone", Some(json!({}))),
            op("op-5", "workout", "gone", None),
        ],
    )
    .await;
    let ask = |epoch: Value, cursor: Value| json!({"epoch": epoch, "cursor": cursor, "limit": 1});
    // Another epoch; a cursor ahead of the server.
    resync_required(
        pull_raw(&s, &ada.token, ask(json!("elsewhere"), json!(1))).await,
        &epoch,
    )
    .await;
    resync_required(
        pull_raw(&s, &ada.token, ask(json!(epoch), json!(6))).await,
        &epoch,
    )
    .await;
    let page = pull(&s, &ada.token, json!(epoch), json!(2), 1).await;
    assert_eq!(page["changes"][0]["id"], "w3");

    // The tombstone is purged: a cursor from before it can no longer be served.
    let purged = s.db().purge_tombstones(i64::MAX).await.unwrap();
    assert_eq!(purged.tombstones, 1);
    assert_eq!(s.scalar("SELECT purged_through_seq FROM members").await, 5);
    resync_required(
        pull_raw(&s, &ada.token, ask(json!(epoch), json!(2))).await,
        &epoch,
    )
    .await;
    // From the start, page by page below the purge line: served to the end.
    let (changes, cursor) = pull_all(&s, &ada.token, 1).await;
    let ids: Vec<&str> = changes.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["w1", "w2", "w3"]);
    assert_eq!(cursor, 5);
    // ... but only to the device that was served the page: another one with that cursor resyncs.
    let other = second_phone(&s, &ada.member_id).await;
    let first = pull(&s, &other.token, Value::Null, Value::Null, 1).await;
    assert_eq!(first["cursor"], 1);
    resync_required(
        pull_raw(&s, &ada.token, ask(json!(epoch), json!(1))).await,
        &epoch,
    )
    .await;
    pull(&s, &other.token, json!(epoch), json!(1), 1).await;

    // A restore from a backup: a new epoch, and every cursor resyncs.
    let new_epoch = s.db().new_epoch(0).await.unwrap();
    assert_ne!(new_epoch, epoch);
    resync_required(
        pull_raw(&s, &ada.token, ask(json!(epoch), json!(5))).await,
        &new_epoch,
    )
    .await;
    let page = pull(&s, &ada.token, json!(new_epoch), json!(5), 1).await;
    assert_eq!(page["epoch"], new_epoch.as_str());
}

fn prescription(sessions: u32) -> Value {
    json!({
        "targets": [{"sessions_per_week": sessions, "check": "standard",
                     "dose": {"modality": "sauna", "minutes": 15, "temperature_c": 90}}],
        "fixed": [], "availability": [], "quiet_hours": []
    })
}

/// A prescription as the server keeps it (the core's serialisation: numbers as floats).
fn as_stored(prescription: Value) -> Value {
    let parsed: alyze_core::protocol::Prescription = serde_json::from_value(prescription).unwrap();
    serde_json::to_value(parsed).unwrap()
}

fn lab() -> Value {
    let at = chrono::DateTime::parse_from_rfc3339("2026-03-04T08:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    serde_json::to_value(LabResult {
        loinc: "2276-4".into(),
        value: 48.0,
        unit: "ng/mL".into(),
        reference_low: Some(30.0),
        reference_high: Some(400.0),
        collected_at: Timestamp::new(at, 3600, Some("Europe/Berlin".into())).unwrap(),
        source: Source::named("North lab"),
    })
    .unwrap()
}

async fn clinic_writes_reach_the_members_pull_with_no_origin(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let north = s.clinic("North").await;
    let south = s.clinic("South").await;
    let ada = phone(&s, &north, "Ada").await;
    let cy = phone(&s, &south, "Cy").await;
    let grace = s.staff(&north, "grace@north.example").await;
    let grace_token = str_of(&s.login("grace@north.example").await, "access_token").to_owned();
    s.staff(&south, "sam@south.example").await;
    let sam = str_of(&s.login("sam@south.example").await, "access_token").to_owned();
    let path = format!("/v1/clinic/members/{}/prescription", ada.member_id);

    let r = s
        .send(Method::PUT, &path, &grace_token, Some(&prescription(3)))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let written: Value = r.json().await.unwrap();
    assert_eq!(written, json!({"id": "current", "version": 1}));
    // The same again changes nothing.
    let r = s
        .send(Method::PUT, &path, &grace_token, Some(&prescription(3)))
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["version"], 1);
    // Refused: with the field named and the value not.
    let r = s
        .send(Method::PUT, &path, &grace_token, Some(&prescription(9)))
        .await;
    let message = error_code(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field").await;
    assert!(message.contains("sessions_per_week"), "{message}");
    assert!(!message.contains('9'), "{message}");
    // Another clinic's staff, and members, cannot.
    let r = s
        .send(Method::PUT, &path, &sam, Some(&prescription(3)))
        .await;
    error_code(r, StatusCode::NOT_FOUND, "not_found").await;
    let r = s
        .send(Method::PUT, &path, &ada.token, Some(&prescription(3)))
        .await;
    error_code(r, StatusCode::FORBIDDEN, "forbidden").await;

    // A lab result, then its deletion.
    let labs = format!("/v1/clinic/members/{}/labs", ada.member_id);
    let r = s
        .send(Method::POST, &labs, &grace_token, Some(&lab()))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let lab_id = str_of(&r.json::<Value>().await.unwrap(), "id").to_owned();
    // The core's record id of the result: the id the phone stores it under.
    let parsed: alyze_core::health::labs::LabResult = serde_json::from_value(lab()).unwrap();
    assert_eq!(lab_id, alyze_core::store::record_id(&parsed));
    // Posting the same result again changes nothing.
    let r = s
        .send(Method::POST, &labs, &grace_token, Some(&lab()))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(str_of(&r.json::<Value>().await.unwrap(), "id"), lab_id);
    let r = s.send(Method::POST, &labs, &sam, Some(&lab())).await;
    error_code(r, StatusCode::NOT_FOUND, "not_found").await;
    let mut bad = lab();
    bad["loinc"] = json!("not a code");
    let r = s.send(Method::POST, &labs, &grace_token, Some(&bad)).await;
    error_code(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field").await;

    let (changes, cursor) = pull_all(&s, &ada.token, 10).await;
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0]["collection"], "prescription");
    assert_eq!(changes[0]["id"], "current");
    assert_eq!(changes[0]["origin_device"], Value::Null);
    assert_eq!(changes[0]["body"], as_stored(prescription(3)));
    assert_eq!(changes[1]["collection"], "lab_result");
    assert_eq!(changes[1]["id"], lab_id.as_str());
    assert_eq!(changes[1]["body"], lab());

    let one = format!("{labs}/{lab_id}");
    let r = s.send(Method::DELETE, &one, &sam, None).await;
    error_code(r, StatusCode::NOT_FOUND, "not_found").await;
    let r = s.send(Method::DELETE, &one, &grace_token, None).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = s
        .send(
            Method::DELETE,
            &format!("{labs}/no-such-lab"),
            &grace_token,
            None,
        )
        .await;
    error_code(r, StatusCode::NOT_FOUND, "not_found").await;
    let epoch = s.db().sync_epoch().await.unwrap();
    let page = pull(&s, &ada.token, json!(epoch), cursor, 10).await;
    assert_eq!(page["changes"].as_array().unwrap().len(), 1);
    assert_eq!(page["changes"][0]["id"], lab_id.as_str());
    assert_eq!(page["changes"][0]["deleted"], true);
    assert_eq!(page["changes"][0]["body"], Value::Null);

    // Nothing of it reached the other clinic's member.
    let (theirs, _) = pull_all(&s, &cy.token, 10).await;
    assert!(theirs.is_empty());
    // Every write is in the audit log.
    let actions: Vec<String> = s
        .audit_rows()
        .await
        .into_iter()
        .filter(|(staff, member, _)| *staff == grace && *member == ada.member_id)
        .map(|(_, _, action)| action)
        .collect();
    assert_eq!(
        actions,
        [
            "write_prescription",
            "write_prescription",
            "add_lab_result",
            "add_lab_result",
            "delete_lab_result"
        ]
    );
}

async fn clinic_settings_are_for_admins_and_reach_every_member(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let north = s.clinic("North").await;
    let ada = phone(&s, &north, "Ada").await;
    let bob = phone(&s, &north, "Bob").await;
    s.staff(&north, "grace@north.example").await;
    let clinician = str_of(&s.login("grace@north.example").await, "access_token").to_owned();
    s.admin_staff(&north, "boss@north.example").await;
    let admin = str_of(&s.login("boss@north.example").await, "access_token").to_owned();
    let mut settings =
        serde_json::to_value(alyze_core::protocol::ClinicSettings::default()).unwrap();
    settings["min_spacing_min"] = json!(20.0);
    settings["readiness"]["push_from"] = json!(72);
    let read = |token: String| {
        let s = &s;
        async move {
            let r = s
                .send(Method::GET, "/v1/clinic/settings", &token, None)
                .await;
            assert_eq!(r.status(), StatusCode::OK);
            r.json::<Value>().await.unwrap()
        }
    };
    // Before an admin saves any, staff read the documented defaults.
    assert_eq!(
        read(clinician.clone()).await,
        serde_json::to_value(alyze_core::protocol::ClinicSettings::default()).unwrap()
    );

    let r = s
        .send(
            Method::PUT,
            "/v1/clinic/settings",
            &clinician,
            Some(&settings),
        )
        .await;
    error_code(r, StatusCode::FORBIDDEN, "forbidden").await;
    let mut bad = settings.clone();
    bad["recover_rpe_cap"] = json!(0);
    let r = s
        .send(Method::PUT, "/v1/clinic/settings", &admin, Some(&bad))
        .await;
    let message = error_code(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field").await;
    assert!(message.contains("recover_rpe_cap"), "{message}");
    // Readiness bands the engine cannot use (push below recover) are refused by name.
    let mut crossed = settings.clone();
    crossed["readiness"]["recover_to"] = json!(80);
    let r = s
        .send(Method::PUT, "/v1/clinic/settings", &admin, Some(&crossed))
        .await;
    let message = error_code(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field").await;
    assert!(message.contains("readiness"), "{message}");
    assert!(message.contains("push_from, recover_to"), "{message}");
    // A misspelt key is refused by its path, not ignored.
    let mut misspelt = settings.clone();
    misspelt["readiness"]["recover_too"] = json!(20);
    let r = s
        .send(Method::PUT, "/v1/clinic/settings", &admin, Some(&misspelt))
        .await;
    let message = error_code(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field").await;
    assert_eq!(message, "unknown setting readiness.recover_too");
    let r = s
        .send(Method::PUT, "/v1/clinic/settings", &admin, Some(&settings))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["members"], 2);
    assert_eq!(read(clinician.clone()).await, settings);

    // A member who joins later gets them too.
    let cy = phone(&s, &north, "Cy").await;
    for member in [&ada, &bob, &cy] {
        let (changes, _) = pull_all(&s, &member.token, 10).await;
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0]["collection"], "clinic_settings");
        assert_eq!(changes[0]["id"], "current");
        assert_eq!(changes[0]["origin_device"], Value::Null);
        assert_eq!(changes[0]["body"], settings);
    }
    // A prescription is checked against the clinic's settings, and settings that would make a
    // member's prescription unusable are refused (the prescription's 90 °C sauna).
    let path = format!("/v1/clinic/members/{}/prescription", ada.member_id);
    let r = s
        .send(Method::PUT, &path, &clinician, Some(&prescription(3)))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let mut cooler = settings.clone();
    cooler["safe"]["sauna_c"] = json!({"min": 60.0, "max": 85.0});
    let r = s
        .send(Method::PUT, "/v1/clinic/settings", &admin, Some(&cooler))
        .await;
    let message = error_code(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field").await;
    assert!(message.contains("temperature_c"), "{message}");
    let (changes, _) = pull_all(&s, &bob.token, 10).await;
    assert_eq!(changes.len(), 1, "nothing new was written");
    assert_eq!(
        read(admin.clone()).await,
        settings,
        "the refusals kept nothing"
    );
    let r = s
        .send(Method::PUT, &path, &clinician, Some(&prescription(9)))
        .await;
    error_code(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field").await;
}

async fn a_member_sees_only_their_own_records(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let clinic = s.clinic("North").await;
    let ada = phone(&s, &clinic, "Ada").await;
    let bob = phone(&s, &clinic, "Bob").await;
    push(
        &s,
        &ada.token,
        vec![op("op-1", "workout", "w1", Some(json!({"who": "ada"})))],
    )
    .await;
    // The same op id and record id from another member are theirs alone.
    let results = push(
        &s,
        &bob.token,
        vec![op("op-1", "workout", "w1", Some(json!({"who": "bob"})))],
    )
    .await;
    assert_eq!(statuses(&results), ["applied"]);
    let (ada_sees, _) = pull_all(&s, &ada.token, 10).await;
    let (bob_sees, _) = pull_all(&s, &bob.token, 10).await;
    assert_eq!(ada_sees.len(), 1);
    assert_eq!(ada_sees[0]["body"]["who"], "ada");
    assert_eq!(bob_sees.len(), 1);
    assert_eq!(bob_sees[0]["body"]["who"], "bob");
    assert_eq!(bob_sees[0]["origin_device"], bob.device_id.as_str());
}

async fn one_batch_pushed_four_times_at_once_applies_each_op_once(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let clinic = s.clinic("North").await;
    let ada = phone(&s, &clinic, "Ada").await;
    let ops: Vec<Value> = (0..20)
        .map(|i| {
            op(
                &format!("op-{i}"),
                "quantity_sample",
                &format!("q{i}"),
                Some(json!({"v": i})),
            )
        })
        .collect();
    let request = json!({ "ops": ops });
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let (http, url, token, request) = (
                s.http.clone(),
                format!("{}/v1/sync/push", s.url),
                ada.token.clone(),
                request.clone(),
            );
            tokio::spawn(async move {
                http.post(url)
                    .bearer_auth(token)
                    .json(&request)
                    .send()
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut answers = Vec::new();
    for handle in handles {
        answers.push(handle.await.unwrap());
    }
    let mut applied = 0;
    for r in answers {
        assert_eq!(r.status(), StatusCode::OK);
        let body: Value = r.json().await.unwrap();
        for result in body["results"].as_array().unwrap() {
            match result["status"].as_str().unwrap() {
                "applied" => applied += 1,
                "duplicate" => {}
                other => panic!("{other}"),
            }
            assert_eq!(result["version"], 1);
        }
    }
    assert_eq!(applied, 20);
    assert_eq!(s.scalar("SELECT MAX(last_seq) FROM members").await, 20);
    // Samples keep no revision history (only check-ins do).
    assert_eq!(s.scalar("SELECT COUNT(*) FROM sync_revisions").await, 0);
    assert_eq!(s.scalar("SELECT COUNT(*) FROM sync_applied_ops").await, 20);
    assert_eq!(s.scalar("SELECT MAX(version) FROM sync_records").await, 1);
    let (changes, cursor) = pull_all(&s, &ada.token, 7).await;
    assert_eq!(changes.len(), 20);
    assert_eq!(cursor, 20);
}

async fn openapi_describes_the_sync_and_clinic_write_endpoints(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let doc: Value = s
        .http
        .get(format!("{}/v1/openapi.json", s.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for (path, method) in [
        ("/v1/sync/push", "post"),
        ("/v1/sync/pull", "post"),
        ("/v1/clinic/members/{id}/prescription", "put"),
        ("/v1/clinic/settings", "put"),
        ("/v1/clinic/settings", "get"),
        ("/v1/clinic/members/{id}/labs", "post"),
        ("/v1/clinic/members/{id}/labs/{lab_id}", "delete"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{method} {path}");
    }
    for schema in ["PushRequest", "PushResponse", "PullRequest", "PullResponse"] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
}

/// A phone older than the server: its ops lack fields added since (`base_version`), and requests
/// carry fields the server does not know; both are read as the phone meant them.
async fn an_older_phone_is_understood(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let clinic = s.clinic("North").await;
    let ada = phone(&s, &clinic, "Ada").await;
    let old_op = json!({"op_id": "op-1", "collection": "recovery_session", "id": "r1",
                        "deleted": false, "body": session(15), "client_build": 3});
    let results = push(&s, &ada.token, vec![old_op.clone()]).await;
    assert_eq!(statuses(&results), ["applied"]);
    // The same op again, now with the field a newer phone sends: the same payload.
    let mut new_op = old_op;
    new_op["base_version"] = Value::Null;
    assert_eq!(
        statuses(&push(&s, &ada.token, vec![new_op]).await),
        ["duplicate"]
    );
    let page = pull(&s, &ada.token, Value::Null, Value::Null, 10).await;
    assert_eq!(page["changes"].as_array().unwrap().len(), 1, "{page}");
}

on_both_backends!(
    an_older_phone_is_understood,
    push_answers_each_op_in_order_and_retries_are_duplicates,
    push_and_pull_are_for_member_tokens_only,
    a_stale_check_in_is_kept_as_a_conflict,
    pushes_over_the_limits_are_refused,
    pull_pages_by_seq_with_a_monotonic_cursor,
    pull_asks_for_a_resync_when_it_cannot_serve_the_cursor,
    clinic_writes_reach_the_members_pull_with_no_origin,
    clinic_settings_are_for_admins_and_reach_every_member,
    a_member_sees_only_their_own_records,
    one_batch_pushed_four_times_at_once_applies_each_op_once,
    openapi_describes_the_sync_and_clinic_write_endpoints,
);
