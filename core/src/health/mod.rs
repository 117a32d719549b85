//! The member's health data, as the core holds it whatever the platform recorded it with.
//!
//! These are the rows that the Apple Health export importer, the live HealthKit and Health Connect
//! readers and the member's own entries produce, that the store will keep and that sync will carry
//! between the phone and the clinic server. The readiness, load and protocol logic reads only these
//! types, so the platform differences (SDNN against RMSSD, sleep stage codes, workout type lists,
//! time zones, device strings) are settled here once.
//!
//! Every record:
//! - carries its [`Source`] (provenance: which app and device wrote it), because several sources
//!   record the same minutes and readiness picks one per metric per night (data brief);
//! - carries an optional platform id (HealthKit UUID, Health Connect record id) where the platform
//!   gives one; where it does not, the import derives a content key instead (see
//!   [`quantity::QuantitySample::content_key`]);
//! - is plain data with public fields and is checked by [`Validate`], on construction by the
//!   importers and again whenever it crosses a boundary (store, sync). Errors name the field and the
//!   problem, never the value: health data is private.
//!
//! Bounds that are product choices live in one place, [`Plausibility`]; scale definitions taken
//! from a source (check-in items, CR-10) sit next to their citation.

pub mod activity;
pub mod checkin;
pub mod error;
pub mod heartbeat;
pub mod kinds;
pub mod labs;
pub mod plausibility;
pub mod quantity;
pub mod recovery;
pub mod sleep;
pub mod source;
pub mod time;
pub mod training;
pub mod workout;

pub use activity::ActivityType;
pub use checkin::{CheckIn, HooperItems, McLeanItems, Questionnaire, QuestionnaireKind};
pub use error::HealthError;
pub use heartbeat::{Beat, HeartbeatSeries, RrWithGaps};
pub use kinds::{QuantityKind, SleepStage, TrainingClass};
pub use labs::{Analyte, LabResult, RangeFlag};
pub use plausibility::{Plausibility, Range};
pub use quantity::QuantitySample;
pub use recovery::{RecoveryModality, RecoverySession};
pub use sleep::{SleepSegment, SleepSession};
pub use source::{DeviceInfo, DeviceKind, Source};
pub use time::Timestamp;
pub use training::TrainingSession;
pub use workout::{Workout, WorkoutEvent, WorkoutEventKind};

/// A record that can be checked against the plausibility bounds.
///
/// Records are plain data (public fields, serde) so that the importers, the store and the bindings
/// can build and map them without ceremony; the price is that a value can be built or deserialised
/// in an invalid state, so every boundary calls [`Validate::validate`] (or
/// [`Validate::validate_with`] when the clinic has changed a bound).
pub trait Validate {
    /// Checks the record against `bounds`; the first problem found is returned.
    fn validate_with(&self, bounds: &Plausibility) -> Result<(), HealthError>;

    /// Checks the record against the default bounds, [`Plausibility::DEFAULT`].
    fn validate(&self) -> Result<(), HealthError> {
        self.validate_with(&Plausibility::DEFAULT)
    }
}
