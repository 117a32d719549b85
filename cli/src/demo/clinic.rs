//! Part 5 of the demo: the member's clinic. The clinic server (`alyze-server`'s library) runs
//! embedded on loopback over an SQLite file in the demo's temporary directory; the clinic, a
//! clinician and the member are created as `alyze-server`'s admin subcommands would; the member's
//! phone (the demo store) enrols with its one-time code and syncs; the clinician signs in over HTTP
//! and adds PEMF to the prescription; the phone syncs again and plans the next day with it; the
//! clinician, the clinic's admin, raises the readiness band of a push day in the clinic settings,
//! and after the next sync the member's morning is judged by it; and the clinician's list of
//! members shows what the phone sent.

use std::io::Write;
use std::sync::Mutex;
use std::time::Duration;

use alyze_core::protocol::member;
use alyze_core::protocol::{Dose, DoseCheck, WeeklyTarget};
use alyze_core::store::Store;
use alyze_core::sync::{
    CredentialStore, DerivedDays, InMemoryCredentials, ServerClient, SyncReport, SyncSettings, sync,
};
use alyze_server::settings::Argon2Settings;
use alyze_server::tenancy::StaffRole;
use alyze_server::{AppState, Db, Settings, admin};
use anyhow::{Context, Result, anyhow};
use chrono::NaiveDate;
use serde_json::{Value, json};

use super::DemoDir;
use crate::plan::to_text as plan_text;
use crate::profile::Resolved;
use crate::readiness::{day_readiness, to_text as readiness_text};

/// The clinician's sign-in (the demo's own, on a server that lives for the demo only).
const CLINICIAN: &str = "clinician@alyze-demo.example";

/// The score from which the demo clinic calls a push day: more margin than the default 67, for
/// members in a hard block of training.
const CLINIC_PUSH_FROM: u8 = 80;

/// Part 5 (module doc): `store` is the member's phone, `last` the last day of their data, and
/// `resolved` the profile they are assessed with.
pub fn clinic_story(
    out: &mut impl Write,
    store: Store,
    last: NaiveDate,
    resolved: &Resolved,
    dir: &DemoDir,
) -> Result<Store> {
    let profile = &resolved.profile;
    let day = last
        .succ_opt()
        .ok_or_else(|| anyhow!("the generated export's dates are out of range"))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the demo's network runtime")?;
    let store = Mutex::new(store);
    runtime.block_on(async {
        let db = Db::open_sqlite_in(&dir.0.join("clinic-server"))
            .map_err(|e| anyhow!("opening the clinic server's database: {e}"))?;
        let clinic = admin::create_clinic(&db, "alyze demo clinic").await?;
        let password = random_password()?;
        admin::create_staff(
            &db,
            &clinic.clinic_id,
            CLINICIAN,
            // An admin, so that the demo can change the clinic's settings as well.
            StaffRole::Admin,
            password.clone(),
            Argon2Settings::default(),
        )
        .await?;
        let created = admin::create_member(&db, &clinic.clinic_id, "Demo member").await?;
        let code = admin::create_code(&db, &created.member_id, Duration::from_secs(3600)).await?;
        let state = AppState::new(db, Settings::default())
            .map_err(|e| anyhow!("starting the clinic server: {e}"))?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .context("listening on loopback")?;
        let url = format!("http://{}", listener.local_addr()?);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(alyze_server::serve(listener, state, async {
            let _ = stopped.await;
        }));

        writeln!(
            out,
            "\nThe member's clinic: its server runs here on loopback ({url}, embedded SQLite)\n"
        )?;
        let settings = SyncSettings::default();
        let client = ServerClient::new(&url, &settings)?;
        let mut keeper = InMemoryCredentials::default();
        keeper.save(&client.enrol(&code.code, "Demo phone").await?)?;
        writeln!(
            out,
            "The phone enrols with the one-time code {} from the clinic, then syncs:",
            code.code
        )?;
        // Each sync judges the recent days by the clinic's settings as the phone holds them, as the
        // apps do, and again by the ones its pull brings.
        let mut sync_now = async || {
            let derived = DerivedDays {
                profile: profile.clone(),
                history: member::readiness_settings(&*locked(&store)?)?,
                through: day,
            };
            sync(
                &store,
                &client,
                &mut keeper,
                &settings,
                Some(&derived),
                &mut |_| {},
            )
            .await
            .map(|report| report_text(&report))
            .map_err(anyhow::Error::from)
        };
        writeln!(out, "  {}", sync_now().await.context("the first sync")?)?;

        let http = reqwest::Client::new();
        let staff: Value = http
            .post(format!("{url}/v1/staff/login"))
            .json(&json!({"email": CLINICIAN, "password": password}))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let token = staff["access_token"]
            .as_str()
            .ok_or_else(|| anyhow!("the staff sign-in gave no token"))?
            .to_owned();
        let mut prescription = member::prescription(&*locked(&store)?)?;
        prescription.targets.push(WeeklyTarget {
            sessions_per_week: 2,
            check: DoseCheck::Standard,
            dose: Dose::Pemf { minutes: 20.0 },
        });
        let path = format!("/v1/clinic/members/{}/prescription", created.member_id);
        staff_put(&http, &url, &token, &path, &prescription).await?;
        writeln!(
            out,
            "\nThe clinician signs in and adds PEMF, 20 min twice a week, to the prescription. \
             The phone syncs:"
        )?;
        writeln!(out, "  {}", sync_now().await.context("the second sync")?)?;
        let planned = {
            let store = locked(&store)?;
            member::plan_days(
                &store,
                day,
                day,
                chrono_tz::Europe::Berlin,
                &[],
                profile,
                &member::readiness_settings(&store)?,
            )?
        }
        .pop()
        .ok_or_else(|| anyhow!("the planner returned no day"))?;
        writeln!(
            out,
            "\nThe plan for {day} with the clinic's new prescription\n"
        )?;
        write!(
            out,
            "{}",
            plan_text(&planned.plan, planned.readiness, chrono_tz::Europe::Berlin)
        )?;

        let mut settings = staff_get(&http, &url, &token, "/v1/clinic/settings").await?;
        let default_push = settings["readiness"]["push_from"].clone();
        settings["readiness"]["push_from"] = json!(CLINIC_PUSH_FROM);
        staff_put(&http, &url, &token, "/v1/clinic/settings", &settings).await?;
        writeln!(
            out,
            "\nThe clinic wants more margin before a hard day: its admin raises the score of a push \
             day from {default_push} to {CLINIC_PUSH_FROM} in the clinic settings, for every \
             member. The phone syncs:"
        )?;
        writeln!(out, "  {}", sync_now().await.context("the third sync")?)?;
        let morning = day_readiness(&*locked(&store)?, last, resolved)?;
        writeln!(
            out,
            "\nThe member's morning, judged by the clinic's bands\n"
        )?;
        write!(out, "{}", readiness_text(&morning, resolved))?;
        let path = format!(
            "/v1/clinic/members/{}/trends?from={last}&to={last}",
            created.member_id
        );
        let trends = staff_get(&http, &url, &token, &path).await?;
        let seen = &trends["days"][0]["readiness"];
        writeln!(
            out,
            "\nThe clinic's view of {last}, as the phone sent it in that sync: {} ({}/100)",
            seen["recommendation"].as_str().unwrap_or("none"),
            seen["score"]
        )?;

        let members = staff_get(&http, &url, &token, "/v1/clinic/members").await?;
        let names: Vec<&str> = members["members"]
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|m| m["display_name"].as_str())
                    .collect()
            })
            .unwrap_or_default();
        writeln!(
            out,
            "\nWhat the clinic sees (each read audited): its members: {}",
            names.join(", ")
        )?;
        let _ = stop.send(());
        server
            .await
            .context("stopping the clinic server")?
            .context("the clinic server")?;
        Ok::<(), anyhow::Error>(())
    })?;
    store
        .into_inner()
        .map_err(|_| anyhow!("the demo store's lock was poisoned"))
}

/// A staff read of `path` on the server at `url`, as JSON.
async fn staff_get(http: &reqwest::Client, url: &str, token: &str, path: &str) -> Result<Value> {
    let answer = http
        .get(format!("{url}{path}"))
        .bearer_auth(token)
        .send()
        .await?
        .error_for_status()
        .with_context(|| format!("reading {path}"))?;
    Ok(answer.json().await?)
}

/// A staff write of `body` to `path` on the server at `url`.
async fn staff_put(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    path: &str,
    body: &impl serde::Serialize,
) -> Result<()> {
    http.put(format!("{url}{path}"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await?
        .error_for_status()
        .with_context(|| format!("writing {path}"))?;
    Ok(())
}

fn report_text(report: &SyncReport) -> String {
    format!(
        "sent {} changes ({} the server had already), received {}",
        report.pushed + report.duplicates + report.conflicts,
        report.duplicates,
        report.pulled
    )
}

/// A password for the demo's clinician: 24 hex digits from the OS's random source, through a v4
/// UUID (the server never stores it; the demo server is deleted with the demo).
fn random_password() -> Result<String> {
    let id = uuid::Uuid::new_v4().simple().to_string();
    id.get(..24)
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("a UUID is 32 digits"))
}

fn locked(store: &Mutex<Store>) -> Result<std::sync::MutexGuard<'_, Store>> {
    store
        .lock()
        .map_err(|_| anyhow!("the demo store's lock was poisoned"))
}
