"""Frequency-domain HRV references for the pyHRV sample NN series: the Kubios 2.x recipe in scipy,
and NeuroKit2 for comparison.

Writes tests/reference/spectrum.json. Nothing here comes from alyze: the recipe below is written
from its published description (domain brief section 3; Tarvainen et al., Comput Methods Programs
Biomed 113 (2014) 210-220, section 2.3; Tarvainen, Ranta-aho & Karjalainen, IEEE TBME 49(2) (2002)
172-175) with scipy's own building blocks, and core/tests/spectrum_reference.rs compares
alyze_core::hrv::spectrum::frequency_domain with it.

The recipe ("scipy" entries), per contiguous run of intervals:
  * optional smoothness-priors detrending of the RR series, one sample per beat:
    z_stat = z - (I + lambda^2 D2'D2)^-1 z, solved with scipy.sparse.linalg.spsolve;
  * each interval placed at the time of the beat that ends it, t = cumsum(rr) / 1000 s;
  * resampled at 4 Hz on t[0] + k/4, k = 0 .. floor((t[-1] - t[0]) * 4), with
    scipy.interpolate.CubicSpline (default bc_type='not-a-knot', as MATLAB's spline used by Kubios);
  * mean of the resampled run removed;
  * scipy.signal.welch(fs=4, window='hann', nperseg=1024, noverlap=512, detrend=False,
    scaling='density') on every run holding at least 1024 samples, the runs' PSDs averaged with
    weights equal to their numbers of Welch segments (= the mean over all segments of all runs);
    runs shorter than 1024 samples are left out; when no run holds 1024 samples, the longest run
    is used whole as a single segment (nperseg = its length), if its intervals sum to >= 118 s
    (2 min, Task Force 1996, less one 2 s beat);
  * band powers by rectangle sums PSD * df over VLF [0, 0.04), LF [0.04, 0.15), HF [0.15, 0.4) Hz,
    total over [0, 0.4); LF/HF; LFnu = LF/(LF+HF) and HFnu as fractions; peak = frequency of the
    first PSD maximum in the band.

NeuroKit2 ("neurokit2" entries) is run as a user would: nk.hrv_frequency on the intervals and their
beat times, with its defaults (100 Hz quadratic interpolation, peak-normalised PSD, a Welch window
chosen from the lowest band edge, trapezoidal band integration, ULF split off VLF, LFn = LF/total)
and with interpolation_rate=4, normalize=False (the closest it gets to Kubios: absolute ms^2/Hz).
Its raw output is stored under its own keys; these are for comparison, not for exact agreement.

Run with the reference venv (see tests/reference/regenerate).
"""

import json
import warnings
from importlib.metadata import version
from pathlib import Path

import neurokit2 as nk
import numpy as np
import scipy.sparse
import scipy.sparse.linalg
from scipy.interpolate import CubicSpline
from scipy.signal import welch

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "hrv"
OUT = Path(__file__).resolve().parent / "spectrum.json"

FS = 4.0  # Hz, Kubios resampling rate
NPERSEG = 1024  # 256 s at 4 Hz, Kubios Welch window
NOVERLAP = 512  # 50 % overlap
MIN_RUN_S = 118.0  # shortest run for a single-segment spectrum (see docstring)
BANDS = {"vlf": (0.0, 0.04), "lf": (0.04, 0.15), "hf": (0.15, 0.4)}


def smoothness_priors(z, lam):
    """Tarvainen 2002, eq. 6-7, with sparse matrices (their MATLAB listing, in scipy)."""
    n = z.size
    d2 = scipy.sparse.diags([1.0, -2.0, 1.0], [0, 1, 2], shape=(n - 2, n))
    a = scipy.sparse.identity(n) + lam**2 * (d2.T @ d2)
    return z - scipy.sparse.linalg.spsolve(a.tocsc(), z)


def tachogram(rr, lam):
    """The 4 Hz, zero-mean tachogram of one run (ms)."""
    z = smoothness_priors(rr, lam) if lam is not None else rr
    t = np.cumsum(rr) / 1000.0
    n = int(np.floor((t[-1] - t[0]) * FS)) + 1
    grid = t[0] + np.arange(n) / FS
    x = CubicSpline(t, z)(grid)
    return x - x.mean()


def kubios_scipy(rr, runs, lam):
    """The recipe of the module docstring on the runs (index ranges) of rr."""
    tachos = [
        tachogram(rr[a:b], lam)
        for a, b in runs
        if b - a >= 4 and rr[a:b].sum() / 1000.0 >= MIN_RUN_S
    ]
    full = [x for x in tachos if x.size >= NPERSEG]
    if full:
        psds, weights = [], []
        for x in full:
            _, p = welch(x, fs=FS, window="hann", nperseg=NPERSEG, noverlap=NOVERLAP, detrend=False,
                         scaling="density")
            psds.append(p)
            weights.append((x.size - NOVERLAP) // (NPERSEG - NOVERLAP))
        psd = np.average(psds, axis=0, weights=weights)
        length, n_segments = NPERSEG, int(sum(weights))
    else:
        if not tachos:
            return None
        x = max(tachos, key=lambda v: v.size)  # first longest
        _, psd = welch(x, fs=FS, window="hann", nperseg=x.size, noverlap=0, detrend=False,
                       scaling="density")
        length, n_segments = x.size, 1
    # Bin frequencies as k*fs/len (one rounding), not scipy's k*(1/(len/fs)): identical for
    # len = 1024; for other lengths, a bin exactly on a band edge is then classified by the
    # specification ([lo, hi)) rather than by a rounding of 1/(len/fs).
    freqs = np.arange(psd.size) * FS / length
    df = FS / length
    out = {"segment_len": length, "n_segments": n_segments}
    for name, (lo, hi) in BANDS.items():
        mask = (freqs >= lo) & (freqs < hi)
        out[f"{name}_ms2"] = float(np.sum(psd[mask]) * df)
        out[f"{name}_peak_hz"] = float(freqs[mask][np.argmax(psd[mask])])
    out["total_ms2"] = float(np.sum(psd[freqs < 0.4]) * df)
    lf, hf = out["lf_ms2"], out["hf_ms2"]
    out["lf_hf"] = lf / hf
    out["lf_nu"] = lf / (lf + hf)
    out["hf_nu"] = hf / (lf + hf)
    return out


def neurokit2(rr, **settings):
    """nk.hrv_frequency on the intervals and their beat times (s), raw output."""
    frame = nk.hrv_frequency({"RRI": rr, "RRI_Time": np.cumsum(rr) / 1000.0}, **settings)
    return {k: float(v) for k, v in frame.iloc[0].to_dict().items() if np.isfinite(v)}


def main():
    warnings.simplefilter("ignore")
    series = {
        "short": np.loadtxt(DATA / "pyhrv_sample_nni_short.txt", dtype=float),
        "long": np.loadtxt(DATA / "pyhrv_sample_nni_long.txt", dtype=float),
    }
    # (name, series, runs as [start, end) index ranges, smoothness-priors lambda or None)
    cases = [
        ("short", "short", [(0, 337)], None),
        ("short_sp500", "short", [(0, 337)], 500.0),
        ("long", "long", [(0, 4684)], None),
        ("long_sp500", "long", [(0, 4684)], 500.0),
        # Gaps: the long series split into three runs; the last one (150 beats, ~2 min) is too short
        # for a 256 s segment and must be left out.
        ("long_gaps", "long", [(0, 2000), (2000, 4534), (4534, 4684)], None),
        ("long_gaps_sp500", "long", [(0, 2000), (2000, 4534), (4534, 4684)], 500.0),
        # Shorter than one Welch segment: the whole recording as one segment.
        ("short_first_150", "short", [(0, 150)], None),
        ("short_first_150_sp500", "short", [(0, 150)], 500.0),
    ]
    reference = {
        "generator": "tests/reference/gen_spectrum.py",
        "versions": {
            "numpy": version("numpy"),
            "scipy": version("scipy"),
            "neurokit2": version("neurokit2"),
        },
        "series_files": {
            "short": "data/hrv/pyhrv_sample_nni_short.txt",
            "long": "data/hrv/pyhrv_sample_nni_long.txt",
        },
        "cases": [],
    }
    for name, key, runs, lam in cases:
        rr = series[key]
        case = {
            "name": name,
            "series": key,
            "runs": [list(r) for r in runs],
            "smoothness_priors_lambda": lam,
            "scipy": kubios_scipy(rr, runs, lam),
        }
        if len(runs) == 1 and lam is None and runs[0] == (0, rr.size):
            case["neurokit2_defaults"] = neurokit2(rr)
            case["neurokit2_4hz_unnormalised"] = neurokit2(
                rr, interpolation_rate=4, normalize=False
            )
        reference["cases"].append(case)
    OUT.write_text(json.dumps(reference, indent=2) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
