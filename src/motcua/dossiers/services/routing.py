"""Intake regardless of residence (phi địa giới hành chính; Decree 118/2025, issue 11).

An applicant may file at any desk of the province: the desk that receives (a commune-level Public
Administrative Service Center, the provincial Center) and the agency competent to decide differ.
The counter officer names the competent agency (``Intake.competent_agency``) when it is not the
desk's own; the dossier goes there with the procedure's time limit (its clock starts at receipt,
as every dossier's), its result is returned where the applicant chose (the receiving desk unless
``result_place`` says otherwise), and the statistics count it under both (reports/two_level.py:
per receiving desk and per competent agency, once in the totals).
"""

from __future__ import annotations

import datetime as dt

from motcua.core.errors import ValidationFailed
from motcua.dossiers.models import Dossier, EventType
from motcua.dossiers.services._tx import Actor, _event
from motcua.units.models import Agency, AgencyKind, Level
from motcua.units.selectors import same_province

#: Kinds of agency that decide dossiers (a desk or a center only receives them).
COMPETENT_KINDS = (
    AgencyKind.PEOPLES_COMMITTEE,
    AgencyKind.DEPARTMENT,
    AgencyKind.OFFICE,
    AgencyKind.VERTICAL,
)


def _in_force(agency: Agency, on: dt.date) -> bool:
    """The agency and its unit exist on ``on`` (a district's agencies end with the district)."""
    unit = agency.unit
    return (
        (agency.valid_from is None or agency.valid_from <= on)
        and (agency.valid_to is None or agency.valid_to >= on)
        and (unit.valid_to is None or unit.valid_to >= on)
    )


def competent_agency_check(dossier: Dossier, competent: Agency, desk: Agency, on: dt.date) -> None:
    """Refuse (Vietnamese reason, nothing written) a competent agency that cannot take it."""
    procedure = dossier.procedure
    errors = []
    if competent.kind not in COMPETENT_KINDS:
        errors.append(f"{competent.name} là nơi tiếp nhận, không phải cơ quan có thẩm quyền")
    if not _in_force(competent, on):
        errors.append(f"{competent.name} không còn hoạt động vào ngày {on:%d/%m/%Y}")
    if procedure.agency_id is not None and procedure.agency_id != competent.pk:
        errors.append(
            f"Thủ tục {procedure.code} do {procedure.agency.name} giải quyết"  # type: ignore[union-attr]
        )
    level_ok = {
        Level.PROVINCE: procedure.at_province,
        Level.DISTRICT: procedure.at_district,
        Level.COMMUNE: procedure.at_commune,
    }[Level(competent.level)]
    if not level_ok:
        errors.append(
            f"Thủ tục {procedure.code} không thuộc thẩm quyền "
            f"{Level(competent.level).label.lower()}"
        )
    if not same_province(competent.unit_id, desk.unit_id):
        errors.append("Chỉ tiếp nhận không phụ thuộc địa giới trong phạm vi tỉnh")
    if errors:
        raise ValidationFailed(
            "Không chuyển được hồ sơ tới cơ quan có thẩm quyền: " + "; ".join(errors),
            code="bad_competent_agency",
            details=errors,
        )


def route_to_competent(
    dossier: Dossier, competent: Agency | None, *, desk: Agency, at: dt.datetime
) -> bool:
    """Before receipt: set the dossier's lead agency to ``competent`` (checked). True if routed
    elsewhere than the desk's default."""
    if competent is None or competent.pk == dossier.processing_agency_id:
        return False
    from django.utils import timezone

    competent = Agency.objects.select_related("unit").get(pk=competent.pk)  # never a stale copy
    competent_agency_check(dossier, competent, desk, timezone.localtime(at).date())
    dossier.processing_agency = competent
    dossier.save(update_fields=["processing_agency"])
    return True


def routed_event(dossier: Dossier, *, actor: Actor, desk: Agency, at: dt.datetime) -> None:
    """After receipt: the history says where the dossier went and why."""
    _event(
        dossier,
        EventType.ROUTED,
        actor=actor,
        at=at,
        agency=desk,
        note=(
            f"Tiếp nhận không phụ thuộc địa giới hành chính tại {desk.name}; chuyển "
            f"{dossier.processing_agency.name} giải quyết"
        ),
        data={"receiving_agency": desk.code, "competent_agency": dossier.processing_agency.code},
    )
