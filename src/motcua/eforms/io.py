"""Application forms imported and exported with the catalog: a companion JSON file
(``motcua import-catalog FILE.csv --forms FORMS.json``, ``export-catalog --forms FORMS.json``)

    {"version": 1, "forms": {"<procedure code>": <definition>, ...}}

Each form goes to the latest version of its procedure code. The whole file is checked before
anything is written (a problem is reported with its line in the file), and the import writes
the catalog and the forms in one transaction: all or nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from motcua.catalog.models import Procedure
from motcua.core.errors import ImportFailed
from motcua.eforms.definition import (
    DefinitionError,
    _line_of,
    definition_check,
    loads_with_lines,
)
from motcua.eforms.models import FormDefinition
from motcua.eforms.services import form_definition_set

MAX_FORMS_BYTES = 20 * 1024 * 1024


def forms_file_parse(raw: bytes, *, codes: Iterable[str] = ()) -> dict[str, dict[str, Any]]:
    """The forms of a companion file, each checked; ImportFailed with (line, reason) for the
    first problem. ``codes``: the procedure codes the import brings (besides the catalog's)."""
    if len(raw) > MAX_FORMS_BYTES:
        raise ImportFailed("Tệp tờ khai quá lớn (tối đa 20 MB)", code="file_too_large")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailed("Tệp tờ khai phải là UTF-8", code="bad_encoding") from None
    try:
        data = loads_with_lines(text)
        if not isinstance(data, dict) or set(data) - {"version", "forms"}:
            raise DefinitionError('tệp phải có dạng {"version": 1, "forms": {...}}', line=1)
        if data.get("version", 1) != 1:
            raise DefinitionError("phiên bản tệp phải là 1", line=_line_of(text, data, "version"))
        forms = data.get("forms")
        if not isinstance(forms, dict):
            raise DefinitionError("thiếu forms", line=1)
        known = set(codes) | set(
            Procedure.objects.filter(code__in=list(forms)).values_list("code", flat=True)
        )
        out = {}
        for code, definition in forms.items():
            if code not in known:
                raise DefinitionError(
                    f"không có thủ tục mã {code}", line=_line_of(text, forms, code)
                )
            try:
                out[code] = definition_check(definition, text=text)
            except DefinitionError as exc:
                raise DefinitionError(
                    exc.reason, path=f"thủ tục {code}, {exc.path}", line=exc.line
                ) from None
    except DefinitionError as exc:
        where = f"{exc.path}: " if exc.path else ""
        raise ImportFailed(
            f"Tệp tờ khai: dòng {exc.line}: {where}{exc.reason}",
            code="bad_form_definition",
            details=[(exc.line, f"{where}{exc.reason}")],
        ) from None
    return out


@transaction.atomic
def forms_import(*, actor: Any, forms: dict[str, dict[str, Any]]) -> int:
    """Attach checked forms to the latest version of their codes (in the caller's transaction
    when there is one); returns how many changed or were created."""
    latest: dict[str, Procedure] = {}
    for p in Procedure.objects.filter(code__in=list(forms)).order_by("code", "version"):
        latest[p.code] = p
    changed = 0
    for code, definition in forms.items():
        before = FormDefinition.objects.filter(procedure=latest[code]).first()
        row = form_definition_set(actor=actor, procedure=latest[code], definition=definition)
        if before is None or (row is not None and before.definition != row.definition):
            changed += 1
    return changed


def forms_export(procedures: Iterable[Procedure] | None = None) -> str:
    """The companion file for the latest version of each code (of ``procedures``, or all)."""
    qs = FormDefinition.objects.select_related("procedure").order_by(
        "procedure__code", "procedure__version"
    )
    if procedures is not None:
        qs = qs.filter(procedure__code__in=[p.code for p in procedures])
    latest: dict[str, dict[str, Any]] = {}
    newest: dict[str, int] = {}
    for row in qs:
        code, version = row.procedure.code, row.procedure.version
        if version >= newest.get(code, 0):
            newest[code], latest[code] = version, row.definition
    return json.dumps({"version": 1, "forms": latest}, ensure_ascii=False, indent=2) + "\n"
