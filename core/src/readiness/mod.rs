//! Readiness: the morning answer to "is today a push day or a recovery day, and why".
//!
//! Readiness compares a member's night against the member's own history, never against a
//! population: HRV on the ln scale against its 7-day mean and 60-day normal range (HRV4Training,
//! Plews et al. 2012-2014, Kiviniemi et al. 2007), resting heart rate against its own baseline
//! (Oura), and sleep against the member's need. Those personal baselines are its first part and
//! live in [`baseline`]; the daily score, the push / maintain / recover call, training load and
//! the overreaching flags build on them.
//!
//! Everything here is pure: daily series in, results out, no I/O and no clock. A daily series holds
//! one entry per consecutive member-local day, oldest first, the last entry being "today"; `None`
//! is a day without a valid reading. Conventions: `../shared/domain.md` section 4.

pub mod baseline;

pub use baseline::{
    BaselineError, BaselineSettings, Calibration, DailyLnHrv, HrvBaseline, HrvBaselineDay,
    HrvBaselineSettings, HrvMetric, HrvReading, NormalRange, RangePosition, RestingHrDay,
    RestingHrSettings, SleepDebt, SleepNeed, SleepNeedDay, SleepNeedSource, SleepRegularity,
    SleepSettings, Window, WindowEnd, WindowStats, calibration, hrv_baseline, hrv_calibration,
    resting_hr_baseline, resting_hr_calibration, sleep_against_need, sleep_regularity,
};
