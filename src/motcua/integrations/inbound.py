"""Dossiers filed on the national public-service portal, arriving through the API.

They land in the desk's online queue through ``dossier_submit_online``, exactly as if filed on
the province's own portal (the desk then accepts, asks for completion or refuses). Idempotent by
the portal's own dossier id: the same id with the same body answers the same dossier; the same
id with another body is refused (409), nothing new is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction

from motcua.core.errors import DomainError, PermissionDenied
from motcua.dossiers import services as svc
from motcua.dossiers.access import require_role
from motcua.dossiers.files import CheckedFile
from motcua.dossiers.models import Dossier
from motcua.integrations.models import PortalInbound
from motcua.units.models import Agency, Role

NATIONAL_PORTAL = "national_portal"


class NationalIdReused(DomainError):
    code = "national_id_reused"
    http_status = 409


def _require_portal_client(actor: Any) -> None:
    client = getattr(actor, "api_client", None)
    if client is None or client.kind != NATIONAL_PORTAL or not client.active:
        raise PermissionDenied(
            "Chỉ khóa của Cổng Dịch vụ công quốc gia được nộp hồ sơ qua đường này",
            code="not_national_portal",
        )


def _replay(found: PortalInbound, digest: str) -> Dossier:
    if found.body_sha256 != digest:
        raise NationalIdReused(
            f"Mã hồ sơ {found.national_id} đã được gửi với nội dung khác",
            code="national_id_reused",
        )
    return found.dossier


def portal_dossier_receive(
    *,
    actor: Any,
    national_id: str,
    digest: str,
    applicant: svc.ApplicantData,
    procedure: Any,
    desk: Agency,
    request: str = "",
    files: Sequence[tuple[str, CheckedFile]] = (),
) -> tuple[Dossier, bool]:
    """The dossier for this national id and whether it already existed (a replay)."""
    _require_portal_client(actor)
    require_role(actor, desk, Role.COUNTER, Role.PROVINCE_ADMIN)
    earlier = PortalInbound.objects.filter(national_id=national_id).select_related("dossier")
    if (found := earlier.first()) is not None:
        return _replay(found, digest), True
    try:
        with transaction.atomic():
            dossier = svc.dossier_submit_online(
                applicant=applicant, procedure=procedure, desk=desk, request=request, files=files
            )
            PortalInbound.objects.create(
                national_id=national_id, dossier=dossier, body_sha256=digest
            )
    except IntegrityError:
        # the same id arrived twice at once: the first one's dossier stands, ours rolled back
        winner = earlier.first()
        if winner is None:
            raise
        return _replay(winner, digest), True
    return dossier, False
