//! Session-RPE training load (Foster et al., "A new approach to monitoring exercise training",
//! J Strength Cond Res 15(1) (2001) 109-115).
//!
//! About 30 minutes after a session the member rates its overall intensity on Foster's modified
//! CR-10 scale (0 rest ... 10 maximal); the session's load is that rating times the session's
//! duration in minutes, in arbitrary units (AU). Foster's scale has whole numbers
//! ([`crate::health::TrainingSession`] stores them so); half points, which some apps offer, are
//! accepted here too.

use crate::health::training::CR10_MAX;

use super::LoadError;

/// Session-RPE load in arbitrary units: CR-10 rating x duration in minutes (Foster et al. 2001).
/// Refuses a rating outside 0-10, a negative duration and anything not finite.
pub fn session_rpe_load(rpe: f64, duration_min: f64) -> Result<f64, LoadError> {
    let max = f64::from(CR10_MAX);
    if !rpe.is_finite() {
        return Err(LoadError::NonFinite { field: "rpe" });
    }
    if !(0.0..=max).contains(&rpe) {
        return Err(LoadError::OutOfScale {
            field: "rpe",
            min: 0.0,
            max,
        });
    }
    if !duration_min.is_finite() {
        return Err(LoadError::NonFinite {
            field: "duration_min",
        });
    }
    if duration_min < 0.0 {
        return Err(LoadError::Negative {
            field: "duration_min",
        });
    }
    Ok(rpe * duration_min)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example usually given for Foster's method (the brief's "RPE 7 x 60 min"): a
    /// 60-minute session rated 7 ("very hard" on the CR-10 scale) is 7 x 60 = 420 AU.
    #[test]
    fn foster_example_is_420_au() {
        assert_eq!(session_rpe_load(7.0, 60.0), Ok(420.0));
    }

    #[test]
    fn rest_and_zero_duration_give_zero() {
        assert_eq!(session_rpe_load(0.0, 90.0), Ok(0.0));
        assert_eq!(session_rpe_load(10.0, 0.0), Ok(0.0));
    }

    #[test]
    fn scale_ends_are_accepted_and_half_points_too() {
        assert_eq!(session_rpe_load(10.0, 30.0), Ok(300.0));
        assert_eq!(session_rpe_load(6.5, 40.0), Ok(260.0));
    }

    #[test]
    fn impossible_inputs_name_the_field() {
        let out_of_scale = Err(LoadError::OutOfScale {
            field: "rpe",
            min: 0.0,
            max: 10.0,
        });
        assert_eq!(session_rpe_load(10.5, 60.0), out_of_scale);
        assert_eq!(session_rpe_load(-1.0, 60.0), out_of_scale);
        assert_eq!(
            session_rpe_load(f64::NAN, 60.0),
            Err(LoadError::NonFinite { field: "rpe" })
        );
        assert_eq!(
            session_rpe_load(5.0, -1.0),
            Err(LoadError::Negative {
                field: "duration_min"
            })
        );
        assert_eq!(
            session_rpe_load(5.0, f64::INFINITY),
            Err(LoadError::NonFinite {
                field: "duration_min"
            })
        );
    }

    #[test]
    fn messages_do_not_carry_the_value() {
        let message = session_rpe_load(5.0, -37.25).map_err(|e| e.to_string());
        assert_eq!(message, Err("duration_min: negative".to_owned()));
    }
}
