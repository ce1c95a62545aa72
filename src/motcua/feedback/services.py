"""Writes of the feedback module: submit (a citizen, or anyone with a name and a contact),
assign and answer (staff of the agency the feedback is about). Each is one transaction that
writes the row, an audit entry and, for the answer, the sender's notification (outbox)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from motcua.audit.services import audit_record
from motcua.citizens.access import citizen_dossiers, citizen_of
from motcua.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from motcua.core.text import shorten, strip_direction, typed_line
from motcua.dossiers.access import agency_ids_for, require_role
from motcua.dossiers.models import Dossier, Outbox
from motcua.dossiers.services import calendar_for
from motcua.dossiers.services._tx import counter_next
from motcua.feedback.models import Feedback, Kind, Status
from motcua.units.models import Agency, Membership, Role
from motcua.worktime import core as wt

MAX_SUBJECT = 200
MAX_CONTENT = 5000
MAX_ANSWER = 10000
PHONE = re.compile(r"^\+?[0-9 .]{8,20}$")
#: who may assign feedback to an officer of the agency
ASSIGN_ROLES = (Role.LEADER, Role.AGENCY_ADMIN, Role.PROVINCE_ADMIN, Role.COUNTER)


def time_limit_days() -> Decimal:
    """Working days to answer (MOTCUA_FEEDBACK_DAYS, default 10; docs/feedback.md)."""
    return Decimal(str(getattr(settings, "MOTCUA_FEEDBACK_DAYS", 10)))


def clean_text(value: Any, *, label: str, limit: int, multiline: bool, required: bool) -> str:
    """NFC text without control characters (line breaks and tabs allowed in multi-line text);
    a Vietnamese ValidationFailed for the wrong type, too long, or a control character."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed(f"{label}: phải là văn bản", code="not_text")
    allowed = {"\n", "\t"} if multiline else set()
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    if any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in allowed for ch in text):
        raise ValidationFailed(f"{label}: chứa ký tự điều khiển không hợp lệ", code="control_chars")
    # unseen format characters: a right-to-left override (U+202E) showed the rest of a subject
    # backwards to the officer and on the portal; a line is kept without any, multi-line text
    # without the direction controls
    if multiline:
        text = "\n".join(line.rstrip() for line in strip_direction(text).strip().split("\n"))
    else:
        text = typed_line(text)
    if required and not text:
        raise ValidationFailed(f"Chưa nhập {label.lower()}", code="required")
    if len(text) > limit:
        raise ValidationFailed(
            f"{label}: tối đa {limit} ký tự (đã nhập {len(text)})", code="too_long"
        )
    return text


def _now(now: dt.datetime | None) -> dt.datetime:
    moment = now or timezone.now()
    if timezone.is_naive(moment):
        raise ValidationFailed("Thời điểm thiếu múi giờ", code="naive_datetime")
    return moment


def _snapshot(f: Feedback) -> dict[str, Any]:
    return {
        "code": f.code,
        "kind": f.kind,
        "status": f.status,
        "agency_id": f.agency_id,
        "dossier_id": f.dossier_id,
        "account_id": f.account_id,
        "subject": f.subject,
        "content": f.content,
        "sender_name": f.sender_name,
        "sender_email": f.sender_email,
        "sender_phone": f.sender_phone,
        "publish_allowed": f.publish_allowed,
        "received_at": f.received_at,
        "due_at": f.due_at,
        "assignee_id": f.assignee_id,
        "answer": f.answer,
        "answered_at": f.answered_at,
        "answered_by_id": f.answered_by_id,
    }


def feedback_submit(
    *,
    actor: Any,
    kind: str,
    subject: str,
    content: str,
    agency: Agency | None = None,
    dossier: Dossier | None = None,
    name: str = "",
    email: str = "",
    phone: str = "",
    publish_allowed: bool = False,
    now: dt.datetime | None = None,
) -> Feedback:
    """A citizen's (or an anonymous sender's) feedback on one of their dossiers or an agency.

    A portal account may name only its own dossiers; an anonymous sender only an agency, and
    must give a name and a way to answer (e-mail or phone)."""
    at = _now(now)
    if kind not in Kind.values:
        raise ValidationFailed("Loại phản ánh không hợp lệ", code="bad_kind")
    subject = clean_text(
        subject, label="Tiêu đề", limit=MAX_SUBJECT, multiline=False, required=True
    )
    content = clean_text(
        content, label="Nội dung", limit=MAX_CONTENT, multiline=True, required=True
    )
    name = clean_text(name, label="Họ tên", limit=255, multiline=False, required=False)
    email = clean_text(email, label="Thư điện tử", limit=254, multiline=False, required=False)
    phone = clean_text(phone, label="Điện thoại", limit=20, multiline=False, required=False)
    if phone and not PHONE.match(phone):
        raise ValidationFailed("Điện thoại: chỉ gồm chữ số (8–20 ký tự)", code="bad_phone")
    if email and ("@" not in email or " " in email):
        raise ValidationFailed("Thư điện tử không hợp lệ", code="bad_email")
    profile = citizen_of(actor)
    account = actor if profile is not None else None
    if dossier is not None:
        if profile is None or not citizen_dossiers(actor).filter(pk=dossier.pk).exists():
            # never reveal whether someone else's dossier exists
            raise PermissionDenied(
                "Chỉ phản ánh được về hồ sơ của chính tài khoản mình", code="not_your_dossier"
            )
        agency = dossier.processing_agency or dossier.receiving_agency
    if agency is None:
        raise ValidationFailed("Chọn cơ quan hoặc hồ sơ được phản ánh", code="no_target")
    if profile is not None:
        name = name or profile.name
        email = email or profile.email
        phone = phone or profile.phone
    if not name:
        raise ValidationFailed("Chưa nhập họ tên người gửi", code="required")
    if not (email or phone):
        raise ValidationFailed(
            "Cần thư điện tử hoặc số điện thoại để nhận câu trả lời", code="no_contact"
        )
    days = time_limit_days()
    with transaction.atomic():
        day = timezone.localtime(at).strftime("%y%m%d")
        number = counter_next("feedback", day)
        f = Feedback(
            code=f"PAKN-{day}-{number:04d}",
            kind=kind,
            subject=subject,
            content=content,
            agency=agency,
            dossier=dossier,
            account=account,
            sender_name=name,
            sender_email=email,
            sender_phone=phone,
            publish_allowed=bool(publish_allowed),
            received_at=at,
            time_limit_days=days,
            due_at=wt.due(calendar_for(agency), at, float(days)),
        )
        f.save()
        audit_record(
            actor=account,
            label=name if account is None else None,
            action="feedback.submit",
            object_type="Feedback",
            object_id=f.code,
            after=_snapshot(f),
        )
    return f


def _lock(feedback: Feedback, expected_version: int | None) -> Feedback:
    locked = Feedback.objects.select_for_update().select_related("agency").get(pk=feedback.pk)
    if expected_version is not None and locked.version != expected_version:
        raise IllegalTransition(
            "Phản ánh vừa được cập nhật ở một trang khác hoặc bởi cán bộ khác. "
            "Vui lòng tải lại trang.",
            code="stale",
        )
    return locked


def _require_member(actor: Any, agency: Agency) -> None:
    ids = agency_ids_for(actor)
    if ids is not None and agency.pk not in ids:
        raise PermissionDenied(f"Bạn không có vai trò tại {agency.name}", code="permission_denied")


@transaction.atomic
def feedback_assign(
    *,
    actor: Any,
    feedback: Feedback,
    assignee: Any,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Feedback:
    """Give the feedback to an officer of its agency (a leader, administrator or the desk)."""
    at = _now(now)
    f = _lock(feedback, expected_version)
    require_role(actor, f.agency, *ASSIGN_ROLES)
    if f.status == Status.ANSWERED:
        raise IllegalTransition("Phản ánh đã được trả lời", code="already_answered")
    if not Membership.objects.filter(user=assignee, agency=f.agency, active=True).exists():
        raise ValidationFailed(
            "Cán bộ được phân công không thuộc cơ quan tiếp nhận phản ánh", code="not_member"
        )
    before = _snapshot(f)
    f.assignee = assignee
    f.assigned_at = at
    f.status = Status.ASSIGNED
    f.version += 1
    f.save(update_fields=["assignee", "assigned_at", "status", "version"])
    audit_record(
        actor=actor,
        action="feedback.assign",
        object_type="Feedback",
        object_id=f.code,
        before={"status": before["status"], "assignee_id": before["assignee_id"]},
        after={"status": f.status, "assignee_id": f.assignee_id, "assigned_at": at},
    )
    return f


@transaction.atomic
def feedback_answer(
    *,
    actor: Any,
    feedback: Feedback,
    answer: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Feedback:
    """Answer the feedback: any officer of its agency (the assignee, usually). The answer goes
    to the sender (outbox ``feedback.answered``) and, where they allowed it, on the public list.
    An answer after the due instant is recorded as late; it is never refused."""
    at = _now(now)
    f = _lock(feedback, expected_version)
    _require_member(actor, f.agency)
    if f.status == Status.ANSWERED:
        raise IllegalTransition("Phản ánh đã được trả lời", code="already_answered")
    answer = clean_text(
        answer, label="Nội dung trả lời", limit=MAX_ANSWER, multiline=True, required=True
    )
    before = f.status
    f.answer = answer
    f.answered_at = at
    f.answered_by = actor
    f.status = Status.ANSWERED
    f.version += 1
    f.save(update_fields=["answer", "answered_at", "answered_by", "status", "version"])
    audit_record(
        actor=actor,
        action="feedback.answer",
        object_type="Feedback",
        object_id=f.code,
        before={"status": before},
        after={"status": f.status, "answer": answer, "answered_at": at, "on_time": f.on_time},
    )
    Outbox.objects.create(
        topic="feedback.answered",
        dossier=f.dossier,
        created_at=at,
        payload={
            "code": f.code,
            "to_email": f.sender_email,
            "to_phone": f.sender_phone,
            "name": f.sender_name,
            "subject": f.subject,
            "agency": f.agency.name,
            "answer": shorten(answer.replace("\n", " "), 1000),
            "published": f.published,
            "link": f"{settings.MOTCUA_PUBLIC_URL}/phan-anh/{f.code}/"
            if f.published
            else f"{settings.MOTCUA_PUBLIC_URL}/phan-anh/cua-toi/",
        },
    )
    return f
