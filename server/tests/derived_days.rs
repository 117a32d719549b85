//! The readiness a phone sends follows what its pull brings, on both backends: a member's phone
//! (a generated export imported into a core store) syncs with the core's engine, the clinic's
//! admin changes the clinic's readiness bands, and after one more run of the phone the clinic's
//! trends show the day judged by them, as the phone now shows it; a caller with readiness settings
//! of its own keeps them.

// Test helpers outside `#[test]` functions fail loudly on purpose.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Mutex;

use alyze_core::apple_export::{Flow, SyntheticExport, import_export};
use alyze_core::protocol::member;
use alyze_core::readiness::{DEFAULT_SEX, HistorySettings, MemberProfile};
use alyze_core::store::Store;
use alyze_core::sync::{
    CredentialStore, DerivedDays, InMemoryCredentials, ServerClient, SyncSettings, sync,
};
use chrono::{Days, NaiveDate};
use common::{Backend, TestServer, on_both_backends, settings, str_of};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Days of the generated export: enough nights for the HRV baseline, so its last day is scored.
const DAYS: u32 = 40;

/// The clinic's view of `day`: its readiness call and score, as the phone sent them.
async fn clinic_sees(
    s: &TestServer,
    token: &str,
    member_id: &str,
    day: NaiveDate,
) -> (String, u64) {
    let path = format!("/v1/clinic/members/{member_id}/trends?from={day}&to={day}");
    let r = s.send(Method::GET, &path, token, None).await;
    assert_eq!(r.status(), StatusCode::OK);
    let trends: Value = r.json().await.unwrap();
    let readiness = &trends["days"][0]["readiness"];
    (
        readiness["recommendation"].as_str().unwrap().to_owned(),
        readiness["score"].as_u64().unwrap(),
    )
}

async fn the_days_sent_follow_the_clinics_settings_from_the_same_run(backend: Backend) {
    let s = TestServer::start(backend, settings()).await;
    let clinic = s.clinic("North").await;
    let member_id = s.member(&clinic, "Ada").await;
    let code = s.code(&member_id).await;
    s.admin_staff(&clinic, "boss@north.example").await;
    let admin = str_of(&s.login("boss@north.example").await, "access_token").to_owned();

    let dir = tempfile::tempdir().unwrap();
    let export = SyntheticExport {
        days: DAYS,
        ..SyntheticExport::default()
    };
    export.write_zip(dir.path().join("export.zip")).unwrap();
    let mut phone = Store::open(dir.path().join("alyze.db")).unwrap();
    import_export(&mut phone, &dir.path().join("export.zip"), |_| {
        Flow::Continue
    })
    .unwrap();
    let last = export
        .start_date
        .checked_add_days(Days::new(u64::from(DAYS - 1)))
        .unwrap();
    let phone = Mutex::new(phone);

    let sync_settings = SyncSettings::default();
    let client = ServerClient::new(&s.url, &sync_settings).unwrap();
    let mut keeper = InMemoryCredentials::default();
    keeper
        .save(&client.enrol(&code, "Ada's phone").await.unwrap())
        .unwrap();
    let profile = MemberProfile::new(DEFAULT_SEX);
    // One run, judging the days by `history` (`None`: the clinic's, as the apps pass them).
    let mut run = async |history: Option<HistorySettings>| {
        let history = match history {
            Some(own) => own,
            None => member::readiness_settings(&phone.lock().unwrap()).unwrap(),
        };
        let days = DerivedDays {
            profile: profile.clone(),
            history,
            through: last,
        };
        sync(
            &phone,
            &client,
            &mut keeper,
            &sync_settings,
            Some(&days),
            &mut |_| {},
        )
        .await
        .unwrap()
    };

    run(None).await;
    let (call, score) = clinic_sees(&s, &admin, &member_id, last).await;
    assert!(
        score < 100,
        "the premise: a score the strict bands make red"
    );
    assert_ne!(call, "recover", "the premise: not red by the default bands");

    // The admin makes every score below 100 red. The phone's next run pulls the settings and
    // sends the day judged by them before it ends.
    let r = s
        .send(Method::GET, "/v1/clinic/settings", &admin, None)
        .await;
    let mut clinic_settings: Value = r.json().await.unwrap();
    clinic_settings["readiness"] = json!({"push_from": 100, "recover_to": 99});
    let r = s
        .send(
            Method::PUT,
            "/v1/clinic/settings",
            &admin,
            Some(&clinic_settings),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let report = run(None).await;
    assert_eq!(report.pulled, 1, "{report:?}");
    assert!(
        report.pushed >= 1,
        "the day judged again went up: {report:?}"
    );
    assert_eq!(
        clinic_sees(&s, &admin, &member_id, last).await,
        ("recover".to_owned(), score)
    );

    // A caller that judges by settings of its own keeps them for the whole run.
    run(Some(HistorySettings::default())).await;
    assert_eq!(
        clinic_sees(&s, &admin, &member_id, last).await,
        (call, score)
    );
}

on_both_backends!(the_days_sent_follow_the_clinics_settings_from_the_same_run);
