"""Checks against the national population database and what is recorded of them.

Every check is one ``Verification`` row and one audit entry, written after the remote call (the
call itself is never made inside a transaction, nor inside the receipt's). Who may ask:

- at the counter (before the dossier exists): a counter officer of the desk (``counter_check``);
  the check is then attached to the dossier received from the same inputs (``counter_attach``,
  inside the receipt's transaction), with the officer's reason when it did not match;
- on a dossier: staff of its receiving desk (counter) or of its processing agency
  (``dossier_check``: the back office and the API);
- at an online submission: the system, for the citizen account's identity (``online_check``).

An unavailable service never blocks anything: it is recorded as such.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.audit.services import audit_record
from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.core.text import ascii_digits, nfc
from motcua.dossiers.access import has_role, require_role
from motcua.dossiers.models import ApplicantKind, Dossier
from motcua.popdata.backends import Result, verify
from motcua.popdata.matching import id_key, inputs_digest
from motcua.popdata.models import Context, Outcome, Verification
from motcua.units.models import Agency, Role

log = logging.getLogger("motcua.popdata")

#: How long a counter check may wait for the receipt it belongs to.
COUNTER_CHECK_HOURS = 12
MAX_REASON = 2000


def person_id_checkable(id_number: str) -> str:
    """The 12-digit personal ID number the database knows, or ValidationFailed."""
    idn = id_key(id_number)
    if not (idn.isascii() and idn.isdigit() and len(idn) == 12):
        raise ValidationFailed(
            "Chỉ xác thực được số định danh cá nhân (số CCCD) gồm 12 chữ số.",
            code="bad_id_number",
        )
    return idn


def _record(
    *,
    actor: Any,
    result: Result,
    context: str,
    digest: str,
    agency: Agency | None = None,
    dossier: Dossier | None = None,
) -> Verification:
    with transaction.atomic():
        v = Verification.objects.create(
            checked_at=result.checked_at,
            requested_by=actor if getattr(actor, "pk", None) else None,
            context=context,
            agency=agency,
            dossier=dossier,
            inputs_digest=digest,
            fields_checked=list(result.checked),
            outcome=result.outcome,
            mismatched=list(result.mismatched),
            reference=result.reference,
            reason=result.reason,
            cached=result.cached,
        )
        audit_record(
            actor=actor,
            action="popdata.verify",
            object_type="Verification",
            object_id=v.pk,
            after={
                "context": context,
                "agency": agency.pk if agency else None,
                "dossier": dossier.pk if dossier else None,
                "outcome": v.outcome,
                "fields_checked": v.fields_checked,
                "mismatched": v.mismatched,
                "reference": v.reference,
                "reason": v.reason,
            },
        )
    return v


def _ask(id_number: str, full_name: str, birth_date: dt.date | None) -> tuple[Result, str]:
    result = verify(id_number=id_number, full_name=full_name, birth_date=birth_date)
    return result, inputs_digest(id_number, full_name, birth_date)


def counter_check(
    *, actor: Any, desk: Agency, id_number: str, full_name: str, birth_date: dt.date
) -> Verification:
    """A counter officer checks the applicant in front of them (no dossier yet)."""
    require_role(actor, desk, Role.COUNTER)
    idn = person_id_checkable(id_number)
    if not nfc(full_name):
        raise ValidationFailed("Chưa nhập họ tên người nộp.", code="name_required")
    result, digest = _ask(idn, full_name, birth_date)
    return _record(actor=actor, result=result, context=Context.COUNTER, digest=digest, agency=desk)


def can_check_dossier(actor: Any, dossier: Dossier) -> bool:
    """Staff of the receiving desk (counter) or of the processing agency (any working role)."""
    if has_role(actor, dossier.receiving_agency, Role.COUNTER):
        return True
    roles = (Role.COUNTER, Role.SPECIALIST, Role.LEADER)
    return any(has_role(actor, dossier.processing_agency, r) for r in roles)


def dossier_check(
    *,
    actor: Any,
    dossier: Dossier,
    birth_date: dt.date | None,
    context: str = Context.DOSSIER,
) -> Verification:
    """Check a dossier's applicant (the caller found the dossier visible to ``actor``)."""
    if not can_check_dossier(actor, dossier):
        raise PermissionDenied(
            "Chỉ cán bộ nơi tiếp nhận hoặc cơ quan giải quyết hồ sơ được xác thực người nộp.",
            code="permission_denied",
        )
    if dossier.applicant_kind != ApplicantKind.PERSON:
        raise ValidationFailed(
            "Người nộp là tổ chức: chỉ xác thực được thông tin công dân.", code="not_a_person"
        )
    idn = person_id_checkable(dossier.applicant_id_number)
    result, digest = _ask(idn, dossier.applicant_name, birth_date)
    return _record(
        actor=actor,
        result=result,
        context=context,
        digest=digest,
        agency=dossier.receiving_agency,
        dossier=dossier,
    )


def counter_check_for(
    *, actor: Any, check_id: Any, id_number: str, full_name: str, birth_date: dt.date | None
) -> Verification | None:
    """The officer's own recent counter check of exactly these inputs, not yet attached; None
    when there is none (never checked, or the inputs were changed after the check)."""
    try:
        pk = int(str(check_id or ""))
    except ValueError:
        return None
    since = timezone.now() - dt.timedelta(hours=COUNTER_CHECK_HOURS)
    v = Verification.objects.filter(
        pk=pk,
        requested_by_id=getattr(actor, "pk", None),
        context=Context.COUNTER,
        dossier__isnull=True,
        checked_at__gte=since,
    ).first()
    if v is None or v.inputs_digest != inputs_digest(id_number, full_name, birth_date):
        return None
    return v


def override_required(v: Verification | None, reason: str) -> str | None:
    """The message when a mismatch is received without the officer's reason, else None."""
    if v is not None and v.outcome == Outcome.MISMATCH and not nfc(reason or ""):
        labels = ", ".join(v.mismatched_labels)
        return (
            f"Thông tin người nộp không khớp CSDL quốc gia về dân cư ({labels}): nhập lý do "
            "vẫn tiếp nhận, hoặc sửa thông tin và xác thực lại."
        )
    return None


def counter_attach(
    *,
    actor: Any,
    dossier: Dossier,
    check_id: Any,
    birth_date: dt.date | None,
    override_reason: str = "",
) -> Verification | None:
    """Inside the receipt's transaction: the counter check becomes the dossier's; a mismatch
    needs the officer's reason (ValidationFailed otherwise, and the receipt rolls back)."""
    v = counter_check_for(
        actor=actor,
        check_id=check_id,
        id_number=dossier.applicant_id_number,
        full_name=dossier.applicant_name,
        birth_date=birth_date,
    )
    if v is None:
        return None
    problem = override_required(v, override_reason)
    if problem:
        raise ValidationFailed(problem, code="override_reason_required")
    v = Verification.objects.select_for_update().get(pk=v.pk)
    v.dossier = dossier
    fields = ["dossier"]
    reason = nfc(override_reason or "")[:MAX_REASON]
    if v.outcome == Outcome.MISMATCH:
        v.override_reason, v.overridden_by, v.overridden_at = reason, actor, timezone.now()
        fields += ["override_reason", "overridden_by", "overridden_at"]
    v.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="popdata.attach",
        object_type="Verification",
        object_id=v.pk,
        after={"dossier": dossier.pk, "outcome": v.outcome, "override_reason": v.override_reason},
    )
    return v


def override_record(*, actor: Any, verification: Verification, reason: str) -> Verification:
    """A mismatch found on a dossier already in the system (online, or checked again later):
    the officer records why the dossier goes on."""
    d = verification.dossier
    if d is None or not can_check_dossier(actor, d):
        raise PermissionDenied("Bạn không có quyền với hồ sơ này.", code="permission_denied")
    text = nfc(reason or "")[:MAX_REASON]
    if verification.outcome != Outcome.MISMATCH:
        raise ValidationFailed("Chỉ ghi lý do khi kết quả không khớp.", code="not_a_mismatch")
    if not text:
        raise ValidationFailed("Chưa nhập lý do.", code="override_reason_required")
    with transaction.atomic():
        v = Verification.objects.select_for_update().get(pk=verification.pk)
        before = v.override_reason
        v.override_reason, v.overridden_by, v.overridden_at = text, actor, timezone.now()
        v.save(update_fields=["override_reason", "overridden_by", "overridden_at"])
        audit_record(
            actor=actor,
            action="popdata.override",
            object_type="Verification",
            object_id=v.pk,
            before={"override_reason": before},
            after={"dossier": d.pk, "override_reason": text},
        )
    return v


def online_check(*, dossier: Dossier, account: Any) -> Verification | None:
    """After an online submission (its transaction committed): the account's identity, ID
    number and name (portal accounts hold no birth date), recorded with the dossier for the
    desk. Never raises: the citizen's submission is done whatever happens here."""
    try:
        profile = getattr(account, "citizen", None)
        if profile is None or profile.kind != ApplicantKind.PERSON:
            return None
        idn = id_key(profile.id_number)
        if not (ascii_digits(idn) and len(idn) == 12):
            return None
        result, digest = _ask(idn, profile.name, None)
        return _record(
            actor=account,
            result=result,
            context=Context.ONLINE,
            digest=digest,
            agency=dossier.receiving_agency,
            dossier=dossier,
        )
    except Exception:
        log.exception("population database check after online submission failed")
        return None


def last_for(dossier: Dossier) -> Verification | None:
    return (
        Verification.objects.filter(dossier=dossier)
        .select_related("requested_by", "overridden_by")
        .order_by("-checked_at", "-pk")
        .first()
    )
