//! The parser against the synthetic generator's exports and against small hand-written documents
//! for each quirk and failure.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::*;
use crate::apple_export::synthetic::{ExportLocale, GeneratedSummary, SyntheticExport};
use crate::health::activity::ActivityType;
use crate::platform::healthkit::quantity_kind;

/// Keeps everything it is given; cancels after `cancel_after` quantity samples when set.
#[derive(Default)]
struct Collector {
    quantities: Vec<QuantitySample>,
    beats: Vec<HrvBeats>,
    sleep: Vec<SleepSample>,
    workouts: Vec<Workout>,
    progress: Vec<Progress>,
    cancel_after: Option<usize>,
}

impl Sink for Collector {
    fn quantity(&mut self, sample: QuantitySample) -> Flow {
        self.quantities.push(sample);
        match self.cancel_after {
            Some(n) if self.quantities.len() >= n => Flow::Cancel,
            _ => Flow::Continue,
        }
    }
    fn heartbeats(&mut self, beats: HrvBeats) -> Flow {
        self.beats.push(beats);
        Flow::Continue
    }
    fn sleep(&mut self, sample: SleepSample) -> Flow {
        self.sleep.push(sample);
        Flow::Continue
    }
    fn workout(&mut self, workout: Workout) -> Flow {
        self.workouts.push(workout);
        Flow::Continue
    }
    fn progress(&mut self, progress: Progress) -> Flow {
        self.progress.push(progress);
        Flow::Continue
    }
}

fn generate(cfg: &SyntheticExport) -> (Vec<u8>, GeneratedSummary) {
    let mut bytes = Vec::new();
    let summary = cfg.write_xml(&mut bytes).unwrap();
    (bytes, summary)
}

fn run(bytes: &[u8]) -> (ParseReport, Collector) {
    let mut sink = Collector::default();
    let report = parse(bytes, &mut sink, &ParseOptions::default()).unwrap();
    (report, sink)
}

fn small(days: u32) -> SyntheticExport {
    SyntheticExport {
        days,
        ..SyntheticExport::default()
    }
}

/// A document with the given body inside `<HealthData>`.
fn doc(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE HealthData [\n<!ATTLIST x\n]>\n\
         <HealthData locale=\"en_US\">\n <ExportDate value=\"2022-10-03 08:00:00 +0200\"/>\n{body}</HealthData>\n"
    )
}

const WATCH: &str = "sourceName=\"Alex’s Apple Watch\" sourceVersion=\"9.0\" device=\"&lt;&lt;HKDevice: 0x2834ae710&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,2, software:9.0&gt;\"";

fn hr(value: &str, start: &str, end: &str) -> String {
    format!(
        " <Record type=\"HKQuantityTypeIdentifierHeartRate\" {WATCH} unit=\"count/min\" \
         creationDate=\"{end}\" startDate=\"{start}\" endDate=\"{end}\" value=\"{value}\"/>\n"
    )
}

#[test]
fn default_synthetic_export_matches_its_summary() {
    let cfg = SyntheticExport::default();
    let (bytes, summary) = generate(&cfg);
    let (report, sink) = run(&bytes);

    assert_eq!(report.outcome, Outcome::Complete);
    assert_eq!(report.locale.as_deref(), Some("de_DE"));
    assert!(report.export_date.is_some());
    assert_eq!(report.records, summary.records);
    assert_eq!(
        report.skipped,
        BTreeMap::new(),
        "nothing synthetic is implausible"
    );
    // Every top-level record of a kind the core reads was emitted, duplicates included.
    let mut ignored = 0;
    for (type_, &n) in &summary.records {
        match quantity_kind(type_) {
            Some(kind) => assert_eq!(report.quantities.get(&kind), Some(&n), "{type_}"),
            None if type_ == crate::platform::healthkit::SLEEP_ANALYSIS => {}
            None => ignored += n,
        }
    }
    assert_eq!(report.ignored_records, ignored);
    assert_eq!(
        report.quantities.values().sum::<u64>(),
        sink.quantities.len() as u64
    );
    let mut stages: BTreeMap<SleepStage, u64> = BTreeMap::new();
    for (value, &n) in &summary.sleep_values {
        *stages.entry(sleep_stage_from_name(value)).or_default() += n;
    }
    assert_eq!(report.sleep, stages);
    assert_eq!(sink.sleep.len() as u64, stages.values().sum::<u64>());
    // Beat lists: every beat of every watch HRV record (the ring's have none).
    assert_eq!(report.beats, summary.hrv_beats);
    assert_eq!(
        sink.beats
            .iter()
            .map(|b| b.series.beats.len())
            .sum::<usize>() as u64,
        summary.hrv_beats
    );
    assert_eq!(report.heartbeat_series, sink.beats.len() as u64);
    assert!(report.heartbeat_series > 0);
    assert!(report.heartbeat_series < report.quantities[&QuantityKind::HrvSdnn]);
    // Workouts with their children.
    assert_eq!(report.workouts, summary.total_workouts());
    assert_eq!(sink.workouts.len() as u64, summary.total_workouts());
    assert_eq!(report.workout_events, summary.workout_events);
    assert_eq!(report.workout_statistics, summary.workout_statistics);
    // Correlations: counted, their children not emitted.
    assert_eq!(
        report.correlations,
        summary.correlations.values().sum::<u64>()
    );
    assert_eq!(report.correlation_records, summary.correlation_records);
    assert_eq!(report.activity_summaries, summary.activity_summaries);
    // Quirks.
    assert!(summary.quirks.control_characters > 0);
    assert_eq!(report.invalid_characters, summary.quirks.control_characters);
    assert!(summary.quirks.colliding_metadata_keys > 0);
    assert_eq!(
        report.metadata_collisions,
        summary.quirks.colliding_metadata_keys
    );
    assert!(summary.quirks.duplicate_records > 0);
    assert_eq!(report.duplicates, summary.quirks.duplicate_records);
    assert_eq!(report.ignored_time_zones, 0);
    // The last boundary is just after the last element, before `</HealthData>`.
    assert_eq!(
        report.resume_offset,
        summary.bytes - "\n</HealthData>\n".len() as u64
    );

    // Sources: the names the generator wrote (a replaced control character included).
    let names: BTreeSet<&str> = sink
        .quantities
        .iter()
        .map(|q| q.source.name.as_str())
        .chain(sink.sleep.iter().map(|s| s.source.name.as_str()))
        .collect();
    for name in &names {
        assert!(summary.records_by_source.contains_key(*name), "{name}");
    }
    let watch = sink
        .quantities
        .iter()
        .find_map(|q| {
            q.source
                .device
                .as_ref()
                .filter(|d| d.model.as_deref() == Some("Watch"))
        })
        .unwrap();
    assert_eq!(watch.hardware_version.as_deref(), Some("Watch6,16"));
    assert_eq!(watch.manufacturer.as_deref(), Some("Apple Inc."));
    // Zones: sleep records name the member's zone, including the trip.
    let zones: BTreeSet<Option<&str>> = sink.sleep.iter().map(|s| s.segment.start.zone()).collect();
    assert!(zones.contains(&Some("Europe/Berlin")));
    assert!(zones.contains(&Some("Asia/Tokyo")));
    assert!(zones.contains(&None), "the ring writes no zone");
    // Workouts: activities, totals and pauses made it through.
    let activities: BTreeSet<ActivityType> = sink.workouts.iter().map(|w| w.activity).collect();
    assert!(activities.contains(&ActivityType::Running));
    assert!(activities.contains(&ActivityType::TraditionalStrengthTraining));
    assert!(sink.workouts.iter().all(|w| w.active_energy_kcal.is_some()
        && w.avg_heart_rate_bpm.is_some()
        && w.max_heart_rate_bpm.is_some()
        && w.start.zone().is_some()));
    assert!(
        sink.workouts.iter().any(
            |w| w.activity == ActivityType::Running && w.distance_m.is_some_and(|m| m > 1000.0)
        )
    );
    assert!(sink.workouts.iter().any(|w| w.events.len() == 2
        && w.events[0].kind == WorkoutEventKind::Pause
        && w.events[1].kind == WorkoutEventKind::Resume));
    // Progress reached the end, in order.
    assert!(sink.progress.len() > 5);
    assert!(
        sink.progress
            .windows(2)
            .all(|w| w[0].bytes_read <= w[1].bytes_read)
    );
    assert_eq!(
        sink.progress.last().map(|p| p.bytes_read),
        Some(report.resume_offset)
    );
}

#[test]
fn a_newer_export_repeats_every_key_of_the_older_one() {
    let old_cfg = small(20);
    let new_cfg = old_cfg.newer(10);
    let (old_bytes, _) = generate(&old_cfg);
    let (new_bytes, _) = generate(&new_cfg);
    assert_ne!(
        old_bytes[..old_bytes.len() / 2],
        new_bytes[..old_bytes.len() / 2]
    );
    let (old_report, old) = run(&old_bytes);
    let (new_report, new) = run(&new_bytes);
    assert_eq!(old_report.outcome, Outcome::Complete);
    assert_eq!(new_report.outcome, Outcome::Complete);
    // The device addresses differ between the two exports; the content keys do not.
    let old_keys: HashSet<String> = old.quantities.iter().map(|q| q.content_key()).collect();
    let new_keys: HashSet<String> = new.quantities.iter().map(|q| q.content_key()).collect();
    assert!(old_keys.is_subset(&new_keys));
    assert!(new_keys.len() > old_keys.len());
    // Byte-identical duplicates collapse under the key: fewer keys than samples.
    assert!(old_keys.len() < old.quantities.len());
}

#[test]
fn both_locales_give_the_same_beats() {
    let de = small(12);
    let us = SyntheticExport {
        locale: ExportLocale::EnUs,
        ..de.clone()
    };
    let (de_bytes, summary) = generate(&de);
    let (us_bytes, _) = generate(&us);
    let (de_report, de_sink) = run(&de_bytes);
    let (us_report, us_sink) = run(&us_bytes);
    assert_eq!(de_report.beats, summary.hrv_beats);
    assert_eq!(us_report.beats, summary.hrv_beats);
    assert!(de_report.skipped.is_empty() && us_report.skipped.is_empty());
    assert_eq!(de_sink.beats, us_sink.beats);
    // Beats of a one-minute reading, a second or so apart, none flagged as a gap.
    for beats in &de_sink.beats {
        let rr = beats.series.rr_intervals();
        assert!(rr.rr_ms.iter().all(|&ms| (300.0..=2000.0).contains(&ms)));
        assert!(rr.gaps.is_empty());
        let from_bpm = beats.rr_from_bpm_ms();
        assert_eq!(from_bpm.len(), beats.series.beats.len());
    }
}

#[test]
fn hrv_beats_across_midnight_in_both_formats() {
    for (first, second, third) in [
        ("11:59:59.20 PM", "12:00:00.20 AM", "12:00:01.20 AM"),
        ("23:59:59,20", "00:00:00,20", "00:00:01,20"),
    ] {
        let body = format!(
            " <Record type=\"HKQuantityTypeIdentifierHeartRateVariabilitySDNN\" {WATCH} unit=\"ms\" \
             startDate=\"2022-10-02 23:59:59 +0200\" endDate=\"2022-10-03 00:01:00 +0200\" value=\"48.5\">\n\
             <HeartRateVariabilityMetadataList>\n\
             <InstantaneousBeatsPerMinute bpm=\"60\" time=\"{first}\"/>\n\
             <InstantaneousBeatsPerMinute bpm=\"60\" time=\"{second}\"/>\n\
             <InstantaneousBeatsPerMinute bpm=\"60\" time=\"{third}\"/>\n\
             </HeartRateVariabilityMetadataList>\n </Record>\n"
        );
        let (report, sink) = run(doc(&body).as_bytes());
        assert_eq!(report.outcome, Outcome::Complete);
        assert_eq!(sink.quantities.len(), 1);
        assert_eq!(sink.quantities[0].value, 48.5);
        let [beats] = sink.beats.as_slice() else {
            panic!("one beat list expected, got {}", sink.beats.len());
        };
        let offsets: Vec<f64> = beats.series.beats.iter().map(|b| b.offset_s).collect();
        assert_eq!(offsets, vec![0.2, 1.2, 2.2]);
        assert_eq!(beats.series.start, sink.quantities[0].start);
        assert_eq!(beats.bpm, vec![60.0; 3]);
    }
}

#[test]
fn correlation_children_are_imported_once() {
    let child = hr(
        "61",
        "2022-10-03 07:30:00 +0200",
        "2022-10-03 07:30:00 +0200",
    );
    let body = format!(
        "{child} <Correlation type=\"HKCorrelationTypeIdentifierBloodPressure\" {WATCH} \
         startDate=\"2022-10-03 07:30:00 +0200\" endDate=\"2022-10-03 07:30:00 +0200\">\n \
         <MetadataEntry key=\"HKWasUserEntered\" value=\"1\"/>\n {child} </Correlation>\n"
    );
    let (report, sink) = run(doc(&body).as_bytes());
    assert_eq!(report.outcome, Outcome::Complete);
    assert_eq!(sink.quantities.len(), 1);
    assert_eq!(report.correlations, 1);
    assert_eq!(report.correlation_records, 1);
    assert_eq!(report.records.values().sum::<u64>(), 1);
}

#[test]
fn bad_records_are_skipped_with_reasons() {
    let t = "2022-10-03 07:30:00 +0200";
    let body = [
        hr("61", t, t),
        hr("500", t, t),
        hr("sixty", t, t),
        hr("61", "2022-13-03 07:30:00 +0200", t),
        hr("61", t, "2022-10-03 07:29:00 +0200"),
        hr("61", t, t).replace("count/min", "ms"),
        hr("61", t, t).replace(&format!(" startDate=\"{t}\""), ""),
        hr("61", t, t).replace("sourceName=\"Alex’s Apple Watch\"", "sourceName=\" \""),
        hr("61", t, t).replace("value=\"61\"", "value=\"&bogus;\""),
        // A sleep record whose zone is not a zone name: kept, without the zone.
        format!(
            " <Record type=\"HKCategoryTypeIdentifierSleepAnalysis\" {WATCH} startDate=\"{t}\" \
             endDate=\"2022-10-03 07:45:00 +0200\" value=\"HKCategoryValueSleepAnalysisAsleepREM\">\n  \
             <MetadataEntry key=\"HKTimeZone\" value=\"Central European Time\"/>\n </Record>\n"
        ),
        // A step count: not read, counted.
        format!(
            " <Record type=\"HKQuantityTypeIdentifierStepCount\" {WATCH} unit=\"count\" \
             startDate=\"{t}\" endDate=\"{t}\" value=\"12\"/>\n"
        ),
        " <ActivitySummary dateComponents=\"2022-10-03\" activeEnergyBurned=\"1\"/>\n".to_owned(),
        " <ClinicalRecord type=\"x\"/>\n".to_owned(),
    ]
    .concat();
    let (report, sink) = run(doc(&body).as_bytes());
    assert_eq!(report.outcome, Outcome::Complete);
    assert_eq!(sink.quantities.len(), 1);
    let expected: BTreeMap<SkipReason, u64> = [
        (SkipReason::Implausible, 2),
        (SkipReason::BadNumber, 1),
        (SkipReason::BadDate, 1),
        (SkipReason::UnknownUnit, 1),
        (SkipReason::MissingField, 2),
        (SkipReason::Malformed, 1),
    ]
    .into();
    assert_eq!(report.skipped, expected);
    assert_eq!(report.skipped_total(), 8);
    assert_eq!(sink.sleep.len(), 1);
    assert_eq!(sink.sleep[0].segment.stage, SleepStage::Rem);
    assert_eq!(sink.sleep[0].segment.start.zone(), None);
    assert_eq!(report.ignored_time_zones, 1);
    assert_eq!(report.ignored_records, 1);
    assert_eq!(report.activity_summaries, 1);
    assert_eq!(report.other_elements, 1);
    // The report and its debug text carry no value.
    assert!(!format!("{report:?}").contains("500"));
}

#[test]
fn workouts_read_statistics_events_and_metadata() {
    let body = format!(
        " <Workout workoutActivityType=\"HKWorkoutActivityTypeCycling\" duration=\"55\" \
         durationUnit=\"min\" {WATCH} startDate=\"2022-10-03 18:00:00 +0200\" \
         endDate=\"2022-10-03 19:00:00 +0200\">\n  \
         <MetadataEntry key=\"HKIndoorWorkout\" value=\"1\"/>\n  \
         <MetadataEntry key=\"HKTimeZone\" value=\"Europe/Berlin\"/>\n  \
         <MetadataEntry key=\"hkindoorworkout\" value=\"0\"/>\n  \
         <WorkoutEvent type=\"HKWorkoutEventTypeResume\" date=\"2022-10-03 18:25:00 +0200\" duration=\"0\" durationUnit=\"min\"/>\n  \
         <WorkoutEvent type=\"HKWorkoutEventTypePause\" date=\"2022-10-03 18:20:00 +0200\" duration=\"0\" durationUnit=\"min\"/>\n  \
         <WorkoutEvent type=\"HKWorkoutEventTypeSegment\" date=\"2022-10-03 18:30:00 +0200\" duration=\"10\" durationUnit=\"min\"/>\n  \
         <WorkoutStatistics type=\"HKQuantityTypeIdentifierActiveEnergyBurned\" startDate=\"2022-10-03 18:00:00 +0200\" endDate=\"2022-10-03 19:00:00 +0200\" sum=\"2092\" unit=\"kJ\"/>\n  \
         <WorkoutStatistics type=\"HKQuantityTypeIdentifierHeartRate\" startDate=\"2022-10-03 18:00:00 +0200\" endDate=\"2022-10-03 19:00:00 +0200\" average=\"141.5\" minimum=\"90\" maximum=\"171\" unit=\"count/min\"/>\n  \
         <WorkoutStatistics type=\"HKQuantityTypeIdentifierDistanceCycling\" startDate=\"2022-10-03 18:00:00 +0200\" endDate=\"2022-10-03 19:00:00 +0200\" sum=\"25.5\" unit=\"km\"/>\n  \
         <WorkoutActivity uuid=\"A\" startDate=\"2022-10-03 18:00:00 +0200\">\n   \
         <WorkoutStatistics type=\"HKQuantityTypeIdentifierDistanceCycling\" startDate=\"2022-10-03 18:00:00 +0200\" endDate=\"2022-10-03 19:00:00 +0200\" sum=\"25.5\" unit=\"km\"/>\n  \
         </WorkoutActivity>\n </Workout>\n"
    );
    let (report, sink) = run(doc(&body).as_bytes());
    assert_eq!(report.outcome, Outcome::Complete);
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    let [w] = sink.workouts.as_slice() else {
        panic!("one workout expected");
    };
    // The first of the colliding keys wins: indoor.
    assert_eq!(w.activity, ActivityType::IndoorCycling);
    assert_eq!(report.metadata_collisions, 1);
    assert_eq!(w.duration_s, 3300.0);
    assert!((w.active_energy_kcal.unwrap_or(0.0) - 500.0).abs() < 0.01);
    assert_eq!(w.avg_heart_rate_bpm, Some(141.5));
    assert_eq!(w.max_heart_rate_bpm, Some(171.0));
    // The activity's copy of the distance is not added again.
    assert_eq!(w.distance_m, Some(25_500.0));
    let kinds: Vec<WorkoutEventKind> = w.events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        vec![
            WorkoutEventKind::Pause,
            WorkoutEventKind::Resume,
            WorkoutEventKind::Segment
        ]
    );
    assert_eq!(seconds_between(&w.events[2].start, &w.events[2].end), 600.0);
    assert_eq!(w.start.zone(), Some("Europe/Berlin"));
    assert_eq!(report.workout_statistics, 3);
}

#[test]
fn control_characters_are_replaced_and_counted() {
    let t = "2022-10-03 07:30:00 +0200";
    let body = hr("61", t, t).replace(
        "Apple Watch\" sourceVersion",
        "Apple\u{b}Watch\u{c}\" sourceVersion",
    );
    let (report, sink) = run(doc(&body).as_bytes());
    assert_eq!(report.outcome, Outcome::Complete);
    assert_eq!(report.invalid_characters, 2);
    assert_eq!(sink.quantities[0].source.name, "Alex’s Apple Watch ");
}

#[test]
fn a_truncated_export_gives_the_records_before_the_cut() {
    let (bytes, _) = generate(&small(4));
    let (_, full) = run(&bytes);
    let text = String::from_utf8(bytes.clone()).unwrap();
    // Inside a record's attributes, and between two records.
    let middle = text[text.len() / 2..].find(" <Record ").unwrap() + text.len() / 2;
    for cut in [middle + 40, middle] {
        let (report, sink) = run(&bytes[..cut]);
        assert_eq!(report.outcome, Outcome::Truncated, "cut at {cut}");
        assert!(!sink.quantities.is_empty());
        assert!(sink.quantities.len() < full.quantities.len());
        assert_eq!(
            sink.quantities[..],
            full.quantities[..sink.quantities.len()]
        );
        assert!(report.resume_offset <= cut as u64);
    }
}

#[test]
fn broken_xml_in_the_middle_is_reported_where() {
    let t = "2022-10-03 07:30:00 +0200";
    let body = format!("{}</Oops>\n{}", hr("61", t, t), hr("62", t, t));
    let (report, sink) = run(doc(&body).as_bytes());
    assert!(
        matches!(report.outcome, Outcome::Malformed { .. }),
        "{:?}",
        report.outcome
    );
    assert_eq!(sink.quantities.len(), 1);
}

#[test]
fn files_that_are_not_exports_are_refused() {
    let mut sink = Collector::default();
    let options = ParseOptions::default();
    assert!(matches!(
        parse(&b""[..], &mut sink, &options),
        Err(ParseError::Empty)
    ));
    let html =
        b"<!DOCTYPE html><html><head><title>Health</title></head><body><p>Export</p></body></html>";
    assert!(matches!(
        parse(&html[..], &mut sink, &options),
        Err(ParseError::NotAnExport)
    ));
    let noise: Vec<u8> = (0..100_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    assert!(matches!(
        parse(&noise[..], &mut sink, &options),
        Err(ParseError::NotAnExport)
    ));
    assert!(matches!(
        parse(&b"<HealthDataset/>"[..], &mut sink, &options),
        Err(ParseError::NotAnExport)
    ));
    assert!(sink.quantities.is_empty());
    // The messages say what is wrong without quoting the file.
    assert_eq!(
        ParseError::NotAnExport.to_string(),
        "not an Apple Health export: no HealthData element at the start of the document"
    );
}

#[test]
fn cancelling_stops_after_the_current_element() {
    let (bytes, _) = generate(&small(3));
    let mut sink = Collector {
        cancel_after: Some(10),
        ..Collector::default()
    };
    let report = parse(&bytes[..], &mut sink, &ParseOptions::default()).unwrap();
    assert_eq!(report.outcome, Outcome::Cancelled);
    assert_eq!(sink.quantities.len(), 10);
}

#[test]
fn zip_archives_and_paths() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = small(6);
    let zip_path = dir.path().join("export.zip");
    let summary = cfg.write_zip(&zip_path).unwrap();
    let mut from_zip = Collector::default();
    let report = parse_path(&zip_path, &mut from_zip, &ParseOptions::default()).unwrap();
    assert_eq!(report.outcome, Outcome::Complete);
    assert_eq!(report.records, summary.records);
    assert_eq!(
        from_zip.progress.last().and_then(|p| p.total_bytes),
        Some(summary.bytes)
    );
    let xml_path = dir.path().join("export.xml");
    cfg.write_xml(std::fs::File::create(&xml_path).unwrap())
        .unwrap();
    let mut from_xml = Collector::default();
    let xml_report = parse_path(&xml_path, &mut from_xml, &ParseOptions::default()).unwrap();
    assert_eq!(xml_report, report);
    assert_eq!(from_xml.quantities, from_zip.quantities);
    // An archive without the export.
    let empty_zip = dir.path().join("other.zip");
    let mut writer = zip::ZipWriter::new(std::fs::File::create(&empty_zip).unwrap());
    writer
        .start_file("readme.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    writer.finish().unwrap();
    assert!(matches!(
        parse_zip(
            &empty_zip,
            &mut Collector::default(),
            &ParseOptions::default()
        ),
        Err(ParseError::NoExportInArchive)
    ));
}

/// A sleep record with the given dates and `HKTimeZone`.
fn sleep_in(start: &str, end: &str, zone: &str) -> String {
    format!(
        " <Record type=\"HKCategoryTypeIdentifierSleepAnalysis\" {WATCH} startDate=\"{start}\" \
         endDate=\"{end}\" value=\"HKCategoryValueSleepAnalysisAsleepCore\">\n  \
         <MetadataEntry key=\"HKTimeZone\" value=\"{zone}\"/>\n </Record>\n"
    )
}

#[test]
fn a_zoned_record_takes_its_zones_offset_at_the_written_instant() {
    // Slept in Tokyo, exported in Berlin: Apple writes the dates at +0100.
    let written = "2022-11-20 23:30:00 +0100";
    let body = sleep_in(written, "2022-11-21 00:30:00 +0100", "Asia/Tokyo");
    let (report, sink) = run(doc(&body).as_bytes());
    assert_eq!(report.ignored_time_zones, 0);
    assert_eq!(sink.sleep.len(), 1);
    let start = &sink.sleep[0].segment.start;
    assert_eq!(start.offset_s(), 9 * 3600);
    assert_eq!(start.zone(), Some("Asia/Tokyo"));
    assert_eq!(
        start.utc(),
        parse_date(written).unwrap().with_timezone(&Utc)
    );
    assert_eq!(
        start.local().format("%Y-%m-%d %H:%M").to_string(),
        "2022-11-21 07:30"
    );
    assert_eq!(sink.sleep[0].segment.end.offset_s(), 9 * 3600);
}

#[test]
fn a_zoned_record_follows_summer_time_across_the_change() {
    // Europe/Berlin left summer time at 01:00 UTC on 30 October 2022; exported from Tokyo.
    let body = sleep_in(
        "2022-10-30 08:30:00 +0900",
        "2022-10-30 11:30:00 +0900",
        "Europe/Berlin",
    );
    let (report, sink) = run(doc(&body).as_bytes());
    assert_eq!(report.ignored_time_zones, 0);
    let segment = &sink.sleep[0].segment;
    // 23:30 UTC on the 29th: still summer time. 02:30 UTC: winter time.
    assert_eq!(segment.start.offset_s(), 2 * 3600);
    assert_eq!(segment.end.offset_s(), 3600);
    assert_eq!(seconds_between(&segment.start, &segment.end), 3.0 * 3600.0);
    assert_eq!(segment.start.local().format("%H:%M").to_string(), "01:30");
    assert_eq!(segment.end.local().format("%H:%M").to_string(), "03:30");
}

#[test]
fn an_unknown_zone_keeps_the_written_offset() {
    let written = "2022-10-03 07:00:00 +0200";
    let body = sleep_in(written, "2022-10-03 07:45:00 +0200", "Mars/Olympus_Mons");
    let (report, sink) = run(doc(&body).as_bytes());
    assert_eq!(report.ignored_time_zones, 1);
    let start = &sink.sleep[0].segment.start;
    assert_eq!(start.offset_s(), 2 * 3600);
    assert_eq!(start.zone(), None);
    assert_eq!(
        start.utc(),
        parse_date(written).unwrap().with_timezone(&Utc)
    );
}
