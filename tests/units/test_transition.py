"""The transition to the two-level model: hostile cases first (issue 11)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from motcua.audit.models import AuditEntry
from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.dossiers.models import Dossier, DossierEvent, EventType, Status, StepStatus
from motcua.dossiers.services import dossier_receive, result_return, step_complete
from motcua.units.models import Agency
from motcua.units.transition import apply_transition, parse_mapping_csv
from tests.dossiers.conftest import World, at
from tests.twolevel import REFORM, TwoLevel, build


@pytest.fixture
def t(world: World) -> TwoLevel:
    return build(world)


def receive_at_district(t: TwoLevel, when: str) -> Dossier:
    return dossier_receive(
        actor=t.users["district_counter"],
        desk=t.w.district_desk,
        intake=t.w.intake(t.district_proc),
        now=at(when),
    )


def snapshot(d: Dossier) -> tuple:
    d.refresh_from_db()
    steps = [(s.order, s.status, s.started_at, s.due_at, s.agency_id) for s in d.steps.all()]
    return (
        d.received_at,
        d.handed_over_at,
        d.clock_started_at,
        d.due_at,
        d.appointment_at,
        d.status,
        d.pauses,
        d.book_number,
        steps,
    )


def test_open_dossier_moves_with_clock_and_history_unchanged(t: TwoLevel) -> None:
    w = t.w
    d = receive_at_district(t, "2025-06-20 09:00")
    before = snapshot(d)
    events_before = list(d.events.values_list("pk", "type", "at", "agency_id"))
    result = apply_transition(REFORM, now=at("2025-07-01 07:00"))
    assert result.moved_dossiers == 1
    d.refresh_from_db()
    assert d.processing_agency == t.ward_committee
    assert d.receiving_agency == t.ward_center
    assert d.origin_processing_agency == w.district_committee
    assert d.origin_receiving_agency == w.district_desk
    after = snapshot(d)
    # every time unchanged; only the agencies of the steps not yet done moved
    assert before[:8] == after[:8]
    for (o1, s1, st1, due1, ag1), (o2, s2, st2, due2, ag2) in zip(before[8], after[8], strict=True):
        assert (o1, s1, st1, due1) == (o2, s2, st2, due2)
        if s1 == StepStatus.DONE:
            assert ag1 == ag2  # the district desk did the receipt: history stays
        else:
            assert ag2 in (t.ward_committee.pk, t.ward_center.pk)
    # the old events untouched, one new event recorded and audited
    assert (
        list(
            d.events.exclude(type=EventType.AGENCY_SUCCESSION).values_list(
                "pk", "type", "at", "agency_id"
            )
        )
        == events_before
    )
    ev = DossierEvent.objects.get(dossier=d, type=EventType.AGENCY_SUCCESSION)
    assert ev.data["processing_agency"] == {"from": w.district_committee.code, "to": "H10.01.01"}
    assert ev.data["effective"] == "2025-07-01"
    assert AuditEntry.objects.filter(action="dossier.agency_succession").count() == 1
    assert AuditEntry.objects.filter(action="units.transition").count() == 1
    # the abolished agencies are closed and take no new dossier
    for old in (w.district_desk, w.district_committee, w.commune_desk, w.commune_committee):
        old.refresh_from_db()
        assert old.valid_to == dt.date(2025, 6, 30)
        assert not old.receives_dossiers
    # the old officer cannot act any more; the successor's officers finish it in August
    with pytest.raises(PermissionDenied):
        step_complete(actor=w.users["district_officer"], dossier=d, now=at("2025-08-04 09:00"))
    step_complete(actor=t.users["ward_officer"], dossier=d, now=at("2025-08-04 09:00"))
    step_complete(actor=t.users["ward_leader"], dossier=d, now=at("2025-08-05 09:00"))
    d.refresh_from_db()
    assert d.status == Status.RESOLVED
    result_return(actor=t.users["ward_counter"], dossier=d, now=at("2025-08-05 10:00"))


def test_refuses_all_or_nothing_when_an_agency_with_live_dossiers_has_no_successor(
    world: World,
) -> None:
    t = build(world, successors=False)
    w = t.w
    # the commune has a successor, the district not: the commune's dossier must not move either
    w.commune_desk.successor = t.ward_center
    w.commune_desk.save(update_fields=["successor"])
    d = receive_at_district(t, "2025-06-20 09:00")
    before = snapshot(d)
    with pytest.raises(ValidationFailed) as err:
        apply_transition(REFORM)
    assert err.value.code == "no_successor"
    assert w.district_committee.code in err.value.message
    assert "chưa có cơ quan kế thừa" in err.value.message
    assert snapshot(d) == before
    d.refresh_from_db()
    assert d.processing_agency == w.district_committee and d.origin_processing_agency is None
    assert not DossierEvent.objects.filter(type=EventType.AGENCY_SUCCESSION).exists()
    w.commune_desk.refresh_from_db()
    assert w.commune_desk.valid_to is None and w.commune_desk.receives_dossiers
    # the dry run refuses the same way and the command says it in Vietnamese
    with pytest.raises(CommandError, match="chưa có cơ quan kế thừa"):
        call_command("transition_agencies", "--as-of", "2025-07-01", "--dry-run")


def test_mapping_file_wins_and_dry_run_writes_nothing(world: World, tmp_path: Path) -> None:
    t = build(world, successors=False)
    w = t.w
    d = receive_at_district(t, "2025-06-20 09:00")
    path = tmp_path / "map.csv"
    path.write_text(
        "ma_co_quan_cu,ma_co_quan_moi\n"
        f"{w.district_committee.code},{t.other_committee.code}\n"
        f"{w.district_desk.code},{t.other_center.code}\n",
        encoding="utf-8",
    )
    before = snapshot(d)
    call_command("transition_agencies", "--as-of", "2025-07-01", "--map", str(path), "--dry-run")
    assert snapshot(d) == before
    assert Dossier.objects.get(pk=d.pk).origin_processing_agency is None
    call_command("transition_agencies", "--as-of", "2025-07-01", "--map", str(path))
    d.refresh_from_db()
    assert d.processing_agency == t.other_committee
    assert d.receiving_agency == t.other_center
    # idempotent: a second run moves nothing, writes no event
    again = apply_transition(REFORM, parse_mapping_csv(path.read_text("utf-8")))
    assert again.moved_dossiers == 0
    assert DossierEvent.objects.filter(type=EventType.AGENCY_SUCCESSION).count() == 1


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("a\n", "hai cột"),
        ("x,y\nx,z\n", "hai cơ quan khác nhau"),
        ("000.00.42.H10,KHONG.CO\n", "không có cơ quan kế thừa mã KHONG.CO"),
    ],
)
def test_bad_mapping_is_refused_in_vietnamese(t: TwoLevel, text: str, fragment: str) -> None:
    receive_at_district(t, "2025-06-20 09:00")
    with pytest.raises(ValidationFailed, match=fragment):
        apply_transition(REFORM, parse_mapping_csv(text))
    assert Dossier.objects.get().origin_processing_agency is None


def test_mapping_to_an_abolished_agency_is_refused(t: TwoLevel) -> None:
    w = t.w
    with pytest.raises(ValidationFailed, match="cũng đã hết hiệu lực"):
        apply_transition(REFORM, {w.district_desk.code: w.commune_desk.code})


def test_finished_dossiers_are_not_moved(t: TwoLevel) -> None:
    w = t.w
    d = receive_at_district(t, "2025-06-02 09:00")
    step_complete(actor=w.users["district_officer"], dossier=d, now=at("2025-06-03 09:00"))
    step_complete(actor=w.users["district_leader"], dossier=d, now=at("2025-06-04 09:00"))
    result_return(actor=t.users["district_counter"], dossier=d, now=at("2025-06-05 09:00"))
    d.refresh_from_db()
    assert d.status == Status.RESOLVED and d.returned_at is not None
    result = apply_transition(REFORM)
    assert result.moved_dossiers == 0
    d.refresh_from_db()
    assert d.processing_agency == w.district_committee and d.origin_processing_agency is None


def test_only_a_province_administrator_or_the_system_may_run_it(t: TwoLevel) -> None:
    w = t.w
    d = receive_at_district(t, "2025-06-20 09:00")
    for who in (w.users["outsider"], w.users["district_leader"], t.users["ward_officer"]):
        with pytest.raises(PermissionDenied):
            apply_transition(REFORM, actor=who)
    d.refresh_from_db()
    assert d.origin_processing_agency is None
    result = apply_transition(REFORM, actor=t.users["province_admin"])
    assert result.moved_dossiers == 1


def test_tracking_book_numbers_stay_with_the_old_desk(t: TwoLevel) -> None:
    """The successor desk numbers its own book: no clash with a moved dossier's number."""
    w = t.w
    old = receive_at_district(t, "2025-06-20 09:00")
    apply_transition(REFORM)
    new = dossier_receive(
        actor=t.users["ward_counter"],
        desk=t.ward_center,
        intake=w.intake(t.commune_proc),
        now=at("2025-07-02 09:00"),
    )
    old.refresh_from_db()
    assert old.receiving_agency_id == new.receiving_agency_id == t.ward_center.pk
    assert (old.book_year, old.book_number) == (new.book_year, new.book_number) == (2025, 1)


def test_abolished_desk_takes_no_new_dossier(t: TwoLevel) -> None:
    apply_transition(REFORM)
    desk = Agency.objects.get(pk=t.w.district_desk.pk)
    with pytest.raises(ValidationFailed):
        dossier_receive(
            actor=t.users["district_counter"],
            desk=desk,
            intake=t.w.intake(t.district_proc),
            now=at("2025-06-30 09:00"),
        )
