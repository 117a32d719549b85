//! Subjective wellness check-ins: the member's own rating of how recovered they feel.
//!
//! Two published questionnaires are supported, one per clinic's choice:
//! - McLean et al. 2010 (Int J Sports Physiol Perform 5(3):367-383): five items, fatigue, sleep
//!   quality, general muscle soreness, stress and mood, each rated 1-5 where 5 is the best state.
//! - Hooper & Mackinnon 1995 (Sports Med 20(5):321-327; Hooper et al. 1995, Med Sci Sports Exerc
//!   27(1):106-112): four items, sleep quality, stress, fatigue and muscle soreness, each rated 1-7
//!   where 1 is the best state ("very, very good"); their sum is the Hooper index.
//!
//! The item ranges are the questionnaires' definitions, not product choices, so they are constants
//! here rather than [`Plausibility`] bounds.

use serde::{Deserialize, Serialize};

use super::plausibility::Plausibility;
use super::source::Source;
use super::time::Timestamp;
use super::{HealthError, Validate};

/// Lowest and highest McLean item rating (McLean et al. 2010); 5 is best.
pub const MCLEAN_ITEM: (u8, u8) = (1, 5);
/// Lowest and highest Hooper item rating (Hooper & Mackinnon 1995); 1 is best.
pub const HOOPER_ITEM: (u8, u8) = (1, 7);

/// The McLean 2010 wellness items, 1-5 each, 5 best.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct McLeanItems {
    /// Fatigue (5: very fresh).
    pub fatigue: u8,
    /// Sleep quality (5: very restful).
    pub sleep_quality: u8,
    /// General muscle soreness (5: feeling great).
    pub soreness: u8,
    /// Stress (5: very relaxed).
    pub stress: u8,
    /// Mood (5: very positive).
    pub mood: u8,
}

/// The Hooper items, 1-7 each, 1 best.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct HooperItems {
    /// Sleep quality (1: very, very good).
    pub sleep: u8,
    /// Stress (1: very, very low).
    pub stress: u8,
    /// Fatigue (1: very, very low).
    pub fatigue: u8,
    /// Muscle soreness (1: very, very low).
    pub soreness: u8,
}

/// Which questionnaire a clinic asks its members (the check-in screen shows its items).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionnaireKind {
    /// McLean et al. 2010, five items 1-5. The default: a product choice, as its five-point
    /// items are the quicker to answer on a phone each morning.
    #[default]
    McLean,
    /// Hooper & Mackinnon 1995, four items 1-7.
    Hooper,
}

/// The answers to one questionnaire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "questionnaire", rename_all = "snake_case")]
pub enum Questionnaire {
    /// McLean et al. 2010.
    McLean(McLeanItems),
    /// Hooper & Mackinnon 1995.
    Hooper(HooperItems),
}

impl Questionnaire {
    /// Which questionnaire these are the answers to.
    pub fn kind(&self) -> QuestionnaireKind {
        match self {
            Self::McLean(_) => QuestionnaireKind::McLean,
            Self::Hooper(_) => QuestionnaireKind::Hooper,
        }
    }

    /// Checks every item against its questionnaire's scale.
    pub fn validate(&self) -> Result<(), HealthError> {
        match self {
            Self::McLean(m) => {
                for (field, value) in [
                    ("fatigue", m.fatigue),
                    ("sleep_quality", m.sleep_quality),
                    ("soreness", m.soreness),
                    ("stress", m.stress),
                    ("mood", m.mood),
                ] {
                    item(field, value, MCLEAN_ITEM)?;
                }
            }
            Self::Hooper(h) => {
                for (field, value) in [
                    ("sleep", h.sleep),
                    ("stress", h.stress),
                    ("fatigue", h.fatigue),
                    ("soreness", h.soreness),
                ] {
                    item(field, value, HOOPER_ITEM)?;
                }
            }
        }
        Ok(())
    }

    /// The questionnaire's own total: the McLean sum (5-25, higher better) or the Hooper index
    /// (4-28, lower better), both the plain sum of the items as the papers define them.
    pub fn total(&self) -> u16 {
        // Summed in u16 so that unvalidated answers (up to 255 each) cannot overflow.
        let items: &[u8] = match self {
            Self::McLean(m) => &[m.fatigue, m.sleep_quality, m.soreness, m.stress, m.mood],
            Self::Hooper(h) => &[h.sleep, h.stress, h.fatigue, h.soreness],
        };
        items.iter().map(|&i| u16::from(i)).sum()
    }

    /// Wellness on one scale for both questionnaires: 0 is the worst possible answer on every item,
    /// 1 the best, linear in the total.
    ///
    /// McLean: (total - 5) / 20. Hooper: (28 - total) / 24, turned round because 1 is best there.
    /// Both papers weigh the items equally in a plain sum; the linear rescaling to 0-1 is a product
    /// choice that lets readiness combine a member's days across a change of questionnaire without
    /// claiming the two scales are equivalent item by item. Only meaningful on validated answers
    /// (out-of-range items are clamped into 0-1 so the function is total).
    pub fn wellness(&self) -> f64 {
        let total = f64::from(self.total());
        let score = match self {
            Self::McLean(_) => (total - 5.0) / 20.0,
            Self::Hooper(_) => (28.0 - total) / 24.0,
        };
        score.clamp(0.0, 1.0)
    }
}

fn item(field: &'static str, value: u8, (min, max): (u8, u8)) -> Result<(), HealthError> {
    if !(min..=max).contains(&value) {
        return Err(HealthError::OutOfRange {
            field,
            min: f64::from(min),
            max: f64::from(max),
        });
    }
    Ok(())
}

/// One check-in by the member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckIn {
    /// When the member answered.
    pub at: Timestamp,
    /// The answers.
    pub answers: Questionnaire,
    /// The app that recorded it.
    pub source: Source,
}

impl CheckIn {
    /// Builds a check-in and validates it.
    pub fn new(at: Timestamp, answers: Questionnaire, source: Source) -> Result<Self, HealthError> {
        let check_in = Self {
            at,
            answers,
            source,
        };
        check_in.validate()?;
        Ok(check_in)
    }

    /// Wellness 0-1, 1 best ([`Questionnaire::wellness`]).
    pub fn wellness(&self) -> f64 {
        self.answers.wellness()
    }
}

impl Validate for CheckIn {
    fn validate_with(&self, _bounds: &Plausibility) -> Result<(), HealthError> {
        self.answers.validate()?;
        self.source.validate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::time::tests::ts;

    fn mclean(all: u8) -> Questionnaire {
        Questionnaire::McLean(McLeanItems {
            fatigue: all,
            sleep_quality: all,
            soreness: all,
            stress: all,
            mood: all,
        })
    }

    fn hooper(all: u8) -> Questionnaire {
        Questionnaire::Hooper(HooperItems {
            sleep: all,
            stress: all,
            fatigue: all,
            soreness: all,
        })
    }

    #[test]
    fn mclean_items_are_1_to_5() {
        assert_eq!(mclean(1).validate(), Ok(()));
        assert_eq!(mclean(5).validate(), Ok(()));
        assert!(mclean(0).validate().is_err());
        assert!(mclean(6).validate().is_err());
        let one_bad = Questionnaire::McLean(McLeanItems {
            fatigue: 3,
            sleep_quality: 3,
            soreness: 3,
            stress: 3,
            mood: 6,
        });
        assert_eq!(
            one_bad.validate(),
            Err(HealthError::OutOfRange {
                field: "mood",
                min: 1.0,
                max: 5.0
            })
        );
    }

    #[test]
    fn hooper_items_are_1_to_7() {
        assert_eq!(hooper(1).validate(), Ok(()));
        assert_eq!(hooper(7).validate(), Ok(()));
        assert!(hooper(0).validate().is_err());
        let one_bad = Questionnaire::Hooper(HooperItems {
            sleep: 8,
            stress: 2,
            fatigue: 2,
            soreness: 2,
        });
        assert_eq!(
            one_bad.validate(),
            Err(HealthError::OutOfRange {
                field: "sleep",
                min: 1.0,
                max: 7.0
            })
        );
    }

    #[test]
    fn totals_are_the_papers_sums() {
        assert_eq!(mclean(5).total(), 25);
        assert_eq!(hooper(1).total(), 4);
        assert_eq!(hooper(7).total(), 28);
    }

    #[test]
    fn wellness_runs_from_worst_to_best() {
        assert_eq!(mclean(1).wellness(), 0.0);
        assert_eq!(mclean(5).wellness(), 1.0);
        assert_eq!(mclean(3).wellness(), 0.5);
        assert_eq!(hooper(7).wellness(), 0.0);
        assert_eq!(hooper(1).wellness(), 1.0);
        assert_eq!(hooper(4).wellness(), 0.5);
        // Mixed McLean answers: total 18 -> 13/20.
        let mixed = Questionnaire::McLean(McLeanItems {
            fatigue: 4,
            sleep_quality: 5,
            soreness: 2,
            stress: 3,
            mood: 4,
        });
        assert!((mixed.wellness() - 0.65).abs() < 1e-12);
        // Mixed Hooper answers: index 10 -> 18/24.
        let mixed = Questionnaire::Hooper(HooperItems {
            sleep: 2,
            stress: 3,
            fatigue: 4,
            soreness: 1,
        });
        assert!((mixed.wellness() - 0.75).abs() < 1e-12);
        // Out-of-range answers stay within 0-1.
        assert_eq!(mclean(0).wellness(), 0.0);
        assert_eq!(hooper(0).wellness(), 1.0);
        assert_eq!(mclean(255).total(), 1275);
        assert_eq!(mclean(255).wellness(), 1.0);
    }

    #[test]
    fn check_in_validates() {
        let c = CheckIn::new(ts(0), mclean(4), Source::named("alyze")).expect("valid");
        assert_eq!(c.wellness(), 0.75);
        assert!(CheckIn::new(ts(0), hooper(9), Source::named("alyze")).is_err());
        assert!(CheckIn::new(ts(0), hooper(2), Source::named("")).is_err());
    }

    #[test]
    fn serde_tags_the_questionnaire() {
        let c = CheckIn::new(ts(0), hooper(2), Source::named("alyze")).expect("valid");
        let json = serde_json::to_string(&c).expect("serialises");
        assert!(json.contains(r#""questionnaire":"hooper""#));
        let back: CheckIn = serde_json::from_str(&json).expect("reads");
        assert_eq!(back, c);
    }
}
