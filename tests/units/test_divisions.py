"""Official division lists: Bình Phước 2022, the current 34 provinces, and merges."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.core.errors import ValidationFailed
from motcua.units.models import AdministrativeUnit, Agency, Level, UnitKind
from motcua.units.selectors import (
    agencies_under,
    unit_current,
    unit_lineage_ids,
    unit_subtree_ids,
    units_valid_on,
)
from motcua.units.services import divisions_2022_load, divisions_current_load, unit_merge

pytestmark = pytest.mark.django_db


def test_binh_phuoc_2022() -> None:
    summary = divisions_2022_load(actor=None)
    assert summary == {"provinces": 63, "districts": 11, "communes": 111, "created": 185}
    bp = AdministrativeUnit.objects.get(level=Level.PROVINCE, code="70", valid_from=None)
    assert bp.name == "Tỉnh Bình Phước"
    assert bp.valid_to == dt.date(2025, 6, 30)
    districts = AdministrativeUnit.objects.filter(parent=bp)
    assert sorted(int(d.code) for d in districts) == list(range(688, 699))
    assert AdministrativeUnit.objects.filter(parent__parent=bp, level=Level.COMMUNE).count() == 111
    dong_xoai = AdministrativeUnit.objects.get(code="689")
    assert dong_xoai.kind == UnitKind.PROVINCIAL_CITY
    assert AdministrativeUnit.objects.get(code="688").kind == UnitKind.TOWN  # Thị xã Phước Long
    kinds = set(
        AdministrativeUnit.objects.filter(level=Level.COMMUNE).values_list("kind", flat=True)
    )
    assert kinds == {UnitKind.WARD, UnitKind.COMMUNE, UnitKind.TOWNSHIP}
    # Hà Nội did not change in 2025: no end date
    assert AdministrativeUnit.objects.get(code="1").valid_to is None


def test_load_is_idempotent() -> None:
    divisions_2022_load(actor=None)
    again = divisions_2022_load(actor=None)
    assert again["created"] == 0
    assert AdministrativeUnit.objects.count() == 185


def test_current_structure_and_merges() -> None:
    divisions_2022_load(actor=None)
    summary = divisions_current_load(actor=None)
    assert summary["provinces"] == 34
    on = dt.date(2026, 1, 1)
    current_provinces = units_valid_on(on).filter(level=Level.PROVINCE)
    assert current_provinces.count() == 34
    assert units_valid_on(dt.date(2022, 6, 30)).filter(level=Level.PROVINCE).count() == 63
    bp = AdministrativeUnit.objects.get(level=Level.PROVINCE, code="70", valid_from=None)
    dong_nai = AdministrativeUnit.objects.get(
        level=Level.PROVINCE, code="75", valid_from=dt.date(2025, 7, 1)
    )
    assert bp.successor == dong_nai
    assert unit_current(bp) == dong_nai
    assert unit_current(bp, on=dt.date(2022, 6, 30)) == bp
    # code 15 is Yên Bái before the reform and the new Lào Cai after it
    assert (
        AdministrativeUnit.objects.get(level=Level.PROVINCE, code="15", valid_from=None).name
        == "Tỉnh Yên Bái"
    )
    new_lao_cai = AdministrativeUnit.objects.get(
        level=Level.PROVINCE, code="15", valid_from=dt.date(2025, 7, 1)
    )
    assert "Lào Cai" in new_lao_cai.name
    assert (
        AdministrativeUnit.objects.get(level=Level.PROVINCE, code="10", valid_from=None).successor
        == new_lao_cai
    )
    # everything of old Bình Phước is findable under the new Đồng Nai
    assert bp.pk in unit_lineage_ids(dong_nai)
    subtree = unit_subtree_ids(dong_nai)
    assert AdministrativeUnit.objects.get(code="689").pk in subtree  # Đồng Xoài
    assert divisions_current_load(actor=None)["created"] == 0  # idempotent


def test_agencies_of_a_merged_unit_found_under_both() -> None:
    divisions_2022_load(actor=None)
    bp = AdministrativeUnit.objects.get(level=Level.PROVINCE, code="70", valid_from=None)
    dong_nai_old = AdministrativeUnit.objects.get(level=Level.PROVINCE, code="75", valid_from=None)
    agency = Agency.objects.create(
        code="000.00.03.H10", name="Sở Tư pháp", kind="so_nganh", level=Level.PROVINCE, unit=bp
    )
    unit_merge(actor=None, source=bp, target=dong_nai_old, effective=dt.date(2024, 1, 1))
    assert agency in agencies_under(dong_nai_old)
    assert agency in agencies_under(bp)


def test_merge_refusals() -> None:
    divisions_2022_load(actor=None)
    bp = AdministrativeUnit.objects.get(level=Level.PROVINCE, code="70", valid_from=None)
    district = AdministrativeUnit.objects.get(code="689")
    dn = AdministrativeUnit.objects.get(level=Level.PROVINCE, code="75", valid_from=None)
    with pytest.raises(ValidationFailed) as exc:
        unit_merge(actor=None, source=bp, target=bp, effective=dt.date(2025, 7, 1))
    assert exc.value.code == "merge_self"
    with pytest.raises(ValidationFailed) as exc:
        unit_merge(actor=None, source=district, target=dn, effective=dt.date(2025, 7, 1))
    assert exc.value.code == "merge_level_mismatch"
    with pytest.raises(ValidationFailed) as exc:  # old Đồng Nai itself ended on 30/6/2025
        unit_merge(actor=None, source=bp, target=dn, effective=dt.date(2025, 7, 1))
    assert exc.value.code == "merge_target_ended"
    unit_merge(actor=None, source=bp, target=dn, effective=dt.date(2024, 1, 1))
    # Bình Phước ended on 31/12/2023: merging into it from 1/1/2024 is refused as ended
    with pytest.raises(ValidationFailed) as exc:
        unit_merge(actor=None, source=dn, target=bp, effective=dt.date(2024, 1, 1))
    assert exc.value.code == "merge_target_ended"


def test_merge_cycle_refused_and_nothing_changed() -> None:
    """A unit still valid on the day, whose successors lead back to the source: a cycle."""
    province = AdministrativeUnit.objects.create(
        code="70", name="Tỉnh Bình Phước", kind=UnitKind.PROVINCE, level=Level.PROVINCE
    )
    other = AdministrativeUnit.objects.create(
        code="75", name="Tỉnh Đồng Nai", kind=UnitKind.PROVINCE, level=Level.PROVINCE
    )
    unit_merge(actor=None, source=province, target=other, effective=dt.date(2024, 1, 1))
    province.refresh_from_db()
    assert (province.valid_to, province.successor) == (dt.date(2023, 12, 31), other)
    # Bình Phước is still valid on 1/6/2023, so only its successor (Đồng Nai) closes the cycle
    with pytest.raises(ValidationFailed) as exc:
        unit_merge(actor=None, source=other, target=province, effective=dt.date(2023, 6, 1))
    assert exc.value.code == "merge_cycle"
    other.refresh_from_db()
    assert (other.valid_to, other.successor) == (None, None)
