//! Settings of the baselines. Every window, minimum count and multiplier is a field here, its default
//! and source documented beside it; "product choice" marks a default that no source fixes.

use serde::Serialize;

use super::{BaselineError, Window, WindowEnd};

/// All baseline settings. [`BaselineSettings::default`] is the documented configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct BaselineSettings {
    /// HRV baseline (lnHRV).
    pub hrv: HrvBaselineSettings,
    /// Resting heart rate baseline.
    pub resting_hr: RestingHrSettings,
    /// Sleep against need, and regularity.
    pub sleep: SleepSettings,
}

impl BaselineSettings {
    /// Checks every setting; the baseline functions check the part they use themselves.
    pub fn validate(&self) -> Result<(), BaselineError> {
        self.hrv.validate()?;
        self.resting_hr.validate()?;
        self.sleep.validate()
    }
}

/// Settings of the lnHRV baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HrvBaselineSettings {
    /// The week: rolling mean and CV of lnHRV. Default 7 days ending today, at least 3 valid:
    /// Plews et al. 2012 and 2013 (7-day rolling mean of lnRMSSD, its CV), Plews et al. 2014
    /// ("Monitoring training with HRV: how much compliance is needed", IJSPP 9:783) for the 3
    /// valid days a week.
    pub week: Window,
    /// The normal range's window. Default 60 days ending yesterday: HRV4Training builds the normal
    /// values "based on your past 60 days of data" (Altini, "The importance of normal values",
    /// 2022). At least 14 valid days: product choice, in line with Oura's 2-week warm-up (Garmin
    /// asks for 3 weeks).
    pub normal_range: Window,
    /// Half-width of the normal range in standard deviations of daily lnHRV. Default 0.5:
    /// HRV4Training, the smallest worthwhile change (Plews et al. 2012; Buchheit 2014).
    pub normal_range_sd: f64,
    /// Kiviniemi's reference: mean and SD of daily lnHRV. Default 10 days ending yesterday
    /// (Kiviniemi et al. 2007, Eur J Appl Physiol 101:743), at least 5 valid: product choice,
    /// half the window, in the spirit of Plews' 3 days of 7.
    pub reference: Window,
    /// A day is "below the reference" when its lnHRV is under the reference mean minus this many
    /// SDs. Default 1.0: Kiviniemi et al. 2007.
    pub reference_sd: f64,
}

impl Default for HrvBaselineSettings {
    fn default() -> Self {
        Self {
            week: Window {
                days: 7,
                min_valid: 3,
                end: WindowEnd::Today,
            },
            normal_range: Window {
                days: 60,
                min_valid: 14,
                end: WindowEnd::Yesterday,
            },
            normal_range_sd: 0.5,
            reference: Window {
                days: 10,
                min_valid: 5,
                end: WindowEnd::Yesterday,
            },
            reference_sd: 1.0,
        }
    }
}

impl HrvBaselineSettings {
    /// Checks the settings.
    pub fn validate(&self) -> Result<(), BaselineError> {
        self.week.validate("hrv.week", 2)?;
        self.normal_range.validate("hrv.normal_range", 2)?;
        self.reference.validate("hrv.reference", 2)?;
        non_negative("hrv.normal_range_sd", self.normal_range_sd)?;
        non_negative("hrv.reference_sd", self.reference_sd)
    }
}

/// Settings of the resting heart rate baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RestingHrSettings {
    /// The baseline window. Default 30 days ending yesterday, at least 14 valid: product choice
    /// (a month is long enough that one week of illness or hard training does not become the
    /// baseline; 14 days as for the HRV normal range, Oura's 2-week warm-up).
    pub baseline: Window,
    /// Rise above the baseline mean, in bpm, from which resting HR counts as elevated. Default 3:
    /// the lower end of the +3-5 bpm Oura flags (domain brief section 4).
    pub elevated_bpm: f64,
}

impl Default for RestingHrSettings {
    fn default() -> Self {
        Self {
            baseline: Window {
                days: 30,
                min_valid: 14,
                end: WindowEnd::Yesterday,
            },
            elevated_bpm: 3.0,
        }
    }
}

impl RestingHrSettings {
    /// Checks the settings.
    pub fn validate(&self) -> Result<(), BaselineError> {
        self.baseline.validate("resting_hr.baseline", 2)?;
        non_negative("resting_hr.elevated_bpm", self.elevated_bpm)
    }
}

/// Settings of sleep against need and of sleep regularity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SleepSettings {
    /// Sleep need in seconds when no personal need can be derived (or derivation is off).
    /// Default 8 h: the middle of the 7-9 h the NSF recommends for adults (Hirshkowitz et al.
    /// 2015) and above the AASM/SRS minimum of 7 h (Watson et al. 2015).
    pub need_s: f64,
    /// Whether a personal need is derived from the member's own nights.
    pub derive_personal_need: bool,
    /// The nights a personal need is derived from: their mean. Default 60 nights ending the night
    /// before, at least 14 valid: product choice, the windows of the HRV normal range.
    pub personal_need: Window,
    /// Shortest personal need accepted, seconds. Default 7 h (Watson et al. 2015; Hirshkowitz et
    /// al. 2015). A habitual mean outside the bounds says more about circumstance (restriction,
    /// illness) than about need, so [`Self::need_s`] is used instead.
    pub personal_need_min_s: f64,
    /// Longest personal need accepted, seconds. Default 9 h (Hirshkowitz et al. 2015).
    pub personal_need_max_s: f64,
    /// The nights the debt is summed over. Default 7 ending last night, at least 3 valid: a week,
    /// as the HRV week (Plews et al. 2014's 3 valid days).
    pub debt: Window,
    /// The nights whose midpoint spread is the regularity figure. Default 7 ending last night, at
    /// least 3 valid: product choice, the week of the other figures.
    pub regularity: Window,
}

impl Default for SleepSettings {
    fn default() -> Self {
        let week = Window {
            days: 7,
            min_valid: 3,
            end: WindowEnd::Today,
        };
        Self {
            need_s: 8.0 * 3600.0,
            derive_personal_need: true,
            personal_need: Window {
                days: 60,
                min_valid: 14,
                end: WindowEnd::Yesterday,
            },
            personal_need_min_s: 7.0 * 3600.0,
            personal_need_max_s: 9.0 * 3600.0,
            debt: week,
            regularity: week,
        }
    }
}

impl SleepSettings {
    /// Checks the settings.
    pub fn validate(&self) -> Result<(), BaselineError> {
        positive("sleep.need_s", self.need_s)?;
        self.personal_need.validate("sleep.personal_need", 1)?;
        positive("sleep.personal_need_min_s", self.personal_need_min_s)?;
        positive("sleep.personal_need_max_s", self.personal_need_max_s)?;
        if self.personal_need_min_s > self.personal_need_max_s {
            return Err(BaselineError::InvalidSetting {
                name: "sleep.personal_need_min_s",
                reason: "must not exceed personal_need_max_s",
            });
        }
        self.debt.validate("sleep.debt", 1)?;
        self.regularity.validate("sleep.regularity", 2)
    }
}

fn non_negative(name: &'static str, value: f64) -> Result<(), BaselineError> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(BaselineError::InvalidSetting {
            name,
            reason: "must be a finite number, zero or more",
        })
    }
}

fn positive(name: &'static str, value: f64) -> Result<(), BaselineError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(BaselineError::InvalidSetting {
            name,
            reason: "must be a finite number above zero",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        BaselineSettings::default().validate().unwrap();
    }

    #[test]
    fn bad_settings_are_named() {
        let mut s = BaselineSettings::default();
        s.hrv.normal_range_sd = f64::NAN;
        assert_eq!(
            s.validate(),
            Err(BaselineError::InvalidSetting {
                name: "hrv.normal_range_sd",
                reason: "must be a finite number, zero or more",
            })
        );
        let mut s = BaselineSettings::default();
        s.sleep.personal_need_min_s = 10.0 * 3600.0;
        assert!(s.validate().is_err());
        let mut s = BaselineSettings::default();
        s.hrv.week.min_valid = 1;
        assert!(s.validate().is_err());
    }
}
