"""Reads of the online public services, each scoped to the account that asks.

A row of another account is "not found" (``Http404`` in the views): its existence is never
disclosed. The dossiers come through ``citizens.access.citizen_dossiers`` only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from motcua.catalog.models import OnlineService, Procedure, ProcedureStatus
from motcua.citizens.access import citizen_dossiers, citizen_of
from motcua.core.errors import NotFound
from motcua.core.text import fold, nfc
from motcua.dossiers.models import Dossier, FormType, Status
from motcua.eservices.models import Booking, Draft, Slot, StoredDocument, WithdrawalRequest
from motcua.units.models import Agency, Level

# ---- status in plain words ----------------------------------------------------------------------

PLAIN_STATUS = {
    Status.SUBMITTED: "Đã gửi, chờ cán bộ kiểm tra và tiếp nhận",
    Status.NEEDS_COMPLETION: "Cần bổ sung, hoàn thiện hồ sơ trước khi được tiếp nhận",
    Status.REFUSED: "Không được tiếp nhận",
    Status.IN_PROGRESS: "Đã tiếp nhận, đang giải quyết",
    Status.AWAITING_SUPPLEMENT: "Tạm dừng, chờ bạn bổ sung giấy tờ",
    Status.RESOLVED: "Đã có kết quả",
    Status.WITHDRAWN: "Đã rút hồ sơ, dừng giải quyết",
    Status.RETURNED: "Không giải quyết, đã trả lại hồ sơ",
}

#: filters of "my dossiers" (query-string value → statuses)
STATUS_FILTERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "cho-tiep-nhan": ("Chờ tiếp nhận", (Status.SUBMITTED,)),
    "can-bo-sung": ("Cần bổ sung", (Status.NEEDS_COMPLETION, Status.AWAITING_SUPPLEMENT)),
    "dang-giai-quyet": ("Đang giải quyết", (Status.IN_PROGRESS,)),
    "da-co-ket-qua": ("Đã có kết quả", (Status.RESOLVED,)),
    "da-ket-thuc": (
        "Đã kết thúc khác",
        (Status.REFUSED, Status.WITHDRAWN, Status.RETURNED),
    ),
}

#: the forms the applicant sees on the dossier page, in plain words
CITIZEN_FORMS = {
    FormType.RECEIPT: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    FormType.SUPPLEMENT: "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    FormType.REFUSAL: "Phiếu từ chối giải quyết hồ sơ",
    FormType.APOLOGY: "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
    FormType.STOP: "Thông báo dừng giải quyết hồ sơ",
}


def plain_status(dossier: Dossier) -> str:
    return str(PLAIN_STATUS.get(dossier.status, dossier.get_status_display()))  # type: ignore[call-overload]


# ---- procedures and desks -----------------------------------------------------------------------


def online_procedures(query: str = "") -> QuerySet[Procedure]:
    today = timezone.localdate()
    qs = (
        Procedure.objects.filter(status=ProcedureStatus.PUBLISHED)
        .exclude(online_service=OnlineService.NONE)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .order_by("code", "-version")
    )
    if query:
        from motcua.core.models import search_matching

        qs = search_matching(qs, query)
    return qs


def desks_for(procedure: Procedure, *, online_only: bool = True) -> list[Agency]:
    """The desks that receive dossiers of this procedure (by the levels it is handled at)."""
    levels = [
        lvl
        for lvl, on in (
            (Level.PROVINCE, procedure.at_province),
            (Level.DISTRICT, procedure.at_district),
            (Level.COMMUNE, procedure.at_commune),
        )
        if on
    ]
    return list(
        Agency.objects.filter(receives_dossiers=True, level__in=levels)
        .select_related("unit")
        .order_by("level", "name")[:500]
    )


# ---- drafts and the store -----------------------------------------------------------------------


def drafts_of(account: Any) -> QuerySet[Draft]:
    return Draft.objects.filter(account=account).select_related("procedure", "desk")


def draft_get(account: Any, pk: int) -> Draft:
    d = drafts_of(account).prefetch_related("files__stored").filter(pk=pk).first()
    if d is None:
        raise NotFound("Không tìm thấy bản nháp", code="not_found")
    return d


def store_of(account: Any) -> QuerySet[StoredDocument]:
    return StoredDocument.objects.filter(account=account, hidden=False).prefetch_related(
        Prefetch("reuses", to_attr="reuse_list")
    )


def stored_get(account: Any, pk: int) -> StoredDocument:
    s = store_of(account).filter(pk=pk).first()
    if s is None:
        raise NotFound("Không tìm thấy giấy tờ trong kho dữ liệu", code="not_found")
    return s


def _key(text: str) -> str:
    return fold(nfc(text)).strip()


def store_prefill(account: Any, procedure: Procedure) -> dict[str, StoredDocument]:
    """For each required document of the procedure, the newest stored document of the account
    with the same name (diacritics and case aside): the form offers it instead of an upload."""
    by_name: dict[str, StoredDocument] = {}
    for s in store_of(account).order_by("-created_at", "-id"):
        by_name.setdefault(_key(s.title), s)
    out: dict[str, StoredDocument] = {}
    for r in procedure.documents.all():
        found = by_name.get(_key(r.name))
        if found is not None:
            out[r.name] = found
    return out


# ---- my dossiers --------------------------------------------------------------------------------


def my_dossiers(account: Any, status: str = "") -> QuerySet[Dossier]:
    qs: QuerySet[Dossier] = citizen_dossiers(account).select_related(
        "procedure", "receiving_agency"
    )
    if status in STATUS_FILTERS:
        qs = qs.filter(status__in=STATUS_FILTERS[status][1])
    return qs.order_by("-submitted_at", "-id")


def my_dossier(account: Any, pk: int) -> Dossier:
    d: Dossier | None = (
        citizen_dossiers(account)
        .select_related("procedure", "receiving_agency", "processing_agency")
        .filter(pk=pk)
        .first()
    )
    if d is None:
        raise NotFound("Không tìm thấy hồ sơ", code="not_found")
    return d


def dossier_view(dossier: Dossier) -> dict[str, Any]:
    """What the applicant's dossier page shows, in plain words."""
    from motcua.dossiers.models import EventType

    visible_events = {
        EventType.SUBMITTED,
        EventType.RECEIVED,
        EventType.RETURNED_FOR_COMPLETION,
        EventType.REFUSED,
        EventType.HANDED_OVER,
        EventType.TRANSFERRED,
        EventType.SUPPLEMENT_REQUESTED,
        EventType.SUPPLEMENT_RECEIVED,
        EventType.APOLOGY_ISSUED,
        EventType.RESOLVED,
        EventType.RESULT_RETURNED,
        EventType.RETURNED_UNRESOLVED,
        EventType.WITHDRAWN,
    }
    events = [e for e in dossier.events.order_by("at", "id") if e.type in visible_events]
    forms = [
        {"form": f, "title": CITIZEN_FORMS[f.form]}  # type: ignore[index]
        for f in dossier.forms.order_by("issued_at", "id")
        if f.form in CITIZEN_FORMS
    ]
    open_request = (
        dossier.supplement_requests.filter(fulfilled_at__isnull=True).order_by("-id").first()
        if dossier.status in (Status.NEEDS_COMPLETION, Status.AWAITING_SUPPLEMENT)
        else None
    )
    refusal = None
    if dossier.status in (Status.REFUSED, Status.RETURNED):
        f = dossier.forms.filter(form=FormType.REFUSAL).order_by("-issued_at").first()
        refusal = (f.data or {}).get("reasons") if f else None
    return {
        "plain_status": plain_status(dossier),
        "events": events,
        "forms": forms,
        "steps": list(dossier.steps.select_related("agency").order_by("order", "id")),
        "open_request": open_request,
        "refusal": refusal,
        "apology": getattr(dossier, "apology", None) if hasattr(dossier, "apology") else None,
        "documents": list(dossier.documents.order_by("id")),
        "withdrawals": list(dossier.withdrawal_requests.order_by("-requested_at")),
        "can_send_documents": dossier.status
        in (Status.NEEDS_COMPLETION, Status.AWAITING_SUPPLEMENT),
        "can_withdraw": dossier.status in (Status.IN_PROGRESS, Status.AWAITING_SUPPLEMENT)
        and not dossier.withdrawal_requests.filter(state=WithdrawalRequest.State.PENDING).exists(),
        # not received yet: the applicant takes it back at once (dossier_submission_cancel)
        "can_cancel": dossier.status in (Status.SUBMITTED, Status.NEEDS_COMPLETION),
    }


# ---- booking ------------------------------------------------------------------------------------


def open_slots(desk: Agency, *, days: int | None = None) -> QuerySet[Slot]:
    """The desk's slots a citizen may book: from now to ``days`` ahead (the service's
    ``BOOKING_DAYS``, which it holds a booking to)."""
    from motcua.eservices.services import BOOKING_DAYS

    days = BOOKING_DAYS if days is None else days
    now = timezone.localtime()
    until = now.date() + dt.timedelta(days=days)
    return (
        Slot.objects.filter(desk=desk, date__gte=now.date(), date__lte=until)
        .exclude(date=now.date(), start__lte=now.time())
        .order_by("date", "start")
    )


def bookable_procedures() -> QuerySet[Procedure]:
    """Procedures in force, for which a counter visit can be booked."""
    today = timezone.localdate()
    return (
        Procedure.objects.filter(status=ProcedureStatus.PUBLISHED)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .order_by("code", "-version")
    )


def open_slots_any() -> QuerySet[Slot]:
    """Slots from today on (the service refuses a slot that has already started)."""
    return Slot.objects.filter(date__gte=timezone.localdate()).select_related("desk")


def bookings_of(account: Any) -> QuerySet[Booking]:
    return Booking.objects.filter(account=account).select_related("slot__desk", "procedure")


def booking_for_desks(code: str, desk_ids: list[int]) -> Booking | None:
    """An active booking by its code at one of the officer's desks (for the intake page)."""
    code = "".join(ch for ch in (code or "").upper() if ch.isalnum())[:12]
    if not code:
        return None
    return (
        Booking.objects.filter(code=code, state=Booking.State.ACTIVE, slot__desk_id__in=desk_ids)
        .select_related("slot__desk", "procedure", "account__citizen")
        .first()
    )


def booking_applicant(booking: Booking) -> dict[str, str]:
    """The applicant data of the account that booked, for the intake form's initial values."""
    p = citizen_of(booking.account)
    if p is None:
        return {}
    return {
        "kind": p.kind,
        "name": p.name,
        "id_number": p.id_number,
        "phone": p.phone,
        "email": p.email,
        "address": p.address,
    }


def pending_withdrawals(desk_ids: list[int] | None) -> QuerySet[WithdrawalRequest]:
    qs = WithdrawalRequest.objects.filter(state=WithdrawalRequest.State.PENDING).select_related(
        "dossier__procedure", "dossier__receiving_agency"
    )
    if desk_ids is not None:
        qs = qs.filter(dossier__receiving_agency_id__in=desk_ids)
    return qs.order_by("requested_at")
