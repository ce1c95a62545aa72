"""Every change is part of the one chain: dossier events, memberships and roles, users' rights,
calendars, the catalog — through the services, the ORM and the Django admin alike."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.test import Client

from motcua.audit.models import AuditEntry
from motcua.audit.services import audit_verify
from motcua.audit.signals import audit_muted
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.services import dossier_receive
from motcua.units.models import Membership, Role
from motcua.worktime.models import CalendarDay, WorkCalendar
from tests.dossiers.conftest import World, at


def test_every_dossier_event_is_an_entry_of_the_chain(world: World) -> None:
    w = world
    d = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )
    events = list(DossierEvent.objects.filter(dossier=d))
    assert events
    for ev in events:
        entry = AuditEntry.objects.get(object_type="DossierEvent", object_id=str(ev.pk))
        assert entry.action == f"dossier.{ev.type}"
        assert entry.actor_id == ev.actor_id and entry.actor_label == ev.actor_label
        assert entry.after["dossier_id"] == d.pk and entry.after["code"] == d.code
        assert entry.after["to_status"] == ev.to_status
    assert audit_verify().ok


def test_membership_and_user_rights_changes_are_recorded(world: World) -> None:
    w = world
    user = w.users["counter"]
    start = AuditEntry.objects.count()
    with transaction.atomic():
        m = Membership.objects.create(user=user, agency=w.justice, role=Role.LEADER)
    entry = AuditEntry.objects.get(seq=start + 1)
    assert entry.action == "units.membership.create"
    assert entry.after["role"] == Role.LEADER and entry.after["agency_id"] == w.justice.pk
    m.active = False
    m.save()
    entry = AuditEntry.objects.latest("seq")
    assert entry.action == "units.membership.change"
    assert entry.before == {"active": True} and entry.after == {"active": False}
    m.delete()
    assert AuditEntry.objects.latest("seq").action == "units.membership.delete"
    group = Group.objects.create(name="Thanh tra")
    user.groups.add(group)
    last = AuditEntry.objects.latest("seq")
    assert last.action == "auth.user.add" and last.after["ids"] == [group.pk]
    user.set_password("mat-khau-moi-123")
    user.save()
    last = AuditEntry.objects.latest("seq")
    assert last.action == "auth.user.change" and last.after == {"password": "***"}
    assert "mat-khau" not in str(last.before) + str(last.after)
    assert audit_verify().ok


def test_a_login_alone_writes_no_entry(world: World) -> None:
    user = world.users["counter"]
    n = AuditEntry.objects.count()
    user.last_login = dt.datetime.now(dt.UTC)
    user.save(update_fields=["last_login"])
    assert AuditEntry.objects.count() == n


@pytest.mark.django_db
def test_calendar_changes_are_recorded() -> None:
    with transaction.atomic():
        cal = WorkCalendar.objects.create(code="bp", name="Lịch Bình Phước")
        CalendarDay.objects.create(
            calendar=cal, date=dt.date(2026, 8, 22), kind="work", reason="làm bù"
        )
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-2:] == ["worktime.workcalendar.create", "worktime.calendarday.create"]


@pytest.mark.django_db
def test_a_muted_batch_writes_nothing_itself() -> None:
    with audit_muted(), transaction.atomic():
        WorkCalendar.objects.create(code="x", name="x")
    assert not AuditEntry.objects.filter(object_type="worktime.WorkCalendar").exists()


def test_admin_changes_carry_the_administrator(world: World, client: Client) -> None:
    admin = User.objects.create_superuser("quantri", "qt@example.vn", "mat-khau-qt-123")
    target = world.users["counter"]
    client.force_login(admin)
    page = client.get(f"/admin/auth/user/{target.pk}/change/")
    assert page.status_code == 200
    form: dict[str, Any] = {
        "username": target.username,
        "first_name": target.first_name,
        "last_name": target.last_name,
        "email": target.email,
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
    }
    response = client.post(f"/admin/auth/user/{target.pk}/change/", form)
    assert response.status_code in (200, 302)
    entry = AuditEntry.objects.filter(action="auth.user.change", object_id=str(target.pk)).last()
    assert entry is not None, response.content[:2000]
    assert entry.actor_id == admin.pk
    assert entry.after.get("is_superuser") is True and entry.before.get("is_superuser") is False
    assert audit_verify().ok


def _raw(sql: str, params: list[Any]) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, params)


def test_the_event_log_is_checked_against_the_chain(world: World) -> None:
    from motcua.audit.events import events_verify

    w = world
    d = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )
    events = list(DossierEvent.objects.filter(dossier=d).order_by("pk"))
    v = events_verify()
    assert v.ok and v.checked == len(events) and v.unsealed == 0
    # an event edited behind the services' back
    _raw("UPDATE dossiers_dossierevent SET actor_id = NULL WHERE id = %s", [events[0].pk])
    v = events_verify()
    assert (v.ok, v.event_id, v.code) == (False, events[0].pk, "edited_event")
    assert "actor_id" in v.message
    _raw(
        "UPDATE dossiers_dossierevent SET actor_id = %s WHERE id = %s",
        [events[0].actor_id, events[0].pk],
    )
    _raw(
        "UPDATE dossiers_dossierevent SET at = %s WHERE id = %s",
        [at("2020-01-01 08:00"), events[0].pk],
    )
    assert events_verify().code == "edited_event"
    _raw("UPDATE dossiers_dossierevent SET at = %s WHERE id = %s", [events[0].at, events[0].pk])
    assert events_verify().ok
    # an event inserted without the services
    forged = DossierEvent.objects.create(
        dossier=d, type=events[0].type, at=events[0].at, actor_label="x"
    )
    v = events_verify()
    assert (v.ok, v.event_id, v.code) == (False, forged.pk, "unsealed_event")
    _raw("DELETE FROM dossiers_dossierevent WHERE id = %s", [forged.pk])
    # an event deleted
    _raw("DELETE FROM dossiers_dossierevent WHERE id = %s", [events[-1].pk])
    v = events_verify()
    assert (v.ok, v.event_id, v.code) == (False, events[-1].pk, "deleted_event")
    assert audit_verify().ok  # the chain itself is intact: only the event log was touched


@pytest.mark.django_db
def test_a_legacy_import_is_one_entry_bound_to_the_files_content(tmp_path: Any) -> None:
    import hashlib
    import io

    from django.core.management import call_command

    from tests.factories import AgencyFactory
    from tests.reports.test_import_dossiers import csv_text, row

    AgencyFactory(code="000.00.03.H10")
    path = tmp_path / "cu.csv"
    path.write_text(csv_text([row(f"A-{i}") for i in range(300)]), encoding="utf-8")
    before = AuditEntry.objects.count()
    call_command("import_dossiers", str(path), stdout=io.StringIO())
    entry = AuditEntry.objects.get(action="dossiers.import")
    assert entry.after["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert entry.after["rows"] == 300
    # the 300 rows write no entry each (bulk insert), nor do the agencies and procedures it
    # created: one entry for the batch, naming them (and one for the field made for them)
    assert AuditEntry.objects.count() - before == 2
    assert entry.after["procedures_created_codes"] == ["1.000001"]
    assert entry.after["agencies_created_codes"] == []
    assert audit_verify().ok


def test_events_written_at_a_live_instant_verify(world: World) -> None:
    """The fourth probe: after ordinary use the daily check reported every live event as edited.
    The event keeps its time to the microsecond; its entry kept it to the millisecond (Django's
    JSON encoder cuts the rest), and the whole hours of the demo and the tests hid it. Entries
    now keep the microseconds; those written before keep their milliseconds and still match, at
    the millisecond; a time moved by as little as a millisecond is still an edit."""
    from motcua.audit.events import events_verify

    w = world
    live = at("2022-06-01 09:00") + dt.timedelta(seconds=44, microseconds=515_200)
    d = dossier_receive(actor=w.users["counter"], desk=w.center, intake=w.intake(), now=live)
    events = list(DossierEvent.objects.filter(dossier=d).order_by("pk"))
    assert any(e.at.microsecond for e in events)
    v = events_verify()
    assert v.ok and v.checked == len(events), v.line()
    _raw(
        "UPDATE dossiers_dossierevent SET at = %s WHERE id = %s",
        [events[0].at + dt.timedelta(microseconds=1000), events[0].pk],
    )
    assert events_verify().code == "edited_event"
    _raw("UPDATE dossiers_dossierevent SET at = %s WHERE id = %s", [events[0].at, events[0].pk])
    assert events_verify().ok


@pytest.mark.parametrize(
    ("recorded", "ok"),
    [
        ("2026-12-02T16:12:44.515Z", True),  # an entry written before: milliseconds
        ("2026-12-02T16:12:44.515200+00:00", True),  # now: every digit
        ("2026-12-02T16:12:44.516Z", False),
        ("2026-12-02T16:12:44.515201+00:00", False),
        ("2026-12-02T16:12:44Z", False),
        ("khong-phai-ngay", False),
    ],
)
def test_an_events_time_matches_its_entry_to_the_digits_kept(recorded: str, ok: bool) -> None:
    from motcua.audit.events import _same_instant

    event_at = dt.datetime(2026, 12, 2, 16, 12, 44, 515_200, tzinfo=dt.UTC)
    assert _same_instant(recorded, event_at) is ok
