//! Check-ins across the FFI: which questionnaire the clinic asks (its settings) and the member's
//! answers to it, stored as the day's check-in (core `store/checkin.rs`: one a member-local day,
//! a second the same day is an edit and every revision is kept).

use std::sync::Arc;

use alyze_core::health::{
    CheckIn, HealthError, HooperItems, McLeanItems, Questionnaire as Answers, QuestionnaireKind,
    Source,
};
use alyze_core::protocol::member;
use alyze_core::store::CHECK_IN_STREAM;

use crate::AlyzeError;
use crate::samples::timestamp;
use crate::store::AlyzeStore;

/// A wellness questionnaire (core `health/checkin.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Questionnaire {
    /// McLean et al. 2010: fatigue, sleep quality, soreness, stress and mood, 1-5 each, 5 best.
    McLean,
    /// Hooper & Mackinnon 1995: sleep, stress, fatigue and soreness, 1-7 each, 1 best.
    Hooper,
}

/// The member's answers to one questionnaire; item meanings as in [`Questionnaire`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CheckInAnswers {
    /// McLean et al. 2010, 1-5 each, 5 best.
    McLean {
        /// Fatigue (5: very fresh).
        fatigue: u8,
        /// Sleep quality (5: very restful).
        sleep_quality: u8,
        /// General muscle soreness (5: feeling great).
        soreness: u8,
        /// Stress (5: very relaxed).
        stress: u8,
        /// Mood (5: very positive).
        mood: u8,
    },
    /// Hooper & Mackinnon 1995, 1-7 each, 1 best.
    Hooper {
        /// Sleep quality (1: very, very good).
        sleep: u8,
        /// Stress (1: very, very low).
        stress: u8,
        /// Fatigue (1: very, very low).
        fatigue: u8,
        /// Muscle soreness (1: very, very low).
        soreness: u8,
    },
}

impl From<QuestionnaireKind> for Questionnaire {
    fn from(kind: QuestionnaireKind) -> Self {
        match kind {
            QuestionnaireKind::McLean => Self::McLean,
            QuestionnaireKind::Hooper => Self::Hooper,
        }
    }
}

impl From<CheckInAnswers> for Answers {
    fn from(answers: CheckInAnswers) -> Self {
        match answers {
            CheckInAnswers::McLean {
                fatigue,
                sleep_quality,
                soreness,
                stress,
                mood,
            } => Self::McLean(McLeanItems {
                fatigue,
                sleep_quality,
                soreness,
                stress,
                mood,
            }),
            CheckInAnswers::Hooper {
                sleep,
                stress,
                fatigue,
                soreness,
            } => Self::Hooper(HooperItems {
                sleep,
                stress,
                fatigue,
                soreness,
            }),
        }
    }
}

#[uniffi::export]
impl AlyzeStore {
    /// The questionnaire the clinic asks its members (clinic settings `check_in`; McLean unless
    /// the clinic chose otherwise).
    pub fn check_in_questionnaire(&self) -> Result<Questionnaire, AlyzeError> {
        Ok(member::clinic_settings(&self.lock())?.check_in.into())
    }

    /// Stores the member's check-in answered at `at_ms` (epoch ms; `offset_s` local time minus
    /// UTC, `zone` the IANA zone when known) in the app `source`: the check-in of that
    /// member-local day, or a new revision of it. An item outside its questionnaire's scale is
    /// refused, naming the item.
    pub fn record_check_in(
        &self,
        at_ms: i64,
        offset_s: i32,
        zone: Option<String>,
        answers: CheckInAnswers,
        source: Source,
    ) -> Result<(), AlyzeError> {
        let argument = |name: &str, reason: String| AlyzeError::InvalidArgument {
            name: name.to_owned(),
            reason,
        };
        let at = timestamp("at", at_ms, offset_s, zone.map(Arc::<str>::from))
            .map_err(|reason| argument("at_ms", reason.to_string()))?;
        let check_in = CheckIn::new(at, answers.into(), source).map_err(|e| match e {
            // The item's name and its scale, never the answer.
            HealthError::OutOfRange { field, .. } => argument(
                &format!("answers.{field}"),
                "outside the questionnaire's scale".to_owned(),
            ),
            other => other.into(),
        })?;
        let report =
            self.lock()
                .ingest(CHECK_IN_STREAM, std::slice::from_ref(&check_in), &[], None)?;
        match report.skipped.first() {
            Some((_, reason)) => Err(AlyzeError::InvalidRecord {
                reason: reason.to_string(),
            }),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open_temp() -> (tempfile::TempDir, Arc<AlyzeStore>) {
        let dir = tempfile::tempdir().unwrap();
        let store = AlyzeStore::open(dir.path().join("alyze.db").display().to_string()).unwrap();
        (dir, store)
    }

    fn mclean(all: u8) -> CheckInAnswers {
        CheckInAnswers::McLean {
            fatigue: all,
            sleep_quality: all,
            soreness: all,
            stress: all,
            mood: all,
        }
    }

    #[test]
    fn the_clinic_chooses_the_questionnaire() {
        let (_dir, store) = open_temp();
        assert_eq!(
            store.check_in_questionnaire().unwrap(),
            Questionnaire::McLean
        );
        let mut settings: serde_json::Value =
            serde_json::from_str(&store.clinic_settings_json().unwrap()).unwrap();
        settings["check_in"] = serde_json::json!("hooper");
        store
            .set_clinic_settings_json(settings.to_string())
            .unwrap();
        assert_eq!(
            store.check_in_questionnaire().unwrap(),
            Questionnaire::Hooper
        );
    }

    #[test]
    fn a_check_in_reaches_the_days_summary_and_an_edit_replaces_it() {
        let (_dir, store) = open_temp();
        // 2026-03-02 07:00 in Berlin (UTC+1), then an edit at 07:30 the same morning.
        let at_ms = 1_772_431_200_000;
        let berlin = Some("Europe/Berlin".to_owned());
        let app = Source::named("alyze");
        store
            .record_check_in(at_ms, 3600, berlin.clone(), mclean(5), app.clone())
            .unwrap();
        store
            .record_check_in(at_ms + 1_800_000, 3600, berlin, mclean(2), app)
            .unwrap();
        let days = store
            .daily_summaries("2026-03-02".to_owned(), "2026-03-02".to_owned())
            .unwrap();
        // McLean wellness is (total - 5) / 20: all 2s total 10.
        assert_eq!(days[0].check_in_wellness, Some(0.25));
    }

    #[test]
    fn an_item_off_the_scale_is_named_and_nothing_is_stored() {
        let (_dir, store) = open_temp();
        let answers = CheckInAnswers::Hooper {
            sleep: 1,
            stress: 8,
            fatigue: 1,
            soreness: 1,
        };
        let error = store
            .record_check_in(0, 0, None, answers, Source::named("alyze"))
            .unwrap_err();
        assert_eq!(
            error,
            AlyzeError::InvalidArgument {
                name: "answers.stress".to_owned(),
                reason: "outside the questionnaire's scale".to_owned(),
            }
        );
        assert_eq!(store.sync_backlog().unwrap(), 0);
    }
}
