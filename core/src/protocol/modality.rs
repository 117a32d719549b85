//! The recovery modalities' doses and their safe ranges.
//!
//! A dose is what the clinic prescribes for one session of a modality (the modalities themselves
//! are [`RecoveryModality`], shared with the logged sessions of [`crate::health::recovery`]). Each
//! dose field has a safe range: the article's numbers where the domain brief gives one (section 2),
//! otherwise a product choice marked as such. A dose outside its safe range is refused unless the
//! clinic overrides it explicitly ([`DoseCheck::ClinicOverride`]); even then the temperatures must be
//! physically plausible ([`Plausibility`]) and every duration, count and rate greater than zero.

use serde::{Deserialize, Serialize};

use super::ProtocolError;
use crate::health::{Plausibility, Range, RecoveryModality};

/// One session's dose of one modality.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "modality", rename_all = "snake_case")]
pub enum Dose {
    /// Finnish sauna.
    Sauna {
        /// Time in the heat, min.
        minutes: f64,
        /// Air temperature, °C.
        temperature_c: f64,
    },
    /// Cold water immersion.
    ColdPlunge {
        /// Time in the water, min.
        minutes: f64,
        /// Water temperature, °C.
        temperature_c: f64,
    },
    /// Alternating sauna and plunge rounds.
    Contrast(ContrastDose),
    /// Red / near-infrared light.
    RedLight {
        /// Exposure, min.
        minutes: f64,
        /// Wavelength, nm, when the device has one setting.
        wavelength_nm: Option<f64>,
    },
    /// Pulsed electromagnetic field therapy.
    Pemf {
        /// Session length, min.
        minutes: f64,
    },
    /// Slow breathing.
    Breathwork {
        /// Session length, min.
        minutes: f64,
        /// Breathing rate, breaths/min.
        breaths_per_min: f64,
    },
}

/// Contrast: `rounds` times a sauna round followed by a plunge round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContrastDose {
    /// Number of sauna + plunge rounds.
    pub rounds: u8,
    /// Minutes of each sauna round.
    pub sauna_minutes: f64,
    /// Sauna air temperature, °C.
    pub sauna_c: f64,
    /// Minutes of each plunge round.
    pub plunge_minutes: f64,
    /// Plunge water temperature, °C.
    pub plunge_c: f64,
}

/// Whether a dose must lie within the safe ranges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DoseCheck {
    /// Within the safe ranges (the default for every prescription).
    Standard,
    /// The clinic has explicitly accepted a dose outside a safe range for this member.
    ClinicOverride,
}

/// The safe range of each dose field. [`SafeRanges::default`] is the documented configuration;
/// the clinic may change each (domain brief section 2: "the clinic may override each").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SafeRanges {
    /// Sauna minutes. Default 15-20 (domain brief section 2, Finnish sauna; the KIHD cohort,
    /// Laukkanen et al. 2015, JAMA Intern Med 175(4):542).
    pub sauna_minutes: Range,
    /// Sauna air, °C. Default 80-100 (domain brief section 2, Finnish sauna).
    pub sauna_c: Range,
    /// Plunge minutes. Default 2-5 (domain brief section 2, cold water immersion).
    pub plunge_minutes: Range,
    /// Plunge water, °C. Default 3-10 (domain brief section 2, cold water immersion).
    pub plunge_c: Range,
    /// Contrast rounds. Default 1-4: product choice (the brief gives no count; four rounds of the
    /// longest sauna and plunge rounds is a session of about 1.5 h).
    pub contrast_rounds: Range,
    /// Minutes of each contrast sauna round. Default 5-20: product choice; the upper bound is the
    /// sauna's, the lower shorter than a sauna session because the rounds repeat.
    pub contrast_sauna_minutes: Range,
    /// Minutes of each contrast plunge round. Default 1-5: product choice; the upper bound is the
    /// plunge's (domain brief section 2), the lower shorter because the rounds repeat.
    pub contrast_plunge_minutes: Range,
    /// Red-light minutes. Default 5-20: product choice (the brief gives the wavelength, not a
    /// duration).
    pub red_light_minutes: Range,
    /// Red / near-infrared wavelength, nm. Default 630-850 (domain brief section 2).
    pub red_light_nm: Range,
    /// PEMF minutes. Default 5-60: product choice (the brief says "device protocol").
    pub pemf_minutes: Range,
    /// Breathwork minutes. Default 3-30: product choice.
    pub breathwork_minutes: Range,
    /// Breathing rate, breaths/min. Default 4-8: product choice around the brief's "slow
    /// breathing ~6/min" (domain brief section 2).
    pub breaths_per_min: Range,
}

impl Default for SafeRanges {
    fn default() -> Self {
        Self {
            sauna_minutes: Range::new(15.0, 20.0),
            sauna_c: Range::new(80.0, 100.0),
            plunge_minutes: Range::new(2.0, 5.0),
            plunge_c: Range::new(3.0, 10.0),
            contrast_rounds: Range::new(1.0, 4.0),
            contrast_sauna_minutes: Range::new(5.0, 20.0),
            contrast_plunge_minutes: Range::new(1.0, 5.0),
            red_light_minutes: Range::new(5.0, 20.0),
            red_light_nm: Range::new(630.0, 850.0),
            pemf_minutes: Range::new(5.0, 60.0),
            breathwork_minutes: Range::new(3.0, 30.0),
            breaths_per_min: Range::new(4.0, 8.0),
        }
    }
}

impl SafeRanges {
    /// Checks that every range is finite, above zero and not inverted.
    pub fn validate(&self) -> Result<(), ProtocolError> {
        let all = [
            ("safe.sauna_minutes", self.sauna_minutes),
            ("safe.sauna_c", self.sauna_c),
            ("safe.plunge_minutes", self.plunge_minutes),
            ("safe.plunge_c", self.plunge_c),
            ("safe.contrast_rounds", self.contrast_rounds),
            ("safe.contrast_sauna_minutes", self.contrast_sauna_minutes),
            ("safe.contrast_plunge_minutes", self.contrast_plunge_minutes),
            ("safe.red_light_minutes", self.red_light_minutes),
            ("safe.red_light_nm", self.red_light_nm),
            ("safe.pemf_minutes", self.pemf_minutes),
            ("safe.breathwork_minutes", self.breathwork_minutes),
            ("safe.breaths_per_min", self.breaths_per_min),
        ];
        for (name, range) in all {
            // Temperatures may be zero or below in principle; every other field counts or times.
            let positive = !name.ends_with("_c");
            if !(range.min.is_finite() && range.max.is_finite()) || range.min > range.max {
                return Err(ProtocolError::InvalidSetting {
                    name,
                    reason: "must be a finite range whose minimum is not above its maximum",
                });
            }
            if positive && range.min <= 0.0 {
                return Err(ProtocolError::InvalidSetting {
                    name,
                    reason: "must lie above zero",
                });
            }
        }
        Ok(())
    }
}

impl Dose {
    /// The modality this dose is for.
    pub fn modality(&self) -> RecoveryModality {
        match self {
            Self::Sauna { .. } => RecoveryModality::Sauna,
            Self::ColdPlunge { .. } => RecoveryModality::ColdPlunge,
            Self::Contrast(_) => RecoveryModality::Contrast,
            Self::RedLight { .. } => RecoveryModality::RedLight,
            Self::Pemf { .. } => RecoveryModality::Pemf,
            Self::Breathwork { .. } => RecoveryModality::Breathwork,
        }
    }

    /// How long the session takes, min (all rounds of a contrast session).
    pub fn minutes(&self) -> f64 {
        match self {
            Self::Sauna { minutes, .. }
            | Self::ColdPlunge { minutes, .. }
            | Self::RedLight { minutes, .. }
            | Self::Pemf { minutes }
            | Self::Breathwork { minutes, .. } => *minutes,
            Self::Contrast(c) => f64::from(c.rounds) * (c.sauna_minutes + c.plunge_minutes),
        }
    }

    /// Checks the dose against the safe ranges, or only against physical plausibility under a
    /// clinic override. The error names the field and the bound, never the prescribed value.
    pub fn validate(&self, safe: &SafeRanges, check: DoseCheck) -> Result<(), ProtocolError> {
        let physical = Plausibility::default();
        let field = |name, value, range, plausible: Option<Range>| {
            check_field(name, value, range, plausible, check)
        };
        match self {
            Self::Sauna {
                minutes,
                temperature_c,
            } => {
                field("minutes", *minutes, safe.sauna_minutes, None)?;
                field(
                    "temperature_c",
                    *temperature_c,
                    safe.sauna_c,
                    Some(physical.sauna_c),
                )
            }
            Self::ColdPlunge {
                minutes,
                temperature_c,
            } => {
                field("minutes", *minutes, safe.plunge_minutes, None)?;
                field(
                    "temperature_c",
                    *temperature_c,
                    safe.plunge_c,
                    Some(physical.cold_water_c),
                )
            }
            Self::Contrast(c) => {
                field("rounds", f64::from(c.rounds), safe.contrast_rounds, None)?;
                field(
                    "sauna_minutes",
                    c.sauna_minutes,
                    safe.contrast_sauna_minutes,
                    None,
                )?;
                field("sauna_c", c.sauna_c, safe.sauna_c, Some(physical.sauna_c))?;
                field(
                    "plunge_minutes",
                    c.plunge_minutes,
                    safe.contrast_plunge_minutes,
                    None,
                )?;
                field(
                    "plunge_c",
                    c.plunge_c,
                    safe.plunge_c,
                    Some(physical.cold_water_c),
                )
            }
            Self::RedLight {
                minutes,
                wavelength_nm,
            } => {
                field("minutes", *minutes, safe.red_light_minutes, None)?;
                match wavelength_nm {
                    Some(nm) => field("wavelength_nm", *nm, safe.red_light_nm, None),
                    None => Ok(()),
                }
            }
            Self::Pemf { minutes } => field("minutes", *minutes, safe.pemf_minutes, None),
            Self::Breathwork {
                minutes,
                breaths_per_min,
            } => {
                field("minutes", *minutes, safe.breathwork_minutes, None)?;
                field(
                    "breaths_per_min",
                    *breaths_per_min,
                    safe.breaths_per_min,
                    None,
                )
            }
        }
    }
}

/// Checks one dose field. `plausible` is the physical bound of a temperature (which may be zero or
/// below); a field without one is a duration, count or rate and must be greater than zero.
fn check_field(
    field: &'static str,
    value: f64,
    safe: Range,
    plausible: Option<Range>,
    check: DoseCheck,
) -> Result<(), ProtocolError> {
    match plausible {
        Some(bound) if !bound.contains(value) => {
            return Err(ProtocolError::Implausible {
                field,
                min: bound.min,
                max: bound.max,
            });
        }
        None if !(value.is_finite() && value > 0.0) => {
            return Err(ProtocolError::NotPositive { field });
        }
        _ => {}
    }
    if check == DoseCheck::Standard && !safe.contains(value) {
        return Err(ProtocolError::OutsideSafeRange {
            field,
            min: safe.min,
            max: safe.max,
        });
    }
    Ok(())
}

/// What the evidence says about a modality, for the plan's items (domain brief section 2).
pub fn evidence(modality: RecoveryModality) -> &'static str {
    match modality {
        RecoveryModality::Sauna => {
            "KIHD cohort (20 y, >2,300 men): 4-7 sessions/week vs 1/week, 40% lower all-cause and \
             50% lower cardiovascular mortality (Laukkanen et al. 2015)"
        }
        RecoveryModality::ColdPlunge => {
            "Norepinephrine +200-300%; right after strength work it blunts hypertrophy (Roberts et \
             al. 2015), after endurance work it does not (Petersen & Fyfe 2021)"
        }
        RecoveryModality::Contrast => {
            "Vascular pump; mixed performance evidence, consistent subjective benefit; the cold \
             rounds follow the cold-immersion rules"
        }
        RecoveryModality::RedLight => {
            "Red / near-infrared light (630-850 nm) in the hours after training: less DOMS, faster \
             tissue repair"
        }
        RecoveryModality::Pemf => {
            "Bone healing, pain and inflammation; evidence for athletic recovery still developing"
        }
        RecoveryModality::Breathwork => {
            "Slow breathing (about 6 breaths/min) shifts the autonomic balance to parasympathetic"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plunge(minutes: f64, temperature_c: f64) -> Dose {
        Dose::ColdPlunge {
            minutes,
            temperature_c,
        }
    }

    #[test]
    fn doses_within_the_article_ranges_pass() {
        let safe = SafeRanges::default();
        for dose in [
            plunge(3.0, 8.0),
            Dose::Sauna {
                minutes: 15.0,
                temperature_c: 90.0,
            },
            Dose::RedLight {
                minutes: 10.0,
                wavelength_nm: Some(660.0),
            },
            Dose::Breathwork {
                minutes: 10.0,
                breaths_per_min: 6.0,
            },
        ] {
            assert_eq!(dose.validate(&safe, DoseCheck::Standard), Ok(()));
        }
    }

    #[test]
    fn a_dose_outside_the_safe_range_names_field_and_bound_not_value() {
        let err = plunge(3.0, 14.5)
            .validate(&SafeRanges::default(), DoseCheck::Standard)
            .unwrap_err();
        assert_eq!(
            err,
            ProtocolError::OutsideSafeRange {
                field: "temperature_c",
                min: 3.0,
                max: 10.0
            }
        );
        let text = err.to_string();
        assert!(text.contains("temperature_c") && text.contains("10"));
        assert!(!text.contains("14.5"), "{text}");
    }

    #[test]
    fn a_clinic_override_accepts_an_unusual_but_plausible_dose_only() {
        let safe = SafeRanges::default();
        let long = plunge(8.0, 12.0);
        assert!(long.validate(&safe, DoseCheck::Standard).is_err());
        assert_eq!(long.validate(&safe, DoseCheck::ClinicOverride), Ok(()));
        // Physically impossible water or a zero-length session stay refused.
        assert_eq!(
            plunge(3.0, 60.0).validate(&safe, DoseCheck::ClinicOverride),
            Err(ProtocolError::Implausible {
                field: "temperature_c",
                min: -2.0,
                max: 25.0
            })
        );
        assert_eq!(
            plunge(0.0, 5.0).validate(&safe, DoseCheck::ClinicOverride),
            Err(ProtocolError::NotPositive { field: "minutes" })
        );
        assert_eq!(
            plunge(f64::NAN, 5.0).validate(&safe, DoseCheck::ClinicOverride),
            Err(ProtocolError::NotPositive { field: "minutes" })
        );
    }

    #[test]
    fn contrast_checks_its_cold_rounds_against_the_plunge_range() {
        let safe = SafeRanges::default();
        let mut c = ContrastDose {
            rounds: 3,
            sauna_minutes: 10.0,
            sauna_c: 85.0,
            plunge_minutes: 2.0,
            plunge_c: 6.0,
        };
        assert_eq!(
            Dose::Contrast(c.clone()).validate(&safe, DoseCheck::Standard),
            Ok(())
        );
        assert_eq!(Dose::Contrast(c.clone()).minutes(), 36.0);
        c.plunge_c = 15.0;
        assert!(matches!(
            Dose::Contrast(c.clone()).validate(&safe, DoseCheck::Standard),
            Err(ProtocolError::OutsideSafeRange {
                field: "plunge_c",
                ..
            })
        ));
        c.plunge_c = 6.0;
        c.rounds = 0;
        assert_eq!(
            Dose::Contrast(c).validate(&safe, DoseCheck::ClinicOverride),
            Err(ProtocolError::NotPositive { field: "rounds" })
        );
    }

    #[test]
    fn red_light_outside_630_850_nm_is_refused() {
        let dose = Dose::RedLight {
            minutes: 10.0,
            wavelength_nm: Some(940.0),
        };
        assert!(matches!(
            dose.validate(&SafeRanges::default(), DoseCheck::Standard),
            Err(ProtocolError::OutsideSafeRange {
                field: "wavelength_nm",
                ..
            })
        ));
    }

    #[test]
    fn inverted_or_zero_ranges_are_refused() {
        let mut safe = SafeRanges::default();
        assert_eq!(safe.validate(), Ok(()));
        safe.plunge_c = Range::new(10.0, 3.0);
        assert!(matches!(
            safe.validate(),
            Err(ProtocolError::InvalidSetting {
                name: "safe.plunge_c",
                ..
            })
        ));
        let safe = SafeRanges {
            pemf_minutes: Range::new(0.0, 60.0),
            ..SafeRanges::default()
        };
        assert!(matches!(
            safe.validate(),
            Err(ProtocolError::InvalidSetting {
                name: "safe.pemf_minutes",
                ..
            })
        ));
    }
}
