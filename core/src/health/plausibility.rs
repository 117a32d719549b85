//! The plausibility bounds of the health data model: the one place for every bound that is a
//! product choice rather than a definition.
//!
//! A value outside these bounds is refused as impossible (a sensor glitch, a unit mix-up, a typo),
//! not flagged as unusual: flagging belongs to readiness. They are wide on purpose, so that a real
//! extreme (an elite athlete's resting heart rate, a Finnish sauna) is never lost. The clinic may
//! override them; [`Plausibility::DEFAULT`] documents each default and its reason.
//!
//! Ranges fixed by a scale's definition (check-in items, CR-10 RPE) are not product choices and sit
//! next to their citation in their own modules.

use serde::{Deserialize, Serialize};

use super::HealthError;
use super::kinds::QuantityKind;

/// An inclusive range of accepted values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Range {
    /// Lowest accepted value.
    pub min: f64,
    /// Highest accepted value.
    pub max: f64,
}

impl Range {
    /// The range from `min` to `max`, both included.
    pub const fn new(min: f64, max: f64) -> Self {
        Self { min, max }
    }

    /// Whether `value` is finite and within the range.
    pub fn contains(self, value: f64) -> bool {
        value.is_finite() && value >= self.min && value <= self.max
    }

    /// Checks `value` for the field `field`: finite, then within the range.
    pub fn check(self, field: &'static str, value: f64) -> Result<(), HealthError> {
        if !value.is_finite() {
            return Err(HealthError::NonFinite { field });
        }
        if value < self.min || value > self.max {
            return Err(HealthError::OutOfRange {
                field,
                min: self.min,
                max: self.max,
            });
        }
        Ok(())
    }
}

/// Every plausibility bound of the health records. Product choices: each default says why.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Plausibility {
    /// Heart rate and resting heart rate, bpm. Default 20-300: below 20 bpm no awake or sleeping
    /// adult is measured by a wearable (trained athletes rest near 30-40), above 300 is beyond any
    /// sinus or supraventricular rhythm a watch reports; Health Connect's `HeartRateRecord` accepts
    /// 1-300, so nothing a platform accepts above our floor is lost.
    pub heart_rate_bpm: Range,
    /// HRV (SDNN or RMSSD), ms. Default 1-300: Health Connect documents RMSSD as 1-200 ms
    /// (`HeartRateVariabilityRmssdRecord.heartRateVariabilityMillis`, "Valid Range: 1-200"); Apple's
    /// SDNN has no documented bound and young athletes' overnight values exceed 200 ms, so the
    /// ceiling is raised to 300 to keep them.
    pub hrv_ms: Range,
    /// Respiratory rate, breaths per minute. Default 4-60: below 4 is apnoea, not a rate; 60 is
    /// above any sustained adult rate, including maximal exercise (about 50-60).
    pub respiratory_rate: Range,
    /// Sleeping wrist temperature (absolute, not the deviation the Health app shows), °C.
    /// Default 30-43: wrist skin sits a few degrees below core (about 33-36 °C in bed); 43 °C is
    /// above survivable core temperature.
    pub wrist_temperature_c: Range,
    /// VO2max, mL/(kg·min). Default 10-95: 10 is below the floor of independent living; the highest
    /// values ever measured in the laboratory are in the mid-90s (elite cross-country skiers and
    /// cyclists), and watches estimate far lower.
    pub vo2max: Range,
    /// Longest sleep session, s. Default 24 h: a longer "session" is a device left on the nightstand.
    pub max_sleep_session_s: f64,
    /// Longest workout, s. Default 72 h: covers the longest single-effort ultra events; a longer
    /// workout is a watch that was never stopped.
    pub max_workout_s: f64,
    /// How far a workout's reported duration may exceed its end minus start, s. Default 1 s: Apple
    /// exports round the duration and the dates separately.
    pub workout_duration_slack_s: f64,
    /// Active energy of one workout, kcal. Default 0-20,000: a 24-hour ultra burns about 10-15k.
    pub workout_energy_kcal: Range,
    /// Distance of one workout, m. Default 0-1,000 km: the longest single-stage events.
    pub workout_distance_m: Range,
    /// Longest logged recovery session, s. Default 6 h: longer than any sauna, plunge, light, PEMF
    /// or breathwork protocol by far; a longer entry is a forgotten timer.
    pub max_recovery_session_s: f64,
    /// Sauna (and the hot side of contrast) air temperature, °C. Default 40-130: infrared cabins
    /// run from about 45 °C, Finnish saunas 80-100 °C (domain brief section 2) and some above 110.
    pub sauna_c: Range,
    /// Cold plunge (and the cold side of contrast) water temperature, °C. Default -2 to 25:
    /// salted ice slurry goes slightly below 0 °C; the protocol dose is 3-10 °C (domain brief
    /// section 2), and water above 25 °C is not a cold exposure.
    pub cold_water_c: Range,
    /// Longest training session logged with an RPE, min. Default 24 h (1440 min): a session-RPE
    /// rates one session; anything longer is an entry error.
    pub max_training_min: f64,
}

impl Plausibility {
    /// The documented defaults (see each field).
    pub const DEFAULT: Self = Self {
        heart_rate_bpm: Range::new(20.0, 300.0),
        hrv_ms: Range::new(1.0, 300.0),
        respiratory_rate: Range::new(4.0, 60.0),
        wrist_temperature_c: Range::new(30.0, 43.0),
        vo2max: Range::new(10.0, 95.0),
        max_sleep_session_s: 24.0 * 3600.0,
        max_workout_s: 72.0 * 3600.0,
        workout_duration_slack_s: 1.0,
        workout_energy_kcal: Range::new(0.0, 20_000.0),
        workout_distance_m: Range::new(0.0, 1_000_000.0),
        max_recovery_session_s: 6.0 * 3600.0,
        sauna_c: Range::new(40.0, 130.0),
        cold_water_c: Range::new(-2.0, 25.0),
        max_training_min: 24.0 * 60.0,
    };

    /// The accepted range of a quantity kind, in its canonical unit ([`QuantityKind::unit`]).
    pub fn quantity(&self, kind: QuantityKind) -> Range {
        match kind {
            QuantityKind::HeartRate | QuantityKind::RestingHeartRate => self.heart_rate_bpm,
            QuantityKind::HrvSdnn | QuantityKind::HrvRmssd => self.hrv_ms,
            QuantityKind::RespiratoryRate => self.respiratory_rate,
            QuantityKind::WristTemperature => self.wrist_temperature_c,
            QuantityKind::Vo2Max => self.vo2max,
        }
    }
}

impl Default for Plausibility {
    fn default() -> Self {
        Self::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_is_inclusive_and_refuses_non_finite() {
        let range = Range::new(20.0, 300.0);
        assert!(range.contains(20.0) && range.contains(300.0));
        assert!(!range.contains(19.9) && !range.contains(300.1));
        assert!(!range.contains(f64::NAN));
        assert_eq!(range.check("v", 20.0), Ok(()));
        assert_eq!(
            range.check("v", 301.0),
            Err(HealthError::OutOfRange {
                field: "v",
                min: 20.0,
                max: 300.0
            })
        );
        assert_eq!(
            range.check("v", f64::NEG_INFINITY),
            Err(HealthError::NonFinite { field: "v" })
        );
    }

    #[test]
    fn defaults_match_the_brief() {
        let p = Plausibility::default();
        assert_eq!(p, Plausibility::DEFAULT);
        assert_eq!(p.quantity(QuantityKind::HeartRate), Range::new(20.0, 300.0));
        assert_eq!(
            p.quantity(QuantityKind::RestingHeartRate),
            Range::new(20.0, 300.0)
        );
        assert_eq!(p.quantity(QuantityKind::HrvSdnn), Range::new(1.0, 300.0));
        assert_eq!(p.quantity(QuantityKind::HrvRmssd), Range::new(1.0, 300.0));
        assert_eq!(
            p.quantity(QuantityKind::RespiratoryRate),
            Range::new(4.0, 60.0)
        );
        assert_eq!(
            p.quantity(QuantityKind::WristTemperature),
            Range::new(30.0, 43.0)
        );
        assert_eq!(p.quantity(QuantityKind::Vo2Max), Range::new(10.0, 95.0));
    }

    #[test]
    fn every_default_range_is_ordered() {
        let p = Plausibility::DEFAULT;
        let ranges = QuantityKind::ALL.iter().map(|&k| p.quantity(k)).chain([
            p.workout_energy_kcal,
            p.workout_distance_m,
            p.sauna_c,
            p.cold_water_c,
        ]);
        for range in ranges {
            assert!(range.min < range.max);
        }
    }
}
