"""Nonlinear HRV references for the pyHRV sample NN series, from independent packages.

Writes tests/reference/nonlinear.json: for each series in data/hrv/, the raw output of

- NeuroKit2: nk.hrv_nonlinear (SD1, SD2, SampEn), nk.entropy_sample with the Kubios settings and
  nk.fractal_dfa over boxes 4-16 and 16-64 without overlap (alpha and F(n) per box size);
- hrv-analysis: get_poincare_plot_features and get_sampen;
- pyHRV: pyhrv.nonlinear.poincare, sample_entropy and dfa (mode="dev": no figure);
- nolds, pyHRV's (and hrv-analysis's) DFA and SampEn engine, called directly with a least-squares
  exponent fit (fit_exp="poly") because pyHRV leaves nolds's default, a random RANSAC fit;

each under its own keys and with its own conventions (recorded next to the values under
"conventions"), plus each package's version. Nothing here comes from alyze:
core/tests/nonlinear_reference.rs reconciles the conventions and compares.

Run with the reference venv (see tests/reference/regenerate).
"""

import json
import warnings
from importlib.metadata import version
from pathlib import Path

import hrvanalysis
import neurokit2 as nk
import nolds
import numpy as np
import pyhrv.nonlinear
from neurokit2.complexity.fractal_dfa import _fractal_dfa_getwindow, _fractal_dfa_trends

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "hrv"
OUT = Path(__file__).resolve().parent / "nonlinear.json"
SERIES = ["pyhrv_sample_nni_short.txt", "pyhrv_sample_nni_long.txt"]

# Kubios DFA box sizes, every integer in the range.
ALPHA1_BOXES = list(range(4, 17))
ALPHA2_BOXES = list(range(16, 65))
# pyHRV's default long-term range starts one beat later.
PYHRV_ALPHA2_BOXES = list(range(17, 65))

CONVENTIONS = {
    "neurokit2": {
        "SD1/SD2": "sample SD (ddof 1) of (x[n]-x[n+1])/sqrt2 and (x[n]+x[n+1])/sqrt2 (direct form)",
        "SampEn": "m 2, r 0.2*std(ddof=1), Chebyshev, distance <= r, N-m templates for m and m+1",
        "DFA": "profile cumsum(x-mean), non-overlapping boxes from the start, linear detrend, "
        "F(n) = RMS of residuals over the boxes kept, slope of log2 F vs log2 n by least squares; "
        "boxes with (numerically) zero residual variance are dropped (boxes_dropped counts them)",
    },
    "hrv-analysis": {
        "SD1/SD2": "SD1^2 = SDSD^2/2, SD2^2 = 2 SDNN^2 - SDSD^2/2, both SDs ddof 1 (Kubios form)",
        "SampEn": "nolds.sampen default: r = std(ddof=1)*0.1164*(0.5627 ln 2 + 1.3334), distance < r",
    },
    "pyhrv": {
        "SD1/SD2": "population SD (ddof 0) of (x[n]-x[n+1])/sqrt2 and (x[n]+x[n+1])/sqrt2",
        "SampEn": "nolds.sampen with r = 0.2*std(ddof=-1) (N+1 denominator), distance < r",
        "DFA": "nolds.dfa overlap=False over 4-16 and 17-64 beats, exponent by RANSAC "
        "(random; seeded with np.random.seed(0) here)",
    },
    "nolds": {
        "DFA": "nolds.dfa(overlap=False, order=1, fit_trend='poly', fit_exp='poly'): "
        "same recipe as NeuroKit2, natural logs",
    },
}


def neurokit2(rr):
    """NeuroKit2's own nonlinear indices and its entropy/DFA functions with the Kubios settings."""
    frame = nk.hrv_nonlinear({"RRI": rr})
    row = frame.iloc[0]
    tolerance = 0.2 * np.std(rr, ddof=1)
    sampen, _ = nk.entropy_sample(rr, dimension=2, delay=1, tolerance=tolerance)
    out = {
        "hrv_nonlinear": {key: float(row[key]) for key in ("HRV_SD1", "HRV_SD2", "HRV_SampEn")},
        "entropy_sample": {"tolerance": float(tolerance), "sampen": float(sampen)},
    }
    for name, boxes in (("dfa_alpha1", ALPHA1_BOXES), ("dfa_alpha2", ALPHA2_BOXES)):
        alpha, info = nk.fractal_dfa(rr, scale=np.asarray(boxes), overlap=False, integrate=True, order=1)
        out[name] = {
            "boxes": boxes,
            "alpha": float(alpha),
            "fluctuations": [float(f) for f in np.ravel(info["Fluctuations"])],
            "boxes_dropped": [neurokit2_dropped_boxes(rr, n) for n in boxes],
        }
    return out


def neurokit2_dropped_boxes(rr, n):
    """How many boxes of n beats nk.fractal_dfa leaves out of F(n).

    NeuroKit2 discards boxes whose residual variance is below 1e-8 times the largest one (issue
    #1208): boxes where the profile is exactly a line, which happens in integer-millisecond data when
    a few successive intervals are equal. Peng's recipe, nolds and alyze keep them (their residual is
    0). Counted with NeuroKit2's own box and trend functions and its own criterion, so that the Rust
    test can convert NeuroKit2's F(n) to the keep-every-box convention.
    """
    profile = np.cumsum(rr - np.mean(rr))
    segments = _fractal_dfa_getwindow(profile, len(profile), n, overlap=False)
    trends = _fractal_dfa_trends(segments, n, order=1)
    var = np.var(segments - trends, axis=1)
    return int(np.sum(~(var > 1e-08 * np.max(var))))


def hrv_analysis(rr):
    """hrvanalysis Poincaré features and sample entropy with their defaults."""
    poincare = hrvanalysis.get_poincare_plot_features(list(rr))
    sampen = hrvanalysis.get_sampen(list(rr))
    # The tolerance nolds.sampen picks when none is given (hrv-analysis gives none).
    tolerance = np.std(rr, ddof=1) * 0.1164 * (0.5627 * np.log(2) + 1.3334)
    return {
        "sd1": float(poincare["sd1"]),
        "sd2": float(poincare["sd2"]),
        "sampen": float(sampen["sampen"]),
        "sampen_tolerance": float(tolerance),
    }


def pyhrv_(rr):
    """pyHRV's nonlinear functions without figures."""
    poincare = pyhrv.nonlinear.poincare(nni=rr, show=False, mode="dev")
    sampen = pyhrv.nonlinear.sample_entropy(nni=rr)
    np.random.seed(0)  # nolds's RANSAC exponent fit draws from numpy's global generator
    dfa = pyhrv.nonlinear.dfa(nn=rr, show=False, mode="dev")
    return {
        "sd1": float(poincare["sd1"]),
        "sd2": float(poincare["sd2"]),
        "sampen": float(sampen["sampen"]),
        "sampen_tolerance": float(0.2 * np.std(rr, ddof=-1)),
        "dfa_alpha1": float(dfa["dfa_alpha1"]),
        "dfa_alpha1_boxes": list(dfa["dfa_alpha1_beats"]),
        "dfa_alpha2": float(dfa["dfa_alpha2"]),
        "dfa_alpha2_boxes": list(dfa["dfa_alpha2_beats"]),
    }


def nolds_(rr):
    """nolds.dfa with a least-squares exponent over the Kubios ranges and pyHRV's long range."""
    out = {}
    for name, boxes in (
        ("dfa_alpha1", ALPHA1_BOXES),
        ("dfa_alpha2", ALPHA2_BOXES),
        ("dfa_alpha2_17_64", PYHRV_ALPHA2_BOXES),
    ):
        alpha = nolds.dfa(rr, nvals=boxes, overlap=False, order=1, fit_trend="poly", fit_exp="poly")
        out[name] = {"boxes": boxes, "alpha": float(alpha)}
    return out


def main():
    warnings.simplefilter("ignore")
    reference = {
        "generator": "tests/reference/gen_nonlinear.py",
        "versions": {
            "neurokit2": version("neurokit2"),
            "hrv-analysis": version("hrv-analysis"),
            "pyhrv": version("pyhrv"),
            "nolds": version("nolds"),
            "numpy": version("numpy"),
        },
        "conventions": CONVENTIONS,
        "series": {},
    }
    for name in SERIES:
        rr = np.loadtxt(DATA / name, dtype=float)
        reference["series"][name] = {
            "n_intervals": int(rr.size),
            "neurokit2": neurokit2(rr),
            "hrv-analysis": hrv_analysis(rr),
            "pyhrv": pyhrv_(rr),
            "nolds": nolds_(rr),
        }
    OUT.write_text(json.dumps(reference, indent=2, sort_keys=True) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
