//! A generator of realistic synthetic Apple Health exports.
//!
//! One member of the clinic wears an Apple Watch and carries an iPhone (and optionally a sleep ring
//! whose app writes to Health); a blood-pressure cuff app logs some mornings. Per day the export
//! holds heart rate through the day (dense during workouts), the resting heart rate, several HRV
//! (SDNN) readings a night with their beat lists, respiratory rate, wrist temperature, occasional
//! VO2max, sleep (stages from the iOS 16 release on, "asleep" before), a workout most days
//! (strength, running, cycling, HIIT, yoga), an activity summary and sometimes a blood-pressure
//! correlation. Everything is in the real export's shape and order (records grouped by type,
//! then correlations, workouts, activity summaries), with the quirks of real exports switchable one
//! by one ([`Quirks`]).
//!
//! Properties the importer's tests rely on:
//! - Deterministic: the bytes depend only on the [`SyntheticExport`]; [`SyntheticExport::export_nonce`]
//!   changes nothing but the `HKDevice` memory addresses, as between two real exports.
//! - Each day's content depends only on the seed and the day, never on how many days are written, so
//!   [`SyntheticExport::newer`] is the same export extended, as a real re-export is.
//! - Streaming: elements are written one at a time; memory stays flat whatever the number of days.
//! - [`GeneratedSummary`] counts what was written, so an import can be checked against it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use chrono::{Datelike, NaiveDate};

use crate::platform::healthkit::{SLEEP_ANALYSIS, SLEEP_ASLEEP_LEGACY_NAME};

/// Path of the export document inside `export.zip`.
pub const EXPORT_XML_PATH: &str = "apple_health_export/export.xml";
/// Path of the clinical-document export inside `export.zip`; never well-formed in real exports.
pub const EXPORT_CDA_PATH: &str = "apple_health_export/export_cda.xml";

const HEART_RATE: &str = "HKQuantityTypeIdentifierHeartRate";
const RESTING_HEART_RATE: &str = "HKQuantityTypeIdentifierRestingHeartRate";
const HRV_SDNN: &str = "HKQuantityTypeIdentifierHeartRateVariabilitySDNN";
const RESPIRATORY_RATE: &str = "HKQuantityTypeIdentifierRespiratoryRate";
const WRIST_TEMPERATURE: &str = "HKQuantityTypeIdentifierAppleSleepingWristTemperature";
const VO2_MAX: &str = "HKQuantityTypeIdentifierVO2Max";
const BP_SYSTOLIC: &str = "HKQuantityTypeIdentifierBloodPressureSystolic";
const BP_DIASTOLIC: &str = "HKQuantityTypeIdentifierBloodPressureDiastolic";
const BP_CORRELATION: &str = "HKCorrelationTypeIdentifierBloodPressure";
const ACTIVE_ENERGY: &str = "HKQuantityTypeIdentifierActiveEnergyBurned";
const DISTANCE_RUNNING: &str = "HKQuantityTypeIdentifierDistanceWalkingRunning";
const DISTANCE_CYCLING: &str = "HKQuantityTypeIdentifierDistanceCycling";

/// The unit records of `type_` are written in (each type has one; sleep records have none).
fn unit(type_: &str) -> Option<&'static str> {
    match type_ {
        HEART_RATE | RESTING_HEART_RATE | RESPIRATORY_RATE => Some("count/min"),
        HRV_SDNN => Some("ms"),
        WRIST_TEMPERATURE => Some("degC"),
        VO2_MAX => Some("mL/min\u{b7}kg"),
        BP_SYSTOLIC | BP_DIASTOLIC => Some("mmHg"),
        _ => None,
    }
}

const SLEEP_IN_BED: &str = "HKCategoryValueSleepAnalysisInBed";
const SLEEP_UNSPECIFIED: &str = "HKCategoryValueSleepAnalysisAsleepUnspecified";
const SLEEP_AWAKE: &str = "HKCategoryValueSleepAnalysisAwake";
const SLEEP_CORE: &str = "HKCategoryValueSleepAnalysisAsleepCore";
const SLEEP_DEEP: &str = "HKCategoryValueSleepAnalysisAsleepDeep";
const SLEEP_REM: &str = "HKCategoryValueSleepAnalysisAsleepREM";

const RING_SOURCE: &str = "Oura";
const CUFF_SOURCE: &str = "Health Mate";

/// The member's home zone and the zone of the trip ([`Quirks::travel`]).
const HOME_ZONE: &str = "Europe/Berlin";
const TRIP_ZONE: &str = "Asia/Tokyo";

/// Days of the trip within each 120-day period ([`Quirks::travel`]): the default export starting
/// 2022-09-01 is in Tokyo from 12 to 16 October, before the end of summer time on 30 October.
const TRIP_DAYS: std::ops::RangeInclusive<u32> = 41..=45;
const TRIP_PERIOD: u32 = 120;

/// Days between 0001-01-01 (chrono's day 1) and 1970-01-01.
const UNIX_EPOCH_DAYS_FROM_CE: i64 = 719_163;

const MINUTE: i64 = 60;
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

/// The configuration of one synthetic export. [`Default`] is 90 days from 2022-09-01 with every
/// quirk on: it spans the iOS 16 release, a trip to Tokyo and the end of summer time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntheticExport {
    /// Seeds every value; two exports with the same configuration are byte-identical.
    pub seed: u64,
    /// Seeds only the `HKDevice` memory addresses, which change between two real exports of the
    /// same data (with [`Quirks::device_address`]).
    pub export_nonce: u64,
    /// The first day of data (the night ending on that morning, then the day).
    pub start_date: NaiveDate,
    /// How many days of data.
    pub days: u32,
    /// Nights from this date on have sleep stages (iOS 16 was released on 2022-09-12); earlier
    /// nights use the pre-iOS 16 `…Asleep` value, and the watch has no temperature sensor data.
    pub stages_from: NaiveDate,
    /// The phone's locale: the `locale` attribute and the format of the HRV beat times.
    pub locale: ExportLocale,
    /// Who records what.
    pub sources: Sources,
    /// Which quirks of real exports to reproduce.
    pub quirks: Quirks,
}

/// The locale of the exporting phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportLocale {
    /// `en_US`: beat times like `6:14:48.94 PM`.
    EnUs,
    /// `de_DE`: beat times like `18:14:48,94`.
    DeDe,
}

impl ExportLocale {
    fn tag(self) -> &'static str {
        match self {
            Self::EnUs => "en_US",
            Self::DeDe => "de_DE",
        }
    }
}

/// The member's sources. The watch and the iPhone are always there; the blood-pressure cuff app
/// writes the correlations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sources {
    /// The owner's first name, as in `Alex’s Apple Watch` (with Apple's typographic apostrophe).
    pub owner: String,
    /// A sleep ring whose app writes heart rate, HRV and sleep for the nights it records.
    pub ring: bool,
}

impl Default for Sources {
    fn default() -> Self {
        Self {
            owner: "Alex".to_owned(),
            ring: true,
        }
    }
}

/// Quirks of real exports, each on by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quirks {
    /// The iOS 16 DTD: the `<!ATTLIST WorkoutActivity` declaration lacks its closing `>`.
    pub malformed_dtd: bool,
    /// A vertical tab (`\x0b`, not allowed in XML 1.0) inside the `sourceName` of some heart-rate
    /// records.
    pub control_characters: bool,
    /// Some workouts carry a second metadata key differing from another only in case.
    pub colliding_metadata_keys: bool,
    /// Some records are written twice, byte for byte.
    pub duplicate_records: bool,
    /// The ring (with [`Sources::ring`]) records every night, the same minutes as the watch; without
    /// this quirk it records only the nights the watch is charging.
    pub overlapping_sources: bool,
    /// The `HKDevice` memory address depends on [`SyntheticExport::export_nonce`]; without this quirk
    /// it is the same in every export.
    pub device_address: bool,
    /// A trip to another time zone every 120 days (days 41 to 45 of each period).
    pub travel: bool,
    /// Every date is written in the zone the phone is in at export time (the zone of the last day),
    /// as Apple does, not in the zone the record was made in; `HKTimeZone` still names the latter.
    /// Without this quirk dates are written in the zone of recording.
    pub export_zone_offsets: bool,
}

impl Quirks {
    /// Every quirk on.
    pub const ALL: Self = Self {
        malformed_dtd: true,
        control_characters: true,
        colliding_metadata_keys: true,
        duplicate_records: true,
        overlapping_sources: true,
        device_address: true,
        travel: true,
        export_zone_offsets: true,
    };

    /// Every quirk off.
    pub const NONE: Self = Self {
        malformed_dtd: false,
        control_characters: false,
        colliding_metadata_keys: false,
        duplicate_records: false,
        overlapping_sources: false,
        device_address: false,
        travel: false,
        export_zone_offsets: false,
    };
}

impl Default for Quirks {
    fn default() -> Self {
        Self::ALL
    }
}

impl Default for SyntheticExport {
    fn default() -> Self {
        // Both dates are valid constants; the fallbacks are never taken.
        let start_date = NaiveDate::from_ymd_opt(2022, 9, 1).unwrap_or_default();
        let stages_from = NaiveDate::from_ymd_opt(2022, 9, 12).unwrap_or_default();
        Self {
            seed: 0x0061_6c79_7a65, // "alyze"
            export_nonce: 1,
            start_date,
            days: 90,
            stages_from,
            locale: ExportLocale::DeDe,
            sources: Sources::default(),
            quirks: Quirks::ALL,
        }
    }
}

/// What one generation wrote, for checking an import against it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GeneratedSummary {
    /// Days of data written.
    pub days: u32,
    /// Top-level `Record` elements per `type`, duplicates included (children of correlations are
    /// not counted here: they repeat top-level records).
    pub records: BTreeMap<String, u64>,
    /// Top-level `Record` elements per source name (without injected control characters).
    pub records_by_source: BTreeMap<String, u64>,
    /// Top-level sleep records per `value`, duplicates included.
    pub sleep_values: BTreeMap<String, u64>,
    /// `InstantaneousBeatsPerMinute` elements, over all HRV records (duplicates included).
    pub hrv_beats: u64,
    /// `Correlation` elements per `type`.
    pub correlations: BTreeMap<String, u64>,
    /// `Record` children of correlations (each also written as a top-level record).
    pub correlation_records: u64,
    /// `Workout` elements per `workoutActivityType`.
    pub workouts: BTreeMap<String, u64>,
    /// `WorkoutEvent` children of workouts.
    pub workout_events: u64,
    /// `WorkoutStatistics` children of workouts.
    pub workout_statistics: u64,
    /// `ActivitySummary` elements.
    pub activity_summaries: u64,
    /// The quirks injected.
    pub quirks: QuirkCounts,
    /// Bytes of `export.xml`.
    pub bytes: u64,
}

/// How often each quirk was injected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QuirkCounts {
    /// Whether the DTD is the malformed iOS 16 one.
    pub malformed_dtd: bool,
    /// Records with a control character in an attribute value (one character each).
    pub control_characters: u64,
    /// Metadata entries whose key collides case-insensitively with another of the same element.
    pub colliding_metadata_keys: u64,
    /// Extra byte-identical copies of records (a record written twice counts one here).
    pub duplicate_records: u64,
    /// Ring records on nights the watch recorded too.
    pub overlapping_records: u64,
}

impl QuirkCounts {
    /// The number of quirks injected, the malformed DTD counting one.
    pub fn total(&self) -> u64 {
        u64::from(self.malformed_dtd)
            + self.control_characters
            + self.colliding_metadata_keys
            + self.duplicate_records
            + self.overlapping_records
    }
}

impl GeneratedSummary {
    /// Top-level `Record` elements written, duplicates included.
    pub fn total_records(&self) -> u64 {
        self.records.values().sum()
    }

    /// Distinct top-level records: what an idempotent import stores from the `Record` elements.
    pub fn distinct_records(&self) -> u64 {
        self.total_records() - self.quirks.duplicate_records
    }

    /// `Workout` elements written.
    pub fn total_workouts(&self) -> u64 {
        self.workouts.values().sum()
    }
}

impl SyntheticExport {
    /// The same export made later: `extra_days` more days of data, everything earlier repeated
    /// unchanged (as a real re-export does), and a new export nonce, so only the device addresses of
    /// the shared part differ.
    pub fn newer(&self, extra_days: u32) -> Self {
        Self {
            days: self.days.saturating_add(extra_days),
            export_nonce: mix(self.export_nonce ^ 0x006e_6577_6572),
            ..self.clone()
        }
    }

    /// Writes `export.xml` to `w`, streaming; `w` is buffered internally.
    pub fn write_xml(&self, w: impl Write) -> io::Result<GeneratedSummary> {
        let mut generator = Generator::new(self, BufWriter::with_capacity(1 << 16, w));
        generator.write_document()?;
        generator.out.flush()?;
        Ok(generator.summary)
    }

    /// Writes `export.zip` at `path`: `apple_health_export/export.xml` (deflated, streamed) and a
    /// non-well-formed `apple_health_export/export_cda.xml`, as the Health app does.
    pub fn write_zip(&self, path: impl AsRef<Path>) -> io::Result<GeneratedSummary> {
        let file = File::create(path)?;
        let mut zip = zip::ZipWriter::new(BufWriter::new(file));
        // A fixed timestamp (the first day) keeps the archive deterministic too.
        let modified = zip::DateTime::from_date_and_time(
            u16::try_from(self.start_date.year().clamp(1980, 2107)).unwrap_or(1980),
            u8::try_from(self.start_date.month()).unwrap_or(1),
            u8::try_from(self.start_date.day()).unwrap_or(1),
            0,
            0,
            0,
        )
        .unwrap_or_default();
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(modified)
            // About 250 kB a day: past 4 GB the entry needs ZIP64, which must be known up front.
            .large_file(self.days > 15_000);
        zip.start_file(EXPORT_XML_PATH, options)
            .map_err(io::Error::other)?;
        let summary = self.write_xml(&mut zip)?;
        zip.start_file(EXPORT_CDA_PATH, options)
            .map_err(io::Error::other)?;
        zip.write_all(cda_document(self).as_bytes())?;
        zip.finish().map_err(io::Error::other)?.flush()?;
        Ok(summary)
    }

    fn start_day(&self) -> i64 {
        i64::from(self.start_date.num_days_from_ce()) - UNIX_EPOCH_DAYS_FROM_CE
    }

    fn stages_day(&self) -> i64 {
        i64::from(self.stages_from.num_days_from_ce()) - UNIX_EPOCH_DAYS_FROM_CE
    }
}

/// A deliberately broken clinical document: real `export_cda.xml` files are not well-formed
/// either, and the importer must ignore this one.
fn cda_document(cfg: &SyntheticExport) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<ClinicalDocument xmlns=\"urn:hl7-org:v3\">\n \
         <title>Health & Fitness export of {}</title>\n <component>\n  <structuredBody>\n   \
         <entry><observation classCode=\"OBS\" moodCode=\"EVN\">\n</component>\n",
        cfg.sources.owner
    )
}

// --- Randomness ---------------------------------------------------------------------------------

/// SplitMix64's finaliser: a good 64-bit mix, used to derive independent streams.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// SplitMix64 (Steele, Lea & Flood 2014): tiny, fast and good enough for synthetic data.
struct Rng(u64);

/// The independent random streams of one day, one per kind of content, so that adding a kind or a
/// quirk does not shift the values of the others.
#[derive(Clone, Copy)]
enum Stream {
    Night = 1,
    Plan,
    Physiology,
    HeartRate,
    Resting,
    WorkoutHeartRate,
    Hrv,
    Respiration,
    Temperature,
    Vo2,
    BloodPressure,
    Sleep,
    RingSleep,
    Workout,
    Activity,
}

impl Rng {
    fn for_day(seed: u64, day: u32, stream: Stream) -> Self {
        Self(mix(mix(seed ^ mix(u64::from(day))) ^ stream as u64))
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform integer in [lo, hi).
    fn int(&mut self, lo: i64, hi: i64) -> i64 {
        let span = (hi - lo).max(1) as u64;
        lo + (self.next_u64() % span) as i64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u = self.unit().max(1e-12);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

// --- Time ---------------------------------------------------------------------------------------

/// Where the member is on a day.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Zone {
    Home,
    Trip,
}

impl Zone {
    fn name(self) -> &'static str {
        match self {
            Self::Home => HOME_ZONE,
            Self::Trip => TRIP_ZONE,
        }
    }

    /// UTC offset in seconds at a UTC instant: Berlin with the EU rule (summer time from 01:00 UTC
    /// on the last Sunday of March to 01:00 UTC on the last Sunday of October), Tokyo fixed.
    fn offset(self, utc: i64) -> i64 {
        match self {
            Self::Trip => 9 * HOUR,
            Self::Home => {
                let (year, _, _) = civil_from_days(utc.div_euclid(DAY));
                let start = last_sunday(year, 3) * DAY + HOUR;
                let end = last_sunday(year, 10) * DAY + HOUR;
                if (start..end).contains(&utc) {
                    2 * HOUR
                } else {
                    HOUR
                }
            }
        }
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01 (inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The day count of the last Sunday of a month with 31 days (March, October).
fn last_sunday(year: i64, month: i64) -> i64 {
    let last = days_from_civil(year, month, 31);
    // 1970-01-01 was a Thursday: (days + 4) mod 7 is 0 on Sundays.
    last - (last + 4).rem_euclid(7)
}

/// Appends `yyyy-MM-dd HH:mm:ss +hhmm`.
fn push_date(buf: &mut String, utc: i64, offset: i64) {
    let local = utc + offset;
    let (y, mo, d) = civil_from_days(local.div_euclid(DAY));
    let s = local.rem_euclid(DAY);
    let sign = if offset < 0 { '-' } else { '+' };
    let off = offset.abs() / MINUTE;
    // Writing to a String cannot fail.
    let _ = write!(
        buf,
        "{y:04}-{mo:02}-{d:02} {:02}:{:02}:{:02} {sign}{:02}{:02}",
        s / HOUR,
        s % HOUR / MINUTE,
        s % MINUTE,
        off / 60,
        off % 60
    );
}

/// Appends the localised time of day of a beat, `centis` in hundredths of a second since the epoch.
fn push_beat_time(buf: &mut String, centis: i64, offset: i64, locale: ExportLocale) {
    let local = centis + offset * 100;
    let of_day = local.rem_euclid(DAY * 100);
    let (h, m, s, cs) = (
        of_day / (HOUR * 100),
        of_day % (HOUR * 100) / 6000,
        of_day % 6000 / 100,
        of_day % 100,
    );
    // Writing to a String cannot fail.
    let _ = match locale {
        ExportLocale::EnUs => {
            let h12 = if h % 12 == 0 { 12 } else { h % 12 };
            let half = if h < 12 { "AM" } else { "PM" };
            write!(buf, "{h12}:{m:02}:{s:02}.{cs:02} {half}")
        }
        ExportLocale::DeDe => write!(buf, "{h:02}:{m:02}:{s:02},{cs:02}"),
    };
}

// --- The member's days --------------------------------------------------------------------------

/// The kinds of workout the member does.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Activity {
    Strength,
    Running,
    Cycling,
    Hiit,
    Yoga,
}

impl Activity {
    fn identifier(self) -> &'static str {
        match self {
            Self::Strength => "HKWorkoutActivityTypeTraditionalStrengthTraining",
            Self::Running => "HKWorkoutActivityTypeRunning",
            Self::Cycling => "HKWorkoutActivityTypeCycling",
            Self::Hiit => "HKWorkoutActivityTypeHighIntensityIntervalTraining",
            Self::Yoga => "HKWorkoutActivityTypeYoga",
        }
    }

    /// Fraction of the heart-rate reserve held on average, and kcal per minute.
    fn effort(self) -> (f64, f64) {
        match self {
            Self::Strength => (0.45, 6.0),
            Self::Running => (0.72, 11.0),
            Self::Cycling => (0.62, 9.0),
            Self::Hiit => (0.78, 12.0),
            Self::Yoga => (0.25, 3.5),
        }
    }
}

/// A planned workout.
#[derive(Clone, Copy)]
struct Planned {
    activity: Activity,
    start: i64,
    /// Wall-clock length, pause included, in seconds.
    length: i64,
    /// Start and length of the pause, if any.
    pause: Option<(i64, i64)>,
    indoor: bool,
}

impl Planned {
    fn end(&self) -> i64 {
        self.start + self.length
    }

    /// Training load in arbitrary units (intensity × minutes), for the next night's recovery.
    fn load(&self) -> f64 {
        self.activity.effort().0 * self.length as f64 / 60.0
    }
}

/// One day of the member's life: the night ending that morning, then the day until the next bed.
struct Day {
    index: u32,
    zone: Zone,
    /// The zone its dates are written in ([`Quirks::export_zone_offsets`]).
    written_zone: Zone,
    bed: i64,
    wake: i64,
    next_bed: i64,
    /// Whether the watch was worn that night (otherwise it was charging).
    watch_night: bool,
    /// Whether the night has sleep stages (iOS 16 or later).
    staged: bool,
    workout: Option<Planned>,
    resting_hr: f64,
    sdnn: f64,
    respiration: f64,
    temperature: f64,
}

impl SyntheticExport {
    fn zone(&self, index: u32) -> Zone {
        if self.quirks.travel && TRIP_DAYS.contains(&(index % TRIP_PERIOD)) {
            Zone::Trip
        } else {
            Zone::Home
        }
    }

    /// Local midnight of day `index` as a UTC instant.
    fn midnight(&self, index: u32) -> i64 {
        let naive = (self.start_day() + i64::from(index)) * DAY;
        let zone = self.zone(index);
        // The offset an hour before midnight UTC is the one in force at local midnight on every day
        // except the two of a summer-time change, where it is one hour off: harmless here.
        naive - zone.offset(naive - HOUR)
    }

    /// Bedtime (the evening before day `index`) and wake time of the night ending on day `index`.
    fn night(&self, index: u32) -> (i64, i64) {
        let mut rng = Rng::for_day(self.seed, index, Stream::Night);
        let midnight = self.midnight(index);
        let bed = midnight + rng.int(-95 * MINUTE, 25 * MINUTE);
        let wake = midnight + rng.int(6 * HOUR + 10 * MINUTE, 7 * HOUR + 40 * MINUTE);
        (bed, wake)
    }

    fn plan(&self, index: u32) -> Option<Planned> {
        let mut rng = Rng::for_day(self.seed, index, Stream::Plan);
        let weekday = (self.start_day() + i64::from(index) + 4).rem_euclid(7);
        let travelling = self.zone(index) == Zone::Trip;
        let (activity, minutes) = match weekday {
            1 => (Activity::Strength, rng.range(45.0, 70.0)),
            2 => (Activity::Running, rng.range(30.0, 55.0)),
            3 => (Activity::Yoga, rng.range(30.0, 60.0)),
            4 => (Activity::Hiit, rng.range(20.0, 35.0)),
            6 => (Activity::Cycling, rng.range(60.0, 150.0)),
            0 if rng.chance(0.6) => (Activity::Running, rng.range(55.0, 100.0)),
            _ => return None,
        };
        if rng.chance(0.15) {
            return None;
        }
        let (_, wake) = self.night(index);
        let midnight = self.midnight(index);
        let start = if rng.chance(0.5) {
            wake + rng.int(40 * MINUTE, 90 * MINUTE)
        } else {
            midnight + rng.int(17 * HOUR + 30 * MINUTE, 19 * HOUR + 30 * MINUTE)
        };
        let pause = matches!(activity, Activity::Running | Activity::Cycling)
            .then(|| rng.chance(0.4))
            .filter(|&p| p)
            .map(|_| {
                let at = rng.int(10 * MINUTE, 20 * MINUTE);
                (start + at, rng.int(MINUTE, 4 * MINUTE))
            });
        let pause_length = pause.map_or(0, |(_, l)| l);
        let length = (minutes * 60.0) as i64 + pause_length;
        // On a flight east the day is short: no workout that would run into the next night.
        let (next_bed, _) = self.night(index + 1);
        if start + length > next_bed - 30 * MINUTE {
            return None;
        }
        // Away from home the member trains in the hotel gym.
        let indoor = travelling
            || matches!(
                activity,
                Activity::Strength | Activity::Hiit | Activity::Yoga
            )
            || rng.chance(0.2);
        Some(Planned {
            activity,
            start,
            length,
            pause,
            indoor,
        })
    }

    fn day(&self, index: u32) -> Day {
        let (bed, wake) = self.night(index);
        let (next_bed, _) = self.night(index + 1);
        let zone = self.zone(index);
        let mut rng = Rng::for_day(self.seed, index, Stream::Physiology);
        let previous_load = index
            .checked_sub(1)
            .and_then(|i| self.plan(i))
            .map_or(0.0, |p| p.load());
        // The first nights after a flight are worse (jet lag); a hard previous day lowers HRV and
        // raises the resting heart rate.
        let jet_lag = index > 0 && self.zone(index - 1) != zone;
        let strain = previous_load / 60.0 + if jet_lag { 1.0 } else { 0.0 };
        let fitness = f64::from(index % 365) / 365.0;
        let written_zone = if self.quirks.export_zone_offsets {
            self.zone(self.days)
        } else {
            zone
        };
        Day {
            index,
            zone,
            written_zone,
            bed,
            wake,
            next_bed,
            watch_night: !rng.chance(0.1),
            staged: self.start_day() + i64::from(index) >= self.stages_day(),
            workout: self.plan(index),
            resting_hr: 56.0 - 2.0 * fitness + 2.0 * strain + 1.5 * rng.normal(),
            sdnn: (48.0 + 6.0 * fitness) * (1.0 - 0.12 * strain) * (0.12 * rng.normal()).exp(),
            respiration: 14.5 + 0.5 * strain + 0.5 * rng.normal(),
            temperature: 35.9 + 0.2 * strain + 0.15 * rng.normal(),
        }
    }
}

impl Day {
    /// The offset its dates are written with at `utc`.
    fn offset(&self, utc: i64) -> i64 {
        self.written_zone.offset(utc)
    }

    /// Whether the ring recorded the night ([`Quirks::overlapping_sources`]).
    fn ring_night(&self, cfg: &SyntheticExport) -> bool {
        cfg.sources.ring && (cfg.quirks.overlapping_sources || !self.watch_night)
    }
}

/// A stage of the synthetic hypnogram.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Awake,
    Core,
    Deep,
    Rem,
}

impl Stage {
    fn value(self) -> &'static str {
        match self {
            Self::Awake => SLEEP_AWAKE,
            Self::Core => SLEEP_CORE,
            Self::Deep => SLEEP_DEEP,
            Self::Rem => SLEEP_REM,
        }
    }
}

/// A night's stages from sleep onset to wake: ~90-minute cycles, deep sleep early, REM late, brief
/// awakenings between cycles.
fn hypnogram(rng: &mut Rng, bed: i64, wake: i64) -> Vec<(i64, i64, Stage)> {
    let mut segments = Vec::with_capacity(32);
    let mut t = bed + rng.int(5 * MINUTE, 20 * MINUTE);
    let night = (wake - bed).max(1) as f64;
    while t < wake {
        let progress = (t - bed) as f64 / night;
        let plan = [
            (Stage::Core, rng.range(15.0, 35.0)),
            (Stage::Deep, rng.range(5.0, 35.0) * (1.0 - progress)),
            (Stage::Core, rng.range(5.0, 20.0)),
            (Stage::Rem, rng.range(5.0, 15.0) + 25.0 * progress),
            (
                Stage::Awake,
                if rng.chance(0.4) {
                    rng.range(1.0, 6.0)
                } else {
                    0.0
                },
            ),
        ];
        for (stage, minutes) in plan {
            let length = (minutes * 60.0) as i64;
            if length < MINUTE || t >= wake {
                continue;
            }
            let end = (t + length).min(wake);
            // Merge consecutive segments of the same stage, as the watch does.
            match segments.last_mut() {
                Some((_, last_end, last)) if *last == stage => *last_end = end,
                _ => segments.push((t, end, stage)),
            }
            t = end;
        }
    }
    segments
}

/// The asleep intervals of a hypnogram (stages merged, awakenings removed), as written by sources
/// without stages.
fn asleep_chunks(segments: &[(i64, i64, Stage)]) -> Vec<(i64, i64)> {
    let mut chunks: Vec<(i64, i64)> = Vec::new();
    for &(start, end, stage) in segments {
        if stage == Stage::Awake {
            continue;
        }
        match chunks.last_mut() {
            Some((_, last_end)) if *last_end == start => *last_end = end,
            _ => chunks.push((start, end)),
        }
    }
    chunks
}

/// Heart-rate samples of a workout, every 15 s or so: a warm-up ramp, then the activity's effort,
/// in bursts for HIIT.
fn workout_heart_rate(cfg: &SyntheticExport, day: &Day, plan: &Planned) -> Vec<(i64, u32)> {
    let mut rng = Rng::for_day(cfg.seed, day.index, Stream::WorkoutHeartRate);
    let (effort, _) = plan.activity.effort();
    let max_hr = 186.0;
    let mut samples = Vec::with_capacity((plan.length / 15).max(0) as usize + 1);
    let mut t = plan.start + rng.int(3, 12);
    while t < plan.end() {
        let elapsed = (t - plan.start) as f64;
        let ramp = (elapsed / 300.0).min(1.0);
        let burst = if plan.activity == Activity::Hiit && (elapsed as i64 / 60) % 2 == 0 {
            0.15
        } else {
            0.0
        };
        let reserve = (max_hr - day.resting_hr) * (0.2 + (effort + burst - 0.2) * ramp);
        let bpm = (day.resting_hr + reserve + 3.0 * rng.normal()).clamp(45.0, 198.0);
        samples.push((t, bpm.round() as u32));
        t += 15 + rng.int(0, 3);
    }
    samples
}

/// A morning blood-pressure reading: its instants (saved 40 s after it is taken), systolic,
/// diastolic.
fn blood_pressure(cfg: &SyntheticExport, day: &Day) -> Option<(When, u32, u32)> {
    let mut rng = Rng::for_day(cfg.seed, day.index, Stream::BloodPressure);
    rng.chance(0.35).then(|| {
        let at = day.wake + rng.int(15 * MINUTE, 45 * MINUTE);
        let systolic = rng.range(110.0, 130.0).round() as u32;
        let diastolic = rng.range(68.0, 84.0).round() as u32;
        (When::instant(at, at + 40), systolic, diastolic)
    })
}

// --- Writing ------------------------------------------------------------------------------------

/// Which of the member's sources writes a record.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Who {
    Watch,
    IPhone,
    Ring,
    Cuff,
}

/// A source as written in a record: name, version, escaped device string.
#[derive(Clone, Copy)]
struct Source<'a> {
    name: &'a str,
    version: &'a str,
    device: Option<&'a str>,
}

/// The export's sources, with the device strings of this export.
struct SourceSet {
    watch_name: String,
    watch_name_tab: String,
    iphone_name: String,
    watch_devices: [String; 2],
    iphone_devices: [String; 2],
    cuff_device: String,
}

/// Software versions before and after the iOS 16 release.
const WATCH_VERSIONS: [&str; 2] = ["8.7", "9.0"];
const IPHONE_VERSIONS: [&str; 2] = ["15.6.1", "16.0"];

impl SourceSet {
    fn new(cfg: &SyntheticExport) -> Self {
        let owner = &cfg.sources.owner;
        let nonce = if cfg.quirks.device_address {
            cfg.export_nonce
        } else {
            0
        };
        // Heap addresses as iOS prints them (`0x28…` on arm64), different per device and export.
        let address = |device: u64| 0x2_8000_0000 + (mix(nonce ^ mix(device)) & 0x0fff_ffff) * 16;
        let device = |id: u64, rest: &str| {
            format!("&lt;&lt;HKDevice: 0x{:09x}&gt;, {rest}&gt;", address(id))
        };
        let watch = |v: &str| {
            device(
                1,
                &format!(
                    "name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,16, software:{v}"
                ),
            )
        };
        let iphone = |v: &str| {
            device(
                2,
                &format!(
                    "name:iPhone, manufacturer:Apple Inc., model:iPhone, hardware:iPhone14,5, software:{v}"
                ),
            )
        };
        Self {
            watch_name: format!("{owner}\u{2019}s Apple Watch"),
            watch_name_tab: format!("{owner}\u{2019}s Apple\u{b}Watch"),
            iphone_name: format!("{owner}\u{2019}s iPhone"),
            watch_devices: WATCH_VERSIONS.map(watch),
            iphone_devices: IPHONE_VERSIONS.map(iphone),
            cuff_device: device(
                3,
                "name:BPM Connect, manufacturer:Withings, model:BPM Connect, firmware:2.1.1",
            ),
        }
    }

    /// The source `who` writes as on `day`.
    fn of(&self, who: Who, day: &Day) -> Source<'_> {
        let i = usize::from(day.staged);
        let (name, version, device): (&str, &str, Option<&str>) = match who {
            Who::Watch => (
                &self.watch_name,
                WATCH_VERSIONS[i],
                Some(&self.watch_devices[i]),
            ),
            Who::IPhone => (
                &self.iphone_name,
                IPHONE_VERSIONS[i],
                Some(&self.iphone_devices[i]),
            ),
            Who::Ring => (RING_SOURCE, "4.9.1", None),
            Who::Cuff => (CUFF_SOURCE, "6.3.0", Some(&self.cuff_device)),
        };
        Source {
            name,
            version,
            device,
        }
    }
}

/// The instants of a record.
#[derive(Clone, Copy)]
struct When {
    created: i64,
    start: i64,
    end: i64,
}

impl When {
    /// An instant `at`, saved at `created`.
    fn instant(at: i64, created: i64) -> Self {
        Self {
            created,
            start: at,
            end: at,
        }
    }
}

/// Appends `<Record …` (or a correlation's child, at `indent`) up to and including `value`,
/// leaving the tag open for `/>` or children.
fn open_record(
    buf: &mut String,
    indent: &str,
    type_: &str,
    source: Source<'_>,
    day: &Day,
    when: When,
    value: std::fmt::Arguments<'_>,
) {
    // Writing to a String cannot fail.
    let _ = write!(buf, "{indent}<Record type=\"{type_}\"");
    source_attrs(buf, source);
    if let Some(unit) = unit(type_) {
        let _ = write!(buf, " unit=\"{unit}\"");
    }
    date_attrs(buf, day, when);
    buf.push_str(" value=\"");
    let _ = buf.write_fmt(value);
    buf.push('"');
}

/// Appends a `MetadataEntry` line.
fn metadata(buf: &mut String, indent: &str, key: &str, value: &str) {
    // Writing to a String cannot fail.
    let _ = writeln!(
        buf,
        "{indent}<MetadataEntry key=\"{key}\" value=\"{value}\"/>"
    );
}

/// Appends ` sourceName="…" sourceVersion="…"` and the `device`, if any.
fn source_attrs(buf: &mut String, source: Source<'_>) {
    // Writing to a String cannot fail.
    let _ = write!(
        buf,
        " sourceName=\"{}\" sourceVersion=\"{}\"",
        source.name, source.version
    );
    if let Some(device) = source.device {
        let _ = write!(buf, " device=\"{device}\"");
    }
}

/// Appends ` name="yyyy-MM-dd HH:mm:ss +hhmm"`.
fn date_attr(buf: &mut String, name: &str, day: &Day, utc: i64) {
    buf.push(' ');
    buf.push_str(name);
    buf.push_str("=\"");
    push_date(buf, utc, day.offset(utc));
    buf.push('"');
}

/// Appends the `creationDate`, `startDate` and `endDate` attributes.
fn date_attrs(buf: &mut String, day: &Day, when: When) {
    date_attr(buf, "creationDate", day, when.created);
    date_attr(buf, "startDate", day, when.start);
    date_attr(buf, "endDate", day, when.end);
}

struct Generator<'a, W: Write> {
    cfg: &'a SyntheticExport,
    out: W,
    buf: String,
    sources: SourceSet,
    summary: GeneratedSummary,
}

impl<'a, W: Write> Generator<'a, W> {
    fn new(cfg: &'a SyntheticExport, out: W) -> Self {
        Self {
            cfg,
            out,
            buf: String::with_capacity(8 << 10),
            sources: SourceSet::new(cfg),
            summary: GeneratedSummary {
                days: cfg.days,
                ..GeneratedSummary::default()
            },
        }
    }

    /// Writes the buffered element (twice if `duplicate`) and clears the buffer.
    fn flush_element(&mut self, duplicate: bool) -> io::Result<()> {
        let n = copies(duplicate);
        for _ in 0..n {
            self.out.write_all(self.buf.as_bytes())?;
        }
        self.summary.bytes += self.buf.len() as u64 * n;
        self.buf.clear();
        Ok(())
    }

    /// Counts a top-level record of `who`, written twice if `duplicate`; a ring record is an
    /// overlap when the watch recorded the night.
    fn count(&mut self, who: Who, type_: &str, day: &Day, duplicate: bool) {
        self.summary
            .count(type_, self.sources.of(who, day).name, duplicate);
        if who == Who::Ring && day.watch_night {
            self.summary.quirks.overlapping_records += copies(duplicate);
        }
    }

    /// Writes a top-level record of `who` without children, twice if `duplicate`, and counts it.
    fn empty_record(
        &mut self,
        who: Who,
        type_: &str,
        day: &Day,
        when: When,
        value: std::fmt::Arguments<'_>,
        duplicate: bool,
    ) -> io::Result<()> {
        let source = self.sources.of(who, day);
        open_record(&mut self.buf, " ", type_, source, day, when, value);
        self.buf.push_str("/>\n");
        self.count(who, type_, day, duplicate);
        self.flush_element(duplicate)
    }

    fn days(&self) -> impl Iterator<Item = Day> + 'a {
        let cfg = self.cfg;
        (0..cfg.days).map(move |i| cfg.day(i))
    }

    fn write_document(&mut self) -> io::Result<()> {
        self.write_prologue()?;
        self.write_heart_rate()?;
        self.write_resting_heart_rate()?;
        self.write_hrv()?;
        self.write_respiration()?;
        self.write_temperature()?;
        self.write_vo2max()?;
        self.write_blood_pressure_records()?;
        self.write_sleep()?;
        self.write_correlations()?;
        self.write_workouts()?;
        self.write_activity_summaries()?;
        self.buf.push_str("</HealthData>\n");
        self.flush_element(false)
    }

    fn write_prologue(&mut self) -> io::Result<()> {
        let cfg = self.cfg;
        self.buf
            .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE HealthData [\n");
        self.buf.push_str(DTD_HEAD);
        if !cfg.quirks.malformed_dtd {
            self.buf.push_str(">\n");
        }
        self.buf.push_str(DTD_TAIL);
        self.summary.quirks.malformed_dtd = cfg.quirks.malformed_dtd;
        let _ = writeln!(self.buf, "]>\n<HealthData locale=\"{}\">", cfg.locale.tag());
        let end_zone = cfg.zone(cfg.days);
        let (export_at, _) = cfg.night(cfg.days);
        let export_at = export_at + 20 * MINUTE;
        self.buf.push_str(" <ExportDate value=\"");
        push_date(&mut self.buf, export_at, end_zone.offset(export_at));
        self.buf.push_str("\"/>\n");
        self.buf.push_str(
            " <Me HKCharacteristicTypeIdentifierDateOfBirth=\"1988-04-12\" \
             HKCharacteristicTypeIdentifierBiologicalSex=\"HKBiologicalSexFemale\" \
             HKCharacteristicTypeIdentifierBloodType=\"HKBloodTypeNotSet\" \
             HKCharacteristicTypeIdentifierFitzpatrickSkinType=\"HKFitzpatrickSkinTypeNotSet\" \
             HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse=\"None\"/>\n",
        );
        self.flush_element(false)
    }

    fn write_heart_rate(&mut self) -> io::Result<()> {
        for day in self.days() {
            let mut rng = Rng::for_day(self.cfg.seed, day.index, Stream::HeartRate);
            let workout = day
                .workout
                .map(|w| (w, workout_heart_rate(self.cfg, &day, &w)));
            // Through the night (unless the watch is charging), then the day until the next bed.
            let mut t = if day.watch_night {
                day.bed + rng.int(MINUTE, 5 * MINUTE)
            } else {
                day.wake + rng.int(0, 2 * MINUTE)
            };
            while t < day.next_bed {
                if let Some((plan, samples)) = &workout
                    && t >= plan.start
                    && t < plan.end()
                {
                    for &(at, bpm) in samples {
                        let when = When::instant(at, plan.end() + 8);
                        self.heart_rate_record(&day, &mut rng, when, bpm, "2")?;
                    }
                    t = plan.end() + rng.int(2 * MINUTE, 6 * MINUTE);
                    continue;
                }
                let asleep = t < day.wake;
                let bpm = if asleep {
                    day.resting_hr + 2.0 + 2.5 * rng.normal()
                } else {
                    day.resting_hr + 14.0 + rng.range(0.0, 22.0) + 3.0 * rng.normal()
                };
                let when = When::instant(t, t + rng.int(30, 15 * MINUTE));
                let bpm = bpm.clamp(40.0, 150.0).round() as u32;
                self.heart_rate_record(&day, &mut rng, when, bpm, "1")?;
                t += if asleep {
                    rng.int(4 * MINUTE, 6 * MINUTE)
                } else {
                    rng.int(5 * MINUTE, 9 * MINUTE)
                };
            }
            if day.ring_night(self.cfg) {
                let mut t = day.bed + 5 * MINUTE;
                while t < day.wake {
                    let bpm = (day.resting_hr + 1.0 + 2.5 * rng.normal()).round() as u32;
                    let when = When::instant(t, day.wake + 25 * MINUTE);
                    let dup = duplicate(self.cfg, &mut rng, 1.0 / 400.0);
                    let value = format_args!("{bpm}");
                    self.empty_record(Who::Ring, HEART_RATE, &day, when, value, dup)?;
                    t += 5 * MINUTE;
                }
            }
        }
        Ok(())
    }

    /// One watch heart-rate sample, with its motion context (1 sedentary, 2 active).
    fn heart_rate_record(
        &mut self,
        day: &Day,
        rng: &mut Rng,
        when: When,
        bpm: u32,
        motion: &str,
    ) -> io::Result<()> {
        // Drawn whether or not the quirk is on, so that switching it leaves the values alone.
        let tab = rng.chance(1.0 / 1500.0) && self.cfg.quirks.control_characters;
        let mut source = self.sources.of(Who::Watch, day);
        if tab {
            source.name = &self.sources.watch_name_tab;
        }
        let value = format_args!("{bpm}");
        open_record(&mut self.buf, " ", HEART_RATE, source, day, when, value);
        self.buf.push_str(">\n");
        metadata(
            &mut self.buf,
            "  ",
            "HKMetadataKeyHeartRateMotionContext",
            motion,
        );
        self.buf.push_str(" </Record>\n");
        let dup = duplicate(self.cfg, rng, 1.0 / 400.0);
        self.count(Who::Watch, HEART_RATE, day, dup);
        if tab {
            self.summary.quirks.control_characters += copies(dup);
        }
        self.flush_element(dup)
    }

    fn write_resting_heart_rate(&mut self) -> io::Result<()> {
        for day in self.days() {
            let mut rng = Rng::for_day(self.cfg.seed, day.index, Stream::Resting);
            // The watch's daily estimate covers the waking day; on a flight east the day is short.
            let end = (day.wake + 14 * HOUR).min(day.next_bed - 30 * MINUTE);
            let end = end.max(day.wake + HOUR);
            let when = When {
                created: end + rng.int(MINUTE, 10 * MINUTE),
                start: day.wake + rng.int(0, 5 * MINUTE),
                end,
            };
            let dup = duplicate(self.cfg, &mut rng, 1.0 / 100.0);
            let value = format_args!("{:.0}", day.resting_hr);
            self.empty_record(Who::Watch, RESTING_HEART_RATE, &day, when, value, dup)?;
        }
        Ok(())
    }

    fn write_hrv(&mut self) -> io::Result<()> {
        let mut beats: Vec<(i64, u32)> = Vec::with_capacity(128);
        for day in self.days() {
            let mut rng = Rng::for_day(self.cfg.seed, day.index, Stream::Hrv);
            let mut starts: Vec<(i64, bool)> = Vec::with_capacity(8);
            if day.watch_night {
                for _ in 0..rng.int(3, 6) {
                    starts.push((rng.int(day.bed + 30 * MINUTE, day.wake - 10 * MINUTE), true));
                }
            }
            // One daytime reading, unless it would fall into a workout or past bedtime.
            let daytime = day.wake + rng.int(2 * HOUR, 5 * HOUR);
            let in_workout = day
                .workout
                .is_some_and(|w| daytime + 2 * MINUTE >= w.start && daytime < w.end());
            if !in_workout && daytime + HOUR < day.next_bed {
                starts.push((daytime, false));
            }
            starts.sort_unstable();
            for (start, night) in starts {
                let base = day.resting_hr + if night { 3.0 } else { 12.0 };
                beats.clear();
                let mut elapsed = 0;
                while elapsed < 6000 {
                    let bpm = (base + 3.0 * rng.normal()).clamp(35.0, 180.0).round() as u32;
                    beats.push((start * 100 + elapsed, bpm));
                    elapsed += (6000.0 / f64::from(bpm)).round() as i64;
                }
                let end = start + (elapsed + 99) / 100;
                let sdnn = day.sdnn * (0.15 * rng.normal()).exp() * if night { 1.0 } else { 0.8 };
                let when = When {
                    created: end + rng.int(MINUTE, 10 * MINUTE),
                    start,
                    end,
                };
                let source = self.sources.of(Who::Watch, &day);
                let value = format_args!("{sdnn:.4}");
                open_record(&mut self.buf, " ", HRV_SDNN, source, &day, when, value);
                self.buf
                    .push_str(">\n  <HeartRateVariabilityMetadataList>\n");
                for &(centis, bpm) in &beats {
                    let _ = write!(
                        self.buf,
                        "   <InstantaneousBeatsPerMinute bpm=\"{bpm}\" time=\""
                    );
                    push_beat_time(
                        &mut self.buf,
                        centis,
                        day.offset(centis / 100),
                        self.cfg.locale,
                    );
                    self.buf.push_str("\"/>\n");
                }
                self.buf
                    .push_str("  </HeartRateVariabilityMetadataList>\n </Record>\n");
                let dup = duplicate(self.cfg, &mut rng, 1.0 / 200.0);
                self.count(Who::Watch, HRV_SDNN, &day, dup);
                self.summary.hrv_beats += beats.len() as u64 * copies(dup);
                self.flush_element(dup)?;
            }
            if day.ring_night(self.cfg) {
                let sdnn = day.sdnn * 1.25 * (0.1 * rng.normal()).exp();
                let when = When {
                    created: day.wake + 25 * MINUTE,
                    start: day.bed + 15 * MINUTE,
                    end: day.wake,
                };
                let dup = duplicate(self.cfg, &mut rng, 1.0 / 400.0);
                let value = format_args!("{sdnn:.0}");
                self.empty_record(Who::Ring, HRV_SDNN, &day, when, value, dup)?;
            }
        }
        Ok(())
    }

    fn write_respiration(&mut self) -> io::Result<()> {
        for day in self.days().filter(|d| d.watch_night) {
            let mut rng = Rng::for_day(self.cfg.seed, day.index, Stream::Respiration);
            let mut t = day.bed + 30 * MINUTE + rng.int(0, 10 * MINUTE);
            while t < day.wake {
                let rate = ((day.respiration + 0.7 * rng.normal()) * 2.0).round() / 2.0;
                let end = t + rng.int(2 * MINUTE, 5 * MINUTE);
                let when = When {
                    created: day.wake + rng.int(5 * MINUTE, 30 * MINUTE),
                    start: t,
                    end,
                };
                let dup = duplicate(self.cfg, &mut rng, 1.0 / 300.0);
                let value = format_args!("{rate:.1}");
                self.empty_record(Who::Watch, RESPIRATORY_RATE, &day, when, value, dup)?;
                t = end + rng.int(30 * MINUTE, 60 * MINUTE);
            }
        }
        Ok(())
    }

    fn write_temperature(&mut self) -> io::Result<()> {
        for day in self.days().filter(|d| d.watch_night && d.staged) {
            let mut rng = Rng::for_day(self.cfg.seed, day.index, Stream::Temperature);
            let when = When {
                created: day.wake + rng.int(10 * MINUTE, 40 * MINUTE),
                start: day.bed + rng.int(10 * MINUTE, 25 * MINUTE),
                end: day.wake,
            };
            let dup = duplicate(self.cfg, &mut rng, 1.0 / 100.0);
            let value = format_args!("{:.4}", day.temperature);
            self.empty_record(Who::Watch, WRIST_TEMPERATURE, &day, when, value, dup)?;
        }
        Ok(())
    }

    fn write_vo2max(&mut self) -> io::Result<()> {
        for day in self.days() {
            // The watch estimates VO2max from outdoor runs of 20 minutes or more.
            let Some(run) = day.workout.filter(|w| {
                w.activity == Activity::Running && !w.indoor && w.length >= 20 * MINUTE
            }) else {
                continue;
            };
            let mut rng = Rng::for_day(self.cfg.seed, day.index, Stream::Vo2);
            let at = run.end() + rng.int(MINUTE, 10 * MINUTE);
            let vo2 = 43.0 + 2.0 * f64::from(day.index % 365) / 365.0 + 0.8 * rng.normal();
            let source = self.sources.of(Who::Watch, &day);
            let when = When::instant(at, at);
            let value = format_args!("{vo2:.2}");
            open_record(&mut self.buf, " ", VO2_MAX, source, &day, when, value);
            self.buf.push_str(">\n");
            // 2: HKVO2MaxTestTypePredictionSubMaximal.
            metadata(&mut self.buf, "  ", "HKVO2MaxTestType", "2");
            self.buf.push_str(" </Record>\n");
            self.count(Who::Watch, VO2_MAX, &day, false);
            self.flush_element(false)?;
        }
        Ok(())
    }

    /// Appends one blood-pressure record, top-level or (with a deeper `indent`) a correlation's
    /// child: both are the same record.
    fn blood_pressure_record(
        &mut self,
        indent: &str,
        type_: &str,
        day: &Day,
        when: When,
        value: u32,
    ) {
        let source = self.sources.of(Who::Cuff, day);
        let value = format_args!("{value}");
        open_record(&mut self.buf, indent, type_, source, day, when, value);
        self.buf.push_str("/>\n");
    }

    fn write_blood_pressure_records(&mut self) -> io::Result<()> {
        for systolic in [true, false] {
            let type_ = if systolic { BP_SYSTOLIC } else { BP_DIASTOLIC };
            for day in self.days() {
                if let Some((when, sys, dia)) = blood_pressure(self.cfg, &day) {
                    let value = if systolic { sys } else { dia };
                    self.blood_pressure_record(" ", type_, &day, when, value);
                    self.count(Who::Cuff, type_, &day, false);
                    self.flush_element(false)?;
                }
            }
        }
        Ok(())
    }

    fn write_sleep(&mut self) -> io::Result<()> {
        for day in self.days() {
            let mut rng = Rng::for_day(self.cfg.seed, day.index, Stream::Sleep);
            let start = day.bed - rng.int(5 * MINUTE, 20 * MINUTE);
            let end = day.wake + rng.int(2 * MINUTE, 15 * MINUTE);
            self.sleep_record(&day, &mut rng, Who::IPhone, SLEEP_IN_BED, start, end)?;
            if day.watch_night {
                let segments = hypnogram(&mut rng, day.bed, day.wake);
                if day.staged {
                    for (start, end, stage) in segments {
                        self.sleep_record(&day, &mut rng, Who::Watch, stage.value(), start, end)?;
                    }
                } else {
                    for (start, end) in asleep_chunks(&segments) {
                        let value = SLEEP_ASLEEP_LEGACY_NAME;
                        self.sleep_record(&day, &mut rng, Who::Watch, value, start, end)?;
                    }
                }
            }
            if day.ring_night(self.cfg) {
                // The ring app writes no stages: "asleep" before iOS 16, "unspecified" after.
                let mut ring_rng = Rng::for_day(self.cfg.seed, day.index, Stream::RingSleep);
                let bed = day.bed + ring_rng.int(0, 4 * MINUTE);
                self.sleep_record(&day, &mut ring_rng, Who::Ring, SLEEP_IN_BED, bed, day.wake)?;
                let value = if day.staged {
                    SLEEP_UNSPECIFIED
                } else {
                    SLEEP_ASLEEP_LEGACY_NAME
                };
                let segments = hypnogram(&mut ring_rng, bed, day.wake);
                for (start, end) in asleep_chunks(&segments) {
                    self.sleep_record(&day, &mut ring_rng, Who::Ring, value, start, end)?;
                }
            }
        }
        Ok(())
    }

    fn sleep_record(
        &mut self,
        day: &Day,
        rng: &mut Rng,
        who: Who,
        value: &str,
        start: i64,
        end: i64,
    ) -> io::Result<()> {
        let when = When {
            created: day.wake + rng.int(MINUTE, 20 * MINUTE),
            start,
            end,
        };
        let source = self.sources.of(who, day);
        let value_args = format_args!("{value}");
        open_record(
            &mut self.buf,
            " ",
            SLEEP_ANALYSIS,
            source,
            day,
            when,
            value_args,
        );
        // Apple's own sources name the zone; the ring app does not.
        if who == Who::Ring {
            self.buf.push_str("/>\n");
        } else {
            self.buf.push_str(">\n");
            metadata(&mut self.buf, "  ", "HKTimeZone", day.zone.name());
            self.buf.push_str(" </Record>\n");
        }
        let dup = duplicate(self.cfg, rng, 1.0 / 80.0);
        self.count(who, SLEEP_ANALYSIS, day, dup);
        *self
            .summary
            .sleep_values
            .entry(value.to_owned())
            .or_default() += copies(dup);
        self.flush_element(dup)
    }

    fn write_correlations(&mut self) -> io::Result<()> {
        for day in self.days() {
            let Some((when, sys, dia)) = blood_pressure(self.cfg, &day) else {
                continue;
            };
            let _ = write!(self.buf, " <Correlation type=\"{BP_CORRELATION}\"");
            source_attrs(&mut self.buf, self.sources.of(Who::Cuff, &day));
            date_attrs(&mut self.buf, &day, when);
            self.buf.push_str(">\n");
            self.blood_pressure_record("  ", BP_SYSTOLIC, &day, when, sys);
            self.blood_pressure_record("  ", BP_DIASTOLIC, &day, when, dia);
            self.buf.push_str(" </Correlation>\n");
            *self
                .summary
                .correlations
                .entry(BP_CORRELATION.to_owned())
                .or_default() += 1;
            self.summary.correlation_records += 2;
            self.flush_element(false)?;
        }
        Ok(())
    }

    fn write_workouts(&mut self) -> io::Result<()> {
        for day in self.days() {
            let Some(plan) = day.workout else {
                continue;
            };
            let mut rng = Rng::for_day(self.cfg.seed, day.index, Stream::Workout);
            let active = (plan.length - plan.pause.map_or(0, |(_, l)| l)) as f64;
            let (_, kcal_per_minute) = plan.activity.effort();
            let energy = active / 60.0 * kcal_per_minute * (0.1 * rng.normal()).exp();
            let end = plan.end();
            let _ = write!(
                self.buf,
                " <Workout workoutActivityType=\"{}\" duration=\"{:.4}\" durationUnit=\"min\"",
                plan.activity.identifier(),
                active / 60.0,
            );
            source_attrs(&mut self.buf, self.sources.of(Who::Watch, &day));
            let when = When {
                created: end + rng.int(5, 60),
                start: plan.start,
                end,
            };
            date_attrs(&mut self.buf, &day, when);
            self.buf.push_str(">\n");
            let indoor = if plan.indoor { "1" } else { "0" };
            metadata(&mut self.buf, "  ", "HKIndoorWorkout", indoor);
            if !plan.indoor {
                let temperature = format!("{:.1} degF", rng.range(45.0, 80.0));
                // Real exports write humidity in hundredths of a percent ("6500 %").
                let humidity = format!("{} %", rng.int(30, 95) * 100);
                metadata(&mut self.buf, "  ", "HKWeatherTemperature", &temperature);
                metadata(&mut self.buf, "  ", "HKWeatherHumidity", &humidity);
            }
            let mets = kcal_per_minute * 60.0 / 70.0;
            metadata(
                &mut self.buf,
                "  ",
                "HKAverageMETs",
                &format!("{mets:.4} kcal/hr\u{b7}kg"),
            );
            if rng.chance(0.3) && self.cfg.quirks.colliding_metadata_keys {
                metadata(&mut self.buf, "  ", "HKAverageMets", &format!("{mets:.2}"));
                self.summary.quirks.colliding_metadata_keys += 1;
            }
            metadata(&mut self.buf, "  ", "HKTimeZone", day.zone.name());
            if let Some((at, length)) = plan.pause {
                for (kind, date) in [("Pause", at), ("Resume", at + length)] {
                    let _ = write!(
                        self.buf,
                        "  <WorkoutEvent type=\"HKWorkoutEventType{kind}\""
                    );
                    date_attr(&mut self.buf, "date", &day, date);
                    self.buf
                        .push_str(" duration=\"0\" durationUnit=\"min\"/>\n");
                }
                self.summary.workout_events += 2;
            }
            self.workout_statistics(
                &day,
                &plan,
                ACTIVE_ENERGY,
                format_args!("sum=\"{energy:.3}\" unit=\"kcal\""),
            );
            let samples = workout_heart_rate(self.cfg, &day, &plan);
            if !samples.is_empty() {
                let sum: u64 = samples.iter().map(|&(_, bpm)| u64::from(bpm)).sum();
                let average = sum as f64 / samples.len() as f64;
                let minimum = samples.iter().map(|&(_, bpm)| bpm).min().unwrap_or(0);
                let maximum = samples.iter().map(|&(_, bpm)| bpm).max().unwrap_or(0);
                let stats = format_args!(
                    "average=\"{average:.4}\" minimum=\"{minimum}\" maximum=\"{maximum}\" unit=\"count/min\""
                );
                self.workout_statistics(&day, &plan, HEART_RATE, stats);
            }
            let distance = match plan.activity {
                Activity::Running => Some((DISTANCE_RUNNING, rng.range(9.5, 12.0))),
                Activity::Cycling if !plan.indoor => {
                    Some((DISTANCE_CYCLING, rng.range(22.0, 28.0)))
                }
                _ => None,
            };
            if let Some((type_, km_per_hour)) = distance {
                let km = km_per_hour * active / 3600.0;
                self.workout_statistics(
                    &day,
                    &plan,
                    type_,
                    format_args!("sum=\"{km:.4}\" unit=\"km\""),
                );
            }
            self.buf.push_str(" </Workout>\n");
            *self
                .summary
                .workouts
                .entry(plan.activity.identifier().to_owned())
                .or_default() += 1;
            self.flush_element(false)?;
        }
        Ok(())
    }

    fn workout_statistics(
        &mut self,
        day: &Day,
        plan: &Planned,
        type_: &str,
        values: std::fmt::Arguments<'_>,
    ) {
        let _ = write!(self.buf, "  <WorkoutStatistics type=\"{type_}\"");
        date_attr(&mut self.buf, "startDate", day, plan.start);
        date_attr(&mut self.buf, "endDate", day, plan.end());
        let _ = writeln!(self.buf, " {values}/>");
        self.summary.workout_statistics += 1;
    }

    fn write_activity_summaries(&mut self) -> io::Result<()> {
        for day in self.days() {
            let mut rng = Rng::for_day(self.cfg.seed, day.index, Stream::Activity);
            let (y, m, d) = civil_from_days(self.cfg.start_day() + i64::from(day.index));
            let (workout_kcal, workout_minutes) = day.workout.map_or((0.0, 0), |w| {
                let minutes = w.length / MINUTE;
                (minutes as f64 * w.activity.effort().1, minutes)
            });
            let energy = rng.range(180.0, 380.0) + workout_kcal;
            let exercise = workout_minutes + rng.int(2, 16);
            let stand = rng.int(8, 14);
            let _ = writeln!(
                self.buf,
                " <ActivitySummary dateComponents=\"{y:04}-{m:02}-{d:02}\" \
                 activeEnergyBurned=\"{energy:.3}\" activeEnergyBurnedGoal=\"500\" \
                 activeEnergyBurnedUnit=\"kcal\" appleMoveTime=\"0\" appleMoveTimeGoal=\"0\" \
                 appleExerciseTime=\"{exercise}\" appleExerciseTimeGoal=\"30\" \
                 appleStandHours=\"{stand}\" appleStandHoursGoal=\"12\"/>"
            );
            self.summary.activity_summaries += 1;
            self.flush_element(false)?;
        }
        Ok(())
    }
}

/// Copies written of a record: two when duplicated.
fn copies(duplicate: bool) -> u64 {
    if duplicate { 2 } else { 1 }
}

/// Whether to duplicate the next record: with probability `p` when the quirk is on. Drawn either
/// way, so that switching the quirk leaves every value alone.
fn duplicate(cfg: &SyntheticExport, rng: &mut Rng, p: f64) -> bool {
    let hit = rng.chance(p);
    hit && cfg.quirks.duplicate_records
}

impl GeneratedSummary {
    fn count(&mut self, type_: &str, source: &str, duplicate: bool) {
        let n = copies(duplicate);
        *self.records.entry(type_.to_owned()).or_default() += n;
        *self.records_by_source.entry(source.to_owned()).or_default() += n;
        if duplicate {
            self.quirks.duplicate_records += 1;
        }
    }
}

/// The DTD of a real export up to the last attribute of `WorkoutActivity`: the closing `>` of that
/// list is what the iOS 16 bug leaves out ([`Quirks::malformed_dtd`]), which makes every strict XML
/// parser reject the document.
const DTD_HEAD: &str = r#"<!-- HealthKit Export Version: 13 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord|Audiogram|VisionPrescription)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Me EMPTY>
<!ATTLIST Me
  HKCharacteristicTypeIdentifierDateOfBirth                 CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBiologicalSex               CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBloodType                   CDATA #REQUIRED
  HKCharacteristicTypeIdentifierFitzpatrickSkinType         CDATA #REQUIRED
  HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!-- Note: Any Records that appear as children of a correlation also appear as top-level records in this document. -->
<!ELEMENT Correlation ((MetadataEntry|Record)*)>
<!ATTLIST Correlation
  type          CDATA #REQUIRED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutRoute|WorkoutStatistics)*)>
<!ATTLIST Workout
  workoutActivityType   CDATA #REQUIRED
  duration              CDATA #IMPLIED
  durationUnit          CDATA #IMPLIED
  totalDistance         CDATA #IMPLIED
  totalDistanceUnit     CDATA #IMPLIED
  totalEnergyBurned     CDATA #IMPLIED
  totalEnergyBurnedUnit CDATA #IMPLIED
  sourceName            CDATA #REQUIRED
  sourceVersion         CDATA #IMPLIED
  device                CDATA #IMPLIED
  creationDate          CDATA #IMPLIED
  startDate             CDATA #REQUIRED
  endDate               CDATA #REQUIRED
>
<!ELEMENT WorkoutActivity ((WorkoutEvent|WorkoutStatistics|MetadataEntry)*)>
<!ATTLIST WorkoutActivity
  uuid                  CDATA #REQUIRED
  startDate             CDATA #REQUIRED
  endDate               CDATA #IMPLIED
  duration              CDATA #IMPLIED
  durationUnit          CDATA #IMPLIED
"#;

/// The rest of the DTD, after the `WorkoutActivity` attribute list.
const DTD_TAIL: &str = r#"<!ELEMENT WorkoutEvent ((MetadataEntry)*)>
<!ATTLIST WorkoutEvent
  type                  CDATA #REQUIRED
  date                  CDATA #REQUIRED
  duration              CDATA #IMPLIED
  durationUnit          CDATA #IMPLIED
>
<!ELEMENT WorkoutStatistics EMPTY>
<!ATTLIST WorkoutStatistics
  type                  CDATA #REQUIRED
  startDate             CDATA #REQUIRED
  endDate               CDATA #REQUIRED
  average               CDATA #IMPLIED
  minimum               CDATA #IMPLIED
  maximum               CDATA #IMPLIED
  sum                   CDATA #IMPLIED
  unit                  CDATA #IMPLIED
>
<!ELEMENT WorkoutRoute ((MetadataEntry|FileReference)*)>
<!ATTLIST WorkoutRoute
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT FileReference EMPTY>
<!ATTLIST FileReference
  path CDATA #REQUIRED
>
<!ELEMENT ActivitySummary EMPTY>
<!ATTLIST ActivitySummary
  dateComponents           CDATA #IMPLIED
  activeEnergyBurned       CDATA #IMPLIED
  activeEnergyBurnedGoal   CDATA #IMPLIED
  activeEnergyBurnedUnit   CDATA #IMPLIED
  appleMoveTime            CDATA #IMPLIED
  appleMoveTimeGoal        CDATA #IMPLIED
  appleExerciseTime        CDATA #IMPLIED
  appleExerciseTimeGoal    CDATA #IMPLIED
  appleStandHours          CDATA #IMPLIED
  appleStandHoursGoal      CDATA #IMPLIED
>
<!ELEMENT MetadataEntry EMPTY>
<!ATTLIST MetadataEntry
  key   CDATA #REQUIRED
  value CDATA #REQUIRED
>
<!-- Note: Heart Rate Variability records captured by Apple Watch may include an associated list of instantaneous beats-per-minute readings. -->
<!ELEMENT HeartRateVariabilityMetadataList (InstantaneousBeatsPerMinute*)>
<!ELEMENT InstantaneousBeatsPerMinute EMPTY>
<!ATTLIST InstantaneousBeatsPerMinute
  bpm  CDATA #REQUIRED
  time CDATA #REQUIRED
>
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::activity::ActivityType;
    use crate::health::kinds::SleepStage;
    use crate::platform::healthkit::{activity_from_name, quantity_kind, sleep_stage_from_name};
    use std::collections::{BTreeMap, BTreeSet};

    fn small(days: u32) -> SyntheticExport {
        SyntheticExport {
            days,
            ..SyntheticExport::default()
        }
    }

    fn xml(cfg: &SyntheticExport) -> (String, GeneratedSummary) {
        let mut bytes = Vec::new();
        let summary = cfg.write_xml(&mut bytes).unwrap();
        (String::from_utf8(bytes).unwrap(), summary)
    }

    /// The document from `<HealthData` on, after the DTD.
    fn body(doc: &str) -> &str {
        &doc[doc.find("<HealthData").unwrap()..]
    }

    fn device_addresses(doc: &str) -> BTreeSet<&str> {
        doc.match_indices("HKDevice: 0x")
            .map(|(i, m)| {
                let start = i + m.len();
                let len = doc[start..].find(|c: char| !c.is_ascii_hexdigit()).unwrap();
                &doc[start..start + len]
            })
            .collect()
    }

    fn without_addresses(doc: &str) -> String {
        let mut out = doc.to_owned();
        for address in device_addresses(doc) {
            out = out.replace(&format!("HKDevice: 0x{address}"), "HKDevice: 0x?");
        }
        out
    }

    /// Top-level elements of the body, one string each (children included).
    fn elements(body: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for line in body.lines() {
            let starts = line.starts_with(" <") && !line.starts_with(" </");
            let child = line.starts_with("  ") || line.starts_with(" </");
            match out.last_mut() {
                Some(last) if child && !starts => {
                    last.push('\n');
                    last.push_str(line);
                }
                _ => out.push(line.to_owned()),
            }
        }
        out
    }

    fn attribute<'a>(line: &'a str, name: &str) -> &'a str {
        let key = format!(" {name}=\"");
        let start = line.find(&key).unwrap() + key.len();
        let len = line[start..].find('"').unwrap();
        &line[start..start + len]
    }

    /// A small strict checker of the XML subset the export uses: one root, matched tags, quoted
    /// attributes without duplicates, only the predefined entities, no characters XML 1.0 forbids,
    /// no text content.
    fn check_well_formed(doc: &str) -> Result<(), String> {
        fn legal(c: char) -> bool {
            c >= ' ' || matches!(c, '\t' | '\n' | '\r')
        }
        let mut stack: Vec<&str> = Vec::new();
        let mut roots = 0;
        let mut rest = doc;
        while let Some(c) = rest.chars().next() {
            if c != '<' {
                if !c.is_whitespace() {
                    return Err(format!("text content {c:?} at {}", doc.len() - rest.len()));
                }
                rest = &rest[c.len_utf8()..];
                continue;
            }
            if let Some(after) = rest.strip_prefix("</") {
                let end = after.find('>').ok_or("unclosed end tag")?;
                let name = &after[..end];
                if stack.pop() != Some(name) {
                    return Err(format!("mismatched </{name}>"));
                }
                rest = &after[end + 1..];
                continue;
            }
            let after = &rest[1..];
            let name_len = after
                .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
                .ok_or("unclosed tag")?;
            let name = &after[..name_len];
            if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
                return Err(format!("bad element name {name:?}"));
            }
            let mut tag = &after[name_len..];
            let mut seen = BTreeSet::new();
            loop {
                tag = tag.trim_start();
                if let Some(r) = tag.strip_prefix("/>") {
                    roots += usize::from(stack.is_empty());
                    rest = r;
                    break;
                }
                if let Some(r) = tag.strip_prefix('>') {
                    roots += usize::from(stack.is_empty());
                    stack.push(name);
                    rest = r;
                    break;
                }
                let eq = tag.find('=').ok_or("attribute without value")?;
                let attr = &tag[..eq];
                if attr.is_empty() || attr.contains(|c: char| c.is_whitespace()) {
                    return Err(format!("bad attribute name {attr:?} in {name}"));
                }
                if !seen.insert(attr) {
                    return Err(format!("duplicate attribute {attr} in {name}"));
                }
                let value_start = tag[eq + 1..].strip_prefix('"').ok_or("unquoted value")?;
                let close = value_start.find('"').ok_or("unterminated value")?;
                let value = &value_start[..close];
                if let Some(c) = value.chars().find(|&c| !legal(c) || c == '<') {
                    return Err(format!("illegal {c:?} in {attr} of {name}"));
                }
                for (i, _) in value.match_indices('&') {
                    let entity = &value[i..];
                    if !["&lt;", "&gt;", "&amp;", "&quot;", "&apos;"]
                        .iter()
                        .any(|e| entity.starts_with(e))
                    {
                        return Err(format!("bad entity in {attr} of {name}"));
                    }
                }
                tag = &value_start[close + 1..];
            }
        }
        match (stack.is_empty(), roots) {
            (true, 1) => Ok(()),
            (false, _) => Err(format!("unclosed {stack:?}")),
            (true, n) => Err(format!("{n} root elements")),
        }
    }

    /// Whether every declaration of the internal DTD closes before the next one starts.
    fn dtd_well_formed(doc: &str) -> bool {
        let start = doc.find("<!DOCTYPE HealthData [").unwrap() + "<!DOCTYPE HealthData [".len();
        let end = doc.find("]>").unwrap();
        let dtd = &doc[start..end];
        dtd.split("<!")
            .skip(1)
            .all(|decl| decl.starts_with("--") || decl.trim_end().ends_with('>'))
    }

    #[test]
    fn same_configuration_gives_the_same_bytes() {
        let cfg = small(12);
        let (a, summary_a) = xml(&cfg);
        let (b, summary_b) = xml(&cfg);
        assert_eq!(a, b);
        assert_eq!(summary_a, summary_b);
        let (c, _) = xml(&SyntheticExport { seed: 7, ..cfg });
        assert_ne!(without_addresses(&a), without_addresses(&c));
    }

    #[test]
    fn export_nonce_changes_only_the_device_addresses() {
        let cfg = small(12);
        let (a, summary_a) = xml(&cfg);
        let (b, summary_b) = xml(&SyntheticExport {
            export_nonce: 2,
            ..cfg.clone()
        });
        assert_ne!(a, b);
        assert_eq!(without_addresses(&a), without_addresses(&b));
        assert_eq!(summary_a, summary_b);
        let (addresses_a, addresses_b) = (device_addresses(&a), device_addresses(&b));
        // Watch, iPhone and cuff, each with its own address.
        assert_eq!(addresses_a.len(), 3);
        assert!(addresses_a.is_disjoint(&addresses_b));

        // Without the quirk the address is stable across exports.
        let quirks = Quirks {
            device_address: false,
            ..Quirks::ALL
        };
        let (c, _) = xml(&SyntheticExport {
            quirks,
            ..cfg.clone()
        });
        let (d, _) = xml(&SyntheticExport {
            quirks,
            export_nonce: 2,
            ..cfg
        });
        assert_eq!(c, d);
    }

    #[test]
    fn body_is_well_formed_without_control_characters() {
        for quirks in [
            Quirks::NONE,
            Quirks {
                control_characters: false,
                ..Quirks::ALL
            },
        ] {
            let (doc, summary) = xml(&SyntheticExport {
                quirks,
                ..small(40)
            });
            check_well_formed(body(&doc)).unwrap();
            assert_eq!(summary.quirks.control_characters, 0);
            assert!(!doc.contains('\u{b}'));
        }
    }

    #[test]
    fn control_characters_are_counted_and_the_only_defect() {
        let (doc, summary) = xml(&small(40));
        assert!(check_well_formed(body(&doc)).is_err());
        let tabs = doc.matches('\u{b}').count() as u64;
        assert!(tabs > 0);
        assert_eq!(tabs, summary.quirks.control_characters);
        check_well_formed(&body(&doc).replace('\u{b}', " ")).unwrap();
    }

    #[test]
    fn dtd_is_malformed_only_when_asked() {
        let (malformed, summary) = xml(&small(2));
        assert!(!dtd_well_formed(&malformed));
        assert!(summary.quirks.malformed_dtd);
        let (fine, summary) = xml(&SyntheticExport {
            quirks: Quirks::NONE,
            ..small(2)
        });
        assert!(dtd_well_formed(&fine));
        assert!(!summary.quirks.malformed_dtd);
        assert!(
            fine.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE HealthData [")
        );
        assert!(body(&fine).starts_with("<HealthData locale=\"de_DE\">\n <ExportDate value=\""));
    }

    #[test]
    fn summary_counts_match_the_text() {
        let (doc, summary) = xml(&small(45));
        assert_eq!(summary.bytes, doc.len() as u64);
        assert_eq!(summary.days, 45);
        let mut records: BTreeMap<String, u64> = BTreeMap::new();
        let mut by_source: BTreeMap<String, u64> = BTreeMap::new();
        let mut sleep: BTreeMap<String, u64> = BTreeMap::new();
        let mut workouts: BTreeMap<String, u64> = BTreeMap::new();
        let mut correlations: BTreeMap<String, u64> = BTreeMap::new();
        let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
        for line in doc.lines() {
            if line.starts_with(" <Record ") {
                let type_ = attribute(line, "type");
                *records.entry(type_.to_owned()).or_default() += 1;
                let source = attribute(line, "sourceName").replace('\u{b}', " ");
                *by_source.entry(source).or_default() += 1;
                if type_ == SLEEP_ANALYSIS {
                    *sleep
                        .entry(attribute(line, "value").to_owned())
                        .or_default() += 1;
                }
            } else if line.starts_with(" <Workout ") {
                let activity = attribute(line, "workoutActivityType");
                *workouts.entry(activity.to_owned()).or_default() += 1;
            } else if line.starts_with(" <Correlation ") {
                *correlations
                    .entry(attribute(line, "type").to_owned())
                    .or_default() += 1;
            }
            for marker in [
                "<InstantaneousBeatsPerMinute ",
                "  <Record ",
                "<WorkoutEvent ",
                "<WorkoutStatistics ",
                " <ActivitySummary ",
                "key=\"HKAverageMets\"",
            ] {
                if line.contains(marker) && !(marker == "  <Record " && line.starts_with(" <")) {
                    *counts.entry(marker).or_default() += 1;
                }
            }
        }
        assert_eq!(records, summary.records);
        assert_eq!(by_source, summary.records_by_source);
        assert_eq!(sleep, summary.sleep_values);
        assert_eq!(workouts, summary.workouts);
        assert_eq!(correlations, summary.correlations);
        assert_eq!(counts["<InstantaneousBeatsPerMinute "], summary.hrv_beats);
        assert_eq!(counts["  <Record "], summary.correlation_records);
        assert_eq!(counts["<WorkoutEvent "], summary.workout_events);
        assert_eq!(counts["<WorkoutStatistics "], summary.workout_statistics);
        assert_eq!(counts[" <ActivitySummary "], summary.activity_summaries);
        assert_eq!(summary.activity_summaries, 45);
        assert_eq!(
            counts["key=\"HKAverageMets\""],
            summary.quirks.colliding_metadata_keys
        );
        // Every duplicate is a byte-identical repeat of the element before it.
        let all = elements(body(&doc));
        let repeats = all.windows(2).filter(|w| w[0] == w[1]).count() as u64;
        assert_eq!(repeats, summary.quirks.duplicate_records);

        // Every quirk was injected at least once in 45 days.
        let quirks = summary.quirks;
        assert!(quirks.malformed_dtd);
        assert!(quirks.control_characters > 0);
        assert!(quirks.colliding_metadata_keys > 0);
        assert!(quirks.duplicate_records > 0);
        assert!(quirks.overlapping_records > 0);
        assert!(quirks.overlapping_records <= summary.records_by_source[RING_SOURCE]);
        assert_eq!(
            quirks.total(),
            1 + quirks.control_characters
                + quirks.colliding_metadata_keys
                + quirks.duplicate_records
                + quirks.overlapping_records
        );
        assert_eq!(
            summary.distinct_records(),
            summary.total_records() - quirks.duplicate_records
        );
        assert_eq!(summary.total_workouts(), workouts.values().sum::<u64>());
    }

    #[test]
    fn without_overlap_the_ring_covers_only_nights_off_the_watch() {
        let quirks = Quirks {
            overlapping_sources: false,
            ..Quirks::ALL
        };
        let (_, summary) = xml(&SyntheticExport {
            quirks,
            ..small(45)
        });
        assert_eq!(summary.quirks.overlapping_records, 0);
        // The watch charges about one night in ten: the ring fills in.
        assert!(summary.records_by_source[RING_SOURCE] > 0);
        let (_, all) = xml(&small(45));
        assert!(summary.records_by_source[RING_SOURCE] < all.records_by_source[RING_SOURCE]);
        let (_, no_ring) = xml(&SyntheticExport {
            sources: Sources {
                ring: false,
                ..Sources::default()
            },
            ..small(45)
        });
        assert!(!no_ring.records_by_source.contains_key(RING_SOURCE));
        assert_eq!(no_ring.quirks.overlapping_records, 0);
    }

    #[test]
    fn newer_export_repeats_everything_before() {
        let old_cfg = small(20);
        let new_cfg = old_cfg.newer(10);
        assert_eq!(new_cfg.days, 30);
        assert_ne!(new_cfg.export_nonce, old_cfg.export_nonce);
        let (old, old_summary) = xml(&old_cfg);
        let (new, new_summary) = xml(&new_cfg);
        let mut available: BTreeMap<String, usize> = BTreeMap::new();
        for element in elements(body(&without_addresses(&new))) {
            *available.entry(element).or_default() += 1;
        }
        for element in elements(body(&without_addresses(&old))) {
            if element.starts_with(" <ExportDate ") {
                continue;
            }
            let left = available.get_mut(&element);
            assert!(
                left.as_ref().is_some_and(|n| **n > 0),
                "missing from the re-export: {element}"
            );
            if let Some(n) = left {
                *n -= 1;
            }
        }
        assert!(new_summary.total_records() > old_summary.total_records());
        assert_ne!(device_addresses(&old), device_addresses(&new));
    }

    #[test]
    fn zip_holds_the_export_and_a_broken_cda() {
        let cfg = small(5);
        let path = std::env::temp_dir().join(format!(
            "alyze-synthetic-{}-{:?}.zip",
            std::process::id(),
            std::thread::current().id()
        ));
        let summary = cfg.write_zip(&path).unwrap();
        let mut archive = zip::ZipArchive::new(File::open(&path).unwrap()).unwrap();
        let names: BTreeSet<String> = archive
            .file_names()
            .map(|name| name.unwrap().into_owned())
            .collect();
        assert_eq!(
            names,
            BTreeSet::from([EXPORT_XML_PATH.to_owned(), EXPORT_CDA_PATH.to_owned()])
        );
        let mut export = String::new();
        io::Read::read_to_string(&mut archive.by_name(EXPORT_XML_PATH).unwrap(), &mut export)
            .unwrap();
        let (expected, expected_summary) = xml(&cfg);
        assert_eq!(export, expected);
        assert_eq!(summary, expected_summary);
        let mut cda = String::new();
        io::Read::read_to_string(&mut archive.by_name(EXPORT_CDA_PATH).unwrap(), &mut cda).unwrap();
        let root = &cda[cda.find("<ClinicalDocument").unwrap()..];
        assert!(check_well_formed(root).is_err());
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn identifiers_are_the_ones_the_core_reads() {
        let (_, summary) = xml(&small(30));
        for type_ in summary.records.keys() {
            let known = quantity_kind(type_).is_some() || type_ == SLEEP_ANALYSIS;
            let blood_pressure = type_ == BP_SYSTOLIC || type_ == BP_DIASTOLIC;
            assert!(known || blood_pressure, "{type_}");
        }
        for value in summary.sleep_values.keys() {
            assert_ne!(sleep_stage_from_name(value), SleepStage::Unknown, "{value}");
        }
        assert_eq!(summary.workouts.len(), 5);
        for activity in summary.workouts.keys() {
            assert_ne!(
                activity_from_name(activity),
                ActivityType::Other,
                "{activity}"
            );
        }
    }

    #[test]
    fn default_export_spans_ios_16_a_trip_and_summer_time() {
        let (doc, summary) = xml(&SyntheticExport::default());
        for offset in ["+0200\"", "+0100\""] {
            assert!(doc.contains(offset), "{offset}");
        }
        // Exported at home: the trip's dates are written at Berlin's offset, and at Tokyo's only
        // without `export_zone_offsets`.
        assert!(!doc.contains("+0900\""));
        let (in_zone, _) = xml(&SyntheticExport {
            quirks: Quirks {
                export_zone_offsets: false,
                ..Quirks::ALL
            },
            ..SyntheticExport::default()
        });
        assert!(in_zone.contains("+0900\""));
        assert!(doc.contains("<MetadataEntry key=\"HKTimeZone\" value=\"Asia/Tokyo\"/>"));
        assert!(doc.contains("<MetadataEntry key=\"HKTimeZone\" value=\"Europe/Berlin\"/>"));
        for value in [
            SLEEP_ASLEEP_LEGACY_NAME,
            SLEEP_UNSPECIFIED,
            SLEEP_IN_BED,
            SLEEP_CORE,
            SLEEP_DEEP,
            SLEEP_REM,
            SLEEP_AWAKE,
        ] {
            assert!(summary.sleep_values[value] > 0, "{value}");
        }
        for type_ in [HEART_RATE, RESTING_HEART_RATE, HRV_SDNN, RESPIRATORY_RATE] {
            assert!(summary.records[type_] > 0, "{type_}");
        }
        assert!(summary.records[WRIST_TEMPERATURE] > 0);
        assert!(summary.records[VO2_MAX] > 0);
        // Three months is a few tens of MB at most: a year stays in the tens of MB.
        assert!(
            (5_000_000..40_000_000).contains(&summary.bytes),
            "{}",
            summary.bytes
        );
    }

    #[test]
    fn beat_times_are_localised() {
        let at = |h: i64, m: i64, s: i64, cs: i64| ((h * 60 + m) * 60 + s) * 100 + cs;
        let mut buf = String::new();
        push_beat_time(&mut buf, at(18, 14, 48, 94), 0, ExportLocale::EnUs);
        assert_eq!(buf, "6:14:48.94 PM");
        buf.clear();
        push_beat_time(&mut buf, at(0, 5, 1, 2), 0, ExportLocale::EnUs);
        assert_eq!(buf, "12:05:01.02 AM");
        buf.clear();
        push_beat_time(&mut buf, at(6, 34, 5, 10), 2 * HOUR, ExportLocale::DeDe);
        assert_eq!(buf, "08:34:05,10");
        let (doc, _) = xml(&SyntheticExport {
            locale: ExportLocale::EnUs,
            ..small(3)
        });
        assert!(doc.starts_with("<?xml") && doc.contains("<HealthData locale=\"en_US\">"));
        assert!(doc.contains(" AM\"/>") || doc.contains(" PM\"/>"));
    }

    #[test]
    fn dates_and_summer_time() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        for days in [-1, 0, 59, 365, 19_000, 20_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(last_sunday(2022, 3)), (2022, 3, 27));
        assert_eq!(civil_from_days(last_sunday(2022, 10)), (2022, 10, 30));
        let change = last_sunday(2022, 10) * DAY + HOUR;
        assert_eq!(Zone::Home.offset(change - 1), 2 * HOUR);
        assert_eq!(Zone::Home.offset(change), HOUR);
        let mut buf = String::new();
        push_date(&mut buf, change - 1, 2 * HOUR);
        assert_eq!(buf, "2022-10-30 02:59:59 +0200");
        buf.clear();
        push_date(&mut buf, change, HOUR);
        assert_eq!(buf, "2022-10-30 02:00:00 +0100");
    }
}
