//! Logged recovery sessions: the sauna, cold plunge, contrast, red-light, PEMF and breathwork
//! sessions the member records, which the protocol rules count and time (domain brief section 2).

use serde::{Deserialize, Serialize};

use super::error::positive;
use super::plausibility::{Plausibility, Range};
use super::source::Source;
use super::time::Timestamp;
use super::{HealthError, Validate};

/// A recovery modality (domain brief section 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecoveryModality {
    /// Sauna (Finnish 80-100 °C, or infrared).
    Sauna,
    /// Cold water immersion (3-10 °C, 2-5 min).
    ColdPlunge,
    /// Alternating sauna and cold rounds.
    Contrast,
    /// Red / near-infrared light (630-850 nm).
    RedLight,
    /// Pulsed electromagnetic field therapy.
    Pemf,
    /// Breathwork (e.g. slow breathing about 6 breaths/min).
    Breathwork,
}

impl RecoveryModality {
    /// The accepted temperature range, °C, for modalities that have a temperature: the sauna's air,
    /// the plunge's water, either for contrast (one number cannot say which side it is). `None` for
    /// modalities without one (light, PEMF, breathwork).
    pub fn temperature_range(self, bounds: &Plausibility) -> Option<Range> {
        match self {
            Self::Sauna => Some(bounds.sauna_c),
            Self::ColdPlunge => Some(bounds.cold_water_c),
            Self::Contrast => Some(Range::new(
                bounds.cold_water_c.min.min(bounds.sauna_c.min),
                bounds.cold_water_c.max.max(bounds.sauna_c.max),
            )),
            Self::RedLight | Self::Pemf | Self::Breathwork => None,
        }
    }
}

/// One logged recovery session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecoverySession {
    /// What was done.
    pub modality: RecoveryModality,
    /// When it started.
    pub start: Timestamp,
    /// How long it lasted, s (the exposure time: minutes in the sauna, in the water).
    pub duration_s: f64,
    /// Temperature, °C, where the modality has one (see [`RecoveryModality::temperature_range`]).
    pub temperature_c: Option<f64>,
    /// The app or device that logged it.
    pub source: Source,
}

impl RecoverySession {
    /// Builds a session and validates it against the default bounds.
    pub fn new(
        modality: RecoveryModality,
        start: Timestamp,
        duration_s: f64,
        temperature_c: Option<f64>,
        source: Source,
    ) -> Result<Self, HealthError> {
        let session = Self {
            modality,
            start,
            duration_s,
            temperature_c,
            source,
        };
        session.validate()?;
        Ok(session)
    }
}

impl Validate for RecoverySession {
    fn validate_with(&self, bounds: &Plausibility) -> Result<(), HealthError> {
        positive("duration_s", self.duration_s)?;
        if self.duration_s > bounds.max_recovery_session_s {
            return Err(HealthError::TooLong {
                field: "duration_s",
                max_s: bounds.max_recovery_session_s,
            });
        }
        if let Some(celsius) = self.temperature_c {
            match self.modality.temperature_range(bounds) {
                Some(range) => range.check("temperature_c", celsius)?,
                None => {
                    return Err(HealthError::NotApplicable {
                        field: "temperature_c",
                    });
                }
            }
        }
        self.source.validate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::time::tests::ts;

    fn session(
        modality: RecoveryModality,
        duration_s: f64,
        temperature_c: Option<f64>,
    ) -> Result<RecoverySession, HealthError> {
        RecoverySession::new(
            modality,
            ts(0),
            duration_s,
            temperature_c,
            Source::named("alyze"),
        )
    }

    #[test]
    fn typical_sessions_are_valid() {
        assert!(session(RecoveryModality::Sauna, 1200.0, Some(90.0)).is_ok());
        assert!(session(RecoveryModality::ColdPlunge, 180.0, Some(4.0)).is_ok());
        assert!(session(RecoveryModality::ColdPlunge, 180.0, None).is_ok());
        assert!(session(RecoveryModality::Contrast, 2400.0, Some(85.0)).is_ok());
        assert!(session(RecoveryModality::Contrast, 2400.0, Some(8.0)).is_ok());
        assert!(session(RecoveryModality::RedLight, 600.0, None).is_ok());
        assert!(session(RecoveryModality::Pemf, 1800.0, None).is_ok());
        assert!(session(RecoveryModality::Breathwork, 300.0, None).is_ok());
    }

    #[test]
    fn duration_must_be_positive_finite_and_bounded() {
        assert_eq!(
            session(RecoveryModality::Sauna, -60.0, None),
            Err(HealthError::NotPositive {
                field: "duration_s"
            })
        );
        assert_eq!(
            session(RecoveryModality::Sauna, 0.0, None),
            Err(HealthError::NotPositive {
                field: "duration_s"
            })
        );
        assert_eq!(
            session(RecoveryModality::Sauna, f64::NAN, None),
            Err(HealthError::NonFinite {
                field: "duration_s"
            })
        );
        assert!(matches!(
            session(RecoveryModality::Sauna, 7.0 * 3600.0, None),
            Err(HealthError::TooLong { .. })
        ));
    }

    #[test]
    fn temperature_must_fit_the_modality() {
        let out = |m, t| {
            matches!(
                session(m, 300.0, Some(t)),
                Err(HealthError::OutOfRange {
                    field: "temperature_c",
                    ..
                })
            )
        };
        assert!(out(RecoveryModality::Sauna, 30.0));
        assert!(out(RecoveryModality::Sauna, 140.0));
        assert!(out(RecoveryModality::ColdPlunge, 80.0));
        assert!(out(RecoveryModality::ColdPlunge, -10.0));
        assert!(out(RecoveryModality::Contrast, 150.0));
        assert_eq!(
            session(RecoveryModality::ColdPlunge, 300.0, Some(f64::NAN)),
            Err(HealthError::NonFinite {
                field: "temperature_c"
            })
        );
        for modality in [
            RecoveryModality::RedLight,
            RecoveryModality::Pemf,
            RecoveryModality::Breathwork,
        ] {
            assert_eq!(
                session(modality, 300.0, Some(20.0)),
                Err(HealthError::NotApplicable {
                    field: "temperature_c"
                })
            );
        }
    }

    #[test]
    fn serde_round_trip() {
        let s = session(RecoveryModality::ColdPlunge, 180.0, Some(4.0)).expect("valid");
        let json = serde_json::to_string(&s).expect("serialises");
        assert!(json.contains(r#""modality":"cold_plunge""#));
        let back: RecoverySession = serde_json::from_str(&json).expect("reads");
        assert_eq!(back, s);
    }
}
