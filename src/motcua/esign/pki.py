"""Key material on disk: the demo certificate authority and the agencies' local signing keys.

Everything lives under one folder, ``esign_dir()`` (``MOTCUA_ESIGN_DIR``, default
``VAR_DIR/esign``, which git ignores): ``ca/ca.key.pem`` and ``ca/ca.cert.pem`` for the demo CA,
``agencies/<fingerprint>.key.pem`` for each agency key it certified. Private keys are written
with mode 0600 and never leave that folder; the database keeps only certificates.

A province with a real CA does not use this module for signing: it registers the agencies'
certificates (``motcua esign-issue-cert --agency ID --cert FILE``) and points
``MOTCUA_ESIGN_TRUST_ROOTS`` at its roots (docs/esign.md).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from django.conf import settings

CA_NAME = "Một Cửa — CA trình diễn (không dùng thật)"


def esign_dir() -> Path:
    return Path(settings.MOTCUA_ESIGN_DIR)


def ca_paths(base: Path | None = None) -> tuple[Path, Path]:
    root = (base or esign_dir()) / "ca"
    return root / "ca.key.pem", root / "ca.cert.pem"


def _write_private(path: Path, data: bytes) -> None:
    """Create ``path`` readable by its owner only (the key never exists with wider rights)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def _key_pem(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _utf8_cut(text: str, limit: int) -> str:
    """At most ``limit`` UTF-8 bytes (X.509's upper bound for a common name), whole letters."""
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore").strip() or "?"


def cert_pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


@dataclass(frozen=True)
class Authority:
    key: Any  # ec.EllipticCurvePrivateKey (CA, agencies) or rsa.RSAPrivateKey (demo TSA)
    cert: x509.Certificate


def ca_create(
    base: Path, *, name: str = CA_NAME, now: dt.datetime | None = None, years: int = 10
) -> Authority:
    """A new self-signed CA under ``base/ca`` (overwrites); tests make their own in a tmp dir."""
    now = now or dt.datetime.now(dt.UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = ca_paths(base)
    _write_private(key_path, _key_pem(key))
    cert_path.write_text(cert_pem(cert), encoding="ascii")
    return Authority(key, cert)


def tsa_paths(base: Path | None = None) -> tuple[Path, Path]:
    root = (base or esign_dir()) / "tsa"
    return root / "tsa.key.pem", root / "tsa.cert.pem"


def tsa_ensure(base: Path | None = None) -> tuple[Authority, bool]:
    """The demo time-stamping authority's key and certificate (issued by the demo CA, extended
    key usage timeStamping), created when absent; (TSA, created?)."""
    base = base or esign_dir()
    key_path, cert_path = tsa_paths(base)
    if key_path.is_file() and cert_path.is_file():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        return Authority(key, x509.load_pem_x509_certificate(cert_path.read_bytes())), False  # type: ignore[arg-type]
    ca, _ = ca_ensure(base)
    now = dt.datetime.now(dt.UTC)
    # RSA: pyHanko's in-process timestamper signs with RSA only
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = "Một Cửa — dấu thời gian trình diễn"
    cert = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, CA_NAME),
                    x509.NameAttribute(NameOID.COMMON_NAME, name),
                ]
            )
        )
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(min(now + dt.timedelta(days=365 * 5), ca.cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
            critical=False,
        )
        .sign(ca.key, hashes.SHA256())
    )
    _write_private(key_path, _key_pem(key))
    cert_path.write_text(cert_pem(cert), encoding="ascii")
    return Authority(key, cert), True


def ca_load(base: Path | None = None) -> Authority | None:
    key_path, cert_path = ca_paths(base)
    if not key_path.is_file() or not cert_path.is_file():
        return None
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):  # pragma: no cover - we only write EC
        raise ValueError("khóa CA không phải khóa EC")
    return Authority(key, x509.load_pem_x509_certificate(cert_path.read_bytes()))


def ca_ensure(base: Path | None = None) -> tuple[Authority, bool]:
    """The CA under ``base`` (default ``esign_dir()``), created when absent; (CA, created?)."""
    base = base or esign_dir()
    found = ca_load(base)
    if found is not None:
        return found, False
    return ca_create(base), True


def leaf_issue(
    ca: Authority,
    *,
    organisation: str,
    agency_code: str,
    base: Path | None = None,
    now: dt.datetime | None = None,
    years: int = 3,
) -> tuple[x509.Certificate, str]:
    """A signing certificate for an agency, its key stored under ``base/agencies``.

    The subject names the agency (O and CN) and carries its QCVN 102 identifier as UID, the way
    Vietnamese organisation certificates carry an identifier; the binding to the agency that the
    system trusts is the registered fingerprint, not the name. Returns (certificate, key_ref).
    """
    now = now or dt.datetime.now(dt.UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:255]),
            x509.NameAttribute(NameOID.USER_ID, f"MCD:{agency_code}"[:64]),
            x509.NameAttribute(NameOID.COMMON_NAME, _utf8_cut(organisation, 64)),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(min(now + dt.timedelta(days=365 * years), ca.cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(ca.key, hashes.SHA256())
    )
    key_ref = f"agencies/{fingerprint(cert)}.key.pem"
    _write_private((base or esign_dir()) / key_ref, _key_pem(key))
    return cert, key_ref


def off_loop(fn: Any, /, *args: Any, **kwargs: Any) -> Any:
    """Call one of pyHanko's synchronous wrappers (they use ``asyncio.run``) from any thread:
    directly, or in a worker thread when this thread already runs an event loop (an ASGI
    server, Playwright's sync API in the browser tests). ``fn`` must not touch the database."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()
