"""Dossiers in the state each lifecycle action needs, and a valid input for each action, for the
API and for the back office's form (shared by the action tests and the authorization matrix).

Actions run at the real clock (the API passes no ``now``), so dossiers are received on the most
recent working-day morning: the step has been handed over and the supplement window is open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from fpdf import FPDF

from motcua.dossiers import services as svc
from motcua.dossiers.models import Consultation, Dossier, StepStatus
from motcua.units.models import Agency, Role
from tests.dossiers.conftest import World
from tests.esign_tools import signed_pdf


def morning() -> dt.datetime:
    """08:00 local of the latest weekday whose morning has passed."""
    now = timezone.localtime()
    day = now.date()
    while True:
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 0)))
        if day.weekday() < 5 and moment < now - dt.timedelta(minutes=1):
            return moment
        day -= dt.timedelta(days=1)


def pdf_bytes() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Ket qua")
    return bytes(pdf.output())


def pdf_upload(name: str = "ket-qua.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def signed_upload(w: Any) -> SimpleUploadedFile:
    """An electronic result must carry the processing agency's valid signature (esign)."""
    data = signed_pdf(w.justice, signer="Nguyễn Văn B")
    return SimpleUploadedFile("ket-qua.pdf", data, content_type="application/pdf")


# ---- states ----------------------------------------------------------------------------------


def submitted(w: World) -> Dossier:
    return svc.dossier_submit_online(
        applicant=w.intake().applicant, procedure=w.simple, desk=w.center, request="Cấp bản sao"
    )


def in_progress(w: World) -> Dossier:
    """Received at the Service Center; the specialist's step at the Justice Dept. is active."""
    return svc.dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=morning()
    )


def leader_step(w: World) -> Dossier:
    d = in_progress(w)
    svc.step_complete(actor=w.users["specialist"], dossier=d)
    return d


def consulted(w: World) -> Dossier:
    d = in_progress(w)
    svc.consultation_request(
        actor=w.users["specialist"], dossier=d, to_agency=w.health, question="Ý kiến?", days=3
    )
    return d


def awaiting(w: World) -> Dossier:
    d = in_progress(w)
    svc.supplement_request(
        actor=w.users["specialist"],
        dossier=d,
        items=[{"name": "Bản sao hợp đồng", "originals": 0, "copies": 1}],
        reason="Thiếu hợp đồng",
    )
    return d


def resolved(w: World) -> Dossier:
    d = leader_step(w)
    svc.step_complete(actor=w.users["leader"], dossier=d)
    d.refresh_from_db()
    assert d.status == "resolved"
    return d


def returned(w: World) -> Dossier:
    """Resolved and the result returned to the applicant: the one state a rating is taken in."""
    d = resolved(w)
    svc.result_return(actor=w.users["counter"], dossier=d)
    d.refresh_from_db()
    return d


def fresh(d: Dossier) -> Dossier:
    return Dossier.objects.get(pk=d.pk)


def active_step(d: Dossier) -> int:
    return d.steps.filter(status=StepStatus.ACTIVE).order_by("order", "id").first().pk  # type: ignore[union-attr]


def consultation(d: Dossier) -> int:
    return Consultation.objects.filter(dossier=d).first().pk  # type: ignore[union-attr]


def new_appointment(d: Dossier) -> dt.datetime:
    return timezone.localtime(d.appointment_at + dt.timedelta(days=7)).replace(  # type: ignore[operator]
        second=0, microsecond=0
    )


@dataclass(frozen=True)
class Case:
    """One action: the state it needs, its home agency (where the allowed roles sit), the roles
    allowed there and at the dossier's partner agency, an API body and a back-office post."""

    api: str
    office: str | None  # the back office's action name (None: not a staff action)
    state: Callable[[World], Dossier]
    home: str  # attribute of World
    partner: str  # an agency of the dossier that is not home
    roles: frozenset[str]
    partner_roles: frozenset[str]
    body: Callable[[World, Dossier], dict[str, Any]]
    form: Callable[[World, Dossier], dict[str, Any]] | None = None
    multipart: bool = False


C, S, L = Role.COUNTER, Role.SPECIALIST, Role.LEADER


def _v(d: Dossier, **more: Any) -> dict[str, Any]:
    return {"version": fresh(d).version, **more}


CASES: list[Case] = [
    Case(
        "accept-online",
        "accept",
        submitted,
        "center",
        "justice",
        frozenset({C}),
        frozenset(),
        lambda w, d: _v(d),
        lambda w, d: _v(d),
    ),
    Case(
        "return-for-completion",
        "needs_completion",
        submitted,
        "center",
        "justice",
        frozenset({C}),
        frozenset(),
        lambda w, d: _v(d, items=["Bản sao giấy khai sinh"], reason="Thiếu giấy"),
        lambda w, d: _v(d, items="Bản sao giấy khai sinh", reason="Thiếu giấy"),
    ),
    Case(
        "refuse",
        "refuse",
        submitted,
        "center",
        "justice",
        frozenset({C}),
        frozenset(),
        lambda w, d: _v(d, reasons="Không thuộc thẩm quyền"),
        lambda w, d: _v(d, reasons="Không thuộc thẩm quyền"),
    ),
    Case(
        "step-complete",
        "complete",
        in_progress,
        "justice",
        "center",
        frozenset({S}),
        frozenset(),
        lambda w, d: _v(d, note="Đủ điều kiện"),
        lambda w, d: _v(d, note="Đủ điều kiện"),
    ),
    Case(
        "step-assign",
        "assign",
        in_progress,
        "justice",
        "center",
        frozenset({L}),
        frozenset(),
        lambda w, d: _v(d, step=active_step(d), handler="cv_tuphap2"),
        lambda w, d: _v(d, step=active_step(d), handler=w.users["specialist2"].pk),
    ),
    Case(
        "step-send-back",
        "send_back",
        leader_step,
        "justice",
        "center",
        frozenset({L}),
        frozenset(),
        lambda w, d: _v(d, reason="Thẩm định lại"),
        lambda w, d: _v(d, reason="Thẩm định lại"),
    ),
    Case(
        "transfer",
        "transfer",
        in_progress,
        "justice",
        "center",
        frozenset({S}),
        frozenset(),
        lambda w, d: _v(d, agency=w.health.code, reason="Thuộc Sở Y tế"),
        lambda w, d: _v(d, agency=w.health.pk, reason="Thuộc Sở Y tế"),
    ),
    Case(
        "dispatch-parallel",
        "parallel",
        in_progress,
        "justice",
        "center",
        frozenset({S}),
        frozenset(),
        lambda w, d: _v(d, tasks=[{"agency": w.health.code, "task": "Xác minh", "days": "2"}]),
        lambda w, d: _v(d, p_agency=[w.health.pk], p_task=["Xác minh"], p_days=["2"]),
    ),
    Case(
        "consultation-request",
        "consult",
        in_progress,
        "justice",
        "center",
        frozenset({S}),
        frozenset(),
        lambda w, d: _v(d, agency=w.health.code, question="Ý kiến?", days="3"),
        lambda w, d: _v(d, agency=w.health.pk, question="Ý kiến?", days="3"),
    ),
    Case(
        "consultation-answer",
        "answer",
        consulted,
        "health",
        "justice",
        frozenset({S, L}),
        frozenset(),
        lambda w, d: _v(d, consultation=consultation(d), answer="Thống nhất"),
        lambda w, d: _v(d, consultation=consultation(d), answer="Thống nhất"),
    ),
    Case(
        # the processing agency's or the desk's staff, or the active step's role
        "supplement-request",
        "supplement",
        in_progress,
        "justice",
        "center",
        frozenset({C, S, L}),
        frozenset({C, S, L}),
        lambda w, d: _v(d, items=["Bản sao hợp đồng"], reason="Thiếu hợp đồng"),
        lambda w, d: _v(d, items="Bản sao hợp đồng", reason="Thiếu hợp đồng", contact=""),
    ),
    Case(
        "supplement-receive",
        "supplement_received",
        awaiting,
        "center",
        "justice",
        frozenset({C}),
        frozenset(),
        lambda w, d: _v(d),
        lambda w, d: _v(d),
    ),
    Case(
        "apology",
        "apology",
        in_progress,
        "justice",
        "center",
        frozenset({L}),
        frozenset(),
        lambda w, d: _v(d, reason="Cần xác minh", new_appointment=new_appointment(d).isoformat()),
        lambda w, d: _v(
            d,
            reason="Cần xác minh",
            new_appointment=new_appointment(d).replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M"),
        ),
    ),
    Case(
        "withdraw",
        "withdraw",
        in_progress,
        "center",
        "justice",
        frozenset({C}),
        frozenset(),
        lambda w, d: _v(d, reason="Người nộp rút hồ sơ"),
        lambda w, d: _v(d, reason="Người nộp rút hồ sơ"),
    ),
    Case(
        "return-unresolved",
        "return_unresolved",
        in_progress,
        "justice",
        "center",
        frozenset({L}),
        frozenset(),
        lambda w, d: _v(d, reasons="Không đủ điều kiện"),
        lambda w, d: _v(d, reasons="Không đủ điều kiện"),
    ),
    Case(
        "result-attach",
        "attach_result",
        in_progress,
        "justice",
        "center",
        frozenset({S, L}),
        frozenset(),
        lambda w, d: _v(d, signer="Nguyễn Văn B", electronic="true", file=signed_upload(w)),
        lambda w, d: _v(d, signer="Nguyễn Văn B", electronic="on", file=signed_upload(w)),
        multipart=True,
    ),
    Case(
        "result-return",
        "return_result",
        resolved,
        "center",
        "justice",
        frozenset({C}),
        frozenset(),
        lambda w, d: _v(d, method="Trực tiếp"),
        lambda w, d: _v(d, method="Trực tiếp"),
    ),
    Case(
        "rate",
        None,
        returned,
        "center",
        "justice",
        frozenset({C}),
        frozenset(),
        lambda w, d: {"score": 5, "comment": "Hài lòng"},
    ),
]

BY_API = {c.api: c for c in CASES}


def agency(w: World, name: str) -> Agency:
    found: Agency = getattr(w, name)
    return found
