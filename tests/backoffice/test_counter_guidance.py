"""Counter guidance: an incomplete paper dossier gets its Mẫu 02 at the counter, recorded and
printable; the applicant comes back complete and is received from that record; index 3 of the
per-dossier evaluation counts the return."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from motcua.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from motcua.dossiers.models import (
    Channel,
    Dossier,
    DossierEvent,
    EventType,
    FormType,
    IssuedForm,
    Status,
    SupplementRequest,
)
from motcua.dossiers.services import (
    ChecklistEntry,
    counter_guidance_issue,
    counter_guidance_receive,
    step_complete,
)
from motcua.reports.indices import evaluation
from motcua.reports.selectors import Period
from tests.dossiers.conftest import World, at


def login(user: object) -> Client:
    c = Client(raise_request_exception=False)
    c.force_login(user)  # type: ignore[arg-type]
    return c


def incomplete(w: World) -> Any:
    """The intake of the simple procedure with its first document not brought."""
    intake = w.intake()
    intake.checklist[0].submitted = False
    return intake


def guide(w: World, when: str = "2022-06-01 09:00") -> Dossier:
    intake = incomplete(w)
    first = intake.checklist[0]
    return counter_guidance_issue(
        actor=w.users["counter"],
        desk=w.center,
        intake=intake,
        missing=[{"name": first.name, "originals": 1, "copies": 0}],
        reason="Thiếu đơn đề nghị có chữ ký",
        now=at(when),
    )


def test_guidance_is_recorded_with_its_form_and_event(world: World) -> None:
    d = guide(world)
    name = world.intake().checklist[0].name
    assert d.status == Status.NEEDS_COMPLETION
    assert d.channel == Channel.COUNTER
    assert d.code is None and d.received_at is None and d.due_at is None
    req = SupplementRequest.objects.get(dossier=d)
    assert req.at_intake is True and req.fulfilled_at is None
    assert req.items == [{"name": name, "originals": 1, "copies": 0}]
    assert req.reason == "Thiếu đơn đề nghị có chữ ký"
    form = IssuedForm.objects.get(dossier=d)
    assert form.form == FormType.SUPPLEMENT and form.agency == world.center
    assert form.data["items"] == req.items
    ev = DossierEvent.objects.get(dossier=d, type=EventType.RETURNED_FOR_COMPLETION)
    assert ev.to_status == Status.NEEDS_COMPLETION
    # the checklist as checked: the first document not submitted
    assert [c.submitted for c in d.checklist.order_by("order")] == [False] + [True] * (
        d.checklist.count() - 1
    )


def test_guidance_needs_items_reason_and_the_counter_role(world: World) -> None:
    w = world
    for missing, reason in (([], "Thiếu"), ([{"name": "Đơn", "originals": 1, "copies": 0}], " ")):
        with pytest.raises(ValidationFailed) as exc:
            counter_guidance_issue(
                actor=w.users["counter"],
                desk=w.center,
                intake=incomplete(w),
                missing=missing,
                reason=reason,
                now=at("2022-06-01 09:00"),
            )
        assert exc.value.code == "supplement_items_required"
    with pytest.raises(PermissionDenied):
        counter_guidance_issue(
            actor=w.users["specialist"],
            desk=w.center,
            intake=incomplete(w),
            missing=[{"name": "Đơn", "originals": 1, "copies": 0}],
            reason="Thiếu",
            now=at("2022-06-01 09:00"),
        )
    assert Dossier.objects.count() == 0 and SupplementRequest.objects.count() == 0


def test_complete_dossier_is_received_from_the_record(world: World) -> None:
    w = world
    d = guide(w)
    back = at("2022-06-03 10:00")  # Friday: the applicant returns with everything
    full = [
        ChecklistEntry(c.name, c.originals, c.copies, True, c.mandatory)
        for c in w.intake().checklist
    ]
    got = counter_guidance_receive(
        actor=w.users["counter"], dossier=d, checklist=full, expected_version=d.version, now=back
    )
    assert got.pk == d.pk
    assert got.status == Status.IN_PROGRESS
    assert got.code and got.code.startswith(f"{w.center.code}-220603-")
    # the time limit counts from the receipt of the complete dossier (5 working days)
    assert got.received_at == back
    assert got.due_at == at("2022-06-10 10:00")
    assert SupplementRequest.objects.get(dossier=d).fulfilled_at == back
    assert got.forms.filter(form=FormType.RECEIPT).count() == 1
    assert all(c.submitted for c in got.checklist.all())


def test_receive_refuses_a_still_incomplete_dossier_a_stale_version_and_other_states(
    world: World,
) -> None:
    w = world
    d = guide(w)
    still = incomplete(w).checklist
    with pytest.raises(ValidationFailed) as exc:
        counter_guidance_receive(
            actor=w.users["counter"], dossier=d, checklist=still, expected_version=d.version
        )
    assert exc.value.code == "incomplete_dossier"
    full = w.intake().checklist
    with pytest.raises(IllegalTransition) as stale:
        counter_guidance_receive(
            actor=w.users["counter"], dossier=d, checklist=full, expected_version=d.version - 1
        )
    assert stale.value.code == "stale_dossier"
    with pytest.raises(PermissionDenied):
        counter_guidance_receive(actor=w.users["commune_counter"], dossier=d, checklist=full)
    d.refresh_from_db()
    assert d.status == Status.NEEDS_COMPLETION and d.code is None
    counter_guidance_receive(actor=w.users["counter"], dossier=d, checklist=full)
    with pytest.raises(IllegalTransition):
        counter_guidance_receive(actor=w.users["counter"], dossier=d, checklist=full)


def test_index_3_counts_the_return_to_complete(world: World) -> None:
    w = world
    d = guide(w, "2022-06-01 09:00")
    counter_guidance_receive(
        actor=w.users["counter"],
        dossier=d,
        checklist=w.intake().checklist,
        now=at("2022-06-02 09:00"),
    )
    step_complete(actor=w.users["specialist"], dossier=d, now=at("2022-06-03 09:00"))
    step_complete(actor=w.users["leader"], dossier=d, now=at("2022-06-03 10:00"))
    d.refresh_from_db()
    assert d.status == Status.RESOLVED
    ev = evaluation(Period(dt.date(2022, 6, 1), dt.date(2022, 6, 30)))
    justice = next(a for a in ev["agencies"] if a["agency_code"] == w.justice.code)
    assert justice["dossiers"] == 1
    assert justice["scores"]["i3"] == 1.0  # came back once: 1 point of 2


# ---- through the pages -------------------------------------------------------------------------


def intake_post(w: World, **over: Any) -> dict[str, Any]:
    docs = list(w.simple.documents.all())
    form: dict[str, Any] = {
        "desk": w.center.pk,
        "procedure": w.simple.pk,
        "action": "receive",
        "kind": "person",
        "name": "Trần Thị Bình",
        "id_number": "070987654321",
        "phone": "0987654321",
        "email": "binh@example.vn",
        "address": "Bình Long",
        "request": "Thành lập VPCC",
        "sets": "1",
    }
    for doc in docs[1:]:
        form[f"doc_{doc.pk}_submitted"] = "on"
    form.update(over)
    return form


def test_counter_officer_issues_guidance_from_the_intake_page_and_prints_it(world: World) -> None:
    w = world
    first = w.simple.documents.order_by("order").first()
    assert first is not None
    c = login(w.users["counter"])
    with time_machine.travel(at("2022-06-01 09:30"), tick=False):
        r = c.post("/can-bo/tiep-nhan/", intake_post(w))
        assert r.status_code == 400 and "Hồ sơ chưa đầy đủ" in r.content.decode()
        # no reason: the same page, the message, nothing written
        r = c.post("/can-bo/tiep-nhan/", intake_post(w, action="guide", missing=[str(first.pk)]))
        assert r.status_code == 400
        assert "Cần nêu rõ giấy tờ phải bổ sung và lý do" in r.content.decode()
        assert 'value="Trần Thị Bình"' in r.content.decode()
        assert Dossier.objects.count() == 0
        r = c.post(
            "/can-bo/tiep-nhan/",
            intake_post(w, action="guide", missing=[str(first.pk)], guide_reason="Thiếu đơn"),
        )
    d = Dossier.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/can-bo/ho-so/{d.pk}/"
    assert d.status == Status.NEEDS_COMPLETION and d.applicant_name == "Trần Thị Bình"
    req = d.supplement_requests.get()
    assert req.items == [{"name": first.name, "originals": first.originals, "copies": first.copies}]
    page = c.get(r["Location"]).content.decode()
    form = d.forms.get(form=FormType.SUPPLEMENT)
    assert f"/can-bo/ho-so/{d.pk}/mau/02/?so={form.pk}" in page
    assert 'id="receive-completed"' in page
    printed = c.get(f"/can-bo/ho-so/{d.pk}/mau/02/", {"so": form.pk})
    assert printed.status_code == 200
    text = printed.content.decode()
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert first.name in text and "Thiếu đơn" in text and "Trần Thị Bình" in text
    assert "size: A5" in text


def test_counter_officer_receives_the_completed_dossier_on_its_page(world: World) -> None:
    w = world
    d = guide(w)
    docs = list(w.simple.documents.all())
    c = login(w.users["counter"])
    url = f"/can-bo/ho-so/{d.pk}/thao-tac/receive_completed/"
    post = {f"doc_{doc.pk}_submitted": "on" for doc in docs}
    # the version is required
    r = c.post(url, post)
    assert r.status_code == 400 and "Thiếu hoặc sai phiên bản hồ sơ" in r.content.decode()
    r = c.post(url, {**post, "version": d.version, f"doc_{docs[0].pk}_copies": "100000"})
    assert r.status_code == 400 and "không được lớn hơn 999" in r.content.decode()
    d.refresh_from_db()
    assert d.status == Status.NEEDS_COMPLETION
    with time_machine.travel(at("2022-06-02 08:30"), tick=False):
        r = c.post(url, {**post, "version": d.version})
    d.refresh_from_db()
    assert r.status_code == 302 and r["Location"] == f"/can-bo/ho-so/{d.code}/"
    assert d.status == Status.IN_PROGRESS and d.received_at == at("2022-06-02 08:30")
    page = c.get(r["Location"]).content.decode()
    assert "Đã tiếp nhận hồ sơ" in page and "Giấy tiếp nhận (Mẫu 01)" in page


def test_intake_page_lists_the_dossiers_waiting_for_the_applicant(world: World) -> None:
    w = world
    d = guide(w)
    page = login(w.users["counter"]).get("/can-bo/tiep-nhan/").content.decode()
    assert 'id="guided"' in page and f'href="/can-bo/ho-so/{d.pk}/"' in page
    # another desk's officer does not see it
    other = login(w.users["commune_counter"]).get("/can-bo/tiep-nhan/").content.decode()
    assert f'href="/can-bo/ho-so/{d.pk}/"' not in other
