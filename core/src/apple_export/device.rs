//! The export's `device` attribute parsed into an address-free [`DeviceInfo`].
//!
//! Apple writes `HKDevice`'s Objective-C description:
//! `<<HKDevice: 0x283b1c2d0>, name:Apple Watch, manufacturer:Apple Inc., model:Watch,
//! hardware:Watch6,2, software:9.1>`. The `0x…` address changes with every export of the same data,
//! so it is dropped: the device enters the content key of every row, and keeping the address would
//! make each re-import look like new data (data brief). `localIdentifier` and
//! `UDIDeviceIdentifier`, when present, are dropped too ([`DeviceInfo`] leaves them out on purpose).

use crate::health::source::{DeviceInfo, DeviceKind};

/// Parses a `device` attribute; `None` when it names nothing the core keeps.
///
/// Fields are `key:value` separated by `, `; values may hold commas themselves (`Watch6,2`), so a
/// field boundary is a `, ` followed by a key (letters and spaces) and a colon.
pub fn parse_device(raw: &str) -> Option<DeviceInfo> {
    let mut body = raw.trim();
    // The address part: `<<HKDevice: 0x…>` up to its first `>`.
    if let Some(rest) = body.strip_prefix("<<") {
        body = rest.split_once('>').map_or("", |(_, after)| after);
    }
    let body = body.strip_suffix('>').unwrap_or(body);
    let body = body.trim_start_matches([',', ' ']);
    let mut device = DeviceInfo::default();
    let mut start = 0;
    for (i, _) in body.match_indices(", ") {
        if starts_with_key(&body[i + 2..]) {
            apply_field(&mut device, &body[start..i]);
            start = i + 2;
        }
    }
    apply_field(&mut device, &body[start..]);
    device.kind = match device.model.as_deref() {
        Some("Watch") => Some(DeviceKind::Watch),
        Some("iPhone") => Some(DeviceKind::Phone),
        _ => None,
    };
    let empty = device.name.is_none()
        && device.manufacturer.is_none()
        && device.model.is_none()
        && device.hardware_version.is_none()
        && device.firmware_version.is_none()
        && device.software_version.is_none();
    (!empty).then_some(device)
}

/// Whether `text` starts with `key:` (an ASCII letter, then letters or spaces, then a colon).
fn starts_with_key(text: &str) -> bool {
    let Some(colon) = text.find(':') else {
        return false;
    };
    let key = &text[..colon];
    key.starts_with(|c: char| c.is_ascii_alphabetic())
        && key.len() <= 32
        && key.chars().all(|c| c.is_ascii_alphabetic() || c == ' ')
}

/// Stores one `key:value` field in `device`; unknown keys and empty values are dropped.
fn apply_field(device: &mut DeviceInfo, field: &str) {
    let Some((key, value)) = field.split_once(':') else {
        return;
    };
    let value = value.trim();
    // Objective-C prints a nil property as `(null)`.
    if value.is_empty() || value == "(null)" {
        return;
    }
    let slot = match key.trim().to_ascii_lowercase().as_str() {
        "name" => &mut device.name,
        "manufacturer" => &mut device.manufacturer,
        "model" => &mut device.model,
        "hardware" => &mut device.hardware_version,
        "firmware" => &mut device.firmware_version,
        "software" => &mut device.software_version,
        _ => return,
    };
    if slot.is_none() {
        *slot = Some(value.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WATCH: &str = "<<HKDevice: 0x283b1c2d0>, name:Apple Watch, manufacturer:Apple Inc., \
                         model:Watch, hardware:Watch6,2, software:9.1>";

    #[test]
    fn watch_device_without_its_address() {
        let device = parse_device(WATCH).unwrap();
        assert_eq!(
            device,
            DeviceInfo {
                name: Some("Apple Watch".to_owned()),
                manufacturer: Some("Apple Inc.".to_owned()),
                model: Some("Watch".to_owned()),
                hardware_version: Some("Watch6,2".to_owned()),
                firmware_version: None,
                software_version: Some("9.1".to_owned()),
                kind: Some(DeviceKind::Watch),
            }
        );
        // The same device in another export, at another address, is the same device.
        let other = WATCH.replace("0x283b1c2d0", "0x2811f8a40");
        assert_eq!(parse_device(&other), Some(device.clone()));
        assert!(!format!("{device:?}").contains("0x"));
    }

    #[test]
    fn other_fields_and_shapes() {
        let cuff = "<<HKDevice: 0x2800001f0>, name:BPM Connect, manufacturer:Withings, \
                    model:BPM Connect, firmware:2.1.1, localIdentifier:ABC-123>";
        let device = parse_device(cuff).unwrap();
        assert_eq!(device.firmware_version.as_deref(), Some("2.1.1"));
        assert_eq!(device.model.as_deref(), Some("BPM Connect"));
        assert_eq!(device.kind, None);
        let phone = "<<HKDevice: 0x1>, name:iPhone, manufacturer:Apple Inc., model:iPhone, \
                     hardware:iPhone14,5, software:16.0, creation date:2022-09-12 08:00:00 +0000>";
        let device = parse_device(phone).unwrap();
        assert_eq!(device.hardware_version.as_deref(), Some("iPhone14,5"));
        assert_eq!(device.software_version.as_deref(), Some("16.0"));
        assert_eq!(device.kind, Some(DeviceKind::Phone));
        assert_eq!(parse_device(""), None);
        assert_eq!(parse_device("<<HKDevice: 0x1>, name:(null)>"), None);
        assert_eq!(parse_device("<<HKDevice: 0x1>>"), None);
    }
}
