//! Why a readiness history cannot be computed. Messages name the setting or the day's position,
//! never a health value.

use super::baseline::BaselineError;
use crate::load::LoadError;

/// Why [`super::assess_history`] refused its input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReadinessError {
    /// A readiness setting is outside the values it can take.
    #[error("invalid setting {name}: {reason}")]
    InvalidSetting {
        /// Name of the setting.
        name: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The summaries are not one per consecutive day, oldest first.
    #[error("day #{day} does not follow the day before it (summaries must be consecutive days)")]
    NotConsecutive {
        /// Zero-based position of the offending summary.
        day: usize,
    },
    /// Daily inputs of different lengths.
    #[error("daily inputs: {field} {reason}")]
    InvalidInput {
        /// The field of [`super::DailyInputs`].
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A member profile value is unusable.
    #[error("member profile: {field} {reason}")]
    Profile {
        /// The field of [`super::MemberProfile`].
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A baseline refused its input or its settings.
    #[error("baseline: {0}")]
    Baseline(#[from] BaselineError),
    /// The load model refused its input or its settings.
    #[error("training load: {0}")]
    Load(#[from] LoadError),
}
