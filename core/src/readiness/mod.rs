//! Readiness: the morning answer to "is today a push day or a recovery day, and why".
//!
//! Readiness compares a member's night against the member's own history, never against a
//! population: HRV on the ln scale against its 7-day mean and 60-day normal range (HRV4Training,
//! Plews et al. 2012-2014, Kiviniemi et al. 2007), resting heart rate against its own baseline
//! (Oura), and sleep against the member's need. Those personal baselines are its first part and
//! live in [`baseline`]; the daily score, the push / maintain / recover call, training load and
//! the overreaching flags build on them:
//!
//! - [`inputs`]: daily summaries to per-day series, one HRV metric and one load scale per member.
//! - [`assess`]: every day's state, score, call, components and reasons in one pass
//!   ([`assess_history`]).
//! - [`score`]: the points of each component and the colour bands.
//! - [`flags`]: overreaching and illness flags for the member and the clinic.
//! - [`history`]: readiness and its trends over a range, read from the store.
//! - [`report`]: what a day's readiness says (serialised for the CLI and the FFI).
//! - [`settings`]: every weight and threshold, with its default and source.
//! - [`tuning`]: the settings a clinic tunes for its members, sent with its clinic settings.
//! - [`synthetic`]: generated member histories whose physiology is known (tests, benchmark, demo).
//!
//! Everything here is pure: daily series in, results out, no I/O and no clock (the generator reads
//! an in-memory store once, see [`synthetic`]). A daily series holds one entry per consecutive
//! member-local day, oldest first, the last entry being "today"; `None` is a day without a valid
//! reading. Conventions: `../shared/domain.md` section 4.

pub mod assess;
pub mod baseline;
pub mod error;
pub mod flags;
pub mod history;
pub mod inputs;
pub mod report;
pub mod score;
pub mod settings;
pub mod synthetic;
pub mod tuning;

pub use assess::{assess_history, assess_inputs};
pub use baseline::{
    BaselineError, BaselineSettings, Calibration, DailyLnHrv, HrvBaseline, HrvBaselineDay,
    HrvBaselineSettings, HrvMetric, HrvReading, NormalRange, RangePosition, RestingHrDay,
    RestingHrSettings, SleepDebt, SleepNeed, SleepNeedDay, SleepNeedSource, SleepRegularity,
    SleepSettings, Window, WindowEnd, WindowStats, calibration, hrv_baseline, hrv_calibration,
    resting_hr_baseline, resting_hr_calibration, sleep_against_need, sleep_regularity,
};
pub use error::ReadinessError;
pub use flags::{Flag, FlagCategory, FlagCode};
pub use history::{HistoryError, HistorySettings, ReadinessHistory, TrendDay, readiness_history};
pub use inputs::{
    DEFAULT_SEX, DailyInputs, LoadKind, MemberProfile, TrimpHeartRates, daily_inputs,
};
pub use report::{
    Component, ComponentBaseline, ComponentName, DayReadiness, MissingInput, ReadinessState,
    Reason, ReasonCode, Recommendation, Severity,
};
pub use settings::{FlagSettings, InputSettings, ReadinessSettings, RuleSettings, ScoreSettings};
pub use tuning::ReadinessTuning;
