//! The access-control matrix, on both backends: every endpoint of the router, as every caller.
//!
//! Two clinics, each with an admin and a clinician and two members with an enrolled device. The
//! endpoints come from the server's own OpenAPI document (`/v1/openapi.json`): an endpoint there
//! without a row in `ROWS` fails the test, so a new endpoint cannot be left out (and a row whose
//! endpoint is gone fails too). Each row is called as: no token; each staff member of both
//! clinics; each member; a token of a login revoked by refresh-token reuse (a staff member's and a
//! member's); a refresh token used as an access token (both kinds); and, on a second server whose
//! access tokens live 0 s, an expired access token (both kinds). Endpoints naming a member are
//! called on a member of each clinic. Expected: the row's success status in the caller's own
//! scope, 404 for another clinic's member, 403 for the wrong kind of token or role, 401 for no,
//! bad, expired or revoked credentials. Every cell is checked and, on failure, the whole matrix is
//! printed with the cells that differ marked.

// Test helpers outside `#[test]` functions fail loudly on purpose.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::time::Duration;

use alyze_core::health::labs::LabResult;
use alyze_core::health::source::Source;
use alyze_core::health::time::Timestamp;
use alyze_core::protocol::{ClinicSettings, Prescription};
use alyze_server::Settings;
use alyze_server::db::sync::canonical;
use common::{Backend, PASSWORD, TestServer, on_both_backends, settings, str_of};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Who may call an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Anyone, with or without a token (the auth endpoints, the OpenAPI document).
    Public,
    /// A member's device only.
    Member,
    /// Staff of either role; no member in the path.
    Staff,
    /// Staff of either role, of the clinic of the member in the path.
    StaffOfMember,
    /// Admin staff only.
    Admin,
}

/// The body a row sends.
#[derive(Debug, Clone, Copy)]
enum Body {
    None,
    /// A fresh enrolment code (each call spends one).
    FreshCode,
    /// A fresh refresh token (each call rotates or revokes one).
    FreshRefresh,
    /// A staff login.
    Login,
    Prescription,
    Settings,
    Lab,
    Push,
    Pull,
}

/// One endpoint of the matrix.
struct Row {
    method: &'static str,
    /// As the OpenAPI document spells it.
    path: &'static str,
    /// Appended to the path.
    query: &'static str,
    access: Access,
    /// The status in the caller's own scope.
    ok: u16,
    body: Body,
}

const fn row(
    method: &'static str,
    path: &'static str,
    query: &'static str,
    access: Access,
    ok: u16,
    body: Body,
) -> Row {
    Row {
        method,
        path,
        query,
        access,
        ok,
        body,
    }
}

/// Not in the OpenAPI document, which it serves: checked as a row of its own.
const OPENAPI: &str = "/v1/openapi.json";

const ROWS: &[Row] = &[
    row(
        "post",
        "/v1/enrol",
        "",
        Access::Public,
        200,
        Body::FreshCode,
    ),
    row(
        "post",
        "/v1/token/refresh",
        "",
        Access::Public,
        200,
        Body::FreshRefresh,
    ),
    row(
        "post",
        "/v1/token/revoke",
        "",
        Access::Public,
        200,
        Body::FreshRefresh,
    ),
    row(
        "post",
        "/v1/staff/login",
        "",
        Access::Public,
        200,
        Body::Login,
    ),
    row("get", OPENAPI, "", Access::Public, 200, Body::None),
    row("get", "/v1/me", "", Access::Member, 200, Body::None),
    row("post", "/v1/sync/push", "", Access::Member, 200, Body::Push),
    row("post", "/v1/sync/pull", "", Access::Member, 200, Body::Pull),
    row(
        "get",
        "/v1/clinic/members",
        "",
        Access::Staff,
        200,
        Body::None,
    ),
    row(
        "get",
        "/v1/clinic/members/today",
        "?date=2026-03-04",
        Access::Staff,
        200,
        Body::None,
    ),
    row(
        "get",
        "/v1/clinic/settings",
        "",
        Access::Staff,
        200,
        Body::None,
    ),
    row(
        "put",
        "/v1/clinic/settings",
        "",
        Access::Admin,
        200,
        Body::Settings,
    ),
    row(
        "get",
        "/v1/clinic/members/{id}",
        "",
        Access::StaffOfMember,
        200,
        Body::None,
    ),
    row(
        "get",
        "/v1/clinic/members/{id}/trends",
        "?from=2026-03-01&to=2026-03-07",
        Access::StaffOfMember,
        200,
        Body::None,
    ),
    row(
        "get",
        "/v1/clinic/members/{id}/adherence",
        "?date=2026-03-04",
        Access::StaffOfMember,
        200,
        Body::None,
    ),
    row(
        "get",
        "/v1/clinic/members/{id}/labs",
        "",
        Access::StaffOfMember,
        200,
        Body::None,
    ),
    row(
        "post",
        "/v1/clinic/members/{id}/labs",
        "",
        Access::StaffOfMember,
        201,
        Body::Lab,
    ),
    row(
        "delete",
        "/v1/clinic/members/{id}/labs/{lab_id}",
        "",
        Access::StaffOfMember,
        204,
        Body::None,
    ),
    row(
        "get",
        "/v1/clinic/members/{id}/devices",
        "",
        Access::StaffOfMember,
        200,
        Body::None,
    ),
    row(
        "post",
        "/v1/clinic/members/{id}/devices/{device_id}/sign-out",
        "",
        Access::StaffOfMember,
        200,
        Body::None,
    ),
    row(
        "put",
        "/v1/clinic/members/{id}/prescription",
        "",
        Access::StaffOfMember,
        200,
        Body::Prescription,
    ),
];

/// The two elements of a vector of two.
fn two<T: std::fmt::Debug>(v: Vec<T>) -> [T; 2] {
    v.try_into().unwrap()
}

/// The kind of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Staff,
    Member,
}

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Anonymous,
    Staff { clinic: usize, admin: bool },
    Member { clinic: usize, n: usize },
    Revoked(Kind),
    RefreshAsAccess(Kind),
    Expired(Kind),
}

impl Caller {
    fn label(self) -> String {
        let clinic = |c: usize| ["A", "B"][c];
        match self {
            Self::Anonymous => "none".into(),
            Self::Staff { clinic: c, admin } => {
                format!("{}{}", if admin { "admin" } else { "clin" }, clinic(c))
            }
            Self::Member { clinic: c, n } => format!("mem{}{}", clinic(c), n + 1),
            Self::Revoked(k) => format!("revoked-{}", kind(k)),
            Self::RefreshAsAccess(k) => format!("refresh-{}", kind(k)),
            Self::Expired(k) => format!("expired-{}", kind(k)),
        }
    }
}

fn kind(k: Kind) -> &'static str {
    match k {
        Kind::Staff => "staff",
        Kind::Member => "member",
    }
}

/// The status a caller should get on a row, for a member of `target` clinic in the path.
fn expected(row: &Row, caller: Caller, target: usize) -> u16 {
    if row.access == Access::Public {
        return row.ok;
    }
    match caller {
        Caller::Anonymous
        | Caller::Revoked(_)
        | Caller::RefreshAsAccess(_)
        | Caller::Expired(_) => 401,
        Caller::Member { .. } => {
            if row.access == Access::Member {
                row.ok
            } else {
                403
            }
        }
        Caller::Staff { clinic, admin } => match row.access {
            Access::Public => row.ok,
            Access::Member => 403,
            Access::Staff => row.ok,
            Access::Admin => {
                if admin {
                    row.ok
                } else {
                    403
                }
            }
            Access::StaffOfMember => {
                if clinic == target {
                    row.ok
                } else {
                    404
                }
            }
        },
    }
}

/// Two clinics with their staff and members, on one server.
struct World {
    clinics: [String; 2],
    /// Per clinic: (admin, clinician) e-mail addresses.
    staff_emails: [[String; 2]; 2],
    /// Per clinic: the two members' ids.
    members: [[String; 2]; 2],
    /// Per clinic: the lab result id of its first member.
    labs: [String; 2],
    /// Per clinic: a second device of the first member, which the sign-out row signs out (the
    /// member callers use the first).
    spare_devices: [String; 2],
    /// Per clinic: (admin, clinician) access tokens.
    staff_tokens: [[String; 2]; 2],
    staff_refresh: [[String; 2]; 2],
    /// Per clinic: the members' devices' access tokens.
    member_tokens: [[String; 2]; 2],
    member_refresh: [[String; 2]; 2],
    /// A staff member whose logins the public rows use.
    spare_email: String,
    /// A member whose codes the enrol row spends.
    spare_member: String,
}

fn prescription() -> Value {
    json!({
        "targets": [{"sessions_per_week": 3, "check": "standard",
                     "dose": {"modality": "sauna", "minutes": 15, "temperature_c": 90}}],
        "fixed": [], "availability": [], "quiet_hours": []
    })
}

fn lab() -> LabResult {
    let at = chrono::DateTime::parse_from_rfc3339("2026-03-04T08:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    LabResult {
        loinc: "2276-4".into(),
        value: 48.0,
        unit: "ng/mL".into(),
        reference_low: Some(30.0),
        reference_high: Some(400.0),
        collected_at: Timestamp::new(at, 3600, Some("Europe/Berlin".into())).unwrap(),
        source: Source::named("North lab"),
    }
}

impl World {
    /// Sets everything up through the admin functions and the database (not the staff
    /// endpoints, whose tokens may already be expired), then logs everyone in.
    async fn build(s: &TestServer) -> Self {
        let now = alyze_server::clock::now_ms();
        let mut clinics = Vec::new();
        let mut staff_emails = Vec::new();
        let mut members = Vec::new();
        let mut labs = Vec::new();
        let mut spare_devices = Vec::new();
        let mut staff_tokens = Vec::new();
        let mut staff_refresh = Vec::new();
        let mut member_tokens = Vec::new();
        let mut member_refresh = Vec::new();
        for name in ["a", "b"] {
            let clinic = s.clinic(&format!("Clinic {name}")).await;
            let admin_email = format!("admin@{name}.example");
            let clin_email = format!("clin@{name}.example");
            let admin = s.admin_staff(&clinic, &admin_email).await;
            s.staff(&clinic, &clin_email).await;
            let mut ids = Vec::new();
            let mut tokens = Vec::new();
            let mut refresh = Vec::new();
            for n in 0..2 {
                let (id, enrolled) = s
                    .enrolled_member(&clinic, &format!("Member {name}{n}"))
                    .await;
                tokens.push(str_of(&enrolled, "access_token").to_owned());
                refresh.push(str_of(&enrolled, "refresh_token").to_owned());
                ids.push(id);
            }
            let spare_device = s.enrol(&s.code(&ids[0]).await).await;
            spare_devices.push(str_of(&spare_device, "device_id").to_owned());
            // Adherence needs a prescription; deleting a lab needs a lab.
            for id in &ids {
                let p: Prescription = serde_json::from_value(prescription()).unwrap();
                s.db()
                    .put_prescription(admin.clone(), clinic.clone(), id.clone(), p, now)
                    .await
                    .unwrap();
            }
            let lab = lab();
            let lab_id = alyze_core::store::record_id(&lab);
            s.db()
                .add_lab_result(
                    admin.clone(),
                    clinic.clone(),
                    ids[0].clone(),
                    lab_id.clone(),
                    canonical(&serde_json::to_value(&lab).unwrap()),
                    now,
                )
                .await
                .unwrap();
            let mut st = Vec::new();
            let mut sr = Vec::new();
            for email in [&admin_email, &clin_email] {
                let login = s.login(email).await;
                st.push(str_of(&login, "access_token").to_owned());
                sr.push(str_of(&login, "refresh_token").to_owned());
            }
            clinics.push(clinic);
            staff_emails.push([admin_email, clin_email]);
            members.push([ids[0].clone(), ids[1].clone()]);
            labs.push(lab_id);
            staff_tokens.push([st[0].clone(), st[1].clone()]);
            staff_refresh.push([sr[0].clone(), sr[1].clone()]);
            member_tokens.push([tokens[0].clone(), tokens[1].clone()]);
            member_refresh.push([refresh[0].clone(), refresh[1].clone()]);
        }
        let spare_email = "spare@a.example".to_owned();
        s.staff(&clinics[0], &spare_email).await;
        let spare_member = s.member(&clinics[0], "Spare").await;
        Self {
            clinics: two(clinics),
            staff_emails: two(staff_emails),
            members: two(members),
            labs: two(labs),
            spare_devices: two(spare_devices),
            staff_tokens: two(staff_tokens),
            staff_refresh: two(staff_refresh),
            member_tokens: two(member_tokens),
            member_refresh: two(member_refresh),
            spare_email,
            spare_member,
        }
    }

    /// The request body of a row (spending a code or a refresh token where the row needs one).
    async fn body(&self, s: &TestServer, body: Body) -> Option<Value> {
        Some(match body {
            Body::None => return None,
            Body::FreshCode => {
                json!({"code": s.code(&self.spare_member).await, "device_name": "Matrix phone"})
            }
            Body::FreshRefresh => {
                let login = s.login(&self.spare_email).await;
                json!({"refresh_token": str_of(&login, "refresh_token")})
            }
            Body::Login => json!({"email": self.spare_email, "password": PASSWORD}),
            Body::Prescription => prescription(),
            Body::Settings => serde_json::to_value(ClinicSettings::default()).unwrap(),
            Body::Lab => serde_json::to_value(lab()).unwrap(),
            Body::Push => json!({"ops": []}),
            Body::Pull => json!({"epoch": null, "cursor": null, "limit": 10}),
        })
    }

    /// The row's path for a member of clinic `target`; panics on a parameter it cannot fill.
    fn path(&self, row: &Row, target: usize) -> String {
        let mut path = row
            .path
            .replace("{id}", &self.members[target][0])
            .replace("{lab_id}", &self.labs[target])
            .replace("{device_id}", &self.spare_devices[target]);
        assert!(
            !path.contains('{'),
            "no value for a parameter of {} {}: teach the matrix about it",
            row.method,
            row.path
        );
        path.push_str(row.query);
        path
    }
}

/// The tokens of a login whose family was revoked by replaying a spent refresh token: the access
/// token of the last rotation, which worked before the replay.
async fn revoked(s: &TestServer, first_refresh: &str, probe: &str) -> String {
    let mut refresh = first_refresh.to_owned();
    let mut access = String::new();
    // Twice: the first token's answer is then used, so presenting it again is no retry of a
    // lost answer but a replay.
    for _ in 0..2 {
        let r = s.refresh(&refresh).await;
        assert_eq!(r.status(), StatusCode::OK);
        let rotated: Value = r.json().await.unwrap();
        (access, refresh) = (
            str_of(&rotated, "access_token").to_owned(),
            str_of(&rotated, "refresh_token").to_owned(),
        );
    }
    assert_eq!(s.get(probe, &access).await.status(), StatusCode::OK);
    // The spent token again: the whole family is revoked.
    assert_eq!(
        s.refresh(first_refresh).await.status(),
        StatusCode::UNAUTHORIZED
    );
    access
}

/// One call of the matrix.
struct Cell {
    row: usize,
    caller: Caller,
    target: usize,
    expected: u16,
    got: u16,
}

/// Calls every row as each of `callers` (with `token` its bearer token) on `s`.
async fn run(
    s: &TestServer,
    world: &World,
    callers: &[(Caller, Option<String>)],
    cells: &mut Vec<Cell>,
) {
    for (i, row) in ROWS.iter().enumerate() {
        let method = Method::from_bytes(row.method.to_uppercase().as_bytes()).unwrap();
        let targets: &[usize] = if row.path.contains("{id}") {
            &[0, 1]
        } else {
            &[0]
        };
        for &target in targets {
            for (caller, token) in callers {
                let body = world.body(s, row.body).await;
                let mut request = s.http.request(
                    method.clone(),
                    format!("{}{}", s.url, world.path(row, target)),
                );
                if let Some(token) = token {
                    request = request.bearer_auth(token);
                }
                if let Some(body) = &body {
                    request = request.json(body);
                }
                let got = request.send().await.unwrap().status().as_u16();
                cells.push(Cell {
                    row: i,
                    caller: *caller,
                    target,
                    expected: expected(row, *caller, target),
                    got,
                });
            }
        }
    }
}

/// The matrix as text: a line per row and target, a column per caller; a cell that differs reads
/// `got!=expected`.
fn render(cells: &[Cell]) -> String {
    let mut callers: Vec<Caller> = Vec::new();
    for c in cells {
        if !callers.contains(&c.caller) {
            callers.push(c.caller);
        }
    }
    let mut out = format!("{:<58}", "endpoint (member of clinic)");
    for c in &callers {
        let _ = write!(out, " {:>15}", c.label());
    }
    out.push('\n');
    let mut lines: Vec<(usize, usize)> = cells.iter().map(|c| (c.row, c.target)).collect();
    lines.dedup();
    let lines: Vec<(usize, usize)> = {
        let mut seen = BTreeSet::new();
        lines.into_iter().filter(|l| seen.insert(*l)).collect()
    };
    for (row, target) in lines {
        let r = &ROWS[row];
        let name = format!(
            "{} {}{}",
            r.method.to_uppercase(),
            r.path,
            if r.path.contains("{id}") {
                ["  (A)", "  (B)"][target]
            } else {
                ""
            }
        );
        let _ = write!(out, "{name:<58}");
        for caller in &callers {
            let cell = cells
                .iter()
                .find(|c| c.row == row && c.target == target && c.caller == *caller);
            let text = match cell {
                None => "-".to_owned(),
                Some(c) if c.got == c.expected => c.got.to_string(),
                Some(c) => format!("{}!={}", c.got, c.expected),
            };
            let _ = write!(out, " {text:>15}");
        }
        out.push('\n');
    }
    out
}

/// The endpoints of the OpenAPI document as (method, path).
async fn documented(s: &TestServer) -> BTreeSet<(String, String)> {
    let doc: Value = s
        .http
        .get(format!("{}{OPENAPI}", s.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in [
            "get", "put", "post", "delete", "patch", "head", "options", "trace",
        ] {
            if item.get(method).is_some() {
                out.insert((method.to_owned(), path.clone()));
            }
        }
    }
    out
}

async fn every_endpoint_as_every_caller(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;

    // Every documented endpoint has a row, and every row (but the document's own) is documented.
    let documented = documented(&s).await;
    let rows: BTreeSet<(String, String)> = ROWS
        .iter()
        .filter(|r| r.path != OPENAPI)
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    let missing: Vec<_> = documented.difference(&rows).collect();
    let stale: Vec<_> = rows.difference(&documented).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "the access matrix is out of date: endpoints without a row {missing:?}, rows without an \
         endpoint {stale:?}"
    );

    let world = World::build(&s).await;
    assert_ne!(world.clinics[0], world.clinics[1]);
    // A second login of admin A and a second device of member A1, each revoked by reuse.
    let admin_login = s.login(&world.staff_emails[0][0]).await;
    let revoked_staff = revoked(
        &s,
        str_of(&admin_login, "refresh_token"),
        "/v1/clinic/members",
    )
    .await;
    let code = s.code(&world.members[0][0]).await;
    let second_device = s.enrol(&code).await;
    let revoked_member = revoked(&s, str_of(&second_device, "refresh_token"), "/v1/me").await;

    let mut callers: Vec<(Caller, Option<String>)> = vec![(Caller::Anonymous, None)];
    for clinic in 0..2 {
        for (k, admin) in [true, false].into_iter().enumerate() {
            callers.push((
                Caller::Staff { clinic, admin },
                Some(world.staff_tokens[clinic][k].clone()),
            ));
        }
    }
    for clinic in 0..2 {
        for n in 0..2 {
            callers.push((
                Caller::Member { clinic, n },
                Some(world.member_tokens[clinic][n].clone()),
            ));
        }
    }
    callers.push((Caller::Revoked(Kind::Staff), Some(revoked_staff)));
    callers.push((Caller::Revoked(Kind::Member), Some(revoked_member)));
    callers.push((
        Caller::RefreshAsAccess(Kind::Staff),
        Some(world.staff_refresh[0][0].clone()),
    ));
    callers.push((
        Caller::RefreshAsAccess(Kind::Member),
        Some(world.member_refresh[0][0].clone()),
    ));
    let mut cells = Vec::new();
    run(&s, &world, &callers, &mut cells).await;

    // Expired access tokens: a server whose access tokens live 0 s, with the same world.
    let expiring = TestServer::start(
        backend,
        Settings {
            access_token_ttl: Duration::ZERO,
            ..settings()
        },
    )
    .await;
    let world2 = World::build(&expiring).await;
    let expired = [
        (
            Caller::Expired(Kind::Staff),
            Some(world2.staff_tokens[0][0].clone()),
        ),
        (
            Caller::Expired(Kind::Member),
            Some(world2.member_tokens[0][0].clone()),
        ),
    ];
    run(&expiring, &world2, &expired, &mut cells).await;

    let wrong = cells.iter().filter(|c| c.got != c.expected).count();
    assert!(
        wrong == 0,
        "{wrong} of {} cells differ (got!=expected):\n{}",
        cells.len(),
        render(&cells)
    );
}

on_both_backends!(every_endpoint_as_every_caller);
