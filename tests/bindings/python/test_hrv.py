"""The HRV exports seen from Python: the generated bindings calling the real libalyze.

The Rust tests carry the science; these prove the surface works from another language: records,
enums with fields, optional fields, and the typed AlyzeError with the position of the bad input.
Independent figures come from plain numpy and from pyHRV's own report on its sample recordings.
"""

import math
from pathlib import Path

import numpy as np
import pytest

import alyze

DATA = Path(__file__).resolve().parents[3] / "data" / "hrv"


def recording(name: str) -> list[float]:
    """A public pyHRV sample recording, NN intervals in ms."""
    return [float(line) for line in (DATA / name).read_text().split()]


def as_given() -> alyze.HrvSettings:
    """Default settings, but the series is analysed exactly as given, so independent figures apply."""
    settings = alyze.default_hrv_settings()
    settings.correction = alyze.Correction.NONE()
    return settings


def close(expected: float):
    return pytest.approx(expected, rel=1e-9)


def test_short_recording_matches_an_independent_time_domain_computation():
    rr = np.array(recording("pyhrv_sample_nni_short.txt"))
    report = alyze.analyse_rr(rr.tolist(), [], as_given())
    diffs = np.diff(rr)
    nn50 = int(np.sum(np.abs(diffs) > 50.0))

    assert report.n_beats == 337
    assert report.duration_s == close(rr.sum() / 1000.0)
    assert report.time.mean_nn_ms == close(rr.mean())
    assert report.time.sdnn_ms == close(rr.std(ddof=1))
    assert report.time.rmssd_ms == close(math.sqrt(np.mean(diffs**2)))
    assert report.time.ln_rmssd == close(math.log(math.sqrt(np.mean(diffs**2))))
    assert report.time.nn50 == nn50
    assert report.time.pnn50_pct == close(100.0 * nn50 / len(diffs))
    assert report.time.mean_hr_bpm == close(np.mean(60_000.0 / rr))


def test_long_recording_matches_pyhrvs_own_report():
    report = alyze.analyse_rr(recording("pyhrv_sample_nni_long.txt"), [], as_given())
    assert report.n_beats == 4684
    assert round(report.time.rmssd_ms, 3) == 60.523
    assert round(report.time.sdnn_ms, 3) == 85.357
    assert round(report.time.pnn50_pct, 3) == 28.571


def test_long_recording_has_nonlinear_and_spectral_indices():
    report = alyze.analyse_rr(recording("pyhrv_sample_nni_long.txt"), [], as_given())
    # pyHRV: SD1 42.797, SD2 112.837 ms; conventions differ in the last digits (N vs N-1), so 1 %.
    assert report.nonlinear.sd1_ms == pytest.approx(42.797, rel=0.01)
    assert report.nonlinear.sd2_ms == pytest.approx(112.837, rel=0.01)
    assert report.nonlinear.sampen is not None
    # An hour is long enough for a spectrum; pyHRV's spectral settings are not Kubios's, so only
    # the shape is checked here.
    frequency = report.frequency
    assert frequency is not None
    assert frequency.lf_ms2 > 0 and frequency.hf_ms2 > 0
    assert frequency.lf_hf == close(frequency.lf_ms2 / frequency.hf_ms2)


def test_a_missed_beat_is_detected_and_corrected_by_default():
    rr = recording("pyhrv_sample_nni_short.txt")
    rr[150] += rr.pop(151)
    report = alyze.analyse_rr(rr, [], alyze.default_hrv_settings())
    assert report.artefacts.detected >= 1, report.artefacts
    assert report.artefacts.corrected >= 1, report.artefacts
    assert report.quality != alyze.Quality.CLEAN


def test_no_successive_difference_spans_a_gap():
    rr = np.array(recording("pyhrv_sample_nni_short.txt"))
    report = alyze.analyse_rr(rr.tolist(), [100], as_given())
    diffs = np.concatenate([np.diff(rr[:100]), np.diff(rr[100:])])
    assert report.n_beats == 337
    assert report.time.rmssd_ms == close(math.sqrt(np.mean(diffs**2)))


def test_default_settings_come_from_the_core_and_round_trip():
    settings = alyze.default_hrv_settings()
    assert settings == alyze.HrvSettings(
        correction=alyze.Correction.AUTOMATIC(),
        min_rr_ms=300.0,
        max_rr_ms=2000.0,
        min_beats=30,
        max_artefact_pct=5.0,
        detrending=alyze.Detrending.NONE(),
    )
    night = alyze.default_night_settings()
    assert night.window_s == 300.0
    assert night.min_coverage == 0.8
    assert night.hrv == settings

    # Enum variants with fields cross the FFI into the core and are accepted.
    custom = alyze.default_hrv_settings()
    custom.correction = alyze.Correction.THRESHOLD(threshold_ms=250.0)
    custom.detrending = alyze.Detrending.SMOOTHNESS_PRIORS(500.0)
    report = alyze.analyse_rr(recording("pyhrv_sample_nni_short.txt"), [], custom)
    assert report.n_beats > 300


def test_a_nan_interval_raises_non_finite_with_its_index():
    rr = [800.0] * 40
    rr[5] = math.nan
    with pytest.raises(alyze.AlyzeError.NonFinite) as caught:
        alyze.analyse_rr(rr, [], alyze.default_hrv_settings())
    assert caught.value.index == 5


def test_an_implausible_interval_raises_out_of_range_without_the_value():
    rr = [800.0] * 40
    rr[7] = 4321.5
    with pytest.raises(alyze.AlyzeError.OutOfRange) as caught:
        alyze.analyse_rr(rr, [], alyze.default_hrv_settings())
    error = caught.value
    assert (error.index, error.min_ms, error.max_ms) == (7, 300.0, 2000.0)
    assert "4321" not in str(error) and "4321" not in repr(error)


def test_too_few_beats_raises_too_few_beats():
    with pytest.raises(alyze.AlyzeError.TooFewBeats) as caught:
        alyze.analyse_rr([800.0] * 10, [], alyze.default_hrv_settings())
    assert (caught.value.found, caught.value.needed) == (10, 30)


def test_a_gap_past_the_end_raises_gap_out_of_range_with_the_markers_position():
    with pytest.raises(alyze.AlyzeError.GapOutOfRange) as caught:
        alyze.analyse_rr([800.0] * 40, [3, 40], alyze.default_hrv_settings())
    assert caught.value.marker == 1


def test_an_impossible_setting_raises_invalid_setting():
    settings = alyze.default_hrv_settings()
    settings.min_beats = 1
    with pytest.raises(alyze.AlyzeError.InvalidSetting) as caught:
        alyze.analyse_rr([800.0] * 40, [], settings)
    assert caught.value.name == "min_beats"


def test_every_error_is_one_alyze_error():
    with pytest.raises(alyze.AlyzeError):
        alyze.analyse_rr([800.0] * 10, [], alyze.default_hrv_settings())


def test_a_synthetic_30_minute_night_gives_six_five_minute_windows():
    # About 1 s beats with a respiratory rhythm; 1795 beats end just short of 30 minutes, so no
    # stray last beat opens a seventh window.
    i = np.arange(1795)
    rr = 1000.0 + 40.0 * np.sin(i * 0.9) + 15.0 * np.cos(i * 0.05)
    assert rr.sum() < 1_800_000.0
    night = alyze.analyse_night(rr.tolist(), [], alyze.default_night_settings())

    assert len(night.windows) == 6
    assert [w.start_s for w in night.windows] == pytest.approx([300.0 * k for k in range(6)])
    assert sum(w.n_beats for w in night.windows) == 1795
    assert night.clean_windows == 6
    assert all(w.clean for w in night.windows)
    rmssd = [w.rmssd_ms for w in night.windows]
    assert None not in rmssd
    assert night.mean_rmssd_ms == close(np.mean(rmssd))
    assert night.mean_ln_rmssd == close(np.mean(np.log(rmssd)))


def test_a_night_with_a_bad_interval_raises_with_its_index():
    rr = [1000.0] * 1800
    rr[1234] = math.inf
    with pytest.raises(alyze.AlyzeError.NonFinite) as caught:
        alyze.analyse_night(rr, [], alyze.default_night_settings())
    assert caught.value.index == 1234
