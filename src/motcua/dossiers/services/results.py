"""Results: attaching, returning to the applicant, scans, ratings."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from motcua.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from motcua.core.text import nfc
from motcua.dossiers import lookup_cache
from motcua.dossiers.access import has_role, require_role, require_step_role
from motcua.dossiers.files import CheckedFile
from motcua.dossiers.models import (
    OPEN_STATUSES,
    Document,
    DocumentKind,
    Dossier,
    DossierStep,
    EventType,
    Rating,
    Status,
    StepStatus,
)
from motcua.dossiers.services._tx import (
    Actor,
    _deciding_steps,
    _event,
    _finish,
    _lock,
    _now,
    _require_status,
    _save,
    _save_file,
)
from motcua.units.models import Agency, Role


def _return_result(
    d: Dossier, s: DossierStep, *, actor: Actor, at: dt.datetime, method: str
) -> Dossier:
    if d.status != Status.RESOLVED:
        raise IllegalTransition("Hồ sơ chưa có kết quả để trả", code="no_result_yet")
    _finish(s, at, method)
    d.returned_at = at
    d.return_method = nfc(method)[:80]
    _save(d, "returned_at", "return_method")
    _event(
        d,
        EventType.RESULT_RETURNED,
        actor=actor,
        at=at,
        step=s,
        agency=s.agency,
        before=d.status,
        after=d.status,
        note=method,
    )
    return d


@transaction.atomic
def result_return(
    *,
    actor: Actor,
    dossier: Dossier,
    method: str = "Trực tiếp",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Dossier:
    at = _now(now)
    d = _lock(dossier, expected_version)
    _require_status(d, Status.RESOLVED, action="trả kết quả")
    if d.returned_at is not None:
        raise IllegalTransition("Kết quả đã được trả", code="already_returned")
    step = d.steps.filter(status=StepStatus.ACTIVE, role="tra_ket_qua").first()
    if step is None:
        require_role(actor, d.receiving_agency, Role.COUNTER)
        d.returned_at = at
        d.return_method = nfc(method)[:80]
        _save(d, "returned_at", "return_method")
        _event(
            d,
            EventType.RESULT_RETURNED,
            actor=actor,
            at=at,
            before=d.status,
            after=d.status,
            note=method,
        )
        return d
    require_step_role(actor, step)
    return _return_result(d, step, actor=actor, at=at, method=method)


#: The statuses in which a result may be attached (and so signed): being handled, or resolved.
RESULT_STATUSES = (Status.IN_PROGRESS, Status.RESOLVED)


def result_may_attach(actor: Actor, d: Dossier, *, agency: Agency | None = None) -> bool:
    """Who attaches the result: a leader of the lead agency, or a leader or specialist of an
    agency handling an active step of the dossier itself (a planned step, or one the dossier was
    transferred to). With ``agency``: whether the actor may do so as a member of that agency
    (the agency whose certificate signs the result, ``esign.services.signing_agency_for``).

    Not a coordinating agency holding a parallel task (``_deciding_steps``), and not an agency
    whose planned step is not active yet (the district leader's signature of an inter-level
    dossier still at the commune): it decides when the dossier reaches it. The dossier page
    offers the signing form by this rule, so it offers it only to those this service accepts."""

    def counts(a: Agency | None) -> bool:
        return a is not None and (agency is None or a.pk == agency.pk)

    if counts(d.processing_agency) and has_role(actor, d.processing_agency, Role.LEADER):
        return True
    return any(
        counts(s.agency)
        and (has_role(actor, s.agency, Role.LEADER) or has_role(actor, s.agency, Role.SPECIALIST))
        for s in _deciding_steps(d)
    )


@transaction.atomic
def result_attach(
    *,
    actor: Actor,
    dossier: Dossier,
    checked: CheckedFile,
    signer: str,
    signed_at: dt.datetime | None = None,
    electronic: bool = True,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Document:
    """Attach the (signed) result; 'electronic result' is derived from such documents."""
    at = _now(now)
    d = _lock(dossier, expected_version)
    _require_status(d, *RESULT_STATUSES, action="đính kèm kết quả")
    if not result_may_attach(actor, d):
        raise PermissionDenied(
            "Bạn không xử lý hồ sơ này; cơ quan phối hợp xử lý liên thông không đính kèm kết quả "
            "của hồ sơ, kết quả do cơ quan chủ trì giải quyết",
            code="permission_denied",
        )
    if not nfc(signer):
        raise ValidationFailed("Cần tên người ký kết quả", code="signer_required")
    if electronic:
        # only a PDF validly signed by an issuing agency's certificate is an electronic result;
        # the signer and time recorded are the signature's own (motcua.esign, docs/esign.md)
        from motcua.esign.services import issuing_agencies
        from motcua.esign.verify import verify_pdf

        verdict = verify_pdf(checked.read_all(), agencies=issuing_agencies(d))
        if not verdict.valid:
            raise ValidationFailed(
                f"Không nhận tệp là kết quả điện tử: {verdict.message}. Tệp chưa ký số hợp lệ "
                "chỉ có thể đính kèm như bản quét kết quả giấy.",
                code=f"esign_{verdict.code}",
            )
        signer, signed_at = verdict.signer or signer, verdict.signed_at or signed_at
    kind = DocumentKind.RESULT_ELECTRONIC if electronic else DocumentKind.RESULT_PAPER_SCAN
    doc = _save_file(
        d, checked, kind=kind, actor=actor, at=at, signer=signer, signed_at=signed_at or at
    )
    _save(d)
    _event(
        d,
        EventType.DOCUMENT_ADDED,
        actor=actor,
        at=at,
        note=f"Kết quả: {doc.name}",
        data={"document": doc.pk, "kind": kind, "sha256": doc.sha256},
    )
    return doc


@transaction.atomic
def scan_attach(
    *,
    actor: Actor,
    dossier: Dossier,
    checked: CheckedFile,
    required_document: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Document:
    """Digitise a paper component of a received dossier in progress (every page, in order).

    Paper dossiers are scanned on receipt (REGULATIONS §1); a scan may follow while the dossier is
    being handled. A dossier never received (submitted online, returned for completion, refused)
    or already ended (resolved, withdrawn, returned) takes no scan: its ``digitized`` flag has been
    counted by the statistics of its period and must not change afterwards.
    """
    at = _now(now)
    d = _lock(dossier, expected_version)
    require_role(actor, d.receiving_agency, Role.COUNTER)
    if d.status not in OPEN_STATUSES:
        raise IllegalTransition(
            f"Không thể số hóa thêm thành phần hồ sơ: hồ sơ đang ở trạng thái "
            f"'{d.get_status_display()}'. Bản quét chỉ được bổ sung khi hồ sơ đã được tiếp nhận "
            "và đang giải quyết.",
            code="scan_not_in_progress",
        )
    doc = _save_file(
        d,
        checked,
        kind=DocumentKind.INPUT_SCAN,
        actor=actor,
        at=at,
        required_document=required_document,
    )
    _save(d)
    _event(
        d,
        EventType.DOCUMENT_ADDED,
        actor=actor,
        at=at,
        note=f"Số hóa: {doc.name}",
        data={"document": doc.pk, "pages": doc.pages, "sha256": doc.sha256},
    )
    return doc


def _already_rated(d: Dossier) -> IllegalTransition:
    return IllegalTransition(
        f"Hồ sơ {d.code} đã được đánh giá; mỗi hồ sơ chỉ đánh giá một lần.", code="already_rated"
    )


@transaction.atomic
def dossier_rate(
    *,
    dossier: Dossier,
    score: int,
    comment: str = "",
    now: dt.datetime | None = None,
    actor: Actor | None = None,
    via: str = "",
) -> Rating:
    """Record the applicant's rating (1–5) once, only after the result was returned to them;
    ``actor`` (the citizen's account, the officer holding the counter tablet, the API client) and
    ``via`` ("portal", "counter", "api") go into the event. Every door rates through here, so
    the checks are the same at each (docs/portal.md, "Ratings")."""
    at = _now(now)
    d = _lock(dossier, None)
    if Rating.objects.filter(dossier=d).exists():
        raise _already_rated(d)
    if d.status != Status.RESOLVED or d.returned_at is None:
        raise IllegalTransition(
            "Chỉ đánh giá được sau khi hồ sơ có kết quả và kết quả đã được trả cho người nộp.",
            code="not_returned_yet",
        )
    if not 1 <= score <= 5:
        raise ValidationFailed("Mức đánh giá từ 1 đến 5", code="bad_score")
    try:
        with transaction.atomic():
            rating = Rating.objects.create(dossier=d, score=score, comment=nfc(comment), at=at)
    except IntegrityError:  # rated by another request since the check above
        raise _already_rated(d) from None
    lookup_cache.changed(d.code)  # the look-up shows "rated"
    data: dict[str, object] = {"score": score}
    if via:
        data["via"] = via
    _event(d, EventType.RATED, actor=actor, at=at, data=data)
    return rating
