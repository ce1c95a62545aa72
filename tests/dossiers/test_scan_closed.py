"""Scans belong to received dossiers in progress (REGULATIONS §1: "paper dossiers are scanned on
receipt"). A dossier that was never received, or has ended, takes no scan: its ``digitized`` flag,
counted by past statistics, never changes afterwards."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from motcua.core.errors import IllegalTransition
from motcua.dossiers.files import check_upload
from motcua.dossiers.models import Dossier, DossierEvent, EventType, Status
from motcua.dossiers.services import (
    counter_refuse,
    dossier_receive,
    dossier_return_for_completion,
    dossier_return_unresolved,
    dossier_submit_online,
    dossier_withdraw,
    scan_attach,
    step_complete,
    supplement_request,
)
from tests.dossiers.conftest import World, at
from tests.dossiers.test_documents import pdf_bytes


def received(w: World) -> Dossier:
    return dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )


def refused(w: World) -> Dossier:
    return counter_refuse(
        actor=w.users["counter"],
        desk=w.center,
        intake=w.intake(),
        reasons="Không thuộc thẩm quyền",
        now=at("2022-06-01 09:00"),
    )


def withdrawn(w: World) -> Dossier:
    d = received(w)
    return dossier_withdraw(
        actor=w.users["counter"], dossier=d, reason="Người nộp xin rút", now=at("2022-06-02 09:00")
    )


def returned(w: World) -> Dossier:
    d = received(w)
    return dossier_return_unresolved(
        actor=w.users["leader"], dossier=d, reasons="Không đủ điều kiện", now=at("2022-06-02 09:00")
    )


def resolved(w: World) -> Dossier:
    d = received(w)
    step_complete(actor=w.users["specialist"], dossier=d, now=at("2022-06-02 09:00"))
    step_complete(actor=w.users["leader"], dossier=d, now=at("2022-06-03 09:00"))
    return d


def submitted(w: World) -> Dossier:
    return dossier_submit_online(
        applicant=w.intake().applicant,
        procedure=w.simple,
        desk=w.center,
        now=at("2022-06-01 20:00"),
    )


def needs_completion(w: World) -> Dossier:
    d = submitted(w)
    return dossier_return_for_completion(
        actor=w.users["counter"],
        dossier=d,
        items=[{"name": "Đơn đề nghị thành lập", "originals": 1, "copies": 0}],
        reason="Thiếu chữ ký",
        now=at("2022-06-02 09:00"),
    )


def awaiting_supplement(w: World) -> Dossier:
    d = received(w)
    supplement_request(
        actor=w.users["specialist"],
        dossier=d,
        items=[{"name": "Đề án thành lập", "originals": 0, "copies": 1}],
        reason="Thiếu bản sao",
        now=at("2022-06-02 09:00"),
    )
    return d


CLOSED: dict[str, tuple[Callable[[World], Dossier], str]] = {
    "refused": (refused, Status.REFUSED),
    "withdrawn": (withdrawn, Status.WITHDRAWN),
    "returned": (returned, Status.RETURNED),
    "resolved": (resolved, Status.RESOLVED),
    "submitted": (submitted, Status.SUBMITTED),
    "needs_completion": (needs_completion, Status.NEEDS_COMPLETION),
}


@pytest.mark.parametrize("case", list(CLOSED))
def test_scan_refused_on_a_dossier_not_in_progress(world: World, case: str) -> None:
    w = world
    make, status = CLOSED[case]
    d = make(w)
    d.refresh_from_db()
    assert d.status == status
    before = (d.digitized, d.documents.count(), d.version, d.events.count())
    checked = check_upload("ban-quet.pdf", pdf_bytes(2))  # a valid file: only the status is wrong
    with pytest.raises(IllegalTransition) as err:
        scan_attach(
            actor=w.users["counter"],
            dossier=d,
            checked=checked,
            required_document="Đơn đề nghị thành lập",
            now=at("2022-06-06 09:00"),
        )
    assert err.value.code == "scan_not_in_progress"
    assert "số hóa" in err.value.message
    d.refresh_from_db()
    assert (d.digitized, d.documents.count(), d.version, d.events.count()) == before
    assert d.digitized is False


@pytest.mark.parametrize("make", [received, awaiting_supplement])
def test_scan_while_in_progress_digitizes(world: World, make: Callable[[World], Dossier]) -> None:
    w = world
    d = make(w)
    assert not Dossier.objects.get(pk=d.pk).digitized
    doc = scan_attach(
        actor=w.users["counter"],
        dossier=d,
        checked=check_upload("ban-quet.pdf", pdf_bytes(2)),
        required_document="Đơn đề nghị thành lập",
        now=at("2022-06-02 10:00"),
    )
    d.refresh_from_db()
    assert d.digitized is True
    assert list(d.documents.all()) == [doc] and doc.pages == 2
    assert DossierEvent.objects.filter(dossier=d, type=EventType.DOCUMENT_ADDED).count() == 1
