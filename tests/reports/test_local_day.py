"""``indices.LocalDay`` (the day of an instant at a fixed offset, in plain SQL) against Django's
``TruncDate`` with the zone, on instants around local midnight, on the running database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.db.models.functions import TruncDate

from motcua.reports.indices import LocalDay, _fixed_offset, local_day

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = dt.UTC


def test_the_day_at_the_offset_equals_truncdate_around_midnight() -> None:
    instants = [
        dt.datetime(2022, 1, 27, 16, 59, 59, 999_999, tzinfo=UTC),  # 23:59:59.999999 local
        dt.datetime(2022, 1, 27, 17, 0, tzinfo=UTC),  # 00:00 local, the next day
        dt.datetime(2022, 2, 28, 17, 0, 1, tzinfo=UTC),  # 1 March local
        dt.datetime(2024, 2, 28, 17, 0, tzinfo=UTC),  # 29 February (leap year) local
        dt.datetime(2022, 12, 31, 16, 30, tzinfo=UTC),  # 23:30 on new year's eve local
        dt.datetime(2022, 12, 31, 17, 30, tzinfo=UTC),  # 00:30 on 1 January local
    ]
    for i, moment in enumerate(instants):
        User.objects.create(username=f"u{i}", date_joined=moment)
    rows = (
        User.objects.annotate(
            ours=LocalDay("date_joined", 7 * 3600), django=TruncDate("date_joined", tzinfo=VN)
        )
        .order_by("date_joined")
        .values_list("date_joined", "ours", "django")
    )
    got = [(str(ours), str(django)) for _m, ours, django in rows]
    expected = [str(m.astimezone(VN).date()) for m in sorted(instants)]
    assert [o for o, _d in got] == expected
    assert [d for _o, d in got] == expected


def test_only_a_fixed_offset_is_computed_in_sql() -> None:
    assert _fixed_offset(VN) == 7 * 3600
    assert _fixed_offset(ZoneInfo("Europe/Paris")) is None  # summer time: Django's TruncDate
    assert isinstance(local_day("finished_at", ZoneInfo("Europe/Paris")), TruncDate)
    assert isinstance(local_day("finished_at", VN), LocalDay)


def test_the_rebuild_counts_the_last_microsecond_of_a_day_on_that_day() -> None:
    """The statistics' rebuild (``aggregates.sql_day``) and the services' hook (``_day``)
    put an instant in the last millisecond of a local day on that day: SQLite rounded the
    stored microseconds to milliseconds before adding the offset."""
    from django.db import connection

    from motcua.reports.aggregates import _day, sql_day

    last = dt.datetime(2022, 1, 27, 16, 59, 59, 999_600, tzinfo=UTC)  # 23:59:59.9996 local
    User.objects.create(username="cuoi-ngay", date_joined=last)
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT {sql_day('date_joined', connection.vendor, 7 * 3600)} FROM auth_user"  # noqa: S608
        )
        (day,) = cur.fetchone()
    assert str(day) == "2022-01-27" == str(_day(last))
