//! [`sync`]: one run of the sync protocol (`docs/sync.md`) for an enrolled device.
//!
//! 0. With [`DerivedDays`], the days' summaries and readiness that changed are queued.
//! 1. Push: the outbox, batch after batch, until nothing is queued; each answer settles its ops
//!    (rejected ones are set aside and never block the queue).
//! 2. Pull: pages from the saved cursor until the server has no more; each page is applied, then
//!    its cursor saved.
//!    A pull from no cursor (the first, or after a resync) brings every live record; what earlier
//!    pulls left here and it did not bring is deleted here ([`super::apply::sweep_unseen`]).
//! 3. A `resync_required` answer resets the store's sync state ([`Store::reset_sync`]) and the
//!    run starts over once (a second one in the same run is a protocol error).
//! 4. With [`DerivedDays`], the days are judged again with what the pull brought (a lab result,
//!    the clinic's readiness settings) and what changed is pushed, so the clinic sees what the
//!    member will see after this run, not after the next.
//!
//! Every request is retried on transient failures (network, timeouts, 5xx, 429) with capped
//! exponential backoff and full jitter, up to [`SyncSettings::max_attempts`]; a 401 refreshes
//! the tokens once (saved at once: the old refresh token is spent) and repeats the request. A
//! run that stops leaves everything as it was after its last settled step: the next run carries
//! on from there.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chrono::{Days, NaiveDate, Utc};
use serde_json::Value;
use uuid::Uuid;

use super::SyncError;
use super::apply::{apply_changes, sweep_unseen};
use super::client::{Failure, Pulled, ServerClient};
use super::credentials::{CredentialStore, Credentials};
use super::settings::SyncSettings;
use super::wire::{CHECK_IN_COLLECTION, OpStatus, PullRequest, PushOp, PushRequest};
use crate::readiness::{HistorySettings, MemberProfile, readiness_history};
use crate::store::{OpOutcome, Store, SyncOp};
use crate::summary::daily_summaries;

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Ops the server applied.
    pub pushed: u64,
    /// Ops the server had applied before (retries) or that changed nothing.
    pub duplicates: u64,
    /// Stale check-in revisions the server kept in the history only.
    pub conflicts: u64,
    /// Ops the server refused for good (see `Store::rejected_ops`).
    pub rejected: u64,
    /// Pulled changes written to the store.
    pub pulled: u64,
    /// Pulled changes not applied (this device's own, newer here, derived here).
    pub skipped: u64,
    /// Pulled changes that could not be read.
    pub unreadable: u64,
    /// Records an earlier pull left here that a full pull no longer brought (deleted on the server
    /// while this device was away), now deleted here too.
    pub swept: u64,
    /// Whether the server asked for a resync and the run started over.
    pub resynced: bool,
}

/// Where a run is, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncProgress {
    /// A batch was pushed; `remaining` changes are left to push (an upper bound).
    Pushed {
        /// Ops pushed so far in this run.
        done: u64,
        /// Changes left.
        remaining: u64,
    },
    /// A page was pulled and applied.
    Pulled {
        /// Changes pulled so far in this run.
        done: u64,
    },
}

/// The days whose summary and readiness the phone pushes for the clinic to see, as the member
/// saw them.
#[derive(Debug, Clone)]
pub struct DerivedDays {
    /// The member's profile the readiness is assessed with.
    pub profile: MemberProfile,
    /// How summaries and readiness are computed. When these are the clinic's, as the store holds
    /// them when the run starts (`protocol::member::readiness_settings`, which the apps and the
    /// command line pass), the days judged again after the pull follow the clinic's settings the
    /// pull brought; other settings are kept for the whole run.
    pub history: HistorySettings,
    /// The last day (the member's today); the run looks at [`SyncSettings::derived_days`] days
    /// up to it and queues only those whose summary or readiness changed since last queued.
    pub through: NaiveDate,
}

/// Runs the protocol for the device whose credentials `credentials` holds, against `client`.
/// With `derived`, the summary and readiness of those days are queued first when they changed.
pub async fn sync(
    store: &Mutex<Store>,
    client: &ServerClient,
    credentials: &mut (dyn CredentialStore + Send),
    settings: &SyncSettings,
    derived: Option<&DerivedDays>,
    progress: &mut (dyn FnMut(SyncProgress) + Send),
) -> Result<SyncReport, SyncError> {
    let enrolled = credentials.load()?.ok_or(SyncError::NotEnrolled)?;
    // Before anything is queued or sent: one member's data never goes to another's account.
    if !lock(store).bind_sync_member(&enrolled.member_id)? {
        return Err(SyncError::OtherMember);
    }
    let follows_clinic = match derived {
        Some(days) => {
            queue_derived(&mut lock(store), days, settings.derived_days)?;
            clinic_history(&lock(store))? == days.history
        }
        None => false,
    };
    let mut session = Session {
        credentials: enrolled,
        keeper: credentials,
        client,
        settings,
    };
    let mut report = SyncReport::default();
    loop {
        push_all(store, &mut session, &mut report, progress).await?;
        if pull_all(store, &mut session, &mut report, progress).await? {
            if let Some(days) = derived {
                let again = DerivedDays {
                    history: if follows_clinic {
                        clinic_history(&lock(store))?
                    } else {
                        days.history.clone()
                    },
                    ..days.clone()
                };
                queue_derived(&mut lock(store), &again, settings.derived_days)?;
                push_all(store, &mut session, &mut report, progress).await?;
            }
            return Ok(report);
        }
        if report.resynced {
            return Err(SyncError::Protocol {
                what: "the server asked for a second resync in one run",
            });
        }
        lock(store).reset_sync()?;
        report.resynced = true;
    }
}

/// The credentials, where they are kept, and the server.
struct Session<'a> {
    credentials: Credentials,
    keeper: &'a mut (dyn CredentialStore + Send),
    client: &'a ServerClient,
    settings: &'a SyncSettings,
}

impl Session<'_> {
    /// Runs `call` with a current access token: refreshed first when it is about to expire, and
    /// once more after a 401; retried with backoff on transient failures.
    async fn call<T, F, Fut>(&mut self, what: &'static str, call: F) -> Result<T, SyncError>
    where
        F: Fn(String) -> Fut,
        Fut: Future<Output = Result<T, Failure>>,
    {
        let mut refreshed = false;
        let mut attempt = 0;
        loop {
            let expiring = self.credentials.access_expires_at_ms
                <= Utc::now().timestamp_millis() + self.settings.refresh_margin_ms;
            if expiring && !refreshed {
                self.refresh(what).await?;
                refreshed = true;
            }
            match call(self.credentials.access_token.clone()).await {
                Ok(answer) => return Ok(answer),
                Err(Failure::Unauthorized) if !refreshed => {
                    self.refresh(what).await?;
                    refreshed = true;
                }
                Err(Failure::Unauthorized) => return Err(SyncError::SignedOut),
                Err(Failure::Transient(wait)) => {
                    attempt += 1;
                    if attempt >= self.settings.max_attempts {
                        return Err(SyncError::Network { what });
                    }
                    tokio::time::sleep(wait.unwrap_or_else(|| backoff(self.settings, attempt)))
                        .await;
                }
                Err(Failure::ResyncRequired) => {
                    return Err(SyncError::Protocol {
                        what: "resync asked outside a pull",
                    });
                }
                Err(Failure::Fatal(e)) => return Err(e),
            }
        }
    }

    /// Rotates the tokens and saves them at once.
    async fn refresh(&mut self, what: &'static str) -> Result<(), SyncError> {
        let mut attempt = 0;
        loop {
            match self.client.refresh(&mut self.credentials).await {
                Ok(()) => {
                    self.keeper.save(&self.credentials)?;
                    return Ok(());
                }
                Err(Failure::Transient(wait)) => {
                    attempt += 1;
                    if attempt >= self.settings.max_attempts {
                        return Err(SyncError::Network { what });
                    }
                    tokio::time::sleep(wait.unwrap_or_else(|| backoff(self.settings, attempt)))
                        .await;
                }
                Err(Failure::Unauthorized) => return Err(SyncError::SignedOut),
                Err(Failure::ResyncRequired) => {
                    return Err(SyncError::Protocol {
                        what: "a refresh answered resync",
                    });
                }
                Err(Failure::Fatal(e)) => return Err(e),
            }
        }
    }
}

/// Pushes until the outbox is empty.
async fn push_all(
    store: &Mutex<Store>,
    session: &mut Session<'_>,
    report: &mut SyncReport,
    progress: &mut (dyn FnMut(SyncProgress) + Send),
) -> Result<(), SyncError> {
    let mut done = 0;
    loop {
        let ops = lock(store).sync_ops(session.settings.batch_ops)?;
        if ops.is_empty() {
            return Ok(());
        }
        let request = PushRequest {
            ops: {
                let guard = lock(store);
                ops.iter()
                    .map(|op| push_op(&guard, op))
                    .collect::<Result<_, _>>()?
            },
        };
        let client = session.client;
        let answer = session
            .call("pushing", |token| {
                let request = &request;
                async move { client.push(&token, request).await }
            })
            .await?;
        if answer.results.len() != ops.len()
            || answer
                .results
                .iter()
                .zip(&ops)
                .any(|(result, op)| result.op_id != op.op_id)
        {
            return Err(SyncError::Protocol {
                what: "push results that do not match the ops",
            });
        }
        let answer_versions: Vec<Option<i64>> =
            answer.results.iter().map(|result| result.version).collect();
        let outcomes: Vec<(String, OpOutcome)> = answer
            .results
            .into_iter()
            .map(|result| {
                let outcome = match result.status {
                    OpStatus::Applied => {
                        report.pushed += 1;
                        OpOutcome::Applied
                    }
                    OpStatus::Duplicate => {
                        report.duplicates += 1;
                        OpOutcome::Duplicate
                    }
                    OpStatus::Conflict => {
                        report.conflicts += 1;
                        OpOutcome::Conflict
                    }
                    OpStatus::Rejected => {
                        report.rejected += 1;
                        OpOutcome::Rejected(result.reason.unwrap_or_else(|| "rejected".into()))
                    }
                };
                (result.op_id, outcome)
            })
            .collect();
        let versions: Vec<(String, String, i64)> = ops
            .iter()
            .zip(&answer_versions)
            .filter(|(op, _)| op.collection == CHECK_IN_COLLECTION)
            .filter_map(|(op, version)| version.map(|v| (op.collection.clone(), op.id.clone(), v)))
            .collect();
        let mut guard = lock(store);
        guard.settle_ops(&outcomes)?;
        guard.note_server_versions(&versions)?;
        drop(guard);
        done += ops.len() as u64;
        progress(SyncProgress::Pushed {
            done,
            remaining: lock(store).sync_backlog()?,
        });
    }
}

/// Pulls pages until the server has no more; `false` when the server asked for a resync.
async fn pull_all(
    store: &Mutex<Store>,
    session: &mut Session<'_>,
    report: &mut SyncReport,
    progress: &mut (dyn FnMut(SyncProgress) + Send),
) -> Result<bool, SyncError> {
    // A pull from no cursor brings every live record: what earlier pulls left here and it does
    // not bring was deleted on the server meanwhile (`apply::sweep_unseen`).
    let full = lock(store).pull_position()?.cursor.is_none();
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    loop {
        let position = lock(store).pull_position()?;
        let request = PullRequest {
            epoch: position.epoch,
            cursor: position.cursor,
            limit: session.settings.pull_limit,
        };
        let client = session.client;
        let pulled = session
            .call("pulling", |token| {
                let request = &request;
                async move { client.pull(&token, request).await }
            })
            .await?;
        let page = match pulled {
            Pulled::ResyncRequired => return Ok(false),
            Pulled::Page(page) => page,
        };
        // The cursor never goes back: a page that would move it back is not from this protocol.
        if let (Some(before), Some(after)) = (request.cursor, page.cursor)
            && after < before
        {
            return Err(SyncError::Protocol {
                what: "a page whose cursor goes back",
            });
        }
        if full {
            for change in page.changes.iter().filter(|c| !c.deleted) {
                seen.entry(change.collection.clone())
                    .or_default()
                    .push(change.id.clone());
            }
        }
        let mut guard = lock(store);
        let applied = apply_changes(&mut guard, &session.credentials.device_id, &page.changes)?;
        report.pulled += u64::from(applied.applied);
        report.skipped += u64::from(applied.skipped);
        report.unreadable += u64::from(applied.unreadable);
        if let Some(cursor) = page.cursor {
            guard.save_pull_position(&page.epoch, cursor)?;
        }
        drop(guard);
        progress(SyncProgress::Pulled {
            done: report.pulled + report.skipped + report.unreadable,
        });
        if !page.more {
            if full {
                report.swept += sweep_unseen(&mut lock(store), &seen)? as u64;
            }
            return Ok(true);
        }
        if page.changes.is_empty() {
            return Err(SyncError::Protocol {
                what: "an empty page that says more follow",
            });
        }
    }
}

/// Queues the days' summaries and readiness that changed since they were last queued.
fn queue_derived(store: &mut Store, days: &DerivedDays, count: u32) -> Result<(), SyncError> {
    let from = days
        .through
        .checked_sub_days(Days::new(u64::from(count.saturating_sub(1))))
        .ok_or(SyncError::Derived {
            what: "a date outside the calendar",
        })?;
    let summaries =
        daily_summaries(store, from, days.through, &days.history.summary).map_err(|_| {
            SyncError::Derived {
                what: "the daily summaries",
            }
        })?;
    let readiness = readiness_history(store, from, days.through, &days.profile, &days.history)
        .map_err(|_| SyncError::Derived { what: "readiness" })?;
    let encode = |value: Result<Value, serde_json::Error>| {
        let mut value = value.map_err(|_| SyncError::Derived {
            what: "laying out a day",
        })?;
        positive_zeros(&mut value);
        Ok::<_, SyncError>(value)
    };
    for summary in &summaries {
        let body = encode(serde_json::to_value(summary))?;
        store.queue_document("daily_summary", &summary.date.to_string(), &body)?;
    }
    for day in &readiness.days {
        let body = encode(serde_json::to_value(day))?;
        store.queue_document("readiness", &day.date.to_string(), &body)?;
    }
    Ok(())
}

/// Makes every negative zero in `value` a positive one. A sum over nothing is -0.0 in Rust, and
/// PostgreSQL's JSONB has no negative zero: the server would keep such a day as 0.0, so the same
/// day sent again would look changed to it and be stored again, as a new version every time.
fn positive_zeros(value: &mut Value) {
    match value {
        Value::Number(n) if n.as_f64().is_some_and(|x| x == 0.0 && x.is_sign_negative()) => {
            *value = Value::from(0.0);
        }
        Value::Array(items) => items.iter_mut().for_each(positive_zeros),
        Value::Object(fields) => fields.values_mut().for_each(positive_zeros),
        _ => {}
    }
}

/// The readiness settings of the member's clinic as the store holds them
/// ([`crate::protocol::member::readiness_settings`]).
fn clinic_history(store: &Store) -> Result<HistorySettings, SyncError> {
    crate::protocol::member::readiness_settings(store).map_err(|_| SyncError::Derived {
        what: "the clinic's readiness settings",
    })
}

/// The store, locked for one step: never across a request, so the app can read and write it
/// while a sync waits on the network. A panic elsewhere while holding it leaves a store whose
/// transactions rolled back, so the lock is taken over rather than refused.
fn lock(store: &Mutex<Store>) -> MutexGuard<'_, Store> {
    store.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The wire form of a queued op; an edit of a member-edited record names the server version it
/// was made on.
fn push_op(store: &Store, op: &SyncOp) -> Result<PushOp, SyncError> {
    let base_version = if op.collection == CHECK_IN_COLLECTION {
        store.server_version(&op.collection, &op.id)?
    } else {
        None
    };
    Ok(PushOp {
        op_id: op.op_id.clone(),
        collection: op.collection.clone(),
        id: op.id.clone(),
        deleted: op.deleted,
        base_version,
        body: op.body.clone(),
    })
}

/// The wait before retry `attempt` (1-based): uniformly random up to the capped exponential.
fn backoff(settings: &SyncSettings, attempt: u32) -> Duration {
    let cap = settings
        .backoff_base_ms
        .saturating_mul(1u64 << attempt.saturating_sub(1).min(20))
        .min(settings.backoff_max_ms);
    // The random bits of a v4 UUID: jitter needs no more than that.
    let random = (Uuid::new_v4().as_u128() & u128::from(u64::MAX)) as u64;
    Duration::from_millis(random % cap.saturating_add(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_derived_document_carries_no_negative_zero() {
        let empty: f64 = std::iter::empty::<f64>().sum();
        let mut day = serde_json::json!({
            "points": -0.0, "load": {"rpe": empty, "trimp": 0}, "list": [-0.0, -1.5, 0.0, 2]
        });
        positive_zeros(&mut day);
        assert_eq!(
            day.to_string(),
            r#"{"list":[0.0,-1.5,0.0,2],"load":{"rpe":0.0,"trimp":0},"points":0.0}"#
        );
    }

    /// The FFI spawns a run on its multi-threaded runtime: the future must be `Send`.
    #[test]
    fn a_run_can_move_between_threads() {
        struct Nowhere;
        impl CredentialStore for Nowhere {
            fn load(&self) -> Result<Option<Credentials>, super::super::CredentialError> {
                Ok(None)
            }
            fn save(&mut self, _: &Credentials) -> Result<(), super::super::CredentialError> {
                Ok(())
            }
        }
        fn send<T: Send>(_: T) {}
        let store = Mutex::new(Store::open_in_memory().expect("opens"));
        let client =
            ServerClient::new("http://127.0.0.1:9", &SyncSettings::default()).expect("a client");
        let mut keeper = Nowhere;
        send(sync(
            &store,
            &client,
            &mut keeper,
            &SyncSettings::default(),
            None,
            &mut |_| {},
        ));
        // And a device that never enrolled is told so before anything is sent.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let settings = SyncSettings::default();
        let mut quiet = |_| {};
        let run = sync(&store, &client, &mut keeper, &settings, None, &mut quiet);
        assert!(matches!(runtime.block_on(run), Err(SyncError::NotEnrolled)));
    }

    #[test]
    fn backoff_grows_to_its_cap_and_stays_under_it() {
        let settings = SyncSettings::default();
        for attempt in 1..30 {
            let cap = (500u64 << (attempt - 1).min(20)).min(8000);
            for _ in 0..50 {
                assert!(backoff(&settings, attempt) <= Duration::from_millis(cap));
            }
        }
        // Jittered: not always the same wait.
        let waits: std::collections::BTreeSet<Duration> =
            (0..50).map(|_| backoff(&settings, 5)).collect();
        assert!(waits.len() > 10);
    }
}
