//! Whole readiness flows on generated member histories whose physiology is known
//! (`alyze_core::readiness::synthetic`): the "Show" list of issue 4.
//!
//! Each scenario runs over several seeds, so that no assertion rests on one lucky draw of the
//! noise. Run with `--nocapture` to see each member's calls as a line of letters (P push,
//! m maintain, R recover, c calibrating, u unscorable).

// A test: a failed expectation is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use alyze_core::readiness::synthetic::{Scenario, SyntheticHistory, scenario};
use alyze_core::readiness::{
    ComponentName, DayReadiness, FlagCode, HrvMetric, MemberProfile, MissingInput,
    ReadinessSettings, ReadinessState, ReasonCode, Recommendation, assess_history,
};

const SEEDS: std::ops::RangeInclusive<u64> = 1..=12;

fn history(s: Scenario, seed: u64) -> SyntheticHistory {
    scenario(s, seed).unwrap()
}

fn assess(h: &SyntheticHistory) -> Vec<DayReadiness> {
    let profile = MemberProfile::new(h.spec.sex);
    assess_history(&h.days, &profile, &ReadinessSettings::default()).unwrap()
}

fn letter(r: &DayReadiness) -> char {
    match (&r.state, r.recommendation) {
        (_, Some(Recommendation::Push)) => 'P',
        (_, Some(Recommendation::Maintain)) => 'm',
        (_, Some(Recommendation::Recover)) => 'R',
        (ReadinessState::Calibrating { .. }, _) => 'c',
        (ReadinessState::Unscorable { .. }, _) => 'u',
        _ => '?',
    }
}

fn line(days: &[DayReadiness]) -> String {
    days.iter().map(letter).collect()
}

fn has(day: &DayReadiness, code: ReasonCode) -> bool {
    day.reasons.iter().any(|r| r.code == code)
}

fn below_range(day: &DayReadiness) -> bool {
    has(day, ReasonCode::HrvBelowNormalRange)
}

fn is(day: &DayReadiness, call: Recommendation) -> bool {
    day.recommendation == Some(call)
}

#[test]
fn a_stable_member_is_mostly_push_or_maintain_and_never_recovers_without_cause() {
    let (mut scored, mut push, mut recover) = (0, 0, 0);
    for seed in SEEDS {
        let days = assess(&history(Scenario::Stable, seed));
        println!("stable {seed:2}: {}", line(&days));
        for day in days.iter().filter(|d| d.state == ReadinessState::Scored) {
            scored += 1;
            push += usize::from(is(day, Recommendation::Push));
            if is(day, Recommendation::Recover) {
                recover += 1;
                // A cause: HRV low (the week below the range, or last night's sharp drop) with
                // resting HR up, or a score the components themselves put in the red.
                let hrv_low = below_range(day) || has(day, ReasonCode::HrvDropWithRestingHrUp);
                let rhr_up = has(day, ReasonCode::RestingHrElevated)
                    || has(day, ReasonCode::HrvDropWithRestingHrUp);
                let red_by_points = day
                    .components
                    .iter()
                    .all(|c| c.name != ComponentName::DecisionRules);
                assert!(
                    (hrv_low && rhr_up) || red_by_points,
                    "seed {seed} {}: recover without cause",
                    day.date
                );
            }
        }
    }
    println!("stable: {scored} scored days, {push} push, {recover} recover");
    // Mostly push (the base of a day on every baseline is green) and almost never recover.
    assert!(push * 100 >= scored * 60, "{push} push of {scored}");
    assert!(recover * 100 <= scored, "{recover} recover of {scored}");
}

#[test]
fn overreaching_turns_to_recover_within_three_days_and_back() {
    const BLOCK: usize = 90;
    for seed in SEEDS {
        let h = history(Scenario::Overreaching, seed);
        let days = assess(&h);
        println!("overreaching {seed:2}: {}", line(&days));
        // The week leaves the normal range: the first day of the below-range run that holds the
        // middle of the block, or the block's first day when the noise had already taken the week
        // below the range a day or two before the block began (that dip is not the block's doing).
        let mid = BLOCK + 7;
        assert!(
            below_range(&days[mid]),
            "seed {seed}: week not below at mid-block"
        );
        let mut left = mid;
        while left > BLOCK && below_range(&days[left - 1]) {
            left -= 1;
        }
        let first_recover = (left..days.len())
            .find(|&i| is(&days[i], Recommendation::Recover))
            .unwrap();
        println!(
            "  left the range on day {left}, first recover on day {first_recover} (+{})",
            first_recover - left
        );
        assert!(
            first_recover - left <= 3,
            "seed {seed}: recover {} days after leaving the range",
            first_recover - left
        );
        // Back: the week returns within the range during the recovery, and from then on the call
        // is not recover for two weeks, and mostly push to the end.
        let back = (mid..days.len()).find(|&i| !below_range(&days[i])).unwrap();
        let last_recover = (0..back)
            .rev()
            .find(|&i| is(&days[i], Recommendation::Recover));
        println!("  back in the range on day {back}, last recover before it {last_recover:?}");
        assert!(back < BLOCK + 14 + 28, "seed {seed}: never back ({back})");
        assert!(
            days[back..back + 14]
                .iter()
                .all(|d| !is(d, Recommendation::Recover)),
            "seed {seed}: recover after coming back"
        );
        let after = &days[back + 14..];
        let push = after.iter().filter(|d| is(d, Recommendation::Push)).count();
        assert!(
            push * 2 > after.len(),
            "seed {seed}: {push} push of {}",
            after.len()
        );
        // The clinic sees the block: an overreaching flag during it.
        let flagged = days[BLOCK..BLOCK + 21].iter().any(|d| {
            d.flags.iter().any(|f| {
                matches!(
                    f.code,
                    FlagCode::HrvSuppressedFallingCv | FlagCode::RestingHrElevated
                )
            })
        });
        assert!(flagged, "seed {seed}: no overreaching flag");
    }
}

#[test]
fn an_illness_spike_gives_recover_and_an_illness_flag() {
    const ILL: usize = 100;
    for seed in SEEDS {
        let days = assess(&history(Scenario::Illness, seed));
        println!("illness {seed:2}: {}", line(&days));
        assert!(is(&days[ILL], Recommendation::Recover), "seed {seed}");
        assert!(has(&days[ILL], ReasonCode::HrvDropWithRestingHrUp));
        let flagged =
            |d: &DayReadiness| d.flags.iter().any(|f| f.code == FlagCode::IllnessSuspected);
        assert!(flagged(&days[ILL]), "seed {seed}: no illness flag");
        // The hs-CRP draw on the second day is in the picture.
        assert!(has(&days[ILL + 1], ReasonCode::CrpHigh));
        assert!(is(&days[ILL + 1], Recommendation::Recover));
        // Before the illness, no illness flag for two weeks.
        assert!(
            days[ILL - 14..ILL].iter().all(|d| !flagged(d)),
            "seed {seed}"
        );
    }
}

#[test]
fn sdnn_and_rmssd_members_are_scored_on_their_own_metric() {
    for (s, metric) in [
        (Scenario::SdnnOnly, HrvMetric::Sdnn),
        (Scenario::RmssdOnly, HrvMetric::Rmssd),
    ] {
        for seed in SEEDS {
            let days = assess(&history(s, seed));
            let scored: Vec<&DayReadiness> = days
                .iter()
                .filter(|d| d.state == ReadinessState::Scored)
                .collect();
            assert!(scored.len() >= 100, "{s:?} seed {seed}: {}", scored.len());
            for d in &days {
                assert_eq!(d.hrv_metric, metric);
            }
            for d in scored {
                let hrv: Vec<_> = d
                    .components
                    .iter()
                    .filter(|c| matches!(c.name, ComponentName::HrvWeek | ComponentName::HrvToday))
                    .collect();
                assert!(!hrv.is_empty());
                assert!(hrv.iter().all(|c| c.metric == Some(metric)));
                assert!(d.score.is_some() && d.recommendation.is_some());
            }
        }
    }
}

#[test]
fn a_new_member_calibrates_with_falling_days_left_and_is_never_red() {
    for seed in SEEDS {
        let days = assess(&history(Scenario::NewMember, seed));
        let left: Vec<usize> = days
            .iter()
            .filter_map(|d| match d.state {
                ReadinessState::Calibrating { days_left } => Some(days_left),
                _ => None,
            })
            .collect();
        assert_eq!(left, (1..=14).rev().collect::<Vec<_>>(), "seed {seed}");
        for d in &days[..14] {
            assert_eq!(d.score, None);
            assert_eq!(d.recommendation, None);
            assert_eq!(
                d.reasons.last().map(|r| r.code),
                Some(ReasonCode::Calibrating)
            );
        }
        assert_eq!(days[14].state, ReadinessState::Scored);
    }
}

#[test]
fn a_few_missing_nights_keep_the_score_and_a_long_gap_does_not() {
    for seed in SEEDS {
        let h = history(Scenario::Gaps, seed);
        let days = assess(&h);
        println!("gaps {seed:2}: {}", line(&days));
        // Four missing nights from day 80: still scored every day.
        assert!(
            days[80..90]
                .iter()
                .all(|d| d.state == ReadinessState::Scored),
            "seed {seed}"
        );
        // Twelve from day 110: once the week holds fewer than 3 nights (day 114 on), unscorable
        // and missing HRV, until three nights are back (day 124).
        for d in &days[114..124] {
            assert_eq!(
                d.state,
                ReadinessState::Unscorable {
                    missing: vec![MissingInput::Hrv]
                }
            );
            assert_eq!(d.score, None);
        }
        assert_eq!(days[113].state, ReadinessState::Scored);
        assert_eq!(days[124].state, ReadinessState::Scored);
    }
}

#[test]
fn a_member_flying_across_nine_zones_is_scored_every_day() {
    for seed in SEEDS {
        let h = history(Scenario::Traveller, seed);
        for pair in h.days.windows(2) {
            assert_eq!(pair[0].date.succ_opt(), Some(pair[1].date));
        }
        for d in &h.days[90..] {
            let night = d.sleep.as_ref().unwrap();
            assert_eq!(night.wake_time.date_naive(), d.date);
            assert_eq!(night.wake_time.offset().local_minus_utc(), 10 * 3600);
        }
        let days = assess(&h);
        println!("traveller {seed:2}: {}", line(&days));
        assert!(
            days[14..]
                .iter()
                .all(|d| d.state == ReadinessState::Scored && d.score.is_some()),
            "seed {seed}"
        );
    }
}
