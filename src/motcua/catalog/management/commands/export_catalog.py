"""``motcua export-catalog -o FILE.csv|FILE.xlsx``: the catalog in the import layout."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import CommandParser

from motcua.catalog.io import write_csv, write_xlsx
from motcua.catalog.selectors import catalog_specs
from motcua.core.command import MotcuaCommand
from motcua.core.output import open_output, output_path
from motcua.core.text import number


class Command(MotcuaCommand):
    help = "Xuất danh mục thủ tục ra CSV (mặc định ra stdout) hoặc XLSX (-o tệp.xlsx)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", default="")
        parser.add_argument("--forms", default="", help="cũng xuất tờ khai điện tử ra tệp JSON")

    def handle(self, *args: object, **opts: Any) -> None:
        if opts["forms"]:  # the companion file of application forms (motcua.eforms.io)
            from motcua.eforms.io import forms_export

            with open_output(output_path(opts["forms"]), binary=False) as fh:
                fh.write(forms_export())
        out = opts["output"]
        if not out:
            write_csv(catalog_specs(), sys.stdout)
            return
        path = output_path(out)
        if path.suffix.lower() == ".xlsx":
            with open_output(path, binary=True) as fh:
                n = write_xlsx(catalog_specs(), fh)
        elif path.suffix.lower() == ".csv":
            with open_output(path, binary=False) as fh:
                n = write_csv(catalog_specs(), fh)
        else:
            sys.stderr.write("lỗi [bad_file_type]: chỉ xuất .csv hoặc .xlsx\n")
            sys.exit(2)
        self.stderr.write(f"Đã xuất {number(n)} thủ tục ra {path}")
