//! The clinic's settings of the planner: the timing rules' gaps and windows, the spacing of a
//! day's items, the training cap of a recovery day and the doses' safe ranges; and, beside them,
//! the check-in questionnaire the clinic asks and the readiness settings it tunes. Every field has its
//! default and its source beside it; "product choice" marks a default that no source fixes.

use chrono::Weekday;
use serde::{Deserialize, Serialize};

use super::ProtocolError;
use super::modality::SafeRanges;
use crate::health::QuestionnaireKind;
use crate::health::training::CR10_MAX;
use crate::readiness::ReadinessTuning;

/// All clinic settings of the protocols. [`ClinicSettings::default`] is the documented
/// configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClinicSettings {
    /// No cold immersion (plunge or contrast) starts or lasts into this many hours after the end
    /// of a strength or hypertrophy workout. Default 6: cold right after strength work blunts the
    /// adaptation (Roberts et al. 2015, J Physiol 593:4285; Fyfe 2019), but no study fixes an hour
    /// cut-off; the brief says "several hours" and names 6 h as the clinic setting (domain brief
    /// section 2).
    pub cold_gap_after_strength_h: f64,
    /// On a training day, red light lies within this many hours after the end of a training
    /// workout. Default 4: product choice for the brief's "within hours after training" (domain
    /// brief section 2); no source fixes the hour.
    pub red_light_window_h: f64,
    /// Minutes kept free between two items of the plan and between an item and a workout (to
    /// change, shower, cool down). Default 15: product choice.
    pub min_spacing_min: f64,
    /// On a `recover` day, training stays at or below this session RPE on Foster's CR-10 scale
    /// (Foster et al. 2001). Default 3, "moderate": product choice matching the readiness call's
    /// "rest, easy movement" (domain brief section 4).
    pub recover_rpe_cap: u8,
    /// The first day of the week the weekly targets count over. Default Monday (ISO 8601 weeks):
    /// product choice.
    pub week_starts_on: Weekday,
    /// A session's reminder fires this many minutes before it starts. Default 15: product choice,
    /// time to stop what one is doing and walk over; zero fires at the start.
    pub reminder_lead_min: f64,
    /// The doses' safe ranges.
    pub safe: SafeRanges,
    /// The check-in questionnaire the members are asked. Default McLean et al. 2010
    /// ([`QuestionnaireKind`]). Absent from settings saved before it existed, which keep the
    /// default.
    #[serde(default)]
    pub check_in: QuestionnaireKind,
    /// The readiness settings the clinic tunes for its members ([`ReadinessTuning`]); each has
    /// its documented default. They travel with these settings so that the phones, the command
    /// line and the readiness they send the clinic all judge by the same thresholds. Absent from
    /// settings saved before they existed, and any field left out, keep the defaults.
    #[serde(default)]
    pub readiness: ReadinessTuning,
}

impl Default for ClinicSettings {
    fn default() -> Self {
        Self {
            cold_gap_after_strength_h: 6.0,
            red_light_window_h: 4.0,
            min_spacing_min: 15.0,
            recover_rpe_cap: 3,
            week_starts_on: Weekday::Mon,
            reminder_lead_min: 15.0,
            safe: SafeRanges::default(),
            check_in: QuestionnaireKind::default(),
            readiness: ReadinessTuning::default(),
        }
    }
}

/// Longest gap or window accepted, h: longer than a day would reach past the next day's plan,
/// which the planner does not look at.
const MAX_HOURS: f64 = 24.0;

/// Longest spacing accepted, min: more than four hours between items leaves no day to plan. Also
/// the longest reminder lead: a reminder hours ahead no longer says "now".
const MAX_SPACING_MIN: f64 = 240.0;

impl ClinicSettings {
    /// Checks every setting, naming the first one that cannot be used.
    pub fn validate(&self) -> Result<(), ProtocolError> {
        within(
            "cold_gap_after_strength_h",
            self.cold_gap_after_strength_h,
            0.0,
            MAX_HOURS,
        )?;
        within(
            "red_light_window_h",
            self.red_light_window_h,
            0.0,
            MAX_HOURS,
        )?;
        if self.red_light_window_h == 0.0 {
            return Err(ProtocolError::InvalidSetting {
                name: "red_light_window_h",
                reason: "must be longer than zero",
            });
        }
        within(
            "min_spacing_min",
            self.min_spacing_min,
            0.0,
            MAX_SPACING_MIN,
        )?;
        within(
            "reminder_lead_min",
            self.reminder_lead_min,
            0.0,
            MAX_SPACING_MIN,
        )?;
        if !(1..=CR10_MAX).contains(&self.recover_rpe_cap) {
            return Err(ProtocolError::InvalidSetting {
                name: "recover_rpe_cap",
                reason: "must be a CR-10 rating from 1 to 10",
            });
        }
        self.safe.validate()?;
        self.readiness.history()?;
        Ok(())
    }
}

impl ClinicSettings {
    /// The first key of `entered`, the JSON these settings were read from, that is not a setting,
    /// as its dotted path (`readiness.push_form`). Reading ignores such a key and keeps that
    /// setting's default without a word, so where people enter settings (the server's
    /// `PUT /v1/clinic/settings`, the command line's settings file) a misspelt key is refused
    /// with this. Synced settings are read without it, so that a phone keeps working when a newer
    /// server sends a setting it does not know yet.
    pub fn unknown_key(&self, entered: &serde_json::Value) -> Option<String> {
        let known = serde_json::to_value(self).ok()?;
        unknown_key(entered, &known)
    }
}

/// The first key of an object in `entered` that `known` (the same document serialised with
/// every field) lacks, as a dotted path.
fn unknown_key(entered: &serde_json::Value, known: &serde_json::Value) -> Option<String> {
    let (serde_json::Value::Object(entered), serde_json::Value::Object(known)) = (entered, known)
    else {
        return None;
    };
    entered
        .iter()
        .find_map(|(key, value)| match known.get(key) {
            None => Some(key.clone()),
            Some(known) => unknown_key(value, known).map(|inner| format!("{key}.{inner}")),
        })
}

fn within(name: &'static str, v: f64, min: f64, max: f64) -> Result<(), ProtocolError> {
    if v.is_finite() && v >= min && v <= max {
        Ok(())
    } else {
        Err(ProtocolError::InvalidSetting {
            name,
            reason: "must be a finite number from zero to its maximum (24 h, or 240 min)",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_the_documented_values() {
        let s = ClinicSettings::default();
        assert_eq!(s.validate(), Ok(()));
        assert_eq!(s.cold_gap_after_strength_h, 6.0);
        assert_eq!(s.red_light_window_h, 4.0);
        assert_eq!(s.week_starts_on, Weekday::Mon);
        assert_eq!(s.reminder_lead_min, 15.0);
        assert_eq!(s.check_in, QuestionnaireKind::McLean);
    }

    #[test]
    fn settings_saved_before_the_questionnaire_choice_keep_working() {
        let mut json = serde_json::to_value(ClinicSettings::default()).unwrap();
        json.as_object_mut().unwrap().remove("check_in");
        let old: ClinicSettings = serde_json::from_value(json).unwrap();
        assert_eq!(old.check_in, QuestionnaireKind::McLean);
        let mut json = serde_json::to_value(ClinicSettings::default()).unwrap();
        json["check_in"] = serde_json::json!("hooper");
        let hooper: ClinicSettings = serde_json::from_value(json).unwrap();
        assert_eq!(hooper.check_in, QuestionnaireKind::Hooper);
    }

    #[test]
    fn the_readiness_section_is_optional_partial_and_checked() {
        let mut json = serde_json::to_value(ClinicSettings::default()).unwrap();
        json.as_object_mut().unwrap().remove("readiness");
        let old: ClinicSettings = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(old.readiness, ReadinessTuning::default());

        json["readiness"] = serde_json::json!({"push_from": 75, "recover_to": 40});
        let tuned: ClinicSettings = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(
            (tuned.readiness.push_from, tuned.readiness.recover_to),
            (75, 40)
        );
        assert_eq!(tuned.readiness.hrv_week_days, 7);
        assert_eq!(tuned.validate(), Ok(()));

        json["readiness"] = serde_json::json!({"push_from": 30});
        let crossed: ClinicSettings = serde_json::from_value(json).unwrap();
        let error = crossed.validate().unwrap_err();
        assert!(matches!(error, ProtocolError::Readiness(_)), "{error:?}");
        assert!(
            error
                .to_string()
                .starts_with("readiness: invalid setting push_from, recover_to"),
            "{error}"
        );
    }

    #[test]
    fn a_key_that_is_no_setting_is_found_by_its_path() {
        let entered = serde_json::json!({
            "min_spacing_min": 20.0,
            "safe": {"sauna_c": {"min": 60.0, "max": 100.0}},
            "readiness": {"push_from": 70},
        });
        let mut full = serde_json::to_value(ClinicSettings::default()).unwrap();
        full["readiness"]["push_from"] = serde_json::json!(70);
        let settings: ClinicSettings = serde_json::from_value(full.clone()).unwrap();
        assert_eq!(settings.unknown_key(&entered), None);
        assert_eq!(settings.unknown_key(&full), None);

        full["readiness"]["push_form"] = serde_json::json!(75);
        assert_eq!(
            settings.unknown_key(&full).as_deref(),
            Some("readiness.push_form")
        );
        let mut top = entered.clone();
        top["cold_gap_h"] = serde_json::json!(8.0);
        assert_eq!(settings.unknown_key(&top).as_deref(), Some("cold_gap_h"));
        let mut nested = entered;
        nested["safe"]["sauna_c"]["maximum"] = serde_json::json!(95.0);
        assert_eq!(
            settings.unknown_key(&nested).as_deref(),
            Some("safe.sauna_c.maximum")
        );
    }

    #[test]
    fn each_unusable_setting_is_named() {
        type Change = fn(&mut ClinicSettings);
        let cases: [(&str, Change); 7] = [
            ("cold_gap_after_strength_h", |s| {
                s.cold_gap_after_strength_h = f64::NAN
            }),
            ("cold_gap_after_strength_h", |s| {
                s.cold_gap_after_strength_h = 30.0
            }),
            ("red_light_window_h", |s| s.red_light_window_h = 0.0),
            ("min_spacing_min", |s| s.min_spacing_min = -1.0),
            ("recover_rpe_cap", |s| s.recover_rpe_cap = 11),
            ("reminder_lead_min", |s| s.reminder_lead_min = -1.0),
            ("reminder_lead_min", |s| s.reminder_lead_min = f64::INFINITY),
        ];
        for (name, change) in cases {
            let mut s = ClinicSettings::default();
            change(&mut s);
            assert!(
                matches!(s.validate(), Err(ProtocolError::InvalidSetting { name: n, .. }) if n == name),
                "{name}"
            );
        }
    }
}
