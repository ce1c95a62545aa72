"""Forms travel with the catalog: a companion JSON file, checked whole before anything is
written (a bad definition is reported with its line in the file), imported in the same
transaction as the catalog, exported back identical."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from motcua.catalog.models import Procedure
from motcua.core.errors import ImportFailed
from motcua.eforms.io import forms_export, forms_file_parse
from motcua.eforms.models import FormDefinition
from tests.catalog.test_io import csv_bytes, good_row


def _file(definition: dict[str, Any], code: str = "1.000001") -> str:
    return json.dumps({"version": 1, "forms": {code: definition}}, ensure_ascii=False, indent=2)


def test_bad_definition_reported_with_its_line(db: None, definition: dict[str, Any]) -> None:
    definition["sections"][1]["fields"][0]["fields"][1]["type"] = "checkbox"
    text = _file(definition)
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if '"checkbox"' in ln)
    with pytest.raises(ImportFailed) as e:
        forms_file_parse(text.encode(), codes={"1.000001"})
    [(at, reason)] = e.value.details
    assert at == line
    assert reason.startswith("thủ tục 1.000001, sections[1].fields[0].fields[1].type: kiểu")
    assert "'checkbox'" in reason
    assert f"dòng {line}" in e.value.message


def test_unknown_procedure_and_garbage(db: None, definition: dict[str, Any]) -> None:
    with pytest.raises(ImportFailed) as e:
        forms_file_parse(_file(definition, "9.999999").encode())
    assert "9.999999" in e.value.message and "dòng 4" in e.value.message
    for raw in (b"\xff\xfe", b"[]", b'{"forms": []}', b'{"version": 2, "forms": {}}'):
        with pytest.raises(ImportFailed):
            forms_file_parse(raw)


def test_import_command_all_or_nothing(
    db: None, tmp_path: Path, definition: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    catalog = tmp_path / "c.csv"
    catalog.write_bytes(csv_bytes([good_row("1.000001"), good_row("1.000002")]))
    bad = dict(
        definition, rules=[{"left": "to_date", "op": "ge", "right": "nowhere", "message": "x"}]
    )
    forms = tmp_path / "forms.json"
    forms.write_text(_file(bad), encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        call_command("import_catalog", str(catalog), "--forms", str(forms))
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "lỗi [bad_form_definition]" in err and "rules[0].right" in err
    assert not Procedure.objects.exists() and not FormDefinition.objects.exists()
    forms.write_text(_file(definition), encoding="utf-8")
    call_command("import_catalog", str(catalog), "--forms", str(forms))
    assert '"forms": 1' in capsys.readouterr().out
    assert FormDefinition.objects.get().procedure.code == "1.000001"
    # export gives the same file back
    out = tmp_path / "out.json"
    call_command("export_catalog", "-o", str(tmp_path / "out.csv"), "--forms", str(out))
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(_file(definition))
    assert json.loads(forms_export())["forms"]["1.000001"]["title"] == "Tờ khai thử"
