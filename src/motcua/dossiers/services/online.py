"""Online submissions before receipt: the applicant submits, completes or cancels; the desk
accepts it (the receipt); sending back (Mẫu 02) and refusal (Mẫu 03) are in ``intake``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from motcua.catalog.models import Procedure
from motcua.core.errors import IllegalTransition, ValidationFailed
from motcua.core.text import nfc
from motcua.dossiers.access import require_role
from motcua.dossiers.files import CheckedFile
from motcua.dossiers.models import (
    Channel,
    Document,
    DocumentKind,
    Dossier,
    EventType,
    Status,
)
from motcua.dossiers.services._tx import (
    Actor,
    _event,
    _local,
    _lock,
    _now,
    _outbox,
    _real,
    _require_owner,
    _require_status,
    _save,
    _save_file,
    at_operation_end,
)
from motcua.dossiers.services.intake import (
    ApplicantData,
    _applicant,
    _check_procedure_at_desk,
    _new_dossier,
    _receive,
    _void_prepayment,
)
from motcua.units.models import Agency, Role


@transaction.atomic
def dossier_submit_online(
    *,
    applicant: ApplicantData,
    procedure: Procedure,
    desk: Agency,
    request: str = "",
    files: Sequence[tuple[str, CheckedFile]] = (),
    reused: Sequence[tuple[str, CheckedFile, Document | None]] = (),
    account: Actor = None,
    form_data: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> Dossier:
    """An online submission: waits for the counter officer's check; not received yet.

    ``account``: the portal account that files it ("my dossiers" is scoped by it). ``reused``:
    documents taken from the applicant's personal data store, each with the dossier document it
    was first filed or issued as (``Document.reused_from``; None for one the applicant uploaded
    to the store); they are saved after ``files``, in order. ``form_data``: the procedure's
    application form as filled, already validated by its form at the door (``motcua.eforms``)."""
    at = _now(now)
    with at_operation_end():  # the audit entries, the outbox rows and the counts at the end
        _check_procedure_at_desk(procedure, desk, _local(at).date())
        person = _applicant(applicant)
        dossier = _new_dossier(
            procedure,
            person,
            desk,
            Channel.ONLINE,
            at,
            request=request,
            result_place="Trả kết quả trực tuyến",
            account=_real(account),
            form_data=dict(form_data or {}),
        )
        for required, checked in files:
            _save_file(
                dossier,
                checked,
                kind=DocumentKind.INPUT_ELECTRONIC,
                actor=account,
                at=at,
                required_document=required,
            )
        for required, checked, origin in reused:
            _save_file(
                dossier,
                checked,
                kind=DocumentKind.INPUT_ELECTRONIC,
                actor=account,
                at=at,
                required_document=required,
                reused_from=origin,
            )
        _event(
            dossier, EventType.SUBMITTED, actor=account, at=at, after=Status.SUBMITTED, agency=desk
        )
        _outbox("dossier.submitted", dossier, at)
        # prepayment (payments app), in this same transaction: nothing unless the procedure asks it
        from motcua.payments.services import payment_request_for_submitted

        payment_request_for_submitted(dossier=dossier, actor=account, at=at)
        return dossier


@transaction.atomic
def dossier_complete_online(
    *,
    account: Actor,
    dossier: Dossier,
    files: Sequence[tuple[str, CheckedFile]],
    note: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Dossier:
    """The applicant completes online a submission the desk sent back (Mẫu 02 at intake): the
    documents asked for are added and the dossier goes back to the desk's online queue
    (``submitted``), where the officer checks it again (``dossier_accept_online``). The time
    limit counts from that acceptance, as for any online dossier."""
    at = _now(now)
    d = _lock(dossier, expected_version)
    _require_owner(d, account)
    _require_status(d, Status.NEEDS_COMPLETION, action="nộp bổ sung, hoàn thiện")
    if d.channel != Channel.ONLINE:
        raise IllegalTransition(
            "Hồ sơ nộp trực tiếp được hoàn thiện tại Bộ phận Một cửa", code="bad_channel"
        )
    if not files:
        raise ValidationFailed("Chưa chọn tệp giấy tờ bổ sung", code="files_required")
    for required, checked in files:
        _save_file(
            d,
            checked,
            kind=DocumentKind.SUPPLEMENT,
            actor=account,
            at=at,
            required_document=required,
        )
    d.supplement_requests.filter(at_intake=True, fulfilled_at__isnull=True).update(fulfilled_at=at)
    before = d.status
    d.status = Status.SUBMITTED  # submitted_at stays the first submission's; the event says when
    _save(d, "status")
    _event(
        d,
        EventType.SUBMITTED,
        actor=account,
        at=at,
        before=before,
        after=d.status,
        agency=d.receiving_agency,
        note=nfc(note) or "Nộp lại hồ sơ đã hoàn thiện theo Phiếu yêu cầu bổ sung (Mẫu 02)",
        data={"completion": True, "files": len(files)},
    )
    _outbox("dossier.submitted", d, at, completion=True)
    return d


@transaction.atomic
def dossier_submission_cancel(
    *,
    account: Actor,
    dossier: Dossier,
    reason: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Dossier:
    """The applicant takes back an online submission the desk has not received yet (waiting for
    the desk's check, or sent back to be completed). Nothing was received, so no stop notice is
    issued and no statistic counts it (reports count received dossiers); the dossier ends
    ``withdrawn`` with the applicant's reason, and the desk's queue no longer shows it. A received
    dossier is withdrawn through the desk (``dossier_withdraw``, ADR 0008)."""
    at = _now(now)
    d = _lock(dossier, expected_version)
    _require_owner(d, account)
    _require_status(
        d, Status.SUBMITTED, Status.NEEDS_COMPLETION, action="hủy hồ sơ đã nộp trực tuyến"
    )
    reason = nfc(reason).strip()
    if not reason:
        raise ValidationFailed("Cần nêu lý do hủy hồ sơ", code="reason_required")
    before = d.status
    d.status, d.finished_at = Status.WITHDRAWN, at
    _save(d, "status", "finished_at")
    _event(
        d,
        EventType.WITHDRAWN,
        actor=account,
        at=at,
        before=before,
        after=d.status,
        agency=d.receiving_agency,
        note=f"Người nộp hủy hồ sơ trước khi được tiếp nhận: {reason}",
        data={"stage": "before_receipt"},
    )
    _void_prepayment(d, actor=account, at=at, reason=f"Người nộp hủy hồ sơ: {reason}")
    return d


@transaction.atomic
def dossier_accept_online(
    *,
    actor: Actor,
    dossier: Dossier,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Dossier:
    at = _now(now)
    with at_operation_end():  # as a counter intake: the receipt and the hand-over, written once
        d = _lock(dossier, expected_version)
        require_role(actor, d.receiving_agency, Role.COUNTER)
        _require_status(d, Status.SUBMITTED, action="tiếp nhận")
        _check_procedure_at_desk(d.procedure, d.receiving_agency, _local(at).date())
        return _receive(
            d, None, actor=actor, desk=d.receiving_agency, received=at, before=Status.SUBMITTED
        )
