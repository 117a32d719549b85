//! Quantity samples: one value of one [`QuantityKind`] at an instant or over an interval.
//!
//! Heart rate, resting heart rate, HRV (SDNN and RMSSD, never merged), respiratory rate, sleeping
//! wrist temperature and VO2max arrive as these, from the export, HealthKit and Health Connect
//! alike. The value is in the kind's canonical unit ([`QuantityKind::unit`]); converting a platform's
//! unit is the importer's job, so a value here is never ambiguous.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::error::platform_id;
use super::kinds::QuantityKind;
use super::plausibility::Plausibility;
use super::source::{Source, push_decimal};
use super::time::{Timestamp, check_interval};
use super::{HealthError, Validate};

/// One measured value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuantitySample {
    /// What was measured.
    pub kind: QuantityKind,
    /// The value, in `kind.unit()`.
    pub value: f64,
    /// Start of the measurement (equal to `end` for an instantaneous sample).
    pub start: Timestamp,
    /// End of the measurement.
    pub end: Timestamp,
    /// Who wrote it. Shared: a batch or an export holds thousands of samples from a handful of
    /// sources, and a copy of the source's texts for each would be most of a sample's cost to
    /// build and to store (the store tells a source it just saw by the pointer).
    pub source: Arc<Source>,
    /// The platform's id: HealthKit UUID or Health Connect record id. `None` for rows from Apple's
    /// export, which has no per-record UUID; those are keyed by [`QuantitySample::content_key`].
    pub platform_id: Option<String>,
}

impl QuantitySample {
    /// Builds a sample and validates it against the default bounds.
    pub fn new(
        kind: QuantityKind,
        value: f64,
        start: Timestamp,
        end: Timestamp,
        source: impl Into<Arc<Source>>,
        platform_id: Option<String>,
    ) -> Result<Self, HealthError> {
        let sample = Self {
            kind,
            value,
            start,
            end,
            source: source.into(),
            platform_id,
        };
        sample.validate()?;
        Ok(sample)
    }

    /// The content-derived key of a sample without a platform id.
    ///
    /// Apple's export has no per-record UUID and every re-export contains everything again, so an
    /// idempotent import needs a key computed from what the row says: kind, start and end instants
    /// (UTC, to the nanosecond: the offset is presentation and may be re-derived), the value's exact
    /// bits (the same export text always parses to the same `f64`), and the source's stable identity
    /// (name, bundle id, version, and the parsed device without Apple's memory address, see
    /// [`Source`]). Byte-identical duplicate records in one export get the same key and collapse,
    /// which is what the data brief asks for.
    ///
    /// The store turns this text into a deterministic UUIDv5; the text itself holds the health value
    /// and must never be logged or stored.
    pub fn content_key(&self) -> String {
        let mut key = String::with_capacity(160);
        self.write_key_head(&mut key);
        self.source.write_key(&mut key);
        key
    }

    /// Writes [`Self::content_key`] up to the source's identity, which ends it: the store appends
    /// the identity it keeps for the source rather than writing it again for every sample.
    pub(crate) fn write_key_head(&self, key: &mut String) {
        key.push_str("quantity/1;");
        key.push_str(kind_key(self.kind));
        key.push(';');
        write_nanos(key, &self.start);
        write_nanos(key, &self.end);
        write_hex16(key, self.value.to_bits());
        key.push(';');
    }
}

/// The kind's name in content keys and in the store's text (a source priority's metric). Spelled
/// out rather than taken from `Debug` or serde so that renaming a variant can never change the
/// keys of stored rows or what a file says.
pub(crate) fn kind_key(kind: QuantityKind) -> &'static str {
    match kind {
        QuantityKind::HeartRate => "heart_rate",
        QuantityKind::RestingHeartRate => "resting_heart_rate",
        QuantityKind::HrvSdnn => "hrv_sdnn",
        QuantityKind::HrvRmssd => "hrv_rmssd",
        QuantityKind::RespiratoryRate => "respiratory_rate",
        QuantityKind::WristTemperature => "wrist_temperature",
        QuantityKind::Vo2Max => "vo2max",
    }
}

/// The instant in nanoseconds since the Unix epoch, or in seconds and nanoseconds when it lies
/// outside the range an `i64` of nanoseconds covers (1677-2262); always terminated by `;`.
fn write_nanos(key: &mut String, t: &Timestamp) {
    let utc = t.utc();
    match utc.timestamp_nanos_opt() {
        Some(n) => push_decimal(key, n.unsigned_abs(), n < 0),
        None => {
            let s = utc.timestamp();
            push_decimal(key, s.unsigned_abs(), s < 0);
            key.push('s');
            push_decimal(key, u64::from(utc.timestamp_subsec_nanos()), false);
        }
    }
    key.push(';');
}

/// Appends `bits` as 16 lower-case hexadecimal digits (`format!("{bits:016x}")`).
fn write_hex16(key: &mut String, bits: u64) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for shift in (0..16).rev() {
        key.push(char::from(DIGITS[((bits >> (shift * 4)) & 0xf) as usize]));
    }
}

impl Validate for QuantitySample {
    fn validate_with(&self, bounds: &Plausibility) -> Result<(), HealthError> {
        bounds.quantity(self.kind).check("value", self.value)?;
        check_interval("interval", &self.start, &self.end)?;
        self.source.validate()?;
        platform_id(self.platform_id.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::source::tests::watch;
    use crate::health::time::tests::ts;
    use chrono::DateTime;

    fn sample(kind: QuantityKind, value: f64) -> Result<QuantitySample, HealthError> {
        QuantitySample::new(kind, value, ts(0), ts(60), watch(), None)
    }

    fn out_of_range(kind: QuantityKind, value: f64) -> bool {
        matches!(
            sample(kind, value),
            Err(HealthError::OutOfRange { field: "value", .. })
        )
    }

    #[test]
    fn heart_rate_within_20_to_300() {
        for kind in [QuantityKind::HeartRate, QuantityKind::RestingHeartRate] {
            assert!(sample(kind, 20.0).is_ok());
            assert!(sample(kind, 300.0).is_ok());
            assert!(out_of_range(kind, 19.9));
            assert!(out_of_range(kind, 300.5));
        }
    }

    #[test]
    fn hrv_within_1_to_300_for_both_statistics() {
        for kind in [QuantityKind::HrvSdnn, QuantityKind::HrvRmssd] {
            assert!(sample(kind, 1.0).is_ok());
            assert!(sample(kind, 250.0).is_ok());
            assert!(out_of_range(kind, 0.5));
            assert!(out_of_range(kind, 301.0));
        }
    }

    #[test]
    fn respiratory_temperature_and_vo2max_bounds() {
        assert!(sample(QuantityKind::RespiratoryRate, 4.0).is_ok());
        assert!(out_of_range(QuantityKind::RespiratoryRate, 3.0));
        assert!(out_of_range(QuantityKind::RespiratoryRate, 61.0));
        assert!(sample(QuantityKind::WristTemperature, 34.6).is_ok());
        assert!(out_of_range(QuantityKind::WristTemperature, 29.0));
        assert!(out_of_range(QuantityKind::WristTemperature, 43.5));
        assert!(sample(QuantityKind::Vo2Max, 52.0).is_ok());
        assert!(out_of_range(QuantityKind::Vo2Max, 9.0));
        assert!(out_of_range(QuantityKind::Vo2Max, 96.0));
    }

    #[test]
    fn non_finite_values_are_refused() {
        for value in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(
                sample(QuantityKind::HeartRate, value),
                Err(HealthError::NonFinite { field: "value" })
            );
        }
    }

    #[test]
    fn end_before_start_is_refused_and_instants_accepted() {
        assert_eq!(
            QuantitySample::new(QuantityKind::HeartRate, 60.0, ts(60), ts(0), watch(), None),
            Err(HealthError::EndBeforeStart { field: "interval" })
        );
        assert!(
            QuantitySample::new(QuantityKind::HeartRate, 60.0, ts(0), ts(0), watch(), None).is_ok()
        );
    }

    #[test]
    fn source_and_platform_id_are_checked() {
        assert!(
            QuantitySample::new(
                QuantityKind::HeartRate,
                60.0,
                ts(0),
                ts(0),
                Source::named(""),
                None
            )
            .is_err()
        );
        assert_eq!(
            QuantitySample::new(
                QuantityKind::HeartRate,
                60.0,
                ts(0),
                ts(0),
                watch(),
                Some(String::new())
            ),
            Err(HealthError::Empty {
                field: "platform_id"
            })
        );
    }

    #[test]
    fn custom_bounds_apply() {
        let s = sample(QuantityKind::HeartRate, 250.0).expect("valid by default");
        let strict = Plausibility {
            heart_rate_bpm: crate::health::Range::new(30.0, 220.0),
            ..Plausibility::DEFAULT
        };
        assert!(s.validate_with(&strict).is_err());
    }

    #[test]
    fn errors_never_show_the_value() {
        let error = sample(QuantityKind::HeartRate, 333.25).expect_err("out of range");
        assert!(!error.to_string().contains("333"));
    }

    #[test]
    fn content_key_is_stable_and_discriminating() {
        let a = sample(QuantityKind::HeartRate, 61.0).expect("valid");
        let mut b = a.clone();
        assert_eq!(a.content_key(), b.content_key());
        // The offset is presentation: the same instants written in another offset are the same row.
        b.start = Timestamp::new(a.start.utc(), 0, None).expect("valid");
        assert_eq!(a.content_key(), b.content_key());
        // A platform id does not enter the key (the key is for rows without one).
        b.platform_id = Some("UUID".to_owned());
        assert_eq!(a.content_key(), b.content_key());
        let changes: [fn(&mut QuantitySample); 5] = [
            |s| s.value = 61.000_000_1,
            |s| s.kind = QuantityKind::RestingHeartRate,
            |s| s.end = ts(61),
            |s| s.start = ts(1),
            |s| Arc::make_mut(&mut s.source).name = "iPhone".to_owned(),
        ];
        for change in changes {
            let mut c = a.clone();
            change(&mut c);
            assert_ne!(a.content_key(), c.content_key());
        }
    }

    #[test]
    fn content_key_text_is_unchanged() {
        // The key as it was first written with `format!`: stored ids derive from it, so the
        // hand-written formatting must give exactly these bytes.
        fn reference(s: &QuantitySample) -> String {
            let nanos = |t: &Timestamp| match t.utc().timestamp_nanos_opt() {
                Some(n) => format!("{n};"),
                None => format!(
                    "{}s{};",
                    t.utc().timestamp(),
                    t.utc().timestamp_subsec_nanos()
                ),
            };
            let mut key = format!(
                "quantity/1;{};{}{}{:016x};",
                kind_key(s.kind),
                nanos(&s.start),
                nanos(&s.end),
                s.value.to_bits()
            );
            s.source.write_key(&mut key);
            key
        }
        let instants = [
            DateTime::from_timestamp(0, 0),
            DateTime::from_timestamp(-1, 999_999_999),
            DateTime::from_timestamp(1_795_824_000, 123_456_789),
            DateTime::from_timestamp(-9_300_000_000, 5),
            DateTime::from_timestamp(9_300_000_000, 0),
            Some(DateTime::<chrono::Utc>::MIN_UTC),
            Some(DateTime::<chrono::Utc>::MAX_UTC),
        ];
        for utc in instants.into_iter().flatten() {
            for value in [0.0, -0.0, 61.5, 1e-300, f64::MAX] {
                let mut s = sample(QuantityKind::HeartRate, 60.0).expect("valid");
                s.start = Timestamp::at_utc(utc);
                s.end = Timestamp::at_utc(utc);
                s.value = value;
                assert_eq!(s.content_key(), reference(&s));
            }
        }
    }

    #[test]
    fn serde_round_trip() {
        let s = sample(QuantityKind::HrvSdnn, 48.5).expect("valid");
        let json = serde_json::to_string(&s).expect("serialises");
        assert!(json.contains(r#""kind":"hrv_sdnn""#));
        let back: QuantitySample = serde_json::from_str(&json).expect("reads");
        assert_eq!(back, s);
    }
}
