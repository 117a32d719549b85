#!/usr/bin/env python3
"""Regenerates tests/reference/artefacts.json: reference artefact detections for core/tests/artefacts.rs.

The reference is NeuroKit2's independent implementation of Lipponen & Tarvainen 2019
(`neurokit2.signal.signal_fixpeaks._find_artifacts`, the detector behind
`signal_fixpeaks(method="kubios")`), run with the paper's parameters (c1 0.13, c2 0.17, alpha 5.2,
91-beat quartile-deviation window, 11-beat median). Only its detections are recorded; the Rust
implementation is written from the paper, not from this code.

Cases: the two public pyHRV recordings in data/hrv/ (BSD-3, see data/hrv/README.md) and synthetic
resting series (respiratory sinus arrhythmia, a slow wave and 1-ms-resolution jitter) with
injected ectopic, missed, extra, long and short beats at known positions.

Index convention of the JSON: zero-based positions in the `rr` list of the case. NeuroKit2 works on
R-peak times and puts a synthetic first interval in front (its `rr[0]` is the mean of the rest), so
its index k is interval k - 1 here. NeuroKit2 never classifies its last two intervals.

Usage (from the repository root): .venv/bin/python tests/reference/gen_artefacts.py
Versions used for the committed fixture are written into the JSON.
"""

import json
import math
import pathlib

import neurokit2
import numpy as np
from neurokit2.signal.signal_fixpeaks import _find_artifacts

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = pathlib.Path(__file__).resolve().parent / "artefacts.json"


def nk_detect(rr_ms):
    """NeuroKit2 classes, mapped to zero-based indices of rr_ms."""
    peaks = np.concatenate([[0], np.cumsum(rr_ms)]).round().astype(np.int64)
    artefacts, _ = _find_artifacts(
        peaks, c1=0.13, c2=0.17, alpha=5.2, window_width=91, medfilt_order=11, sampling_rate=1000
    )
    return {kind: [int(k) - 1 for k in artefacts[kind]] for kind in ("ectopic", "missed", "extra", "longshort")}


def resting(n, seed, mean=950.0, rsa=45.0, rsa_period=4.3, slow=25.0, slow_period=37.0, jitter=6.0):
    """A resting RR series in whole ms: RSA plus a slow wave plus small Gaussian jitter."""
    rng = np.random.default_rng(seed)
    k = np.arange(n)
    rr = (
        mean
        + rsa * np.sin(2 * math.pi * k / rsa_period + rng.uniform(0, 2 * math.pi))
        + slow * np.sin(2 * math.pi * k / slow_period + rng.uniform(0, 2 * math.pi))
        + rng.normal(0.0, jitter, n)
    )
    return np.round(rr)


def inject(rr, kind, at):
    """Injects one artefact at position `at`; returns the new list and what the truth was."""
    rr = list(rr)
    if kind == "ectopic":  # premature beat: short interval, then the compensatory pause
        shift = 0.3 * rr[at]
        rr[at] -= shift
        rr[at + 1] += shift
    elif kind == "missed":  # one R peak not detected: two intervals merge
        rr[at : at + 2] = [rr[at] + rr[at + 1]]
    elif kind == "extra":  # a spurious R peak splits one interval
        rr[at : at + 1] = [round(0.45 * rr[at]), rr[at] - round(0.45 * rr[at])]
    elif kind == "long":
        rr[at] += 380
    elif kind == "short":
        rr[at] -= 330
    return [float(round(x)) for x in rr]


def case(name, rr, note):
    rr = [float(x) for x in rr]
    return {"name": name, "note": note, "rr": rr, "neurokit2": nk_detect(np.array(rr))}


def main():
    cases = []
    for which in ("short", "long"):
        rr = np.loadtxt(ROOT / "data" / "hrv" / f"pyhrv_sample_nni_{which}.txt")
        cases.append(case(f"pyhrv_{which}", rr, f"data/hrv/pyhrv_sample_nni_{which}.txt as is"))

    for seed in (1, 2, 3):
        cases.append(case(f"resting_seed{seed}", resting(400, seed), "synthetic resting series, no injection"))

    for kind in ("ectopic", "missed", "extra", "long", "short"):
        base = resting(400, 10)
        rr = inject(base, kind, 200)
        cases.append(case(f"inject_{kind}", rr, f"resting series seed 10 with one {kind} beat at 200"))

    # A limitation of the method, not of an implementation: a noise-free respiratory wave of about
    # four beats per breath. Sampled once per beat, its successive differences bunch around a few
    # values, their quartile deviation (hence the threshold) is small, and beats get flagged.
    k = np.arange(400)
    period = 4.0 * (1 + 0.1 * np.sin(2 * math.pi * k / 60))
    phase = np.cumsum(2 * math.pi / period)
    cases.append(case("regular_rsa_4_beats", np.round(1000 + 40 * np.sin(phase)),
                      "noise-free RSA of ~4 beats per breath: flagged by the method itself"))

    # Several artefacts of every kind in one series, far enough apart not to interact.
    rr = list(resting(1200, 20))
    plan = [("ectopic", 100), ("missed", 230), ("extra", 360), ("long", 490), ("short", 620),
            ("ectopic", 750), ("missed", 880), ("extra", 1010)]
    for kind, at in reversed(plan):  # back to front, so earlier positions do not move
        rr = inject(rr, kind, at)
    cases.append(case("inject_mixed", rr, "resting series seed 20 with " + ", ".join(f"{k}@{a}" for k, a in plan)
                      + " (positions before the insertions/merges of earlier artefacts)"))

    doc = {
        "generator": "tests/reference/gen_artefacts.py",
        "neurokit2": neurokit2.__version__,
        "numpy": np.__version__,
        "index_convention": "zero-based positions in rr; NeuroKit2 index k is rr index k - 1",
        "cases": cases,
    }
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    for c in cases:
        print(c["name"], len(c["rr"]), {k: v for k, v in c["neurokit2"].items() if v})


if __name__ == "__main__":
    main()
