"""``motcua demo``: load the demo province (Bình Phước 2022) and print every demo login with
its role and what it can do (kept in ``var/demo-credentials.txt``)."""

from __future__ import annotations

import json
import os
import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser

from motcua.citizens.services import citizen_demo_account
from motcua.core.command import MotcuaCommand
from motcua.core.text import number
from motcua.demo.services import demo_load
from motcua.security.services import totp_demo_devices
from motcua.units.models import Role

#: One line per role: what a person holding it does in the system.
ROLE_DOES = {
    Role.COUNTER: "tiếp nhận hồ sơ tại quầy và trực tuyến, in giấy hẹn, yêu cầu bổ sung, số hóa, "
    "trả kết quả, sổ theo dõi hồ sơ",
    Role.SPECIALIST: "thẩm định, xử lý các bước được giao trong hàng chờ, yêu cầu bổ sung, "
    "lấy ý kiến, chuyển liên thông",
    Role.LEADER: "phân công, phê duyệt, trả lại hồ sơ, xin lỗi khi trễ hạn; "
    "xem báo cáo của cơ quan",
    Role.AGENCY_ADMIN: "quản lý cán bộ của cơ quan; xem báo cáo của cơ quan",
    Role.PROVINCE_ADMIN: "quản trị danh mục thủ tục, lịch làm việc, đơn vị, cán bộ, quầy, "
    "lịch hẹn, mẫu kết quả, khóa API và chứng thư số của tỉnh (trang Quản trị); báo cáo, "
    "chỉ số toàn tỉnh",
}
ADMIN_DOES = "toàn quyền quản trị hệ thống (trang Quản trị) và mọi trang cán bộ"


class Command(MotcuaCommand):
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
        parser.add_argument(
            "--current",
            action="store_true",
            help="Tỉnh trình diễn hai cấp: Đồng Nai hiện nay (docs/two-level-demo.md)",
        )

    def handle(self, *args: object, **opts: Any) -> None:
        if opts["scale"] < 0 or opts["scale"] > 10:
            self.stderr.write("lỗi [bad_scale]: --scale từ 0 đến 10")
            raise SystemExit(2)
        if opts["current"]:
            from motcua.demo.current.command import handle_current

            return handle_current(self, opts)
        result = demo_load(seed=opts["seed"], scale=opts["scale"])
        staff = result["staff"]
        admin = result["admin"]
        logins = [
            (admin["username"], "Quản trị hệ thống", "", ADMIN_DOES),
            *(
                (a["username"], Role(a["role"]).label, f"{a['name']}, {a['agency']}", _does(a))
                for a in staff["accounts"]
            ),
        ]
        creds = settings.VAR_DIR / "demo-credentials.txt"
        creds.write_text(_credentials(admin, staff, logins), encoding="utf-8")
        creds.chmod(0o600)
        # leaders and administrators log in with a TOTP code (issue 9): their demo secrets go to
        # the var dir, never the repository; `motcua otp-code USERNAME` prints the current code
        otp = totp_demo_devices()
        otp_file = settings.VAR_DIR / "demo-otp.txt"
        otp_file.write_text(
            "# tên đăng nhập | khóa bí mật TOTP (base32) | otpauth URL (quét bằng ứng dụng)\n"
            + "".join(f"{d['username']} | {d['secret']} | {d['url']}\n" for d in otp),
            encoding="utf-8",
        )
        otp_file.chmod(0o600)
        # a verified citizen account to try the portal (issue 8), its password with the others
        citizen_password = secrets.token_urlsafe(9)
        citizen = citizen_demo_account(password=citizen_password)
        with creds.open("a", encoding="utf-8") as f:
            f.write(f"citizen: {citizen.id_number}\ncitizen password: {citizen_password}\n")
        if opts["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        # MOTCUA_ADDR: where ``./dev demo`` serves the site (default 127.0.0.1:8000)
        site = f"http://{os.environ.get('MOTCUA_ADDR', '127.0.0.1:8000')}"
        u, c = result["units"], result["catalog"]
        self.stdout.write(
            f"Tỉnh trình diễn: {u['provinces']} tỉnh (danh mục 2022), Bình Phước có "
            f"{number(u['districts'])} huyện và {number(u['communes'])} xã; "
            f"{number(result['agencies'])} cơ quan; danh mục {number(c['rows'])} thủ tục "
            f"(thêm mới {number(c['created'])}); "
            f"{number(result['seconds'], 1)} giây."
        )
        self.stdout.write("")
        self.stdout.write(f"  Đăng nhập quản trị: {site}/admin/")
        self.stdout.write(f"  Tên đăng nhập: {admin['username']}")
        self.stdout.write(f"  Mật khẩu:      {admin['password']}")
        self.stdout.write("")
        self.stdout.write(
            f"  Cán bộ (trang cán bộ: {site}/can-bo/), cùng mật khẩu {staff['password']}:"
        )
        width = max(len(a["username"]) for a in staff["accounts"])
        for username, role, who, does in logins[1:]:
            self.stdout.write(f"    {username:<{width}}  {role} — {who}: {does}")
        self.stdout.write(
            f"  Hồ sơ mẫu tạo mới: {number(result['dossiers']['created'])}; hồ sơ 6 tháng "
            f"đầu năm 2022: {number(result['history_2022']['created'])}; đánh giá mức độ hài "
            f"lòng: {number(result['ratings']['created'])}; phản ánh, kiến nghị: "
            f"{number(result['feedback']['created'])}"
        )
        self.stdout.write(f"  (lưu tại {creds})")
        self.stdout.write(
            f"  Công dân (cổng: {site}/cong-dan/dang-nhap/): số định danh {citizen.id_number}, "
            f"mật khẩu {citizen_password}"
        )
        self.stdout.write(
            f"  Lãnh đạo và quản trị đăng nhập thêm mã xác thực hai bước: khóa TOTP trong "
            f"{otp_file}; mã hiện tại: motcua otp-code <tên đăng nhập>"
        )


def _does(account: dict[str, str]) -> str:
    return ROLE_DOES.get(Role(account["role"]), "")


def _credentials(
    admin: dict[str, str], staff: dict[str, Any], logins: list[tuple[str, str, str, str]]
) -> str:
    lines = [
        f"username: {admin['username']}",
        f"password: {admin['password']}",
        f"staff: {', '.join(staff['usernames'])}",
        f"staff password: {staff['password']}",
        "",
        "# tên đăng nhập | vai trò | cán bộ, cơ quan | làm được gì",
        *(" | ".join(x for x in row if x) for row in logins),
    ]
    return "\n".join(lines) + "\n"
