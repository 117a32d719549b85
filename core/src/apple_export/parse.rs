//! The streaming parser of Apple Health exports: `export.xml` (or `export.zip`) in, the core's
//! records out to a [`Sink`], with a [`ParseReport`] of what was read, skipped and why.
//!
//! How it copes with real exports (shared brief "Apple Health export"):
//! - Memory is constant whatever the file size: events are read one at a time into reused buffers
//!   (quick-xml over a 256 kB read buffer), only the current top-level element is held, and every
//!   record goes to the sink as soon as its element closes.
//! - The prologue is never parsed: the input is scanned for `<HealthData` and the XML reader starts
//!   there, so the malformed iOS 16 DTD does not matter.
//! - Characters XML 1.0 forbids (`\x0b` …) are replaced with spaces below the XML reader and counted.
//! - One bad record never fails the import: a record with a missing field, an unreadable date or
//!   number, a unit that does not fit its kind or a value the data model refuses
//!   ([`crate::health::Validate`] with [`ParseOptions::bounds`]) is skipped and counted by
//!   [`SkipReason`].
//! - Correlation children are counted and not emitted: they also appear as top-level records, which
//!   are (import once). Activity summaries and elements the core does not read are counted and
//!   skipped.
//! - Metadata keys are compared ASCII-case-insensitively; on a collision the first entry is kept and
//!   the collision counted.
//! - Byte-identical duplicate records are emitted (the store deduplicates by content key) and
//!   counted when they follow each other, which is how real exports carry them: each top-level
//!   element's events are kept as read and compared with the previous element's (a copy and a
//!   comparison cost less than hashing them, and no collision can count a record twice).
//! - Dates and zones (shared brief "Data and sync": an instant is a UTC instant plus the member's
//!   local offset and, when known, the IANA zone): Apple writes every date in the zone the phone
//!   was in *when the export was made*, not where the member was, so a night slept in Tokyo and
//!   exported in Berlin carries Berlin's offset and would fall on the wrong local date. The written
//!   instant is right and is always kept. When a record names its zone (`HKTimeZone`, on sleep and
//!   workouts) and the tz database knows it, the offset becomes that zone's UTC offset at the
//!   instant, summer time included, so local dates and times are the member's where they were.
//!   Records without a zone (most quantity samples) keep the written offset: nothing better is
//!   known. An `HKTimeZone` the tz database does not know is counted in
//!   [`ParseReport::ignored_time_zones`] and the record is kept with its written offset, no zone.
//! - Errors and the report never hold a health value: only counts, offsets and field names.
//!
//! Progress and resuming: [`Sink::progress`] receives the number of bytes parsed (an offset into
//! `export.xml`, just after the last complete top-level element) every
//! [`ParseOptions::progress_every_bytes`]; returning [`Flow::Cancel`] from it or from any record
//! callback stops the parse after the current element. [`ParseReport::resume_offset`] is that
//! record-boundary offset at the end. Records are independent and the store's ingest is
//! idempotent (content keys), so the supported way to resume an interrupted import is to parse the
//! file again from the start; the offsets are exposed so that a later version can skip ahead, which
//! this parser does not do.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, Cursor, Read};
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, Offset, TimeDelta, Utc};
use chrono_tz::Tz;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::device::parse_device;
use super::input::{PrologueError, ROOT_MARK, Sanitiser, skip_prologue};
use super::synthetic::EXPORT_XML_PATH;
use super::time::{parse_date, parse_time_of_day, resolve_beats};
use crate::health::heartbeat::HeartbeatSeries;
use crate::health::kinds::{QuantityKind, SleepStage};
use crate::health::plausibility::Plausibility;
use crate::health::quantity::QuantitySample;
use crate::health::sleep::SleepSegment;
use crate::health::source::Source;
use crate::health::time::{Timestamp, check_interval, seconds_between};
use crate::health::workout::{Workout, WorkoutEvent, WorkoutEventKind};
use crate::health::{HealthError, Validate};
use crate::platform::RecordKind;
use crate::platform::healthkit::{
    activity_from_name, record_kind, refine_activity, sleep_stage_from_name,
    sleep_stage_from_value, to_canonical,
};

/// Whether the parse goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum Flow {
    /// Go on.
    Continue,
    /// Stop after the current element; the report says [`Outcome::Cancelled`].
    Cancel,
}

/// Where parsed records go. Every callback may stop the parse by returning [`Flow::Cancel`] (for a
/// cancel button, or because the store failed and the importer keeps its own error).
pub trait Sink {
    /// A quantity sample, in its kind's canonical unit.
    fn quantity(&mut self, sample: QuantitySample) -> Flow;
    /// The beat list of an HRV record (after that record's SDNN sample).
    fn heartbeats(&mut self, beats: HrvBeats) -> Flow;
    /// One sleep analysis sample; grouping them into nights is the importer's job.
    fn sleep(&mut self, sample: SleepSample) -> Flow;
    /// A workout with its totals and events.
    fn workout(&mut self, workout: Workout) -> Flow;
    /// Bytes parsed so far, at a record boundary: every [`ParseOptions::progress_every_bytes`], and
    /// once more when the parse ends (its answer is then ignored). See the module documentation.
    fn progress(&mut self, progress: Progress) -> Flow {
        let _ = progress;
        Flow::Continue
    }
}

/// How far the parse is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Bytes of `export.xml` parsed: the offset just after the last complete top-level element.
    pub bytes_read: u64,
    /// Size of `export.xml` when known (given in [`ParseOptions::total_bytes`], or the zip entry's
    /// size).
    pub total_bytes: Option<u64>,
}

/// The beats an HRV record lists, as a heartbeat series (see [`super::time`] for what is exact
/// and what is approximated).
#[derive(Debug, Clone, PartialEq)]
pub struct HrvBeats {
    /// The beats; offsets from the export's beat times, gaps from the bpm values.
    pub series: HeartbeatSeries,
    /// Each beat's `bpm` as the export writes it (Apple rounds it to a whole number).
    pub bpm: Vec<f64>,
}

impl HrvBeats {
    /// The RR interval each beat's bpm implies, `60000 / bpm` ms: approximate, because the bpm is
    /// rounded (about ±8 ms at 60 bpm); the beat times give the intervals to about ±10 ms.
    pub fn rr_from_bpm_ms(&self) -> Vec<f64> {
        self.bpm.iter().map(|bpm| 60_000.0 / bpm).collect()
    }
}

/// One `HKCategoryTypeIdentifierSleepAnalysis` record.
#[derive(Debug, Clone, PartialEq)]
pub struct SleepSample {
    /// The stage and its interval (zone from the record's `HKTimeZone`).
    pub segment: SleepSegment,
    /// Who wrote it.
    pub source: Source,
}

/// Options of a parse.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseOptions {
    /// The bounds records are validated against.
    pub bounds: Plausibility,
    /// How often [`Sink::progress`] is called, in bytes parsed.
    pub progress_every_bytes: u64,
    /// The size of the input, passed on in [`Progress`].
    pub total_bytes: Option<u64>,
}

impl Default for ParseOptions {
    fn default() -> Self {
        Self {
            bounds: Plausibility::DEFAULT,
            progress_every_bytes: 1 << 20,
            total_bytes: None,
        }
    }
}

/// Why a record was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SkipReason {
    /// The element's markup could not be read (a bad attribute or entity).
    Malformed,
    /// A required attribute is missing or empty.
    MissingField,
    /// A date is not a valid `yyyy-MM-dd HH:mm:ss +hhmm`.
    BadDate,
    /// A value, duration or statistic is not a number.
    BadNumber,
    /// A unit does not fit the kind.
    UnknownUnit,
    /// The data model refused the record (bounds, an interval ending before it starts, …).
    Implausible,
    /// An HRV record's beat list could not be read or resolved; its SDNN sample is kept.
    BadBeatList,
}

/// How the parse ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// `</HealthData>` was reached.
    Complete,
    /// The sink asked to stop.
    Cancelled,
    /// The input ended inside the document (a cut file): every complete record before the cut was
    /// emitted, the one cut through was not.
    Truncated,
    /// The XML is broken at byte `at` (not a cut): records before it were emitted.
    Malformed {
        /// Offset in `export.xml` where the reader gave up.
        at: u64,
    },
}

/// What a parse read, emitted, skipped and found.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseReport {
    /// How the parse ended.
    pub outcome: Outcome,
    /// Offset just after the last complete top-level element (see the module documentation).
    pub resume_offset: u64,
    /// The export's `locale`.
    pub locale: Option<String>,
    /// The export's `ExportDate`.
    pub export_date: Option<Timestamp>,
    /// Top-level `Record` elements per `type`, duplicates included (whether read or not).
    pub records: BTreeMap<String, u64>,
    /// Quantity samples emitted per kind.
    pub quantities: BTreeMap<QuantityKind, u64>,
    /// Heartbeat series emitted.
    pub heartbeat_series: u64,
    /// Beats in the emitted series.
    pub beats: u64,
    /// Sleep samples emitted per stage.
    pub sleep: BTreeMap<SleepStage, u64>,
    /// Workouts emitted.
    pub workouts: u64,
    /// Events of the emitted workouts.
    pub workout_events: u64,
    /// `WorkoutStatistics` elements read.
    pub workout_statistics: u64,
    /// `Correlation` elements.
    pub correlations: u64,
    /// `Record` children of correlations, not emitted (their top-level copies are).
    pub correlation_records: u64,
    /// `ActivitySummary` elements, ignored.
    pub activity_summaries: u64,
    /// Top-level records of types the core does not read.
    pub ignored_records: u64,
    /// Other top-level elements skipped (`ClinicalRecord`, `Audiogram`, …).
    pub other_elements: u64,
    /// Records skipped, by reason.
    pub skipped: BTreeMap<SkipReason, u64>,
    /// Characters XML 1.0 forbids, replaced with spaces (in the bytes read; a cancelled parse may
    /// have read up to 256 kB past the last record it parsed).
    pub invalid_characters: u64,
    /// Metadata entries dropped because their key collided case-insensitively with an earlier one.
    pub metadata_collisions: u64,
    /// Top-level elements identical to the one before them.
    pub duplicates: u64,
    /// `HKTimeZone` values that do not name a zone of the tz database, ignored (the record is kept
    /// without a zone, at the offsets its dates were written with).
    pub ignored_time_zones: u64,
}

impl ParseReport {
    fn new() -> Self {
        Self {
            outcome: Outcome::Truncated,
            resume_offset: 0,
            locale: None,
            export_date: None,
            records: BTreeMap::new(),
            quantities: BTreeMap::new(),
            heartbeat_series: 0,
            beats: 0,
            sleep: BTreeMap::new(),
            workouts: 0,
            workout_events: 0,
            workout_statistics: 0,
            correlations: 0,
            correlation_records: 0,
            activity_summaries: 0,
            ignored_records: 0,
            other_elements: 0,
            skipped: BTreeMap::new(),
            invalid_characters: 0,
            metadata_collisions: 0,
            duplicates: 0,
            ignored_time_zones: 0,
        }
    }

    /// Records skipped, all reasons together.
    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }
}

/// Why an input could not be parsed at all. Messages hold no health data.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// The input is empty.
    #[error("the export is empty")]
    Empty,
    /// The input has no `<HealthData>` root element where an export has it.
    #[error("not an Apple Health export: no HealthData element at the start of the document")]
    NotAnExport,
    /// The archive holds no `export.xml`.
    #[error("the archive holds no apple_health_export/export.xml")]
    NoExportInArchive,
    /// Reading failed.
    #[error("reading the export failed: {0}")]
    Io(#[from] io::Error),
    /// The archive could not be read.
    #[error("reading the export archive failed: {0}")]
    Zip(#[from] zip::result::ZipError),
}

/// Parses an `export.xml` from any reader (a `BufRead` works as well: the parser does its own
/// buffering) and emits its records to `sink`.
///
/// Returns the report when the document could be opened, whatever happened after (see
/// [`ParseReport::outcome`]; an input that ends early is [`Outcome::Truncated`]); an error when
/// the input is not an export or reading it failed (the sink has then received every record
/// before the failure).
pub fn parse<R: Read, S: Sink + ?Sized>(
    input: R,
    sink: &mut S,
    options: &ParseOptions,
) -> Result<ParseReport, ParseError> {
    let mut source = Sanitiser::new(input);
    skip_prologue(&mut source).map_err(|e| match e {
        PrologueError::Empty => ParseError::Empty,
        PrologueError::NoRoot => ParseError::NotAnExport,
        PrologueError::Io(e) => ParseError::Io(e),
    })?;
    let root_offset = source.consumed() - ROOT_MARK.len() as u64;
    // The reader sees the mark the scan consumed, then the rest of the input.
    let mut reader = Reader::from_reader(Cursor::new(ROOT_MARK).chain(source));
    reader.config_mut().trim_text(true);
    let mut run = Run {
        reader,
        root_offset,
        skip_buf: Vec::with_capacity(4 << 10),
        sink,
        options,
        report: ParseReport::new(),
        ctx: Ctx::Top,
        element: Element::default(),
        sources: SourceCache::default(),
        events: Vec::new(),
        previous_events: None,
        last_progress: 0,
        finished: false,
    };
    run.open_root()?;
    run.read_body()?;
    let inner = run.reader.get_ref().get_ref().1;
    run.report.invalid_characters = inner.invalid();
    let report = run.report;
    let _ = run.sink.progress(Progress {
        bytes_read: report.resume_offset,
        total_bytes: options.total_bytes,
    });
    Ok(report)
}

/// Parses the `export.xml` inside an `export.zip` at `path` (`apple_health_export/export.xml`, or
/// another entry named `export.xml` if the folder is named differently; `export_cda.xml` is
/// ignored). The entry's size is passed to [`Sink::progress`] when the options do not give one.
pub fn parse_zip<S: Sink + ?Sized>(
    path: impl AsRef<Path>,
    sink: &mut S,
    options: &ParseOptions,
) -> Result<ParseReport, ParseError> {
    let mut archive = zip::ZipArchive::new(BufReader::new(File::open(path)?))?;
    let name = if archive.index_for_name(EXPORT_XML_PATH).is_some() {
        EXPORT_XML_PATH.to_owned()
    } else {
        archive
            .file_names()
            .filter_map(Result::ok)
            .find(|name| name == "export.xml" || name.ends_with("/export.xml"))
            .map(|name| name.into_owned())
            .ok_or(ParseError::NoExportInArchive)?
    };
    let entry = archive.by_name(&name)?;
    let options = ParseOptions {
        total_bytes: options.total_bytes.or(Some(entry.size())),
        ..options.clone()
    };
    parse(entry, sink, &options)
}

/// Parses an export file: a zip archive (by its `PK` signature) or `export.xml` itself.
pub fn parse_path<S: Sink + ?Sized>(
    path: impl AsRef<Path>,
    sink: &mut S,
    options: &ParseOptions,
) -> Result<ParseReport, ParseError> {
    let path = path.as_ref();
    let mut file = File::open(path)?;
    let mut signature = [0u8; 4];
    let is_zip = file.read(&mut signature)? == 4 && signature == *b"PK\x03\x04";
    if is_zip {
        return parse_zip(path, sink, options);
    }
    let file = File::open(path)?;
    let options = ParseOptions {
        total_bytes: options
            .total_bytes
            .or(file.metadata().ok().map(|m| m.len())),
        ..options.clone()
    };
    parse(file, sink, &options)
}

/// Where in the document the reader is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// Between top-level elements.
    Top,
    /// Inside a `Record` the core reads.
    Record,
    /// Inside its `HeartRateVariabilityMetadataList`.
    Beats,
    /// Inside a `Correlation`.
    Correlation,
    /// Inside a `Workout`.
    Workout,
}

/// The parse state. One top-level element at a time lives in `element`, whose buffers are reused.
struct Run<'a, R: Read, S: Sink + ?Sized> {
    reader: Reader<io::Chain<Cursor<&'static [u8]>, Sanitiser<R>>>,
    root_offset: u64,
    skip_buf: Vec<u8>,
    sink: &'a mut S,
    options: &'a ParseOptions,
    report: ParseReport,
    ctx: Ctx,
    element: Element,
    sources: SourceCache,
    /// The current top-level element's events, each as its kind and raw bytes.
    events: Vec<u8>,
    /// The previous top-level element's, when there was one.
    previous_events: Option<Vec<u8>>,
    last_progress: u64,
    finished: bool,
}

/// The quick-xml error of a subtree skip or an event read.
type XmlResult<T> = Result<T, quick_xml::Error>;

impl<R: Read, S: Sink + ?Sized> Run<'_, R, S> {
    /// Offset in the file of the reader's position.
    fn offset(&self) -> u64 {
        self.root_offset + self.reader.buffer_position()
    }

    /// Reads `<HealthData …>`; anything else means the input is not an export.
    fn open_root(&mut self) -> Result<(), ParseError> {
        let mut buf = Vec::with_capacity(256);
        match self.reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.name().0 == "HealthData" => {
                self.report.locale = attribute(&e, "locale");
                Ok(())
            }
            Ok(Event::Empty(e)) if e.name().0 == "HealthData" => {
                self.report.locale = attribute(&e, "locale");
                self.report.outcome = Outcome::Complete;
                self.finished = true;
                Ok(())
            }
            Err(quick_xml::Error::Io(e)) => Err(ParseError::Io(unshare(e))),
            _ => Err(ParseError::NotAnExport),
        }
    }

    /// Reads the body up to `</HealthData>`, the end of the input, a broken spot or a cancel.
    fn read_body(&mut self) -> Result<(), ParseError> {
        let mut buf = Vec::with_capacity(8 << 10);
        while !self.finished {
            buf.clear();
            let result = match self.reader.read_event_into(&mut buf) {
                Ok(Event::Start(e)) => self.start(&e, false),
                Ok(Event::Empty(e)) => self.start(&e, true),
                Ok(Event::End(e)) => {
                    self.end(e.name().0, &e);
                    Ok(())
                }
                Ok(Event::Eof) => {
                    self.report.outcome = Outcome::Truncated;
                    self.finished = true;
                    Ok(())
                }
                Ok(_) => Ok(()),
                Err(e) => Err(e),
            };
            if let Err(error) = result {
                match error {
                    // A cut compressed stream (a partly copied zip entry) ends this way.
                    quick_xml::Error::Io(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                        self.report.outcome = Outcome::Truncated;
                    }
                    quick_xml::Error::Io(e) => return Err(ParseError::Io(unshare(e))),
                    _ if self.reader.get_ref().get_ref().1.at_eof() => {
                        self.report.outcome = Outcome::Truncated;
                    }
                    _ => {
                        self.report.outcome = Outcome::Malformed {
                            at: self.root_offset + self.reader.error_position(),
                        };
                    }
                }
                self.finished = true;
            }
        }
        Ok(())
    }

    /// Skips the rest of an element whose start tag was just read (nothing for an empty one).
    fn skip(&mut self, e: &BytesStart<'_>, empty: bool) -> XmlResult<()> {
        if !empty {
            let end = e.to_end().into_owned();
            self.reader
                .read_to_end_into(end.name(), &mut self.skip_buf)?;
        }
        Ok(())
    }

    /// Keeps an event of the current top-level element for the duplicate check.
    fn keep(&mut self, tag: u8, raw: &str) {
        self.events.push(tag);
        self.events.extend_from_slice(raw.as_bytes());
    }

    fn start(&mut self, e: &BytesStart<'_>, empty: bool) -> XmlResult<()> {
        let name = e.name().0;
        self.keep(if empty { b'E' } else { b'S' }, e.as_ref());
        match self.ctx {
            Ctx::Top => self.start_top(e, name, empty),
            Ctx::Record => {
                match name {
                    "MetadataEntry" => self.metadata(e),
                    "HeartRateVariabilityMetadataList" if !empty => {
                        self.element.has_beat_list = true;
                        self.ctx = Ctx::Beats;
                        return Ok(());
                    }
                    _ => {}
                }
                self.skip(e, empty)
            }
            Ctx::Beats => {
                if name == "InstantaneousBeatsPerMinute" {
                    self.beat(e);
                }
                self.skip(e, empty)
            }
            Ctx::Correlation => {
                if name == "Record" {
                    self.report.correlation_records += 1;
                }
                self.skip(e, empty)
            }
            Ctx::Workout => {
                match name {
                    "MetadataEntry" => self.metadata(e),
                    "WorkoutEvent" => self.workout_event(e),
                    "WorkoutStatistics" => self.workout_statistics(e),
                    // `WorkoutActivity` (iOS 16) repeats the workout's own statistics and events
                    // per activity; reading both would count them twice. Routes are files.
                    _ => {}
                }
                self.skip(e, empty)
            }
        }
    }

    fn start_top(&mut self, e: &BytesStart<'_>, name: &str, empty: bool) -> XmlResult<()> {
        match name {
            "Record" => {
                self.element.clear();
                let wanted = self.record_attributes(e);
                if !wanted {
                    self.skip(e, empty)?;
                    self.finish_top();
                } else if empty {
                    self.finish_record();
                    self.finish_top();
                } else {
                    self.ctx = Ctx::Record;
                }
            }
            "Workout" => {
                self.element.clear();
                self.workout_attributes(e);
                if empty {
                    self.finish_workout();
                    self.finish_top();
                } else {
                    self.ctx = Ctx::Workout;
                }
            }
            "Correlation" => {
                self.report.correlations += 1;
                if empty {
                    self.finish_top();
                } else {
                    self.ctx = Ctx::Correlation;
                }
            }
            _ => {
                match name {
                    "ActivitySummary" => self.report.activity_summaries += 1,
                    "ExportDate" => {
                        self.report.export_date = attribute(e, "value")
                            .and_then(|v| parse_date(&v))
                            .and_then(|d| Timestamp::from_local(d, None).ok());
                    }
                    "Me" => {}
                    _ => self.report.other_elements += 1,
                }
                self.skip(e, empty)?;
                self.finish_top();
            }
        }
        Ok(())
    }

    fn end(&mut self, name: &str, raw: &str) {
        self.keep(b'/', raw);
        match (self.ctx, name) {
            (Ctx::Top, "HealthData") => {
                self.report.outcome = Outcome::Complete;
                self.finished = true;
            }
            (Ctx::Record, "Record") => {
                self.finish_record();
                self.finish_top();
            }
            (Ctx::Beats, "HeartRateVariabilityMetadataList") => self.ctx = Ctx::Record,
            (Ctx::Correlation, "Correlation") => self.finish_top(),
            (Ctx::Workout, "Workout") => {
                self.finish_workout();
                self.finish_top();
            }
            _ => {}
        }
    }

    /// Closes a top-level element: duplicate check, resume offset, progress.
    fn finish_top(&mut self) {
        self.ctx = Ctx::Top;
        if self.previous_events.as_ref() == Some(&self.events) {
            self.report.duplicates += 1;
        }
        // The previous buffer is reused for the next element: no allocation per element.
        let mut events = self.previous_events.take().unwrap_or_default();
        events.clear();
        self.previous_events = Some(std::mem::replace(&mut self.events, events));
        let offset = self.offset();
        self.report.resume_offset = offset;
        if offset - self.last_progress >= self.options.progress_every_bytes {
            self.last_progress = offset;
            let progress = Progress {
                bytes_read: offset,
                total_bytes: self.options.total_bytes,
            };
            let flow = self.sink.progress(progress);
            self.flow(flow);
        }
    }

    fn flow(&mut self, flow: Flow) {
        if flow == Flow::Cancel && !self.finished {
            self.report.outcome = Outcome::Cancelled;
            self.finished = true;
        }
    }

    fn skip_record(&mut self, reason: SkipReason) {
        *self.report.skipped.entry(reason).or_default() += 1;
    }

    /// Reads a top-level record's attributes; `false` when the record is not one the core reads
    /// (or its markup is broken, which is counted).
    fn record_attributes(&mut self, e: &BytesStart<'_>) -> bool {
        let el = &mut self.element;
        for attr in e.attributes().with_checks(false) {
            let Ok(attr) = attr else {
                el.problem = Some(SkipReason::Malformed);
                break;
            };
            let Ok(value) = attr.normalized_value(XmlVersion::Implicit1_0) else {
                el.problem = Some(SkipReason::Malformed);
                break;
            };
            let slot = match attr.key.0 {
                "type" => {
                    set(&mut el.type_, &value);
                    match self.report.records.get_mut(el.type_.as_str()) {
                        Some(n) => *n += 1,
                        None => {
                            self.report.records.insert(el.type_.clone(), 1);
                        }
                    }
                    el.kind = record_kind(&el.type_);
                    // Apple writes `type` first: unread types cost no more than this.
                    if !matches!(el.kind, Some(RecordKind::Quantity(_) | RecordKind::Sleep)) {
                        self.report.ignored_records += 1;
                        return false;
                    }
                    continue;
                }
                "sourceName" => &mut el.source_name,
                "sourceVersion" => &mut el.source_version,
                "device" => &mut el.device,
                "unit" => &mut el.unit,
                "value" => &mut el.value,
                "startDate" => &mut el.start,
                "endDate" => &mut el.end,
                _ => continue,
            };
            set(slot, &value);
        }
        match (el.problem, el.kind) {
            (Some(reason), _) => {
                self.skip_record(reason);
                false
            }
            (None, None) => {
                self.skip_record(SkipReason::MissingField);
                false
            }
            (None, Some(_)) => true,
        }
    }

    fn workout_attributes(&mut self, e: &BytesStart<'_>) {
        let el = &mut self.element;
        for attr in e.attributes().with_checks(false) {
            let Ok(attr) = attr else {
                el.problem = Some(SkipReason::Malformed);
                return;
            };
            let Ok(value) = attr.normalized_value(XmlVersion::Implicit1_0) else {
                el.problem = Some(SkipReason::Malformed);
                return;
            };
            let slot = match attr.key.0 {
                "workoutActivityType" => &mut el.type_,
                "duration" => &mut el.value,
                "durationUnit" => &mut el.unit,
                "sourceName" => &mut el.source_name,
                "sourceVersion" => &mut el.source_version,
                "device" => &mut el.device,
                "startDate" => &mut el.start,
                "endDate" => &mut el.end,
                "totalDistance" => &mut el.total_distance,
                "totalDistanceUnit" => &mut el.total_distance_unit,
                "totalEnergyBurned" => &mut el.total_energy,
                "totalEnergyBurnedUnit" => &mut el.total_energy_unit,
                "uuid" => &mut el.uuid,
                _ => continue,
            };
            set(slot, &value);
        }
    }

    fn metadata(&mut self, e: &BytesStart<'_>) {
        let (mut key, mut value) = (None, None);
        for attr in e.attributes().with_checks(false).flatten() {
            match attr.key.0 {
                "key" => key = attr.normalized_value(XmlVersion::Implicit1_0).ok(),
                "value" => value = attr.normalized_value(XmlVersion::Implicit1_0).ok(),
                _ => {}
            }
        }
        if let (Some(key), Some(value)) = (key, value)
            && !self.element.metadata.insert(&key, &value)
        {
            self.report.metadata_collisions += 1;
        }
    }

    fn beat(&mut self, e: &BytesStart<'_>) {
        let (mut bpm, mut time) = (None, None);
        for attr in e.attributes().with_checks(false).flatten() {
            match attr.key.0 {
                "bpm" => bpm = attr.value.trim().parse::<f64>().ok(),
                "time" => time = parse_time_of_day(&attr.value),
                _ => {}
            }
        }
        match (time, bpm) {
            (Some(time), Some(bpm)) => self.element.beats.push((time, bpm)),
            _ => self.element.bad_beats = true,
        }
    }

    fn workout_event(&mut self, e: &BytesStart<'_>) {
        let (mut kind, mut date, mut duration, mut unit) = (None, None, 0.0, None);
        let mut problem = None;
        for attr in e.attributes().with_checks(false).flatten() {
            match attr.key.0 {
                "type" => kind = event_kind(&attr.value),
                "date" => match parse_date(&attr.value) {
                    Some(d) => date = Some(d),
                    None => problem = Some(SkipReason::BadDate),
                },
                "duration" => match attr.value.trim().parse::<f64>() {
                    Ok(d) => duration = d,
                    Err(_) => problem = Some(SkipReason::BadNumber),
                },
                "durationUnit" => unit = Some(attr.value.into_owned()),
                _ => {}
            }
        }
        let seconds = seconds_of(duration, unit.as_deref().unwrap_or("min"));
        match (problem, kind, date, seconds) {
            (Some(p), _, _, _) => self.element.note(p),
            (None, _, None, _) => self.element.note(SkipReason::MissingField),
            (None, _, _, None) => self.element.note(SkipReason::UnknownUnit),
            // Events the core does not model (a pause-or-resume request) are left out.
            (None, None, _, _) => {}
            (None, Some(kind), Some(date), Some(seconds)) => {
                self.element.events.push((kind, date, seconds));
            }
        }
    }

    fn workout_statistics(&mut self, e: &BytesStart<'_>) {
        self.report.workout_statistics += 1;
        let (mut type_, mut unit) = (String::new(), String::new());
        let (mut sum, mut average, mut maximum) = (None, None, None);
        for attr in e.attributes().with_checks(false).flatten() {
            let slot = match attr.key.0 {
                "type" => &mut type_,
                "unit" => &mut unit,
                "sum" => sum.get_or_insert_with(String::new),
                "average" => average.get_or_insert_with(String::new),
                "maximum" => maximum.get_or_insert_with(String::new),
                _ => continue,
            };
            set(slot, &attr.value);
        }
        let el = &mut self.element;
        let result = if type_ == "HKQuantityTypeIdentifierActiveEnergyBurned" {
            statistic(sum.as_deref(), |v| kcal_of(v, &unit)).map(|kcal| {
                if let Some(kcal) = kcal {
                    *el.energy_kcal.get_or_insert(0.0) += kcal;
                }
            })
        } else if type_ == "HKQuantityTypeIdentifierHeartRate" {
            let bpm = |v| to_canonical(QuantityKind::HeartRate, &unit, v);
            statistic(average.as_deref(), bpm).and_then(|avg| {
                let max = statistic(maximum.as_deref(), bpm)?;
                el.avg_hr = avg.or(el.avg_hr);
                el.max_hr = max.or(el.max_hr);
                Ok(())
            })
        } else if type_.starts_with("HKQuantityTypeIdentifierDistance") {
            // A multisport workout has one distance per sport: the total is their sum.
            statistic(sum.as_deref(), |v| metres_of(v, &unit)).map(|m| {
                if let Some(m) = m {
                    *el.distance_m.get_or_insert(0.0) += m;
                }
            })
        } else {
            Ok(())
        };
        if let Err(problem) = result {
            el.note(problem);
        }
    }

    /// The record's zone from its `HKTimeZone` metadata, when that names a zone of the tz database.
    /// Any other value is counted in [`ParseReport::ignored_time_zones`] and the record keeps its
    /// written offsets (see [`stamp`]).
    fn zone(&mut self) -> Option<RecordZone> {
        let name = self.element.metadata.get("HKTimeZone")?;
        let shaped = Timestamp::new(DateTime::UNIX_EPOCH, 0, Some(name.to_owned())).is_ok();
        let zone = shaped
            .then(|| name.parse::<Tz>().ok())
            .flatten()
            .map(|tz| RecordZone {
                name: name.to_owned(),
                tz,
            });
        if zone.is_none() {
            self.report.ignored_time_zones += 1;
        }
        zone
    }

    fn timestamps(
        &mut self,
        zone: &Option<RecordZone>,
    ) -> Result<(Timestamp, Timestamp), SkipReason> {
        let el = &self.element;
        if el.start.is_empty() || el.end.is_empty() {
            return Err(SkipReason::MissingField);
        }
        let stamp = |text: &str| {
            parse_date(text)
                .and_then(|local| stamp(local, zone).ok())
                .ok_or(SkipReason::BadDate)
        };
        Ok((stamp(&el.start)?, stamp(&el.end)?))
    }

    fn source(&mut self) -> Result<Arc<Source>, SkipReason> {
        let el = &self.element;
        if el.source_name.trim().is_empty() {
            return Err(SkipReason::MissingField);
        }
        Ok(self
            .sources
            .get(&el.source_name, &el.source_version, &el.device))
    }

    /// Builds, validates and emits the record in `element`.
    fn finish_record(&mut self) {
        let result = match self.element.kind {
            Some(RecordKind::Quantity(kind)) => self.finish_quantity(kind),
            Some(RecordKind::Sleep) => self.finish_sleep(),
            _ => Ok(()),
        };
        if let Err(reason) = result {
            self.skip_record(reason);
        }
    }

    fn finish_quantity(&mut self, kind: QuantityKind) -> Result<(), SkipReason> {
        if let Some(problem) = self.element.problem {
            return Err(problem);
        }
        let zone = self.zone();
        let (start, end) = self.timestamps(&zone)?;
        let el = &self.element;
        if el.value.is_empty() || el.unit.is_empty() {
            return Err(SkipReason::MissingField);
        }
        let value: f64 = el.value.trim().parse().map_err(|_| SkipReason::BadNumber)?;
        let value = to_canonical(kind, &el.unit, value).ok_or(SkipReason::UnknownUnit)?;
        let source = self.source()?;
        let sample = QuantitySample {
            kind,
            value,
            start,
            end,
            source,
            platform_id: None,
        };
        sample
            .validate_with(&self.options.bounds)
            .map_err(|_| SkipReason::Implausible)?;
        let beats = if self.element.has_beat_list {
            let beats = self.heartbeats(&sample);
            if beats.is_none() {
                self.skip_record(SkipReason::BadBeatList);
            }
            beats
        } else {
            None
        };
        *self.report.quantities.entry(kind).or_default() += 1;
        let flow = self.sink.quantity(sample);
        self.flow(flow);
        if let Some(beats) = beats {
            self.report.heartbeat_series += 1;
            self.report.beats += beats.bpm.len() as u64;
            let flow = self.sink.heartbeats(beats);
            self.flow(flow);
        }
        Ok(())
    }

    /// The beat list of the HRV record in `element`, `None` when it cannot be used.
    fn heartbeats(&self, sample: &QuantitySample) -> Option<HrvBeats> {
        let el = &self.element;
        if el.bad_beats || el.beats.is_empty() {
            return None;
        }
        let (start, beats) = resolve_beats(&sample.start, &el.beats)?;
        let series = HeartbeatSeries {
            start,
            beats,
            source: Source::clone(&sample.source),
            platform_id: None,
        };
        series.validate_with(&self.options.bounds).ok()?;
        Some(HrvBeats {
            series,
            bpm: el.beats.iter().map(|&(_, bpm)| bpm).collect(),
        })
    }

    fn finish_sleep(&mut self) -> Result<(), SkipReason> {
        if let Some(problem) = self.element.problem {
            return Err(problem);
        }
        let zone = self.zone();
        let (start, end) = self.timestamps(&zone)?;
        let value = self.element.value.trim();
        if value.is_empty() {
            return Err(SkipReason::MissingField);
        }
        let stage = match sleep_stage_from_name(value) {
            // Some writers store the raw value rather than its name.
            SleepStage::Unknown => value
                .parse::<i64>()
                .map_or(SleepStage::Unknown, sleep_stage_from_value),
            stage => stage,
        };
        let source = self.source()?;
        let plausible = check_interval("segment", &start, &end).is_ok()
            && seconds_between(&start, &end) <= self.options.bounds.max_sleep_session_s
            && source.validate().is_ok();
        if !plausible {
            return Err(SkipReason::Implausible);
        }
        *self.report.sleep.entry(stage).or_default() += 1;
        let sample = SleepSample {
            segment: SleepSegment { stage, start, end },
            source: Source::clone(&source),
        };
        let flow = self.sink.sleep(sample);
        self.flow(flow);
        Ok(())
    }

    fn finish_workout(&mut self) {
        match self.build_workout() {
            Ok(workout) => {
                self.report.workouts += 1;
                self.report.workout_events += workout.events.len() as u64;
                let flow = self.sink.workout(workout);
                self.flow(flow);
            }
            Err(reason) => self.skip_record(reason),
        }
    }

    fn build_workout(&mut self) -> Result<Workout, SkipReason> {
        if let Some(problem) = self.element.problem {
            return Err(problem);
        }
        let zone = self.zone();
        let (start, end) = self.timestamps(&zone)?;
        let source = self.source()?;
        let el = &self.element;
        if el.type_.is_empty() {
            return Err(SkipReason::MissingField);
        }
        let indoor = el.metadata.get("HKIndoorWorkout").and_then(flag);
        let swimming = el
            .metadata
            .get("HKSwimmingLocationType")
            .and_then(|v| v.trim().parse::<i64>().ok());
        let activity = refine_activity(activity_from_name(&el.type_), indoor, swimming);
        let duration_s = if el.value.is_empty() {
            seconds_between(&start, &end)
        } else {
            let value: f64 = el.value.trim().parse().map_err(|_| SkipReason::BadNumber)?;
            let unit = if el.unit.is_empty() { "min" } else { &el.unit };
            seconds_of(value, unit).ok_or(SkipReason::UnknownUnit)?
        };
        // Exports before iOS 16 carry the totals as attributes instead of statistics.
        let energy = match el.energy_kcal {
            Some(kcal) => Some(kcal),
            None => optional_total(&el.total_energy, &el.total_energy_unit, kcal_of)?,
        };
        let distance = match el.distance_m {
            Some(m) => Some(m),
            None => optional_total(&el.total_distance, &el.total_distance_unit, metres_of)?,
        };
        let mut events = Vec::with_capacity(el.events.len());
        for &(kind, date, seconds) in &el.events {
            let at = stamp(date, &zone).map_err(|_| SkipReason::BadDate)?;
            let delta = TimeDelta::try_milliseconds((seconds * 1000.0).round() as i64)
                .ok_or(SkipReason::Implausible)?;
            let until = at.plus(delta).ok_or(SkipReason::Implausible)?;
            events.push(WorkoutEvent {
                kind,
                start: at,
                end: until,
            });
        }
        events.sort_by_key(|e| e.start.utc());
        let workout = Workout {
            activity,
            start,
            end,
            duration_s,
            active_energy_kcal: energy,
            avg_heart_rate_bpm: el.avg_hr,
            max_heart_rate_bpm: el.max_hr,
            distance_m: distance,
            events,
            source: Source::clone(&source),
            platform_id: (!el.uuid.trim().is_empty()).then(|| el.uuid.trim().to_owned()),
        };
        workout
            .validate_with(&self.options.bounds)
            .map_err(|_: HealthError| SkipReason::Implausible)?;
        Ok(workout)
    }
}

/// The current top-level element, its buffers reused from one element to the next.
#[derive(Default)]
struct Element {
    kind: Option<RecordKind>,
    /// `type` of a record, `workoutActivityType` of a workout.
    type_: String,
    source_name: String,
    source_version: String,
    device: String,
    /// `unit` of a record, `durationUnit` of a workout.
    unit: String,
    /// `value` of a record, `duration` of a workout.
    value: String,
    start: String,
    end: String,
    total_distance: String,
    total_distance_unit: String,
    total_energy: String,
    total_energy_unit: String,
    uuid: String,
    metadata: Metadata,
    has_beat_list: bool,
    beats: Vec<(f64, f64)>,
    bad_beats: bool,
    events: Vec<(WorkoutEventKind, DateTime<FixedOffset>, f64)>,
    energy_kcal: Option<f64>,
    avg_hr: Option<f64>,
    max_hr: Option<f64>,
    distance_m: Option<f64>,
    /// The first problem found in the element's attributes or children.
    problem: Option<SkipReason>,
}

impl Element {
    fn clear(&mut self) {
        self.kind = None;
        for text in [
            &mut self.type_,
            &mut self.source_name,
            &mut self.source_version,
            &mut self.device,
            &mut self.unit,
            &mut self.value,
            &mut self.start,
            &mut self.end,
            &mut self.total_distance,
            &mut self.total_distance_unit,
            &mut self.total_energy,
            &mut self.total_energy_unit,
            &mut self.uuid,
        ] {
            text.clear();
        }
        self.metadata.clear();
        self.has_beat_list = false;
        self.beats.clear();
        self.bad_beats = false;
        self.events.clear();
        self.energy_kcal = None;
        self.avg_hr = None;
        self.max_hr = None;
        self.distance_m = None;
        self.problem = None;
    }

    fn note(&mut self, problem: SkipReason) {
        self.problem.get_or_insert(problem);
    }
}

/// An element's metadata entries, keys compared ASCII-case-insensitively (HealthKit's keys are
/// ASCII); the slots are reused.
#[derive(Default)]
struct Metadata {
    entries: Vec<(String, String)>,
    len: usize,
}

impl Metadata {
    fn clear(&mut self) {
        self.len = 0;
    }

    /// Adds an entry; `false` (and nothing added) when the key collides with an earlier one.
    fn insert(&mut self, key: &str, value: &str) -> bool {
        if self.get(key).is_some() {
            return false;
        }
        if self.len == self.entries.len() {
            self.entries.push(Default::default());
        }
        if let Some((k, v)) = self.entries.get_mut(self.len) {
            set(k, key);
            set(v, value);
            self.len += 1;
        }
        true
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .take(self.len)
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }
}

/// The last source built, reused while records keep naming it (they come grouped by type and
/// source, so parsing the device string once per run of records is enough).
#[derive(Default)]
struct SourceCache {
    name: String,
    version: String,
    device: String,
    source: Option<Arc<Source>>,
}

impl SourceCache {
    /// The source named so, shared with every record of the run (`QuantitySample::source`).
    fn get(&mut self, name: &str, version: &str, device: &str) -> Arc<Source> {
        if let Some(source) = &self.source
            && self.name == name
            && self.version == version
            && self.device == device
        {
            return source.clone();
        }
        let source = Arc::new(Source {
            name: name.to_owned(),
            bundle_id: None,
            version: (!version.trim().is_empty()).then(|| version.to_owned()),
            device: parse_device(device),
        });
        set(&mut self.name, name);
        set(&mut self.version, version);
        set(&mut self.device, device);
        self.source = Some(source.clone());
        source
    }
}

/// A record's `HKTimeZone`: its name as written and the tz-database zone it resolves to.
struct RecordZone {
    name: String,
    tz: Tz,
}

/// The timestamp of an export date written as `local`, in the record's zone when it has one.
///
/// Apple writes every date in the zone the phone was in when the export was made, not where the
/// member was: a night slept in Tokyo and exported in Berlin reads `2022-10-13 00:30:00 +0200`.
/// The written instant is right; its offset is not the member's. When the record names its zone
/// (`HKTimeZone`, on sleep and workouts), the offset is that zone's UTC offset at the instant
/// (summer time included), so the local date and time are the member's where they were. Without a
/// zone (most quantity samples) the written offset is all there is and is kept.
fn stamp(
    local: DateTime<FixedOffset>,
    zone: &Option<RecordZone>,
) -> Result<Timestamp, HealthError> {
    let Some(zone) = zone else {
        return Timestamp::from_local(local, None);
    };
    let utc = local.with_timezone(&Utc);
    let offset_s = utc.with_timezone(&zone.tz).offset().fix().local_minus_utc();
    Timestamp::new(utc, offset_s, Some(zone.name.clone()))
}

fn set(slot: &mut String, value: &str) {
    slot.clear();
    slot.push_str(value);
}

/// One attribute of an element, unescaped.
fn attribute(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.0 == name)
        .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok())
        .map(|v| v.into_owned())
}

/// quick-xml shares its I/O errors; the report wants its own.
fn unshare(error: Arc<io::Error>) -> io::Error {
    Arc::try_unwrap(error)
        .unwrap_or_else(|shared| io::Error::new(shared.kind(), shared.to_string()))
}

/// `HKWorkoutEventType…` names; `None` for types the core does not model.
fn event_kind(name: &str) -> Option<WorkoutEventKind> {
    Some(match name.strip_prefix("HKWorkoutEventType")? {
        "Pause" => WorkoutEventKind::Pause,
        "Resume" => WorkoutEventKind::Resume,
        "MotionPaused" => WorkoutEventKind::MotionPaused,
        "MotionResumed" => WorkoutEventKind::MotionResumed,
        "Lap" => WorkoutEventKind::Lap,
        "Segment" => WorkoutEventKind::Segment,
        "Marker" => WorkoutEventKind::Marker,
        _ => return None,
    })
}

/// A metadata flag: `1`/`0` as the export writes booleans, or `true`/`false`.
fn flag(value: &str) -> Option<bool> {
    match value.trim() {
        "1" | "true" | "YES" => Some(true),
        "0" | "false" | "NO" => Some(false),
        _ => None,
    }
}

/// A duration in seconds, from the export's `durationUnit`.
fn seconds_of(value: f64, unit: &str) -> Option<f64> {
    let factor = match unit.trim() {
        "s" | "sec" => 1.0,
        "min" => 60.0,
        "hr" | "h" => 3600.0,
        "ms" => 0.001,
        _ => return None,
    };
    value.is_finite().then_some(value * factor)
}

/// Energy in kcal (`Cal` is the food calorie, a kcal).
fn kcal_of(value: f64, unit: &str) -> Option<f64> {
    let factor = match unit.trim() {
        "kcal" | "Cal" => 1.0,
        "kJ" => 1.0 / 4.184,
        "cal" => 0.001,
        "J" => 1.0 / 4184.0,
        _ => return None,
    };
    value.is_finite().then_some(value * factor)
}

/// Distance in metres.
fn metres_of(value: f64, unit: &str) -> Option<f64> {
    let factor = match unit.trim() {
        "m" => 1.0,
        "km" => 1000.0,
        "cm" => 0.01,
        "mi" => 1609.344,
        "yd" => 0.9144,
        "ft" => 0.3048,
        _ => return None,
    };
    value.is_finite().then_some(value * factor)
}

/// One statistic's text converted: `Ok(None)` when absent.
fn statistic(
    text: Option<&str>,
    convert: impl Fn(f64) -> Option<f64>,
) -> Result<Option<f64>, SkipReason> {
    let Some(text) = text else {
        return Ok(None);
    };
    let number: f64 = text.trim().parse().map_err(|_| SkipReason::BadNumber)?;
    convert(number).map(Some).ok_or(SkipReason::UnknownUnit)
}

/// An optional total given as attribute text and unit: `Ok(None)` when absent.
fn optional_total(
    value: &str,
    unit: &str,
    convert: fn(f64, &str) -> Option<f64>,
) -> Result<Option<f64>, SkipReason> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    let number: f64 = value.trim().parse().map_err(|_| SkipReason::BadNumber)?;
    convert(number, unit)
        .map(Some)
        .ok_or(SkipReason::UnknownUnit)
}

#[cfg(test)]
mod tests;
