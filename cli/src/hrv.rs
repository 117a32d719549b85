//! `alyze hrv`: reads an RR file, analyses it and prints a table or the JSON contract.
//!
//! The JSON keys are a stable contract that scripts and tests rely on: add keys, never rename or
//! drop one.

use std::io::Write;
use std::path::PathBuf;

use alyze_core::hrv::{
    self, Correction, HrvError, HrvReport, HrvSettings, RrText, RrUnit, parse_rr_text,
};
use anyhow::{Context, Result, anyhow};
use clap::{Args, ValueEnum};
use serde_json::{Value, json};

/// Arguments of `alyze hrv`.
#[derive(Debug, Args)]
pub struct HrvArgs {
    /// RR intervals: one per line, or a CSV whose RR column is named rr, RR or rr_ms.
    #[arg(long, value_name = "FILE")]
    rr: PathBuf,
    /// Artefact correction: auto (Lipponen & Tarvainen 2019, as Kubios), threshold, or none.
    #[arg(long, value_enum, default_value_t = CorrectionArg::Auto)]
    correction: CorrectionArg,
    /// Threshold of the threshold correction, ms at 60 bpm (Kubios "medium" = 250).
    #[arg(long, default_value_t = 250.0, value_name = "MS")]
    threshold_ms: f64,
    /// Unit of the intervals in the file.
    #[arg(long, value_enum, default_value_t = UnitArg::Ms)]
    unit: UnitArg,
    /// Smoothness-priors detrending before the spectrum, with this lambda (Kubios uses 500).
    #[arg(long, value_name = "LAMBDA")]
    detrend: Option<f64>,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum CorrectionArg {
    Auto,
    Threshold,
    None,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum UnitArg {
    Ms,
    S,
}

/// Runs `alyze hrv`.
pub fn run(args: &HrvArgs) -> Result<()> {
    let shown = args.rr.display();
    let text = std::fs::read_to_string(&args.rr).with_context(|| format!("cannot read {shown}"))?;
    let unit = match args.unit {
        UnitArg::Ms => RrUnit::Milliseconds,
        UnitArg::S => RrUnit::Seconds,
    };
    let parsed = parse_rr_text(&text, unit).map_err(|e| anyhow!("{shown}: {e}"))?;
    let settings = HrvSettings {
        correction: match args.correction {
            CorrectionArg::Auto => Correction::Automatic,
            CorrectionArg::Threshold => Correction::Threshold {
                threshold_ms: args.threshold_ms,
            },
            CorrectionArg::None => Correction::None,
        },
        detrending: match args.detrend {
            Some(lambda) => hrv::Detrending::SmoothnessPriors { lambda },
            None => hrv::Detrending::None,
        },
        ..HrvSettings::default()
    };
    let report = hrv::analyse(&parsed.rr_ms, &[], &settings)
        .map_err(|e| anyhow!("{shown}: {}", locate(&e, &parsed, unit)))?;
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&report_json(&report))?
        )?;
    } else {
        write!(out, "{}", table(&shown.to_string(), &report))?;
    }
    out.flush()?;
    Ok(())
}

/// Puts the file's line in front of an error about one interval, and a hint when the values look
/// like seconds read as milliseconds.
fn locate(err: &HrvError, parsed: &RrText, unit: RrUnit) -> String {
    let index = match err {
        HrvError::NonFinite { index } | HrvError::OutOfRange { index, .. } => Some(*index),
        _ => None,
    };
    let looks_like_seconds = unit == RrUnit::Milliseconds
        && matches!(err, HrvError::OutOfRange { .. })
        && parsed.rr_ms.iter().all(|&rr| rr < 3.0);
    let hint = if looks_like_seconds {
        " (the values look like seconds: add --unit s)"
    } else {
        ""
    };
    match index.and_then(|i| parsed.line_of(i)) {
        Some(line) => format!("line {line}: {err}{hint}"),
        None => format!("{err}{hint}"),
    }
}

/// The flat JSON object of the contract.
pub fn report_json(r: &HrvReport) -> Value {
    let f = r.frequency.as_ref();
    json!({
        "n_beats": r.n_beats,
        "duration_s": r.duration_s,
        "mean_nn_ms": r.time.mean_nn_ms,
        "sdnn_ms": r.time.sdnn_ms,
        "rmssd_ms": r.time.rmssd_ms,
        "ln_rmssd": r.time.ln_rmssd,
        "sdsd_ms": r.time.sdsd_ms,
        "nn50": r.time.nn50,
        "pnn50_pct": r.time.pnn50_pct,
        "mean_hr_bpm": r.time.mean_hr_bpm,
        "vlf_ms2": f.map(|f| f.vlf_ms2),
        "lf_ms2": f.map(|f| f.lf_ms2),
        "hf_ms2": f.map(|f| f.hf_ms2),
        "total_power_ms2": f.map(|f| f.total_ms2),
        "lf_hf": f.map(|f| f.lf_hf),
        "lf_nu": f.map(|f| f.lf_nu),
        "hf_nu": f.map(|f| f.hf_nu),
        "vlf_peak_hz": f.map(|f| f.vlf_peak_hz),
        "lf_peak_hz": f.map(|f| f.lf_peak_hz),
        "hf_peak_hz": f.map(|f| f.hf_peak_hz),
        "sd1_ms": r.nonlinear.sd1_ms,
        "sd2_ms": r.nonlinear.sd2_ms,
        "sampen": r.nonlinear.sampen,
        "dfa_alpha1": r.nonlinear.dfa_alpha1,
        "dfa_alpha2": r.nonlinear.dfa_alpha2,
        "artefacts": {
            "detected": r.artefacts.detected,
            "corrected": r.artefacts.corrected,
            "pct": r.artefacts.pct,
            "ectopic": r.artefacts.ectopic,
            "missed": r.artefacts.missed,
            "extra": r.artefacts.extra,
            "long_short": r.artefacts.long_short,
        },
        "quality": r.quality,
    })
}

/// The human-readable table.
pub fn table(title: &str, r: &HrvReport) -> String {
    let t = &r.time;
    let n = &r.nonlinear;
    let a = &r.artefacts;
    let mut out = format!(
        "HRV of {title}\n  {} beats over {:.1} min; artefacts {} detected, {} corrected ({:.1}%); quality {}\n\n",
        r.n_beats,
        r.duration_s / 60.0,
        a.detected,
        a.corrected,
        a.pct,
        quality_word(r.quality),
    );
    out += "Time domain\n";
    out += &row("Mean NN", t.mean_nn_ms, "ms");
    out += &row("SDNN", t.sdnn_ms, "ms");
    out += &row("RMSSD", t.rmssd_ms, "ms");
    out += &row("ln RMSSD", t.ln_rmssd, "");
    out += &row("SDSD", t.sdsd_ms, "ms");
    out += &row("pNN50", t.pnn50_pct, "%");
    out += &row("Mean HR", t.mean_hr_bpm, "bpm");
    out += "\nFrequency domain (Welch: 4 Hz spline, 256 s Hann segments, 50% overlap)\n";
    match &r.frequency {
        Some(f) => {
            out += &row_peak("VLF", f.vlf_ms2, f.vlf_peak_hz);
            out += &row_peak("LF", f.lf_ms2, f.lf_peak_hz);
            out += &row_peak("HF", f.hf_ms2, f.hf_peak_hz);
            out += &row("Total", f.total_ms2, "ms²");
            out += &row("LF/HF", f.lf_hf, "");
            out += &row("LF", 100.0 * f.lf_nu, "n.u.");
            out += &row("HF", 100.0 * f.hf_nu, "n.u.");
        }
        None => out += "  recording too short for a spectrum\n",
    }
    out += "\nNonlinear\n";
    out += &row("SD1", n.sd1_ms, "ms");
    out += &row("SD2", n.sd2_ms, "ms");
    out += &row_opt("SampEn", n.sampen);
    out += &row_opt("DFA alpha1", n.dfa_alpha1);
    out += &row_opt("DFA alpha2", n.dfa_alpha2);
    out
}

/// A word for the quality verdict.
pub fn quality_word(q: hrv::Quality) -> &'static str {
    match q {
        hrv::Quality::Clean => "clean",
        hrv::Quality::Acceptable => "acceptable",
        hrv::Quality::Unusable => "unusable (too many artefacts)",
    }
}

fn row(name: &str, value: f64, unit: &str) -> String {
    format!("  {name:<12}{value:>12.3} {unit}\n")
}

fn row_peak(name: &str, power: f64, peak_hz: f64) -> String {
    format!("  {name:<12}{power:>12.3} ms²   peak {peak_hz:.3} Hz\n")
}

fn row_opt(name: &str, value: Option<f64>) -> String {
    match value {
        Some(v) => row(name, v, ""),
        None => format!("  {name:<12}{:>12}\n", "n/a"),
    }
}
