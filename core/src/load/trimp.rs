//! Banister's training impulse (TRIMP) from a session's average heart rate.
//!
//! TRIMP = duration (min) x HRr x a e^(b HRr), with the heart-rate reserve fraction
//! HRr = (HRavg - HRrest) / (HRmax - HRrest). The exponential weighting follows the rise of blood
//! lactate with HRr, so that an hour at high intensity counts for more than two hours easy:
//! a = 0.64, b = 1.92 for men and a = 0.86, b = 1.67 for women (Banister, "Modeling elite athletic
//! performance", in MacDougall, Wenger & Green (eds), Physiological Testing of the High-Performance
//! Athlete, 2nd ed., Human Kinetics 1991, 403-424; Morton, Fitz-Clarke & Banister, "Modeling human
//! performance in running", J Appl Physiol 69(3) (1990) 1171-1177). Domain brief section 4.
//!
//! An average heart rate below the resting one gives HRr < 0 and, taken literally, a negative load.
//! That happens when the stored resting heart rate was measured in another state (seated rather
//! than lying, or a stale value) or the session was barely above rest (stretching, yoga); the
//! weighting was fitted on 0 <= HRr <= 1, and training cannot remove load. HRr is therefore
//! clamped to 0, giving a TRIMP of 0, which is the formula's own value at rest, and
//! [`Trimp::below_rest`] says so. An average above the maximal heart rate is refused instead
//! ([`LoadError::AverageAboveMax`]): a true maximum cannot be exceeded for a whole session, so the
//! member's maximum (often age-predicted) is wrong and extrapolating the exponential would inflate
//! the load.

use serde::{Deserialize, Serialize};

use super::LoadError;

/// The sex whose lactate curve sets the TRIMP weighting constants (Banister 1991).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// Weighting 0.64 e^(1.92 HRr).
    Male,
    /// Weighting 0.86 e^(1.67 HRr).
    Female,
}

impl Sex {
    /// The constants `(a, b)` of the weighting a e^(b HRr) (Banister 1991; Morton et al. 1990).
    pub fn weighting_constants(self) -> (f64, f64) {
        match self {
            Sex::Male => (0.64, 1.92),
            Sex::Female => (0.86, 1.67),
        }
    }
}

/// The TRIMP of one session and the heart-rate reserve it came from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Trimp {
    /// The training impulse, arbitrary units.
    pub trimp: f64,
    /// The heart-rate reserve fraction HRr used, 0-1 (after clamping).
    pub hr_reserve: f64,
    /// The average heart rate was below the resting heart rate, and HRr was clamped to 0.
    pub below_rest: bool,
}

/// Banister's TRIMP of a session of `duration_min` minutes at an average heart rate of
/// `hr_avg_bpm`, for a member with resting and maximal heart rates `hr_rest_bpm` and `hr_max_bpm`.
/// Refuses non-finite inputs, a negative duration, heart rates of zero or less, a maximum not above
/// rest and an average above the maximum.
pub fn banister_trimp(
    duration_min: f64,
    hr_avg_bpm: f64,
    hr_rest_bpm: f64,
    hr_max_bpm: f64,
    sex: Sex,
) -> Result<Trimp, LoadError> {
    for (field, value) in [
        ("duration_min", duration_min),
        ("hr_avg_bpm", hr_avg_bpm),
        ("hr_rest_bpm", hr_rest_bpm),
        ("hr_max_bpm", hr_max_bpm),
    ] {
        if !value.is_finite() {
            return Err(LoadError::NonFinite { field });
        }
    }
    if duration_min < 0.0 {
        return Err(LoadError::Negative {
            field: "duration_min",
        });
    }
    for (field, value) in [
        ("hr_avg_bpm", hr_avg_bpm),
        ("hr_rest_bpm", hr_rest_bpm),
        ("hr_max_bpm", hr_max_bpm),
    ] {
        if value <= 0.0 {
            return Err(LoadError::NotPositive { field });
        }
    }
    if hr_max_bpm <= hr_rest_bpm {
        return Err(LoadError::MaxNotAboveRest);
    }
    if hr_avg_bpm > hr_max_bpm {
        return Err(LoadError::AverageAboveMax);
    }
    let below_rest = hr_avg_bpm < hr_rest_bpm;
    let hr_reserve = ((hr_avg_bpm - hr_rest_bpm) / (hr_max_bpm - hr_rest_bpm)).max(0.0);
    let (a, b) = sex.weighting_constants();
    Ok(Trimp {
        trimp: duration_min * hr_reserve * a * (b * hr_reserve).exp(),
        hr_reserve,
        below_rest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    /// 60 min at 144 bpm, rest 60, max 200: HRr = (144 - 60) / (200 - 60) = 84 / 140 = 0.6.
    /// Men: 60 x 0.6 x 0.64 x e^(1.92 x 0.6) = 36 x 0.64 x e^1.152 = 23.04 x 3.16451562 = 72.9104398.
    /// Women: 60 x 0.6 x 0.86 x e^(1.67 x 0.6) = 36 x 0.86 x e^1.002 = 30.96 x 2.72372383 = 84.3264898.
    /// (e^1.152 and e^1.002 to 9 digits from Python's `math.exp`.)
    #[test]
    fn worked_example_from_the_formula() {
        let men = banister_trimp(60.0, 144.0, 60.0, 200.0, Sex::Male).unwrap();
        assert!(close(men.hr_reserve, 0.6));
        assert!(close(men.trimp, 72.910_439_795_128_23), "{}", men.trimp);
        assert!(!men.below_rest);
        let women = banister_trimp(60.0, 144.0, 60.0, 200.0, Sex::Female).unwrap();
        assert!(close(women.trimp, 84.326_489_848_187_85), "{}", women.trimp);
    }

    /// At HRr = 1 (an hour at maximum) the weighting is a e^b: men 0.64 e^1.92 = 4.3644,
    /// women 0.86 e^1.67 = 4.5703.
    #[test]
    fn at_maximum_the_weighting_is_a_e_to_the_b() {
        let men = banister_trimp(60.0, 190.0, 50.0, 190.0, Sex::Male).unwrap();
        assert!(close(men.trimp, 60.0 * 0.64 * 1.92_f64.exp()));
        let women = banister_trimp(60.0, 190.0, 50.0, 190.0, Sex::Female).unwrap();
        assert!(close(women.trimp, 60.0 * 0.86 * 1.67_f64.exp()));
    }

    #[test]
    fn below_rest_is_clamped_to_zero_load() {
        let t = banister_trimp(45.0, 55.0, 60.0, 190.0, Sex::Female).unwrap();
        assert_eq!(t.hr_reserve, 0.0);
        assert_eq!(t.trimp, 0.0);
        assert!(t.below_rest);
        let at_rest = banister_trimp(45.0, 60.0, 60.0, 190.0, Sex::Male).unwrap();
        assert_eq!(at_rest.trimp, 0.0);
        assert!(!at_rest.below_rest);
    }

    #[test]
    fn harder_and_longer_sessions_weigh_more() {
        let easy = banister_trimp(60.0, 120.0, 60.0, 190.0, Sex::Male).unwrap();
        let hard = banister_trimp(60.0, 170.0, 60.0, 190.0, Sex::Male).unwrap();
        let long = banister_trimp(120.0, 120.0, 60.0, 190.0, Sex::Male).unwrap();
        assert!(hard.trimp > 2.0 * easy.trimp);
        assert!(close(long.trimp, 2.0 * easy.trimp));
    }

    #[test]
    fn impossible_inputs_name_the_field() {
        let t = |d, avg, rest, max| banister_trimp(d, avg, rest, max, Sex::Male);
        assert_eq!(
            t(60.0, 140.0, 190.0, 190.0),
            Err(LoadError::MaxNotAboveRest)
        );
        assert_eq!(
            t(60.0, 140.0, 200.0, 190.0),
            Err(LoadError::MaxNotAboveRest)
        );
        assert_eq!(
            t(-1.0, 140.0, 60.0, 190.0),
            Err(LoadError::Negative {
                field: "duration_min"
            })
        );
        assert_eq!(
            t(60.0, f64::NAN, 60.0, 190.0),
            Err(LoadError::NonFinite {
                field: "hr_avg_bpm"
            })
        );
        assert_eq!(
            t(60.0, 140.0, 60.0, f64::INFINITY),
            Err(LoadError::NonFinite {
                field: "hr_max_bpm"
            })
        );
        assert_eq!(
            t(60.0, 140.0, 0.0, 190.0),
            Err(LoadError::NotPositive {
                field: "hr_rest_bpm"
            })
        );
        assert_eq!(t(60.0, 195.0, 60.0, 190.0), Err(LoadError::AverageAboveMax));
    }
}
