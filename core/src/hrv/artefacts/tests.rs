//! Tests of artefact detection and correction on synthetic resting series with injected artefacts
//! of every class, clean series, gaps, and degenerate input. The comparison with NeuroKit2 and the
//! property tests are in `core/tests/artefacts.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::hrv::HrvSettings;

/// A resting RR series in whole ms: respiratory sinus arrhythmia (period 4.3 beats, ~0.25 Hz at
/// 65 bpm), a slow wave (37 beats), and jitter of about 5 ms from a fixed pseudo-random sequence.
fn resting(n: usize, seed: u64, mean: f64, rsa: f64) -> Vec<f64> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut uniform = move || {
        // xorshift64: deterministic, no dependency.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1_u64 << 53) as f64 * 2.0 - 1.0
    };
    let (p1, p2) = (uniform() * 3.0, uniform() * 3.0);
    (0..n)
        .map(|k| {
            let k = k as f64;
            let tau = std::f64::consts::TAU;
            let jitter = 5.0 * (uniform() + uniform() + uniform());
            (mean
                + rsa * (tau * k / 4.3 + p1).sin()
                + 0.5 * rsa * (tau * k / 37.0 + p2).sin()
                + jitter)
                .round()
        })
        .collect()
}

fn series(rr: &[f64], gaps: &[usize]) -> RrSeries {
    let settings = HrvSettings {
        min_beats: 3,
        ..HrvSettings::default()
    };
    RrSeries::new(rr, gaps, &settings).unwrap()
}

fn kinds(classes: &[Option<ArtefactKind>]) -> Vec<(usize, ArtefactKind)> {
    classes
        .iter()
        .enumerate()
        .filter_map(|(j, c)| c.map(|k| (j, k)))
        .collect()
}

const AT: usize = 200;

#[test]
fn resting_series_are_clean_and_returned_unchanged() {
    for seed in 1..=8 {
        let rr = resting(400, seed, 950.0, 45.0);
        assert_eq!(kinds(&classify_run(&rr)), vec![], "seed {seed}");
        let s = series(&rr, &[]);
        for correction in [Correction::Automatic, Correction::None] {
            let (out, summary) = correct_series(&s, &correction);
            assert_eq!(out, s);
            assert_eq!(
                (summary.detected, summary.corrected, summary.pct),
                (0, 0, 0.0)
            );
        }
    }
}

#[test]
fn smooth_sinusoid_is_never_changed() {
    let rr: Vec<f64> = (0..1000)
        .map(|k| {
            let t = k as f64;
            900.0 + 60.0 * (t / 4.0).sin() + 80.0 * (t / 50.0).cos() + 0.05 * t
        })
        .collect();
    let s = series(&rr, &[]);
    for correction in [
        Correction::Automatic,
        Correction::Threshold {
            threshold_ms: 250.0,
        },
    ] {
        let (out, summary) = correct_series(&s, &correction);
        assert_eq!(summary.detected, 0);
        assert_eq!(out.intervals(), &rr[..]);
    }
}

#[test]
fn ectopic_beat_is_classified_and_interpolated() {
    let truth = resting(400, 10, 950.0, 45.0);
    let mut rr = truth.clone();
    // A premature beat: the interval before it is short, the compensatory pause long.
    let shift = (0.3 * rr[AT]).round();
    rr[AT] -= shift;
    rr[AT + 1] += shift;
    let classes = classify_run(&rr);
    assert_eq!(
        classes[AT + 1],
        Some(ArtefactKind::Ectopic),
        "{:?}",
        kinds(&classes)
    );
    assert!(classes[AT].is_some(), "the short interval is flagged too");
    assert!(
        kinds(&classes)
            .iter()
            .all(|(j, _)| (AT..=AT + 2).contains(j))
    );

    let (out, summary) = correct_series(&series(&rr, &[]), &Correction::Automatic);
    assert!(summary.ectopic >= 1 && summary.corrected == summary.detected);
    assert_eq!(out.len(), rr.len());
    // Interpolation across the flagged beats cannot recover the respiratory swing between them
    // (±45 ms here, period 4.3 beats), but it lands within it, far closer than the artefact.
    for (j, (got, want)) in out
        .intervals()
        .iter()
        .zip(&truth)
        .enumerate()
        .skip(AT)
        .take(2)
    {
        let error = (got - want).abs();
        assert!(
            error < 2.5 * 45.0,
            "beat {j}: error {error} for an artefact of {shift}"
        );
        assert!(
            error < 0.4 * shift,
            "beat {j}: error {error} for an artefact of {shift}"
        );
    }
}

#[test]
fn missed_beat_is_classified_and_split() {
    let truth = resting(400, 11, 950.0, 45.0);
    let mut rr = truth.clone();
    rr.splice(AT..AT + 2, [truth[AT] + truth[AT + 1]]);
    let classes = classify_run(&rr);
    assert_eq!(kinds(&classes), vec![(AT, ArtefactKind::Missed)]);

    let (out, summary) = correct_series(&series(&rr, &[]), &Correction::Automatic);
    assert_eq!(
        (summary.missed, summary.detected, summary.corrected),
        (1, 1, 1)
    );
    assert_eq!(out.len(), truth.len(), "the lost beat is restored");
    let half = (truth[AT] + truth[AT + 1]) / 2.0;
    assert_eq!(&out.intervals()[AT..AT + 2], &[half, half]);
    assert_eq!(&out.intervals()[AT + 2..], &truth[AT + 2..]);
}

#[test]
fn extra_beat_is_classified_and_merged() {
    let truth = resting(400, 12, 950.0, 45.0);
    let mut rr = truth.clone();
    let first = (0.45 * truth[AT]).round();
    rr.splice(AT..=AT, [first, truth[AT] - first]);
    let classes = classify_run(&rr);
    assert_eq!(kinds(&classes), vec![(AT, ArtefactKind::Extra)]);

    let (out, summary) = correct_series(&series(&rr, &[]), &Correction::Automatic);
    assert_eq!(
        (summary.extra, summary.detected, summary.corrected),
        (1, 1, 1)
    );
    assert_eq!(
        out.intervals(),
        &truth[..],
        "merging restores the true interval exactly"
    );
}

#[test]
fn long_and_short_beats_are_classified_and_interpolated() {
    for (seed, change) in [(13, 380.0), (14, -330.0)] {
        let truth = resting(400, seed, 950.0, 45.0);
        let mut rr = truth.clone();
        rr[AT] += change;
        let classes = classify_run(&rr);
        assert_eq!(
            kinds(&classes),
            vec![(AT, ArtefactKind::LongShort)],
            "change {change}"
        );
        let (out, summary) = correct_series(&series(&rr, &[]), &Correction::Automatic);
        assert_eq!((summary.long_short, summary.corrected), (1, 1));
        assert_eq!(out.len(), rr.len());
        let error = (out.intervals()[AT] - truth[AT]).abs();
        // The interpolation cannot know the true beat-to-beat swing (RSA of ±45 ms here), but it
        // lands within it, far closer than the artefact.
        assert!(error < 60.0, "change {change}: error {error}");
    }
}

#[test]
fn artefacts_at_the_ends_of_a_run_are_found() {
    let truth = resting(300, 15, 950.0, 45.0);
    // A missed beat on the very first and on the very last interval.
    let mut rr = truth.clone();
    let n = rr.len();
    rr.splice(n - 2..n, [truth[n - 2] + truth[n - 1]]);
    rr.splice(0..2, [truth[0] + truth[1]]);
    let classes = classify_run(&rr);
    assert_eq!(
        classes[0],
        Some(ArtefactKind::Missed),
        "{:?}",
        kinds(&classes)
    );
    assert_eq!(
        classes[rr.len() - 1],
        Some(ArtefactKind::Missed),
        "{:?}",
        kinds(&classes)
    );
    let (out, _) = correct_series(&series(&rr, &[]), &Correction::Automatic);
    assert_eq!(out.len(), truth.len());
}

#[test]
fn no_window_spans_a_gap() {
    // Three beats standing up, recorded between two gaps, inside a lying recording: joined, they
    // would look like a burst of short beats; as their own run (too short to judge) they are not.
    let lying = resting(400, 16, 1050.0, 45.0);
    let standing = [700.0, 690.0, 705.0];
    let rr: Vec<f64> = lying[..200]
        .iter()
        .chain(&standing)
        .chain(&lying[200..])
        .copied()
        .collect();

    let joined = series(&rr, &[]);
    let (_, summary) = correct_series(&joined, &Correction::Automatic);
    assert!(
        summary.detected > 0,
        "without the gaps they are artefacts: {summary:?}"
    );

    let split = series(&rr, &[200, 203]);
    let (out, summary) = correct_series(&split, &Correction::Automatic);
    assert_eq!(summary.detected, 0, "{summary:?}");
    assert_eq!(out, split);

    // A missed beat on the last interval before a gap and one on the first after it: each is
    // found and corrected within its own run, and the runs keep their boundaries.
    let before = resting(200, 17, 900.0, 45.0);
    let after = resting(200, 18, 700.0, 20.0);
    let mut rr: Vec<f64> = before.iter().chain(&after).copied().collect();
    rr.splice(200..202, [after[0] + after[1]]);
    rr.splice(198..200, [before[198] + before[199]]);
    let s = series(&rr, &[199]);
    let (out, summary) = correct_series(&s, &Correction::Automatic);
    assert_eq!(summary.missed, 2, "{summary:?}");
    let runs: Vec<usize> = out.segments().map(<[f64]>::len).collect();
    assert_eq!(runs, vec![200, 200]);
}

#[test]
fn none_detects_but_leaves_the_series_as_recorded() {
    let truth = resting(400, 18, 950.0, 45.0);
    let mut rr = truth.clone();
    rr.splice(AT..AT + 2, [truth[AT] + truth[AT + 1]]);
    rr[300] += 400.0;
    let s = series(&rr, &[]);
    let (out, summary) = correct_series(&s, &Correction::None);
    assert_eq!(out, s);
    assert_eq!((summary.detected, summary.corrected), (2, 0));
    assert_eq!((summary.missed, summary.long_short), (1, 1));
    assert!((summary.pct - 2.0 / 399.0 * 100.0).abs() < 1e-12);
}

#[test]
fn threshold_method_compares_with_the_local_median_scaled_to_heart_rate() {
    let medium = Correction::Threshold {
        threshold_ms: 250.0,
    };
    // 60 bpm: medium is 250 ms.
    let mut rr = resting(300, 19, 1000.0, 10.0);
    let truth = rr.clone();
    rr[100] += 400.0;
    rr[200] += 150.0;
    let (out, summary) = correct_series(&series(&rr, &[]), &medium);
    assert_eq!(
        (summary.detected, summary.long_short, summary.corrected),
        (1, 1, 1)
    );
    assert!((out.intervals()[100] - truth[100]).abs() < 30.0);
    assert_eq!(out.intervals()[200], rr[200], "150 ms off is within 250 ms");
    assert_eq!(
        out.len(),
        rr.len(),
        "the threshold method never adds or removes beats"
    );

    // 120 bpm: medium shrinks to 125 ms, and the same 150 ms excursion is an artefact.
    let mut rr = resting(300, 20, 500.0, 10.0);
    rr[200] += 150.0;
    let (_, summary) = correct_series(&series(&rr, &[]), &medium);
    assert_eq!(summary.detected, 1);

    // A threshold that is not a positive number flags nothing rather than everything.
    for threshold_ms in [0.0, -5.0, f64::NAN, f64::INFINITY] {
        let (out, summary) =
            correct_series(&series(&rr, &[]), &Correction::Threshold { threshold_ms });
        assert_eq!(summary.detected, 0);
        assert_eq!(out.intervals(), &rr[..]);
    }
}

#[test]
fn constant_input_is_left_alone_and_a_missed_beat_in_it_is_still_found() {
    let flat = vec![800.0; 60];
    let s = series(&flat, &[]);
    for correction in [
        Correction::Automatic,
        Correction::None,
        Correction::Threshold { threshold_ms: 50.0 },
    ] {
        let (out, summary) = correct_series(&s, &correction);
        assert_eq!(summary.detected, 0);
        assert_eq!(out, s);
    }
    // Zero quartile deviation: the 10-ms floor of the thresholds keeps the rules working.
    let mut rr = flat.clone();
    rr[30] = 1600.0;
    assert_eq!(kinds(&classify_run(&rr)), vec![(30, ArtefactKind::Missed)]);
    let (out, _) = correct_series(&series(&rr, &[]), &Correction::Automatic);
    assert_eq!(out.intervals(), &[800.0; 61][..]);
    // 1-ms jitter on a flat rhythm is not an artefact.
    let jitter: Vec<f64> = (0..60).map(|k| 800.0 + f64::from(k % 3 == 0)).collect();
    assert_eq!(kinds(&classify_run(&jitter)), vec![]);
}

#[test]
fn short_runs_do_not_panic_and_are_left_as_they_are() {
    let pattern = [
        800.0, 1600.0, 400.0, 810.0, 820.0, 2000.0, 300.0, 805.0, 790.0, 1500.0, 815.0,
    ];
    for len in 0..=pattern.len() {
        let run = &pattern[..len];
        let classes = classify_run(run);
        assert_eq!(classes.len(), len);
        if len < MIN_RUN_BEATS {
            assert!(classes.iter().all(Option::is_none));
        }
        let s = RrSeries::from_runs(vec![run.to_vec(), vec![900.0], run.to_vec()]);
        for correction in [
            Correction::Automatic,
            Correction::None,
            Correction::Threshold { threshold_ms: 50.0 },
        ] {
            let (out, summary) = correct_series(&s, &correction);
            assert!(summary.corrected <= summary.detected);
            assert!(out.intervals().iter().all(|v| v.is_finite()));
            if len < MIN_RUN_BEATS {
                assert_eq!(out, s);
            }
        }
    }
    let empty = RrSeries::from_runs(vec![]);
    let (out, summary) = correct_series(&empty, &Correction::Automatic);
    assert!(out.is_empty());
    assert_eq!(summary.pct, 0.0);
}

#[test]
fn a_whole_night_is_corrected() {
    // 30,000 beats with an artefact every 500 (its speed is measured by the benchmarks).
    let mut rr = resting(30_000, 21, 950.0, 45.0);
    for at in (250..30_000).step_by(500) {
        rr[at] += 400.0;
    }
    let s = series(&rr, &[]);
    let (_, summary) = correct_series(&s, &Correction::Automatic);
    // Every injected beat is found; the jitter adds a few borderline detections (0.01 %).
    assert!(
        summary.long_short >= 60 && summary.detected <= 65,
        "{summary:?}"
    );
}
