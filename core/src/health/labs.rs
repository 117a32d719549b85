//! Lab results (bloodwork) and the LOINC codes the product knows.
//!
//! The clinic's bloodwork shows whether inflammation is resolving or accumulating and whether
//! hormones are suppressed (domain brief sections 1 and 5). Results are identified by their LOINC
//! code, the code FHIR R4 `Observation.code` carries, so they can come from any lab interface.
//! Lab results are clinic-authored and server-authoritative in sync (data brief).

use serde::{Deserialize, Serialize};

use super::error::non_negative;
use super::plausibility::Plausibility;
use super::source::{Source, not_blank};
use super::time::Timestamp;
use super::{HealthError, Validate};

/// An analyte the product knows by its LOINC code, with the unit it is shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Analyte {
    /// The LOINC code, with its check digit.
    pub code: &'static str,
    /// The analyte's name as the app shows it.
    pub name: &'static str,
    /// The unit the product shows it in (UCUM-style). A lab may report another unit of the same
    /// property (CRP in mg/dL); converting is the importer's job.
    pub unit: &'static str,
}

/// The LOINC codes of domain brief section 5.
pub mod loinc {
    use super::Analyte;

    /// hs-CRP: inflammation; above 3 mg/L is high, a rising trend means it is not resolving.
    pub const HS_CRP: Analyte = Analyte {
        code: "30522-7",
        name: "hs-CRP",
        unit: "mg/L",
    };
    /// Creatine kinase: muscle damage.
    pub const CREATINE_KINASE: Analyte = Analyte {
        code: "2157-6",
        name: "Creatine kinase",
        unit: "U/L",
    };
    /// Testosterone: with cortisol, hormonal suppression.
    pub const TESTOSTERONE: Analyte = Analyte {
        code: "2986-8",
        name: "Testosterone",
        unit: "ng/dL",
    };
    /// Cortisol, morning specimen: stress.
    pub const CORTISOL_AM: Analyte = Analyte {
        code: "9813-7",
        name: "Cortisol (AM)",
        unit: "ug/dL",
    };
    /// Cortisol, evening specimen: stress.
    pub const CORTISOL_PM: Analyte = Analyte {
        code: "9812-9",
        name: "Cortisol (PM)",
        unit: "ug/dL",
    };
    /// Ferritin: iron status.
    pub const FERRITIN: Analyte = Analyte {
        code: "2276-4",
        name: "Ferritin",
        unit: "ng/mL",
    };

    /// Heart rate (for FHIR export of wearable data).
    pub const HEART_RATE: Analyte = Analyte {
        code: "8867-4",
        name: "Heart rate",
        unit: "/min",
    };
    /// Resting heart rate.
    pub const RESTING_HEART_RATE: Analyte = Analyte {
        code: "40443-4",
        name: "Resting heart rate",
        unit: "/min",
    };
    /// HRV as SDNN. RMSSD has no LOINC code and must never be sent under this one (domain brief
    /// section 5): it needs a local code system.
    pub const HRV_SDNN: Analyte = Analyte {
        code: "80404-7",
        name: "HRV (SDNN)",
        unit: "ms",
    };
    /// Sleep duration.
    pub const SLEEP_DURATION: Analyte = Analyte {
        code: "93832-4",
        name: "Sleep duration",
        unit: "h",
    };
    /// Respiratory rate.
    pub const RESPIRATORY_RATE: Analyte = Analyte {
        code: "9279-1",
        name: "Respiratory rate",
        unit: "/min",
    };

    /// The bloodwork analytes of section 5.
    pub const BLOODWORK: [Analyte; 6] = [
        HS_CRP,
        CREATINE_KINASE,
        TESTOSTERONE,
        CORTISOL_AM,
        CORTISOL_PM,
        FERRITIN,
    ];

    /// The wearable observation codes of section 5.
    pub const WEARABLE: [Analyte; 5] = [
        HEART_RATE,
        RESTING_HEART_RATE,
        HRV_SDNN,
        SLEEP_DURATION,
        RESPIRATORY_RATE,
    ];
}

impl Analyte {
    /// The known bloodwork analyte with this code, if any.
    pub fn bloodwork(code: &str) -> Option<Self> {
        loinc::BLOODWORK.into_iter().find(|a| a.code == code)
    }
}

/// Whether `code` is a well-formed LOINC code: 1-7 digits, a hyphen and the check digit computed
/// by LOINC's Mod 10 algorithm (LOINC Users' Guide, "Calculating Mod 10 check digits"): take the
/// digits in odd positions counted from the right as one number and double it, write the digits in
/// even positions in front of the result, add all the digits, and the check digit is what brings
/// the sum to the next multiple of ten.
pub fn is_loinc_code(code: &str) -> bool {
    let Some((body, check)) = code.split_once('-') else {
        return false;
    };
    if body.is_empty()
        || body.len() > 7
        || check.len() != 1
        || !body.bytes().all(|b| b.is_ascii_digit())
        || !check.bytes().all(|b| b.is_ascii_digit())
    {
        return false;
    }
    let digits: Vec<u64> = body.bytes().map(|b| u64::from(b - b'0')).collect();
    // Positions counted from the right, starting at 1: odd ones form the number to double.
    let mut odd = 0_u64;
    let mut even_digit_sum = 0_u64;
    for (from_right, &d) in digits.iter().rev().enumerate().rev() {
        if from_right % 2 == 0 {
            odd = odd * 10 + d;
        } else {
            even_digit_sum += d;
        }
    }
    let mut doubled = odd * 2;
    let mut sum = even_digit_sum;
    while doubled > 0 {
        sum += doubled % 10;
        doubled /= 10;
    }
    let expected = (10 - sum % 10) % 10;
    check.bytes().next().map(|b| u64::from(b - b'0')) == Some(expected)
}

/// Where a result lies against its reference range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RangeFlag {
    /// Below the lower limit.
    Low,
    /// Within the limits given (limits included).
    Normal,
    /// Above the upper limit.
    High,
}

/// One lab result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabResult {
    /// LOINC code of the observation (see [`loinc`]).
    pub loinc: String,
    /// The value, in `unit`.
    pub value: f64,
    /// The unit as the lab reported it.
    pub unit: String,
    /// Lower limit of the lab's reference range, in `unit`.
    pub reference_low: Option<f64>,
    /// Upper limit of the lab's reference range, in `unit`.
    pub reference_high: Option<f64>,
    /// When the specimen was collected.
    pub collected_at: Timestamp,
    /// The lab or clinic system that reported it.
    pub source: Source,
}

impl LabResult {
    /// The result against its reference range; `None` when the lab gave no limit.
    pub fn flag(&self) -> Option<RangeFlag> {
        if self.reference_low.is_none() && self.reference_high.is_none() {
            return None;
        }
        if self.reference_low.is_some_and(|low| self.value < low) {
            Some(RangeFlag::Low)
        } else if self.reference_high.is_some_and(|high| self.value > high) {
            Some(RangeFlag::High)
        } else {
            Some(RangeFlag::Normal)
        }
    }
}

impl Validate for LabResult {
    /// The code must be a well-formed LOINC code; values and limits finite; the section-5
    /// analytes (concentrations and enzyme activities) non-negative (other LOINC observations, such
    /// as a base excess, can be negative); the low limit not above the high one.
    fn validate_with(&self, _bounds: &Plausibility) -> Result<(), HealthError> {
        if !is_loinc_code(&self.loinc) {
            return Err(HealthError::Malformed { field: "loinc" });
        }
        not_blank("unit", &self.unit)?;
        let known = Analyte::bloodwork(&self.loinc).is_some();
        for (field, value) in [
            ("value", Some(self.value)),
            ("reference_low", self.reference_low),
            ("reference_high", self.reference_high),
        ] {
            match value {
                Some(v) if known => non_negative(field, v)?,
                Some(v) if !v.is_finite() => return Err(HealthError::NonFinite { field }),
                _ => {}
            }
        }
        if let (Some(low), Some(high)) = (self.reference_low, self.reference_high)
            && low > high
        {
            return Err(HealthError::Inconsistent {
                field: "reference_low",
                other: "reference_high",
            });
        }
        self.source.validate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::time::tests::ts;

    fn crp(value: f64) -> LabResult {
        LabResult {
            loinc: loinc::HS_CRP.code.to_owned(),
            value,
            unit: "mg/L".to_owned(),
            reference_low: Some(0.0),
            reference_high: Some(3.0),
            collected_at: ts(0),
            source: Source::named("Clinic lab"),
        }
    }

    #[test]
    fn every_listed_code_has_a_valid_check_digit() {
        for analyte in loinc::BLOODWORK.iter().chain(loinc::WEARABLE.iter()) {
            assert!(is_loinc_code(analyte.code), "{}", analyte.code);
        }
    }

    #[test]
    fn malformed_codes_are_refused() {
        for bad in [
            "",
            "30522",
            "30522-8",
            "30522-",
            "-7",
            "3052a-7",
            "30522-77",
            "12345678-9",
            "LP1234-5",
            " 30522-7",
        ] {
            assert!(!is_loinc_code(bad), "{bad}");
        }
        // LOINC's own worked example: 12345 has check digit 5.
        assert!(is_loinc_code("12345-5"));
    }

    #[test]
    fn bloodwork_lookup() {
        assert_eq!(Analyte::bloodwork("2276-4"), Some(loinc::FERRITIN));
        assert_eq!(Analyte::bloodwork("8867-4"), None);
    }

    #[test]
    fn flags_against_the_reference_range() {
        assert_eq!(crp(1.0).flag(), Some(RangeFlag::Normal));
        assert_eq!(crp(3.0).flag(), Some(RangeFlag::Normal));
        assert_eq!(crp(4.2).flag(), Some(RangeFlag::High));
        let mut ferritin = crp(10.0);
        ferritin.reference_low = Some(30.0);
        ferritin.reference_high = None;
        assert_eq!(ferritin.flag(), Some(RangeFlag::Low));
        ferritin.reference_low = None;
        assert_eq!(ferritin.flag(), None);
    }

    #[test]
    fn validation_rules() {
        assert_eq!(crp(1.0).validate(), Ok(()));
        let mut r = crp(1.0);
        r.loinc = "30522-8".to_owned();
        assert_eq!(r.validate(), Err(HealthError::Malformed { field: "loinc" }));
        assert_eq!(
            crp(-0.5).validate(),
            Err(HealthError::Negative { field: "value" })
        );
        assert_eq!(
            crp(f64::NAN).validate(),
            Err(HealthError::NonFinite { field: "value" })
        );
        let mut r = crp(1.0);
        r.reference_high = Some(f64::INFINITY);
        assert_eq!(
            r.validate(),
            Err(HealthError::NonFinite {
                field: "reference_high"
            })
        );
        let mut r = crp(1.0);
        r.reference_low = Some(5.0);
        assert_eq!(
            r.validate(),
            Err(HealthError::Inconsistent {
                field: "reference_low",
                other: "reference_high"
            })
        );
        let mut r = crp(1.0);
        r.unit = " ".to_owned();
        assert_eq!(r.validate(), Err(HealthError::Empty { field: "unit" }));
        // An observation outside section 5 may be negative (base excess, LOINC 1925-7) but not NaN.
        let mut r = crp(-2.0);
        r.loinc = "1925-7".to_owned();
        r.reference_low = Some(-2.0);
        r.reference_high = Some(3.0);
        assert_eq!(r.validate(), Ok(()));
        r.value = f64::NAN;
        assert!(r.validate().is_err());
    }

    #[test]
    fn serde_round_trip() {
        let r = crp(1.2);
        let json = serde_json::to_string(&r).expect("serialises");
        let back: LabResult = serde_json::from_str(&json).expect("reads");
        assert_eq!(back, r);
    }
}
