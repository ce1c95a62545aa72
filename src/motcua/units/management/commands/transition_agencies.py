"""``motcua transition-agencies --as-of 2025-07-01 [--map FILE.csv] [--dry-run]``."""

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import CommandError, CommandParser

from motcua.core.command import MotcuaCommand
from motcua.core.errors import DomainError
from motcua.units.transition import apply_transition, parse_mapping_csv


class Command(MotcuaCommand):
    help = (
        "Chuyển đổi cơ cấu tổ chức (chính quyền địa phương hai cấp): ánh xạ mọi cơ quan hết hiệu "
        "lực từ ngày --as-of sang cơ quan kế thừa và chuyển các hồ sơ đang giải quyết, giữ "
        "nguyên thời hạn. --map: tệp CSV 'ma_co_quan_cu,ma_co_quan_moi'. --dry-run: chỉ xem "
        "kế hoạch, không ghi gì."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", required=True, help="ngày hiệu lực, YYYY-MM-DD")
        parser.add_argument("--map", dest="map_file", default="", help="tệp CSV ánh xạ")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: object, **opts: object) -> None:
        try:
            as_of = dt.date.fromisoformat(str(opts["as_of"]))
        except ValueError as exc:
            raise CommandError(f"Ngày --as-of không hợp lệ: {opts['as_of']} (YYYY-MM-DD)") from exc
        mapping = None
        if opts["map_file"]:
            path = Path(str(opts["map_file"]))
            try:
                text = path.read_text("utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"Không đọc được tệp ánh xạ {path}: {exc}") from exc
            try:
                mapping = parse_mapping_csv(text)
            except DomainError as exc:
                raise CommandError(str(exc)) from exc
        try:
            result = apply_transition(as_of, mapping, actor=None, dry_run=bool(opts["dry_run"]))
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
