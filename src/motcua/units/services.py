"""Writes to units and agencies: loading the official division lists, merging units."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from motcua.audit.services import audit_record
from motcua.core.errors import ValidationFailed
from motcua.units.models import AdministrativeUnit, Agency, Level, UnitKind

Actor = AbstractBaseUser | AnonymousUser | None

REFORM_DATE = dt.date(2025, 7, 1)  # two-level local government (Nghị quyết 202/2025/QH15)
LAST_DAY_OLD = REFORM_DATE - dt.timedelta(days=1)


def _data(name: str) -> Any:
    return json.loads(resources.files("motcua.units").joinpath("data", name).read_text("utf-8"))


def unit_kind_from_name(name: str, level: int, division_type: str = "") -> str:
    """The kind of a unit from its official name (the lists give 'huyện' for every district)."""
    lowered = name.lower()
    if level == Level.PROVINCE:
        central = "trung ương" in division_type or lowered.startswith("thành phố")
        return UnitKind.CENTRAL_CITY if central else UnitKind.PROVINCE
    if level == Level.DISTRICT:
        for prefix, kind in (
            ("quận", UnitKind.URBAN_DISTRICT),
            ("thị xã", UnitKind.TOWN),
            ("thành phố", UnitKind.PROVINCIAL_CITY),
        ):
            if lowered.startswith(prefix):
                return kind
        return UnitKind.RURAL_DISTRICT
    for prefix, kind in (
        ("phường", UnitKind.WARD),
        ("thị trấn", UnitKind.TOWNSHIP),
        ("đặc khu", UnitKind.SPECIAL_ZONE),
    ):
        if lowered.startswith(prefix) or division_type == prefix:
            return kind
    return UnitKind.COMMUNE


def _upsert(
    *, code: str, valid_from: dt.date | None, defaults: dict[str, Any]
) -> tuple[AdministrativeUnit, bool]:
    unit = AdministrativeUnit.objects.filter(
        level=defaults["level"], code=code, valid_from=valid_from
    ).first()
    if unit is None:
        unit = AdministrativeUnit(code=code, valid_from=valid_from, **defaults)
        unit.full_clean(validate_unique=False)
        unit.save()
        return unit, True
    changed = [k for k, v in defaults.items() if getattr(unit, k) != v]
    if changed:
        for k in changed:
            setattr(unit, k, defaults[k])
        unit.save(update_fields=changed)
    return unit, False


@transaction.atomic
def divisions_2022_load(*, actor: Actor, detail_province: int = 70) -> dict[str, int]:
    """Load the 63 provinces as they were before 1 July 2025 and, for ``detail_province``
    (default Bình Phước, code 70), its districts and communes. Idempotent."""
    data = _data("divisions_2022.json")
    merges = _data("province_merges_2025.json")["merges"]
    created = 0
    provinces: dict[int, AdministrativeUnit] = {}
    for p in data["provinces_2022"]:
        unchanged = (
            merges[str(p["code"])] == p["code"] and list(merges.values()).count(p["code"]) == 1
        )
        unit, new = _upsert(
            code=str(p["code"]),
            valid_from=None,
            defaults={
                "name": p["name"],
                "kind": unit_kind_from_name(p["name"], Level.PROVINCE, p["division_type"]),
                "level": Level.PROVINCE,
                "parent": None,
                "valid_to": None if unchanged else LAST_DAY_OLD,
                "source": "vietnam-provinces 0.6.0",
            },
        )
        provinces[p["code"]] = unit
        created += new
    detail = data["binh_phuoc"] if detail_province == 70 else None
    if detail is None:
        raise ValidationFailed(
            "Dữ liệu chi tiết cấp huyện, xã hiện chỉ có cho tỉnh Bình Phước (mã 70)",
            code="no_detail_data",
        )
    province = provinces[detail["code"]]
    districts = communes = 0
    for d in detail["districts"]:
        district, new = _upsert(
            code=str(d["code"]),
            valid_from=None,
            defaults={
                "name": d["name"],
                "kind": unit_kind_from_name(d["name"], Level.DISTRICT),
                "level": Level.DISTRICT,
                "parent": province,
                "valid_to": LAST_DAY_OLD,
                "source": "vietnam-provinces 0.6.0",
            },
        )
        created += new
        districts += 1
        for w in d["wards"]:
            _, new = _upsert(
                code=str(w["code"]),
                valid_from=None,
                defaults={
                    "name": w["name"],
                    "kind": unit_kind_from_name(w["name"], Level.COMMUNE),
                    "level": Level.COMMUNE,
                    "parent": district,
                    "valid_to": LAST_DAY_OLD,
                    "source": "vietnam-provinces 0.6.0",
                },
            )
            created += new
            communes += 1
    summary = {
        "provinces": len(provinces),
        "districts": districts,
        "communes": communes,
        "created": created,
    }
    audit_record(
        actor=actor,
        action="units.load_2022",
        object_type="AdministrativeUnit",
        object_id=detail["code"],
        after=summary,
    )
    return summary


@transaction.atomic
def divisions_current_load(*, actor: Actor) -> dict[str, int]:
    """Load the current two-level structure (34 provinces and their communes) from the installed
    ``vietnam-provinces`` release and link each 2022 province to the one it was merged into."""
    from vietnam_provinces import Province, Ward  # the current release, pinned in pyproject

    merges = _data("province_merges_2025.json")["merges"]
    targets = set(merges.values())
    created = 0
    new_provinces: dict[int, AdministrativeUnit] = {}
    for p in Province.iter_all():
        code = int(p.code)
        old = AdministrativeUnit.objects.filter(
            code=str(code), valid_from=None, level=Level.PROVINCE, valid_to__isnull=True
        ).first()
        if old is not None and code in targets:
            # unchanged province: the same unit goes on, only its name may have changed
            new_provinces[code] = old
            continue
        unit, new = _upsert(
            code=str(code),
            valid_from=REFORM_DATE,
            defaults={
                "name": p.name if p.name.startswith("Thành phố") else f"Tỉnh {p.name}",
                "kind": unit_kind_from_name(p.name, Level.PROVINCE, p.division_type.value),
                "level": Level.PROVINCE,
                "parent": None,
                "valid_to": None,
                "source": "vietnam-provinces (bản hiện hành)",
            },
        )
        new_provinces[code] = unit
        created += new
    existing = set(
        AdministrativeUnit.objects.filter(valid_from=REFORM_DATE, level=Level.COMMUNE).values_list(
            "code", flat=True
        )
    )
    batch = []
    from vietnam_provinces.lookup import WARD_MAPPING

    wards: list[Ward] = list(WARD_MAPPING.values())
    for w in wards:
        if str(int(w.code)) in existing:
            continue
        unit = AdministrativeUnit(
            code=str(int(w.code)),
            name=w.name,
            kind=unit_kind_from_name(w.name, Level.COMMUNE, w.division_type.value),
            level=Level.COMMUNE,
            parent=new_provinces[int(w.province_code)],
            valid_from=REFORM_DATE,
            source="vietnam-provinces (bản hiện hành)",
        )
        unit.refresh_search_text()
        batch.append(unit)
    AdministrativeUnit.objects.bulk_create(batch, batch_size=1000)
    created += len(batch)
    merged = 0
    for old_code, new_code in merges.items():
        old = AdministrativeUnit.objects.filter(
            code=old_code, valid_from=None, level=Level.PROVINCE
        ).first()
        target = new_provinces.get(new_code)
        if old is None or target is None or old.pk == target.pk:
            continue
        if old.successor_id != target.pk:
            old.successor = target
            old.valid_to = LAST_DAY_OLD
            old.save(update_fields=["successor", "valid_to"])
            merged += 1
    summary = {
        "provinces": len(new_provinces),
        "communes": len(wards),
        "created": created,
        "merged": merged,
    }
    audit_record(
        actor=actor,
        action="units.load_current",
        object_type="AdministrativeUnit",
        object_id="VN",
        after=summary,
    )
    return summary


@transaction.atomic
def unit_merge(
    *, actor: Actor, source: AdministrativeUnit, target: AdministrativeUnit, effective: dt.date
) -> AdministrativeUnit:
    """Merge ``source`` into ``target`` from ``effective``: the source ends the day before."""
    source = AdministrativeUnit.objects.select_for_update().get(pk=source.pk)
    target = AdministrativeUnit.objects.get(pk=target.pk)  # never trust a stale copy
    if source.pk == target.pk:
        raise ValidationFailed("Không thể sáp nhập một đơn vị vào chính nó", code="merge_self")
    if source.level != target.level:
        raise ValidationFailed("Chỉ sáp nhập các đơn vị cùng cấp", code="merge_level_mismatch")
    if target.valid_to is not None and target.valid_to < effective:
        raise ValidationFailed(
            "Đơn vị nhận sáp nhập đã hết hiệu lực vào ngày sáp nhập", code="merge_target_ended"
        )
    walk: AdministrativeUnit | None = target
    while walk is not None:
        if walk.pk == source.pk:
            raise ValidationFailed("Sáp nhập tạo thành vòng lặp", code="merge_cycle")
        walk = walk.successor
    before = {"valid_to": source.valid_to, "successor": source.successor_id}
    source.valid_to = effective - dt.timedelta(days=1)
    source.successor = target
    if source.valid_from and source.valid_to < source.valid_from:
        raise ValidationFailed(
            "Ngày sáp nhập trước ngày đơn vị có hiệu lực", code="merge_before_start"
        )
    source.save(update_fields=["valid_to", "successor"])
    audit_record(
        actor=actor,
        action="units.merge",
        object_type="AdministrativeUnit",
        object_id=source.pk,
        before=before,
        after={"valid_to": source.valid_to, "successor": target.pk},
    )
    return source


def agency_get_or_create_for_import(
    *, code: str, name: str = "", level: int | None = None
) -> tuple[Agency, bool]:
    """Used by imports: link a known agency or create an 'imported, needs review' one."""
    agency = Agency.objects.filter(code=code).first()
    if agency is not None:
        return agency, False
    unit = AdministrativeUnit.objects.filter(level=Level.PROVINCE).order_by("valid_from").first()
    if unit is None:
        raise ValidationFailed("Chưa có đơn vị hành chính nào để gắn cơ quan", code="no_units")
    agency = Agency(
        code=code,
        name=name or f"Cơ quan {code} (nhập từ dữ liệu cũ)",
        kind="so_nganh",
        level=level or Level.PROVINCE,
        unit=unit,
        needs_review=True,
    )
    agency.save()
    return agency, True
