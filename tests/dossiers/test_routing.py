"""Intake regardless of residence (issue 11): a commune center receives for another commune."""

from __future__ import annotations

import pytest
import time_machine

from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.dossiers.models import Dossier, EventType, Status
from motcua.dossiers.services import dossier_receive, result_return, step_complete
from motcua.reports.selectors import Period, report
from motcua.units.models import AdministrativeUnit, Agency, Level, UnitKind
from motcua.units.transition import apply_transition
from tests.dossiers.conftest import World, at
from tests.twolevel import REFORM, TwoLevel, build


@pytest.fixture
def t(world: World) -> TwoLevel:
    tl = build(world)
    apply_transition(REFORM, now=at("2025-07-01 07:00"))
    return tl


def receive_elsewhere(t: TwoLevel, competent: Agency | None) -> Dossier:
    return dossier_receive(
        actor=t.users["other_counter"],
        desk=t.other_center,
        intake=t.w.intake(t.commune_proc, competent_agency=competent),
        now=at("2025-07-07 09:00"),
    )


def test_commune_center_receives_for_another_commune_and_routes(t: TwoLevel) -> None:
    d = receive_elsewhere(t, t.ward_committee)
    assert d.receiving_agency == t.other_center
    assert d.processing_agency == t.ward_committee
    # the procedure's time limit (5 working days) from receipt, as anywhere
    assert d.due_at == at("2025-07-14 09:00")
    steps = {s.role: s for s in d.steps.all()}
    assert steps["tiep_nhan"].agency == t.other_center
    assert steps["chuyen_vien"].agency == t.ward_committee
    assert steps["tra_ket_qua"].agency == t.other_center  # returned where it was filed
    ev = d.events.get(type=EventType.ROUTED)
    assert ev.data == {"receiving_agency": t.other_center.code, "competent_agency": "H10.01.01"}
    # the receiving commune's officer may not decide it; the competent one does
    with pytest.raises(PermissionDenied):
        step_complete(actor=t.users["other_officer"], dossier=d, now=at("2025-07-08 09:00"))
    step_complete(actor=t.users["ward_officer"], dossier=d, now=at("2025-07-08 09:00"))
    step_complete(actor=t.users["ward_leader"], dossier=d, now=at("2025-07-09 09:00"))
    result_return(actor=t.users["other_counter"], dossier=d, now=at("2025-07-09 10:00"))
    d.refresh_from_db()
    assert d.status == Status.RESOLVED
    rep = report(Period(REFORM, REFORM.replace(month=12, day=31)), by_desk=True)
    assert [r["agency_code"] for r in rep["by_agency"]] == [t.ward_committee.code]
    assert [r["agency_code"] for r in rep["by_receiving_agency"]] == [t.other_center.code]
    assert rep["levels"]["total"]["received"] == 1
    assert set(rep["levels"]) == {"commune", "total"}  # no empty "Cấp huyện" after the switch


def test_without_a_competent_agency_the_desk_commune_decides(t: TwoLevel) -> None:
    d = receive_elsewhere(t, None)
    assert d.processing_agency == t.other_committee
    assert not d.events.filter(type=EventType.ROUTED).exists()


@pytest.mark.parametrize(
    ("pick", "fragment"),
    [
        ("desk", "là nơi tiếp nhận"),
        ("abolished", "không còn hoạt động"),
        ("department", "không thuộc thẩm quyền cấp tỉnh"),
        ("other_province", "trong phạm vi tỉnh"),
    ],
)
def test_bad_competent_agency_is_refused_and_nothing_written(
    t: TwoLevel, pick: str, fragment: str
) -> None:
    w = t.w
    if pick == "other_province":
        province = AdministrativeUnit.objects.create(
            code="75", name="Tỉnh Đồng Nai (cũ)", kind=UnitKind.PROVINCE, level=Level.PROVINCE
        )
        ward = AdministrativeUnit.objects.create(
            code="26000",
            name="Phường Trấn Biên",
            kind=UnitKind.WARD,
            level=Level.COMMUNE,
            parent=province,
        )
        competent = Agency.objects.create(
            code="H39.01", name="UBND phường Trấn Biên", kind="ubnd", level=3, unit=ward
        )
    else:
        competent = {
            "desk": t.ward_center,
            "abolished": w.commune_committee,
            "department": w.justice,
        }[pick]
    with pytest.raises(ValidationFailed, match=fragment):
        receive_elsewhere(t, competent)
    assert not Dossier.objects.exists()


def _post(t: TwoLevel, competent: object) -> object:
    from django.test import Client

    c = Client()
    c.force_login(t.users["other_counter"])
    docs = list(t.commune_proc.documents.all())
    form = {
        "desk": t.other_center.pk,
        "procedure": t.commune_proc.pk,
        "action": "receive",
        "kind": "person",
        "name": "Trần Thị Bình",
        "id_number": "070987654321",
        "phone": "0987654321",
        "address": "Đồng Xoài",
        "sets": "1",
        "competent_agency": competent,
        f"doc_{docs[0].pk}_submitted": "on",
        f"doc_{docs[0].pk}_originals": "1",
        f"doc_{docs[0].pk}_copies": "0",
    }
    with time_machine.travel(at("2025-07-07 09:30"), tick=False):
        page = c.get(f"/can-bo/tiep-nhan/?desk={t.other_center.pk}&procedure={t.commune_proc.pk}")
        assert page.status_code == 200
        return c.post("/can-bo/tiep-nhan/", form)


def test_counter_form_routes_to_the_competent_commune(t: TwoLevel) -> None:
    r = _post(t, t.ward_committee.pk)
    assert r.status_code == 302  # type: ignore[attr-defined]
    d = Dossier.objects.get()
    assert (d.receiving_agency, d.processing_agency) == (t.other_center, t.ward_committee)


@pytest.mark.parametrize("bad", ["khong-phai-so", "999999"])
def test_counter_form_refuses_a_bad_competent_agency(t: TwoLevel, bad: str) -> None:
    r = _post(t, bad)
    assert r.status_code == 400  # type: ignore[attr-defined]
    assert "Cơ quan có thẩm quyền giải quyết: lựa chọn không tồn tại" in r.content.decode()  # type: ignore[attr-defined]
    assert not Dossier.objects.exists()


def test_counter_form_refuses_an_abolished_agency(t: TwoLevel) -> None:
    """An abolished commune is not offered, and a forged post of it is refused."""
    r = _post(t, t.w.commune_committee.pk)
    assert r.status_code == 400  # type: ignore[attr-defined]
    assert not Dossier.objects.exists()
