"""``motcua import-catalog FILE.csv|FILE.xlsx``: all-or-nothing import of the procedure catalog."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.db import transaction

from motcua.catalog.io import parse_file
from motcua.catalog.services import catalog_import_specs
from motcua.core.command import MotcuaCommand
from motcua.core.errors import DomainError
from motcua.units.models import Agency


class Command(MotcuaCommand):
    help = "Nhập danh mục thủ tục từ tệp CSV hoặc XLSX (mẫu cột: docs/catalog-format.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--forms",
            default="",
            help="tệp JSON tờ khai điện tử đi kèm (docs/eforms.md); nhập cùng giao dịch",
        )

    def handle(self, *args: object, **opts: Any) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            sys.stderr.write(f"lỗi [file_not_found]: không có tệp {path}\n")
            sys.exit(2)
        try:
            agencies = set(Agency.objects.values_list("code", flat=True))
            rows = parse_file(path, agencies=agencies)
            forms = _forms(opts["forms"], {r.spec.code for r in rows})
            with transaction.atomic():  # the catalog and its forms: all or nothing
                summary = catalog_import_specs(
                    actor=None, specs=[r.spec for r in rows], source=path.name
                )
                if forms:
                    from motcua.eforms.io import forms_import

                    summary["forms"] = forms_import(actor=None, forms=forms)
        except DomainError as exc:
            sys.stderr.write(f"lỗi [{exc.code}]: {exc.message}\n")
            if isinstance(exc.details, list):
                for item in exc.details:
                    if isinstance(item, tuple | list) and len(item) == 2:
                        sys.stderr.write(f"  dòng {item[0]}: {item[1]}\n")
                    else:
                        sys.stderr.write(f"  {item}\n")
            sys.exit(2)
        self.stdout.write(json.dumps(summary, ensure_ascii=False))


def _forms(name: str, codes: set[str]) -> dict[str, Any]:
    """The companion forms file, checked before anything is written (motcua.eforms.io)."""
    if not name:
        return {}
    from motcua.eforms.io import forms_file_parse

    path = Path(name)
    if not path.is_file():
        sys.stderr.write(f"lỗi [file_not_found]: không có tệp {path}\n")
        sys.exit(2)
    return forms_file_parse(path.read_bytes(), codes=codes)
