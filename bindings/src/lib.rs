//! The alyze FFI: the one UniFFI crate through which the Swift (iOS) and Kotlin (Android) shells
//! reach the Rust core, in the single namespace `alyze`.
//!
//! The crate holds no logic of its own. It mirrors the core's plain records and enums for the
//! foreign languages ([`hrv`], [`night`], [`samples`], [`series`], [`sleep`], [`workout`],
//! [`heartbeat`], [`summary`], [`import`], [`readiness`], [`readiness_settings`], [`protocol`],
//! [`checkin`]), maps every core error to the one public [`AlyzeError`] ([`error`]), and exports
//! coarse calls: a whole recording or a whole night in, one report out; and the member's store
//! ([`store::AlyzeStore`]): a whole platform batch in, daily summaries out, an export imported
//! with progress and cancellation, a day's readiness or a range's readiness and trends out, the
//! clinic's prescription in, the member's planned training in ([`planned`]), planned days and
//! their reminders out, a logged session in and the week's adherence out, the day's check-in in; and sync with the clinic server ([`sync`]):
//! enrolment and a sync run, async on the crate's own runtime. On Android, `android.rs` gives the
//! sync client's certificate verifier the JVM it needs (plain JNI, called once at start).
//! Calls are synchronous (the shells call them off the main thread) except the network ones in
//! [`sync`], which are async and run on the one tokio runtime this crate owns.
//!
//! Counts and positions are `u32` on this side (UniFFI has no `usize`); [`hrv`] converts them in
//! one place. Bindings are generated from the built library by `scripts/bindings`, never committed.

#[cfg(target_os = "android")]
pub mod android;
pub mod checkin;
pub mod error;
pub mod heartbeat;
pub mod hrv;
pub mod import;
pub mod night;
pub mod planned;
pub mod protocol;
pub mod readiness;
pub mod readiness_settings;
pub mod samples;
pub mod series;
pub mod sleep;
pub mod store;
pub mod summary;
pub mod sync;
pub mod workout;

pub use error::AlyzeError;

uniffi::setup_scaffolding!("alyze");
