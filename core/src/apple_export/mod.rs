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
//! [`mod@parse`] is the streaming parser that turns an export into the core's records (to a
//! [`parse::Sink`]); [`import`] writes them to the store in batches, idempotently.
//! [`synthetic`] generates realistic synthetic exports with those quirks, which the parser's
//! tests, the benchmarks and `alyze demo` use instead of a member's data. [`time`] reads the export's dates and localised beat times and
//! documents what is exact in a beat series built from them.

mod device;
pub mod import;
mod input;
pub mod parse;
pub mod synthetic;
pub mod time;

pub use device::parse_device;
pub use import::{ImportError, ImportReport, KindCounts, import_export};
pub use parse::{
    Flow, HrvBeats, Outcome, ParseError, ParseOptions, ParseReport, Progress, Sink, SkipReason,
    SleepSample, parse, parse_path, parse_zip,
};
pub use synthetic::{GeneratedSummary, Quirks, SyntheticExport};
