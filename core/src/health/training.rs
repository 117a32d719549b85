//! Training sessions rated by the member with a session RPE, and their load.
//!
//! Foster et al. 2001 (J Strength Cond Res 15(1):109-115), "A new approach to monitoring exercise
//! training": after a session the athlete rates its overall intensity on the CR-10 scale (0 rest to
//! 10 maximal), and the session's training load is that rating times the session's duration in
//! minutes, in arbitrary units. The load feeds ATL/CTL, ACWR and monotony (domain brief section 4).

use serde::{Deserialize, Serialize};

use super::activity::ActivityType;
use super::error::positive;
use super::plausibility::Plausibility;
use super::source::Source;
use super::time::Timestamp;
use super::{HealthError, Validate};

/// Highest rating of Foster's modified CR-10 scale (0 rest … 10 maximal; Foster et al. 2001).
pub const CR10_MAX: u8 = 10;

/// One training session with its session RPE.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingSession {
    /// When the session started.
    pub start: Timestamp,
    /// The member's session RPE on the CR-10 scale, 0-10 (whole numbers, as Foster's scale has).
    pub rpe: u8,
    /// Session duration, min.
    pub duration_min: f64,
    /// What kind of training, when known (from a linked workout or the member's choice).
    pub activity: Option<ActivityType>,
    /// The app that recorded the rating.
    pub source: Source,
}

impl TrainingSession {
    /// Builds a session and validates it against the default bounds.
    pub fn new(
        start: Timestamp,
        rpe: u8,
        duration_min: f64,
        activity: Option<ActivityType>,
        source: Source,
    ) -> Result<Self, HealthError> {
        let session = Self {
            start,
            rpe,
            duration_min,
            activity,
            source,
        };
        session.validate()?;
        Ok(session)
    }

    /// Session-RPE training load, arbitrary units: RPE × minutes (Foster et al. 2001).
    pub fn load(&self) -> f64 {
        f64::from(self.rpe) * self.duration_min
    }
}

impl Validate for TrainingSession {
    fn validate_with(&self, bounds: &Plausibility) -> Result<(), HealthError> {
        if self.rpe > CR10_MAX {
            return Err(HealthError::OutOfRange {
                field: "rpe",
                min: 0.0,
                max: f64::from(CR10_MAX),
            });
        }
        positive("duration_min", self.duration_min)?;
        if self.duration_min > bounds.max_training_min {
            return Err(HealthError::TooLong {
                field: "duration_min",
                max_s: bounds.max_training_min * 60.0,
            });
        }
        self.source.validate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::time::tests::ts;

    fn session(rpe: u8, minutes: f64) -> Result<TrainingSession, HealthError> {
        TrainingSession::new(
            ts(0),
            rpe,
            minutes,
            Some(ActivityType::Running),
            Source::named("alyze"),
        )
    }

    #[test]
    fn load_is_rpe_times_minutes() {
        assert_eq!(session(7, 60.0).expect("valid").load(), 420.0);
        assert_eq!(session(0, 30.0).expect("valid").load(), 0.0);
        assert_eq!(session(10, 12.5).expect("valid").load(), 125.0);
    }

    #[test]
    fn rpe_is_0_to_10() {
        assert!(session(10, 60.0).is_ok());
        assert_eq!(
            session(11, 60.0),
            Err(HealthError::OutOfRange {
                field: "rpe",
                min: 0.0,
                max: 10.0
            })
        );
    }

    #[test]
    fn duration_must_be_positive_finite_and_bounded() {
        assert_eq!(
            session(5, -10.0),
            Err(HealthError::NotPositive {
                field: "duration_min"
            })
        );
        assert_eq!(
            session(5, 0.0),
            Err(HealthError::NotPositive {
                field: "duration_min"
            })
        );
        assert_eq!(
            session(5, f64::INFINITY),
            Err(HealthError::NonFinite {
                field: "duration_min"
            })
        );
        assert!(matches!(
            session(5, 1441.0),
            Err(HealthError::TooLong {
                field: "duration_min",
                ..
            })
        ));
        assert!(session(5, 1440.0).is_ok());
    }

    #[test]
    fn serde_round_trip() {
        let s = session(6, 45.0).expect("valid");
        let json = serde_json::to_string(&s).expect("serialises");
        assert!(json.contains(r#""activity":"running""#));
        let back: TrainingSession = serde_json::from_str(&json).expect("reads");
        assert_eq!(back, s);
    }
}
