//! `alyze demo`: the member story, told on the bundled public recordings (pyHRV sample NN series,
//! BSD-3, see `data/hrv/README.md`). For now the story is the member's HRV: a morning reading, a
//! long recording read the way a watch reads a night, and the full clinical analysis behind them.

use alyze_core::hrv::{self, HrvSettings, NightSettings, RrUnit, parse_rr_text};
use anyhow::{Result, anyhow};

use crate::hrv::{quality_word, table};

/// The 5-minute public recording: a morning reading.
const SHORT: &str = include_str!("../../data/hrv/pyhrv_sample_nni_short.txt");
/// The 1-hour public recording: stands in for a night.
const LONG: &str = include_str!("../../data/hrv/pyhrv_sample_nni_long.txt");

/// Runs the demo.
pub fn run() -> Result<()> {
    let short = parse_rr_text(SHORT, RrUnit::Milliseconds)?;
    let long = parse_rr_text(LONG, RrUnit::Milliseconds)?;
    let settings = HrvSettings::default();

    println!("alyze demo: a member's HRV, from two public recordings (pyHRV sample data, BSD-3)\n");

    let morning = hrv::analyse(&short.rr_ms, &[], &settings).map_err(|e| anyhow!("{e}"))?;
    let t = &morning.time;
    println!(
        "This morning's reading ({:.0}-minute recording)",
        morning.duration_s / 60.0
    );
    println!(
        "  RMSSD {:.1} ms (ln {:.2}), heart rate {:.0} bpm; quality {} ({} of {} beats corrected)",
        t.rmssd_ms,
        t.ln_rmssd,
        t.mean_hr_bpm,
        quality_word(morning.quality),
        morning.artefacts.corrected,
        morning.n_beats,
    );
    println!(
        "  RMSSD follows the parasympathetic (rest-and-digest) branch: higher than your own usual\n  \
         means you have recovered; readiness compares it with your baseline once you have one.\n"
    );

    let night = hrv::analyse_night(&long.rr_ms, &[], &NightSettings::default())
        .map_err(|e| anyhow!("{e}"))?;
    println!("An hour of recording, read in 5-minute windows the way your watch reads a night");
    println!(
        "  {:>6} {:>6} {:>9} {:>8} {:>7}  counted",
        "start", "beats", "RMSSD", "ln", "HR"
    );
    for w in &night.windows {
        let show =
            |v: Option<f64>, digits: usize| v.map_or("-".to_string(), |v| format!("{v:.digits$}"));
        println!(
            "  {:>4.0}min {:>6} {:>6} ms {:>8} {:>3} bpm  {}",
            w.start_s / 60.0,
            w.n_beats,
            show(w.rmssd_ms, 1),
            show(w.ln_rmssd, 2),
            show(w.mean_hr_bpm, 0),
            if w.clean {
                "yes"
            } else {
                "no (too short or too many artefacts)"
            },
        );
    }
    match (night.mean_ln_rmssd, night.mean_rmssd_ms) {
        (Some(ln), Some(rmssd)) => println!(
            "  Night HRV: ln RMSSD {ln:.2} (RMSSD {rmssd:.1} ms) from {} clean windows\n",
            night.clean_windows
        ),
        _ => println!("  Night HRV: no clean window, so no value tonight\n"),
    }

    let full = hrv::analyse(&long.rr_ms, &[], &settings).map_err(|e| anyhow!("{e}"))?;
    println!("What your clinician sees: the full analysis of the hour\n");
    print!("{}", table("the 1-hour recording", &full));
    Ok(())
}
