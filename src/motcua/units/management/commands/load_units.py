import json

from django.core.management.base import CommandParser

from motcua.core.command import MotcuaCommand
from motcua.units.services import divisions_2022_load, divisions_current_load


class Command(MotcuaCommand):
    help = (
        "Nạp danh mục đơn vị hành chính: --2022 (63 tỉnh và chi tiết tỉnh Bình Phước trước "
        "01/7/2025), --current (34 tỉnh, cấp xã hiện hành, và liên kết sáp nhập)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--2022", dest="y2022", action="store_true")
        parser.add_argument("--current", action="store_true")

    def handle(self, *args: object, **opts: object) -> None:
        out = {}
        if opts["y2022"] or not opts["current"]:
            out["2022"] = divisions_2022_load(actor=None)
        if opts["current"]:
            out["current"] = divisions_current_load(actor=None)
        self.stdout.write(json.dumps(out, ensure_ascii=False))
