"""The member's store seen from Python: AlyzeStore through the generated bindings.

The Rust tests carry the store's logic; these prove the surface: one call for a whole batch of
10,000 samples, the report's counts and skip positions, the anchor's bytes, typed daily
summaries, and the import of an export with a Python listener that counts progress or cancels.
The export is the synthetic one scripts/bindings writes beside the bindings (fixtures/).
"""

import os
import time
from pathlib import Path

import pytest

import alyze

REPO_ROOT = Path(__file__).resolve().parents[3]
BINDINGS = Path(
    os.environ.get("ALYZE_PY_BINDINGS", REPO_ROOT / "target" / "bindings" / "python")
)
EXPORT = BINDINGS.parent / "fixtures" / "synthetic-export.zip"

STREAM = "healthkit:heart_rate"
# 2026-11-28T00:00:00Z; the samples are one a minute from there, at +01:00 (Berlin).
BASE_MS = 1_795_824_000_000
BATCH = 10_000


def sample(i: int, value: float = 60.0) -> alyze.FfiQuantitySample:
    at = BASE_MS + i * 60_000
    return alyze.FfiQuantitySample(
        kind=alyze.QuantityKind.HEART_RATE,
        value=value,
        start_ms=at,
        start_offset_s=3600,
        end_ms=at,
        end_offset_s=3600,
        zone=0,
        source=0,
        platform_id=f"HK-{i:05d}",
    )


# The time zones of the batches, listed once per call; records name theirs by position.
ZONES = ["Europe/Berlin"]

# The writers of the batches, listed once per call; records name theirs by position.
SOURCES = [
    alyze.Source(
        name="Alex's Apple Watch",
        bundle_id="com.apple.health.7F3A",
        version="11.1",
        device=alyze.DeviceInfo(
            name="Apple Watch",
            manufacturer="Apple Inc.",
            model="Watch",
            hardware_version="Watch7,3",
            firmware_version=None,
            software_version="11.1",
            kind=alyze.DeviceKind.WATCH,
        ),
    ),
    alyze.Source(name="Oura", bundle_id="com.ouraring.oura", version=None, device=None),
]


@pytest.fixture
def store(tmp_path):
    return alyze.AlyzeStore.open(str(tmp_path / "alyze.db"))


def test_a_batch_of_10000_samples_is_one_call_and_replays_as_duplicates(store):
    batch = [sample(i, 55.0 + i % 40) for i in range(BATCH)]

    report = store.ingest_quantities(STREAM, SOURCES, ZONES, batch, [], b"anchor-1")
    assert (report.inserted, report.updated, report.duplicates, report.deleted) == (BATCH, 0, 0, 0)
    assert report.skipped == []

    replay = store.ingest_quantities(STREAM, SOURCES, ZONES, batch, [], b"anchor-1")
    assert (replay.inserted, replay.duplicates) == (0, BATCH)


def test_deletions_become_tombstones_that_a_replay_does_not_resurrect(store):
    batch = [sample(i) for i in range(10)]
    store.ingest_quantities(STREAM, SOURCES, ZONES, batch, [], None)

    report = store.ingest_quantities(STREAM, SOURCES, ZONES, [], ["HK-00003", "HK-00004", "never-seen"], None)
    assert report.deleted == 2

    replay = store.ingest_quantities(STREAM, SOURCES, ZONES, batch, [], None)
    assert (replay.inserted, replay.duplicates) == (0, 10)


def test_the_anchor_is_saved_with_its_batch_and_read_back(store):
    assert store.anchor(STREAM) is None
    anchor = bytes(range(256))
    store.ingest_quantities(STREAM, SOURCES, ZONES, [sample(0)], [], anchor)
    assert store.anchor(STREAM) == anchor
    assert store.anchor("healthkit:hrv_sdnn") is None


def test_bad_samples_are_skipped_with_their_position_and_no_value(store):
    bad_value = sample(1, value=431.0)
    bad_offset = sample(3)
    bad_offset.end_offset_s = 20 * 3600
    batch = [sample(0), bad_value, sample(2), bad_offset]

    report = store.ingest_quantities(STREAM, SOURCES, ZONES, batch, [], None)
    assert report.inserted == 2
    assert [s.index for s in report.skipped] == [1, 3]
    assert "value" in report.skipped[0].reason
    assert "431" not in report.skipped[0].reason
    assert "offset_s" in report.skipped[1].reason


def test_a_malformed_date_is_a_typed_error(store):
    with pytest.raises(alyze.AlyzeError.InvalidArgument) as error:
        store.daily_summaries("28.11.2026", "2026-11-29")
    assert error.value.name == "from"
    with pytest.raises(alyze.AlyzeError.InvalidArgument):
        store.daily_summaries("2026-11-29", "2026-11-28")


def test_a_resting_heart_rate_shows_in_the_days_summary(store):
    resting = sample(600, value=52.0)  # 10:00 local
    resting.kind = alyze.QuantityKind.RESTING_HEART_RATE
    store.ingest_quantities("healthkit:resting_heart_rate", SOURCES, ZONES, [resting], [], None)

    days = store.daily_summaries("2026-11-27", "2026-11-28")
    assert [d.date for d in days] == ["2026-11-27", "2026-11-28"]
    assert not days[0].has_data
    assert days[1].has_data
    assert days[1].resting_hr_bpm == pytest.approx(52.0)


class Counting(alyze.ImportListener):
    """Counts progress calls; cancels at the first one when asked to."""

    def __init__(self, cancel: bool = False):
        self.calls = []
        self.cancel = cancel

    def on_progress(self, bytes_done, bytes_total):
        self.calls.append((bytes_done, bytes_total))
        return not self.cancel


def test_an_export_is_imported_with_progress_and_summarised(store):
    listener = Counting()
    report = store.import_apple_export(str(EXPORT), listener)

    assert report.outcome == alyze.Outcome.COMPLETE()
    assert report.quantities.inserted > 1000
    assert report.sleep_sessions.inserted >= 9
    assert report.workouts.inserted > 0
    assert len(listener.calls) >= 2
    done = [c[0] for c in listener.calls]
    assert done == sorted(done) and done[-1] == report.bytes_parsed

    again = store.import_apple_export(str(EXPORT), Counting())
    assert again.quantities.inserted == 0
    assert again.quantities.duplicates == report.quantities.inserted + report.quantities.duplicates

    days = store.daily_summaries("2022-09-03", "2022-09-05")
    assert all(d.has_data for d in days)
    night = days[1].sleep
    assert night is not None and night.in_bed_s > 3 * 3600
    assert days[1].hrv_sdnn is not None


def test_a_listener_that_answers_false_cancels_the_import(store):
    listener = Counting(cancel=True)
    report = store.import_apple_export(str(EXPORT), listener)
    assert report.outcome == alyze.Outcome.CANCELLED()
    assert len(listener.calls) >= 1
    assert report.bytes_parsed < listener.calls[0][1]


def test_a_file_that_is_not_an_export_is_a_typed_error(store, tmp_path):
    not_export = tmp_path / "notes.xml"
    not_export.write_text("<notes/>")
    with pytest.raises(alyze.AlyzeError.NotAnExport):
        store.import_apple_export(str(not_export), Counting())


def night(platform_id: str = "hc-night-1") -> alyze.FfiSleepSession:
    """23:00 to 07:00 in Berlin (+01:00), the night ending on 2026-11-28: light, deep, REM."""
    hour = 3_600_000
    start = BASE_MS - 2 * hour

    def segment(stage, from_h, to_h):
        return alyze.FfiSleepSegment(
            stage=stage,
            start_ms=start + from_h * hour,
            start_offset_s=3600,
            end_ms=start + to_h * hour,
            end_offset_s=3600,
        )

    return alyze.FfiSleepSession(
        start_ms=start,
        start_offset_s=3600,
        end_ms=start + 8 * hour,
        end_offset_s=3600,
        zone=0,
        segments=[
            segment(alyze.SleepStage.LIGHT, 0, 3),
            segment(alyze.SleepStage.DEEP, 3, 5),
            segment(alyze.SleepStage.REM, 5, 8),
        ],
        source=1,
        platform_id=platform_id,
    )


def test_a_sleep_session_batch_is_stored_once_and_is_the_nights_summary(store):
    report = store.ingest_sleep_sessions("health_connect:sleep", SOURCES, ZONES, [night()], [], b"hc-token")
    assert (report.inserted, report.skipped) == (1, [])
    assert store.anchor("health_connect:sleep") == b"hc-token"
    replay = store.ingest_sleep_sessions("health_connect:sleep", SOURCES, ZONES, [night()], [], None)
    assert (replay.inserted, replay.duplicates) == (0, 1)

    [day] = store.daily_summaries("2026-11-28", "2026-11-28")
    assert day.sleep is not None
    assert day.sleep.source == "Oura"
    assert day.sleep.in_bed_s == pytest.approx(8 * 3600)
    assert day.sleep.deep_s == pytest.approx(2 * 3600)
    assert day.sleep.wake_time.offset_s == 3600

    deleted = store.ingest_sleep_sessions("health_connect:sleep", SOURCES, ZONES, [], ["hc-night-1"], None)
    assert deleted.deleted == 1
    [day] = store.daily_summaries("2026-11-28", "2026-11-28")
    assert day.sleep is None


def test_a_session_whose_segment_ends_before_it_starts_is_skipped(store):
    bad = night("hc-night-2")
    bad.segments[1].end_ms = bad.segments[1].start_ms - 1
    report = store.ingest_sleep_sessions("health_connect:sleep", SOURCES, ZONES, [night(), bad], [], None)
    assert report.inserted == 1
    assert [s.index for s in report.skipped] == [1]


def test_a_workout_batch_maps_the_platform_activity_and_shows_in_the_summary(store):
    start = BASE_MS + 17 * 3_600_000  # 18:00 local
    workout = alyze.FfiWorkout(
        # HKWorkoutActivityType.traditionalStrengthTraining
        activity=alyze.PlatformActivity.HEALTH_KIT(raw=50, indoor=None, swimming_location=None),
        start_ms=start,
        start_offset_s=3600,
        end_ms=start + 3_600_000,
        end_offset_s=3600,
        zone=0,
        duration_s=3300.0,
        active_energy_kcal=380.0,
        avg_heart_rate_bpm=128.0,
        max_heart_rate_bpm=165.0,
        distance_m=None,
        events=[
            alyze.FfiWorkoutEvent(
                kind=alyze.WorkoutEventKind.PAUSE,
                start_ms=start + 600_000,
                start_offset_s=3600,
                end_ms=start + 600_000,
                end_offset_s=3600,
            )
        ],
        source=0,
        platform_id="HK-WORKOUT-1",
    )
    report = store.ingest_workouts("healthkit:workouts", SOURCES, ZONES, [workout], [], b"hk-anchor")
    assert report.inserted == 1
    assert store.ingest_workouts("healthkit:workouts", SOURCES, ZONES, [workout], [], None).duplicates == 1

    [day] = store.daily_summaries("2026-11-28", "2026-11-28")
    [summary] = day.workouts
    assert summary.training_class == alyze.TrainingClass.STRENGTH
    assert summary.duration_s == pytest.approx(3300.0)
    assert day.hr_minutes > 0


def test_a_heartbeat_series_batch_is_stored_once(store):
    beats = [alyze.Beat(offset_s=i * 0.95, preceded_by_gap=(i == 30)) for i in range(64)]
    series = alyze.FfiHeartbeatSeries(
        start_ms=BASE_MS - 3_600_000,
        start_offset_s=3600,
        zone=None,
        beats=beats,
        source=0,
        platform_id="HK-SERIES-1",
    )
    report = store.ingest_heartbeat_series("healthkit:heartbeat_series", SOURCES, ZONES, [series], [], b"a")
    assert (report.inserted, report.skipped) == (1, [])
    replay = store.ingest_heartbeat_series("healthkit:heartbeat_series", SOURCES, ZONES, [series], [], None)
    assert replay.duplicates == 1


def test_a_sample_naming_a_source_past_the_list_is_skipped_by_position(store):
    stray = sample(1)
    stray.source = len(SOURCES)
    report = store.ingest_quantities(STREAM, SOURCES, ZONES, [sample(0), stray], [], None)
    assert report.inserted == 1
    assert [s.index for s in report.skipped] == [1]
    assert "source" in report.skipped[0].reason


def test_a_sample_naming_a_zone_past_the_list_is_skipped_by_position(store):
    stray = sample(1)
    stray.zone = len(ZONES)
    report = store.ingest_quantities(STREAM, SOURCES, ZONES, [sample(0), stray, sample(2)], [], None)
    assert report.inserted == 2
    assert [s.index for s in report.skipped] == [1]
    assert "zone" in report.skipped[0].reason


def test_a_full_re_read_sweeps_what_it_no_longer_delivers(store):
    stream = "health_connect:heart_rate"
    store.ingest_quantities(stream, SOURCES, ZONES, [sample(i) for i in range(10)], [], b"old")
    # The re-read: pages with no anchor, sample 3 gone meanwhile; then the sweep with the new one.
    store.ingest_quantities(stream, SOURCES, ZONES, [sample(i) for i in range(10) if i != 3], [], None)
    assert store.anchor(stream) == b"old"
    seen = [f"HK-{i:05d}" for i in range(10) if i != 3]
    assert store.sweep_stream(alyze.StreamContent.QUANTITIES, stream, seen, 0, BASE_MS + 86_400_000, b"new") == 1
    assert store.anchor(stream) == b"new"
    # A deletion is final: the sample's later delivery counts as a replay.
    again = store.ingest_quantities(stream, SOURCES, ZONES, [sample(3)], [], None)
    assert (again.inserted, again.duplicates) == (0, 1)
    bad = pytest.raises(alyze.AlyzeError.InvalidArgument)
    with bad:
        store.sweep_stream(alyze.StreamContent.QUANTITIES, stream, seen, 0, 2**62, None)


def test_healthkit_sleep_samples_are_regrouped_into_the_night_and_follow_its_edits(store):
    stream = "healthkit:HKCategoryTypeIdentifierSleepAnalysis"
    hour = 3_600_000
    start = BASE_MS - 2 * hour  # 23:00 local the evening before

    def hk_sample(value: int, from_h: float, to_h: float) -> alyze.FfiSleepSample:
        # The stage through the core's table of HKCategoryValueSleepAnalysis raw values.
        return alyze.FfiSleepSample(
            stage=alyze.healthkit_sleep_stage(value),
            start_ms=start + int(from_h * hour),
            start_offset_s=3600,
            end_ms=start + int(to_h * hour),
            end_offset_s=3600,
            zone=0,
            source=0,
        )

    # In bed 0, asleep core 3, deep 4, REM 5: the watch's samples of one night.
    night = [hk_sample(0, 0, 8), hk_sample(3, 0, 3), hk_sample(4, 3, 5), hk_sample(5, 5, 8)]
    report = store.regroup_sleep(stream, SOURCES, ZONES, night, start - 24 * hour, b"hk-anchor")
    assert (report.inserted, report.skipped) == (1, [])
    assert store.anchor(stream) == b"hk-anchor"
    [day] = store.daily_summaries("2026-11-28", "2026-11-28")
    assert day.sleep.deep_s == pytest.approx(2 * 3600)

    # The deep sample is deleted in Health: HealthKit names only its UUID, so the shell regroups
    # from the start of time. The night is updated in place, not doubled.
    without_deep = [s for s in night if s.stage != alyze.SleepStage.DEEP]
    report = store.regroup_sleep(stream, SOURCES, ZONES, without_deep, 0, b"hk-anchor-2")
    assert (report.inserted, report.updated, report.deleted) == (0, 1, 0)
    [day] = store.daily_summaries("2026-11-28", "2026-11-28")
    assert day.sleep.deep_s == pytest.approx(0)


def test_a_check_in_follows_the_clinics_questionnaire_and_names_a_bad_item(store):
    assert store.check_in_questionnaire() == alyze.Questionnaire.MC_LEAN
    app = alyze.Source(name="alyze", bundle_id="app.alyze", version=None, device=None)
    at = BASE_MS + 7 * 3_600_000  # 08:00 local
    # Hooper items are 1-7 with 1 best: all 1s are the best morning, wellness 1.
    best = alyze.CheckInAnswers.HOOPER(sleep=1, stress=1, fatigue=1, soreness=1)
    store.record_check_in(at, 3600, "Europe/Berlin", best, app)
    [day] = store.daily_summaries("2026-11-28", "2026-11-28")
    assert day.check_in_wellness == pytest.approx(1.0)

    bad = alyze.CheckInAnswers.MC_LEAN(fatigue=3, sleep_quality=6, soreness=3, stress=3, mood=3)
    with pytest.raises(alyze.AlyzeError.InvalidArgument) as raised:
        store.record_check_in(at, 3600, None, bad, app)
    assert "sleep_quality" in str(raised.value)
