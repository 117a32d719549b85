//! Each platform's identifiers mapped onto the core's kinds, once, for everyone.
//!
//! The Apple Health importer, the iOS shell (HealthKit) and the Android shell (Health Connect) all
//! receive platform identifiers: type strings, enum raw values, stage codes. Translating them here,
//! in one tested place, keeps the three readers from drifting apart (shared brief "Live platform
//! data": "Mapping platform identifiers ... belongs in the core, tested once, shared by the importer
//! and both shells").
//!
//! Conventions shared by both modules:
//! - A record type the core does not use maps to `None` (the reader skips it); a value inside a
//!   type the core does use never fails: an unknown workout type is [`ActivityType::Other`], an
//!   unknown sleep code [`SleepStage::Unknown`], so a platform update cannot break an import.
//! - Numbers are checked against the platform's own SDK source, cited in each module.
//!
//! [`ActivityType::Other`]: crate::health::activity::ActivityType::Other
//! [`SleepStage::Unknown`]: crate::health::kinds::SleepStage::Unknown

pub mod health_connect;
pub mod healthkit;

use crate::health::kinds::QuantityKind;

/// What a platform record type holds, in the core's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    /// Samples of one quantity.
    Quantity(QuantityKind),
    /// Sleep intervals with a stage each.
    Sleep,
    /// Workouts with an activity type.
    Workout,
}
