//! Settings of the daily readiness: the points each component can add or take away, the colour
//! bands, the decision rules' thresholds and the flags'. Every field has its default and its source
//! beside it; "product choice" marks a default that no source fixes, chosen so that the documented
//! behaviour holds (a typical day in the normal range is green, one noisy night does not change the
//! colour, a week below the normal range is never green).
//!
//! The baselines' own windows and multipliers live in [`BaselineSettings`], the load model's in
//! [`LoadSettings`]; both are fields here so that one value configures the whole engine.

use serde::Serialize;

use super::ReadinessError;
use super::baseline::BaselineSettings;
use crate::load::LoadSettings;

/// All readiness settings. [`ReadinessSettings::default`] is the documented configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ReadinessSettings {
    /// Windows and multipliers of the HRV, resting HR and sleep baselines.
    pub baseline: BaselineSettings,
    /// Windows and thresholds of the training-load model (ATL / CTL / TSB, ACWR, monotony).
    pub load: LoadSettings,
    /// Which inputs a member is scored on.
    pub inputs: InputSettings,
    /// Points of each component and the colour bands.
    pub score: ScoreSettings,
    /// Thresholds of the decision rules and of the sleep, check-in and lab components.
    pub rules: RuleSettings,
    /// Thresholds of the overreaching and illness flags.
    pub flags: FlagSettings,
}

impl ReadinessSettings {
    /// Checks every setting, naming the first one that cannot be used.
    pub fn validate(&self) -> Result<(), ReadinessError> {
        self.baseline.validate()?;
        self.load.validate()?;
        self.inputs.validate()?;
        self.score.validate()?;
        self.rules.validate()?;
        self.flags.validate()
    }

    /// Days before a day (the day itself not counted) whose nights (sleep and HRV) that day's
    /// readiness reads through windows of fixed length: [`super::readiness_history`] reads the
    /// summaries in full ([`crate::summary::daily_summaries_detailed_from`]) from this many days
    /// before the first day asked for, and without their nights (training, resting HR,
    /// check-ins, labs) over the rest of its look-back. It is derived from the settings rather
    /// than set, so that it follows them: the longest of
    /// - the HRV baseline's reach (`Self::hrv_baseline_reach`; 60 days by default, the normal
    ///   range ending yesterday) plus [`FlagSettings::suppressed_days`] (3): the suppressed-HRV
    ///   flag reads the range of each day of its shortest run, and one day more tells where a run
    ///   of that length started;
    /// - [`FlagSettings::cv_lookback_days`] (7) plus the week's reach (6): the CV compared with;
    /// - [`InputSettings::metric_window_days`] (60) less today: where the HRV metric is chosen;
    /// - the sleep need's window (60 nights ending the night before) and the sleep debt's week.
    ///
    /// 63 days by default. Two things reach further back without a bound, and
    /// [`super::readiness_history`] checks them on its result (falling back to the whole
    /// look-back in full when either does): a run of the suppressed-HRV or illness flag that
    /// started before the days whose baselines are known, and whether the baseline was ever
    /// established (a day without a week is unscorable after an established baseline, calibrating
    /// before).
    pub fn detail_history_days(&self) -> usize {
        let hrv = &self.baseline.hrv;
        let sleep = &self.baseline.sleep;
        (self.hrv_baseline_reach() + self.flags.suppressed_days)
            .max(self.flags.cv_lookback_days + hrv.week.reach())
            .max(self.inputs.metric_window_days.saturating_sub(1))
            .max(sleep.personal_need.reach())
            .max(sleep.debt.reach())
    }

    /// Days before a day whose HRV its baseline reads: the longest reach of the week, the normal
    /// range and Kiviniemi's reference ([`super::baseline::Window`]), and the two days before it
    /// of the "falling two days" rule (Kiviniemi et al. 2007).
    pub(crate) fn hrv_baseline_reach(&self) -> usize {
        let hrv = &self.baseline.hrv;
        [hrv.week, hrv.normal_range, hrv.reference]
            .iter()
            .map(|w| w.reach())
            .fold(2, usize::max)
    }
}

/// Which HRV metric and which load a member is scored on ([`super::inputs`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputSettings {
    /// The recent window, days ending today, in which the HRV metric with data is looked for.
    /// Default 60: the window of the normal range (HRV4Training), so the metric chosen is the one
    /// the normal range can be built from.
    pub metric_window_days: usize,
    /// RMSSD is chosen when it has at least this many valid nights in the recent window (RMSSD
    /// comes first: it is the vagal index the sources use, Plews et al. 2012). Default 14, the
    /// normal range's minimum ([`super::baseline::HrvBaselineSettings::normal_range`]): with fewer,
    /// an Apple Watch member's occasional beat-to-beat night would keep them calibrating for ever.
    pub rmssd_min_nights: usize,
    /// Session-RPE is the member's load when at least this share of the training days (days with a
    /// workout or a rated session) carry a rating. Default 0.5: product choice, a member who rates
    /// most sessions; below it the unrated days would read as rest days.
    pub session_rpe_min_share: f64,
}

impl Default for InputSettings {
    fn default() -> Self {
        Self {
            metric_window_days: 60,
            rmssd_min_nights: 14,
            session_rpe_min_share: 0.5,
        }
    }
}

impl InputSettings {
    fn validate(&self) -> Result<(), ReadinessError> {
        if self.metric_window_days == 0 {
            return invalid("inputs.metric_window_days", "must be at least 1 day");
        }
        fraction("inputs.session_rpe_min_share", self.session_rpe_min_share)
    }
}

/// How the score is put together: a base and the points of each component, then the colour bands.
///
/// score = base + sum of the components' points, clamped to 0-100 and rounded. Points are linear in
/// the component's deviation from its baseline and bounded, so that no single input decides the
/// colour alone (except the HRV week, the primary signal: Plews et al. 2012-2014, HRV4Training).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreSettings {
    /// The score of a day on which every component sits on its baseline. Default 75: product
    /// choice, a typical day is green (WHOOP: most days of a healthy member are green or yellow),
    /// and with [`Self::hrv_week_points_per_sd`] a week on the lower bound of the normal range
    /// scores 75 - 16 x 0.5 = 67, exactly the edge of green.
    pub base: f64,
    /// Points per SD of the normal range by which the week's lnHRV mean sits above or below the
    /// range's mean. Default 16: product choice, so that the range's lower bound (0.5 SD, the
    /// smallest worthwhile change, Plews et al. 2012) is the edge of green (8 points below the
    /// base).
    pub hrv_week_points_per_sd: f64,
    /// Further points per SD by which the week sits below the lower bound of the normal range.
    /// Default 20: product choice, the steeper slope of a week outside the member's normal values
    /// (HRV4Training: below the normal range is the signal to act on); a week 1.5 SD below the
    /// range's mean scores 75 - 24 - 20 = 31, red.
    pub hrv_week_below_extra_per_sd: f64,
    /// Most points the week can add. Default 10: product choice (HRV above normal is not always
    /// good news: parasympathetic saturation, Plews et al. 2012).
    pub hrv_week_max_bonus: f64,
    /// Most points the week can take. Default 60: product choice, a week far below the range is
    /// red on its own.
    pub hrv_week_max_penalty: f64,
    /// Points per SD of Kiviniemi's 10-day reference by which today's lnHRV sits above or below
    /// its mean: today's night as a modifier of the week (the night is already one seventh of the
    /// week). Default 1.5: product choice; a night 2 SD low with everything else on baseline
    /// costs 3 here and 4.6 through the week, and the day stays green.
    pub hrv_today_points_per_sd: f64,
    /// Most points today's night can add or take. Default 3: product choice.
    pub hrv_today_max_points: f64,
    /// Points taken per bpm of resting HR above its baseline (given per bpm below it up to
    /// [`Self::rhr_max_bonus`]). Default 2: product choice; Oura's +3-5 bpm flag costs 6-10.
    pub rhr_points_per_bpm: f64,
    /// Most points resting HR can take. Default 12: product choice (+6 bpm or more).
    pub rhr_max_penalty: f64,
    /// Most points a resting HR below its baseline can add. Default 4: product choice.
    pub rhr_max_bonus: f64,
    /// Score at or above which the day is green and the call is `push`. Default 67: WHOOP's
    /// recovery bands (green 67-100, yellow 34-66, red 0-33).
    pub push_from: u8,
    /// Score at or below which the day is red and the call is `recover`. Default 33: WHOOP.
    pub recover_to: u8,
}

impl Default for ScoreSettings {
    fn default() -> Self {
        Self {
            base: 75.0,
            hrv_week_points_per_sd: 16.0,
            hrv_week_below_extra_per_sd: 20.0,
            hrv_week_max_bonus: 10.0,
            hrv_week_max_penalty: 60.0,
            hrv_today_points_per_sd: 1.5,
            hrv_today_max_points: 3.0,
            rhr_points_per_bpm: 2.0,
            rhr_max_penalty: 12.0,
            rhr_max_bonus: 4.0,
            push_from: 67,
            recover_to: 33,
        }
    }
}

impl ScoreSettings {
    fn validate(&self) -> Result<(), ReadinessError> {
        if !(self.base.is_finite() && (0.0..=100.0).contains(&self.base)) {
            return invalid("score.base", "must be a number from 0 to 100");
        }
        for (name, v) in [
            ("score.hrv_week_points_per_sd", self.hrv_week_points_per_sd),
            (
                "score.hrv_week_below_extra_per_sd",
                self.hrv_week_below_extra_per_sd,
            ),
            ("score.hrv_week_max_bonus", self.hrv_week_max_bonus),
            ("score.hrv_week_max_penalty", self.hrv_week_max_penalty),
            (
                "score.hrv_today_points_per_sd",
                self.hrv_today_points_per_sd,
            ),
            ("score.hrv_today_max_points", self.hrv_today_max_points),
            ("score.rhr_points_per_bpm", self.rhr_points_per_bpm),
            ("score.rhr_max_penalty", self.rhr_max_penalty),
            ("score.rhr_max_bonus", self.rhr_max_bonus),
        ] {
            non_negative(name, v)?;
        }
        if self.push_from > 100 || self.recover_to >= self.push_from {
            return invalid(
                "score.push_from",
                "must be at most 100 and above score.recover_to",
            );
        }
        Ok(())
    }
}

/// Thresholds of the decision rules, and the points of sleep, check-in, labs and load.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleSettings {
    /// Sleep at or above this share of the need costs nothing. Default 0.9: product choice (half
    /// an hour short of 8 h is within a night's ordinary variation).
    pub sleep_ok_ratio: f64,
    /// Points per whole need short (0.25 of the need short costs 12.5). Default 50: product choice.
    pub sleep_short_points: f64,
    /// Most points a short night can take. Default 12: product choice.
    pub sleep_short_max_penalty: f64,
    /// Below this share of the need the night is "short" and the call is at most `maintain`.
    /// Default 0.75 (6 h of 8): below the 7 h minimum of the AASM/SRS consensus (Watson et al.
    /// 2015), where next-day performance and injury risk measurably suffer (Milewski et al. 2014).
    pub sleep_short_ratio: f64,
    /// Sleep efficiency (asleep / in bed) below which the night is "broken". Default 0.85: the
    /// usual clinical threshold of normal sleep efficiency (Ohayon et al. 2017, NSF sleep quality
    /// recommendations: 85 % or more indicates good sleep quality).
    pub sleep_efficiency_min: f64,
    /// Points a broken night costs. Default 4: product choice.
    pub sleep_broken_points: f64,
    /// Sleep debt of the week (seconds) that costs nothing. Default 2 h: product choice (a little
    /// under 20 min a night).
    pub sleep_debt_free_s: f64,
    /// Points per hour of debt beyond [`Self::sleep_debt_free_s`]. Default 1: product choice.
    pub sleep_debt_points_per_h: f64,
    /// Most points the week's debt can take. Default 5: product choice.
    pub sleep_debt_max_penalty: f64,
    /// Check-in wellness (0-1, [`crate::health::Questionnaire::wellness`]) below which points are
    /// taken. Default 0.5: every McLean item at 3 or every Hooper item at 4, the middle of the
    /// scales (McLean et al. 2010; Hooper & Mackinnon 1995).
    pub check_in_neutral: f64,
    /// Points per unit of wellness below [`Self::check_in_neutral`] (wellness 0 costs 15).
    /// Default 30: product choice.
    pub check_in_points: f64,
    /// Wellness below which the check-in is "bad": the call is at most `maintain`, and a run of
    /// such days is a flag. Default 0.4: product choice, on average below the middle of the scale
    /// (a McLean total of 12 or less of 25, a Hooper index of 19 or more of 28).
    pub check_in_bad_below: f64,
    /// hs-CRP above which inflammation is high, mg/L. Default 3: the AHA/CDC high band (Pearson et
    /// al. 2003, Circulation 107:499; domain brief section 5).
    pub crp_high_mg_l: f64,
    /// Points a high hs-CRP costs. Default 8: product choice.
    pub crp_high_points: f64,
    /// Points a rising hs-CRP (the latest draw above the one before) costs on top. Default 4:
    /// product choice.
    pub crp_rising_points: f64,
    /// Creatine kinase above which muscle damage is high, U/L, men. Default 1083: the upper
    /// reference limit in athletes of Mougios 2007 (Br J Sports Med 41:674).
    pub ck_high_u_l_male: f64,
    /// Same for women. Default 513: Mougios 2007.
    pub ck_high_u_l_female: f64,
    /// Points a high CK costs. Default 6: product choice.
    pub ck_high_points: f64,
    /// A lab draw counts for the readiness of the days up to this many days after it. Default 7:
    /// hs-CRP's plasma half-life is about 19 h (Pepys & Hirschfield 2003) and CK peaks 1-4 days
    /// after exercise, so an older draw says little about today.
    pub lab_recent_days: i64,
    /// The earlier draw a rising trend is judged against must lie within this many days of the
    /// latest. Default 90: product choice, a clinic draws blood every one to three months.
    pub lab_trend_days: i64,
    /// Acute:chronic ratio above which the load costs points (and is flagged). Default 1.5: the
    /// "danger zone" of Gabbett 2016 (Br J Sports Med 50:273); domain brief section 4.
    pub acwr_high: f64,
    /// Points a high ratio costs. Default 5: product choice.
    pub acwr_high_points: f64,
    /// TSB below which the form is very negative, on the TrainingPeaks TSS scale (about 100 per hour
    /// at threshold). Default -30: the "high risk" zone of the TrainingPeaks Performance Manager
    /// (Coggan); domain brief section 4. Banister TRIMP is on about that scale; for session-RPE it
    /// is multiplied by [`Self::session_rpe_per_tss`].
    pub tsb_low: f64,
    /// How many session-RPE units make one TSS-like unit. Default 4.2: product choice, an hour at
    /// RPE 7 (Foster: 420 AU) against the 100 TSS of an hour at threshold.
    pub session_rpe_per_tss: f64,
    /// Points a very negative TSB costs. Default 3: product choice.
    pub tsb_low_points: f64,
    /// Points HRV falling two days running costs: the trend "leans to recover" (domain brief
    /// section 4; Kiviniemi et al. 2007) by moving the score towards red, and the call is at most
    /// `maintain`. Default 8: product choice, a quarter of the yellow band, so that a falling trend
    /// turns a low yellow day red but not a green day red (a fall of two nights is common in a
    /// stable member: about one day in six by chance).
    pub falling_two_days_points: f64,
}

impl Default for RuleSettings {
    fn default() -> Self {
        Self {
            sleep_ok_ratio: 0.9,
            sleep_short_points: 50.0,
            sleep_short_max_penalty: 12.0,
            sleep_short_ratio: 0.75,
            sleep_efficiency_min: 0.85,
            sleep_broken_points: 4.0,
            sleep_debt_free_s: 2.0 * 3600.0,
            sleep_debt_points_per_h: 1.0,
            sleep_debt_max_penalty: 5.0,
            check_in_neutral: 0.5,
            check_in_points: 30.0,
            check_in_bad_below: 0.4,
            crp_high_mg_l: 3.0,
            crp_high_points: 8.0,
            crp_rising_points: 4.0,
            ck_high_u_l_male: 1083.0,
            ck_high_u_l_female: 513.0,
            ck_high_points: 6.0,
            lab_recent_days: 7,
            lab_trend_days: 90,
            acwr_high: 1.5,
            acwr_high_points: 5.0,
            tsb_low: -30.0,
            session_rpe_per_tss: 4.2,
            tsb_low_points: 3.0,
            falling_two_days_points: 8.0,
        }
    }
}

impl RuleSettings {
    fn validate(&self) -> Result<(), ReadinessError> {
        for (name, v) in [
            ("rules.sleep_ok_ratio", self.sleep_ok_ratio),
            ("rules.sleep_short_ratio", self.sleep_short_ratio),
            ("rules.sleep_efficiency_min", self.sleep_efficiency_min),
            ("rules.check_in_neutral", self.check_in_neutral),
            ("rules.check_in_bad_below", self.check_in_bad_below),
        ] {
            fraction(name, v)?;
        }
        for (name, v) in [
            ("rules.sleep_short_points", self.sleep_short_points),
            (
                "rules.sleep_short_max_penalty",
                self.sleep_short_max_penalty,
            ),
            ("rules.sleep_broken_points", self.sleep_broken_points),
            ("rules.sleep_debt_free_s", self.sleep_debt_free_s),
            (
                "rules.sleep_debt_points_per_h",
                self.sleep_debt_points_per_h,
            ),
            ("rules.sleep_debt_max_penalty", self.sleep_debt_max_penalty),
            ("rules.check_in_points", self.check_in_points),
            ("rules.crp_high_mg_l", self.crp_high_mg_l),
            ("rules.crp_high_points", self.crp_high_points),
            ("rules.crp_rising_points", self.crp_rising_points),
            ("rules.ck_high_u_l_male", self.ck_high_u_l_male),
            ("rules.ck_high_u_l_female", self.ck_high_u_l_female),
            ("rules.ck_high_points", self.ck_high_points),
            ("rules.acwr_high", self.acwr_high),
            ("rules.acwr_high_points", self.acwr_high_points),
            ("rules.tsb_low_points", self.tsb_low_points),
            (
                "rules.falling_two_days_points",
                self.falling_two_days_points,
            ),
        ] {
            non_negative(name, v)?;
        }
        if !self.tsb_low.is_finite() {
            return invalid("rules.tsb_low", "must be a finite number");
        }
        if !(self.session_rpe_per_tss.is_finite() && self.session_rpe_per_tss > 0.0) {
            return invalid(
                "rules.session_rpe_per_tss",
                "must be a finite number above zero",
            );
        }
        if self.lab_recent_days < 0 || self.lab_trend_days < 0 {
            return invalid(
                "rules.lab_recent_days",
                "lab windows must be zero or more days",
            );
        }
        Ok(())
    }
}

/// Thresholds of the overreaching and illness flags ([`super::flags`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlagSettings {
    /// The week's lnHRV mean below the normal range for at least this many days running, with the
    /// week's CV lower than [`Self::cv_lookback_days`] earlier, is "suppressed HRV with falling
    /// CV". Default 3: product choice ("several days"); the pattern is Plews et al. 2012 (Eur J
    /// Appl Physiol 112:3729: the non-functionally overreached athlete's 7-day lnRMSSD mean and its
    /// CV both fell).
    pub suppressed_days: usize,
    /// How many days back the CV is compared with. Default 7: a week, Plews et al. 2012.
    pub cv_lookback_days: usize,
    /// Resting HR elevated ([`super::baseline::RestingHrSettings::elevated_bpm`]) on this many days
    /// with a reading in a row is flagged. Default 3: product choice, more than one warm night.
    pub rhr_elevated_days: usize,
    /// Illness is suspected when today's lnHRV crashes below Kiviniemi's reference
    /// ([`Self::illness_hrv_sd`]) and resting HR is at least this many bpm above its baseline.
    /// Default 5: the upper end of Oura's +3-5 bpm.
    pub illness_rhr_bpm: f64,
    /// The crash: today's lnHRV more than this many SDs of the reference under its mean. Default
    /// 2.0: product choice, twice Kiviniemi's 1 SD, so that the gradual fall of overreaching is
    /// not taken for an illness (an acute infection drops HRV in a day).
    pub illness_hrv_sd: f64,
    /// Check-ins bad ([`RuleSettings::check_in_bad_below`]) for more than this many days, with no
    /// good check-in in between, are flagged. Default 7: domain brief section 4 ("wellness items
    /// bad for more than 7 days").
    pub wellness_bad_days: i64,
}

impl Default for FlagSettings {
    fn default() -> Self {
        Self {
            suppressed_days: 3,
            cv_lookback_days: 7,
            rhr_elevated_days: 3,
            illness_rhr_bpm: 5.0,
            illness_hrv_sd: 2.0,
            wellness_bad_days: 7,
        }
    }
}

impl FlagSettings {
    fn validate(&self) -> Result<(), ReadinessError> {
        if self.suppressed_days == 0 || self.cv_lookback_days == 0 || self.rhr_elevated_days == 0 {
            return invalid("flags.suppressed_days", "day counts must be at least 1");
        }
        non_negative("flags.illness_rhr_bpm", self.illness_rhr_bpm)?;
        non_negative("flags.illness_hrv_sd", self.illness_hrv_sd)?;
        if self.wellness_bad_days < 0 {
            return invalid("flags.wellness_bad_days", "must be zero or more days");
        }
        Ok(())
    }
}

fn invalid(name: &'static str, reason: &'static str) -> Result<(), ReadinessError> {
    Err(ReadinessError::InvalidSetting { name, reason })
}

fn non_negative(name: &'static str, v: f64) -> Result<(), ReadinessError> {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        invalid(name, "must be a finite number, zero or more")
    }
}

fn fraction(name: &'static str, v: f64) -> Result<(), ReadinessError> {
    if v.is_finite() && (0.0..=1.0).contains(&v) {
        Ok(())
    } else {
        invalid(name, "must be a number from 0 to 1")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        ReadinessSettings::default().validate().unwrap();
    }

    #[test]
    fn bad_settings_are_named() {
        let mut s = ReadinessSettings::default();
        s.score.recover_to = 70;
        assert_eq!(
            s.validate(),
            Err(ReadinessError::InvalidSetting {
                name: "score.push_from",
                reason: "must be at most 100 and above score.recover_to",
            })
        );
        let mut s = ReadinessSettings::default();
        s.rules.sleep_ok_ratio = f64::NAN;
        assert!(s.validate().is_err());
        let mut s = ReadinessSettings::default();
        s.baseline.hrv.normal_range_sd = -1.0;
        assert!(matches!(s.validate(), Err(ReadinessError::Baseline(_))));
    }
}
