//! Readiness across the FFI: a day's state, score and push / maintain / recover call with its
//! components, reasons and flags, and the trend series of a range, read from [`AlyzeStore`] with
//! the member's profile and the [`FfiReadinessSettings`].
//!
//! The core's plain types cross as they are (`#[uniffi::remote]`: the definitions below repeat the
//! core's, and the compiler checks they match): the member profile, the reasons and every enum
//! without data. The rest get thin twins converted here: dates as `YYYY-MM-DD` (as the daily
//! summaries carry them), counts as `u32`, the core's `&'static str` names as strings.

use alyze_core::load::Sex;
use alyze_core::readiness::{
    Component, ComponentBaseline, ComponentName, DEFAULT_SEX, DayReadiness, Flag, FlagCategory,
    FlagCode, HrvMetric, LoadKind, MemberProfile, MissingInput, ReadinessHistory, ReadinessState,
    Reason, ReasonCode, Recommendation, Severity, TrendDay, readiness_history,
};
use chrono::NaiveDate;

use crate::AlyzeError;
use crate::hrv::ffi_count;
use crate::readiness_settings::{FfiReadinessSettings, ffi_setting_names};
use crate::store::{AlyzeStore, date};

/// The member's sex, for the TRIMP weighting (Banister 1991) and the creatine kinase limit.
#[uniffi::remote(Enum)]
pub enum Sex {
    /// Male constants.
    Male,
    /// Female constants.
    Female,
}

/// The HRV metric a member is scored on (RMSSD and SDNN are never mixed in one baseline).
#[uniffi::remote(Enum)]
pub enum HrvMetric {
    /// Root mean square of successive differences (Health Connect; computed from beat-to-beat
    /// data).
    Rmssd,
    /// Standard deviation of NN intervals (Apple HealthKit's HRV).
    Sdnn,
}

/// Which scale the member's daily training load is on.
#[uniffi::remote(Enum)]
pub enum LoadKind {
    /// Session-RPE, AU (CR-10 rating x minutes; Foster et al. 2001).
    SessionRpe,
    /// Banister TRIMP from the workouts' average heart rate, AU.
    Trimp,
    /// Neither can be computed: no load.
    Unknown,
}

/// What the engine needs to know about the member beyond their data. Only the sex is required
/// (the optional fields default to absent in the foreign constructors).
#[uniffi::remote(Record)]
pub struct MemberProfile {
    /// Sex, for the TRIMP constants and the creatine kinase limit.
    pub sex: Sex,
    /// Resting heart rate for TRIMP, bpm, when the clinic measured it; otherwise the median of the
    /// member's own readings.
    #[uniffi(default)]
    pub resting_hr_bpm: Option<f64>,
    /// Maximal heart rate for TRIMP, bpm, when measured.
    #[uniffi(default)]
    pub max_hr_bpm: Option<f64>,
    /// Age in years, for the age-predicted maximal heart rate when none was measured.
    #[uniffi(default)]
    pub age_years: Option<f64>,
    /// The HRV metric to score the member on when it has data.
    #[uniffi(default)]
    pub preferred_hrv_metric: Option<HrvMetric>,
}

/// An input without which a day cannot be scored.
#[uniffi::remote(Enum)]
pub enum MissingInput {
    /// Too few nights with HRV in the week to form its mean.
    Hrv,
}

/// The call of the day.
#[uniffi::remote(Enum)]
pub enum Recommendation {
    /// Recovery day: rest, easy movement, recovery modalities (red).
    Recover,
    /// Train as planned but not harder (yellow).
    Maintain,
    /// Ready for a hard session (green).
    Push,
}

/// What a component of the score measures.
#[uniffi::remote(Enum)]
pub enum ComponentName {
    /// The week's lnHRV mean against the normal range (the primary signal).
    HrvWeek,
    /// Last night's lnHRV against the 10-day reference (a modifier).
    HrvToday,
    /// lnHRV falling two days running.
    HrvTrend,
    /// Resting HR against its baseline.
    RestingHr,
    /// Last night's sleep against the member's need.
    Sleep,
    /// Last night's sleep efficiency.
    SleepEfficiency,
    /// The week's sleep debt.
    SleepDebt,
    /// Today's check-in.
    CheckIn,
    /// The latest hs-CRP draw.
    HsCrp,
    /// The latest creatine kinase draw.
    CreatineKinase,
    /// The EWMA acute:chronic workload ratio.
    Acwr,
    /// Training stress balance (form).
    Tsb,
    /// The decision rules' adjustment, which keeps the score's colour in line with the call.
    DecisionRules,
}

/// A component's baseline.
#[uniffi::remote(Record)]
pub struct ComponentBaseline {
    /// Its mean (or the need, for sleep).
    pub mean: f64,
    /// Lower bound of the normal range, where there is one.
    pub lower: Option<f64>,
    /// Upper bound of the normal range, where there is one.
    pub upper: Option<f64>,
}

/// How much a reason weighs.
#[uniffi::remote(Enum)]
pub enum Severity {
    /// A sign against training hard today.
    Warning,
    /// Worth knowing; pulls the score down a little.
    Caution,
    /// Context.
    Info,
    /// Good news.
    Positive,
}

/// A stable reason code; the reason's `text` is its sentence.
#[uniffi::remote(Enum)]
pub enum ReasonCode {
    /// The week's HRV is below the normal range.
    HrvBelowNormalRange,
    /// The week's HRV is within the normal range.
    HrvWithinNormalRange,
    /// The week's HRV is above the normal range.
    HrvAboveNormalRange,
    /// Last night's HRV dropped below the 10-day reference and resting HR is up.
    HrvDropWithRestingHrUp,
    /// Last night's HRV dropped below the 10-day reference.
    HrvLowLastNight,
    /// HRV fell two days running.
    HrvFallingTwoDays,
    /// Resting HR is above its baseline.
    RestingHrElevated,
    /// Resting HR is below its baseline.
    RestingHrLow,
    /// Last night was short against the need.
    SleepShort,
    /// Last night was broken (low efficiency).
    SleepBroken,
    /// Sleep debt over the week.
    SleepDebt,
    /// The check-in is below the middle of its scale.
    CheckInLow,
    /// hs-CRP above the high limit.
    CrpHigh,
    /// hs-CRP higher than at the draw before.
    CrpRising,
    /// Creatine kinase above the athletes' limit.
    CkHigh,
    /// The acute:chronic ratio is high.
    AcwrHigh,
    /// Form (TSB) is very negative.
    TsbLow,
    /// The HRV baseline is still being learnt.
    Calibrating,
    /// Too few nights with HRV this week.
    MissingHrv,
}

/// One reason of the day, in a sentence a member can read.
#[uniffi::remote(Record)]
pub struct Reason {
    /// The stable code.
    pub code: ReasonCode,
    /// How much it weighs.
    pub severity: Severity,
    /// The sentence a member reads.
    pub text: String,
}

/// What a flag is about.
#[uniffi::remote(Enum)]
pub enum FlagCategory {
    /// Training is outrunning recovery.
    Overreaching,
    /// Signs of illness or unresolved inflammation.
    Illness,
}

/// A stable flag code.
#[uniffi::remote(Enum)]
pub enum FlagCode {
    /// HRV suppressed over several days with falling CV (Plews et al. 2012).
    HrvSuppressedFallingCv,
    /// Resting HR elevated several readings running.
    RestingHrElevated,
    /// Training monotony above the critical level (Foster 1998).
    MonotonyHigh,
    /// Acute:chronic workload ratio above the danger level (Gabbett 2016).
    AcwrHigh,
    /// Training stress balance very negative.
    TsbLow,
    /// Check-ins bad for more than a week.
    WellnessBad,
    /// hs-CRP high at two draws in a row and not falling.
    InflammationNotResolving,
    /// HRV crash with a clearly raised resting HR, or inflammation with a raised resting HR.
    IllnessSuspected,
}

/// Whether the day can be scored.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum FfiReadinessState {
    /// The HRV baseline is not established yet.
    Calibrating {
        /// Days until it is, if each brings a night's HRV.
        days_left: u32,
    },
    /// Scored.
    Scored,
    /// The baseline exists but today cannot be judged against it.
    Unscorable {
        /// What is missing.
        missing: Vec<MissingInput>,
    },
}

/// One component of the day's score.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiComponent {
    /// What it measures.
    pub name: ComponentName,
    /// The HRV metric, on the HRV components.
    pub metric: Option<HrvMetric>,
    /// The unit of `value` and `baseline` (e.g. `ln ms`, `bpm`, `h`).
    pub unit: String,
    /// The day's value.
    pub value: Option<f64>,
    /// The member's baseline and normal range, where the component has one.
    pub baseline: Option<ComponentBaseline>,
    /// Points added to (positive) or taken from (negative) the score.
    pub points: f64,
}

/// An overreaching or illness flag holding on the day.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiFlag {
    /// The stable code.
    pub code: FlagCode,
    /// What it is about.
    pub category: FlagCategory,
    /// First day of the pattern, `YYYY-MM-DD`.
    pub from: String,
    /// Last day of the pattern (the day it is listed on), `YYYY-MM-DD`.
    pub to: String,
    /// The core setting whose threshold was used (e.g. `rules.acwr_high`).
    pub setting: String,
    /// The threshold's value, in the unit of the setting.
    pub threshold: f64,
}

/// The readiness of one member-local day.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiDayReadiness {
    /// The member's local date, `YYYY-MM-DD`.
    pub date: String,
    /// Calibrating, scored or unscorable.
    pub state: FfiReadinessState,
    /// 0-100 when scored.
    pub score: Option<u8>,
    /// The call when scored; absent while calibrating or unscorable (a calibrating member is never
    /// shown as red).
    pub recommendation: Option<Recommendation>,
    /// The HRV metric the member is scored on.
    pub hrv_metric: HrvMetric,
    /// The scale of the member's training load.
    pub load_kind: LoadKind,
    /// Each component: its value, baseline and points.
    pub components: Vec<FfiComponent>,
    /// Why, most important first.
    pub reasons: Vec<Reason>,
    /// Overreaching and illness flags holding on the day.
    pub flags: Vec<FfiFlag>,
}

/// One day of the trend series: the inputs and the baselines they are judged against, as a chart
/// draws them.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiTrendDay {
    /// The member's local date, `YYYY-MM-DD`.
    pub date: String,
    /// The night's lnHRV of the member's metric.
    pub ln_hrv: Option<f64>,
    /// The 7-day mean of lnHRV.
    pub ln_hrv_week_mean: Option<f64>,
    /// The normal range's lower bound.
    pub normal_low: Option<f64>,
    /// The normal range's upper bound.
    pub normal_high: Option<f64>,
    /// Resting heart rate, bpm.
    pub resting_hr_bpm: Option<f64>,
    /// The night's sleep, hours.
    pub sleep_h: Option<f64>,
    /// The sleep need the night is judged against, hours.
    pub sleep_need_h: f64,
    /// The day's training load, AU on the scale of the days' `load_kind`.
    pub load: f64,
    /// The readiness score, when scored.
    pub score: Option<u8>,
}

/// Readiness and its trends over a range, oldest day first.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiReadinessHistory {
    /// Each day's readiness.
    pub days: Vec<FfiDayReadiness>,
    /// Each day's inputs and baselines.
    pub trends: Vec<FfiTrendDay>,
}

/// The profile of a member who has not given theirs: the core's `DEFAULT_SEX` (female, the
/// conservative choice: a wrong default errs towards recovery), nothing else known. A shell uses
/// it until the member saves a profile, and says so.
#[uniffi::export]
pub fn default_member_profile() -> MemberProfile {
    MemberProfile::new(DEFAULT_SEX)
}

#[uniffi::export]
impl AlyzeStore {
    /// The readiness of `date` (`YYYY-MM-DD`, member-local), judged against the history before
    /// it (`settings.look_back_days`).
    pub fn readiness(
        &self,
        date: String,
        profile: MemberProfile,
        settings: FfiReadinessSettings,
    ) -> Result<FfiDayReadiness, AlyzeError> {
        let day = self::date("date", &date)?;
        let history = self.history(day, day, &profile, &settings)?;
        // One day asked for, one day returned; an empty answer would be a core fault.
        history
            .days
            .into_iter()
            .next()
            .map(Into::into)
            .ok_or_else(|| AlyzeError::InvalidArgument {
                name: "date".to_owned(),
                reason: "no readiness was computed for the day".to_owned(),
            })
    }

    /// Readiness and its trends for each day of `from..=to` (`YYYY-MM-DD`, member-local).
    pub fn readiness_history(
        &self,
        from: String,
        to: String,
        profile: MemberProfile,
        settings: FfiReadinessSettings,
    ) -> Result<FfiReadinessHistory, AlyzeError> {
        let (from, to) = (date("from", &from)?, date("to", &to)?);
        Ok(self.history(from, to, &profile, &settings)?.into())
    }
}

impl AlyzeStore {
    /// The core's history of `from..=to`, its setting errors named by the FFI fields.
    fn history(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        profile: &MemberProfile,
        settings: &FfiReadinessSettings,
    ) -> Result<ReadinessHistory, AlyzeError> {
        let settings = settings.to_core()?;
        readiness_history(&self.lock(), from, to, profile, &settings)
            .map_err(|e| ffi_setting_names(e.into()))
    }
}

/// A date as the FFI carries it.
fn ymd(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

impl From<ReadinessState> for FfiReadinessState {
    fn from(state: ReadinessState) -> Self {
        match state {
            ReadinessState::Calibrating { days_left } => Self::Calibrating {
                days_left: ffi_count(days_left),
            },
            ReadinessState::Scored => Self::Scored,
            ReadinessState::Unscorable { missing } => Self::Unscorable { missing },
        }
    }
}

impl From<Component> for FfiComponent {
    fn from(c: Component) -> Self {
        Self {
            name: c.name,
            metric: c.metric,
            unit: c.unit.to_owned(),
            value: c.value,
            baseline: c.baseline,
            points: c.points,
        }
    }
}

impl From<Flag> for FfiFlag {
    fn from(f: Flag) -> Self {
        Self {
            code: f.code,
            category: f.category,
            from: ymd(f.from),
            to: ymd(f.to),
            setting: f.setting.to_owned(),
            threshold: f.threshold,
        }
    }
}

impl From<DayReadiness> for FfiDayReadiness {
    fn from(day: DayReadiness) -> Self {
        Self {
            date: ymd(day.date),
            state: day.state.into(),
            score: day.score,
            recommendation: day.recommendation,
            hrv_metric: day.hrv_metric,
            load_kind: day.load_kind,
            components: day.components.into_iter().map(Into::into).collect(),
            reasons: day.reasons,
            flags: day.flags.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<TrendDay> for FfiTrendDay {
    fn from(t: TrendDay) -> Self {
        Self {
            date: ymd(t.date),
            ln_hrv: t.ln_hrv,
            ln_hrv_week_mean: t.ln_hrv_week_mean,
            normal_low: t.normal_low,
            normal_high: t.normal_high,
            resting_hr_bpm: t.resting_hr_bpm,
            sleep_h: t.sleep_h,
            sleep_need_h: t.sleep_need_h,
            load: t.load,
            score: t.score,
        }
    }
}

impl From<ReadinessHistory> for FfiReadinessHistory {
    fn from(h: ReadinessHistory) -> Self {
        Self {
            days: h.days.into_iter().map(Into::into).collect(),
            trends: h.trends.into_iter().map(Into::into).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Debug;
    use std::path::Path;
    use std::sync::Arc;

    use alyze_core::apple_export::SyntheticExport;
    use alyze_core::readiness::ComponentBaseline;

    use super::*;
    use crate::UniFfiTag;
    use crate::import::ImportListener;
    use crate::readiness_settings::default_readiness_settings;

    /// `value` lowered into a buffer as the foreign side receives it, and lifted back.
    fn round_trip<T>(value: T)
    where
        T: uniffi::Lower<UniFfiTag> + uniffi::Lift<UniFfiTag> + Clone + PartialEq + Debug,
    {
        let buffer = T::lower_into_rust_buffer(value.clone());
        assert_eq!(T::try_lift_from_rust_buffer(buffer).unwrap(), value);
    }

    #[test]
    fn every_enum_variant_crosses_and_comes_back() {
        [Sex::Male, Sex::Female].into_iter().for_each(round_trip);
        [HrvMetric::Rmssd, HrvMetric::Sdnn]
            .into_iter()
            .for_each(round_trip);
        [LoadKind::SessionRpe, LoadKind::Trimp, LoadKind::Unknown]
            .into_iter()
            .for_each(round_trip);
        round_trip(MissingInput::Hrv);
        [
            Recommendation::Recover,
            Recommendation::Maintain,
            Recommendation::Push,
        ]
        .into_iter()
        .for_each(round_trip);
        [
            Severity::Warning,
            Severity::Caution,
            Severity::Info,
            Severity::Positive,
        ]
        .into_iter()
        .for_each(round_trip);
        [FlagCategory::Overreaching, FlagCategory::Illness]
            .into_iter()
            .for_each(round_trip);
        use ComponentName as C;
        [
            C::HrvWeek,
            C::HrvToday,
            C::HrvTrend,
            C::RestingHr,
            C::Sleep,
            C::SleepEfficiency,
            C::SleepDebt,
            C::CheckIn,
            C::HsCrp,
            C::CreatineKinase,
            C::Acwr,
            C::Tsb,
            C::DecisionRules,
        ]
        .into_iter()
        .for_each(round_trip);
        use FlagCode as F;
        for code in [
            F::HrvSuppressedFallingCv,
            F::RestingHrElevated,
            F::MonotonyHigh,
            F::AcwrHigh,
            F::TsbLow,
            F::WellnessBad,
            F::InflammationNotResolving,
            F::IllnessSuspected,
        ] {
            round_trip(code);
            // The category is the core's, carried in the flag beside the code.
            round_trip(code.category());
        }
        use ReasonCode as R;
        for code in [
            R::HrvBelowNormalRange,
            R::HrvWithinNormalRange,
            R::HrvAboveNormalRange,
            R::HrvDropWithRestingHrUp,
            R::HrvLowLastNight,
            R::HrvFallingTwoDays,
            R::RestingHrElevated,
            R::RestingHrLow,
            R::SleepShort,
            R::SleepBroken,
            R::SleepDebt,
            R::CheckInLow,
            R::CrpHigh,
            R::CrpRising,
            R::CkHigh,
            R::AcwrHigh,
            R::TsbLow,
            R::Calibrating,
            R::MissingHrv,
        ] {
            round_trip(Reason::new(code, Severity::Info));
        }
    }

    #[test]
    fn every_state_converts() {
        let states = [
            (
                ReadinessState::Calibrating { days_left: 11 },
                FfiReadinessState::Calibrating { days_left: 11 },
            ),
            (ReadinessState::Scored, FfiReadinessState::Scored),
            (
                ReadinessState::Unscorable {
                    missing: vec![MissingInput::Hrv],
                },
                FfiReadinessState::Unscorable {
                    missing: vec![MissingInput::Hrv],
                },
            ),
        ];
        for (core, ffi) in states {
            assert_eq!(FfiReadinessState::from(core), ffi.clone());
            round_trip(ffi);
        }
    }

    #[test]
    fn a_scored_day_converts_field_by_field() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let core = DayReadiness {
            date: day(28),
            state: ReadinessState::Scored,
            score: Some(71),
            recommendation: Some(Recommendation::Push),
            hrv_metric: HrvMetric::Rmssd,
            load_kind: LoadKind::Trimp,
            components: vec![Component {
                name: ComponentName::HrvWeek,
                metric: Some(HrvMetric::Rmssd),
                unit: "ln ms",
                value: Some(4.1),
                baseline: Some(ComponentBaseline {
                    mean: 4.0,
                    lower: Some(3.9),
                    upper: Some(4.1),
                }),
                points: 3.5,
            }],
            reasons: vec![Reason::new(
                ReasonCode::HrvWithinNormalRange,
                Severity::Positive,
            )],
            flags: vec![Flag {
                code: FlagCode::AcwrHigh,
                category: FlagCategory::Overreaching,
                from: day(26),
                to: day(28),
                setting: "rules.acwr_high",
                threshold: 1.5,
            }],
        };
        let ffi = FfiDayReadiness::from(core);
        assert_eq!(ffi.date, "2026-11-28");
        assert_eq!(ffi.state, FfiReadinessState::Scored);
        assert_eq!(
            (ffi.score, ffi.recommendation),
            (Some(71), Some(Recommendation::Push))
        );
        assert_eq!(ffi.components[0].unit, "ln ms");
        assert_eq!(ffi.components[0].baseline.map(|b| b.lower), Some(Some(3.9)));
        assert_eq!(ffi.reasons[0].code, ReasonCode::HrvWithinNormalRange);
        assert_eq!(
            (ffi.flags[0].from.as_str(), ffi.flags[0].to.as_str()),
            ("2026-11-26", "2026-11-28")
        );
        assert_eq!(ffi.flags[0].setting, "rules.acwr_high");
        round_trip(ffi);
    }

    struct Quiet;

    impl ImportListener for Quiet {
        fn on_progress(&self, _bytes_done: u64, _bytes_total: Option<u64>) -> bool {
            true
        }
    }

    /// A store in `dir` holding a synthetic Apple Health export of `days` days from 2022-09-01.
    fn imported(dir: &Path, days: u32) -> Arc<AlyzeStore> {
        let export = dir.join("export.zip");
        SyntheticExport {
            days,
            ..SyntheticExport::default()
        }
        .write_zip(&export)
        .unwrap();
        let store = AlyzeStore::open(dir.join("alyze.db").display().to_string()).unwrap();
        store
            .import_apple_export(export.display().to_string(), Arc::new(Quiet))
            .unwrap();
        store
    }

    fn profile() -> MemberProfile {
        MemberProfile {
            age_years: Some(35.0),
            ..MemberProfile::new(Sex::Female)
        }
    }

    #[test]
    fn a_ten_day_member_is_calibrating_with_no_call() {
        let dir = tempfile::tempdir().unwrap();
        let store = imported(dir.path(), 10);
        let settings = default_readiness_settings();

        let day = store
            .readiness("2022-09-10".into(), profile(), settings.clone())
            .unwrap();
        assert_eq!(day.date, "2022-09-10");
        assert!(
            matches!(day.state, FfiReadinessState::Calibrating { days_left } if days_left > 0),
            "{:?}",
            day.state
        );
        assert_eq!((day.score, day.recommendation), (None, None));
        assert!(
            day.reasons
                .iter()
                .any(|r| r.code == ReasonCode::Calibrating)
        );

        let history = store
            .readiness_history(
                "2022-09-01".into(),
                "2022-09-10".into(),
                profile(),
                settings,
            )
            .unwrap();
        assert_eq!(history.days.len(), 10);
        assert_eq!(history.trends.len(), 10);
        assert_eq!(history.days.last(), Some(&day));
        assert_eq!(history.trends[0].date, "2022-09-01");
        assert!(history.trends.iter().filter(|t| t.ln_hrv.is_some()).count() >= 5);
        assert!(history.trends.iter().all(|t| t.score.is_none()));
    }

    #[test]
    fn a_month_long_member_is_scored_with_a_call_and_a_normal_band() {
        let dir = tempfile::tempdir().unwrap();
        let store = imported(dir.path(), 30);
        let history = store
            .readiness_history(
                "2022-09-25".into(),
                "2022-09-30".into(),
                profile(),
                default_readiness_settings(),
            )
            .unwrap();
        let today = history.days.last().unwrap();
        assert_eq!(today.state, FfiReadinessState::Scored, "{today:?}");
        assert!(today.score.is_some_and(|s| s <= 100));
        assert!(today.recommendation.is_some());
        assert!(
            today
                .components
                .iter()
                .any(|c| c.name == ComponentName::HrvWeek && c.baseline.is_some())
        );
        let trend = history.trends.last().unwrap();
        assert!(trend.normal_low.is_some() && trend.normal_high.is_some());
        assert_eq!(trend.score, today.score);
    }

    #[test]
    fn bad_arguments_and_settings_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let store = AlyzeStore::open(dir.path().join("alyze.db").display().to_string()).unwrap();
        let defaults = default_readiness_settings();
        let name = |result: Result<FfiDayReadiness, AlyzeError>| match result {
            Err(
                AlyzeError::InvalidArgument { name, .. } | AlyzeError::InvalidSetting { name, .. },
            ) => name,
            other => panic!("expected a named error, got {other:?}"),
        };

        let bad_sd = FfiReadinessSettings {
            hrv_normal_range_sd: -0.5,
            ..defaults.clone()
        };
        let error = store.readiness("2022-09-10".into(), profile(), bad_sd);
        assert!(matches!(error, Err(AlyzeError::InvalidSetting { .. })));
        assert_eq!(name(error), "hrv_normal_range_sd");

        let bad_profile = MemberProfile {
            max_hr_bpm: Some(-1.0),
            ..profile()
        };
        assert_eq!(
            name(store.readiness("2022-09-10".into(), bad_profile, defaults.clone())),
            "profile.max_hr_bpm"
        );
        assert_eq!(
            name(store.readiness("10.9.2022".into(), profile(), defaults.clone())),
            "date"
        );
        let backwards = store.readiness_history(
            "2022-09-10".into(),
            "2022-09-01".into(),
            profile(),
            defaults,
        );
        assert!(matches!(
            backwards,
            Err(AlyzeError::InvalidArgument { name, .. }) if name == "from, to"
        ));
    }

    #[test]
    fn a_day_without_any_hrv_is_unscorable() {
        let dir = tempfile::tempdir().unwrap();
        let store = AlyzeStore::open(dir.path().join("alyze.db").display().to_string()).unwrap();
        let day = store
            .readiness("2026-11-28".into(), profile(), default_readiness_settings())
            .unwrap();
        // No night of the week has a reading: nothing to calibrate on (core `assess.rs`, State).
        assert_eq!(
            day.state,
            FfiReadinessState::Unscorable {
                missing: vec![MissingInput::Hrv]
            }
        );
        assert_eq!((day.score, day.recommendation), (None, None));
        assert_eq!(day.load_kind, LoadKind::Unknown);
    }
}
