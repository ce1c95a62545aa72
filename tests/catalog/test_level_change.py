"""A procedure's change of level with validity dates (issue 11): the district procedure that the
commune handles from 1 July 2025 becomes a new version, never a correction in place."""

from __future__ import annotations

import dataclasses
import datetime as dt

from motcua.catalog.models import Procedure, ProcedureStatus
from motcua.catalog.services import catalog_import_specs
from motcua.units.models import Level
from tests.factories import procedure_spec


def test_level_change_is_a_new_version_from_its_date(db: None) -> None:
    old = procedure_spec("2.000200", level=Level.DISTRICT, valid_from=dt.date(2020, 1, 1))
    catalog_import_specs(actor=None, specs=[old], source="t")
    # a plain correction (same level) stays in place
    fixed = dataclasses.replace(old, name="Cấp giấy phép (sửa lỗi chính tả)")
    out = catalog_import_specs(actor=None, specs=[fixed], source="t")
    assert out["updated"] == 1 and "level_changes" not in out
    assert Procedure.objects.filter(code="2.000200").count() == 1
    moved = dataclasses.replace(
        old, level=Level.COMMUNE, valid_from=dt.date(2025, 7, 1), decision="QĐ 1/2025"
    )
    out = catalog_import_specs(actor=None, specs=[moved], source="t")
    assert out["level_changes"] == 1
    v1, v2 = Procedure.objects.filter(code="2.000200").order_by("version")
    assert (v1.level, v1.at_district, v1.valid_to, v1.status) == (
        Level.DISTRICT,
        True,
        dt.date(2025, 6, 30),
        ProcedureStatus.AMENDED,
    )
    assert (v2.level, v2.at_commune, v2.at_district, v2.valid_from) == (
        Level.COMMUNE,
        True,
        False,
        dt.date(2025, 7, 1),
    )
    assert v1.replaced_by_id == v2.pk
    # the same file again changes nothing
    again = catalog_import_specs(
        actor=None, specs=[dataclasses.replace(moved, status=ProcedureStatus.PUBLISHED)], source="t"
    )
    assert again["unchanged"] == 1 and "level_changes" not in again
    assert Procedure.objects.filter(code="2.000200").count() == 2


def test_a_level_change_dated_before_the_current_version_is_not_a_new_version(db: None) -> None:
    old = procedure_spec("2.000201", level=Level.DISTRICT, valid_from=dt.date(2025, 7, 1))
    catalog_import_specs(actor=None, specs=[old], source="t")
    back = dataclasses.replace(old, level=Level.COMMUNE, valid_from=dt.date(2025, 1, 1))
    out = catalog_import_specs(actor=None, specs=[back], source="t")
    assert "level_changes" not in out
    assert Procedure.objects.filter(code="2.000201").count() == 1
