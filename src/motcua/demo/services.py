"""Loading the demo province: Bình Phước 2022 (units, agencies, calendar, catalog, an admin)."""

from __future__ import annotations

import datetime as dt
import secrets
import time
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from motcua.audit.services import audit_record
from motcua.catalog.services import catalog_import_specs
from motcua.counterqueue.demo import demo_counterqueue
from motcua.demo.agencies import agency_rows
from motcua.demo.catalog_gen import demo_catalog
from motcua.demo.dossiers_gen import load_dossiers, load_staff, staff_plan
from motcua.demo.history import history_load
from motcua.drafting.demo import drafting_demo_load
from motcua.eforms.demo import demo_eforms
from motcua.eservices.services import demo_booking_slots
from motcua.esign.services import esign_demo_setup
from motcua.feedback.demo import demo_feedback
from motcua.payments.demo import payments_demo_load
from motcua.portal.demo import demo_ratings
from motcua.postal.demo import postal_demo_load
from motcua.reform.par_demo import seed_par_demo
from motcua.reform.plan_demo import seed_reform_demo
from motcua.reports.agg_rebuild import rebuild_aggregates
from motcua.reports.indices import criteria_load
from motcua.units.models import AdministrativeUnit, Agency, Level, Role
from motcua.units.services import divisions_2022_load
from motcua.worktime.models import WorkCalendar


def _agencies() -> int:
    province = AdministrativeUnit.objects.get(level=Level.PROVINCE, code="70", valid_from=None)
    districts = []
    for d in AdministrativeUnit.objects.filter(parent=province).order_by("code"):
        communes = list(
            AdministrativeUnit.objects.filter(parent=d).order_by("code").values_list("code", "name")
        )
        districts.append((d.code, d.name, communes))
    rows = agency_rows(province.code, districts)
    units = {
        u.code: u
        for u in AdministrativeUnit.objects.filter(valid_from=None).exclude(
            level=Level.PROVINCE, code__in=[]
        )
    }
    existing = set(Agency.objects.values_list("code", flat=True))
    created = 0
    by_code: dict[str, Agency] = {a.code: a for a in Agency.objects.all()}
    for row in rows:  # parents come before children in agency_rows
        if row.code in existing:
            continue
        agency = Agency(
            code=row.code,
            name=row.name,
            short_name=row.short_name,
            kind=row.kind,
            level=row.level,
            unit=units[row.unit_code],
            parent=by_code.get(row.parent_code) if row.parent_code else None,
            receives_dossiers=row.receives_dossiers,
        )
        agency.save()
        by_code[row.code] = agency
        created += 1
    return created


def _calendar() -> WorkCalendar:
    cal, _ = WorkCalendar.objects.get_or_create(
        code="binh-phuoc",
        defaults={
            "name": "Lịch làm việc tỉnh Bình Phước",
            "is_default": True,
            "hours": "07:00-11:30, 13:30-17:00",
        },
    )
    province = AdministrativeUnit.objects.get(level=Level.PROVINCE, code="70", valid_from=None)
    if province.calendar_id != cal.pk:
        province.calendar = cal
        province.save(update_fields=["calendar"])
    return cal


def _targets() -> None:
    """The seed's campaign (Plan 170/KH-UBND, 1/6–2/9/2022) as targets."""
    from motcua.reports.models import Metric, Target

    basis = "Kế hoạch 170/KH-UBND ngày 01/6/2022 (chiến dịch 92 ngày đêm)"
    for name, metric, value in (
        ("80% dịch vụ công trực tuyến phát sinh hồ sơ", Metric.ONLINE_SERVICES_USED, 80),
        ("50% hồ sơ TTHC xử lý trực tuyến", Metric.ONLINE_DOSSIERS, 50),
        ("100% hồ sơ, kết quả giải quyết được số hóa", Metric.DIGITIZED, 100),
        ("100% hồ sơ giải quyết đúng hạn", Metric.ON_TIME, 100),
    ):
        Target.objects.get_or_create(
            metric=metric,
            period_from=dt.date(2022, 6, 1),
            period_to=dt.date(2022, 9, 2),
            defaults={"name": name, "value": value, "basis": basis},
        )


def _admin_user() -> tuple[str, str]:
    user_model = get_user_model()
    username = "admin"
    password = secrets.token_urlsafe(9)
    user = user_model.objects.filter(username=username).first()
    if user is None:
        user = user_model(username=username, email="admin@motcua.local")
    user.is_staff = user.is_superuser = user.is_active = True
    # one name, shown whole (person_name puts last_name first; the admin greets by first_name)
    user.first_name, user.last_name = "Quản trị hệ thống", ""
    user.set_password(password)
    user.save()
    return username, password


def demo_load(*, seed: int = 2022, scale: float = 0.02) -> dict[str, Any]:
    """Idempotent: running it again changes nothing but the admin's password (printed anew)."""
    started = time.monotonic()
    with transaction.atomic():
        units = divisions_2022_load(actor=None)
        cal = _calendar()
        agencies = _agencies()
        catalog = catalog_import_specs(actor=None, specs=demo_catalog(seed), source="demo")
        catalog.update(demo_eforms())  # the application forms of ten procedures (eforms)
        username, password = _admin_user()
        criteria_load()
        _targets()
        staff_password = secrets.token_urlsafe(9)
        users = load_staff(staff_password)
        # the demo CA and the signing certificates of the agencies whose leaders sign (esign)
        esign = esign_demo_setup(
            agencies=sorted({s.agency for s in staff_plan() if s.role == Role.LEADER}, key=str)
        )
        dossiers = load_dossiers(users, seed)
        history = history_load(scale, seed)
        ratings = demo_ratings(seed)
        feedback = demo_feedback(scale, seed)  # the half-year's phản ánh, kiến nghị (index 8)
        demo_booking_slots()  # counter-visit slots for the portal's booking page
        drafting_demo_load()  # result templates of common procedures (motcua.drafting)
        demo_counterqueue(seed)  # desks and a day of queue tickets (counterqueue)
        history["reform"] = seed_reform_demo()  # the 2022 reform plan, figures, narratives
        history["payments"] = payments_demo_load()  # the history's online payments, receipts
        history["postal"] = postal_demo_load()  # a few results returned by post (issue 15)
        history["aggregates"] = rebuild_aggregates()  # the statistics' daily counts (reports)
        history["par"] = seed_par_demo(seed)  # PAR index 2021, 2022 (reform, after aggregates)
        audit_record(
            actor=None,
            action="demo.load",
            object_type="Demo",
            object_id=seed,
            after={
                "units": units,
                "agencies_created": agencies,
                "catalog": catalog,
                "dossiers": dossiers,
            },
        )
    return {
        "units": units,
        "calendar": cal.code,
        "agencies_created": agencies,
        "agencies": Agency.objects.count(),
        "catalog": catalog,
        "admin": {"username": username, "password": password},
        "staff": {
            "usernames": sorted(users),
            "password": staff_password,
            "accounts": [
                {
                    "username": p.username,
                    "name": p.name,
                    "role": str(p.role),
                    "agency": p.agency.name,
                }
                for p in staff_plan()
            ],
        },
        "dossiers": dossiers,
        "esign": esign,
        "history_2022": history,
        "ratings": ratings,
        "feedback": feedback,
        "seconds": round(time.monotonic() - started, 1),
    }
