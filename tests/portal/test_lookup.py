"""The dossier look-up: code + second factor, the QR token, the same answer for a wrong code and
a wrong factor, the per-client counter, hostile input; the page and the API alike."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from motcua.dossiers.models import Dossier
from motcua.dossiers.qr import DEMO_URL
from motcua.dossiers.services import apology_issue
from motcua.portal.selectors import dossier_by_qr, dossier_lookup, qr_token, qr_url
from tests.dossiers.conftest import World, at
from tests.portal.conftest import receive

pytestmark = pytest.mark.django_db

ID = "070123456789"
PHONE = "0912345678"


def post(client: Client, code: str, factor: str, ip: str = "10.0.0.1") -> Any:
    return client.post("/tra-cuu/", {"code": code, "factor": factor}, REMOTE_ADDR=ip)


# ---- the selector ------------------------------------------------------------------------


def test_code_with_id_number_or_phone_finds_the_dossier(received: Dossier) -> None:
    d = received
    assert dossier_lookup(d.code, ID) == d
    assert dossier_lookup(d.code, PHONE) == d
    # as people type them: spaces, dots, +84, lower case code
    assert dossier_lookup(f" {d.code.lower()} ", "0912 345 678") == d
    assert dossier_lookup(d.code, "+84 912.345.678") == d
    assert dossier_lookup(d.code, "0701 2345 6789") == d


def test_wrong_code_or_wrong_factor_find_nothing(world: World, received: Dossier) -> None:
    d = received
    assert dossier_lookup(d.code, "070123456788") is None
    assert dossier_lookup(d.code, "0912345679") is None
    assert dossier_lookup(d.code + "9", ID) is None
    assert dossier_lookup("", ID) is None
    assert dossier_lookup(d.code, "") is None
    # a partial factor is not the factor
    assert dossier_lookup(d.code, ID[:-1]) is None


def test_an_empty_phone_on_the_dossier_matches_nothing(world: World) -> None:
    from motcua.dossiers.services import ApplicantData

    d = receive(world, applicant=ApplicantData("Trần Thị Bình", "070123000111"))
    assert d.applicant_phone == ""
    assert dossier_lookup(d.code, "070123000111") == d
    for factor in ("", "0", "+84", "  "):
        assert dossier_lookup(d.code, factor) is None


def test_qr_token_shows_the_dossier_and_cannot_be_forged(
    world: World, received: Dossier, settings: Any
) -> None:
    d = received
    token = qr_token(d.pk)
    assert dossier_by_qr(token) == d
    assert qr_url(d.pk) == f"{settings.MOTCUA_PUBLIC_URL or DEMO_URL}/tra-cuu/q/{token}/"
    other = receive(world, "2026-06-01 10:00")
    pk, sig = token.split(".", 1)
    forged = f"{other.pk}.{sig}"
    assert dossier_by_qr(forged) is None
    assert dossier_by_qr(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    for bad in ("", ".", "1", "abc", "x" * 5000, "1.\x00", token + "\x00", "١.abc", pk):
        assert dossier_by_qr(bad) is None
    # another secret key signs differently: a token does not survive a key it was not made with
    settings.SECRET_KEY = "another-key-for-the-test-" + "x" * 30
    assert dossier_by_qr(token) is None


# ---- the page ----------------------------------------------------------------------------


def test_lookup_page_shows_status_steps_and_appointment(client: Client, received: Dossier) -> None:
    r = client.get("/tra-cuu/")
    assert r.status_code == 200
    body = r.content.decode()
    assert '<label for="id_code">Mã hồ sơ</label>' in body
    assert 'for="id_factor"' in body
    r = post(client, received.code, ID)
    assert r.status_code == 200
    body = r.content.decode()
    assert received.code in body
    assert "Hồ sơ đã được tiếp nhận và đang được giải quyết." in body
    assert 'id="appointment"' in body
    assert "Nguyễn Văn An" not in body  # no personal data on the public answer
    assert ID not in body and PHONE not in body


def test_late_dossier_shows_the_apology_and_new_date(client: Client, world: World) -> None:
    d = receive(world)
    apology_issue(
        actor=world.users["leader"],
        dossier=d,
        reason="Cần xác minh thêm tại địa phương",
        new_appointment=at("2026-06-20 16:00"),
        now=at("2026-06-05 09:00"),
    )
    r = post(client, d.code, PHONE)
    body = r.content.decode()
    assert r.status_code == 200
    assert 'id="apology"' in body
    assert "Cần xác minh thêm tại địa phương" in body
    assert "16:00 20/06/2026" in body


def test_the_kept_answer_follows_every_change_late_and_rating(client: Client, world: World) -> None:
    """The look-up keeps its answer in the shared cache (dossiers.lookup_cache): a step
    finished, a result returned, a rating given and the clock passing the due instant all show
    at once, never the kept answer."""
    from motcua.dossiers.services import dossier_rate, result_return, step_complete
    from motcua.portal.selectors import lookup_answer

    cache.clear()
    d = receive(world)
    first = lookup_answer(d.code, ID, now=at("2026-06-01 10:00"))
    assert first is not None and first.status == "in_progress" and not first.late
    assert first.steps == [] or all(s["finished_at"] for s in first.steps)
    # the same answer again comes from the cache: no query at all
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as q:
        again = lookup_answer(d.code, ID, now=at("2026-06-01 10:05"))
    assert again == first
    assert len(q.captured_queries) == 0
    # past the due instant, still unchanged: late now, from the kept answer
    assert d.due_at is not None
    assert lookup_answer(d.code, ID, now=d.due_at + dt.timedelta(hours=1)).late is True
    step_complete(actor=world.users["specialist"], dossier=d, now=at("2026-06-02 09:00"))
    after_step = lookup_answer(d.code, ID, now=at("2026-06-02 09:30"))
    assert len(after_step.steps) > len(first.steps)
    step_complete(actor=world.users["leader"], dossier=d, now=at("2026-06-02 10:00"))
    d.refresh_from_db()
    if d.returned_at is None:
        result_return(actor=world.users["counter"], dossier=d, now=at("2026-06-03 09:00"))
    done = lookup_answer(d.code, ID, now=at("2026-06-03 10:00"))
    assert done.status == "resolved" and done.returned_at is not None and not done.rated
    dossier_rate(dossier=d, score=5, now=at("2026-06-03 11:00"))
    assert lookup_answer(d.code, ID, now=at("2026-06-03 11:05")).rated is True
    # and the page shows the same
    assert "đã có kết quả" in post(client, d.code, ID).content.decode()


def test_wrong_code_and_wrong_factor_give_byte_identical_answers(
    client: Client, world: World, received: Dossier
) -> None:
    """Enumeration: nothing in the answer (status, headers that matter, body) tells whether the
    code exists."""
    wrong_factor = post(client, received.code, "070999999999")
    wrong_code = post(client, "000.00.03.H10-260601-9999", ID)
    wrong_both = post(client, "KHONG-CO", "0900000000")
    assert wrong_factor.status_code == wrong_code.status_code == wrong_both.status_code == 404
    assert wrong_factor.content == wrong_code.content == wrong_both.content
    assert "Set-Cookie" not in wrong_factor and "Set-Cookie" not in wrong_code
    assert received.code not in wrong_factor.content.decode()  # the typed code is not echoed
    assert "Không tìm thấy hồ sơ khớp" in wrong_code.content.decode()


def test_wrong_code_and_wrong_factor_take_similar_time(received: Dossier) -> None:
    """Same work in both cases: one query by code and two constant-time comparisons."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as miss_code:
        assert dossier_lookup("KHONG-CO-HO-SO", ID) is None
    with CaptureQueriesContext(connection) as miss_factor:
        assert dossier_lookup(received.code, "070999999999") is None
    assert len(miss_code) == len(miss_factor) == 1

    def timing(code: str, factor: str) -> float:
        best = float("inf")
        for _ in range(30):
            t = time.perf_counter()
            dossier_lookup(code, factor)
            best = min(best, time.perf_counter() - t)
        return best

    a = timing("KHONG-CO-HO-SO", ID)
    b = timing(received.code, "070999999999")
    # generous bounds on a shared machine; a second query or an early return would be ~2x
    assert 0.4 < a / b < 2.5, (a, b)


def test_rate_limit_per_client_address(client: Client, received: Dossier, settings: Any) -> None:
    settings.MOTCUA_LOOKUP_RATE = (10, 600)
    for _ in range(10):
        assert post(client, "KHONG-CO", ID).status_code == 404
    r = post(client, received.code, ID)  # even the right answer waits now
    assert r.status_code == 429
    assert "Quá nhiều lần tra cứu" in r.content.decode()
    assert 1 <= int(r["Retry-After"]) <= 600
    assert received.code not in r.content.decode()
    # the QR door and the API share the counter
    assert (
        client.get(f"/tra-cuu/q/{qr_token(received.pk)}/", REMOTE_ADDR="10.0.0.1").status_code
        == 429
    )
    api = client.post(
        "/api/v1/lookup/",
        data=json.dumps({"code": received.code, "factor": ID}),
        content_type="application/json",
        REMOTE_ADDR="10.0.0.1",
    )
    assert api.status_code == 429
    assert api["Content-Type"] == "application/problem+json"
    assert api.json()["code"] == "throttled"
    assert 1 <= int(api["Retry-After"]) <= 600
    # another address is not affected; the window's end frees the first
    assert post(client, received.code, ID, ip="10.0.0.2").status_code == 200
    cache.clear()
    assert post(client, received.code, ID).status_code == 200


def test_rate_limit_behind_a_proxy_uses_the_forwarded_address(
    client: Client, received: Dossier, settings: Any
) -> None:
    settings.MOTCUA_LOOKUP_RATE = (2, 600)
    settings.MOTCUA_PROXY_HOPS = 1
    for _ in range(2):
        r = client.post(
            "/tra-cuu/",
            {"code": "X-1", "factor": ID},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="1.2.3.4",
        )
        assert r.status_code == 404
    r = client.post(
        "/tra-cuu/",
        {"code": "X-1", "factor": ID},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="1.2.3.4",
    )
    assert r.status_code == 429
    # a client cannot escape by forging a left-most address: the proxy appends the real one
    r = client.post(
        "/tra-cuu/",
        {"code": "X-1", "factor": ID},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="9.9.9.9, 1.2.3.4",
    )
    assert r.status_code == 429
    r = client.post(
        "/tra-cuu/",
        {"code": "X-1", "factor": ID},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="5.6.7.8",
    )
    assert r.status_code == 404


@pytest.mark.parametrize(
    ("code", "factor", "message"),
    [
        ("x" * 100_000, ID, "Mã hồ sơ: tối đa 60 ký tự"),
        ("ABC\x00DEF", ID, "Mã hồ sơ: có ký tự điều khiển không hợp lệ."),
        ("ABC\x07", ID, "Mã hồ sơ: có ký tự điều khiển không hợp lệ."),
        ("ABC-1", "0912\x00345678", "có ký tự điều khiển không hợp lệ."),
        ("ABC-1", "1" * 5000, "tối đa 30 ký tự"),
        ("", ID, "Chưa nhập mã hồ sơ."),
        ("ABC-1", "123", "ít nhất 6 ký tự"),
        ("ABC-1", "", "Chưa nhập"),
    ],
)
def test_hostile_input_is_a_vietnamese_400(
    client: Client, received: Dossier, code: str, factor: str, message: str
) -> None:
    before = Dossier.objects.get(pk=received.pk).version
    r = post(client, code, factor)
    assert r.status_code == 400
    body = r.content.decode()
    assert message in body
    assert "x" * 100 not in body and "1" * 100 not in body  # huge input not echoed back
    assert Dossier.objects.get(pk=received.pk).version == before


def test_hostile_qr_tokens_are_a_vietnamese_404(client: Client, received: Dossier) -> None:
    assert client.get("/tra-cuu/q/..%2F..%2F/").status_code == 404  # not even our view
    for token in ("abc", "1.abc", "%00", "x" * 3000, f"{received.pk}", "%E2%80%AE1.x"):
        r = client.get(f"/tra-cuu/q/{token}/")
        assert r.status_code == 404, token
        assert "Mã QR không hợp lệ" in r.content.decode()
    r = client.get(f"/tra-cuu/q/{qr_token(received.pk)}/")
    assert r.status_code == 200
    assert received.code in r.content.decode()


def test_lookup_needs_no_csrf_and_refuses_other_methods(received: Dossier) -> None:
    c = Client(enforce_csrf_checks=True)
    assert c.post("/tra-cuu/", {"code": received.code, "factor": ID}).status_code == 200
    assert c.put("/tra-cuu/").status_code == 405


# ---- the API -----------------------------------------------------------------------------


def api(client: Client, body: Any, ip: str = "10.1.0.1") -> Any:
    return client.post(
        "/api/v1/lookup/",
        data=json.dumps(body),
        content_type="application/json",
        REMOTE_ADDR=ip,
    )


def test_api_lookup_answers_with_the_public_view(client: Client, received: Dossier) -> None:
    r = api(client, {"code": received.code, "factor": PHONE})
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["code"] == received.code
    assert data["status"] == "in_progress"
    assert data["status_text"] == "Hồ sơ đã được tiếp nhận và đang được giải quyết."
    assert data["appointment_at"].endswith("+07:00")
    assert data["apology"] is None
    assert "applicant" not in json.dumps(data)


def test_api_wrong_code_and_wrong_factor_are_the_same_problem(
    client: Client, received: Dossier
) -> None:
    a = api(client, {"code": received.code, "factor": "070999999999"})
    b = api(client, {"code": "KHONG-CO", "factor": ID})
    assert a.status_code == b.status_code == 404
    assert a.content == b.content
    assert a["Content-Type"] == "application/problem+json"
    assert a.json()["code"] == "dossier_not_found"


@pytest.mark.parametrize(
    "body",
    [
        {"code": "A\x00B", "factor": ID},
        {"code": "x" * 10_000, "factor": ID},
        {"code": ["A"], "factor": ID},
        {"code": "ABC", "factor": {"a": 1}},
        {"code": "A\ud800B", "factor": ID},  # a lone surrogate (JSON's \ud800)
        {"code": "ABC-1", "factor": "0912\udfff345678"},
        {"factor": ID},
        ["code", "factor"],
        "chuoi",
    ],
)
def test_api_hostile_input_is_a_400_problem(client: Client, body: Any) -> None:
    r = api(client, body)
    assert r.status_code == 400, r.content
    assert r["Content-Type"] == "application/problem+json"
    problem = r.json()
    assert problem["status"] == 400
    assert not problem["message"].isascii()  # Vietnamese


def test_api_lookup_is_documented(client: Client) -> None:
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    doc = json.loads(schema.content)
    op = doc["paths"]["/api/v1/lookup/"]["post"]
    assert op["summary"] == "Tra cứu tình trạng hồ sơ (công khai)"
    assert {"200", "400", "404", "429"} <= set(op["responses"])
    assert op.get("security") in (None, [], [{}]) or {} in op["security"]


# ---- the kept answers (dossiers.lookup_cache) ----------------------------------------------


def test_wrong_code_and_wrong_factor_cost_the_same_queries_cold_and_kept(
    world: World, received: Dossier
) -> None:
    """Through the cache too: a wrong code and a wrong factor each read the row once (cold), then
    nothing (kept); the public answer is built only for the right factor."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from motcua.portal.selectors import lookup_answer

    counts = []
    for code, factor in [("KHONG-CO-HO-SO", ID), (received.code, "070999999999")] * 2:
        with CaptureQueriesContext(connection) as q:
            assert lookup_answer(code, factor) is None
        counts.append(len(q.captured_queries))
    assert counts == [1, 1, 0, 0]
    with CaptureQueriesContext(connection) as q:
        assert lookup_answer(received.code, ID) is not None
    assert len(q.captured_queries) > 0  # the answer itself: built now, for the right factor


def test_a_change_committed_while_a_reader_reads_voids_its_entry(received: Dossier) -> None:
    """The race the marks close: a reader reads the marks and the old row, the change commits
    (its mark is set anew), then the reader files its entry — under marks already void."""
    from motcua.dossiers import lookup_cache
    from motcua.portal.selectors import _code_candidates

    candidates = _code_candidates(received.code)
    entry, marks = lookup_cache.read(candidates)
    assert entry is None
    stale = lookup_cache.Entry(marks=marks, pk=received.pk, id_hash="x", phone_hash="y")
    lookup_cache.changed(received.code)  # the writer's commit
    lookup_cache.write(candidates, stale)  # the reader, late
    assert lookup_cache.read(candidates)[0] is None
    # an entry filed under the current marks is read back
    fresh_marks = lookup_cache.read(candidates)[1]
    lookup_cache.write(candidates, lookup_cache.Entry(fresh_marks, received.pk, "x", "y"))
    assert lookup_cache.read(candidates)[0] is not None


def test_an_evicted_mark_never_validates_a_kept_entry(world: World) -> None:
    """The cache may evict a code's mark (LRU, memory pressure) while an entry filed under it
    survives. An entry filed while the mark was missing must not come back to life when the mark,
    set by a later change, is evicted in turn: a missing mark validates nothing."""
    from motcua.dossiers import lookup_cache
    from motcua.dossiers.services import step_complete
    from motcua.portal.selectors import _code_candidates, lookup_answer

    cache.clear()
    d = receive(world)
    candidates = _code_candidates(d.code)
    mark_keys = lookup_cache.keys(candidates)[:-1]
    cache.delete_many(mark_keys)  # evicted (or never set: a code untouched for a while)
    first = lookup_answer(d.code, ID, now=at("2026-06-01 10:00"))
    assert first is not None
    step_complete(actor=world.users["specialist"], dossier=d, now=at("2026-06-01 11:00"))
    cache.delete_many(mark_keys)  # the change's new mark evicted, the old entry still kept
    second = lookup_answer(d.code, ID, now=at("2026-06-01 11:30"))
    assert second is not None
    assert len(second.steps) > len(first.steps)  # the change, not the kept answer
    # only the ALL mark evicted: the same
    cache.delete(lookup_cache.ALL)
    entry, marks = lookup_cache.read(candidates)
    assert entry is None and None not in marks


def test_a_code_looked_up_before_it_exists_is_found_once_received(world: World) -> None:
    """ "No such code" is kept too (so that it costs what a wrong factor costs); the receipt
    that gives the code voids it."""
    from motcua.portal.selectors import lookup_answer

    first = receive(world)
    assert first.code.endswith("-0001")
    next_code = first.code[:-4] + "0002"
    assert lookup_answer(next_code, ID) is None
    assert lookup_answer(next_code, ID) is None  # kept
    second = receive(world, "2026-06-01 09:30")
    assert second.code == next_code
    found = lookup_answer(next_code, ID)
    assert found is not None and found.code == next_code


def test_an_import_voids_every_kept_answer(world: World, received: Dossier) -> None:
    from motcua.dossiers import lookup_cache
    from motcua.portal.selectors import _code_candidates, lookup_answer

    assert lookup_answer(received.code, ID) is not None
    candidates = _code_candidates(received.code)
    assert lookup_cache.read(candidates)[0] is not None
    lookup_cache.changed_all()  # what dossiers.legacy does after writing the rows
    assert lookup_cache.read(candidates)[0] is None


def test_the_cache_holds_no_id_number_or_phone_in_clear(world: World) -> None:
    import pickle

    from motcua.dossiers import lookup_cache
    from motcua.portal.selectors import _code_candidates, lookup_answer

    d = receive(world)  # the applicant's ID number is ID, the phone PHONE
    assert d.applicant_phone == PHONE
    assert lookup_answer(d.code, PHONE) is not None
    entry = lookup_cache.read(_code_candidates(d.code))[0]
    assert entry is not None and entry.pk == d.pk
    raw = pickle.dumps(entry)
    assert ID.encode() not in raw and PHONE.encode() not in raw
    assert entry.id_hash == lookup_cache.digest(ID) != ID


def test_the_keyed_hash_is_djangos_salted_hmac_and_follows_the_secret(settings: Any) -> None:
    from django.utils.crypto import salted_hmac

    from motcua.dossiers import lookup_cache

    for value in (ID, PHONE, "Ổ", "x" * 200):
        expected = salted_hmac(lookup_cache._SALT, value, algorithm="sha256").hexdigest()
        assert lookup_cache.digest(value) == expected
    assert lookup_cache.digest("") == ""
    before = lookup_cache.digest(ID)
    settings.SECRET_KEY = "another-installation-" + "k" * 40
    assert lookup_cache.digest(ID) != before
    assert lookup_cache.digest(ID) == (
        salted_hmac(lookup_cache._SALT, ID, algorithm="sha256").hexdigest()
    )


# ---- the API's found answer without DRF's machinery (portal.api._found_at_once) --------------


def _attempts(ip: str) -> int:
    from motcua.portal import throttle

    return int(cache.get(throttle._key("lookup", ip)) or 0)


def _spy_fast_path(monkeypatch: Any) -> list[Any]:
    """What the API's fast path (``_found_at_once``) answers, one entry per request; None: it
    left the request to DRF."""
    from motcua.portal import api as lookup_api

    answered: list[Any] = []
    real = lookup_api._found_at_once

    def spy(request: Any) -> Any:
        answered.append(real(request))
        return answered[-1]

    monkeypatch.setattr(lookup_api, "_found_at_once", spy)
    return answered


def test_the_found_answer_at_once_is_what_drf_sends(
    client: Client, received: Dossier, monkeypatch: Any
) -> None:
    """The same status, bytes and headers as the whole DRF path, which a None sends it down."""
    from motcua.portal import api as lookup_api

    answered = _spy_fast_path(monkeypatch)
    fast = api(client, {"code": received.code, "factor": ID}, ip="10.1.7.1")
    assert answered and answered[-1] is not None  # answered at once
    monkeypatch.setattr(lookup_api, "_found_at_once", lambda request: None)
    whole = api(client, {"code": received.code, "factor": ID}, ip="10.1.7.2")
    assert fast.status_code == whole.status_code == 200
    assert fast.content == whole.content
    assert fast.json()["code"] == received.code
    for header in ("Content-Type", "Allow", "Vary", "Content-Language", "X-Frame-Options"):
        assert fast.get(header) == whole.get(header), header
    assert fast["Allow"] == "POST, OPTIONS"
    assert _attempts("10.1.7.1") == _attempts("10.1.7.2") == 1


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"code": "KHONG-CO", "factor": ID}, 404),  # counted at once, answered by DRF
        ({"code": "", "factor": ID}, 400),  # refused input: DRF's path alone
        ([1, 2], 400),
    ],
)
def test_every_other_answer_goes_through_drf_counted_once(
    client: Client, received: Dossier, body: Any, status: int
) -> None:
    r = api(client, body, ip="10.1.7.3")
    assert r.status_code == status
    assert r["Content-Type"] == "application/problem+json"
    assert _attempts("10.1.7.3") == 1


def test_over_the_limit_the_found_answer_is_refused_once_counted(
    client: Client, received: Dossier, settings: Any
) -> None:
    settings.MOTCUA_LOOKUP_RATE = (2, 600)
    good = {"code": received.code, "factor": ID}
    assert [api(client, good, ip="10.1.7.4").status_code for _ in range(3)] == [200, 200, 429]
    assert _attempts("10.1.7.4") == 3
    r = client.post(  # a body past the fast path's bound goes the whole way, and is counted
        "/api/v1/lookup/",
        data=json.dumps({**good, "pad": "x" * 5000}),
        content_type="application/json",
        REMOTE_ADDR="10.1.7.4",
    )
    assert r.status_code == 429
    assert _attempts("10.1.7.4") == 4


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        ("", "application/xml"),  # DRF: 406, not counted
        ("", "text/html"),
        ("", ""),  # an empty Accept: nothing acceptable
        ("", "application/json; indent=4"),  # DRF indents its answer
        ("", "application/json, text/plain, */*"),  # what browsers' fetch libraries send
        ("", "*/*"),
        ("?format=xml", None),  # DRF: no such format, 404, not counted
        ("?format=api", None),
        ("?format=json", None),
        ("?a=1", None),
    ],
)
def test_the_found_answer_is_drfs_whatever_the_client_accepts(
    client: Client, received: Dossier, monkeypatch: Any, query: str, accept: str | None
) -> None:
    """The fast path answers only what DRF's negotiation would answer with the same bytes; the
    rest (an Accept or a format DRF refuses or renders otherwise) goes the whole way."""
    from motcua.portal import api as lookup_api

    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    body = json.dumps({"code": received.code, "factor": ID})

    def send(ip: str) -> Any:
        return client.post(
            f"/api/v1/lookup/{query}",
            data=body,
            content_type="application/json",
            REMOTE_ADDR=ip,
            **headers,
        )

    fast = send("10.1.8.1")
    monkeypatch.setattr(lookup_api, "_found_at_once", lambda request: None)
    whole = send("10.1.8.2")
    assert fast.status_code == whole.status_code
    assert fast.content == whole.content
    for header in ("Content-Type", "Allow", "Vary"):
        assert fast.get(header) == whole.get(header), header
    assert _attempts("10.1.8.1") == _attempts("10.1.8.2")


def test_a_body_over_djangos_limit_is_a_413_problem_on_both_paths(
    client: Client, received: Dossier, settings: Any, monkeypatch: Any
) -> None:
    """Over DATA_UPLOAD_MAX_MEMORY_SIZE: the API's problem, in Vietnamese, never counted; the
    fast path (whose own bound is larger than this limit here) leaves it to DRF."""
    from motcua.portal import api as lookup_api

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 200
    body = json.dumps({"code": received.code, "factor": ID, "pad": "x" * 300})
    answers = []
    for ip, fast in (("10.1.9.1", True), ("10.1.9.2", False)):
        if not fast:
            monkeypatch.setattr(lookup_api, "_found_at_once", lambda request: None)
        r = client.post(
            "/api/v1/lookup/", data=body, content_type="application/json", REMOTE_ADDR=ip
        )
        assert r.status_code == 413, r.content
        assert r["Content-Type"] == "application/problem+json"
        problem = r.json()
        assert problem["code"] == "too_large"
        assert not problem["message"].isascii()
        assert _attempts(ip) == 0
        answers.append(r.content)
    assert answers[0] == answers[1]


def test_too_many_query_parameters_are_the_same_400_problem_on_both_paths(
    client: Client, received: Dossier, monkeypatch: Any
) -> None:
    from motcua.portal import api as lookup_api

    many = "&".join(f"a{i}=1" for i in range(1500))
    body = json.dumps({"code": received.code, "factor": ID})
    answers = []
    for ip, fast in (("10.1.10.1", True), ("10.1.10.2", False)):
        if not fast:
            monkeypatch.setattr(lookup_api, "_found_at_once", lambda request: None)
        r = client.post(
            f"/api/v1/lookup/?{many}", data=body, content_type="application/json", REMOTE_ADDR=ip
        )
        assert r.status_code == 400
        assert r["Content-Type"] == "application/problem+json"
        assert r.json()["code"] == "too_many_fields"
        assert _attempts(ip) == 0
        answers.append(r.content)
    assert answers[0] == answers[1]


@pytest.mark.parametrize(
    ("addresses", "other"),
    [
        # one IPv6 /64 is one subscriber (one home, one phone): it holds 2^64 addresses
        (["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff:1:2:3"], "2001:db8:1:3::1"),
        (["10.0.0.7", "::ffff:10.0.0.7", "::ffff:a00:7"], "10.0.0.8"),  # IPv4, mapped into IPv6
    ],
)
def test_the_limit_counts_a_subscriber_not_each_of_its_addresses(
    client: Client, received: Dossier, settings: Any, addresses: list[str], other: str
) -> None:
    settings.MOTCUA_LOOKUP_RATE = (2, 600)
    answers = [post(client, "KHONG-CO", ID, ip=ip).status_code for ip in addresses]
    assert answers == [404, 404, 429]
    api_answer = api(client, {"code": received.code, "factor": ID}, ip=addresses[0])
    assert api_answer.status_code == 429
    assert post(client, received.code, ID, ip=other).status_code == 200


def test_behind_a_proxy_the_forwarded_ipv6_address_counts_by_its_64(
    client: Client, received: Dossier, settings: Any
) -> None:
    settings.MOTCUA_LOOKUP_RATE = (1, 600)
    settings.MOTCUA_PROXY_HOPS = 1

    def via_proxy(forwarded: str) -> int:
        return client.post(
            "/tra-cuu/",
            {"code": "X-1", "factor": ID},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded,
        ).status_code

    assert via_proxy("2001:db8:5:6::10") == 404
    assert via_proxy("2001:db8:5:6::11") == 429
    assert via_proxy("[2001:db8:5:6::12]:4431") == 429  # a proxy that adds the port
    assert via_proxy("203.0.113.9:5555") == 404
    assert via_proxy("203.0.113.9:5556") == 429


# ---- codes pasted with invisible characters (a PDF, a chat app) --------------------------------

#: zero-width space, soft hyphen, byte order mark, word joiner: Unicode format characters (Cf)
INVISIBLE = ["\u200b", "\u00ad", "\ufeff", "\u2060"]


def _pasted(code: str, ch: str) -> str:
    """``code`` as it comes out of a PDF or a chat message: the character before, inside, after."""
    middle = len(code) // 2
    return f"{ch}{code[:middle]}{ch}{code[middle:]}{ch}"


@pytest.mark.parametrize("ch", INVISIBLE)
def test_a_code_pasted_with_invisible_characters_is_found_on_every_door(
    client: Client, received: Dossier, monkeypatch: Any, ch: str
) -> None:
    from motcua.portal import api as lookup_api

    code = _pasted(received.code, ch)
    assert dossier_lookup(code, ID) == received
    assert dossier_lookup(code, f"{ch}0701{ch}23456789") == received  # the ID number too
    page = post(client, code, f"0912{ch}345678", ip="10.2.0.1")
    assert page.status_code == 200 and received.code in page.content.decode()
    assert _attempts("10.2.0.1") == 1
    answered = _spy_fast_path(monkeypatch)
    fast = api(client, {"code": code, "factor": ID}, ip="10.2.0.2")
    assert answered and answered[-1] is not None  # answered at once
    monkeypatch.setattr(lookup_api, "_found_at_once", lambda request: None)
    whole = api(client, {"code": code, "factor": ID}, ip="10.2.0.3")
    assert fast.status_code == whole.status_code == 200
    assert fast.content == whole.content and fast.json()["code"] == received.code
    assert _attempts("10.2.0.2") == _attempts("10.2.0.3") == 1
    # a wrong code stays wrong, invisible characters or not
    assert dossier_lookup(_pasted(received.code + "0", ch), ID) is None


def test_the_back_office_finds_a_code_pasted_with_invisible_characters(
    world: World, received: Dossier
) -> None:
    from motcua.dossiers.access import dossier_get_for
    from motcua.dossiers.selectors import dossier_search

    officer = world.users["counter"]
    for ch in INVISIBLE:
        code = _pasted(received.code, ch)
        assert list(dossier_search(officer, code)) == [received]
        assert dossier_get_for(officer, code) == received
        c = Client()
        c.force_login(officer)
        page = c.get("/can-bo/tim-kiem/", {"q": code})
        assert page.status_code == 200 and received.code in page.content.decode()


_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=" \t\n\x00\x1f\x7f\u00a0\u2028-.0123456789AHaz", max_size=40),
    st.from_regex(r"\s*[0-9A-Z.\-]{1,40}\s*", fullmatch=True),
)
_VALUE = st.one_of(_TEXT, st.integers(), st.floats(allow_nan=False), st.booleans(), st.none())


_CODE = st.one_of(
    st.from_regex(r"[ \t\u00a0]{0,2}[0-9A-Za-z.\-]{1,62}[ \n]{0,2}", fullmatch=True), _VALUE
)
_FACTOR = st.one_of(st.from_regex(r"[ \t]{0,2}[0-9+ ]{4,32}[ \n\x00]{0,2}", fullmatch=True), _VALUE)


@hypothesis_settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.fixed_dictionaries({"code": _CODE, "factor": _FACTOR}),
        st.dictionaries(st.sampled_from(["code", "factor", "x"]), _VALUE),
        st.lists(_VALUE, max_size=2),
        _VALUE,
    )
)
def test_the_plain_look_up_check_agrees_with_the_serializer(body: Any) -> None:
    """The look-up's fast path takes (code, factor) from a plainly valid body without DRF's
    serializer: whatever it takes, the serializer takes too, cleaned to the same values."""
    from motcua.portal.api import _checked, _plain

    plain = _plain(body)
    if plain is not None:
        assert _checked(body)[1] == plain


def test_a_typed_look_up_is_plain_and_an_odd_one_is_left_to_the_serializer() -> None:
    from motcua.portal.api import _checked, _plain

    typed = {"code": " 000.00.03.H10-220601-0001 ", "factor": "070123456789\n"}
    assert _plain(typed) == ("000.00.03.H10-220601-0001", "070123456789") == _checked(typed)[1]
    for odd in (
        {"code": "Mã-0001", "factor": "070123456789"},  # not ASCII: the serializer decides
        {"code": "A", "factor": 70123456789},  # a number: the serializer accepts it as text
        {"code": "A\x00", "factor": "070123456789"},
        {"code": "A", "factor": "12345"},
        {"code": "A" * 200, "factor": "070123456789"},
    ):
        assert _plain(odd) is None, odd
    assert _checked({"code": "A", "factor": 70123456789})[1] == ("A", "70123456789")
