//! The readiness settings a shell or a clinic may change, across the FFI: [`FfiReadinessSettings`]
//! and its defaults, [`default_readiness_settings`].
//!
//! The core has well over a hundred readiness settings (`alyze_core::readiness::settings` and the
//! baselines' and load model's). Only the ones a clinic has a reason to tune cross: how far back
//! the history is read, the colour bands, the HRV week and normal range, the sleep need and the
//! resting-HR rise that counts as elevated. The record is laid onto
//! [`HistorySettings::default`], so every setting left out keeps its documented default.
//!
//! The core validates the settings; an invalid value fails the call with
//! [`AlyzeError::InvalidSetting`] whose `name` is the field of this record (for a window, both of
//! its fields), translated from the core's name of the setting (`ffi_setting_names`). The reason
//! is the core's, in its fixed words.

use alyze_core::readiness::{HistorySettings, Window};

use crate::AlyzeError;
use crate::hrv::{core_count, ffi_count};

/// The readiness settings a shell or clinic may change. [`default_readiness_settings`] gives the
/// documented defaults; every other setting of the engine keeps its default.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiReadinessSettings {
    /// Days of history read before the first day asked for, so that the baselines and the chronic
    /// load are established on it. Default 180; at most 3653 (ten years).
    pub look_back_days: u32,
    /// Score at or above which the day is green and the call `push`. Default 67 (WHOOP's bands);
    /// at most 100 and above [`Self::recover_to`].
    pub push_from: u8,
    /// Score at or below which the day is red and the call `recover`. Default 33 (WHOOP).
    pub recover_to: u8,
    /// Days of the HRV week (the 7-day rolling mean of lnHRV, ending today). Default 7.
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

/// The default readiness settings (the engine's documented configuration).
#[uniffi::export]
pub fn default_readiness_settings() -> FfiReadinessSettings {
    HistorySettings::default().into()
}

impl From<HistorySettings> for FfiReadinessSettings {
    fn from(s: HistorySettings) -> Self {
        let baseline = &s.readiness.baseline;
        Self {
            look_back_days: s.look_back_days,
            push_from: s.readiness.score.push_from,
            recover_to: s.readiness.score.recover_to,
            hrv_week_days: ffi_count(baseline.hrv.week.days),
            hrv_week_min_valid: ffi_count(baseline.hrv.week.min_valid),
            hrv_normal_range_days: ffi_count(baseline.hrv.normal_range.days),
            hrv_normal_range_min_valid: ffi_count(baseline.hrv.normal_range.min_valid),
            hrv_normal_range_sd: baseline.hrv.normal_range_sd,
            sleep_need_s: baseline.sleep.need_s,
            derive_personal_sleep_need: baseline.sleep.derive_personal_need,
            resting_hr_elevated_bpm: baseline.resting_hr.elevated_bpm,
        }
    }
}

impl FfiReadinessSettings {
    /// The core's settings: these fields laid onto the defaults, checked. The core checks them
    /// again when it reads them; checking here as well names the field before any database work.
    pub(crate) fn to_core(&self) -> Result<HistorySettings, AlyzeError> {
        // The core does not bound the look-back (it is not a readiness setting): without a bound a
        // stray value would have the store build millions of empty days. Ten years is the core's
        // own bound on a baseline window, far beyond what any window reads.
        if usize::try_from(self.look_back_days).map_or(true, |days| days > Window::MAX_DAYS) {
            return Err(AlyzeError::InvalidSetting {
                name: "look_back_days".to_owned(),
                reason: "must be at most 3653 days (ten years)".to_owned(),
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
        baseline.hrv.week.days = core_count(self.hrv_week_days);
        baseline.hrv.week.min_valid = core_count(self.hrv_week_min_valid);
        baseline.hrv.normal_range.days = core_count(self.hrv_normal_range_days);
        baseline.hrv.normal_range.min_valid = core_count(self.hrv_normal_range_min_valid);
        baseline.hrv.normal_range_sd = self.hrv_normal_range_sd;
        baseline.sleep.need_s = self.sleep_need_s;
        baseline.sleep.derive_personal_need = self.derive_personal_sleep_need;
        baseline.resting_hr.elevated_bpm = self.resting_hr_elevated_bpm;
        s.readiness
            .validate()
            .map_err(|e| ffi_setting_names(e.into()))?;
        Ok(s)
    }
}

/// The core's names of the settings this record carries, with the fields that carry them. A
/// window is checked as a whole by the core, so its error names both of its fields.
const SETTING_NAMES: [(&str, &str); 6] = [
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

/// `error` with the setting named as the field of [`FfiReadinessSettings`] that holds it; other
/// errors, and settings the record does not carry, unchanged.
pub(crate) fn ffi_setting_names(error: AlyzeError) -> AlyzeError {
    match error {
        AlyzeError::InvalidSetting { name, reason } => {
            let name = SETTING_NAMES
                .iter()
                .find(|(core, _)| *core == name)
                .map_or(name, |(_, ffi)| (*ffi).to_owned());
            AlyzeError::InvalidSetting { name, reason }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_cores_and_convert_back_unchanged() {
        let defaults = default_readiness_settings();
        assert_eq!(defaults.look_back_days, 180);
        assert_eq!((defaults.push_from, defaults.recover_to), (67, 33));
        assert_eq!(
            (defaults.hrv_week_days, defaults.hrv_week_min_valid),
            (7, 3)
        );
        assert_eq!(defaults.hrv_normal_range_days, 60);
        assert_eq!(defaults.hrv_normal_range_sd, 0.5);
        assert_eq!(defaults.sleep_need_s, 8.0 * 3600.0);
        assert_eq!(defaults.resting_hr_elevated_bpm, 3.0);
        assert_eq!(defaults.to_core(), Ok(HistorySettings::default()));
    }

    #[test]
    fn every_field_reaches_its_core_setting_and_the_rest_keep_their_defaults() {
        let ffi = FfiReadinessSettings {
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
        let core = ffi.to_core().unwrap();
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
        assert_eq!(core, expected);
        assert_eq!(FfiReadinessSettings::from(core), ffi);
    }

    /// The name an invalid value of a setting is reported under.
    fn refused(change: impl FnOnce(&mut FfiReadinessSettings)) -> String {
        let mut s = default_readiness_settings();
        change(&mut s);
        match s.to_core() {
            Err(AlyzeError::InvalidSetting { name, .. }) => name,
            other => panic!("expected an invalid setting, got {other:?}"),
        }
    }

    #[test]
    fn an_invalid_setting_is_named_by_its_field() {
        assert_eq!(refused(|s| s.look_back_days = 4000), "look_back_days");
        assert_eq!(refused(|s| s.push_from = 101), "push_from, recover_to");
        assert_eq!(refused(|s| s.recover_to = 67), "push_from, recover_to");
        assert!(refused(|s| s.hrv_week_days = 0).contains("hrv_week_days"));
        assert!(refused(|s| s.hrv_week_min_valid = 8).contains("hrv_week_min_valid"));
        assert!(refused(|s| s.hrv_normal_range_days = 0).contains("hrv_normal_range_days"));
        assert!(
            refused(|s| s.hrv_normal_range_min_valid = 1).contains("hrv_normal_range_min_valid")
        );
        assert_eq!(
            refused(|s| s.hrv_normal_range_sd = f64::NAN),
            "hrv_normal_range_sd"
        );
        assert_eq!(refused(|s| s.sleep_need_s = -1.0), "sleep_need_s");
        assert_eq!(
            refused(|s| s.resting_hr_elevated_bpm = f64::INFINITY),
            "resting_hr_elevated_bpm"
        );
    }

    #[test]
    fn the_error_names_the_setting_never_its_value() {
        let mut s = default_readiness_settings();
        s.sleep_need_s = -12345.0;
        let error = s.to_core().unwrap_err();
        assert!(!error.to_string().contains("12345"), "{error}");
    }

    #[test]
    fn other_errors_pass_through_unchanged() {
        let other = AlyzeError::InvalidArgument {
            name: "from".into(),
            reason: "r".into(),
        };
        assert_eq!(ffi_setting_names(other.clone()), other);
        let unexposed = AlyzeError::InvalidSetting {
            name: "rules.sleep_ok_ratio".into(),
            reason: "r".into(),
        };
        assert_eq!(ffi_setting_names(unexposed.clone()), unexposed);
    }
}
