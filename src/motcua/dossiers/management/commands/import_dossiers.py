"""``motcua import-dossiers FILE.csv``: all-or-nothing import of historical dossiers."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.core.errors import DomainError
from motcua.dossiers.legacy import import_dossiers, summary_json


class Command(BaseCommand):
    help = "Nhập hồ sơ từ hệ thống một cửa cũ (CSV UTF-8; tất cả hoặc không)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: object, **opts: Any) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            sys.stderr.write(f"lỗi [file_not_found]: không có tệp {path}\n")
            sys.exit(2)
        try:
            summary = import_dossiers(path)
        except OSError as exc:
            sys.stderr.write(
                f"lỗi [file_unreadable]: không đọc được {path}: {exc.strerror or exc}\n"
            )
            sys.exit(2)
        except DomainError as exc:
            sys.stderr.write(f"lỗi [{exc.code}]: {exc.message}\n")
            for item in exc.details or []:
                if isinstance(item, tuple | list) and len(item) == 2:
                    sys.stderr.write(f"  dòng {item[0]}: {item[1]}\n")
            sys.exit(2)
        self.stdout.write(summary_json(summary))
