"""Period parameters of the report pages, exports and commands: bad input gets a clear Vietnamese
message (pages) or one ``lỗi [code]: …`` line and exit 2 (commands), never a 500 or a traceback."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from motcua.reports.forms import PeriodForm
from motcua.reports.selectors import Period
from tests.dossiers.conftest import World
from tests.reports.test_exports_indices import lifecycle

pytestmark = pytest.mark.django_db

BAD_QUERIES = [
    ({"year": "0"}, "Năm"),
    ({"year": "-5"}, "Năm"),
    ({"year": "9999", "kind": "year"}, "Năm"),
    ({"year": "2" * 20}, "Năm"),
    ({"year": "2022", "kind": "quarter", "n": "9" * 20}, "Quý"),
    ({"year": "2022", "kind": "quarter", "n": "5"}, "Quý"),
    ({"year": "2022", "kind": "month", "n": "13"}, "Tháng"),
    ({"year": "2022", "kind": "tuần"}, "Kỳ"),
    ({"from": "2022-01-01", "to": "9999-12-31"}, "ngày"),
    ({"from": "0001-01-01", "to": "0001-01-02"}, "ngày"),
    ({"from": "2022-07-01", "to": "2022-06-30"}, "trước"),
    ({"from": "2022-13-01", "to": "2022-06-30"}, "ngày"),
    ({"from": "2022-01-01"}, "cả hai"),
]


def leader(w: World) -> Client:
    c = Client()
    c.force_login(w.users["leader"])  # type: ignore[arg-type]
    return c


@pytest.mark.parametrize(("query", "word"), BAD_QUERIES)
def test_bad_period_on_pages_and_exports_is_a_message_not_a_500(
    world: World, query: dict[str, str], word: str
) -> None:
    c = leader(world)
    for url in (
        "/can-bo/bao-cao/",
        "/can-bo/bao-cao/tai-ve/xlsx/",
        "/can-bo/bao-cao/tai-ve/docx/",
        "/can-bo/bao-cao/chi-tiet/on_time/",
    ):
        r = c.get(url, query)
        assert r.status_code == 400, (url, query)
        text = r.content.decode()
        assert "Kỳ báo cáo không hợp lệ" in text and word in text, (url, query, text[:300])


def test_period_form_bounds_and_presets() -> None:
    with time_machine.travel(dt.datetime(2026, 11, 29, 9, tzinfo=dt.UTC)):
        ok = PeriodForm({"year": "2022", "kind": "quarter", "n": "2"})
        assert ok.is_valid() and ok.period() == Period(dt.date(2022, 4, 1), dt.date(2022, 6, 30))
        dates = PeriodForm({"from": "2022-01-01", "to": "2022-06-30"})
        assert dates.is_valid()
        assert dates.period() == Period(dt.date(2022, 1, 1), dt.date(2022, 6, 30))
        # next year is still allowed (plans), the one after is not; 2000 is the first year
        assert PeriodForm({"year": "2027", "kind": "year"}).is_valid()
        assert not PeriodForm({"year": "2028", "kind": "year"}).is_valid()
        assert PeriodForm({"year": "2000"}).is_valid()
        assert not PeriodForm({"year": "1999"}).is_valid()
        bad = PeriodForm({"from": "0001-01-01", "to": "0001-01-02"})
        assert not bad.is_valid() and bad.error_code() == "out_of_range"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--from", "0001-01-01", "--to", "0001-01-02"], "out_of_range"),
        (["--from", "2022-01-01", "--to", "9999-12-31"], "out_of_range"),
        (["--from", "2" * 20, "--to", "2022-06-30"], "bad_date"),
        (["--from", "2022-07-01", "--to", "2022-06-30"], "bad_period"),
    ],
)
@pytest.mark.parametrize("command", ["report", "evaluate"])
def test_bad_period_on_commands_is_one_line_and_exit_2(
    world: World, capsys: pytest.CaptureFixture[str], command: str, args: list[str], code: str
) -> None:
    with pytest.raises(SystemExit) as exc:
        call_command(command, *args)
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"lỗi [{code}]: ") and "\n" not in err
    if code == "bad_date":
        assert err == "lỗi [bad_date]: --from: Ngày phải có dạng YYYY-MM-DD (ví dụ 2022-06-30)"


def test_dashboard_opens_on_the_latest_period_with_data(world: World) -> None:
    lifecycle(world)  # dossiers of June 2022 only
    with time_machine.travel(dt.datetime(2026, 11, 29, 9, tzinfo=dt.UTC)):
        r = leader(world).get("/can-bo/bao-cao/")
    page = r.content.decode()
    assert r.status_code == 200
    assert "từ 01/01/2022 đến 30/06/2022" in page
    assert "Không có hồ sơ trong kỳ" not in page


def test_dashboard_opens_on_a_closed_period_not_on_the_few_dossiers_of_this_half(
    world: World,
) -> None:
    from motcua.dossiers.services import dossier_receive
    from tests.dossiers.conftest import at

    lifecycle(world)  # June 2022
    dossier_receive(  # one dossier this autumn: the second half of 2026 is not closed yet
        actor=world.users["counter"],
        desk=world.center,
        intake=world.intake(),
        now=at("2026-10-05 09:00"),
    )
    with time_machine.travel(dt.datetime(2026, 11, 29, 9, tzinfo=dt.UTC)):
        page = leader(world).get("/can-bo/bao-cao/").content.decode()
    assert "từ 01/01/2022 đến 30/06/2022" in page


def test_dashboard_opens_on_the_year_of_data_from_a_closed_second_half(world: World) -> None:
    from motcua.dossiers.services import dossier_receive
    from tests.dossiers.conftest import at

    dossier_receive(
        actor=world.users["counter"],
        desk=world.center,
        intake=world.intake(),
        now=at("2025-10-06 09:00"),
    )
    with time_machine.travel(dt.datetime(2026, 11, 29, 9, tzinfo=dt.UTC)):
        page = leader(world).get("/can-bo/bao-cao/").content.decode()
    assert "từ 01/01/2025 đến 31/12/2025" in page


def test_dashboard_with_data_only_this_half_opens_on_this_year(world: World) -> None:
    from motcua.dossiers.services import dossier_receive
    from tests.dossiers.conftest import at

    dossier_receive(
        actor=world.users["counter"],
        desk=world.center,
        intake=world.intake(),
        now=at("2026-10-05 09:00"),
    )
    with time_machine.travel(dt.datetime(2026, 11, 29, 9, tzinfo=dt.UTC)):
        page = leader(world).get("/can-bo/bao-cao/").content.decode()
    assert "từ 01/01/2026 đến 31/12/2026" in page and "Không có hồ sơ trong kỳ" not in page


def test_dashboard_without_any_dossier_opens_on_this_year(world: World) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 29, 9, tzinfo=dt.UTC)):
        page = leader(world).get("/can-bo/bao-cao/").content.decode()
    assert "từ 01/01/2026 đến 31/12/2026" in page
