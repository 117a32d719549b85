//! Who may read whom: staff see only their own clinic's members (another clinic's answers 404),
//! members and staff cannot use each other's endpoints (403), every staff read lands in the
//! append-only audit log; plus the OpenAPI description and JSON answers for unknown routes.

// Test helpers outside `#[test]` functions fail loudly on purpose.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Backend, TestServer, error_code, on_both_backends, settings, str_of, unauthorized};
use reqwest::StatusCode;
use serde_json::Value;

async fn staff_read_their_clinic_only_and_each_read_is_audited(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let north = s.clinic("North").await;
    let south = s.clinic("South").await;
    let ada = s.member(&north, "Ada").await;
    let bob = s.member(&north, "Bob").await;
    let cy = s.member(&south, "Cy").await;
    let grace = s.staff(&north, "grace@north.example").await;
    let token = str_of(&s.login("grace@north.example").await, "access_token").to_owned();

    let list: Value = s
        .get("/v1/clinic/members", &token)
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = list["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["display_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Ada", "Bob"]);

    let one: Value = s
        .get(&format!("/v1/clinic/members/{ada}"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(one["display_name"], "Ada");
    assert_eq!(one["clinic_id"], north.as_str());

    // Another clinic's member and a member that does not exist look the same.
    let other = s.get(&format!("/v1/clinic/members/{cy}"), &token).await;
    let other = error_code(other, StatusCode::NOT_FOUND, "not_found").await;
    let none = s.get("/v1/clinic/members/no-such-member", &token).await;
    assert_eq!(
        error_code(none, StatusCode::NOT_FOUND, "not_found").await,
        other
    );

    let expected = vec![
        (grace.clone(), ada.clone(), "list_members".to_owned()),
        (grace.clone(), bob.clone(), "list_members".to_owned()),
        (grace.clone(), ada.clone(), "view_member".to_owned()),
    ];
    assert_eq!(s.audit_rows().await, expected);

    // Staff of the other clinic see theirs only.
    s.staff(&south, "sam@south.example").await;
    let sam = str_of(&s.login("sam@south.example").await, "access_token").to_owned();
    let list: Value = s
        .get("/v1/clinic/members", &sam)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["members"].as_array().unwrap().len(), 1);
    assert_eq!(list["members"][0]["member_id"], cy.as_str());
    let r = s.get(&format!("/v1/clinic/members/{ada}"), &sam).await;
    error_code(r, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(s.audit_rows().await.len(), 4);
}

async fn the_audit_log_refuses_update_and_delete(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let north = s.clinic("North").await;
    let ada = s.member(&north, "Ada").await;
    s.staff(&north, "grace@north.example").await;
    let token = str_of(&s.login("grace@north.example").await, "access_token").to_owned();
    let r = s.get(&format!("/v1/clinic/members/{ada}"), &token).await;
    assert_eq!(r.status(), StatusCode::OK);

    // Around the API, as someone with the database's password might try.
    let update = s
        .execute_directly("UPDATE audit_log SET action = 'nothing'")
        .await;
    assert!(
        update.unwrap_err().contains("append-only"),
        "update was not refused"
    );
    let delete = s.execute_directly("DELETE FROM audit_log").await;
    assert!(delete.unwrap_err().contains("append-only"));
    assert_eq!(s.audit_rows().await.len(), 1);
}

async fn members_and_staff_cannot_use_each_others_endpoints(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let north = s.clinic("North").await;
    let (ada, enrolled) = s.enrolled_member(&north, "Ada").await;
    let member_token = str_of(&enrolled, "access_token").to_owned();
    s.staff(&north, "grace@north.example").await;
    let staff_token = str_of(&s.login("grace@north.example").await, "access_token").to_owned();

    // A member token on staff endpoints: 403, even for the member's own record.
    for path in [
        "/v1/clinic/members".to_owned(),
        format!("/v1/clinic/members/{ada}"),
    ] {
        let r = s.get(&path, &member_token).await;
        error_code(r, StatusCode::FORBIDDEN, "forbidden").await;
    }
    // A staff token on the member endpoint: 403.
    let r = s.get("/v1/me", &staff_token).await;
    error_code(r, StatusCode::FORBIDDEN, "forbidden").await;
    // None of that was a staff read.
    assert!(s.audit_rows().await.is_empty());
}

/// A lost phone: the clinic's staff list the member's devices and sign the lost one out. Its
/// tokens stop working at once, the member's other phone keeps working, and both acts are in
/// the audit log. Another clinic's staff, or a device of another member, get 404.
async fn staff_sign_a_lost_phone_out(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let north = s.clinic("North").await;
    let south = s.clinic("South").await;
    let (ada, lost) = s.enrolled_member(&north, "Ada").await;
    let kept = s.enrol(&s.code(&ada).await).await;
    let (_, bo) = s.enrolled_member(&north, "Bo").await;
    let grace = s.staff(&north, "grace@north.example").await;
    let token = str_of(&s.login("grace@north.example").await, "access_token").to_owned();
    s.staff(&south, "sam@south.example").await;
    let other_clinic = str_of(&s.login("sam@south.example").await, "access_token").to_owned();
    let http = &s.http;
    let sign_out = |member: &str, device: &str, token: &str| {
        http.post(format!(
            "{}/v1/clinic/members/{member}/devices/{device}/sign-out",
            s.url
        ))
        .bearer_auth(token)
        .send()
    };
    let devices = format!("/v1/clinic/members/{ada}/devices");
    let signed_in = |body: &Value| -> Vec<(String, bool)> {
        body["devices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["device_id"].as_str().unwrap().to_owned(),
                    d["signed_in"].as_bool().unwrap(),
                )
            })
            .collect()
    };
    let (lost_id, kept_id) = (str_of(&lost, "device_id"), str_of(&kept, "device_id"));

    let listed: Value = s.get(&devices, &token).await.json().await.unwrap();
    assert_eq!(
        signed_in(&listed),
        [(lost_id.to_owned(), true), (kept_id.to_owned(), true)]
    );
    assert_eq!(listed["devices"][0]["name"], "Test phone");

    let r = sign_out(&ada, lost_id, &token).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let device: Value = r.json().await.unwrap();
    assert_eq!(
        (device["device_id"].as_str(), device["signed_in"].as_bool()),
        (Some(lost_id), Some(false))
    );
    unauthorized(s.get("/v1/me", str_of(&lost, "access_token")).await).await;
    unauthorized(s.refresh(str_of(&lost, "refresh_token")).await).await;
    assert_eq!(
        s.get("/v1/me", str_of(&kept, "access_token"))
            .await
            .status(),
        StatusCode::OK
    );
    let listed: Value = s.get(&devices, &token).await.json().await.unwrap();
    assert_eq!(
        signed_in(&listed),
        [(lost_id.to_owned(), false), (kept_id.to_owned(), true)]
    );
    // Again: the same answer, nothing more to end.
    assert_eq!(
        sign_out(&ada, lost_id, &token).await.unwrap().status(),
        StatusCode::OK
    );

    // Not theirs to see or end: another clinic's member, another member's device.
    let bo_device = str_of(&bo, "device_id");
    for (member, device, token) in [
        (ada.as_str(), kept_id, other_clinic.as_str()),
        (ada.as_str(), bo_device, token.as_str()),
        (ada.as_str(), "no-such-device", token.as_str()),
    ] {
        let r = sign_out(member, device, token).await.unwrap();
        error_code(r, StatusCode::NOT_FOUND, "not_found").await;
    }
    error_code(
        s.get(&devices, &other_clinic).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(
        s.get("/v1/me", str_of(&kept, "access_token"))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        s.get("/v1/me", str_of(&bo, "access_token")).await.status(),
        StatusCode::OK
    );

    let actions: Vec<_> = s
        .audit_rows()
        .await
        .into_iter()
        .map(|(staff, member, action)| {
            assert_eq!(
                (staff.as_str(), member.as_str()),
                (grace.as_str(), ada.as_str())
            );
            action
        })
        .collect();
    assert_eq!(
        actions,
        [
            "view_devices",
            "sign_out_device",
            "view_devices",
            "sign_out_device"
        ]
    );
}

async fn openapi_describes_every_endpoint(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let r = s
        .http
        .get(format!("{}/v1/openapi.json", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let doc: Value = r.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for (path, method) in [
        ("/v1/enrol", "post"),
        ("/v1/token/refresh", "post"),
        ("/v1/staff/login", "post"),
        ("/v1/me", "get"),
        ("/v1/clinic/members", "get"),
        ("/v1/clinic/members/{id}", "get"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{method} {path}");
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert!(doc["components"]["schemas"]["EnrolResponse"].is_object());
}

async fn unknown_routes_and_methods_answer_json(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let r = s.get("/v1/nothing-here", "x").await;
    error_code(r, StatusCode::NOT_FOUND, "not_found").await;
    let r = s
        .http
        .get(format!("{}/v1/enrol", s.url))
        .send()
        .await
        .unwrap();
    error_code(r, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
}

on_both_backends!(
    staff_read_their_clinic_only_and_each_read_is_audited,
    the_audit_log_refuses_update_and_delete,
    members_and_staff_cannot_use_each_others_endpoints,
    staff_sign_a_lost_phone_out,
    openapi_describes_every_endpoint,
    unknown_routes_and_methods_answer_json,
);
