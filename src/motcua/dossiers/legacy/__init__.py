"""Import of historical dossiers from a legacy one-stop system (``motcua import-dossiers``).

One CSV row a dossier, header::

    code,procedure_code,agency_code,level,channel,received_at,due_at,status,finished_at,
    digitized,electronic_result,online_payment_vnd

All or nothing: any bad row (listed with its line number, the first 50) and nothing is written.
The file is read as a stream (memory does not grow with it). On PostgreSQL a file of the plain
form goes the fast path (``fast.py``: the bytes COPYed as they are, the lines checked by one
regular expression per block, the rows converted in SQL; codes twice or already stored refused
by the unique index in the move, and only then looked for). Any other file goes the exact way:
each row is checked as it goes by (``rules.py``) and, with its derived columns (level, working
seconds, search text), streamed into a temporary staging table (COPY on PostgreSQL, batches on
SQLite; ``stage.py``); unknown agencies and procedures are created as "imported, needs review"
records, and the rows move into the dossier table with one INSERT … SELECT — all in one
transaction. Codes twice in the file or already stored are found in SQL when other rows are bad
(the refusal counts them all); in a file otherwise good the move's unique index refuses them, and
only then are they looked for, as on the fast path. ``hooks.after_import`` runs
after the move, in the same transaction (the place for statistics kept in step with the
dossiers). Speed and memory: BENCHMARKS.md, "Import".
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction

from motcua.audit.services import audit_record
from motcua.catalog.models import Field, Procedure, ProcedureStatus
from motcua.core.errors import ImportFailed
from motcua.dossiers import lookup_cache
from motcua.units.models import AdministrativeUnit, Agency, Level

from . import fast, stage
from .hooks import after_import
from .rules import (
    CHANNELS,
    HEADER,
    LEVELS,
    MAX_SHOWN,
    STATUSES,
    Problems,
    Row,
    Source,
    check_row,
    code_problem,
    read,
)

__all__ = [
    "CHANNELS",
    "HEADER",
    "LEVELS",
    "STATUSES",
    "Row",
    "check_row",
    "code_problem",
    "import_dossiers",
    "summary_json",
    "write_rows",
]

# progress(phase, bytes read, bytes in the file, rows checked): the command's progress bar
Progress = Callable[[str, int, int, int], None]


def _agencies(wanted: dict[str, int]) -> tuple[dict[str, int], list[str]]:
    """The file's agencies by code: those stored, and the others created as "imported, needs
    review" records in one INSERT (no entry each in the audit trail: the import's own entry lists
    their codes, as the catalog import does)."""
    known = dict(Agency.objects.filter(code__in=list(wanted)).values_list("code", "pk"))
    missing = [c for c in wanted if c not in known]
    if not missing:
        return known, []
    home = (
        AdministrativeUnit.objects.filter(level=Level.PROVINCE, calendar__isnull=False).first()
        or AdministrativeUnit.objects.filter(level=Level.PROVINCE).order_by("pk").first()
    )
    if home is None:
        raise ImportFailed("Chưa có đơn vị hành chính nào để gắn cơ quan mới", code="no_units")
    fresh = [
        Agency(
            code=code,
            name=f"Cơ quan {code} (dữ liệu chuyển đổi)",
            kind="so_nganh",
            level=wanted[code],
            unit=home,
            receives_dossiers=True,
            needs_review=True,
        )
        for code in missing
    ]
    for agency in fresh:
        agency.refresh_search_text()  # what save() does; bulk_create does not call it
    Agency.objects.bulk_create(fresh, batch_size=1000)
    known.update((a.code, a.pk) for a in fresh)
    return known, missing


def _procedures(wanted: dict[str, int]) -> tuple[dict[str, int], list[str]]:
    """The file's procedures by code (the latest version of each), the others created as draft
    "needs review" records in one INSERT (their codes in the import's audit entry)."""
    # ordered by version, so the latest version of each code wins
    known: dict[str, int] = dict(
        Procedure.objects.filter(code__in=list(wanted))
        .order_by("code", "version")
        .values_list("code", "pk")
    )
    missing = [c for c in wanted if c not in known]
    if not missing:
        return known, []
    fld, _ = Field.objects.get_or_create(
        code="CHUA-PHAN-LOAI", defaults={"name": "Chưa phân loại (dữ liệu chuyển đổi)"}
    )
    fresh = []
    for code in missing:
        level = wanted[code]
        p = Procedure(
            code=code,
            name=f"Thủ tục {code} (dữ liệu chuyển đổi, cần rà soát)",
            field=fld,
            level=level,
            at_province=level == Level.PROVINCE,
            at_district=level == Level.DISTRICT,
            at_commune=level == Level.COMMUNE,
            time_limit_days=Decimal(1),
            status=ProcedureStatus.DRAFT,
            needs_review=True,
        )
        p.refresh_search_text()
        fresh.append(p)
    Procedure.objects.bulk_create(fresh, batch_size=1000)
    known.update((p.code, p.pk) for p in fresh)
    return known, missing


def import_dossiers(
    path: Path | str, *, actor: Any = None, progress: Progress | None = None
) -> dict[str, Any]:
    """Check the file while streaming it into the staging table, then write it in the same
    transaction. Raises ImportFailed (nothing written) or OSError (file unreadable)."""
    path = Path(path)
    report: Progress = progress or (lambda *_: None)
    total = path.stat().st_size
    with transaction.atomic():
        stage.create()
        staged = fast.load(path, progress=lambda done, n: report("read", done, total, n))
        if staged is not None:  # every row checked in SQL (PostgreSQL), none refused
            count, digest, counted = staged
            report("check", total, total, count)
            report("write", total, total, count)
            # codes twice in the file or already stored: the unique index refuses them in the
            # move, and only then are they looked for, to be listed (a good file, nearly every
            # file, is spared the two look-ups)
            return _finish(
                actor=actor, source=path.name, digest=digest, rows=count, codes=True, tally=counted
            )
        with path.open("rb") as fh:  # the exact path: every row checked in Python
            source = Source(fh)
            problems = Problems()
            count = stage.load(
                read(source, problems), on_batch=lambda n: report("read", source.done, total, n)
            )
        report("check", total, total, count)
        shown, bad = list(problems.shown), problems.count
        if bad and count:  # the refusal counts every bad row, codes included
            found, listed = _code_problems()
            bad += found
            shown += listed
        _refuse(bad, shown)
        if not count:
            raise ImportFailed("Tệp không có dòng dữ liệu nào", code="empty_file")
        report("write", total, total, count)
        # every row good but for the codes, maybe: as on the fast path, the unique index
        # refuses a code twice or already stored in the move, and only then are they listed
        return _finish(
            actor=actor, source=path.name, digest=source.sha.hexdigest(), rows=count, codes=True
        )


def _code_problems() -> tuple[int, list[tuple[int, str]]]:
    """Codes twice in the file and codes already stored: how many rows, the first ones."""
    bad: int = 0
    shown: list[tuple[int, str]] = []
    for n, listed in (stage.duplicates(), stage.existing()):
        bad += n
        shown += listed
    return bad, shown


def _refuse(bad: int, shown: list[tuple[int, str]]) -> None:
    if bad:
        raise ImportFailed(
            f"{bad} dòng lỗi; không có dữ liệu nào được ghi",
            code="bad_rows",
            details=sorted(shown)[:MAX_SHOWN],
        )


def write_rows(
    rows: Iterable[Row], *, actor: Any = None, source: str = "", digest: str = ""
) -> dict[str, Any]:
    """Write checked rows in one transaction (the demo's history generator): the same staging
    path, without the duplicate checks (its codes are made unique)."""
    with transaction.atomic():
        stage.create()
        count = stage.load(rows)
        return _finish(actor=actor, source=source, digest=digest, rows=count)


def _finish(
    *,
    actor: Any,
    source: str,
    digest: str,
    rows: int,
    codes: bool = False,
    tally: stage.Tally | None = None,
) -> dict[str, Any]:
    """After the checks: agencies and procedures, the move (of ``rows`` staged rows), the hook,
    the audit entry. ``codes``: the codes were not looked for yet — a move the unique index
    refuses is undone and the codes listed. ``tally``: the staging table's, when the caller
    has it already."""
    counted = tally or stage.tally()
    agencies, new_agencies = _agencies(counted.agencies)
    procedures, new_procedures = _procedures(counted.procedures)
    stage.fill_maps(agencies, procedures)
    if codes:
        try:
            with transaction.atomic():
                moved = stage.move(rows)
        except IntegrityError as exc:
            _refuse(*_code_problems())
            # not a code of the file's: a row written meanwhile by another session, say
            raise ImportFailed(
                "Dữ liệu vừa được ghi đồng thời xung đột với tệp; không có dữ liệu nào được"
                " ghi, hãy nhập lại",
                code="conflict",
            ) from exc
    else:
        moved = stage.move(rows)
    counts = counted.by_status
    summary = {
        "rows": moved,
        "agencies_created": len(new_agencies),
        "procedures_created": len(new_procedures),
        "by_status": {s: counts.get(s, 0) for s in STATUSES.values()},
    }
    after_import(stage_table=stage.STAGE, rows=moved)
    lookup_cache.changed_all()  # codes written outside the services: every cached look-up void
    audit_record(
        actor=actor,
        action="dossiers.import",
        object_type="Dossier",
        object_id=source or "-",
        # one entry per import batch (issue 9): the file's SHA-256 binds its content
        # and the codes of the agencies and procedures it created, which have no entry of
        # their own (bulk_create sends no signal)
        after={
            **summary,
            **({"sha256": digest} if digest else {}),
            "agencies_created_codes": new_agencies,
            "procedures_created_codes": new_procedures,
        },
    )
    stage.drop()
    return summary


def summary_json(summary: dict[str, Any]) -> str:
    return json.dumps(summary, ensure_ascii=False, sort_keys=True)
