//! The points of each component and the colour bands: small pure functions, each documented with
//! the formula its unit test derives by hand.
//!
//! score = [`ScoreSettings::base`] + the components' points, clamped to 0-100 and rounded. The HRV
//! week is the primary signal (Plews et al. 2012-2014; HRV4Training), today's night a bounded
//! modifier (Kiviniemi et al. 2007), resting HR, sleep, the check-in, labs and load pull it down
//! (or, for HRV and resting HR, a little up).

use super::baseline::{NormalRange, WindowStats};
use super::report::Recommendation;
use super::settings::{RuleSettings, ScoreSettings};

/// Points of the week's lnHRV mean against the normal range. With z the distance from the range's
/// mean in its SDs and h the range's half-width in SDs:
/// `k z`, plus `extra (z + h)` when z < -h (below the lower bound), bounded to
/// `[-max_penalty, max_bonus]`. A flat history (SD 0) gives 0 within the range and the lower
/// bound's `-k h` below it.
pub fn hrv_week_points(
    week_mean: f64,
    range: &NormalRange,
    half_width_sd: f64,
    s: &ScoreSettings,
) -> f64 {
    let sd = range.stats.sd;
    let points = if sd > 0.0 {
        let z = (week_mean - range.stats.mean) / sd;
        let below = (z + half_width_sd).min(0.0);
        s.hrv_week_points_per_sd * z + s.hrv_week_below_extra_per_sd * below
    } else if week_mean < range.lower {
        -s.hrv_week_points_per_sd * half_width_sd
    } else {
        0.0
    };
    bounded(points, s.hrv_week_max_penalty, s.hrv_week_max_bonus)
}

/// Points of today's lnHRV against Kiviniemi's reference: `k (ln - mean) / sd`, bounded to
/// `+/- max`; 0 when the reference SD is 0.
pub fn hrv_today_points(ln_today: f64, reference: &WindowStats, s: &ScoreSettings) -> f64 {
    if reference.sd > 0.0 {
        let z = (ln_today - reference.mean) / reference.sd;
        bounded(
            s.hrv_today_points_per_sd * z,
            s.hrv_today_max_points,
            s.hrv_today_max_points,
        )
    } else {
        0.0
    }
}

/// Points of resting HR `deviation_bpm` above (positive) or below its baseline:
/// `-k deviation`, bounded to `[-max_penalty, max_bonus]`.
pub fn resting_hr_points(deviation_bpm: f64, s: &ScoreSettings) -> f64 {
    bounded(
        -s.rhr_points_per_bpm * deviation_bpm,
        s.rhr_max_penalty,
        s.rhr_max_bonus,
    )
}

/// Points of last night's sleep, `slept / need = ratio`: `-k (ok - ratio)` below the OK ratio,
/// bounded by the maximum penalty; 0 at or above it.
pub fn sleep_points(slept_s: f64, need_s: f64, r: &RuleSettings) -> f64 {
    if need_s <= 0.0 {
        return 0.0;
    }
    let ratio = slept_s / need_s;
    if ratio >= r.sleep_ok_ratio {
        0.0
    } else {
        -(r.sleep_short_points * (r.sleep_ok_ratio - ratio)).min(r.sleep_short_max_penalty)
    }
}

/// Points of last night's efficiency: the broken-night points below the minimum, else 0.
pub fn sleep_efficiency_points(efficiency: f64, r: &RuleSettings) -> f64 {
    if efficiency < r.sleep_efficiency_min {
        -r.sleep_broken_points
    } else {
        0.0
    }
}

/// Points of the week's sleep debt: `-k` per hour beyond the free debt, bounded.
pub fn sleep_debt_points(debt_s: f64, r: &RuleSettings) -> f64 {
    let excess_h = ((debt_s - r.sleep_debt_free_s) / 3600.0).max(0.0);
    -(r.sleep_debt_points_per_h * excess_h).min(r.sleep_debt_max_penalty)
}

/// Points of the check-in's wellness (0-1): `-k (neutral - wellness)` below neutral, else 0.
pub fn check_in_points(wellness: f64, r: &RuleSettings) -> f64 {
    -(r.check_in_points * (r.check_in_neutral - wellness)).max(0.0)
}

/// The call of a score by the colour bands: push from `push_from`, recover up to `recover_to`,
/// maintain between.
pub fn band(score: u8, s: &ScoreSettings) -> Recommendation {
    if score >= s.push_from {
        Recommendation::Push
    } else if score <= s.recover_to {
        Recommendation::Recover
    } else {
        Recommendation::Maintain
    }
}

/// The highest score of a call's colour band.
pub fn band_top(call: Recommendation, s: &ScoreSettings) -> u8 {
    match call {
        Recommendation::Push => 100,
        Recommendation::Maintain => s.push_from.saturating_sub(1),
        Recommendation::Recover => s.recover_to,
    }
}

/// The score of a base and points: clamped to 0-100 and rounded (NaN, which finite inputs never
/// give, reads as 0).
pub fn to_score(raw: f64) -> u8 {
    let clamped = if raw.is_nan() {
        0.0
    } else {
        raw.clamp(0.0, 100.0)
    };
    // In 0..=100 after the clamp, so the cast is exact.
    clamped.round() as u8
}

fn bounded(points: f64, max_penalty: f64, max_bonus: f64) -> f64 {
    if points.is_nan() {
        0.0
    } else {
        points.clamp(-max_penalty, max_bonus)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    fn range(mean: f64, sd: f64) -> NormalRange {
        NormalRange {
            stats: WindowStats {
                n_valid: 30,
                mean,
                sd,
            },
            lower: mean - 0.5 * sd,
            upper: mean + 0.5 * sd,
        }
    }

    #[test]
    fn hrv_week_points_by_hand() {
        let s = ScoreSettings::default();
        let r = range(4.0, 0.2);
        // On the mean: 0.
        assert!(close(hrv_week_points(4.0, &r, 0.5, &s), 0.0));
        // On the lower bound, z = -0.5: 16 x -0.5 = -8, nothing extra: 75 - 8 = 67, green's edge.
        assert!(close(hrv_week_points(3.9, &r, 0.5, &s), -8.0));
        assert_eq!(band(to_score(s.base - 8.0), &s), Recommendation::Push);
        // z = -1: 16 x -1 + 20 x (-1 + 0.5) = -16 - 10 = -26.
        assert!(close(hrv_week_points(3.8, &r, 0.5, &s), -26.0));
        // z = -1.5: -24 - 20 = -44: 75 - 44 = 31, red.
        assert!(close(hrv_week_points(3.7, &r, 0.5, &s), -44.0));
        assert_eq!(band(to_score(s.base - 44.0), &s), Recommendation::Recover);
        // z = -3: -48 - 50 = -98, bounded to -60.
        assert!(close(hrv_week_points(3.4, &r, 0.5, &s), -60.0));
        // z = +1: +16, bounded to +10.
        assert!(close(hrv_week_points(4.2, &r, 0.5, &s), 10.0));
        // Flat history: 0 on it, the lower bound's -8 below it.
        let flat = range(4.0, 0.0);
        assert!(close(hrv_week_points(4.0, &flat, 0.5, &s), 0.0));
        assert!(close(hrv_week_points(3.9, &flat, 0.5, &s), -8.0));
    }

    #[test]
    fn todays_night_is_a_bounded_modifier() {
        let s = ScoreSettings::default();
        let reference = WindowStats {
            n_valid: 10,
            mean: 4.0,
            sd: 0.1,
        };
        // z = -1: 1.5 x -1 = -1.5. z = -5: -7.5, bounded to -3.
        assert!(close(hrv_today_points(3.9, &reference, &s), -1.5));
        assert!(close(hrv_today_points(3.5, &reference, &s), -3.0));
        assert!(close(hrv_today_points(4.5, &reference, &s), 3.0));
    }

    #[test]
    fn resting_hr_points_by_hand() {
        let s = ScoreSettings::default();
        // +4 bpm: -8; +8 bpm: -16 bounded to -12; -3 bpm: +6 bounded to +4.
        assert!(close(resting_hr_points(4.0, &s), -8.0));
        assert!(close(resting_hr_points(8.0, &s), -12.0));
        assert!(close(resting_hr_points(-3.0, &s), 4.0));
    }

    #[test]
    fn sleep_and_check_in_points_by_hand() {
        let r = RuleSettings::default();
        let need = 8.0 * 3600.0;
        // 7.5 h of 8: ratio 0.9375 >= 0.9, 0. 6 h: 0.75, 50 x (0.9 - 0.75) = 7.5. 3 h: 0.375,
        // 50 x 0.525 = 26.25, bounded to 12.
        assert!(close(sleep_points(7.5 * 3600.0, need, &r), 0.0));
        assert!(close(sleep_points(6.0 * 3600.0, need, &r), -7.5));
        assert!(close(sleep_points(3.0 * 3600.0, need, &r), -12.0));
        assert!(close(sleep_efficiency_points(0.80, &r), -4.0));
        assert!(close(sleep_efficiency_points(0.90, &r), 0.0));
        // Debt 5 h: 3 h beyond the free 2, -3. 10 h: -8 bounded to -5.
        assert!(close(sleep_debt_points(5.0 * 3600.0, &r), -3.0));
        assert!(close(sleep_debt_points(10.0 * 3600.0, &r), -5.0));
        // McLean all 2: total 10, wellness (10 - 5) / 20 = 0.25; 30 x (0.5 - 0.25) = -7.5.
        assert!(close(check_in_points(0.25, &r), -7.5));
        assert!(close(check_in_points(0.8, &r), 0.0));
    }

    #[test]
    fn whoop_bands() {
        let s = ScoreSettings::default();
        assert_eq!(band(67, &s), Recommendation::Push);
        assert_eq!(band(66, &s), Recommendation::Maintain);
        assert_eq!(band(34, &s), Recommendation::Maintain);
        assert_eq!(band(33, &s), Recommendation::Recover);
        assert_eq!(band(0, &s), Recommendation::Recover);
        assert_eq!(band_top(Recommendation::Maintain, &s), 66);
        assert_eq!(band_top(Recommendation::Recover, &s), 33);
        assert_eq!(to_score(-5.0), 0);
        assert_eq!(to_score(100.4), 100);
        assert_eq!(to_score(66.5), 67);
        assert_eq!(to_score(f64::NAN), 0);
    }
}
