"""Recovery protocols seen from Python: the prescription saved through AlyzeStore, a day planned
with a calendar strength session that moves the cold plunge, the reminders and their diff, a
session logged against the safe ranges and the week's adherence.

The Rust tests carry the planner's rules; these prove the surface: JSON documents in, typed plans,
doses, reminders and adherence out, and the typed errors.
"""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

import alyze

ZONE = "Europe/Berlin"
DAY = "2026-03-04"
PRESCRIPTION = {
    "targets": [
        {"sessions_per_week": 7, "check": "standard",
         "dose": {"modality": "cold_plunge", "minutes": 3, "temperature_c": 6}},
        {"sessions_per_week": 3, "check": "standard",
         "dose": {"modality": "sauna", "minutes": 15, "temperature_c": 90}},
    ],
    "fixed": [],
    "availability": [{"start": "07:00:00", "end": "21:00:00"}],
    "quiet_hours": [],
}


def berlin(text):
    """Epoch ms and offset of a Berlin wall-clock time."""
    at = datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(ZONE))
    return int(at.timestamp() * 1000), int(at.utcoffset().total_seconds())


@pytest.fixture
def store(tmp_path):
    store = alyze.AlyzeStore.open(str(tmp_path / "alyze.db"))
    store.set_prescription_json(json.dumps(PRESCRIPTION))
    return store


def plan(store, planned):
    days = store.plan_days(DAY, DAY, ZONE, planned, alyze.MemberProfile(sex=alyze.Sex.MALE),
                           alyze.default_readiness_settings())
    assert [d.date for d in days] == [DAY]
    return days[0]


def plunge(day):
    return next(i for i in day.items if i.modality == alyze.RecoveryModality.COLD_PLUNGE)


def test_a_strength_session_moves_the_plunge_and_its_reminder(store):
    profile = alyze.MemberProfile(sex=alyze.Sex.MALE)
    settings = alyze.default_readiness_settings()
    free = plunge(plan(store, []))
    assert (free.start_ms, free.start_offset_s) == berlin("2026-03-04T07:00")
    assert isinstance(free.dose, alyze.FfiDose.COLD_PLUNGE)
    assert free.dose.minutes == 3.0
    held = store.reminders(DAY, DAY, ZONE, [], profile, settings)

    start_ms, start_offset = berlin("2026-03-04T07:00")
    end_ms, end_offset = berlin("2026-03-04T08:00")
    lift = [alyze.FfiPlannedWorkout(start_ms=start_ms, start_offset_s=start_offset, end_ms=end_ms,
                                    end_offset_s=end_offset, training_class=alyze.TrainingClass.STRENGTH)]
    moved = plunge(plan(store, lift))
    assert moved.start_ms >= berlin("2026-03-04T14:00")[0]
    assert moved.reason == alyze.ItemReason.COLD_CLEAR_OF_STRENGTH
    wanted = store.reminders(DAY, DAY, ZONE, lift, profile, settings)
    diff = alyze.diff_reminders(held, wanted, berlin("2026-03-04T06:00")[0])
    assert f"{DAY}/cold_plunge/0" in diff.cancel
    added = next(r for r in diff.add if r.id == f"{DAY}/cold_plunge/0")
    assert added.fire_at_ms == moved.start_ms - 15 * 60 * 1000
    assert added.zone == ZONE


def test_training_planned_in_the_store_moves_the_plunge_without_being_passed(store):
    start_ms, start_offset = berlin("2026-03-04T07:00")
    end_ms, end_offset = berlin("2026-03-04T08:00")
    lift = alyze.FfiPlannedWorkout(start_ms=start_ms, start_offset_s=start_offset, end_ms=end_ms,
                                   end_offset_s=end_offset, training_class=alyze.TrainingClass.STRENGTH)
    workout_id = store.add_planned_workout(lift)
    assert [(w.id, w.workout) for w in store.planned_workouts(start_ms, end_ms)] == [(workout_id, lift)]
    # Nothing passed to the call: the stored plan keeps the plunge out of the 6 h gap.
    assert plunge(plan(store, [])).start_ms >= berlin("2026-03-04T14:00")[0]
    assert store.remove_planned_workout(workout_id)
    assert plunge(plan(store, [])).start_ms == berlin("2026-03-04T07:00")[0]

    with pytest.raises(alyze.AlyzeError.InvalidArgument):
        store.add_planned_workout(alyze.FfiPlannedWorkout(
            start_ms=end_ms, start_offset_s=end_offset, end_ms=start_ms, end_offset_s=start_offset,
            training_class=alyze.TrainingClass.STRENGTH))


def test_logging_checks_the_dose_and_counts_the_week(store):
    start_ms, offset = berlin("2026-03-04T07:00")
    app = alyze.Source(name="alyze", bundle_id=None, version=None, device=None)

    def session(minutes, clinic_override):
        return alyze.FfiLoggedSession(modality=alyze.RecoveryModality.COLD_PLUNGE, start_ms=start_ms,
                                      start_offset_s=offset, zone=ZONE, minutes=minutes,
                                      temperature_c=6.0, clinic_override=clinic_override)

    with pytest.raises(alyze.AlyzeError.DoseOutsideSafeRange) as refused:
        store.log_session(session(8.0, False), app)
    assert refused.value.field == "minutes"
    assert "8" not in str(refused.value)
    week = store.log_session(session(8.0, True), app)
    assert week.first_day == "2026-03-02"
    assert week.targets[0].modality == alyze.RecoveryModality.COLD_PLUNGE
    assert (week.targets[0].sessions_done, week.targets[0].minutes_done) == (1, 8.0)
    assert store.week_adherence(DAY) == week


def test_documents_and_errors(tmp_path):
    store = alyze.AlyzeStore.open(str(tmp_path / "empty.db"))
    assert store.prescription_json() is None
    with pytest.raises(alyze.AlyzeError.NoPrescription):
        store.week_adherence(DAY)
    settings = json.loads(store.clinic_settings_json())
    assert settings["cold_gap_after_strength_h"] == 6.0
    settings["cold_gap_after_strength_h"] = 30.0
    with pytest.raises(alyze.AlyzeError.InvalidSetting) as error:
        store.set_clinic_settings_json(json.dumps(settings))
    assert error.value.name == "cold_gap_after_strength_h"

    # The clinic's readiness section: a field it leaves out keeps its default, a bad one is named.
    assert store.readiness_settings() == alyze.default_readiness_settings()
    settings["cold_gap_after_strength_h"] = 6.0
    settings["readiness"] = {"hrv_normal_range_sd": 0.75}
    store.set_clinic_settings_json(json.dumps(settings))
    tuned = store.readiness_settings()
    assert tuned.hrv_normal_range_sd == 0.75
    assert tuned.push_from == alyze.default_readiness_settings().push_from
    settings["readiness"] = {"hrv_week_days": 7, "hrv_week_min_valid": 9}
    with pytest.raises(alyze.AlyzeError.InvalidSetting) as error:
        store.set_clinic_settings_json(json.dumps(settings))
    assert error.value.name == "readiness.hrv_week_days, hrv_week_min_valid"
    assert store.readiness_settings() == tuned
    with pytest.raises(alyze.AlyzeError.InvalidArgument):
        store.plan_days(DAY, DAY, "Mars/Olympus", [], alyze.MemberProfile(sex=alyze.Sex.MALE),
                        alyze.default_readiness_settings())
