//! Provenance rows: each distinct [`Source`] is stored once and samples point at it.
//!
//! A year of one watch's heart rate is hundreds of thousands of samples from a handful of sources;
//! repeating the source's texts on every row would multiply the file's size for nothing. Sources
//! are told apart by the same stable identity the content key uses ([`Source::write_key`]), so two
//! imports of the same watch share one row.

use std::collections::HashMap;
use std::sync::Arc;

use rusqlite::{OptionalExtension, Row, Transaction, params};

use super::error::{Result, StoreError};
use crate::health::{DeviceInfo, DeviceKind, Source};

/// Source ids already looked up in the current transaction, by identity, and the last source
/// asked for with its id and identity: an export's records come in long runs from one source, and
/// comparing with the last one is cheaper than writing its identity key for every record.
#[derive(Debug, Default)]
pub(crate) struct SourceCache {
    by_identity: HashMap<String, i64>,
    last: Option<(Arc<Source>, i64)>,
}

impl SourceCache {
    /// An empty cache, for one transaction.
    pub(crate) fn new() -> Self {
        Self::default()
    }
}

/// The columns [`read`] expects, in order, for a `source` table aliased `s`.
pub(crate) const COLUMNS: &str = "s.name, s.bundle_id, s.version, s.has_device, s.device_name, \
     s.device_manufacturer, s.device_model, s.device_hardware_version, \
     s.device_firmware_version, s.device_software_version, s.device_kind";

/// The id of `source`'s row, inserting it when new.
pub(crate) fn id_of(tx: &Transaction<'_>, source: &Source, cache: &mut SourceCache) -> Result<i64> {
    lookup(tx, source, cache, || Arc::new(source.clone()))
}

/// [`id_of`] for a shared source. The samples of a batch share their source
/// (`QuantitySample::source`), so the last source is most often recognised by its address alone.
pub(crate) fn shared_id_of(
    tx: &Transaction<'_>,
    source: &Arc<Source>,
    cache: &mut SourceCache,
) -> Result<i64> {
    lookup(tx, source, cache, || Arc::clone(source))
}

/// [`id_of`], `share` giving the source to keep as the last one when it is not.
fn lookup(
    tx: &Transaction<'_>,
    source: &Source,
    cache: &mut SourceCache,
    share: impl FnOnce() -> Arc<Source>,
) -> Result<i64> {
    if let Some((last, id)) = &cache.last
        && (std::ptr::eq(&**last, source) || **last == *source)
    {
        return Ok(*id);
    }
    let mut identity = String::new();
    source.write_key(&mut identity);
    let id = id_by_identity(tx, source, &identity, &mut cache.by_identity)?;
    cache.last = Some((share(), id));
    Ok(id)
}

/// [`id_of`] without the last-source shortcut.
fn id_by_identity(
    tx: &Transaction<'_>,
    source: &Source,
    identity: &str,
    cache: &mut HashMap<String, i64>,
) -> Result<i64> {
    if let Some(id) = cache.get(identity) {
        return Ok(*id);
    }
    let known: Option<i64> = tx
        .prepare_cached("SELECT id FROM source WHERE identity = ?1")
        .and_then(|mut statement| statement.query_row([identity], |row| row.get(0)).optional())
        .map_err(|e| StoreError::sqlite("looking up a source", &e))?;
    let id = match known {
        Some(id) => id,
        None => insert(tx, source, identity)?,
    };
    cache.insert(identity.to_owned(), id);
    Ok(id)
}

/// Inserts a new source row and returns its id.
fn insert(tx: &Transaction<'_>, source: &Source, identity: &str) -> Result<i64> {
    let device = source.device.as_ref();
    let text = |field: fn(&DeviceInfo) -> &Option<String>| device.and_then(|d| field(d).clone());
    tx.prepare_cached(
        "INSERT INTO source (identity, name, bundle_id, version, has_device, device_name, \
         device_manufacturer, device_model, device_hardware_version, device_firmware_version, \
         device_software_version, device_kind) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )
    .and_then(|mut statement| {
        statement.execute(params![
            identity,
            source.name,
            source.bundle_id,
            source.version,
            device.is_some(),
            text(|d| &d.name),
            text(|d| &d.manufacturer),
            text(|d| &d.model),
            text(|d| &d.hardware_version),
            text(|d| &d.firmware_version),
            text(|d| &d.software_version),
            device.and_then(|d| d.kind).map(device_kind_code),
        ])
    })
    .map_err(|e| StoreError::sqlite("saving a source", &e))?;
    Ok(tx.last_insert_rowid())
}

/// Reads a source from [`COLUMNS`], starting at column `first`.
pub(crate) fn read(row: &Row<'_>, first: usize) -> Result<Source> {
    let get = |offset: usize| -> Result<Option<String>> {
        row.get(first + offset)
            .map_err(|e| StoreError::sqlite("reading a source", &e))
    };
    let name = get(0)?.ok_or(StoreError::Corrupt {
        column: "source.name",
    })?;
    let has_device: bool = row
        .get(first + 3)
        .map_err(|e| StoreError::sqlite("reading a source", &e))?;
    let device = if has_device {
        let kind = match get(10)? {
            None => None,
            Some(code) => Some(device_kind_from_code(&code).ok_or(StoreError::Corrupt {
                column: "source.device_kind",
            })?),
        };
        Some(DeviceInfo {
            name: get(4)?,
            manufacturer: get(5)?,
            model: get(6)?,
            hardware_version: get(7)?,
            firmware_version: get(8)?,
            software_version: get(9)?,
            kind,
        })
    } else {
        None
    };
    Ok(Source {
        name,
        bundle_id: get(1)?,
        version: get(2)?,
        device,
    })
}

/// The stored code of a device kind. Spelled out rather than derived from `Debug` or serde so that
/// renaming a variant never changes what the file says.
fn device_kind_code(kind: DeviceKind) -> &'static str {
    match kind {
        DeviceKind::Watch => "watch",
        DeviceKind::Phone => "phone",
        DeviceKind::Scale => "scale",
        DeviceKind::Ring => "ring",
        DeviceKind::HeadMounted => "head_mounted",
        DeviceKind::FitnessBand => "fitness_band",
        DeviceKind::ChestStrap => "chest_strap",
        DeviceKind::SmartDisplay => "smart_display",
        DeviceKind::Unknown => "unknown",
    }
}

/// The device kind of a stored code.
fn device_kind_from_code(code: &str) -> Option<DeviceKind> {
    Some(match code {
        "watch" => DeviceKind::Watch,
        "phone" => DeviceKind::Phone,
        "scale" => DeviceKind::Scale,
        "ring" => DeviceKind::Ring,
        "head_mounted" => DeviceKind::HeadMounted,
        "fitness_band" => DeviceKind::FitnessBand,
        "chest_strap" => DeviceKind::ChestStrap,
        "smart_display" => DeviceKind::SmartDisplay,
        "unknown" => DeviceKind::Unknown,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::source::tests::watch;
    use crate::store::Store;

    #[test]
    fn device_kind_codes_round_trip() {
        let all = [
            DeviceKind::Watch,
            DeviceKind::Phone,
            DeviceKind::Scale,
            DeviceKind::Ring,
            DeviceKind::HeadMounted,
            DeviceKind::FitnessBand,
            DeviceKind::ChestStrap,
            DeviceKind::SmartDisplay,
            DeviceKind::Unknown,
        ];
        for kind in all {
            assert_eq!(device_kind_from_code(device_kind_code(kind)), Some(kind));
        }
        assert_eq!(device_kind_from_code("Watch"), None);
    }

    fn count(store: &Store) -> i64 {
        store
            .conn
            .query_row("SELECT count(*) FROM source", [], |row| row.get(0))
            .expect("counts")
    }

    #[test]
    fn a_source_is_stored_once_and_read_back() {
        let mut store = Store::open_in_memory().expect("opens");
        let empty_device = Source {
            device: Some(DeviceInfo::default()),
            ..Source::named("Ring app")
        };
        let tx = store.conn.transaction().expect("begins");
        let mut cache = SourceCache::new();
        let a = id_of(&tx, &watch(), &mut cache).expect("saves");
        // A second lookup without the cache finds the row rather than adding one.
        let b = id_of(&tx, &watch(), &mut SourceCache::new()).expect("finds");
        let plain = id_of(&tx, &Source::named("Ring app"), &mut cache).expect("saves");
        let with_device = id_of(&tx, &empty_device, &mut cache).expect("saves");
        tx.commit().expect("commits");
        assert_eq!(a, b);
        assert_ne!(plain, with_device);
        assert_eq!(count(&store), 3);
        for (id, expected) in [
            (a, watch()),
            (plain, Source::named("Ring app")),
            (with_device, empty_device),
        ] {
            let sql = format!("SELECT {COLUMNS} FROM source s WHERE s.id = ?1");
            let mut statement = store.conn.prepare(&sql).expect("prepares");
            let mut rows = statement.query([id]).expect("queries");
            let row = rows.next().expect("steps").expect("a row");
            let source = read(row, 0).expect("reads");
            assert_eq!(source, expected);
        }
    }
}
