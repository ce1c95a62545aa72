"""``motcua api-client create|list|revoke``: credentials of the systems that call the API."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import CommandParser

from motcua.api.clients import api_client_create, api_client_revoke
from motcua.api.models import ApiClient, ClientKind
from motcua.core.command import MotcuaCommand
from motcua.core.errors import DomainError
from motcua.units.models import Agency, Role


def _fail(code: str, message: str) -> None:
    sys.stderr.write(f"lỗi [{code}]: {message}\n")
    sys.exit(2)


class Command(MotcuaCommand):
    help = (
        "Quản lý hệ thống kết nối API: create --name TÊN --agency MÃ --role VAI_TRÒ (in khóa "
        "một lần duy nhất), list, revoke --name TÊN."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create", "list", "revoke"])
        parser.add_argument("--name", default="")
        parser.add_argument("--agency", default="", help="mã cơ quan (QCVN 102)")
        parser.add_argument("--role", default="", help=", ".join(Role.values))
        parser.add_argument(
            "--kind",
            default=ClientKind.SYSTEM,
            help="system (mặc định) hoặc national_portal (Cổng DVC quốc gia: được nộp hồ sơ "
            "qua /api/v1/portal/dossiers/)",
        )

    def handle(self, *args: object, **opts: Any) -> None:
        action = opts["action"]
        if action == "list":
            rows = [
                {
                    "name": c.name,
                    "agency": c.agency.code,
                    "role": c.role,
                    "kind": c.kind,
                    "active": c.active,
                    "last_used_at": c.last_used_at.isoformat() if c.last_used_at else None,
                }
                for c in ApiClient.objects.select_related("agency")
            ]
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        client = ApiClient.objects.filter(name=opts["name"]).first()
        if action == "revoke":
            if client is None:
                _fail("client_not_found", f"không có hệ thống kết nối tên {opts['name']}")
            else:
                api_client_revoke(client=client)
                self.stdout.write(json.dumps({"revoked": client.name}, ensure_ascii=False))
            return
        agency = Agency.objects.filter(code=opts["agency"]).first()
        if agency is None:
            _fail("unknown_agency", f"không có cơ quan mã {opts['agency']}")
            return
        try:
            issued = api_client_create(
                name=opts["name"], agency=agency, role=opts["role"], kind=opts["kind"]
            )
        except DomainError as exc:
            _fail(exc.code, exc.message)
            return
        self.stdout.write(
            json.dumps(
                {"name": issued.client.name, "token": issued.token},
                ensure_ascii=False,
            )
        )
        self.stderr.write("Khóa chỉ hiện một lần: hãy lưu lại ngay.")
