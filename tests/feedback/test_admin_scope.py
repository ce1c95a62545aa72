"""Feedback names the citizen who sent it and what they complained of to one agency: another
province's administrator may not list or open that of this province's agencies in the
administration (nor change or delete it: no one does there)."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.feedback.models import Feedback
from motcua.units.models import Agency
from tests.admin_scope_tools import assert_out_of_reach, assert_within_reach, login
from tests.dossiers.conftest import World, other_province_admin, province_admin

pytestmark = pytest.mark.django_db

AT = dt.datetime(2022, 6, 1, 8, 0, tzinfo=dt.UTC)


def _feedback(agency: Agency, code: str, subject: str) -> Feedback:
    return Feedback.objects.create(
        code=code,
        subject=subject,
        content="Nội dung phản ánh",
        agency=agency,
        sender_name="Trần Thị Bình",
        received_at=AT,
        time_limit_days=10,
        due_at=AT + dt.timedelta(days=14),
    )


def test_another_province_admin_cannot_reach_this_province_feedback(world: World) -> None:
    ours = _feedback(world.justice, "PA-H10-0001", "Chậm trả kết quả ở Sở Tư pháp")
    outsider, committee = other_province_admin("feedback")
    theirs = _feedback(committee, "PA-H39-0001", "Phản ánh ở Đồng Nai")
    c = login(outsider)
    assert_within_reach(c, theirs, "Phản ánh ở Đồng Nai")
    assert_out_of_reach(c, ours, "Chậm trả kết quả")
    ours.refresh_from_db()
    assert ours.subject == "Chậm trả kết quả ở Sở Tư pháp"


def test_own_province_admin_reads_the_feedback(world: World) -> None:
    ours = _feedback(world.justice, "PA-H10-0001", "Chậm trả kết quả ở Sở Tư pháp")
    c = login(province_admin("qt_tinh_pa", world.center, "feedback"))
    assert_within_reach(c, ours, "Chậm trả kết quả")
