//! The readiness settings a clinic tunes for its members: [`ReadinessTuning`].
//!
//! The engine has well over a hundred settings ([`super::settings`], the baselines' and the load
//! model's). Only the ones a clinic has a reason to change are tuned: how far back the history is
//! read, the colour bands, the HRV week and normal range, the sleep need and the resting-HR rise
//! that counts as elevated. They travel with the clinic settings (`ClinicSettings::readiness`), so
//! that the phones, the command line and the readiness the clinic sees agree; the phones' FFI
//! record carries the same fields. [`ReadinessTuning::history`] lays them onto
//! [`HistorySettings::default`], so every setting not tuned keeps its documented default, and
//! checks them, naming a bad one by its field here.

use serde::{Deserialize, Serialize};

use super::ReadinessError;
use super::baseline::{BaselineError, Window};
use super::history::HistorySettings;

/// The tunable readiness settings; every field absent from a saved document keeps its default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReadinessTuning {
    /// Days of history read before the first day asked for
    /// ([`HistorySettings::look_back_days`]). Default 180; at most 3653 (ten years).
    pub look_back_days: u32,
    /// Score at or above which the day is green and the call `push`. Default 67 (WHOOP's bands,
    /// [`super::ScoreSettings`]); at most 100 and above [`Self::recover_to`].
    pub push_from: u8,
    /// Score at or below which the day is red and the call `recover`. Default 33 (WHOOP).
    pub recover_to: u8,
    /// Days of the HRV week (the rolling mean of lnHRV, ending today). Default 7.
    pub hrv_week_days: u32,
    /// Fewest nights with HRV the week needs for its mean. Default 3 (Plews et al. 2014); at
    /// least 2 and at most [`Self::hrv_week_days`].
    pub hrv_week_min_valid: u32,
    /// Days of the HRV normal range's window (ending yesterday). Default 60 (HRV4Training).
    pub hrv_normal_range_days: u32,
    /// Fewest nights with HRV the normal range needs; until then the member is calibrating.
    /// Default 14; at least 2 and at most [`Self::hrv_normal_range_days`].
    pub hrv_normal_range_min_valid: u32,
    /// Half-width of the normal range in standard deviations of daily lnHRV. Default 0.5
    /// (HRV4Training; the smallest worthwhile change, Plews et al. 2012).
    pub hrv_normal_range_sd: f64,
    /// Sleep need, seconds, when no personal need is derived. Default 8 h (28 800 s).
    pub sleep_need_s: f64,
    /// Whether a personal sleep need is derived from the member's own nights (within 7-9 h).
    /// Default true; false judges every night against [`Self::sleep_need_s`].
    pub derive_personal_sleep_need: bool,
    /// Rise of resting HR above its baseline, bpm, from which it counts as elevated. Default 3
    /// (the lower end of the +3-5 bpm Oura flags).
    pub resting_hr_elevated_bpm: f64,
}

impl Default for ReadinessTuning {
    fn default() -> Self {
        Self::from(&HistorySettings::default())
    }
}

impl From<&HistorySettings> for ReadinessTuning {
    fn from(s: &HistorySettings) -> Self {
        let baseline = &s.readiness.baseline;
        Self {
            look_back_days: s.look_back_days,
            push_from: s.readiness.score.push_from,
            recover_to: s.readiness.score.recover_to,
            hrv_week_days: count(baseline.hrv.week.days),
            hrv_week_min_valid: count(baseline.hrv.week.min_valid),
            hrv_normal_range_days: count(baseline.hrv.normal_range.days),
            hrv_normal_range_min_valid: count(baseline.hrv.normal_range.min_valid),
            hrv_normal_range_sd: baseline.hrv.normal_range_sd,
            sleep_need_s: baseline.sleep.need_s,
            derive_personal_sleep_need: baseline.sleep.derive_personal_need,
            resting_hr_elevated_bpm: baseline.resting_hr.elevated_bpm,
        }
    }
}

/// The engine's names of the tuned settings, with the fields here that carry them. A window is
/// checked as a whole by the engine, so its name covers both of its fields.
const NAMES: [(&str, &str); 6] = [
    ("score.push_from", "push_from, recover_to"),
    ("hrv.week", "hrv_week_days, hrv_week_min_valid"),
    (
        "hrv.normal_range",
        "hrv_normal_range_days, hrv_normal_range_min_valid",
    ),
    ("hrv.normal_range_sd", "hrv_normal_range_sd"),
    ("sleep.need_s", "sleep_need_s"),
    ("resting_hr.elevated_bpm", "resting_hr_elevated_bpm"),
];

impl ReadinessTuning {
    /// The history settings: these fields laid onto [`HistorySettings::default`], checked. A bad
    /// value is named by its field here ([`Self::field_of`]).
    pub fn history(&self) -> Result<HistorySettings, ReadinessError> {
        // The engine does not bound the look-back (it is not a readiness setting): without a
        // bound a stray value would have the store build millions of empty days. Ten years is the
        // engine's own bound on a baseline window, far beyond what any window reads.
        if usize::try_from(self.look_back_days).map_or(true, |days| days > Window::MAX_DAYS) {
            return Err(ReadinessError::InvalidSetting {
                name: "look_back_days",
                reason: "must be at most 3653 days (ten years)",
            });
        }
        let mut s = HistorySettings {
            look_back_days: self.look_back_days,
            ..HistorySettings::default()
        };
        let score = &mut s.readiness.score;
        score.push_from = self.push_from;
        score.recover_to = self.recover_to;
        let baseline = &mut s.readiness.baseline;
        baseline.hrv.week.days = index(self.hrv_week_days);
        baseline.hrv.week.min_valid = index(self.hrv_week_min_valid);
        baseline.hrv.normal_range.days = index(self.hrv_normal_range_days);
        baseline.hrv.normal_range.min_valid = index(self.hrv_normal_range_min_valid);
        baseline.hrv.normal_range_sd = self.hrv_normal_range_sd;
        baseline.sleep.need_s = self.sleep_need_s;
        baseline.sleep.derive_personal_need = self.derive_personal_sleep_need;
        baseline.resting_hr.elevated_bpm = self.resting_hr_elevated_bpm;
        s.readiness.validate().map_err(|e| match e {
            ReadinessError::InvalidSetting { name, reason }
            | ReadinessError::Baseline(BaselineError::InvalidSetting { name, reason }) => {
                ReadinessError::InvalidSetting {
                    name: Self::field_of(name).unwrap_or(name),
                    reason,
                }
            }
            other => other,
        })?;
        Ok(s)
    }

    /// The field (or, for a window, the fields) here that carries the engine's setting `name`,
    /// or `None` when the setting is not tuned.
    pub fn field_of(name: &str) -> Option<&'static str> {
        NAMES
            .iter()
            .find(|(engine, _)| *engine == name)
            .map(|(_, field)| *field)
    }
}

/// A window's day count as a field: windows longer than `u32::MAX` days are refused by the engine
/// long before (ten years), so saturating never changes a valid value.
fn count(days: usize) -> u32 {
    u32::try_from(days).unwrap_or(u32::MAX)
}

/// A field as a window's day count: `usize` is at least 32 bits on every target the core builds
/// for, so saturating never changes a value.
fn index(days: u32) -> usize {
    usize::try_from(days).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_engines_and_lay_back_unchanged() {
        let d = ReadinessTuning::default();
        assert_eq!(d.look_back_days, 180);
        assert_eq!((d.push_from, d.recover_to), (67, 33));
        assert_eq!((d.hrv_week_days, d.hrv_week_min_valid), (7, 3));
        assert_eq!(
            (d.hrv_normal_range_days, d.hrv_normal_range_min_valid),
            (60, 14)
        );
        assert_eq!(d.hrv_normal_range_sd, 0.5);
        assert_eq!(d.sleep_need_s, 8.0 * 3600.0);
        assert!(d.derive_personal_sleep_need);
        assert_eq!(d.resting_hr_elevated_bpm, 3.0);
        assert_eq!(d.history().unwrap(), HistorySettings::default());
    }

    #[test]
    fn every_field_reaches_its_engine_setting_and_the_rest_keep_their_defaults() {
        let tuned = ReadinessTuning {
            look_back_days: 90,
            push_from: 70,
            recover_to: 30,
            hrv_week_days: 5,
            hrv_week_min_valid: 2,
            hrv_normal_range_days: 30,
            hrv_normal_range_min_valid: 10,
            hrv_normal_range_sd: 0.75,
            sleep_need_s: 7.5 * 3600.0,
            derive_personal_sleep_need: false,
            resting_hr_elevated_bpm: 4.0,
        };
        let history = tuned.history().unwrap();
        let mut expected = HistorySettings {
            look_back_days: 90,
            ..HistorySettings::default()
        };
        let r = &mut expected.readiness;
        (r.score.push_from, r.score.recover_to) = (70, 30);
        (r.baseline.hrv.week.days, r.baseline.hrv.week.min_valid) = (5, 2);
        let range = &mut r.baseline.hrv.normal_range;
        (range.days, range.min_valid) = (30, 10);
        r.baseline.hrv.normal_range_sd = 0.75;
        r.baseline.sleep.need_s = 7.5 * 3600.0;
        r.baseline.sleep.derive_personal_need = false;
        r.baseline.resting_hr.elevated_bpm = 4.0;
        assert_eq!(history, expected);
        assert_eq!(ReadinessTuning::from(&history), tuned);
    }

    /// The name an invalid value is reported under.
    fn refused(change: impl FnOnce(&mut ReadinessTuning)) -> &'static str {
        let mut t = ReadinessTuning::default();
        change(&mut t);
        match t.history() {
            Err(ReadinessError::InvalidSetting { name, .. }) => name,
            other => panic!("expected an invalid setting, got {other:?}"),
        }
    }

    #[test]
    fn a_bad_value_is_named_by_its_field() {
        assert_eq!(refused(|t| t.look_back_days = 4000), "look_back_days");
        assert_eq!(refused(|t| t.recover_to = 80), "push_from, recover_to");
        assert_eq!(
            refused(|t| t.hrv_week_min_valid = 9),
            "hrv_week_days, hrv_week_min_valid"
        );
        assert_eq!(
            refused(|t| t.hrv_normal_range_min_valid = 1),
            "hrv_normal_range_days, hrv_normal_range_min_valid"
        );
        assert_eq!(
            refused(|t| t.hrv_normal_range_sd = f64::NAN),
            "hrv_normal_range_sd"
        );
        assert_eq!(refused(|t| t.sleep_need_s = -1.0), "sleep_need_s");
        assert_eq!(
            refused(|t| t.resting_hr_elevated_bpm = f64::INFINITY),
            "resting_hr_elevated_bpm"
        );
    }

    #[test]
    fn a_partial_document_keeps_the_defaults_of_the_fields_it_leaves_out() {
        let t: ReadinessTuning = serde_json::from_str(r#"{"push_from": 75}"#).unwrap();
        assert_eq!(
            t,
            ReadinessTuning {
                push_from: 75,
                ..ReadinessTuning::default()
            }
        );
    }
}
