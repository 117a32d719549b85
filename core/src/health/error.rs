//! The one error of the health data model.
//!
//! A variant names the field and what is wrong with it, never the value: an error string may end up
//! in a log, a crash report or a support ticket, and a heart rate or a lab value is private health
//! data (architecture conventions). Bounds are product constants, not member data, so the range
//! variant carries them to make the message actionable.

/// Why a health record was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HealthError {
    /// A number is NaN or infinite.
    #[error("{field}: not a finite number")]
    NonFinite {
        /// The field, as named in the record.
        field: &'static str,
    },
    /// A number lies outside its plausible or defined range.
    #[error("{field}: outside the range {min} to {max}")]
    OutOfRange {
        /// The field, as named in the record.
        field: &'static str,
        /// Lowest accepted value (inclusive).
        min: f64,
        /// Highest accepted value (inclusive).
        max: f64,
    },
    /// A quantity that cannot be negative is.
    #[error("{field}: negative")]
    Negative {
        /// The field, as named in the record.
        field: &'static str,
    },
    /// A quantity that must be strictly positive is zero or negative.
    #[error("{field}: must be greater than zero")]
    NotPositive {
        /// The field, as named in the record.
        field: &'static str,
    },
    /// An interval ends before it starts.
    #[error("{field}: ends before it starts")]
    EndBeforeStart {
        /// The interval, as named in the record.
        field: &'static str,
    },
    /// A part of a record lies outside the interval of the record.
    #[error("{field}: lies outside the {within}")]
    Outside {
        /// The part, as named in the record.
        field: &'static str,
        /// The enclosing interval.
        within: &'static str,
    },
    /// A duration exceeds what one record of its kind can plausibly last.
    #[error("{field}: longer than the plausible maximum of {max_s} s")]
    TooLong {
        /// The field or interval, as named in the record.
        field: &'static str,
        /// The maximum, in seconds.
        max_s: f64,
    },
    /// Items of a list are not in time order.
    #[error("{field}: not in time order")]
    OutOfOrder {
        /// The list, as named in the record.
        field: &'static str,
    },
    /// Two items of a list overlap in time where they cannot.
    #[error("{field}: overlaps the item before it")]
    Overlap {
        /// The list, as named in the record.
        field: &'static str,
    },
    /// Two fields contradict each other (an average above its maximum).
    #[error("{field}: inconsistent with {other}")]
    Inconsistent {
        /// The field found wrong.
        field: &'static str,
        /// The field it contradicts.
        other: &'static str,
    },
    /// A required text or list is empty.
    #[error("{field}: empty")]
    Empty {
        /// The field, as named in the record.
        field: &'static str,
    },
    /// A text does not have the shape its kind requires (a zone name, a LOINC code).
    #[error("{field}: malformed")]
    Malformed {
        /// The field, as named in the record.
        field: &'static str,
    },
    /// A field is set where the record's kind has no such thing (a temperature on breathwork).
    #[error("{field}: does not apply here")]
    NotApplicable {
        /// The field, as named in the record.
        field: &'static str,
    },
    /// A problem in one item of a list of the record.
    #[error("{list}[{index}]: {problem}")]
    Item {
        /// The list, as named in the record.
        list: &'static str,
        /// Position of the item in the list (a position, not a value).
        index: usize,
        /// What is wrong with the item.
        problem: Box<HealthError>,
    },
}

impl HealthError {
    /// Wraps `self` as a problem of item `index` of `list`.
    pub(crate) fn in_item(self, list: &'static str, index: usize) -> Self {
        Self::Item {
            list,
            index,
            problem: Box::new(self),
        }
    }
}

/// Checks that `value` is finite and not negative.
pub(crate) fn non_negative(field: &'static str, value: f64) -> Result<(), HealthError> {
    if !value.is_finite() {
        return Err(HealthError::NonFinite { field });
    }
    if value < 0.0 {
        return Err(HealthError::Negative { field });
    }
    Ok(())
}

/// Checks that `value` is finite and strictly positive.
pub(crate) fn positive(field: &'static str, value: f64) -> Result<(), HealthError> {
    if !value.is_finite() {
        return Err(HealthError::NonFinite { field });
    }
    if value <= 0.0 {
        return Err(HealthError::NotPositive { field });
    }
    Ok(())
}

/// Checks that an optional platform id, when present, is not blank.
pub(crate) fn platform_id(id: Option<&str>) -> Result<(), HealthError> {
    match id {
        Some(id) if id.trim().is_empty() => Err(HealthError::Empty {
            field: "platform_id",
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_field_and_never_the_value() {
        let error = HealthError::OutOfRange {
            field: "value",
            min: 20.0,
            max: 300.0,
        }
        .in_item("segments", 3);
        assert_eq!(
            error.to_string(),
            "segments[3]: value: outside the range 20 to 300"
        );
    }

    #[test]
    fn helpers_reject_what_they_say() {
        assert_eq!(
            non_negative("x", f64::NAN),
            Err(HealthError::NonFinite { field: "x" })
        );
        assert_eq!(
            non_negative("x", -0.1),
            Err(HealthError::Negative { field: "x" })
        );
        assert_eq!(non_negative("x", 0.0), Ok(()));
        assert_eq!(
            positive("x", 0.0),
            Err(HealthError::NotPositive { field: "x" })
        );
        assert_eq!(
            positive("x", f64::INFINITY),
            Err(HealthError::NonFinite { field: "x" })
        );
        assert_eq!(positive("x", 1.0), Ok(()));
        assert_eq!(
            platform_id(Some("  ")),
            Err(HealthError::Empty {
                field: "platform_id"
            })
        );
        assert_eq!(platform_id(None), Ok(()));
        assert_eq!(platform_id(Some("A1")), Ok(()));
    }
}
