"""Sync seen from Python: the async exports awaited with asyncio, a credential keeper and a
progress listener implemented in Python, and the typed errors. Whole syncs against the real server
are in the whole-system tests; these prove the surface.
"""

import asyncio
import socket

import pytest

import alyze


class MemoryKeeper(alyze.CredentialKeeper):
    def __init__(self, saved=None):
        self.saved = saved

    def load(self):
        return self.saved

    def save(self, credentials):
        self.saved = credentials


class Silent(alyze.SyncListener):
    def on_pushed(self, pushed, remaining):
        pass

    def on_pulled(self, pulled):
        pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_device_that_never_enrolled_is_told_so(tmp_path):
    store = alyze.AlyzeStore.open(str(tmp_path / "alyze.db"))
    with pytest.raises(alyze.AlyzeError.NotEnrolled):
        asyncio.run(store.sync("2026-03-04", alyze.MemberProfile(sex=alyze.Sex.FEMALE),
                               alyze.default_readiness_settings(), MemoryKeeper(), Silent()))


def test_enrolment_errors_name_the_url_and_never_the_code(tmp_path):
    store = alyze.AlyzeStore.open(str(tmp_path / "alyze.db"))
    keeper = MemoryKeeper()
    with pytest.raises(alyze.AlyzeError.InvalidArgument):
        asyncio.run(store.enrol("not a url", "CODE", "test", keeper))
    with pytest.raises(alyze.AlyzeError.SyncFailed) as error:
        asyncio.run(store.enrol(f"http://127.0.0.1:{free_port()}", "SECRET-CODE", "test", keeper))
    assert "SECRET" not in str(error.value)
    assert keeper.saved is None


def test_ending_the_login_says_what_became_of_it(tmp_path):
    store = alyze.AlyzeStore.open(str(tmp_path / "alyze.db"))
    assert asyncio.run(store.end_login(MemoryKeeper())) == alyze.LoginEnd.NOT_ENROLLED
    # A server that is gone: the sign-out is not held up, and the shell can say so.
    gone = alyze.Credentials(
        server_url=f"http://127.0.0.1:{free_port()}", member_id="m", device_id="d",
        access_token="secret-access", refresh_token="secret-refresh", access_expires_at_ms=0,
    )
    keeper = MemoryKeeper(gone)
    assert asyncio.run(store.end_login(keeper)) == alyze.LoginEnd.UNREACHED
    # Ending the login leaves the credentials to the shell, which deletes them after sign-out.
    assert keeper.saved == gone


def test_signing_out_erases_the_store_and_what_waits_to_be_sent(tmp_path):
    store = alyze.AlyzeStore.open(str(tmp_path / "alyze.db"))
    watch = alyze.Source(name="Watch", bundle_id=None, version=None, device=None)
    sample = alyze.FfiQuantitySample(
        kind=alyze.QuantityKind.RESTING_HEART_RATE, value=52.0,
        start_ms=1_795_824_000_000, start_offset_s=3600,
        end_ms=1_795_824_000_000, end_offset_s=3600,
        zone=None, source=0, platform_id="rhr-1",
    )

    def ingest():
        return store.ingest_quantities("health_connect:resting_heart_rate", [watch], [], [sample], [], b"token")

    assert ingest().inserted == 1
    assert store.sync_backlog() == 1
    store.sign_out()
    assert store.sync_backlog() == 0
    assert store.anchor("health_connect:resting_heart_rate") is None
    # Gone, not hidden: the same batch is new again.
    assert ingest().inserted == 1


def test_platform_sleep_stages_map_through_the_core():
    # Health Connect STAGE_TYPE_*: 5 deep, 6 REM, 3 out of bed; HealthKit: 5 REM, 2 awake.
    assert alyze.health_connect_sleep_stage(5) == alyze.SleepStage.DEEP
    assert alyze.health_connect_sleep_stage(6) == alyze.SleepStage.REM
    assert alyze.health_connect_sleep_stage(3) == alyze.SleepStage.OUT_OF_BED
    assert alyze.healthkit_sleep_stage(5) == alyze.SleepStage.REM
    assert alyze.healthkit_sleep_stage(2) == alyze.SleepStage.AWAKE
    assert alyze.health_connect_sleep_stage(42) == alyze.SleepStage.UNKNOWN
