"""The output of ``motcua demo --current`` (the logins, as the 2022 demo prints them)."""

from __future__ import annotations

import json
import os
import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from motcua.core.errors import ValidationFailed
from motcua.core.text import number


def handle_current(cmd: BaseCommand, opts: dict[str, Any]) -> None:
    from motcua.citizens.services import citizen_demo_account
    from motcua.demo.current.load import demo_current_load
    from motcua.demo.management.commands.demo import ADMIN_DOES, _credentials, _does
    from motcua.security.services import totp_demo_devices
    from motcua.units.models import Role

    try:
        result = demo_current_load(seed=opts["seed"], scale=opts["scale"])
    except ValidationFailed as e:
        cmd.stderr.write(f"lỗi [{e.code}]: {e}")
        raise SystemExit(2) from e
    staff, admin = result["staff"], result["admin"]
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
    otp = totp_demo_devices()  # leaders and administrators: TOTP, as in the 2022 demo
    otp_file = settings.VAR_DIR / "demo-otp.txt"
    otp_file.write_text(
        "# tên đăng nhập | khóa bí mật TOTP (base32) | otpauth URL (quét bằng ứng dụng)\n"
        + "".join(f"{d['username']} | {d['secret']} | {d['url']}\n" for d in otp),
        encoding="utf-8",
    )
    otp_file.chmod(0o600)
    citizen_password = secrets.token_urlsafe(9)
    citizen = citizen_demo_account(password=citizen_password)
    with creds.open("a", encoding="utf-8") as f:
        f.write(f"citizen: {citizen.id_number}\ncitizen password: {citizen_password}\n")
    if opts["json"]:
        cmd.stdout.write(json.dumps(result, ensure_ascii=False, default=str))
        return
    site = f"http://{os.environ.get('MOTCUA_ADDR', '127.0.0.1:8000')}"
    d = result["dossiers"]
    w = cmd.stdout.write
    w(
        f"Tỉnh trình diễn hai cấp: {result['province']} từ 01/7/2025, "
        f"{number(result['communes'])} xã, phường, mỗi nơi một Trung tâm Phục vụ hành chính "
        f"công cấp xã; {number(result['agencies'])} cơ quan; danh mục "
        f"{number(result['catalog']['rows'])} thủ tục; {number(result['seconds'], 1)} giây."
    )
    w("")
    w(f"  Đăng nhập quản trị: {site}/admin/")
    w(f"  Tên đăng nhập: {admin['username']}")
    w(f"  Mật khẩu:      {admin['password']}")
    w("")
    w(f"  Cán bộ (trang cán bộ: {site}/can-bo/), cùng mật khẩu {staff['password']}:")
    width = max(len(a["username"]) for a in staff["accounts"])
    for username, role, who, does in logins[1:]:
        w(f"    {username:<{width}}  {role} — {who}: {does}")
    w(
        f"  Hồ sơ từ 01/7/2025: {number(result['history']['created'])}; hồ sơ mẫu tạo mới: "
        f"{number(d['created'])}, trong đó {number(d['carried_over'])} hồ sơ tiếp nhận tại "
        f"Bình Phước cũ trước 01/7/2025 được chuyển sang cơ quan kế thừa"
    )
    w(f"  (lưu tại {creds})")
    w(
        f"  Công dân (cổng: {site}/cong-dan/dang-nhap/): số định danh {citizen.id_number}, "
        f"mật khẩu {citizen_password}"
    )
    w(
        f"  Lãnh đạo và quản trị đăng nhập thêm mã xác thực hai bước: khóa TOTP trong "
        f"{otp_file}; mã hiện tại: motcua otp-code <tên đăng nhập>"
    )
