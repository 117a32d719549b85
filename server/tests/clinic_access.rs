//! Who may read whom: staff see only their own clinic's members (another clinic's answers 404),
//! members and staff cannot use each other's endpoints (403), every staff read lands in the
//! append-only audit log; plus the OpenAPI description and JSON answers for unknown routes.

// Test helpers outside `#[test]` functions fail loudly on purpose.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Backend, TestServer, error_code, on_both_backends, settings, str_of};
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
    openapi_describes_every_endpoint,
    unknown_routes_and_methods_answer_json,
);
