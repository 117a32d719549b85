//! Provenance: which app and which device wrote a record.
//!
//! Every row carries its source because several sources record the same minutes (Watch, iPhone, a
//! ring, third-party apps): the store keeps all of them and readiness chooses one source per metric
//! per night by a member-editable priority (data brief). The source is also part of the content key
//! of rows that have no platform id, so it must be stable from one import to the next.
//!
//! Apple's export writes the device as one string such as
//! `<<HKDevice: 0x283b1c2d0>, name:Apple Watch, manufacturer:Apple Inc., model:Watch,
//! hardware:Watch6,2, software:9.1>`. The `0x…` part is a memory address that changes with every
//! export, so the importer parses the string into the address-free [`DeviceInfo`] and the raw
//! string is never stored or hashed (otherwise every re-import would look like new data). The
//! parser belongs to the import; this module only defines what it produces.

use serde::{Deserialize, Serialize};

use super::HealthError;

/// The app (and, when known, the device) that wrote a record.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Source {
    /// The source's display name (Apple `sourceName`, e.g. the member's watch name; Health Connect
    /// the writing app's label). Required.
    pub name: String,
    /// The writing app's identifier: HealthKit bundle identifier or Health Connect package name.
    pub bundle_id: Option<String>,
    /// The writing app's version (Apple `sourceVersion`).
    pub version: Option<String>,
    /// The device, parsed and without Apple's memory address.
    pub device: Option<DeviceInfo>,
}

/// A recording device, in the address-free form both platforms can fill.
///
/// HealthKit's `HKDevice` has name, manufacturer, model, hardware, firmware and software versions;
/// Health Connect's `Device` has manufacturer, model and a type. `HKDevice.localIdentifier` and
/// `udiDeviceIdentifier` are left out on purpose: they identify a physical unit and add nothing the
/// product needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DeviceInfo {
    /// The device's name (Apple `name`, e.g. "Apple Watch").
    pub name: Option<String>,
    /// Manufacturer (e.g. "Apple Inc.", "Google").
    pub manufacturer: Option<String>,
    /// Model (Apple `model`, e.g. "Watch"; Health Connect `model`).
    pub model: Option<String>,
    /// Hardware version (Apple `hardware`, e.g. "Watch6,2").
    pub hardware_version: Option<String>,
    /// Firmware version.
    pub firmware_version: Option<String>,
    /// Software version (Apple `software`, e.g. "9.1").
    pub software_version: Option<String>,
    /// What kind of device it is, when the platform says (Health Connect `Device.type`) or the
    /// importer can tell from the model.
    pub kind: Option<DeviceKind>,
}

/// The kind of a recording device (Health Connect's `Device.TYPE_*` list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    /// A watch.
    Watch,
    /// A phone.
    Phone,
    /// A scale.
    Scale,
    /// A ring.
    Ring,
    /// A head-mounted device.
    HeadMounted,
    /// A fitness band.
    FitnessBand,
    /// A chest strap.
    ChestStrap,
    /// A smart display.
    SmartDisplay,
    /// Said to be unknown by the platform.
    Unknown,
}

impl Source {
    /// A source known only by its name.
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            bundle_id: None,
            version: None,
            device: None,
        }
    }

    /// Checks that the name is set and that no optional text is present but blank (a blank would
    /// make two identical sources look different to the content key).
    pub fn validate(&self) -> Result<(), HealthError> {
        not_blank("source.name", &self.name)?;
        optional_not_blank("source.bundle_id", self.bundle_id.as_deref())?;
        optional_not_blank("source.version", self.version.as_deref())?;
        if let Some(device) = &self.device {
            device.validate()?;
        }
        Ok(())
    }

    /// Appends the source's stable identity to a content key (see
    /// [`super::quantity::QuantitySample::content_key`]). The device kind is left out: the importer
    /// may infer it from the model, and a better inference must not make old rows look new.
    pub(crate) fn write_key(&self, key: &mut String) {
        key_field(key, &self.name);
        key_option(key, self.bundle_id.as_deref());
        key_option(key, self.version.as_deref());
        match &self.device {
            None => key.push('-'),
            Some(device) => {
                key.push('+');
                for text in [
                    &device.name,
                    &device.manufacturer,
                    &device.model,
                    &device.hardware_version,
                    &device.firmware_version,
                    &device.software_version,
                ] {
                    key_option(key, text.as_deref());
                }
            }
        }
    }
}

impl DeviceInfo {
    /// Checks that no text is present but blank.
    pub fn validate(&self) -> Result<(), HealthError> {
        optional_not_blank("device.name", self.name.as_deref())?;
        optional_not_blank("device.manufacturer", self.manufacturer.as_deref())?;
        optional_not_blank("device.model", self.model.as_deref())?;
        optional_not_blank("device.hardware_version", self.hardware_version.as_deref())?;
        optional_not_blank("device.firmware_version", self.firmware_version.as_deref())?;
        optional_not_blank("device.software_version", self.software_version.as_deref())?;
        Ok(())
    }
}

/// Refuses an empty or whitespace-only text.
pub(crate) fn not_blank(field: &'static str, text: &str) -> Result<(), HealthError> {
    // Stops at the first character that is not white space, where `trim` would scan both ends.
    if text.chars().all(char::is_whitespace) {
        return Err(HealthError::Empty { field });
    }
    Ok(())
}

/// Refuses an optional text that is present but blank.
pub(crate) fn optional_not_blank(
    field: &'static str,
    text: Option<&str>,
) -> Result<(), HealthError> {
    text.map_or(Ok(()), |text| not_blank(field, text))
}

/// Appends one text to a content key, length-prefixed so that no text can imitate a separator.
pub(crate) fn key_field(key: &mut String, text: &str) {
    push_decimal(key, text.len() as u64, false);
    key.push(':');
    key.push_str(text);
    key.push(';');
}

/// Appends `n` in decimal (with a `-` first when `negative`) to a content key. Written out by hand
/// rather than with `write!`: content keys are built for every record of an import, and the
/// formatting machinery was a tenth of the store's work.
pub(crate) fn push_decimal(key: &mut String, n: u64, negative: bool) {
    if negative {
        key.push('-');
    }
    let mut digits = [0u8; 20];
    let mut rest = n;
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for &digit in &digits[start..] {
        key.push(char::from(digit));
    }
}

/// Appends an optional text to a content key; absent and present are told apart.
pub(crate) fn key_option(key: &mut String, text: Option<&str>) {
    match text {
        None => key.push('-'),
        Some(text) => {
            key.push('+');
            key_field(key, text);
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An Apple Watch source as the importer would produce it.
    pub(crate) fn watch() -> Source {
        Source {
            name: "Member's Apple Watch".to_owned(),
            bundle_id: Some("com.apple.health.7F3A".to_owned()),
            version: Some("9.1".to_owned()),
            device: Some(DeviceInfo {
                name: Some("Apple Watch".to_owned()),
                manufacturer: Some("Apple Inc.".to_owned()),
                model: Some("Watch".to_owned()),
                hardware_version: Some("Watch6,2".to_owned()),
                firmware_version: None,
                software_version: Some("9.1".to_owned()),
                kind: Some(DeviceKind::Watch),
            }),
        }
    }

    #[test]
    fn decimals_are_written_as_display_writes_them() {
        for n in [0, 7, 10, 99, 1_000_000_007, u64::MAX] {
            for negative in [false, true] {
                let mut key = String::new();
                push_decimal(&mut key, n, negative);
                let sign = if negative { "-" } else { "" };
                assert_eq!(key, format!("{sign}{n}"));
            }
        }
    }

    #[test]
    fn a_full_source_is_valid() {
        assert_eq!(watch().validate(), Ok(()));
        assert_eq!(Source::named("alyze").validate(), Ok(()));
    }

    #[test]
    fn blank_texts_are_refused() {
        assert_eq!(
            Source::named(" ").validate(),
            Err(HealthError::Empty {
                field: "source.name"
            })
        );
        let mut source = watch();
        source.bundle_id = Some(String::new());
        assert_eq!(
            source.validate(),
            Err(HealthError::Empty {
                field: "source.bundle_id"
            })
        );
        let mut source = watch();
        source.version = Some("\t".to_owned());
        assert!(source.validate().is_err());
        let mut source = watch();
        if let Some(device) = source.device.as_mut() {
            device.hardware_version = Some(String::new());
        }
        assert_eq!(
            source.validate(),
            Err(HealthError::Empty {
                field: "device.hardware_version"
            })
        );
    }

    #[test]
    fn key_tells_fields_apart() {
        let mut a = String::new();
        key_field(&mut a, "a;b");
        key_field(&mut a, "c");
        let mut b = String::new();
        key_field(&mut b, "a");
        key_field(&mut b, "b;c");
        assert_ne!(a, b);
        let mut absent = String::new();
        key_option(&mut absent, None);
        let mut empty = String::new();
        key_option(&mut empty, Some(""));
        assert_ne!(absent, empty);
    }

    #[test]
    fn key_ignores_the_device_kind_but_not_its_identity() {
        let mut one = String::new();
        watch().write_key(&mut one);
        let mut same = watch();
        if let Some(device) = same.device.as_mut() {
            device.kind = None;
        }
        let mut two = String::new();
        same.write_key(&mut two);
        assert_eq!(one, two);
        let mut other = watch();
        if let Some(device) = other.device.as_mut() {
            device.software_version = Some("10.0".to_owned());
        }
        let mut three = String::new();
        other.write_key(&mut three);
        assert_ne!(one, three);
    }
}
