"""Time-domain HRV references for the pyHRV sample NN series, from three independent packages.

Writes tests/reference/time_domain.json: for each series in data/hrv/, the raw time-domain output of
NeuroKit2 (nk.hrv_time), hrv-analysis (hrvanalysis.get_time_domain_features) and pyHRV
(pyhrv.time_domain.time_domain), each under its own keys and with its own conventions, plus each
package's version. Nothing here comes from alyze: core/tests/time_domain_reference.rs reconciles the
conventions and compares.

Run with the reference venv (see tests/reference/regenerate).
"""

import json
import warnings
from importlib.metadata import version
from pathlib import Path

import hrvanalysis
import neurokit2 as nk
import numpy as np
import pyhrv.time_domain

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "hrv"
OUT = Path(__file__).resolve().parent / "time_domain.json"
SERIES = ["pyhrv_sample_nni_short.txt", "pyhrv_sample_nni_long.txt"]


def scalars(mapping):
    """The finite numeric scalars of a package's result mapping, as plain JSON numbers.

    Figures, arrays and non-finite values (e.g. an index a series is too short for) are left out.
    """
    out = {}
    for key, value in mapping.items():
        if isinstance(value, (bool, np.bool_)) or not np.isscalar(value):
            continue
        if isinstance(value, (int, np.integer)):
            out[key] = int(value)
        elif isinstance(value, (float, np.floating)) and np.isfinite(value):
            out[key] = float(value)
    return out


def neurokit2_time(rr):
    """nk.hrv_time on the intervals themselves (dict form), so that no peak rounding intervenes."""
    frame = nk.hrv_time({"RRI": rr})
    return scalars(frame.iloc[0].to_dict())


def hrv_analysis_time(rr):
    """hrvanalysis.get_time_domain_features with its defaults."""
    return scalars(hrvanalysis.get_time_domain_features(list(rr)))


def pyhrv_time(rr):
    """pyhrv.time_domain.time_domain without plotting."""
    result = pyhrv.time_domain.time_domain(nni=rr, plot=False, show=False)
    return scalars(dict(zip(result.keys(), result)))


def main():
    warnings.simplefilter("ignore")
    reference = {
        "generator": "tests/reference/gen_time_domain.py",
        "versions": {
            "neurokit2": version("neurokit2"),
            "hrv-analysis": version("hrv-analysis"),
            "pyhrv": version("pyhrv"),
            "numpy": version("numpy"),
        },
        "series": {},
    }
    for name in SERIES:
        rr = np.loadtxt(DATA / name, dtype=float)
        reference["series"][name] = {
            "n_intervals": int(rr.size),
            "neurokit2": neurokit2_time(rr),
            "hrv-analysis": hrv_analysis_time(rr),
            "pyhrv": pyhrv_time(rr),
        }
    OUT.write_text(json.dumps(reference, indent=2, sort_keys=True) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
