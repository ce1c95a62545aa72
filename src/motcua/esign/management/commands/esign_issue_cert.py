"""``motcua esign-issue-cert --agency ID [--cert FILE.pem [--key-ref REF]]``.

Without ``--cert``: the demo CA issues the agency a signing certificate, its key kept under
MOTCUA_ESIGN_DIR. With ``--cert``: a certificate from the province's CA (or a token) is registered
to the agency; ``--key-ref`` tells the signing backend where its key is (docs/esign.md).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from motcua.core.command import MotcuaCommand
from motcua.core.errors import DomainError
from motcua.esign.services import agency_certificate_issue, agency_certificate_register
from motcua.units.models import Agency


def _fail(code: str, message: str) -> None:
    sys.stderr.write(f"lỗi [{code}]: {message}\n")
    sys.exit(2)


class Command(MotcuaCommand):
    help = (
        "Cấp chứng thư số ký kết quả cho một cơ quan từ CA trình diễn (--agency MÃ), hoặc đăng "
        "ký chứng thư do CA của tỉnh cấp (--cert TỆP.pem, --key-ref nơi giữ khóa)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True, help="mã cơ quan (QCVN 102)")
        parser.add_argument("--cert", default="", help="tệp chứng thư PEM do CA khác cấp")
        parser.add_argument("--key-ref", default="", help="nơi giữ khóa bí mật (nếu có)")

    def handle(self, *args: object, **opts: Any) -> None:
        agency = Agency.objects.filter(code=opts["agency"].strip()).first()
        if agency is None:
            _fail("unknown_agency", f"không có cơ quan mã {opts['agency']}")
            return
        try:
            if opts["cert"]:
                try:
                    pem = Path(opts["cert"]).read_bytes()
                except OSError as exc:
                    _fail("cert_unreadable", f"không đọc được {opts['cert']}: {exc.strerror}")
                    return
                row = agency_certificate_register(
                    actor=None, agency=agency, pem=pem, key_ref=opts["key_ref"]
                )
            else:
                row = agency_certificate_issue(actor=None, agency=agency)
        except DomainError as exc:
            _fail(exc.code, exc.message)
            return
        self.stdout.write(
            json.dumps(
                {
                    "agency": agency.code,
                    "fingerprint": row.fingerprint,
                    "subject": row.subject,
                    "not_after": row.not_after.isoformat(),
                },
                ensure_ascii=False,
            )
        )
