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
