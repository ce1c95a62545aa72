"""The protocol backend against the fake population database over real HTTP: verdicts, name
comparison, every way the service can fail (each one "unavailable", fast), the token's life,
the answer cache and the circuit breaker."""

from __future__ import annotations

import datetime as dt
import time
import unicodedata
from typing import Any

import pytest

from motcua.popdata.backends import MATCH, MISMATCH, UNAVAILABLE, verify
from motcua.popdata.fake import FakePopulationDb

AN = {"id_number": "070123456789", "full_name": "Nguyễn Văn An"}
AN_DOB = dt.date(1990, 5, 17)


def ask(**over: Any) -> Any:
    data: dict[str, Any] = {**AN, "birth_date": AN_DOB, **over}
    return verify(**data)


def test_match_with_and_without_birth_date(fake: FakePopulationDb) -> None:
    r = ask()
    assert r.outcome == MATCH and r.mismatched == ()
    assert r.checked == ("id_number", "name", "birth_date")
    assert r.reference.startswith("CSDLDC-") and not r.cached
    sent = fake.verify_requests[-1]
    assert sent["soDinhDanh"] == "070123456789" and sent["ngaySinh"] == "1990-05-17"
    assert sent["hoVaTen"] == "Nguyễn Văn An" and sent["maYeuCau"]
    r = ask(birth_date=None)
    assert r.outcome == MATCH and r.checked == ("id_number", "name")


def test_name_compared_nfc_case_and_spaces_but_with_diacritics(fake: FakePopulationDb) -> None:
    decomposed = unicodedata.normalize("NFD", "  NGUYỄN   văn an ")
    assert ask(full_name=decomposed).outcome == MATCH
    r = ask(full_name="Nguyen Van An")  # a legal name's diacritics are part of it
    assert r.outcome == MISMATCH and r.mismatched == ("name",)
    assert ask(id_number="0701 2345 6789").outcome == MATCH


def test_mismatch_by_name_by_birth_date_and_both(fake: FakePopulationDb) -> None:
    r = ask(full_name="Nguyễn Văn Anh")
    assert r.outcome == MISMATCH and r.mismatched == ("name",)
    r = ask(birth_date=dt.date(1990, 5, 18))
    assert r.outcome == MISMATCH and r.mismatched == ("birth_date",)
    r = ask(full_name="Trần Văn An", birth_date=dt.date(1991, 5, 17))
    assert r.mismatched == ("name", "birth_date")


def test_unknown_id_number(fake: FakePopulationDb) -> None:
    r = ask(id_number="070999999999")
    assert r.outcome == MISMATCH and r.mismatched == ("id_number",)


def test_service_down_is_unavailable_at_once(fake: FakePopulationDb) -> None:
    fake.down()
    started = time.monotonic()
    r = ask()
    assert r.outcome == UNAVAILABLE and r.reason == "connection"
    assert time.monotonic() - started < 0.5


def test_slow_service_times_out(fake: FakePopulationDb) -> None:
    fake.mode = "slow"
    started = time.monotonic()
    r = ask()
    took = time.monotonic() - started
    assert r.outcome == UNAVAILABLE and r.reason == "timeout"
    assert took < 1.4  # the 0.5 s timeout, not the fake's 1.5 s


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("error", "http_500"),
        ("bad_token", "bad_token"),
        ("garbage", "bad_answer"),
        ("system_error", "remote_error"),
    ],
)
def test_remote_errors_are_unavailable(fake: FakePopulationDb, mode: str, reason: str) -> None:
    fake.mode = mode
    r = ask()
    assert (r.outcome, r.reason) == (UNAVAILABLE, reason)


def test_wrong_client_secret_is_bad_token(fake: FakePopulationDb, settings: Any) -> None:
    settings.MOTCUA_POPDATA_CLIENT_SECRET = "not-the-secret"
    r = ask()
    assert (r.outcome, r.reason) == (UNAVAILABLE, "bad_token")
    assert fake.verify_requests == []  # never asked without a token


def test_token_kept_then_fetched_again_once_when_expired(fake: FakePopulationDb) -> None:
    assert ask().outcome == MATCH
    assert ask(full_name="Nguyễn Văn Anh").outcome == MISMATCH
    assert fake.token_requests == 1  # one token for both checks
    fake.expire_tokens()  # the platform revoked it: 401, a new token, the same request again
    assert ask(birth_date=None).outcome == MATCH
    assert fake.token_requests == 2 and len(fake.verify_requests) == 3


def test_answers_cached_briefly_failures_never(fake: FakePopulationDb, settings: Any) -> None:
    first = ask()
    again = ask(full_name="nguyễn văn  an")  # the same person, typed differently
    assert again.outcome == MATCH and again.cached and again.reference == first.reference
    assert len(fake.verify_requests) == 1
    fake.mode = "error"
    assert ask(birth_date=None).outcome == UNAVAILABLE
    fake.mode = "ok"
    assert ask(birth_date=None).outcome == MATCH  # the failure was not kept
    settings.MOTCUA_POPDATA_CACHE_SECONDS = 0
    assert (
        ask(id_number="070190000001", full_name="Trần Thị Bích Ngọc", birth_date=None).outcome
        == MATCH
    )
    assert not ask(id_number="070190000001", full_name="Trần Thị Bích Ngọc", birth_date=None).cached


def test_circuit_breaker_opens_then_half_opens(fake: FakePopulationDb, settings: Any) -> None:
    settings.MOTCUA_POPDATA_BREAKER_SECONDS = 1
    fake.mode = "slow"
    for _ in range(3):
        assert ask().reason == "timeout"
    seen = len(fake.verify_requests)
    fake.mode = "ok"
    started = time.monotonic()
    r = ask()
    assert (r.outcome, r.reason) == (UNAVAILABLE, "circuit_open")
    assert time.monotonic() - started < 0.1 and len(fake.verify_requests) == seen
    time.sleep(1.1)
    # half-open: one trial; it fails, so the circuit opens again at once (no three more timeouts)
    fake.mode = "error"
    assert ask().reason == "http_500"
    assert ask().reason == "circuit_open"
    time.sleep(1.1)
    fake.mode = "ok"
    assert ask().outcome == MATCH  # closed again: the failures count from zero
    fake.mode = "error"
    assert ask(birth_date=None).reason == "http_500"
    assert ask(full_name="Nguyễn Văn Anh").reason == "http_500"


def test_not_configured_is_unavailable_and_no_failure(settings: Any) -> None:
    settings.MOTCUA_POPDATA_BACKEND = "motcua.popdata.backends.HttpBackend"
    settings.MOTCUA_POPDATA_URL = ""
    for _ in range(5):
        assert ask().reason == "not_configured"
    settings.MOTCUA_POPDATA_BACKEND = "motcua.popdata.backends.DisabledBackend"
    assert ask().reason == "not_configured"


def test_demo_backend_gives_the_fake_s_verdicts(settings: Any) -> None:
    settings.MOTCUA_POPDATA_BACKEND = "motcua.popdata.backends.DemoBackend"
    assert ask().outcome == MATCH
    r = verify(id_number="079201001234", full_name="Nguyễn Thị Lan", birth_date=None)
    assert r.outcome == MATCH  # the demo citizen of the portal
    assert ask(full_name="Nguyễn Văn Bình").mismatched == ("name",)
