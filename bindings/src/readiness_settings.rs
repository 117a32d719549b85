//! The readiness settings a shell or a clinic may change, across the FFI: [`FfiReadinessSettings`],
//! its defaults ([`default_readiness_settings`]) and the member's clinic's
//! (`AlyzeStore::readiness_settings`, in [`crate::store`]).
//!
//! The record is the core's [`ReadinessTuning`] field for field: the few of the engine's settings
//! a clinic has a reason to tune, laid onto [`HistorySettings::default`], so every setting left
//! out keeps its documented default. The core checks them; an invalid value fails the call with
//! [`AlyzeError::InvalidSetting`] whose `name` is the field of this record (for a window, both of
//! its fields). The reason is the core's, in its fixed words.

use alyze_core::protocol::member;
use alyze_core::readiness::{HistorySettings, ReadinessTuning};

use crate::AlyzeError;
use crate::store::AlyzeStore;

/// The readiness settings a shell or clinic may change: the core's [`ReadinessTuning`], whose
/// fields give each setting's default, bounds and source. [`default_readiness_settings`] gives
/// the documented defaults, `AlyzeStore::readiness_settings` the member's clinic's; every other
/// setting of the engine keeps its default.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiReadinessSettings {
    /// Days of history read before the first day asked for (default 180, at most 3653).
    pub look_back_days: u32,
    /// Score from which the day is green and the call `push` (default 67).
    pub push_from: u8,
    /// Score up to which the day is red and the call `recover` (default 33).
    pub recover_to: u8,
    /// Days of the HRV week, the rolling mean of lnHRV ending today (default 7).
    pub hrv_week_days: u32,
    /// Fewest nights with HRV the week's mean needs (default 3).
    pub hrv_week_min_valid: u32,
    /// Days of the HRV normal range's window, ending yesterday (default 60).
    pub hrv_normal_range_days: u32,
    /// Fewest nights with HRV the normal range needs; until then, calibrating (default 14).
    pub hrv_normal_range_min_valid: u32,
    /// Half-width of the normal range, standard deviations of daily lnHRV (default 0.5).
    pub hrv_normal_range_sd: f64,
    /// Sleep need, seconds, when no personal need is derived (default 28 800, 8 h).
    pub sleep_need_s: f64,
    /// Whether a personal sleep need is derived from the member's nights (default true).
    pub derive_personal_sleep_need: bool,
    /// Rise of resting HR above its baseline, bpm, that counts as elevated (default 3).
    pub resting_hr_elevated_bpm: f64,
}

/// The default readiness settings (the engine's documented configuration).
#[uniffi::export]
pub fn default_readiness_settings() -> FfiReadinessSettings {
    ReadinessTuning::default().into()
}

#[uniffi::export]
impl AlyzeStore {
    /// The readiness settings of the member's clinic, as its last synced clinic settings tune
    /// them, or the defaults before the clinic sent any. The shells pass these to every readiness,
    /// plan, reminder and sync call, so that the member is judged by the clinic's thresholds.
    pub fn readiness_settings(&self) -> Result<FfiReadinessSettings, AlyzeError> {
        Ok(member::clinic_settings(&self.lock())?.readiness.into())
    }
}

impl From<ReadinessTuning> for FfiReadinessSettings {
    fn from(t: ReadinessTuning) -> Self {
        Self {
            look_back_days: t.look_back_days,
            push_from: t.push_from,
            recover_to: t.recover_to,
            hrv_week_days: t.hrv_week_days,
            hrv_week_min_valid: t.hrv_week_min_valid,
            hrv_normal_range_days: t.hrv_normal_range_days,
            hrv_normal_range_min_valid: t.hrv_normal_range_min_valid,
            hrv_normal_range_sd: t.hrv_normal_range_sd,
            sleep_need_s: t.sleep_need_s,
            derive_personal_sleep_need: t.derive_personal_sleep_need,
            resting_hr_elevated_bpm: t.resting_hr_elevated_bpm,
        }
    }
}

impl From<&FfiReadinessSettings> for ReadinessTuning {
    fn from(s: &FfiReadinessSettings) -> Self {
        Self {
            look_back_days: s.look_back_days,
            push_from: s.push_from,
            recover_to: s.recover_to,
            hrv_week_days: s.hrv_week_days,
            hrv_week_min_valid: s.hrv_week_min_valid,
            hrv_normal_range_days: s.hrv_normal_range_days,
            hrv_normal_range_min_valid: s.hrv_normal_range_min_valid,
            hrv_normal_range_sd: s.hrv_normal_range_sd,
            sleep_need_s: s.sleep_need_s,
            derive_personal_sleep_need: s.derive_personal_sleep_need,
            resting_hr_elevated_bpm: s.resting_hr_elevated_bpm,
        }
    }
}

impl FfiReadinessSettings {
    /// The core's settings: these fields laid onto the defaults, checked. The core checks them
    /// again when it reads them; checking here as well names the field before any database work.
    pub(crate) fn to_core(&self) -> Result<HistorySettings, AlyzeError> {
        ReadinessTuning::from(self)
            .history()
            .map_err(AlyzeError::from)
    }
}

/// `error` with the setting named as the field of [`FfiReadinessSettings`] that holds it; other
/// errors, and settings the record does not carry, unchanged.
pub(crate) fn ffi_setting_names(error: AlyzeError) -> AlyzeError {
    match error {
        AlyzeError::InvalidSetting { name, reason } => {
            let name = ReadinessTuning::field_of(&name).map_or(name, str::to_owned);
            AlyzeError::InvalidSetting { name, reason }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_cores() {
        let defaults = default_readiness_settings();
        assert_eq!((defaults.push_from, defaults.recover_to), (67, 33));
        assert_eq!(defaults.to_core(), Ok(HistorySettings::default()));
    }

    #[test]
    fn every_field_crosses_to_its_own_field_and_back() {
        // Every value differs from its default and from the others of its type, so a field
        // crossed over to another would show.
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
        let tuning = ReadinessTuning::from(&ffi);
        assert_eq!(
            (tuning.look_back_days, tuning.push_from, tuning.recover_to),
            (90, 70, 30)
        );
        assert_eq!((tuning.hrv_week_days, tuning.hrv_week_min_valid), (5, 2));
        assert_eq!(
            (
                tuning.hrv_normal_range_days,
                tuning.hrv_normal_range_min_valid
            ),
            (30, 10)
        );
        assert_eq!(tuning.hrv_normal_range_sd, 0.75);
        assert_eq!(tuning.sleep_need_s, 7.5 * 3600.0);
        assert!(!tuning.derive_personal_sleep_need);
        assert_eq!(tuning.resting_hr_elevated_bpm, 4.0);
        assert_eq!(FfiReadinessSettings::from(tuning.clone()), ffi);
        assert_eq!(ffi.to_core(), Ok(tuning.history().unwrap()));
    }

    #[test]
    fn the_store_gives_the_clinics_settings_once_it_sent_them() {
        let dir = tempfile::tempdir().unwrap();
        let store = AlyzeStore::open(dir.path().join("alyze.db").display().to_string()).unwrap();
        assert_eq!(
            store.readiness_settings().unwrap(),
            default_readiness_settings()
        );
        let mut settings: serde_json::Value =
            serde_json::from_str(&store.clinic_settings_json().unwrap()).unwrap();
        settings["readiness"] = serde_json::json!({"push_from": 80, "sleep_need_s": 27000.0});
        store
            .set_clinic_settings_json(settings.to_string())
            .unwrap();
        let tuned = store.readiness_settings().unwrap();
        assert_eq!((tuned.push_from, tuned.sleep_need_s), (80, 27000.0));
        assert_eq!(
            FfiReadinessSettings {
                push_from: 67,
                sleep_need_s: 28800.0,
                ..tuned
            },
            default_readiness_settings()
        );

        // Settings the readiness engine cannot use are refused whole, named under `readiness`.
        settings["readiness"] = serde_json::json!({"push_from": 20});
        match store.set_clinic_settings_json(settings.to_string()) {
            Err(AlyzeError::InvalidSetting { name, .. }) => {
                assert_eq!(name, "readiness.push_from, recover_to");
            }
            other => panic!("expected an invalid setting, got {other:?}"),
        }
        assert_eq!(store.readiness_settings().unwrap().push_from, 80);
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
