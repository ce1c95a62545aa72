"""Is this PDF a validly signed result, and whose? One answer for the result door, the public
verification page and the citizen's download.

A PDF counts as an electronic result of an agency when its last signature (1) is
cryptographically intact over the bytes it covers, (2) chains to a configured trust root, (3)
covers the whole file — nothing was appended after signing, not even an incremental update that
pyHanko's diff policy would call harmless form filling — and (4) was made with a certificate
registered to that agency (``AgencyCertificate``, not revoked). Anything else is reported with a
stable code and a Vietnamese message; the parser never decides a 500.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from motcua.esign.pki import ca_paths, off_loop

log = logging.getLogger(__name__)

MESSAGES = {
    "valid": "Chữ ký số hợp lệ, tài liệu còn nguyên vẹn kể từ khi ký",
    "not_pdf": "Tệp không phải PDF",
    "unreadable": "Tệp PDF bị hỏng, bị cắt cụt hoặc không đọc được",
    "unsigned": "Tệp PDF không có chữ ký số",
    "broken": "Chữ ký số không hợp lệ: nội dung đã bị thay đổi sau khi ký hoặc chữ ký bị hỏng",
    "modified": "Tài liệu đã bị thêm, sửa nội dung sau khi ký (phần nối thêm không được ký)",
    "untrusted": "Chứng thư số của người ký không do tổ chức cung cấp dịch vụ chứng thực được "
    "hệ thống tin cậy cấp, hoặc đã hết hạn",
    "unknown_agency": "Chứng thư số hợp lệ nhưng chưa được đăng ký cho cơ quan nào trong hệ thống",
    "wrong_agency": "Chứng thư số thuộc cơ quan khác, không phải cơ quan giải quyết hồ sơ",
}


@dataclass(frozen=True)
class Verdict:
    code: str
    sha256: str
    signer: str = ""
    subject: str = ""
    issuer: str = ""
    fingerprint: str = ""
    signed_at: dt.datetime | None = None
    intact: bool = False  # the signed bytes are exactly those the signer signed
    whole_file: bool = False  # nothing was added after the signature
    trusted: bool = False  # the certificate (and the timestamp's) chains to a configured root
    timestamped: bool = False  # signed_at is an RFC 3161 timestamp's, not the signer's claim
    agency: Any = None  # units.Agency whose registered certificate signed, if any
    details: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.code == "valid"

    @property
    def message(self) -> str:
        return MESSAGES[self.code]


def _load_pem_certs(path: Path) -> list:
    from pyhanko.keys import load_certs_from_pemder_data

    try:
        return list(load_certs_from_pemder_data(path.read_bytes()))
    except (OSError, ValueError) as exc:
        log.warning("không đọc được chứng thư gốc %s: %s", path, exc)
        return []


def trust_roots() -> list:
    """The configured roots: ``MOTCUA_ESIGN_TRUST_ROOTS`` files, and the demo CA if trusted."""
    roots: list = []
    for name in settings.MOTCUA_ESIGN_TRUST_ROOTS:
        roots += _load_pem_certs(Path(name))
    if settings.MOTCUA_ESIGN_TRUST_DEMO_CA:
        _, demo = ca_paths()
        if demo.is_file():
            roots += _load_pem_certs(demo)
    return roots


def _validation_context(roots: list) -> Any:
    from pyhanko_certvalidator import ValidationContext

    # No network from a request: revocation is checked against what the file carries, softly
    # (the demo CA publishes no CRL); a province's CRL/OCSP policy is set here (docs/esign.md).
    return ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")


def _text(value: Any) -> str:
    return str(value or "").strip()[:255]


def verify_pdf(data: bytes, *, agencies: Iterable[Any] | None = None) -> Verdict:
    """The verdict on ``data``; with ``agencies``, a certificate of another agency is refused."""
    sha = hashlib.sha256(data).hexdigest()
    if not data.startswith(b"%PDF-"):
        return Verdict("not_pdf", sha)
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    # pyHanko parses untrusted bytes: whatever it raises, the file is unreadable to us
    except Exception:
        return Verdict("unreadable", sha)
    if not signatures:
        return Verdict("unsigned", sha)
    sig = signatures[-1]
    try:
        status = off_loop(validate_pdf_signature, sig, _validation_context(trust_roots()))
        cert = status.signing_cert
        name = _text(sig.sig_object.get("/Name")) or _text(cert.subject.native.get("common_name"))
        ts = status.timestamp_validity
        signed_at = (ts.timestamp if ts is not None else None) or (
            sig.self_reported_timestamp or status.signer_reported_dt
        )
    except Exception:
        log.info("chữ ký không kiểm tra được", exc_info=True)
        return Verdict("broken", sha)
    fp = cert.sha256.hex()
    common = {
        "sha256": sha,
        "signer": name,
        "subject": _text(cert.subject.human_friendly),
        "issuer": _text(
            cert.issuer.native.get("organization_name")
            or cert.issuer.native.get("common_name")
            or cert.issuer.human_friendly
        ),
        "fingerprint": fp,
        "signed_at": signed_at.astimezone(dt.UTC) if signed_at else None,
        "intact": bool(status.intact and status.valid),
        "whole_file": status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        # a timestamp, when there is one, must verify and chain to a root like the signature
        "trusted": bool(status.trusted)
        and (ts is None or bool(ts.intact and ts.valid and ts.trusted)),
        "timestamped": ts is not None,
        "details": [str(status.summary())],
    }
    if not common["intact"]:
        return Verdict("broken", **common)
    from motcua.esign.models import AgencyCertificate

    reg = (
        AgencyCertificate.objects.select_related("agency")
        .filter(fingerprint=fp, revoked_at__isnull=True)
        .first()
    )
    common["agency"] = reg.agency if reg else None
    if not common["whole_file"]:
        return Verdict("modified", **common)
    if not common["trusted"]:
        return Verdict("untrusted", **common)
    if reg is None:
        return Verdict("unknown_agency", **common)
    if agencies is not None and reg.agency_id not in {a.pk for a in agencies}:
        return Verdict("wrong_agency", **common)
    return Verdict("valid", **common)


def verification_code(sha256: str) -> str:
    """The code printed beside a result: the first 16 hex digits of its SHA-256, in 4 groups."""
    head = sha256[:16].upper()
    return "-".join(head[i : i + 4] for i in range(0, 16, 4))


def code_prefix(code: str) -> str | None:
    """The SHA-256 prefix a typed code stands for, or None when it is not a code."""
    clean = "".join(ch for ch in code.strip().lower() if ch not in "- .")
    if len(clean) != 16 or any(ch not in "0123456789abcdef" for ch in clean):
        return None
    return clean


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
