"""Dossier creation from a partner system, made safe to retry with an ``Idempotency-Key``.

Same client + same key + same body → the same dossier (replayed, nothing new is written);
same key + another body → 409 ``idempotency_key_reused``. The dossier and the key's record are
written in one transaction, so two concurrent requests with one key create one dossier: the
loser's insert of the key fails on the unique constraint, its whole transaction (dossier
included) rolls back, and it answers with the winner's dossier.

Validation is the services' (``dossier_receive`` / ``dossier_submit_online``), as for the back
office; the serializer only checks shapes. The checklist is the procedure's documents, with
``mandatory`` from the catalog, never from the caller.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from motcua.api import serializers as s
from motcua.api.errors import field_errors
from motcua.api.models import IdempotencyRecord
from motcua.catalog.models import Procedure
from motcua.catalog.selectors import procedures_valid_on
from motcua.core.errors import DomainError, ValidationFailed
from motcua.dossiers import services as svc
from motcua.dossiers.access import require_role
from motcua.dossiers.models import Channel, Dossier
from motcua.units.models import Agency, Role

HEADER = "Idempotency-Key"


class KeyReused(DomainError):
    code = "idempotency_key_reused"
    http_status = 409


def _key(request: Request) -> str:
    key = request.headers.get(HEADER, "").strip()
    if not key:
        raise ValidationFailed(
            f"Cần tiêu đề {HEADER} (một giá trị riêng cho mỗi hồ sơ, dùng lại khi gửi lại)",
            code="idempotency_key_required",
        )
    if len(key) > 200 or not key.isascii() or not key.isprintable():
        raise ValidationFailed(
            f"{HEADER} phải là chuỗi ASCII in được, tối đa 200 ký tự", code="bad_idempotency_key"
        )
    return key


def _digest(data: Any) -> str:
    """The body's fingerprint. "surrogatepass": JSON may carry a lone surrogate (\\ud800) in a
    field the serializer ignores, which UTF-8 cannot encode (a 500); every other body's
    fingerprint is unchanged."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def _procedure(code: str) -> Procedure:
    found = (
        procedures_valid_on(timezone.localdate())
        .filter(code=code)
        .select_related("agency")  # the processing agency the service asks for
        .prefetch_related("documents")
        .order_by("-version")
        .first()
    )
    if found is None:
        raise ValidationFailed(
            f"Không có thủ tục mã {code} đang có hiệu lực",
            code="unknown_procedure",
            details=[{"field": "procedure", "code": "unknown_procedure", "message": code}],
        )
    return found


def _desk(code: str) -> Agency:
    # with its unit and the unit's calendar: the receipt's clock is counted in them
    found = Agency.objects.filter(code=code).select_related("unit__calendar").first()
    if found is None:
        raise ValidationFailed(
            f"Không có cơ quan mã {code}",
            code="unknown_agency",
            details=[{"field": "desk", "code": "unknown_agency", "message": code}],
        )
    return found


def _intake(data: dict[str, Any], procedure: Procedure) -> svc.Intake:
    given = {d["order"]: d for d in data["documents"]}
    catalog = {doc.order: doc for doc in procedure.documents.all()}
    unknown = sorted(set(given) - set(catalog))
    if unknown:
        raise ValidationFailed(
            f"Thủ tục {procedure.code} không có thành phần hồ sơ thứ tự {unknown[0]}",
            code="unknown_document",
            details=[{"field": "documents", "code": "unknown_document", "message": str(unknown)}],
        )
    checklist = []
    for order, doc in sorted(catalog.items()):
        row = given.get(order, {})
        checklist.append(
            svc.ChecklistEntry(
                doc.name,
                row.get("originals", doc.originals),
                row.get("copies", doc.copies),
                bool(row.get("submitted", False)),
                doc.mandatory,
            )
        )
    a = data["applicant"]
    return svc.Intake(
        procedure=procedure,
        applicant=svc.ApplicantData(
            name=a["name"],
            id_number=a["id_number"],
            kind=a["kind"],
            phone=a["phone"],
            email=a["email"],
            address=a["address"],
        ),
        request=data["request"],
        checklist=checklist,
        proxy_name=data["proxy_name"],
        proxy_id_number=data["proxy_id_number"],
        sets=data["sets"],
        result_place=data["result_place"],
    )


def _create(actor: Any, data: dict[str, Any]) -> Dossier:
    procedure = _procedure(data["procedure"])
    desk = _desk(data["desk"])
    intake = _intake(data, procedure)
    # the application form: validated by the Django form built from its definition (eforms)
    from motcua.eforms.services import form_data_clean

    intake.form_data = form_data_clean(procedure, data.get("form_data"))
    if data["channel"] == Channel.ONLINE:
        # filing online for citizens (the national portal): the desk's counter role, or the
        # province administrator's, through the one access implementation
        require_role(actor, desk, Role.COUNTER, Role.PROVINCE_ADMIN)
        return svc.dossier_submit_online(
            applicant=intake.applicant,
            procedure=procedure,
            desk=desk,
            request=intake.request,
            form_data=intake.form_data,
        )
    return svc.dossier_receive(actor=actor, desk=desk, intake=intake, channel=data["channel"])


#: The body field a service refusal is about, so that validation errors name the field.
FIELD_OF_CODE = {
    "bad_applicant": "applicant",
    "incomplete_dossier": "documents",
    "procedure_not_in_force": "procedure",
    "procedure_wrong_level": "procedure",
    "not_a_desk": "desk",
    "bad_channel": "channel",
}


def _named(exc: ValidationFailed) -> ValidationFailed:
    """The service's refusal, unchanged, with each problem as a {field, code, message} row."""
    field = FIELD_OF_CODE.get(exc.code, "")
    items = exc.details if isinstance(exc.details, list) and exc.details else [exc.message]
    rows = [
        item if isinstance(item, dict) else {"field": field, "code": exc.code, "message": str(item)}
        for item in items
    ]
    return ValidationFailed(exc.message, code=exc.code, details=rows)


def _replay(record: IdempotencyRecord, digest: str) -> Dossier:
    if record.body_sha256 != digest:
        raise KeyReused(
            f"{HEADER} này đã được dùng cho một yêu cầu khác; hãy dùng khóa mới cho hồ sơ mới",
            code="idempotency_key_reused",
        )
    return record.dossier


def dossier_create(request: Request) -> tuple[Dossier, bool]:
    """The dossier for this request and whether it was replayed (not created now)."""
    key = _key(request)
    checked = s.DossierCreateSerializer(data=request.data)
    if not checked.is_valid():
        errors = field_errors(checked.errors)
        raise ValidationFailed(
            f"{errors[0]['field']}: {errors[0]['message']}",
            code="validation_failed",
            details=errors,
        )
    data = dict(checked.validated_data)
    digest = _digest(request.data)
    user = request.user
    earlier = IdempotencyRecord.objects.filter(client_user_id=user.pk, key=key).first()
    if earlier is not None:
        return _replay(earlier, digest), True
    try:
        with transaction.atomic():
            try:
                dossier = _create(user, data)
            except ValidationFailed as exc:
                raise _named(exc) from exc
            IdempotencyRecord.objects.create(
                client_user_id=user.pk, key=key, body_sha256=digest, dossier=dossier
            )
    except IntegrityError:
        # a concurrent request with the same key won: its dossier stands, ours rolled back
        winner = IdempotencyRecord.objects.filter(client_user_id=user.pk, key=key).first()
        if winner is None:
            raise
        return _replay(winner, digest), True
    return dossier, False


def created_response(dossier: Dossier, replayed: bool, body: dict[str, Any]) -> Response:
    response = Response(body, status=201)
    response["Location"] = f"/api/v1/dossiers/{dossier.code or dossier.pk}/"
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response
