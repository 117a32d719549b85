//! The Apple Health export: `export.zip` holding `apple_health_export/export.xml`.
//!
//! What the file looks like (shared brief "Apple Health export"):
//! - An XML declaration, then an internal DTD (`<!DOCTYPE HealthData [ ... ]>`). The iOS 16 export's
//!   DTD is malformed (an `<!ATTLIST` missing its `>`), so a reader must skip the DTD and parse from
//!   `<HealthData`.
//! - `<HealthData locale="…">` holding `<ExportDate value="…"/>`, `<Me …/>`, then `Record`,
//!   `Correlation`, `Workout` and `ActivitySummary` elements. Records carry `MetadataEntry`
//!   children, HRV records a `HeartRateVariabilityMetadataList` of beats whose `time` is a
//!   localised time of day only (`6:14:48.94 PM`, `08:34:05,10`); a correlation's child records
//!   also appear as top-level records.
//! - Dates are `yyyy-MM-dd HH:mm:ss +hhmm`; the `device` attribute embeds a memory address that
//!   changes between exports of the same data, and there is no per-record identifier.
//! - Real exports also carry stray control characters, metadata keys that collide
//!   case-insensitively, byte-identical duplicate records and several sources recording the same
//!   minutes; every re-export repeats everything exported before.
//!
//! For now the module holds [`synthetic`], a generator of realistic synthetic exports with those
//! quirks, which the importer's tests, the benchmarks and `alyze demo` use instead of a member's
//! data. The streaming importer comes next, beside it.

pub mod synthetic;

pub use synthetic::{GeneratedSummary, Quirks, SyntheticExport};
