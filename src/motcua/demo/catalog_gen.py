"""A demo catalog of the seed's shape: 1,784 procedures (1,446 provincial of which 26
vertical-sector, 244 district of which 6, 94 commune of which 14; 53 inter-level; 1,651 offered
online), with plausible Vietnamese names by field and an internal process for every procedure.

Names are verb × object × qualifier combinations of real procedure vocabularies; the figures are
the seed's, the individual procedures are invented. Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from motcua.catalog.services import DocumentSpec, FeeSpec, ProcedureSpec, StepSpec
from motcua.demo.agencies import code as agency_code
from motcua.demo.catalog_commune import COMMUNE
from motcua.demo.catalog_data import DOCUMENTS, FEE_AMOUNTS, FieldDef
from motcua.demo.catalog_district import DISTRICT
from motcua.demo.catalog_province import PROVINCE

#: every field of the demo catalog, provincial first (the order the generator draws them in)
FIELDS: tuple[FieldDef, ...] = (*PROVINCE, *DISTRICT, *COMMUNE)
#: online land procedures of the demo catalog whose fees are paid at submission
PREPAID_LAND = 3

SEED_SHAPE = {
    # level: (total, vertical)
    1: (1446, 26),
    2: (244, 6),
    3: (94, 14),
}
INTER_LEVEL = {1: 8, 2: 25, 3: 20}  # 53 in all
ONLINE_TOTAL = 1651
#: of those, connected to the National Public Service Portal (the seed: 1.437)
NATIONAL_PORTAL_TOTAL = 1437
#: the district land procedures that take longest (first certificates of land-use rights with
#: the land-use fee's assessment): a quarter of the field at least 50 working days, so that
#: the seed's district dossiers in progress at the end of June (7,907: the last two months'
#: receipts) are within time, as the seed reports (motcua.demo.history)
LONG_LIMITS = {2: ("H16-TM01", (50, 60))}


def _names(fd: FieldDef) -> list[str]:
    return [f"{verb} {obj}{q}" for obj in fd.objects for verb in fd.verbs for q in fd.qualifiers]


def _split(total: Decimal, weights: list[int]) -> list[Decimal]:
    """Split ``total`` days into budgets of 0.05-day units, each ≥ one unit, summing exactly."""
    units = int(total * 20)
    n = len(weights)
    alloc = [max(1, units * w // sum(weights)) for w in weights]
    alloc[-1] = units - sum(alloc[:-1])
    while alloc[-1] < 1:
        i = max(range(n - 1), key=lambda k: alloc[k])
        alloc[i] -= 1
        alloc[-1] += 1
    return [Decimal(a) / 20 for a in alloc]


def _steps(level: int, limit: Decimal, inter: bool, rng: random.Random) -> list[StepSpec]:
    if inter:
        upper: int | None = level - 1 if level > 1 else None
        where = {None: "cơ quan phối hợp", 1: "cấp tỉnh", 2: "cấp huyện"}[upper]
        plan = [
            ("Tiếp nhận hồ sơ, chuyển xử lý", "tiep_nhan", None, 1),
            ("Thẩm định, xác nhận của cơ quan tiếp nhận", "chuyen_vien", None, 3),
            (f"Chuyển liên thông, giải quyết tại {where}", "lien_thong", upper, 6),
            ("Lãnh đạo phê duyệt, ký kết quả", "lanh_dao", upper, 2),
            ("Trả kết quả", "tra_ket_qua", None, 1),
        ]
    elif limit <= 1:
        plan = [
            ("Tiếp nhận hồ sơ", "tiep_nhan", None, 1),
            ("Xử lý hồ sơ", "chuyen_vien", None, 3),
            ("Lãnh đạo ký", "lanh_dao", None, 1),
            ("Trả kết quả", "tra_ket_qua", None, 1),
        ]
    else:
        plan = [
            ("Tiếp nhận hồ sơ, chuyển phòng chuyên môn", "tiep_nhan", None, 1),
            (
                "Chuyên viên thẩm định, dự thảo kết quả",
                "chuyen_vien",
                None,
                rng.choice((8, 10, 12)),
            ),
            ("Lãnh đạo phòng xem xét", "lanh_dao_phong", None, 2),
            ("Lãnh đạo cơ quan phê duyệt, ký", "lanh_dao", None, 2),
            ("Trả kết quả", "tra_ket_qua", None, 1),
        ]
    weights = [w for *_, w in plan]
    if limit >= 2:  # the desk's own steps take half a day each; the rest is the agency's
        budgets = [Decimal("0.5"), *_split(limit - 1, weights[1:-1]), Decimal("0.5")]
    else:
        budgets = _split(limit, weights)
    return [
        StepSpec(name, role, b, "", lvl)
        for (name, role, lvl, _), b in zip(plan, budgets, strict=True)
    ]


def _pick(
    rng: random.Random, pool: list[tuple[FieldDef, str]], n: int
) -> list[tuple[FieldDef, str]]:
    if n > len(pool):
        raise ValueError(f"demo catalog: need {n} names, have {len(pool)}")
    # spread over fields: round-robin over fields in shuffled order
    by_field: dict[str, list[tuple[FieldDef, str]]] = {}
    for item in pool:
        by_field.setdefault(item[0].code, []).append(item)
    for items in by_field.values():
        rng.shuffle(items)
    out: list[tuple[FieldDef, str]] = []
    keys = sorted(by_field)
    while len(out) < n:
        for k in keys:
            if by_field[k] and len(out) < n:
                out.append(by_field[k].pop())
    return out


def _long_limits(chosen: list[tuple[int, FieldDef, str]], seed: int) -> dict[int, Decimal]:
    """The procedures of ``LONG_LIMITS`` and their limits, drawn apart (a generator of their
    own: the rest of the catalog is the same as without them)."""
    rng = random.Random(seed * 31 + 7)
    out: dict[int, Decimal] = {}
    for level, (field_code, limits) in LONG_LIMITS.items():
        idx = [i for i, (lv, f, _) in enumerate(chosen) if lv == level and f.code == field_code]
        for i in rng.sample(idx, max(1, len(idx) // 4)) if idx else []:
            out[i] = Decimal(rng.choice(limits))
    return out


def demo_catalog(seed: int = 2022) -> list[ProcedureSpec]:
    rng = random.Random(seed)
    chosen: list[tuple[int, FieldDef, str]] = []
    for level, (total, vertical) in SEED_SHAPE.items():
        vert_pool = [(f, n) for f in FIELDS if f.level == level and f.vertical for n in _names(f)]
        main_pool = [
            (f, n) for f in FIELDS if f.level == level and not f.vertical for n in _names(f)
        ]
        for f, n in _pick(rng, vert_pool, vertical) + _pick(rng, main_pool, total - vertical):
            chosen.append((level, f, n))
    # which are inter-level and which are offered online (exact seed counts)
    inter: set[int] = set()
    for level, k in INTER_LEVEL.items():
        idx = [
            i
            for i, (lv, f, _) in enumerate(chosen)
            if lv == level and not f.vertical and (level > 1 or f.agency in (10, 9, 12))
        ]
        inter.update(rng.sample(idx, k))
    offline = set(rng.sample(range(len(chosen)), len(chosen) - ONLINE_TOTAL))

    long_limits = _long_limits(chosen, seed)
    # connected to the national portal: online ones, drawn apart (the rest stays as it was)
    online_idx = sorted(set(range(len(chosen))) - offline)
    connected = set(random.Random(seed * 31 + 11).sample(online_idx, NATIONAL_PORTAL_TOTAL))
    specs = []
    serial = 0
    prepaid = 0  # a few online land procedures with fees ask for prepayment (no draw: same seed)
    for i, (level, f, name) in enumerate(chosen):
        serial += rng.randint(1, 37)
        code = f"{rng.choice((1, 2))}.{serial + 1000:06d}"
        limit = Decimal(str(rng.choice(f.limits)))
        limit = long_limits.get(i, limit)
        if i in inter and limit < 5:
            limit = Decimal(5)
        if i in offline:
            online, legacy = "khong", 2
        elif rng.random() < 0.45:
            online, legacy = "toan_trinh", 4
        else:
            online, legacy = "mot_phan", 3
        if level == 1:
            agency = agency_code(0, 0, f.agency)
            agency_text = ""
        else:
            agency = ""
            agency_text = ("UBND cấp huyện" if level == 2 else "UBND cấp xã") + (
                "" if f.agency == 0 else f" ({f.name})"
            )
        docs = [DocumentSpec("Đơn đề nghị (theo mẫu)", 1, 0)] + [
            DocumentSpec(d, rng.choice((0, 1)), 1, rng.random() < 0.85)
            for d in rng.sample(DOCUMENTS, rng.randint(1, 4))
        ]
        fees = []
        if rng.random() < 0.55:
            fees.append(FeeSpec("Lệ phí", rng.choice(FEE_AMOUNTS)))
            if rng.random() < 0.3:
                fees.append(FeeSpec("Phí thẩm định", rng.choice(FEE_AMOUNTS)))
        valid_from = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(0, 3 * 365 + 150))
        prepayment = (
            prepaid < PREPAID_LAND
            and bool(fees)
            and online == "toan_trinh"
            and f.name.startswith("Đất đai")
        )
        prepaid += prepayment
        specs.append(
            ProcedureSpec(
                code=code,
                name=name[0].upper() + name[1:],
                field_code=f.code,
                field_name=f.name,
                level=level,
                agency_code=agency,
                agency_text=agency_text,
                local_code=f"{code}.{agency_code(0, 0, 0)}",
                time_limit_days=limit,
                result=("Kết quả giải quyết: " + name.split(" ", 1)[1])[:500],
                result_kind=rng.choice(("giay", "ca_hai", "ca_hai", "dien_tu")),
                online_service=online,
                legacy_online_level=legacy,
                is_inter_level=i in inter,
                is_vertical=f.vertical,
                prepayment=prepayment,
                national_portal=i in connected,
                legal_basis=f.legal_basis or f"Quyết định công bố TTHC lĩnh vực {f.name}",
                status="published",
                valid_from=valid_from,
                decision=f"{rng.randint(100, 2999)}/QĐ-UBND ngày {valid_from:%d/%m/%Y}",
                documents=docs,
                fees=fees,
                steps=_steps(level, limit, i in inter, rng),
            )
        )
    return specs
