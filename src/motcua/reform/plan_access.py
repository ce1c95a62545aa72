"""Who may see and change the reform plan. Every page, command and admin action asks here.

* A province administrator (``Role.PROVINCE_ADMIN`` in an agency of the province) manages the
  plans of that province: tasks, indicators, legal-document counts, narratives, the report.
* An agency's staff (any active role) see the tasks their agency is responsible for and record
  progress and evidence on them; nothing else.
* The indicators' list is shared by every unit: only whoever keeps every agency of the
  installation changes it (``keeps_indicator_list``); a province administrator's role held at a
  district agency manages that district's unit only.
* Superusers (and the system: commands, the demo, ``actor=None``) manage everything. Anyone
  else (a citizen, an account without a role) is refused.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from motcua.core.errors import NotFound, PermissionDenied
from motcua.dossiers.access import administers_everything, is_superuser
from motcua.reform.models import ReformPlan, ReformTask
from motcua.units.models import AdministrativeUnit, Membership, Role

Actor = AbstractBaseUser | AnonymousUser

REFUSED = "Bạn không có quyền theo dõi cải cách hành chính"
NOT_MANAGER = "Chỉ quản trị cấp tỉnh được quản lý kế hoạch cải cách hành chính"


def _authenticated(actor: Actor | None) -> bool:
    return actor is not None and bool(getattr(actor, "is_authenticated", False))


def managed_unit_ids(actor: Actor | None) -> set[int] | None:
    """The units (provinces) whose plans the actor manages; None = all (a superuser, or the
    system itself: ``actor=None`` is what the command line and the demo loader pass; the web
    always passes ``request.user``, an AnonymousUser when nobody is logged in)."""
    if actor is None:
        return None
    if not _authenticated(actor):
        return set()
    if is_superuser(actor):
        return None
    return set(
        Membership.objects.filter(
            user_id=actor.pk, active=True, role=Role.PROVINCE_ADMIN
        ).values_list("agency__unit_id", flat=True)
    )


LIST_KEEPER = (
    "Chỉ quản trị giữ toàn bộ các cơ quan của hệ thống được sửa danh mục chỉ tiêu cải cách hành "
    "chính (danh mục dùng chung cho mọi địa bàn); quản trị cấp huyện hoặc của một tỉnh chỉ nhập "
    "số liệu của địa bàn mình"
)


def keeps_indicator_list(actor: Actor | None) -> bool:
    """Who may define and change the indicators (``Indicator``): one list that the figures and
    reports of every unit read, so a row of no unit — only whoever keeps every agency of the
    installation (``dossiers.access.administers_everything``: the system, a superuser, the
    administrator of its one province). A province administrator's role held at a district
    agency manages that district's unit, and another province's administrator their province:
    neither changes what every other unit's figures mean."""
    if actor is None:
        return True
    if not _authenticated(actor):
        return False
    if is_superuser(actor):
        return True
    return bool(managed_unit_ids(actor)) and administers_everything(actor)


def require_list_keeper(actor: Actor | None) -> None:
    if not keeps_indicator_list(actor):
        raise PermissionDenied(LIST_KEEPER, code="permission_denied")


def own_agency_ids(actor: Actor | None) -> set[int]:
    """Agencies where the actor holds any active role (their own, never expanded)."""
    if not _authenticated(actor):
        return set()
    return set(
        Membership.objects.filter(user_id=actor.pk, active=True).values_list("agency_id", flat=True)
    )


def require_staff(actor: Actor | None) -> None:
    """A staff member of some agency, or a superuser."""
    if is_superuser(actor) or own_agency_ids(actor):
        return
    raise PermissionDenied(REFUSED, code="permission_denied")


def is_manager(actor: Actor | None, unit: AdministrativeUnit | int | None = None) -> bool:
    ids = managed_unit_ids(actor)
    if ids is None:
        return True
    if unit is None:
        return bool(ids)
    return (unit if isinstance(unit, int) else unit.pk) in ids


def require_manager(actor: Actor | None, unit: AdministrativeUnit | int | None = None) -> None:
    if not is_manager(actor, unit):
        raise PermissionDenied(NOT_MANAGER, code="permission_denied")


def managed_units(actor: Actor | None) -> QuerySet[AdministrativeUnit]:
    """Units whose plans the actor manages (a unit merged away keeps its past plans)."""
    ids = managed_unit_ids(actor)
    if ids is None:
        return AdministrativeUnit.objects.filter(level=1)
    return AdministrativeUnit.objects.filter(pk__in=ids)


def plans_visible_to(actor: Actor | None) -> QuerySet[ReformPlan]:
    if is_superuser(actor):
        return ReformPlan.objects.all()
    managed = managed_unit_ids(actor) or set()
    own = own_agency_ids(actor)
    return ReformPlan.objects.filter(
        Q(unit_id__in=managed) | Q(tasks__agency_id__in=own)
    ).distinct()


def tasks_visible_to(actor: Actor | None) -> QuerySet[ReformTask]:
    """Tasks of the plans the actor manages, and the tasks of the actor's own agencies."""
    qs = ReformTask.objects.select_related("agency", "plan")
    if is_superuser(actor):
        return qs
    managed = managed_unit_ids(actor) or set()
    own = own_agency_ids(actor)
    if not managed and not own:
        return qs.none()
    return qs.filter(Q(plan__unit_id__in=managed) | Q(agency_id__in=own))


def task_get_for(actor: Actor | None, pk: int | str) -> ReformTask:
    """A task the actor may see, or NotFound (never reveals that other agencies' tasks exist)."""
    try:
        task = tasks_visible_to(actor).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        task = None
    if task is None:
        raise NotFound("Không tìm thấy nhiệm vụ", code="not_found")
    return task


def can_report_progress(actor: Actor | None, task: ReformTask) -> bool:
    return is_manager(actor, task.plan.unit_id) or task.agency_id in own_agency_ids(actor)


def require_progress(actor: Actor | None, task: ReformTask) -> None:
    if not can_report_progress(actor, task):
        raise PermissionDenied(
            "Chỉ cơ quan chủ trì hoặc quản trị cấp tỉnh được cập nhật nhiệm vụ này",
            code="permission_denied",
        )
