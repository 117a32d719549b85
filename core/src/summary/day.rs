//! Reading the store once for a whole range and filing every record under its local day.

use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeDelta};

use super::{
    CheckInSummary, DailySummary, LabEntry, LoadInputs, RecoveryEntry, RestingHr, SummaryError,
    SummarySettings, WorkoutSummary, analyte_name, distinct, hrv, local_day, mean, sleep, utc_span,
};
use crate::health::{
    HeartbeatSeries, LabResult, QuantityKind, RecoverySession, SleepSession, TrainingSession,
    Workout,
};
use crate::store::{Metric, Store};

/// How much earlier than the first day the sleep reads start, so that a night ending on that
/// morning is read whole: twice the default plausibility bound on a session (24 h,
/// `Plausibility::max_sleep_session_s`), leaving room for a clinic that raises it.
pub(super) const MAX_SESSION: TimeDelta = TimeDelta::hours(48);

/// Records of one kind filed by local day.
fn by_day<T>(items: Vec<T>, day: impl Fn(&T) -> NaiveDate) -> BTreeMap<NaiveDate, Vec<T>> {
    let mut days: BTreeMap<NaiveDate, Vec<T>> = BTreeMap::new();
    for item in items {
        days.entry(day(&item)).or_default().push(item);
    }
    days
}

/// See [`super::daily_summaries`]; the settings are checked there.
pub(super) fn build(
    store: &Store,
    from: NaiveDate,
    to: NaiveDate,
    detail_from: NaiveDate,
    settings: &SummarySettings,
) -> Result<Vec<DailySummary>, SummaryError> {
    let (start, end) = utc_span(from, to, TimeDelta::zero())?;
    // Every night of the days from `detail_from` on lies after `detail_start` (a night ends on its
    // day and its sessions are shorter than MAX_SESSION), so the sessions and HRV records read
    // from there hold them whole; the days before have no night here.
    let after_to = to.succ_opt().ok_or(SummaryError::DateOutOfBounds)?;
    let detail_from = detail_from.max(from).min(after_to);
    let (sleeps, span_hrv) = if detail_from <= to {
        let (detail_start, _) = utc_span(detail_from, to, MAX_SESSION)?;
        (
            store.records::<SleepSession>(detail_start, end)?,
            hrv::SpanHrv::read(store, detail_start, end)?,
        )
    } else {
        (Vec::new(), hrv::SpanHrv::default())
    };
    // Filed by the local day of their end, the day whose night they can be: each day looks at
    // its own few sessions rather than at all of them.
    let mut sleeps = by_day(sleeps, |s| local_day(&s.end));
    let mut resting = by_day(
        store.quantities(QuantityKind::RestingHeartRate, start, end)?,
        |s| local_day(&s.start),
    );
    let mut workouts = by_day(store.records::<Workout>(start, end)?, |w| {
        local_day(&w.start)
    });
    let mut training = by_day(store.records::<TrainingSession>(start, end)?, |t| {
        local_day(&t.start)
    });
    let mut recovery = by_day(store.records::<RecoverySession>(start, end)?, |r| {
        local_day(&r.start)
    });
    let mut labs = by_day(store.records::<LabResult>(start, end)?, |l| {
        local_day(&l.collected_at)
    });
    let mut check_ins: BTreeMap<NaiveDate, _> = store
        .check_ins_by_day(from, after_to)?
        .into_iter()
        .collect();

    let mut out = Vec::new();
    for date in from.iter_days().take_while(|d| *d <= to) {
        let day_sleeps = sleeps.remove(&date).unwrap_or_default();
        let night = if date >= detail_from {
            sleep::night_of(store, date, &day_sleeps, settings)?
        } else {
            None
        };
        let (hrv_rmssd, hrv_sdnn) = match &night {
            Some(n) => (
                hrv::rmssd(store, &span_hrv, n.window(), settings)?,
                hrv::sdnn(store, &span_hrv, n.window())?,
            ),
            None => (None, None),
        };
        let day_workouts = workouts_of(store, workouts.remove(&date).unwrap_or_default())?;
        let day_training = training.remove(&date).unwrap_or_default();
        // Folded from +0.0: `sum` of nothing is -0.0, which a display shows as "-0".
        let load = LoadInputs {
            hr_minutes: day_workouts
                .iter()
                .filter_map(|w| w.hr_minutes)
                .fold(0.0, |total, m| total + m),
            session_rpe_load: day_training
                .iter()
                .map(TrainingSession::load)
                .fold(0.0, |total, l| total + l),
            training_sessions: day_training.len(),
        };
        out.push(DailySummary {
            date,
            sleep: night,
            hrv_rmssd,
            hrv_sdnn,
            resting_hr: resting_hr(store, resting.remove(&date).unwrap_or_default())?,
            workouts: day_workouts,
            load,
            check_in: check_ins.remove(&date).map(|c| CheckInSummary {
                at: c.at.local(),
                answers: c.answers,
                total: c.answers.total(),
                wellness: c.wellness(),
            }),
            recovery: recovery
                .remove(&date)
                .unwrap_or_default()
                .into_iter()
                .map(|r| RecoveryEntry {
                    modality: r.modality,
                    start: r.start.local(),
                    duration_s: r.duration_s,
                    temperature_c: r.temperature_c,
                })
                .collect(),
            labs: labs
                .remove(&date)
                .unwrap_or_default()
                .into_iter()
                .map(|l| LabEntry {
                    name: analyte_name(&l.loinc),
                    flag: l.flag(),
                    collected_at: l.collected_at.local(),
                    loinc: l.loinc,
                    value: l.value,
                    unit: l.unit,
                })
                .collect(),
        });
    }
    Ok(out)
}

/// The day's resting HR: the mean of the preferred source's samples.
fn resting_hr(
    store: &Store,
    samples: Vec<crate::health::QuantitySample>,
) -> Result<Option<RestingHr>, SummaryError> {
    let sources = distinct(samples.iter().map(|s| &*s.source));
    let Some(chosen) =
        store.preferred_source(Metric::Quantity(QuantityKind::RestingHeartRate), &sources)?
    else {
        return Ok(None);
    };
    let values: Vec<f64> = samples
        .iter()
        .filter(|s| &*s.source == chosen)
        .map(|s| s.value)
        .collect();
    Ok(mean(&values).map(|bpm| RestingHr {
        bpm,
        source: chosen.name.clone(),
    }))
}

/// The day's workouts: every workout of the preferred source, plus those of other sources that
/// overlap none of them (a workout only one app recorded still counts; the same session recorded by
/// the watch and a phone app counts once, from the preferred source).
fn workouts_of(store: &Store, day: Vec<Workout>) -> Result<Vec<WorkoutSummary>, SummaryError> {
    let sources = distinct(day.iter().map(|w| &w.source));
    let Some(chosen) = store.preferred_source(Metric::Workout, &sources)? else {
        return Ok(Vec::new());
    };
    let (mut kept, others): (Vec<&Workout>, Vec<&Workout>) =
        day.iter().partition(|w| &w.source == chosen);
    for other in others {
        let overlaps = kept
            .iter()
            .any(|k| other.start.utc() < k.end.utc() && k.start.utc() < other.end.utc());
        if !overlaps {
            kept.push(other);
        }
    }
    kept.sort_by_key(|w| w.start.utc());
    Ok(kept
        .into_iter()
        .map(|w| WorkoutSummary {
            activity: w.activity,
            training_class: w.activity.training_class(),
            start: w.start.local(),
            duration_s: w.duration_s,
            active_energy_kcal: w.active_energy_kcal,
            avg_hr_bpm: w.avg_heart_rate_bpm,
            max_hr_bpm: w.max_heart_rate_bpm,
            // Active minutes x average HR: the duration-and-intensity product a Banister TRIMP
            // weights later (domain brief section 4).
            hr_minutes: w.avg_heart_rate_bpm.map(|hr| w.duration_s / 60.0 * hr),
            source: w.source.name.clone(),
        })
        .collect())
}

/// See [`super::latest_day_with_data`].
pub(super) fn latest(
    store: &Store,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Option<NaiveDate>, SummaryError> {
    let (start, end) = utc_span(from, to, MAX_SESSION)?;
    let in_range = |d: NaiveDate| (from..=to).contains(&d);
    let mut days: Vec<NaiveDate> = Vec::new();
    days.extend(
        store
            .records::<SleepSession>(start, end)?
            .iter()
            .map(|s| local_day(&s.end)),
    );
    days.extend(
        store
            .records::<Workout>(start, end)?
            .iter()
            .map(|w| local_day(&w.start)),
    );
    days.extend(
        store
            .records::<HeartbeatSeries>(start, end)?
            .iter()
            .map(|h| local_day(&h.start)),
    );
    for kind in [
        QuantityKind::RestingHeartRate,
        QuantityKind::HrvSdnn,
        QuantityKind::HrvRmssd,
    ] {
        days.extend(
            store
                .quantities(kind, start, end)?
                .iter()
                .map(|q| local_day(&q.start)),
        );
    }
    let after_to = to.succ_opt().ok_or(SummaryError::DateOutOfBounds)?;
    days.extend(
        store
            .check_ins_by_day(from, after_to)?
            .into_iter()
            .map(|(d, _)| d),
    );
    Ok(days.into_iter().filter(|d| in_range(*d)).max())
}
