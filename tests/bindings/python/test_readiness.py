"""Readiness seen from Python: AlyzeStore.readiness and readiness_history through the generated
bindings, on the synthetic export scripts/bindings writes beside them (fixtures/, ten days from
2022-09-01).

The Rust tests carry the engine's logic; these prove the surface: the member profile and the
settings going in, the state as a typed enum with its days left, the optional score and call, the
components, reasons and trends as lists, and an invalid setting as a typed error naming its field.
"""

import os
from pathlib import Path

import pytest

import alyze

REPO_ROOT = Path(__file__).resolve().parents[3]
BINDINGS = Path(
    os.environ.get("ALYZE_PY_BINDINGS", REPO_ROOT / "target" / "bindings" / "python")
)
EXPORT = BINDINGS.parent / "fixtures" / "synthetic-export.zip"


class Quiet(alyze.ImportListener):
    def on_progress(self, bytes_done, bytes_total):
        return True


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    store = alyze.AlyzeStore.open(str(tmp_path_factory.mktemp("readiness") / "alyze.db"))
    store.import_apple_export(str(EXPORT), Quiet())
    return store


def profile(**changes) -> alyze.MemberProfile:
    """Only the sex is required: the profile's other fields default to None."""
    return alyze.MemberProfile(sex=alyze.Sex.FEMALE, age_years=35.0, **changes)


def test_a_ten_day_member_is_calibrating_with_no_call(store):
    assert alyze.MemberProfile(sex=alyze.Sex.MALE).max_hr_bpm is None
    settings = alyze.default_readiness_settings()
    assert (settings.look_back_days, settings.push_from, settings.recover_to) == (180, 67, 33)

    day = store.readiness("2022-09-10", profile(), settings)

    assert day.date == "2022-09-10"
    assert isinstance(day.state, alyze.FfiReadinessState.CALIBRATING)
    assert day.state.is_calibrating()
    assert day.state.days_left > 0
    assert day.score is None
    assert day.recommendation is None
    assert day.hrv_metric in (alyze.HrvMetric.RMSSD, alyze.HrvMetric.SDNN)
    assert isinstance(day.load_kind, alyze.LoadKind)
    assert isinstance(day.components, list)
    assert all(isinstance(c.name, alyze.ComponentName) for c in day.components)
    assert isinstance(day.flags, list)
    calibrating = [r for r in day.reasons if r.code == alyze.ReasonCode.CALIBRATING]
    assert len(calibrating) == 1
    assert calibrating[0].severity == alyze.Severity.INFO
    assert calibrating[0].text


def test_the_history_has_a_day_and_a_trend_for_each_date(store):
    history = store.readiness_history(
        "2022-09-01", "2022-09-10", profile(), alyze.default_readiness_settings()
    )

    dates = [f"2022-09-{d:02d}" for d in range(1, 11)]
    assert [d.date for d in history.days] == dates
    assert [t.date for t in history.trends] == dates
    assert all(d.score is None for d in history.days)
    assert sum(t.ln_hrv is not None for t in history.trends) >= 5
    assert all(t.sleep_need_h > 0 for t in history.trends)
    days_left = [d.state.days_left for d in history.days if d.state.is_calibrating()]
    assert days_left == sorted(days_left, reverse=True) and days_left


def test_an_invalid_setting_is_a_typed_error_naming_its_field(store):
    settings = alyze.default_readiness_settings()
    settings.hrv_normal_range_sd = -0.5
    with pytest.raises(alyze.AlyzeError.InvalidSetting) as error:
        store.readiness("2022-09-10", profile(), settings)
    assert error.value.name == "hrv_normal_range_sd"

    settings = alyze.default_readiness_settings()
    settings.recover_to = 80
    with pytest.raises(alyze.AlyzeError.InvalidSetting) as error:
        store.readiness_history("2022-09-01", "2022-09-10", profile(), settings)
    assert "recover_to" in error.value.name


def test_a_bad_profile_or_date_is_a_typed_error(store):
    settings = alyze.default_readiness_settings()
    with pytest.raises(alyze.AlyzeError.InvalidArgument) as error:
        store.readiness("2022-09-10", profile(max_hr_bpm=-1.0), settings)
    assert error.value.name == "profile.max_hr_bpm"
    with pytest.raises(alyze.AlyzeError.InvalidArgument) as error:
        store.readiness("10 Sep 2022", profile(), settings)
    assert error.value.name == "date"


def test_the_default_profile_errs_towards_recovery(store):
    # A member who has not given their sex is assessed as female (the core's DEFAULT_SEX): the
    # higher TRIMP weighting and the lower CK limit, so a wrong default never makes a push day.
    default = alyze.default_member_profile()
    assert default.sex == alyze.Sex.FEMALE
    assert (default.age_years, default.max_hr_bpm, default.resting_hr_bpm) == (None, None, None)
    assert store.readiness("2026-01-10", default, alyze.default_readiness_settings()).date == "2026-01-10"
