"""Writes of the online public services: drafts and their submission, the personal data store,
withdrawal requests, counter-visit booking.

Every function is keyword-only, takes the acting account, checks that the row is the account's
own (another account's row is "not found", never "forbidden": its existence is not disclosed),
runs in one transaction and writes an audit row. Everything that touches a dossier goes through
``motcua.dossiers.services``: the submission (``dossier_submit_online``), the completion of a
submission sent back (``dossier_complete_online``), the supplement (``supplement_submit_online``)
and the withdrawal (``dossier_withdraw``, by the desk's officer).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from motcua.audit.services import audit_record
from motcua.catalog.models import OnlineService, Procedure
from motcua.citizens.access import citizen_of
from motcua.core.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from motcua.core.text import nfc
from motcua.dossiers import services as dsvc
from motcua.dossiers.access import require_role
from motcua.dossiers.files import CheckedFile
from motcua.dossiers.models import OPEN_STATUSES, Document, DocumentKind, Dossier, Status
from motcua.eservices.models import (
    Booking,
    DocumentReuse,
    Draft,
    DraftFile,
    Slot,
    SlotTemplate,
    StoredDocument,
    WithdrawalRequest,
)
from motcua.units.models import Agency, Role

Account = Any  # a user with a citizen profile

#: the dossier documents offered into their owner's data store, and as what
OFFERED_KINDS = {
    DocumentKind.INPUT_SCAN: StoredDocument.Source.SCAN,
    DocumentKind.INPUT_ELECTRONIC: StoredDocument.Source.INPUT,
    DocumentKind.RESULT_ELECTRONIC: StoredDocument.Source.RESULT,
}
MAX_DRAFTS = 50
MAX_STORED = 500


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _citizen(account: Account) -> Any:
    profile = citizen_of(account)
    if profile is None:
        raise PermissionDenied(
            "Chức năng này dành cho tài khoản công dân, tổ chức", code="permission_denied"
        )
    return profile


def _delete_files_after_commit(names: Iterable[str]) -> None:
    names = [n for n in names if n]

    def delete() -> None:
        for name in names:
            with contextlib.suppress(OSError):
                default_storage.delete(name)

    transaction.on_commit(delete)


# ---- online submission: drafts ------------------------------------------------------------------


def procedure_offered_online(procedure: Procedure) -> bool:
    return procedure.online_service != OnlineService.NONE


def _check_offered(procedure: Procedure, desk: Agency) -> None:
    from motcua.eservices.selectors import desks_for

    if not procedure_offered_online(procedure):
        raise ValidationFailed(
            f"Thủ tục {procedure.code} không cung cấp dịch vụ công trực tuyến",
            code="not_online",
        )
    if desk not in desks_for(procedure):
        raise ValidationFailed(
            f"{desk.name} không tiếp nhận hồ sơ của thủ tục này", code="wrong_desk"
        )


@transaction.atomic
def draft_save(
    *,
    account: Account,
    procedure: Procedure,
    desk: Agency,
    applicant: Mapping[str, str],
    request: str = "",
    uploads: Mapping[str, CheckedFile] | None = None,
    picks: Mapping[str, StoredDocument] | None = None,
    clear: Iterable[str] = (),
    draft: Draft | None = None,
    form_data: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> Draft:
    """Create or update a draft: the applicant's data, the request, and per required document
    (by name) an uploaded file, a document picked from the account's store, or nothing
    (``clear``). Uploaded files are copied to storage in chunks."""
    at = _now(now)
    _citizen(account)
    _check_offered(procedure, desk)
    names = {d.name for d in procedure.documents.all()}
    uploads, picks = dict(uploads or {}), dict(picks or {})
    unknown = (set(uploads) | set(picks) | set(clear)) - names
    if unknown:
        raise ValidationFailed("Thành phần hồ sơ không thuộc thủ tục", code="unknown_document")
    for stored in picks.values():
        if stored.account_id != account.pk:
            raise NotFound("Không tìm thấy giấy tờ trong kho dữ liệu", code="not_found")
    if draft is None:
        if Draft.objects.filter(account=account).count() >= MAX_DRAFTS:
            raise ValidationFailed(
                f"Đã có {MAX_DRAFTS} bản nháp; hãy nộp hoặc xóa bớt", code="too_many_drafts"
            )
        draft = Draft(account=account, created_at=at)
        action = "eservices.draft_create"
    else:
        draft = Draft.objects.select_for_update().get(pk=draft.pk)
        if draft.account_id != account.pk:
            raise NotFound("Không tìm thấy bản nháp", code="not_found")
        action = "eservices.draft_update"
    draft.procedure, draft.desk = procedure, desk
    draft.applicant = {k: nfc(str(v)) for k, v in applicant.items()}
    draft.request = nfc(request)
    if form_data is not None:
        draft.form_data = dict(form_data)
    draft.updated_at = at
    draft.save()
    old: list[str] = []
    for name in set(uploads) | set(picks) | set(clear):
        for df in DraftFile.objects.filter(draft=draft, required_document=name):
            old.append(df.file.name or "")
            df.delete()
    for name, checked in uploads.items():
        df = DraftFile(
            draft=draft,
            required_document=name,
            name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            pages=checked.pages,
        )
        df.file.save(f"{checked.sha256[:16]}-{checked.name}", checked.content(), save=False)
        df.save()
    for name, stored in picks.items():
        if name not in uploads:
            DraftFile.objects.create(draft=draft, required_document=name, stored=stored)
    _delete_files_after_commit(old)
    audit_record(
        actor=account,
        action=action,
        object_type="Draft",
        object_id=draft.pk,
        after={"procedure": procedure.code, "desk": desk.code, "uploads": len(uploads)},
    )
    return draft


@transaction.atomic
def draft_delete(*, account: Account, draft: Draft) -> None:
    d = Draft.objects.select_for_update().filter(pk=draft.pk, account=account).first()
    if d is None:
        raise NotFound("Không tìm thấy bản nháp", code="not_found")
    names = [f.file.name for f in d.files.all() if f.file]
    audit_record(
        actor=account, action="eservices.draft_delete", object_type="Draft", object_id=d.pk
    )
    d.delete()
    _delete_files_after_commit(names)


def _file_of(f: Any, opened: contextlib.ExitStack, **meta: Any) -> CheckedFile:
    """A checked file kept in storage, opened for a chunked copy (checked when it came in)."""
    handle = opened.enter_context(default_storage.open(f.name, "rb"))
    return CheckedFile(
        meta["name"],
        b"",
        meta["content_type"],
        meta["sha256"],
        meta["pages"],
        source=handle,
        length=meta["size"],
    )


@transaction.atomic
def draft_submit(*, account: Account, draft: Draft, now: dt.datetime | None = None) -> Dossier:
    """Submit a draft: ``dossier_submit_online`` (the account is the dossier's), every document
    picked from the store recorded as a reuse (``Document.reused_from`` set to its origin, a
    ``DocumentReuse`` row, the stored document's count), then the draft is deleted."""
    from motcua.dossiers.services.intake import ApplicantData

    at = _now(now)
    _citizen(account)
    d = Draft.objects.select_for_update().filter(pk=draft.pk, account=account).first()
    if d is None:
        raise NotFound("Không tìm thấy bản nháp", code="not_found")
    procedure = d.procedure
    _check_offered(procedure, d.desk)
    slots = {f.required_document: f for f in d.files.select_related("stored__origin")}
    missing = [r.name for r in procedure.documents.all() if r.mandatory and r.name not in slots]
    if missing:
        raise ValidationFailed(
            "Chưa có tệp cho giấy tờ bắt buộc: " + "; ".join(missing),
            code="documents_missing",
            details=missing,
        )
    a = d.applicant
    applicant = ApplicantData(
        name=a.get("name", ""),
        id_number=a.get("id_number", ""),
        kind=a.get("kind", "person"),
        phone=a.get("phone", ""),
        email=a.get("email", ""),
        address=a.get("address", ""),
    )
    with contextlib.ExitStack() as opened:
        files: list[tuple[str, CheckedFile]] = []
        reused: list[tuple[str, CheckedFile, Document | None]] = []
        picked: list[StoredDocument] = []
        for name, f in slots.items():
            if f.stored is not None and f.stored.hidden:
                raise ValidationFailed(
                    f"Giấy tờ đã chọn trong kho cho «{name}» đã bị xóa; hãy chọn lại",
                    code="stored_removed",
                )
            if f.stored is not None:
                s = f.stored
                meta = {
                    k: getattr(s, k) for k in ("name", "content_type", "sha256", "pages", "size")
                }
                reused.append((name, _file_of(s.file, opened, **meta), s.origin))
                picked.append(s)
            else:
                meta = {
                    k: getattr(f, k) for k in ("name", "content_type", "sha256", "pages", "size")
                }
                files.append((name, _file_of(f.file, opened, **meta)))
        dossier = dsvc.dossier_submit_online(
            applicant=applicant,
            procedure=procedure,
            desk=d.desk,
            request=d.request,
            files=files,
            reused=reused,
            account=account,
            form_data=d.form_data,
            now=at,
        )
    # the reused documents are the last ones saved, in order
    docs = list(dossier.documents.order_by("-id")[: len(picked)])[::-1]
    for stored, doc in zip(picked, docs, strict=True):
        DocumentReuse.objects.create(stored=stored, document=doc, dossier=dossier, at=at)
        StoredDocument.objects.filter(pk=stored.pk).update(
            reuse_count=F("reuse_count") + 1, last_reused_at=at
        )
    names = [f.file.name for f in slots.values() if f.file]
    audit_record(
        actor=account,
        action="eservices.draft_submit",
        object_type="Dossier",
        object_id=dossier.pk,
        after={"draft": d.pk, "uploaded": len(files), "reused": len(reused)},
    )
    d.delete()
    _delete_files_after_commit(names)
    return dossier


# ---- the personal data store --------------------------------------------------------------------


@transaction.atomic
def store_upload(
    *, account: Account, title: str, checked: CheckedFile, now: dt.datetime | None = None
) -> StoredDocument:
    at = _now(now)
    _citizen(account)
    title = nfc(title).strip()
    if not title:
        raise ValidationFailed("Chưa nhập tên giấy tờ", code="title_required")
    if StoredDocument.objects.filter(account=account).count() >= MAX_STORED:
        raise ValidationFailed(
            f"Kho dữ liệu đã có {MAX_STORED} giấy tờ; hãy xóa bớt", code="store_full"
        )
    s = StoredDocument(
        account=account,
        title=title[:500],
        source=StoredDocument.Source.UPLOAD,
        name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        pages=checked.pages,
        created_at=at,
    )
    s.file.save(f"{checked.sha256[:16]}-{checked.name}", checked.content(), save=False)
    s.save()
    audit_record(
        actor=account,
        action="eservices.store_upload",
        object_type="StoredDocument",
        object_id=s.pk,
        after={"title": s.title, "sha256": s.sha256},
    )
    return s


@transaction.atomic
def store_delete(*, account: Account, stored: StoredDocument) -> None:
    """Remove a document from the store. Dossiers that reused it keep their own copy; a
    document offered from a dossier keeps its file (the dossier's) and is not offered again."""
    s = StoredDocument.objects.select_for_update().filter(pk=stored.pk, account=account).first()
    if s is None:
        raise NotFound("Không tìm thấy giấy tờ trong kho dữ liệu", code="not_found")
    audit_record(
        actor=account,
        action="eservices.store_delete",
        object_type="StoredDocument",
        object_id=s.pk,
        before={"title": s.title, "sha256": s.sha256, "origin": s.origin_id},
    )
    if s.origin_id is None:
        _delete_files_after_commit([s.file.name])
        s.delete()
    else:
        # kept hidden, so that the same dossier document is not offered again
        s.hidden = True
        s.save(update_fields=["hidden"])


@transaction.atomic
def store_collect(*, account: Account, now: dt.datetime | None = None) -> int:
    """Offer into the account's store the documents of its dossiers that were digitized at the
    desk, filed electronically or issued as electronic results, once each (idempotent); says how
    many were added."""
    from motcua.citizens.access import citizen_dossiers

    at = _now(now)
    if citizen_of(account) is None:
        return 0
    docs = (
        Document.objects.filter(dossier__in=citizen_dossiers(account), kind__in=list(OFFERED_KINDS))
        .exclude(stored_copies__account=account)
        .exclude(reused_from__isnull=False)
        .exclude(store_reuse__isnull=False)
        .select_related("dossier__procedure")
        .order_by("id")[:MAX_STORED]
    )
    added = 0
    for doc in docs:
        title = doc.required_document or (
            doc.dossier.procedure.result or "Kết quả giải quyết"
            if doc.kind == DocumentKind.RESULT_ELECTRONIC
            else doc.name
        )
        try:
            with transaction.atomic():
                StoredDocument.objects.create(
                    account=account,
                    title=title[:500],
                    source=OFFERED_KINDS[doc.kind],  # type: ignore[index]
                    origin=doc,
                    file=doc.file.name,
                    name=doc.name,
                    content_type=doc.content_type,
                    size=doc.size,
                    sha256=doc.sha256,
                    pages=doc.pages,
                    created_at=at,
                )
        except IntegrityError:  # offered by a concurrent request
            continue
        added += 1
    if added:
        audit_record(
            actor=account,
            action="eservices.store_collect",
            object_type="StoredDocument",
            object_id="-",
            after={"added": added},
        )
    return added


# ---- completing, supplementing, withdrawing a dossier online ------------------------------------


def _own(account: Account, dossier: Dossier) -> Dossier:
    _citizen(account)
    if dossier.account_id != account.pk:
        raise NotFound("Không tìm thấy hồ sơ", code="not_found")
    return dossier


def dossier_send_documents(
    *,
    account: Account,
    dossier: Dossier,
    files: list[tuple[str, CheckedFile]],
    now: dt.datetime | None = None,
) -> Dossier:
    """The documents the desk asked for, sent from the dossier page: a submission sent back at
    intake goes back to the desk's queue (``dossier_complete_online``); a dossier waiting for a
    supplement during processing gets it received (``supplement_submit_online``)."""
    _own(account, dossier)
    if dossier.status == Status.NEEDS_COMPLETION:
        return dsvc.dossier_complete_online(account=account, dossier=dossier, files=files, now=now)
    if dossier.status == Status.AWAITING_SUPPLEMENT:
        return dsvc.supplement_submit_online(account=account, dossier=dossier, files=files, now=now)
    raise IllegalTransition(
        "Hồ sơ không ở trạng thái chờ bổ sung, hoàn thiện", code="illegal_transition"
    )


@transaction.atomic
def withdrawal_request(
    *, account: Account, dossier: Dossier, reason: str, now: dt.datetime | None = None
) -> WithdrawalRequest:
    """The applicant asks to withdraw a dossier being processed. The desk's officer confirms it
    (``withdrawal_confirm`` → ``dossier_withdraw``: the stop notice) — the law has the agency
    stop the dossier; the portal only carries the request."""
    at = _now(now)
    d = _own(account, Dossier.objects.select_for_update().get(pk=dossier.pk))
    if d.status not in OPEN_STATUSES:
        raise IllegalTransition(
            "Chỉ rút được hồ sơ đang giải quyết (đã tiếp nhận, chưa có kết quả)",
            code="illegal_transition",
        )
    reason = nfc(reason).strip()
    if not reason:
        raise ValidationFailed("Cần nêu lý do rút hồ sơ", code="reason_required")
    if d.withdrawal_requests.filter(state=WithdrawalRequest.State.PENDING).exists():
        raise IllegalTransition("Đã có yêu cầu rút hồ sơ đang chờ xác nhận", code="already_asked")
    r = WithdrawalRequest.objects.create(dossier=d, account=account, reason=reason, requested_at=at)
    from motcua.dossiers.models import Outbox

    Outbox.objects.create(
        topic="desk.withdrawal_requested",
        dossier=d,
        created_at=at,
        payload={"code": d.code, "request": r.pk},
    )
    audit_record(
        actor=account,
        action="eservices.withdrawal_request",
        object_type="Dossier",
        object_id=d.pk,
        after={"request": r.pk, "reason": reason},
    )
    return r


def _pending(request: WithdrawalRequest) -> WithdrawalRequest:
    r = (
        WithdrawalRequest.objects.select_for_update()
        .select_related("dossier__receiving_agency")
        .get(pk=request.pk)
    )
    if r.state != WithdrawalRequest.State.PENDING:
        raise IllegalTransition("Yêu cầu này đã được xử lý", code="already_decided")
    return r


@transaction.atomic
def withdrawal_confirm(
    *, actor: Any, request: WithdrawalRequest, now: dt.datetime | None = None
) -> Dossier:
    """The officer of the receiving desk confirms the applicant's request: the dossier is
    stopped by ``dossier_withdraw`` with the applicant's reason (stop notice)."""
    at = _now(now)
    r = _pending(request)
    require_role(actor, r.dossier.receiving_agency, Role.COUNTER)
    d = dsvc.dossier_withdraw(
        actor=actor, dossier=r.dossier, reason=f"Người nộp yêu cầu rút hồ sơ: {r.reason}", now=at
    )
    r.state, r.decided_at, r.decided_by = WithdrawalRequest.State.CONFIRMED, at, actor
    r.save(update_fields=["state", "decided_at", "decided_by"])
    audit_record(
        actor=actor,
        action="eservices.withdrawal_confirm",
        object_type="WithdrawalRequest",
        object_id=r.pk,
    )
    return d


@transaction.atomic
def withdrawal_decline(
    *, actor: Any, request: WithdrawalRequest, answer: str, now: dt.datetime | None = None
) -> WithdrawalRequest:
    """The officer declines (e.g. the result is already signed); the reason goes to the
    applicant."""
    at = _now(now)
    r = _pending(request)
    require_role(actor, r.dossier.receiving_agency, Role.COUNTER)
    answer = nfc(answer).strip()
    if not answer:
        raise ValidationFailed("Cần nêu lý do không chấp nhận", code="reason_required")
    r.state, r.decided_at, r.decided_by, r.answer = (
        WithdrawalRequest.State.DECLINED,
        at,
        actor,
        answer,
    )
    r.save(update_fields=["state", "decided_at", "decided_by", "answer"])
    from motcua.dossiers.models import Outbox

    Outbox.objects.create(
        topic="applicant.notify",
        dossier=r.dossier,
        created_at=at,
        payload={"code": r.dossier.code, "template": "withdrawal_declined", "answer": answer},
    )
    audit_record(
        actor=actor,
        action="eservices.withdrawal_decline",
        object_type="WithdrawalRequest",
        object_id=r.pk,
        after={"answer": answer},
    )
    return r


# ---- booking a counter visit --------------------------------------------------------------------

#: the places one slot (or a template's slot) offers at most: a counter sees a few dozen people
#: an hour; the column holds 32,767 on PostgreSQL and anything on SQLite
MAX_SLOT_CAPACITY = 500


def slot_problems(
    *,
    capacity: int | None,
    booked: int = 0,
    day: dt.date | None = None,
    stored_day: dt.date | None = None,
    moved: Sequence[str] = (),
) -> dict[str, tuple[str, str]]:
    """What is wrong with a slot (or a template's slot: no ``day``) as an administrator writes it,
    by field: (code, Vietnamese message). ``booked``: the places already taken (a capacity below
    them broke the database's check); ``stored_day``: the slot's day as stored, which may have
    passed (only a day newly written may not: 0001-01-01 was saved); ``moved``: which of desk,
    date and start the administrator changed — a slot with bookings keeps them (its bookings
    went with it to another desk or day, the citizens told nothing: found by a probe)."""
    found: dict[str, tuple[str, str]] = {}
    if booked:
        for field in moved:
            found[field] = (
                "slot_booked_moved",
                f"Khung giờ đã có {booked} lượt đặt: không đổi được nơi tiếp nhận, ngày hay giờ "
                "(hãy tạo khung giờ mới).",
            )
    if capacity is not None and capacity > MAX_SLOT_CAPACITY:
        found["capacity"] = (
            "capacity_too_large",
            f"Một khung giờ nhận tối đa {MAX_SLOT_CAPACITY} lượt.",
        )
    elif capacity is not None and capacity < booked:
        found["capacity"] = (
            "below_booked",
            f"Khung giờ đã có {booked} lượt đặt: số lượt tối đa không được nhỏ hơn.",
        )
    if day is not None and day != stored_day and day < timezone.localdate():
        found["date"] = ("slot_date_past", f"Ngày của khung giờ đã qua ({day:%d/%m/%Y}).")
    return found


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
#: the visits one account may have booked and not yet made: a citizen comes for a dossier or
#: two; without a limit a few accounts took every place of a desk's two weeks (found by a probe)
MAX_ACTIVE_BOOKINGS = 3
#: how many days ahead a citizen books a counter visit (the booking page offers them)
BOOKING_DAYS = 14


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


@transaction.atomic
def booking_create(
    *, account: Account, slot: Slot, procedure: Procedure, now: dt.datetime | None = None
) -> Booking:
    """Book a place in a slot: one conditional UPDATE takes the place only while the slot has
    room (two citizens booking the last place at once: one gets it, the other is told it is
    full), then the booking row with its short code."""
    from motcua.eservices.selectors import desks_for

    at = _now(now)
    _citizen(account)
    s = Slot.objects.select_related("desk").get(pk=slot.pk)
    if timezone.localtime(at).date() > s.date or (
        timezone.localtime(at).date() == s.date and timezone.localtime(at).time() >= s.start
    ):
        raise ValidationFailed("Khung giờ này đã qua", code="slot_past")
    if s.date > timezone.localtime(at).date() + dt.timedelta(days=BOOKING_DAYS):
        # the page offers the next BOOKING_DAYS days; a slot an administrator made further
        # ahead (or a date typed by mistake: 31/12/9999) is not bookable by posting its number
        raise ValidationFailed(f"Chỉ đặt lịch trong {BOOKING_DAYS} ngày tới", code="slot_too_far")
    if s.desk not in desks_for(procedure, online_only=False):
        raise ValidationFailed(
            f"{s.desk.name} không tiếp nhận hồ sơ của thủ tục này", code="wrong_desk"
        )
    if Booking.objects.filter(slot=s, account=account, state=Booking.State.ACTIVE).exists():
        raise IllegalTransition("Bạn đã đặt khung giờ này", code="already_booked")
    # the account's row locked: two bookings of one account at once are counted one after the other
    list(get_user_model().objects.select_for_update().filter(pk=account.pk).values_list("pk"))
    upcoming = Booking.objects.filter(
        account=account, state=Booking.State.ACTIVE, slot__date__gte=timezone.localtime(at).date()
    ).count()
    if upcoming >= MAX_ACTIVE_BOOKINGS:
        raise IllegalTransition(
            f"Mỗi tài khoản giữ tối đa {MAX_ACTIVE_BOOKINGS} lịch hẹn chưa đến; "
            "hãy hủy bớt một lịch hẹn trước khi đặt thêm",
            code="too_many_bookings",
        )
    # the place is taken in the slot as checked above: not one an administrator has since moved
    # to another desk or day (a slot with bookings cannot be moved: ``slot_problems``)
    took = Slot.objects.filter(
        pk=s.pk, desk_id=s.desk_id, date=s.date, start=s.start, booked__lt=F("capacity")
    ).update(booked=F("booked") + 1)
    if not took:
        raise IllegalTransition(
            "Khung giờ này đã hết chỗ, vui lòng chọn khung giờ khác", code="slot_full"
        )
    for _ in range(10):
        try:
            with transaction.atomic():
                b = Booking.objects.create(
                    code=_new_code(), slot=s, account=account, procedure=procedure, created_at=at
                )
            break
        except IntegrityError as exc:
            if Booking.objects.filter(slot=s, account=account, state=Booking.State.ACTIVE).exists():
                raise IllegalTransition("Bạn đã đặt khung giờ này", code="already_booked") from exc
    else:  # pragma: no cover - 32^8 codes
        raise IllegalTransition("Không tạo được mã đặt lịch, thử lại", code="code_exhausted")
    audit_record(
        actor=account,
        action="eservices.booking_create",
        object_type="Booking",
        object_id=b.pk,
        after={"code": b.code, "slot": s.pk, "procedure": procedure.code},
    )
    return b


@transaction.atomic
def booking_cancel(
    *, account: Account, booking: Booking, now: dt.datetime | None = None
) -> Booking:
    at = _now(now)
    b = Booking.objects.select_for_update().filter(pk=booking.pk, account=account).first()
    if b is None:
        raise NotFound("Không tìm thấy lịch hẹn", code="not_found")
    if b.state != Booking.State.ACTIVE:
        raise IllegalTransition("Lịch hẹn này không còn hiệu lực", code="illegal_transition")
    b.state, b.cancelled_at = Booking.State.CANCELLED, at
    b.save(update_fields=["state", "cancelled_at"])
    Slot.objects.filter(pk=b.slot_id, booked__gt=0).update(booked=F("booked") - 1)
    audit_record(
        actor=account, action="eservices.booking_cancel", object_type="Booking", object_id=b.pk
    )
    return b


@transaction.atomic
def booking_use(*, actor: Any, code: str, dossier: Dossier) -> Booking | None:
    """The desk received ``dossier`` from a booked visit: the booking is used, and the dossier
    is linked to the account that booked it (it then shows in "my dossiers") when the applicant
    received is that account's person or organisation. A code that is not an active booking of
    the same desk and procedure links nothing (the intake itself stands)."""
    from motcua.eservices.selectors import booking_for_desks

    require_role(actor, dossier.receiving_agency, Role.COUNTER)
    found = booking_for_desks(code, [dossier.receiving_agency_id])
    if found is None or found.procedure.code != dossier.procedure.code:
        return None
    b = Booking.objects.select_for_update().get(pk=found.pk)
    if b.state != Booking.State.ACTIVE:
        return None
    b.state = Booking.State.USED
    b.save(update_fields=["state"])
    profile = citizen_of(b.account)
    linked = (
        profile is not None
        and dossier.account_id is None
        and profile.id_number == dossier.applicant_id_number
    )
    if linked:
        Dossier.objects.filter(pk=dossier.pk).update(account=b.account)
    audit_record(
        actor=actor,
        action="eservices.booking_use",
        object_type="Booking",
        object_id=b.pk,
        after={"dossier": dossier.pk, "linked": linked},
    )
    return b


@transaction.atomic
def slots_generate(*, actor: Any, desk: Agency, week_of: dt.date) -> int:
    """A week of slots (Monday of ``week_of``'s week to Sunday) from the desk's templates, on the
    desk's working days only; existing slots are kept. Says how many were created. By the desk's
    counter staff or leader, or an administrator of its agency or province (who keep its
    templates in the administration)."""
    from motcua.dossiers.services import calendar_for

    if actor is not None:
        require_role(actor, desk, Role.COUNTER, Role.LEADER, Role.AGENCY_ADMIN, Role.PROVINCE_ADMIN)
    cal = calendar_for(desk)
    monday = week_of - dt.timedelta(days=week_of.weekday())
    created = 0
    templates = list(SlotTemplate.objects.filter(desk=desk))
    for i in range(7):
        day = monday + dt.timedelta(days=i)
        try:
            working = cal.is_working_day(day)
        except Exception:  # outside the calendar's range: no slots that day
            working = False
        if not working:
            continue
        for t in templates:
            if t.weekday != day.weekday():
                continue
            _, made = Slot.objects.get_or_create(
                desk=desk, date=day, start=t.start, defaults={"capacity": t.capacity}
            )
            created += made
    audit_record(
        actor=actor,
        action="eservices.slots_generate",
        object_type="Agency",
        object_id=desk.pk,
        after={"week_of": monday.isoformat(), "created": created},
    )
    return created


def demo_booking_slots(*, today: dt.date | None = None, desks: int = 5) -> int:
    """The demo: the first desks get a weekly pattern (Monday–Friday, four morning and two
    afternoon slots of 5 places) and the slots of this week and the next. Idempotent."""
    today = today or timezone.localdate()
    made = 0
    for desk in Agency.objects.filter(receives_dossiers=True).order_by("level", "code")[:desks]:
        for weekday in range(5):
            for hhmm in ("07:30", "08:30", "09:30", "10:30", "13:30", "14:30"):
                SlotTemplate.objects.get_or_create(
                    desk=desk,
                    weekday=weekday,
                    start=dt.time.fromisoformat(hhmm),
                    defaults={"capacity": 5},
                )
        for week in (today, today + dt.timedelta(days=7)):
            made += slots_generate(actor=None, desk=desk, week_of=week)
    return made
