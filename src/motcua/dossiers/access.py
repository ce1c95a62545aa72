"""Who may see and do what: every back-office path asks these functions, never the ORM directly.

A staff member holds roles in agencies (``units.Membership``). A province administrator's role
covers every agency serving the units under their agency's unit. Superusers see everything.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from motcua.core.errors import NotFound, PermissionDenied
from motcua.core.text import strip_format
from motcua.dossiers.models import Consultation, Dossier, DossierStep
from motcua.units.models import Agency, Membership, Role
from motcua.units.selectors import unit_subtree_ids

Actor = AbstractBaseUser | AnonymousUser

#: The role that acts on each kind of internal-process step.
STEP_ROLE = {
    "tiep_nhan": Role.COUNTER,
    "tra_ket_qua": Role.COUNTER,
    "chuyen_vien": Role.SPECIALIST,
    "lien_thong": Role.SPECIALIST,
    "lanh_dao_phong": Role.LEADER,
    "lanh_dao": Role.LEADER,
}


def is_superuser(actor: Actor | None) -> bool:
    return bool(
        actor is not None
        and getattr(actor, "is_superuser", False)
        and getattr(actor, "is_active", False)
    )


def agency_ids_for(actor: Actor | None, roles: Iterable[str] | None = None) -> set[int] | None:
    """Agencies where ``actor`` holds one of ``roles`` (any role when None); None = all."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return set()
    if is_superuser(actor):
        return None
    rows = Membership.objects.filter(user_id=actor.pk, active=True)
    if roles is not None:
        rows = rows.filter(role__in=list(roles))
    ids: set[int] = set()
    for m in rows.select_related("agency__unit"):
        if m.role == Role.PROVINCE_ADMIN:
            ids.update(
                Agency.objects.filter(unit_id__in=unit_subtree_ids(m.agency.unit)).values_list(
                    "pk", flat=True
                )
            )
        ids.add(m.agency_id)
    return ids


def has_role(actor: Actor | None, agency: Agency, role: str) -> bool:
    if is_superuser(actor):
        return True
    ids = agency_ids_for(actor, [role])
    return ids is None or agency.pk in ids


def require_role(actor: Actor | None, agency: Agency, *roles: str) -> None:
    if not any(has_role(actor, agency, r) for r in roles):
        names = ", ".join(Role(r).label for r in roles)
        raise PermissionDenied(
            f"Bạn không có vai trò {names} tại {agency.name}", code="permission_denied"
        )


def require_step_role(actor: Actor | None, step: DossierStep) -> None:
    require_role(actor, step.agency, STEP_ROLE.get(step.role, Role.SPECIALIST))


#: Who reads the period report: leaders and administrators (of their agencies, or the province).
REPORT_ROLES = (Role.LEADER, Role.PROVINCE_ADMIN, Role.AGENCY_ADMIN)


def report_agency_ids(actor: Actor | None) -> list[int] | None:
    """The agencies whose figures the actor may read in reports (None = all), or
    PermissionDenied. The dashboard and the API both ask this."""
    ids = agency_ids_for(actor, REPORT_ROLES)
    if ids is not None and not ids:
        raise PermissionDenied(
            "Trang báo cáo dành cho lãnh đạo và quản trị", code="permission_denied"
        )
    if ids is None or len(ids) >= Agency.objects.count():
        # every agency there is (a province administrator of a one-province installation): no
        # restriction at all, so the reports read the per-level counts instead of filtering
        # every row by a list of all the agencies (BENCHMARKS.md, the dashboard at 1M)
        return None
    return sorted(ids)


def dossiers_visible_to(actor: Actor | None) -> QuerySet[Dossier]:
    """The one scoping rule of the web, the API and the CLI: a dossier is visible to staff of
    its receiving desk, its lead agency, any agency with a step in it, or consulted on it."""
    return visible_to_agencies(agency_ids_for(actor))


def visible_to_agencies(ids: set[int] | None, *, by_index: bool = False) -> QuerySet[Dossier]:
    """The dossiers visible to staff of these agencies (None: all of them). ``by_index``: the
    same rows, with the scope written so that PostgreSQL reads it from indexes alone — a bitmap
    of the dossiers at the desks and lead agencies, or whose ``step_agencies`` (kept by triggers,
    dossiers 0016) name one of them — and can intersect it with another index's bitmap (the
    trigram index of a name search) before reading a row. The EXISTS form can only filter rows
    already read: a name rare within a desk's scope and common in the province walked the whole
    table (BENCHMARKS.md, the name search). On SQLite both are the EXISTS form."""
    if ids is None:
        return Dossier.objects.all()
    if not ids:
        return Dossier.objects.none()
    if by_index and connection.vendor == "postgresql":
        agencies = sorted(ids)
        return Dossier.objects.filter(
            Q(receiving_agency_id__in=agencies)
            | Q(processing_agency_id__in=agencies)
            | Q(_step_agencies_overlap(agencies))
        )
    # EXISTS, not "pk IN (all the agency's steps)": for one dossier (its page) or a page of
    # search hits PostgreSQL probes the step index by dossier, instead of hashing every step the
    # agency ever had, a cost that grew with the table (docs/scale.md, "Screens")
    step_here = DossierStep.objects.filter(dossier_id=OuterRef("pk"), agency_id__in=ids)
    consulted_here = Consultation.objects.filter(dossier_id=OuterRef("pk"), to_agency_id__in=ids)
    return Dossier.objects.filter(
        Q(receiving_agency_id__in=ids)
        | Q(processing_agency_id__in=ids)
        | Exists(step_here)
        | Exists(consulted_here)
    )


def _step_agencies_overlap(agencies: list[int]) -> RawSQL:
    """The dossier has a step at, or was sent for consultation to, one of these agencies: the
    ``step_agencies`` array kept on the row by triggers (PostgreSQL, dossiers 0016), answered by
    its GIN index."""
    return RawSQL(
        '"dossiers_dossier"."step_agencies" && %s::bigint[]',
        (agencies,),
        output_field=BooleanField(),
    )


def dossier_get_for(actor: Actor | None, code_or_pk: str | int) -> Dossier:
    """A dossier the actor may see, or NotFound (never reveals that others exist)."""
    qs = dossiers_visible_to(actor)
    # no code holds an invisible format character: one pasted with the code is dropped
    text = strip_format(str(code_or_pk))
    # Only plain ASCII digits that fit a primary key are an internal id; anything else is a code
    # (int() would also accept other scripts' digits and arbitrarily long numbers). No code holds
    # a NUL (legacy.code_problem; PostgreSQL refuses it in a query) or is longer than the column.
    is_pk = text.isascii() and text.isdigit() and len(text) <= 18
    if "\x00" in text or len(text) > 60:
        dossier = None
    else:
        dossier = qs.filter(pk=int(text)).first() if is_pk else qs.filter(code=text).first()
    if dossier is None:
        raise NotFound("Không tìm thấy hồ sơ", code="dossier_not_found")
    return dossier


# ---- the administration's rows: units, agencies, memberships ------------------------------------

NOT_YOURS = "Bạn chỉ quản trị đơn vị, cơ quan và cán bộ thuộc địa bàn của mình"


def administered_agency_ids(actor: Actor | None) -> set[int] | None:
    """The agencies whose record and staff roles the actor keeps in the administration: those
    under the unit of each of their province administrator memberships (None: all, a superuser
    or the system; empty: none)."""
    if actor is None:
        return None
    return agency_ids_for(actor, [Role.PROVINCE_ADMIN])


def administered_unit_ids(actor: Actor | None) -> set[int] | None:
    """The administrative units (with every unit under them) of the actor's province
    administrator memberships (None: all)."""
    if actor is None or is_superuser(actor):
        return None
    if not getattr(actor, "is_authenticated", False):
        return set()
    ids: set[int] = set()
    rows = Membership.objects.filter(
        user_id=actor.pk, active=True, role=Role.PROVINCE_ADMIN
    ).select_related("agency__unit")
    for m in rows:
        ids |= unit_subtree_ids(m.agency.unit)
    return ids


def require_administers(
    actor: Actor | None, *, agency_id: int | None = None, unit_id: int | None = None
) -> None:
    """PermissionDenied unless the agency (and the unit) are within the actor's province."""
    if agency_id is not None:
        require_agency_rows(actor, agency_id)
    if unit_id is not None:
        units = administered_unit_ids(actor)
        if units is not None and unit_id not in units:
            raise PermissionDenied(NOT_YOURS, code="permission_denied")


def administers_everything(actor: Actor | None) -> bool:
    """The actor keeps every agency of the installation (the system, a superuser, or the
    administrator of its one province): the rows no single province owns are theirs."""
    ids = administered_agency_ids(actor)
    return ids is None or not Agency.objects.exclude(pk__in=ids).exists()


def calendars_kept_by(actor: Actor | None, qs: QuerySet) -> QuerySet:  # type: ignore[type-arg]
    """The working calendars the actor may change: none used by a unit outside their province,
    and the default one (every unit without a calendar counts on it) only when they keep
    everything."""
    units = administered_unit_ids(actor)
    if units is None:
        return qs
    qs = qs.exclude(units__in=_units_outside(units))
    return qs if administers_everything(actor) else qs.exclude(is_default=True)


def _units_outside(units: set[int]) -> QuerySet:  # type: ignore[type-arg]
    from motcua.units.models import AdministrativeUnit

    return AdministrativeUnit.objects.exclude(pk__in=units)


def require_calendar_keeper(actor: Actor | None, calendar: object) -> None:
    """PermissionDenied unless the actor may save this calendar (as changed: ``is_default``
    ticked on a new or existing one needs the whole installation)."""
    from motcua.worktime.models import WorkCalendar

    pk = getattr(calendar, "pk", None)
    if pk is not None and not calendars_kept_by(actor, WorkCalendar.objects.filter(pk=pk)):
        raise PermissionDenied(NOT_YOURS, code="permission_denied")
    if getattr(calendar, "is_default", False) and not administers_everything(actor):
        raise PermissionDenied(NOT_YOURS, code="permission_denied")


def keeps_agency_rows(actor: Actor | None, *agency_ids: int | None) -> bool:
    """The actor may change a shared row (a procedure, its steps) belonging to these agencies:
    each within their province; ``None`` (a row of no agency, which every province applies) only
    when they keep the whole installation."""
    ids = administered_agency_ids(actor)
    if ids is None:
        return True
    if any(a is None for a in agency_ids) and not administers_everything(actor):
        return False
    return all(a in ids for a in agency_ids if a is not None)


def require_agency_rows(actor: Actor | None, *agency_ids: int | None) -> None:
    if not keeps_agency_rows(actor, *agency_ids):
        raise PermissionDenied(NOT_YOURS, code="permission_denied")


def keeps_unit_rows(actor: Actor | None, *unit_ids: int | None) -> bool:
    """The actor may change a row kept by administrative unit (a target, a plan's figures) of
    these units: each within their province; ``None`` (a row of the whole installation) only
    when they keep every agency of it."""
    units = administered_unit_ids(actor)
    if units is None:
        return True
    if any(u is None for u in unit_ids) and not administers_everything(actor):
        return False
    return all(u in units for u in unit_ids if u is not None)


def require_unit_rows(actor: Actor | None, *unit_ids: int | None) -> None:
    if not keeps_unit_rows(actor, *unit_ids):
        raise PermissionDenied(NOT_YOURS, code="permission_denied")


def unit_rows_kept_by(actor: Actor | None, qs: QuerySet, field: str = "unit") -> QuerySet:  # type: ignore[type-arg]
    """The rows of ``qs`` (kept by the unit in ``field``) the actor may change: those of their
    province's units, and the installation's (no unit) when they keep every agency."""
    units = administered_unit_ids(actor)
    if units is None:
        return qs
    mine = Q(**{f"{field}_id__in": units})
    if administers_everything(actor):
        mine |= Q(**{f"{field}__isnull": True})
    return qs.filter(mine)


def agency_rows_kept_by(actor: Actor | None, qs: QuerySet, field: str = "agency") -> QuerySet:  # type: ignore[type-arg]
    """The rows of ``qs`` (kept by the agency in ``field``, a path such as ``slot__desk``) the
    actor keeps in the administration: those of their province's agencies, and the rows of no
    agency only when they keep every agency."""
    ids = administered_agency_ids(actor)
    if ids is None:
        return qs
    mine = Q(**{f"{field}_id__in": ids})
    if administers_everything(actor):
        mine |= Q(**{f"{field}__isnull": True})
    return qs.filter(mine)


def dossier_rows_kept_by(actor: Actor | None, qs: QuerySet, field: str = "dossier") -> QuerySet:  # type: ignore[type-arg]
    """The rows of ``qs`` about a dossier (in ``field``) the actor keeps in the administration:
    those of the dossiers visible to their province's agencies (all of them when they keep every
    agency; none when they administer no province)."""
    ids = administered_agency_ids(actor)
    if ids is None or (ids and administers_everything(actor)):
        return qs
    return qs.filter(**{f"{field}__in": visible_to_agencies(ids).values("pk")})


def accounts_kept_by(actor: Actor | None, qs: QuerySet) -> QuerySet:  # type: ignore[type-arg]
    """The accounts of ``qs`` the actor keeps in the administration (a password reset there holds
    the account's desk): those with no membership at an agency outside their province; citizens'
    accounts only when they keep every agency; an account of no agency yet (added, its membership
    to come) only when they added it (the audit trail's record of its creation) or keep every
    agency."""
    from motcua.audit.models import AuditEntry

    ids = administered_agency_ids(actor)
    if ids is None:
        return qs
    qs = qs.exclude(memberships__agency__in=Agency.objects.exclude(pk__in=ids))
    if administers_everything(actor):
        return qs
    added = AuditEntry.objects.filter(
        action="auth.user.create",
        object_type="auth.User",
        actor_id=actor.pk,  # type: ignore[union-attr]
    ).values_list("object_id", flat=True)
    return qs.filter(citizen__isnull=True).filter(
        Exists(Membership.objects.filter(user=OuterRef("pk")))
        | Q(pk__in=[int(pk) for pk in added if pk.isdigit()])
    )
