"""The two-level demo catalog, from the 2022 demo catalog (``motcua.demo.catalog_gen``).

* Provincial procedures go on at the current departments (a merged department's procedures at
  the one that took it over, ``structure.MERGED_INTO``).
* District procedures change level on 1 July 2025 (the former Bình Phước districts received them
  until then): a second import of the same codes from that date makes each a new version
  (``catalog_import_specs`` → ``procedure_amend``; the first ends on 30 June 2025), at the commune
  (most) or at the province (health, and the district police's vehicle registration, now the
  province's): ``DISTRICT_TO_PROVINCE``.
* Commune procedures go on; an inter-level one whose upper step was the district's now goes up to
  the province.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from motcua.catalog.services import ProcedureSpec, StepSpec
from motcua.demo.agencies import PROVINCE_GROUP as FORMER_GROUP
from motcua.demo.catalog_gen import demo_catalog
from motcua.demo.current.structure import code, department_code
from motcua.units.models import Level
from motcua.units.services import REFORM_DATE

#: district fields (demo catalog codes) whose procedures went to the province, and to whom
DISTRICT_TO_PROVINCE = {"H22-YT01": 16, "H01-CA01": 31}
DECISION = "Quyết định công bố danh mục TTHC thực hiện tại chính quyền địa phương hai cấp"


def _department(agency_code: str) -> str:
    """``000.00.NN.H10`` (2022 demo numbering) → the current department's identifier."""
    if not agency_code:
        return ""
    v, z, y, _ = agency_code.split(".")
    if (v, z) != ("000", "00"):
        return agency_code
    return department_code(int(y))


def _steps(steps: list[StepSpec], *, upper: int | None) -> list[StepSpec]:
    out = []
    for s in steps:
        level = s.level
        if level == Level.DISTRICT:
            level = upper
        out.append(dataclasses.replace(s, level=level))
    return out


def current_catalog(seed: int = 2022) -> tuple[list[ProcedureSpec], list[ProcedureSpec]]:
    """(the catalog as first imported, the level changes of 1 July 2025 imported after it)."""
    specs: list[ProcedureSpec] = []
    changes: list[ProcedureSpec] = []
    local = code(0, 0, 0)
    for s in demo_catalog(seed):
        if s.level == Level.PROVINCE:
            specs.append(
                dataclasses.replace(
                    s,
                    agency_code=_department(s.agency_code),
                    local_code=s.local_code.replace(FORMER_GROUP, local.rsplit(".", 1)[1]),
                )
            )
        elif s.level == Level.COMMUNE:
            specs.append(
                dataclasses.replace(
                    s,
                    local_code=f"{s.code}.{local}",
                    steps=_steps(s.steps, upper=Level.PROVINCE),
                )
            )
        else:
            specs.append(s)  # received at the district desks until 30 June 2025
            to_province = DISTRICT_TO_PROVINCE.get(s.field_code)
            level = Level.PROVINCE if to_province else Level.COMMUNE
            changes.append(
                dataclasses.replace(
                    s,
                    level=level,
                    agency_code=department_code(to_province) if to_province else "",
                    agency_text="" if to_province else "UBND cấp xã",
                    local_code=f"{s.code}.{local}",
                    is_inter_level=s.is_inter_level and not to_province,
                    valid_from=REFORM_DATE,
                    valid_to=None,
                    decision=f"{DECISION} (demo) ngày {dt.date(2025, 6, 30):%d/%m/%Y}",
                    steps=_steps(s.steps, upper=None if to_province else Level.PROVINCE),
                )
            )
    return specs, changes
