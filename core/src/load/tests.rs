//! Tests of the daily series as a whole: validation, assembly and properties.

use proptest::prelude::*;

use super::*;

#[test]
fn default_settings_are_the_published_ones() {
    let s = LoadSettings::default();
    assert_eq!((s.atl_days, s.ctl_days), (7, 42));
    assert_eq!((s.acwr_acute_days, s.acwr_chronic_days), (7, 28));
    assert_eq!(s.acwr_seed, AcwrSeed::FirstLoad);
    assert_eq!(s.monotony_days, 7);
    assert_eq!((s.monotony_warning, s.monotony_critical), (1.5, 2.0));
    assert_eq!((s.atl_start, s.ctl_start), (0.0, 0.0));
    assert_eq!(s.validate(), Ok(()));
}

#[test]
fn every_day_gets_all_metrics() {
    let loads = [420.0, 0.0, 300.0, 0.0, 500.0, 250.0, 0.0, 360.0];
    let days = analyse_daily(&loads, &LoadSettings::default()).unwrap();
    assert_eq!(days.len(), loads.len());
    for (d, day) in days.iter().enumerate() {
        assert_eq!(day.day, d);
        assert_eq!(day.load, loads[d]);
    }
    assert!(days[5].monotony.is_none());
    assert!(days[6].monotony.is_some() && days[7].monotony.is_some());
    // The first day: ATL = 420/7 = 60, CTL = 420/42 = 10, TSB 0, ACWR 1 (first-load seed).
    assert!((days[0].fitness.atl - 60.0).abs() < 1e-12);
    assert!((days[0].fitness.ctl - 10.0).abs() < 1e-12);
    assert_eq!(days[0].fitness.tsb, 0.0);
    assert_eq!(days[0].acwr.ratio, Some(1.0));
    // Form on day 1 is day 0's CTL - ATL = 10 - 60 = -50.
    assert!((days[1].fitness.tsb + 50.0).abs() < 1e-12);
    assert!(
        analyse_daily(&[], &LoadSettings::default())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn bad_days_are_refused_by_position() {
    let settings = LoadSettings::default();
    assert_eq!(
        analyse_daily(&[10.0, f64::NAN, 5.0], &settings),
        Err(LoadError::DayNonFinite { day: 1 })
    );
    assert_eq!(
        analyse_daily(&[10.0, 4.0, -5.0], &settings),
        Err(LoadError::DayNegative { day: 2 })
    );
    let message = analyse_daily(&[-123.5], &settings).map_err(|e| e.to_string());
    assert_eq!(message, Err("daily load #0: negative".to_owned()));
}

#[test]
fn bad_settings_are_refused_by_name() {
    let refused = |settings: LoadSettings| match analyse_daily(&[1.0], &settings) {
        Err(LoadError::InvalidSetting { name, .. }) => name,
        other => panic!("expected an invalid setting, got {other:?}"),
    };
    let d = LoadSettings::default;
    assert_eq!(refused(LoadSettings { atl_days: 0, ..d() }), "atl_days");
    assert_eq!(refused(LoadSettings { ctl_days: 0, ..d() }), "ctl_days");
    assert_eq!(
        refused(LoadSettings {
            acwr_chronic_days: 0,
            ..d()
        }),
        "acwr_chronic_days"
    );
    assert_eq!(
        refused(LoadSettings {
            monotony_days: 1,
            ..d()
        }),
        "monotony_days"
    );
    assert_eq!(
        refused(LoadSettings {
            ctl_start: -1.0,
            ..d()
        }),
        "ctl_start"
    );
    assert_eq!(
        refused(LoadSettings {
            atl_start: f64::NAN,
            ..d()
        }),
        "atl_start"
    );
    assert_eq!(
        refused(LoadSettings {
            monotony_warning: 2.5,
            ..d()
        }),
        "monotony_warning"
    );
    assert_eq!(
        refused(LoadSettings {
            monotony_critical: f64::INFINITY,
            ..d()
        }),
        "monotony_critical"
    );
}

#[test]
fn results_serialise() {
    let days = analyse_daily(
        &[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 60.0],
        &LoadSettings::default(),
    );
    let json = serde_json::to_string(&days.unwrap()).unwrap();
    assert!(json.contains("\"tsb\""));
    // One session in a week of rest: mean 60/7, SD 22.68, monotony 0.378.
    assert!(json.contains("\"level\":\"normal\""));
    let settings = serde_json::to_string(&LoadSettings::default()).unwrap();
    assert!(settings.contains("\"acwr_seed\":\"first_load\""));
    let back: LoadSettings = serde_json::from_str(&settings).unwrap();
    assert_eq!(back, LoadSettings::default());
}

/// Daily loads as a member's history holds them: rest days (0) and training days.
fn daily_loads() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(prop_oneof![1 => Just(0.0), 3 => 0.0..10_000.0_f64], 0..120)
}

/// `a` equals `b` up to rounding, relative to `scale` (the size of the numbers involved).
fn same(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= 1e-9 * scale.max(b.abs()).max(1e-300)
}

proptest! {
    #[test]
    fn non_negative_loads_give_non_negative_loads_out(loads in daily_loads()) {
        for day in analyse_daily(&loads, &LoadSettings::default()).unwrap() {
            prop_assert!(day.fitness.atl >= 0.0 && day.fitness.ctl >= 0.0);
            prop_assert!(day.acwr.acute >= 0.0 && day.acwr.chronic >= 0.0);
            prop_assert!(day.acwr.ratio.is_none_or(|r| r >= 0.0));
            if let Some(m) = day.monotony {
                prop_assert!(m.week_load >= 0.0 && m.sd >= 0.0);
                prop_assert!(m.monotony.is_none_or(|x| x >= 0.0));
                prop_assert!(m.strain.is_none_or(|x| x >= 0.0));
            }
        }
    }

    #[test]
    fn scaling_loads_scales_loads_and_keeps_ratios(
        loads in daily_loads(),
        c in 0.01..100.0_f64,
        zero_seed in any::<bool>(),
    ) {
        let settings = LoadSettings {
            acwr_seed: if zero_seed { AcwrSeed::Zero } else { AcwrSeed::FirstLoad },
            ..LoadSettings::default()
        };
        let scaled: Vec<f64> = loads.iter().map(|x| c * x).collect();
        let base = analyse_daily(&loads, &settings).unwrap();
        let times_c = analyse_daily(&scaled, &settings).unwrap();
        let top = c * loads.iter().copied().fold(0.0, f64::max);
        for (b, s) in base.iter().zip(&times_c) {
            prop_assert!(same(s.fitness.atl, c * b.fitness.atl, top));
            prop_assert!(same(s.fitness.ctl, c * b.fitness.ctl, top));
            prop_assert!(same(s.fitness.tsb, c * b.fitness.tsb, top));
            match (b.acwr.ratio, s.acwr.ratio) {
                (Some(rb), Some(rs)) => prop_assert!(same(rs, rb, 1.0)),
                (None, None) => {}
                other => prop_assert!(false, "ratio defined in one only: {:?}", other),
            }
            match (b.monotony, s.monotony) {
                (Some(mb), Some(ms)) => {
                    prop_assert_eq!(mb.level, ms.level);
                    match (mb.monotony, ms.monotony, mb.strain, ms.strain) {
                        (Some(xb), Some(xs), Some(sb), Some(ss)) => {
                            prop_assert!(same(xs, xb, 1.0));
                            prop_assert!(same(ss, c * sb, c * sb));
                        }
                        (None, None, None, None) => {}
                        other => prop_assert!(false, "monotony defined in one only: {:?}", other),
                    }
                }
                (None, None) => {}
                other => prop_assert!(false, "window filled in one only: {:?}", other),
            }
        }
    }

    #[test]
    fn no_panic_on_any_finite_input(
        loads in prop::collection::vec(
            any::<f64>().prop_filter("finite", |x| x.is_finite()),
            0..60,
        ),
        windows in prop::array::uniform5(0usize..50),
        levels in prop::array::uniform2(any::<f64>().prop_filter("finite", |x| x.is_finite())),
        session in prop::array::uniform4(any::<f64>().prop_filter("finite", |x| x.is_finite())),
    ) {
        let settings = LoadSettings {
            atl_days: windows[0],
            ctl_days: windows[1],
            acwr_acute_days: windows[2],
            acwr_chronic_days: windows[3],
            monotony_days: windows[4],
            monotony_warning: levels[0],
            monotony_critical: levels[1],
            ..LoadSettings::default()
        };
        let result = analyse_daily(&loads, &settings);
        if loads.iter().all(|&x| x >= 0.0) && settings.validate().is_ok() {
            prop_assert_eq!(result.map(|days| days.len()).ok(), Some(loads.len()));
        } else {
            prop_assert!(result.is_err());
        }
        let [d, avg, rest, max] = session;
        let _ = session_rpe_load(avg, d);
        let _ = banister_trimp(d, avg, rest, max, Sex::Male);
        let _ = banister_trimp(d, avg, rest, max, Sex::Female);
    }
}
