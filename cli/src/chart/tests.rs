#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::Path;

use chrono::{Days, NaiveDate};
use quick_xml::Reader;
use quick_xml::events::Event;

use super::panels::HRV_MEAN_COLOR;
use super::*;

/// A made-up member over `n` days from 2026-01-05: smooth waves (no randomness, so failures
/// reproduce), a rest day every seventh day, and a few missing nights.
fn sample(n: usize) -> TrendData {
    let first = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
    let mut data = TrendData {
        hrv_metric_label: "lnRMSSD".to_string(),
        sleep_need_h: Some(7.75),
        ..TrendData::default()
    };
    for i in 0..n {
        let t = i as f64;
        data.days
            .push(first.checked_add_days(Days::new(i as u64)).unwrap());
        let missing = i % 23 == 11;
        let ln = 4.1 + 0.15 * (t / 9.0).sin() + 0.08 * (t * 1.7).sin() - 0.2 * (t / 45.0).sin();
        data.ln_hrv.push((!missing).then_some(ln));
        let mean = 4.1 + 0.13 * (t / 9.0).sin() - 0.2 * (t / 45.0).sin();
        data.ln_hrv_week_mean.push((i >= 2).then_some(mean));
        data.normal_low.push((i >= 6).then_some(3.95));
        data.normal_high.push((i >= 6).then_some(4.25));
        data.resting_hr
            .push((!missing).then_some(54.0 + 3.0 * (t / 11.0).cos() + (t * 2.3).sin()));
        data.sleep_h
            .push((!missing).then_some(7.4 + 0.9 * (t * 0.8).sin()));
        data.load.push(if i % 7 == 6 {
            0.0
        } else {
            350.0 + 250.0 * (t * 1.3).sin().abs()
        });
        data.readiness
            .push((i >= 6).then_some(55.0 + 35.0 * (t / 8.0).sin()));
    }
    data
}

/// Writes `data` as an SVG in a fresh directory and returns the text.
fn svg_of(data: &TrendData) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trends.svg");
    write_chart(data, &path).unwrap();
    fs::read_to_string(&path).unwrap()
}

/// Parses `svg` as XML to the end (failing on any error or unbalanced tag) and returns the text
/// of its `<text>` elements.
fn xml_texts(svg: &str) -> Vec<String> {
    let mut reader = Reader::from_str(svg);
    let mut depth = 0usize;
    let mut in_text = false;
    let mut texts = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(tag) => {
                depth += 1;
                in_text = tag.name().as_ref() == "text";
                if in_text {
                    texts.push(String::new());
                }
            }
            Event::End(_) => {
                depth = depth.checked_sub(1).expect("no stray end tag");
                in_text = false;
            }
            Event::Text(text) if in_text => {
                if let Some(last) = texts.last_mut() {
                    last.push_str(&text.xml10_content());
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "every element is closed");
    // plotters puts each text on a line of its own inside the element.
    texts.iter().map(|t| t.trim().to_string()).collect()
}

/// Number of polylines stroked in the 7-day-mean colour (the mean's segments plus its legend).
fn mean_polylines(svg: &str) -> usize {
    let stroke = format!(
        "stroke=\"#{:02X}{:02X}{:02X}\"",
        HRV_MEAN_COLOR.0, HRV_MEAN_COLOR.1, HRV_MEAN_COLOR.2
    );
    svg.split("<polyline")
        .skip(1)
        .filter(|element| element.split("/>").next().unwrap_or("").contains(&stroke))
        .count()
}

/// Width and height from a PNG's IHDR chunk, which always comes first after the signature.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR", "IHDR chunk first");
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

#[test]
fn chart_svg_is_well_formed_and_has_the_panel_titles() {
    let svg = svg_of(&sample(30));
    let texts = xml_texts(&svg);
    for title in [
        "Heart-rate variability (lnRMSSD)",
        "Resting heart rate",
        "Sleep",
        "Training load",
        "Readiness",
        "7-day mean",
        "normal range",
    ] {
        assert!(
            texts.iter().any(|t| t == title),
            "missing {title:?} in {texts:?}"
        );
    }
    // A month's range is labelled by day.
    assert!(texts.iter().any(|t| t == "Jan 12"), "{texts:?}");
}

#[test]
fn chart_png_has_the_chart_dimensions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trends.PNG");
    write_chart(&sample(30), &path).unwrap();
    assert_eq!(png_size(&fs::read(&path).unwrap()), (WIDTH, HEIGHT));
}

#[test]
fn chart_gaps_break_lines_instead_of_bridging_them() {
    let data = sample(40);
    let base = mean_polylines(&svg_of(&data));
    assert!(base >= 2, "the mean is drawn (and in the legend)");

    let mut missing = data.clone();
    missing.ln_hrv_week_mean[20] = None;
    assert_eq!(
        mean_polylines(&svg_of(&missing)),
        base + 1,
        "a None splits the line"
    );

    let mut nan = data.clone();
    nan.ln_hrv_week_mean[20] = Some(f64::NAN);
    assert_eq!(
        mean_polylines(&svg_of(&nan)),
        base + 1,
        "NaN is a gap, not a point"
    );

    // A day absent from `days` altogether also breaks the line.
    let mut skipped = data;
    for series in [
        &mut skipped.ln_hrv,
        &mut skipped.ln_hrv_week_mean,
        &mut skipped.normal_low,
        &mut skipped.normal_high,
        &mut skipped.resting_hr,
        &mut skipped.sleep_h,
        &mut skipped.readiness,
    ] {
        series.remove(20);
    }
    skipped.load.remove(20);
    skipped.days.remove(20);
    assert_eq!(
        mean_polylines(&svg_of(&skipped)),
        base + 1,
        "a skipped day splits the line"
    );
}

#[test]
fn chart_mismatched_lengths_name_the_series() {
    let mut data = sample(10);
    data.resting_hr.pop();
    let err = write_chart(&data, Path::new("/nonexistent/trends.svg")).unwrap_err();
    assert!(
        matches!(
            err,
            ChartError::LengthMismatch {
                series: "resting_hr",
                expected: 10,
                found: 9
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("resting_hr"), "{err}");

    let mut data = sample(10);
    data.load.push(1.0);
    let err = write_chart(&data, Path::new("/nonexistent/trends.svg")).unwrap_err();
    assert!(
        matches!(err, ChartError::LengthMismatch { series: "load", .. }),
        "{err:?}"
    );
}

#[test]
fn chart_bad_extension_is_named() {
    let err = write_chart(&sample(5), Path::new("trends.jpg")).unwrap_err();
    assert!(
        matches!(&err, ChartError::UnsupportedExtension { extension } if extension == "jpg"),
        "{err:?}"
    );
    assert!(err.to_string().contains("\"jpg\""), "{err}");
    let err = write_chart(&sample(5), Path::new("trends")).unwrap_err();
    assert!(
        matches!(&err, ChartError::UnsupportedExtension { extension } if extension.is_empty()),
        "{err:?}"
    );
}

#[test]
fn chart_empty_range_is_an_error() {
    let err = write_chart(&TrendData::default(), Path::new("/tmp/never-written.svg")).unwrap_err();
    assert!(matches!(err, ChartError::EmptyRange), "{err:?}");
}

#[test]
fn chart_days_out_of_order_are_an_error() {
    let mut data = sample(5);
    data.days.swap(1, 2);
    let err = write_chart(&data, Path::new("/tmp/never-written.svg")).unwrap_err();
    assert!(matches!(err, ChartError::DaysOutOfOrder), "{err:?}");
}

#[test]
fn chart_unwritable_path_is_named() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["trends.svg", "trends.png"] {
        let path = dir.path().join("no-such-dir").join(name);
        let err = write_chart(&sample(5), &path).unwrap_err();
        assert!(
            matches!(&err, ChartError::Write { path: p, .. } if *p == path),
            "{err:?}"
        );
        assert!(err.to_string().contains("no-such-dir"), "{err}");
    }
}

#[test]
fn chart_output_is_deterministic() {
    let data = sample(20);
    let dir = tempfile::tempdir().unwrap();
    for name in ["a.svg", "b.svg", "a.png", "b.png"] {
        write_chart(&data, &dir.path().join(name)).unwrap();
    }
    let read = |name: &str| fs::read(dir.path().join(name)).unwrap();
    assert_eq!(read("a.svg"), read("b.svg"));
    assert_eq!(read("a.png"), read("b.png"));
}

#[test]
fn chart_draws_a_single_day_and_all_missing_series() {
    let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let data = TrendData {
        days: vec![day],
        ln_hrv: vec![None],
        ln_hrv_week_mean: vec![None],
        normal_low: vec![None],
        normal_high: vec![None],
        hrv_metric_label: "lnSDNN".to_string(),
        resting_hr: vec![None],
        sleep_h: vec![None],
        sleep_need_h: None,
        load: vec![0.0],
        readiness: vec![None],
    };
    let texts = xml_texts(&svg_of(&data));
    assert!(texts.iter().any(|t| t == "Heart-rate variability (lnSDNN)"));
}
