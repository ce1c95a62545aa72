"""``motcua demo --current``: Đồng Nai under the two-level local government, built through the
same services as the 2022 demo (see the package's modules)."""

from __future__ import annotations

import secrets
import time
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.audit.services import audit_record
from motcua.catalog.services import catalog_import_specs
from motcua.core.errors import ValidationFailed
from motcua.demo.current import structure
from motcua.demo.current.catalog import current_catalog
from motcua.demo.current.history import history_current_load
from motcua.demo.current.live import live_load
from motcua.demo.current.staff import load_staff, staff_plan
from motcua.units.models import AdministrativeUnit, Agency, AgencyKind, Level
from motcua.units.services import REFORM_DATE, divisions_2022_load, divisions_current_load
from motcua.worktime.models import WorkCalendar


def _guard() -> None:
    """The 2022 demo and this one describe the same places at different times (the 2022 one
    keeps Bình Phước in force): they do not share a database."""
    if Agency.objects.filter(
        code__endswith=".H10", valid_to__isnull=True, kind=AgencyKind.SERVICE_CENTER
    ).exists():
        raise ValidationFailed(
            "Cơ sở dữ liệu đang chứa tỉnh trình diễn Bình Phước 2022 (motcua demo); tỉnh trình "
            "diễn hai cấp cần một cơ sở dữ liệu riêng (ví dụ ./dev reset rồi chạy lại).",
            code="demo_2022_present",
        )


def _calendar() -> WorkCalendar:
    cal, _ = WorkCalendar.objects.get_or_create(
        code="dong-nai",
        defaults={
            "name": "Lịch làm việc tỉnh Đồng Nai",
            "is_default": True,
            "hours": "07:00-11:30, 13:30-17:00",
        },
    )
    for unit in AdministrativeUnit.objects.filter(
        level=Level.PROVINCE, code__in=[structure.PROVINCE_CODE, structure.FORMER_CODE]
    ):
        if unit.calendar_id != cal.pk:
            unit.calendar = cal
            unit.save(update_fields=["calendar"])
    return cal


def _catalog(seed: int) -> dict[str, int]:
    """The catalog, then its level changes of 1 July 2025 (new versions of the district
    procedures). On a second run the changed procedures are left as they are."""
    from motcua.catalog.models import Procedure

    specs, changes = current_catalog(seed)
    changed = set(
        Procedure.objects.filter(
            code__in=[c.code for c in changes], valid_from=REFORM_DATE
        ).values_list("code", flat=True)
    )
    first = catalog_import_specs(
        actor=None, specs=[s for s in specs if s.code not in changed], source="demo hai cấp"
    )
    second = catalog_import_specs(
        actor=None, specs=changes, source="demo hai cấp: thay đổi cấp từ 01/7/2025"
    )
    return {
        "rows": Procedure.objects.filter(valid_to__isnull=True).count(),  # in force today
        "created": first["created"],
        "level_changes": second.get("level_changes", 0),
    }


def demo_current_load(*, seed: int = 2025, scale: float = 0.02) -> dict[str, Any]:
    """Idempotent: running it again changes nothing but the passwords (printed anew)."""
    from motcua.counterqueue.demo import demo_counterqueue
    from motcua.demo.services import _admin_user
    from motcua.reports.agg_rebuild import rebuild_aggregates
    from motcua.reports.indices import criteria_load

    started = time.monotonic()
    _guard()
    with transaction.atomic():
        units = {
            "2022": divisions_2022_load(actor=None),
            "current": divisions_current_load(actor=None),
        }
        cal = _calendar()
        built = structure.build()
        catalog = _catalog(seed)
        username, password = _admin_user()
        criteria_load()
        staff_password = secrets.token_urlsafe(9)
        users = load_staff(built, staff_password)
        history = history_current_load(scale, seed, structure.group(), timezone.localdate())
        live = live_load(users, built, seed)
        queue = demo_counterqueue(seed, per_day=6)
        aggregates = rebuild_aggregates()
        audit_record(
            actor=None,
            action="demo.load_current",
            object_type="Demo",
            object_id=seed,
            after={"units": units, "catalog": catalog, "history": history, "live": live},
        )
    plan = staff_plan(built)
    communes = len(built.communes)
    return {
        "units": units,
        "calendar": cal.code,
        "province": built.province.name,
        "communes": communes,
        "commune_centers": Agency.objects.filter(
            kind=AgencyKind.COMMUNE_CENTER, valid_from=REFORM_DATE
        ).count(),
        "agencies": Agency.objects.count(),
        "catalog": catalog,
        "admin": {"username": username, "password": password},
        "staff": {
            "usernames": sorted(s.username for s in plan),
            "password": staff_password,
            "accounts": [
                {
                    "username": s.username,
                    "name": s.name,
                    "role": str(s.role),
                    "agency": s.agency.name,
                }
                for s in plan
            ],
        },
        "history": history,
        "dossiers": live,
        "queue_tickets": queue,
        "aggregates": aggregates,
        "seconds": round(time.monotonic() - started, 1),
    }
