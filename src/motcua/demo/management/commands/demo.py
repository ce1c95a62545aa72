"""``motcua demo``: load the demo province (Bình Phước 2022) and print the admin login."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from motcua.demo.services import demo_load


class Command(BaseCommand):
    help = "Nạp tỉnh trình diễn Bình Phước 2022: đơn vị hành chính, cơ quan, lịch, danh mục TTHC."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2022)
        parser.add_argument(
            "--scale",
            type=float,
            default=0.02,
            help="Quy mô hồ sơ 6 tháng đầu năm 2022 so với báo cáo của tỉnh (1.0 = 340.000 hồ sơ)",
        )
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON")

    def handle(self, *args: object, **opts: Any) -> None:
        if opts["scale"] < 0 or opts["scale"] > 10:
            self.stderr.write("lỗi [bad_scale]: --scale từ 0 đến 10")
            raise SystemExit(2)
        result = demo_load(seed=opts["seed"], scale=opts["scale"])
        creds = settings.VAR_DIR / "demo-credentials.txt"
        staff = result["staff"]
        creds.write_text(
            f"username: {result['admin']['username']}\npassword: {result['admin']['password']}\n"
            f"staff: {', '.join(staff['usernames'])}\nstaff password: {staff['password']}\n",
            encoding="utf-8",
        )
        creds.chmod(0o600)
        if opts["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        u, c = result["units"], result["catalog"]
        self.stdout.write(
            f"Tỉnh trình diễn: {u['provinces']} tỉnh (danh mục 2022), Bình Phước có "
            f"{u['districts']} huyện và {u['communes']} xã; {result['agencies']} cơ quan; "
            f"danh mục {c['rows']} thủ tục (thêm mới {c['created']}); {result['seconds']} giây."
        )
        self.stdout.write("")
        self.stdout.write("  Đăng nhập quản trị: http://127.0.0.1:8000/admin/")
        self.stdout.write(f"  Tên đăng nhập: {result['admin']['username']}")
        self.stdout.write(f"  Mật khẩu:      {result['admin']['password']}")
        self.stdout.write("")
        self.stdout.write(
            "  Cán bộ (trang cán bộ: http://127.0.0.1:8000/can-bo/), cùng mật khẩu "
            f"{staff['password']}:"
        )
        for name in staff["usernames"]:
            self.stdout.write(f"    {name}")
        self.stdout.write(
            f"  Hồ sơ mẫu tạo mới: {result['dossiers']['created']}; hồ sơ 6 tháng "
            f"đầu năm 2022: {result['history_2022']['created']}"
        )
        self.stdout.write(f"  (lưu tại {creds})")
