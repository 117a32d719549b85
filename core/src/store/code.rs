//! Stored forms of enumerations and structured values.
//!
//! Enumerations are stored by their serde names (`"running"`, `"deep"`): the data model fixes those
//! as the stored and synced form, so the store does not keep a second list that could drift from
//! it. Structured answers (a check-in's questionnaire) are stored as their serde JSON.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::{Result, StoreError};

/// The serde name of a unit variant, for column `column`.
pub(crate) fn name_of<T: Serialize>(value: &T, column: &'static str) -> Result<String> {
    match serde_json::to_value(value) {
        Ok(Value::String(name)) => Ok(name),
        _ => Err(StoreError::Encoding { column }),
    }
}

/// The variant stored as `name` in column `column`.
pub(crate) fn from_name<T: DeserializeOwned>(name: String, column: &'static str) -> Result<T> {
    serde_json::from_value(Value::String(name)).map_err(|_| StoreError::Corrupt { column })
}

/// `value` as JSON text, for column `column`.
pub(crate) fn json_of<T: Serialize>(value: &T, column: &'static str) -> Result<String> {
    serde_json::to_string(value).map_err(|_| StoreError::Encoding { column })
}

/// The value stored as JSON `text` in column `column`.
pub(crate) fn from_json<T: DeserializeOwned>(text: &str, column: &'static str) -> Result<T> {
    serde_json::from_str(text).map_err(|_| StoreError::Corrupt { column })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::{ActivityType, RecoveryModality, SleepStage, WorkoutEventKind};

    #[test]
    fn names_round_trip_and_unknown_names_are_corrupt() {
        for activity in ActivityType::ALL {
            let name = name_of(&activity, "activity").expect("encodes");
            assert_eq!(from_name::<ActivityType>(name, "activity"), Ok(activity));
        }
        assert_eq!(name_of(&SleepStage::Rem, "stage"), Ok("rem".to_owned()));
        assert_eq!(
            name_of(&WorkoutEventKind::MotionPaused, "event"),
            Ok("motion_paused".to_owned())
        );
        assert_eq!(
            name_of(&RecoveryModality::ColdPlunge, "modality"),
            Ok("cold_plunge".to_owned())
        );
        assert_eq!(
            from_name::<SleepStage>("Rem".to_owned(), "stage"),
            Err(StoreError::Corrupt { column: "stage" })
        );
    }
}
