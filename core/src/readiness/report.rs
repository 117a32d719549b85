//! What the readiness of one day says: its state, score and call, the contribution of each
//! component, the reasons a member can read and the flags. All of it serialises to JSON with
//! snake_case keys and stable codes (the CLI's `--json`, the FFI).

use chrono::NaiveDate;
use serde::Serialize;

use super::baseline::HrvMetric;
use super::flags::Flag;
use super::inputs::LoadKind;

/// The readiness of one member-local day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayReadiness {
    /// The member's local date.
    pub date: NaiveDate,
    /// Calibrating, scored or unscorable.
    pub state: ReadinessState,
    /// 0-100 when scored; `None` while calibrating or unscorable.
    pub score: Option<u8>,
    /// The call when scored; `None` while calibrating or unscorable (a calibrating member is never
    /// shown as red).
    pub recommendation: Option<Recommendation>,
    /// The HRV metric the member is scored on.
    pub hrv_metric: HrvMetric,
    /// The scale of the member's training load (the ACWR and TSB components).
    pub load_kind: LoadKind,
    /// Each component: its value, its baseline and its points. On a scored day the points add up,
    /// with [`Self::score`]'s base, to the score (before rounding and clamping to 0-100).
    pub components: Vec<Component>,
    /// Why, in sentences a member can read, most important first.
    pub reasons: Vec<Reason>,
    /// Overreaching and illness flags holding on the day.
    pub flags: Vec<Flag>,
}

/// Whether the day can be scored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReadinessState {
    /// The HRV baseline is not established yet: it needs `days_left` more days with a night's HRV.
    Calibrating {
        /// Days until the baseline is established, if each brings a valid reading.
        days_left: usize,
    },
    /// Scored.
    Scored,
    /// The baseline exists but today cannot be judged against it.
    Unscorable {
        /// What is missing.
        missing: Vec<MissingInput>,
    },
}

/// An input without which a day cannot be scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingInput {
    /// Too few nights with HRV in the week to form its mean (Plews et al. 2014: at least 3 of 7).
    Hrv,
}

/// The call of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Recommendation {
    /// Recovery day: rest, easy movement, recovery modalities (red).
    Recover,
    /// Train as planned but not harder (yellow).
    Maintain,
    /// Ready for a hard session (green).
    Push,
}

/// What a component measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ComponentName {
    /// The week's lnHRV mean against the normal range (the primary signal).
    HrvWeek,
    /// Last night's lnHRV against Kiviniemi's 10-day reference (a modifier).
    HrvToday,
    /// lnHRV falling two days running (Kiviniemi et al. 2007).
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

/// One component of the day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Component {
    /// What it measures.
    pub name: ComponentName,
    /// The HRV metric, on the HRV components.
    pub metric: Option<HrvMetric>,
    /// The unit of [`Self::value`] and [`Self::baseline`].
    pub unit: &'static str,
    /// The day's value.
    pub value: Option<f64>,
    /// The member's baseline and normal range, where the component has one.
    pub baseline: Option<ComponentBaseline>,
    /// Points added to (positive) or taken from (negative) the score.
    pub points: f64,
}

/// A component's baseline.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ComponentBaseline {
    /// Its mean (or the need, for sleep).
    pub mean: f64,
    /// Lower bound of the normal range, where there is one.
    pub lower: Option<f64>,
    /// Upper bound of the normal range, where there is one.
    pub upper: Option<f64>,
}

/// How much a reason weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
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

/// A stable reason code; [`ReasonCode::text`] is its sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    /// The week's HRV is below the normal range.
    HrvBelowNormalRange,
    /// The week's HRV is within the normal range.
    HrvWithinNormalRange,
    /// The week's HRV is above the normal range.
    HrvAboveNormalRange,
    /// Last night's HRV dropped below the 10-day reference and resting HR is up (Kiviniemi).
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

impl ReasonCode {
    /// The sentence a member reads. It names no health value beyond what the member sees anyway.
    pub fn text(self) -> &'static str {
        match self {
            Self::HrvBelowNormalRange => "Your 7-day HRV is below your normal range.",
            Self::HrvWithinNormalRange => "Your 7-day HRV is within your normal range.",
            Self::HrvAboveNormalRange => "Your 7-day HRV is above your normal range.",
            Self::HrvDropWithRestingHrUp => {
                "Last night your HRV dropped well below your recent days while your resting heart rate rose: your body is under strain."
            }
            Self::HrvLowLastNight => {
                "Last night's HRV was well below your recent days; one night alone does not change the call."
            }
            Self::HrvFallingTwoDays => "Your HRV has fallen two days in a row.",
            Self::RestingHrElevated => "Your resting heart rate is above your usual level.",
            Self::RestingHrLow => "Your resting heart rate is below your usual level.",
            Self::SleepShort => "You slept less than you need last night.",
            Self::SleepBroken => "Your sleep was broken last night: a lot of time awake in bed.",
            Self::SleepDebt => "You have built up sleep debt over the past week.",
            Self::CheckInLow => "Your check-in says you feel less recovered than usual.",
            Self::CrpHigh => "Your latest hs-CRP blood test shows raised inflammation.",
            Self::CrpRising => "Your hs-CRP is higher than at your previous blood test.",
            Self::CkHigh => "Your latest creatine kinase test points to muscle damage.",
            Self::AcwrHigh => "Your training load this week is well above what you are used to.",
            Self::TsbLow => "You have built up a lot of fatigue from recent training.",
            Self::Calibrating => {
                "We are still learning your normal HRV: keep wearing your device at night."
            }
            Self::MissingHrv => {
                "Too few nights with HRV this week to score today: wear your device tonight."
            }
        }
    }
}

/// One reason of the day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    /// The stable code.
    pub code: ReasonCode,
    /// How much it weighs.
    pub severity: Severity,
    /// The sentence a member reads.
    pub text: String,
}

impl Reason {
    /// The reason `code` with its sentence.
    pub fn new(code: ReasonCode, severity: Severity) -> Self {
        Self {
            code,
            severity,
            text: code.text().to_owned(),
        }
    }
}
