"""Real signatures, real CA (in the test's folder): what counts as a signed electronic result."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from motcua.esign import pki
from motcua.esign.models import AgencyCertificate
from motcua.esign.services import agency_certificate_issue, agency_certificate_register
from motcua.esign.verify import code_prefix, verification_code, verify_pdf
from motcua.units.models import Agency
from tests.dossiers.conftest import World
from tests.esign_tools import plain_pdf, signed_pdf

pytestmark = pytest.mark.django_db


def test_valid_signature_verifies_with_signer_agency_and_time(world: World, settings) -> None:
    data = signed_pdf(world.justice, signer="Lê Quốc Hùng")
    v = verify_pdf(data, agencies=[world.justice])
    assert v.code == "valid", v.details
    assert (v.valid, v.intact, v.whole_file, v.trusted) == (True, True, True, True)
    assert v.signer == "Lê Quốc Hùng"
    assert v.agency == world.justice
    assert v.signed_at is not None
    assert "000.00.03.H10" in v.subject
    # the keys are in the test's e-sign folder, owner-only, never in the repository
    base = Path(settings.MOTCUA_ESIGN_DIR)
    row = AgencyCertificate.objects.get(agency=world.justice)
    key = base / row.key_ref
    assert key.is_file() and stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(base / "ca" / "ca.key.pem").st_mode) == 0o600
    assert "PRIVATE" not in row.pem


def test_a_byte_changed_after_signing_breaks_the_signature(world: World) -> None:
    data = signed_pdf(world.justice, data=plain_pdf("KET QUA GIAI QUYET"))
    at = data.index(b"KET QUA")
    tampered = data[:at] + b"KXT" + data[at + 3 :]
    v = verify_pdf(tampered, agencies=[world.justice])
    assert v.code == "broken" and not v.valid and not v.intact


def test_an_incremental_update_after_signing_is_reported(world: World) -> None:
    data = signed_pdf(world.justice)
    w = IncrementalPdfFileWriter(io.BytesIO(data))
    w.root["/Lang"] = __import__("pyhanko.pdf_utils.generic").pdf_utils.generic.TextStringObject(
        "vi"
    )
    w.update_root()
    out = io.BytesIO()
    w.write(out)
    v = verify_pdf(out.getvalue(), agencies=[world.justice])
    assert v.code == "modified"
    assert v.intact and not v.whole_file and not v.valid
    assert v.agency == world.justice  # who signed the original part is still told


def test_a_signature_by_an_untrusted_ca_is_refused(world: World, tmp_path: Path) -> None:
    rogue = pki.ca_create(tmp_path / "rogue", name="CA la")
    cert, key_ref = pki.leaf_issue(
        rogue, organisation="Sở Tư pháp", agency_code=world.justice.code, base=tmp_path / "rogue"
    )
    # even registered to the agency (an administrator's mistake), an untrusted chain fails
    row = agency_certificate_register(
        actor=None, agency=world.justice, pem=pki.cert_pem(cert).encode()
    )
    AgencyCertificate.objects.filter(pk=row.pk).update(key_ref=f"../../rogue/{key_ref}")
    with pytest.raises(Exception) as outside:  # the local backend never reads outside its folder
        signed_pdf(world.justice)
    assert getattr(outside.value, "code", "") == "signing_key_missing"
    from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter as W
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    leaf = next(iter(load_certs_from_pemder_data(pki.cert_pem(cert).encode())))
    signer = signers.SimpleSigner(
        signing_cert=leaf,
        signing_key=load_private_key_from_pemder_data(
            (tmp_path / "rogue" / key_ref).read_bytes(), passphrase=None
        ),
        cert_registry=SimpleCertificateStore.from_certs([leaf]),
    )
    out = signers.sign_pdf(
        W(io.BytesIO(plain_pdf())),
        signers.PdfSignatureMetadata(
            field_name="Sig", name="Kẻ giả mạo", subfilter=fields.SigSeedSubFilter.PADES
        ),
        signer=signer,
    )
    v = verify_pdf(out.getvalue(), agencies=[world.justice])
    assert v.code == "untrusted" and v.intact and not v.trusted and not v.valid


def test_another_agencys_certificate_is_refused_for_this_agency(world: World) -> None:
    data = signed_pdf(world.health)
    assert verify_pdf(data).code == "valid"  # a valid signature of the Department of Health
    v = verify_pdf(data, agencies=[world.justice])
    assert v.code == "wrong_agency" and v.agency == world.health and not v.valid


def test_a_trusted_but_unregistered_certificate_names_no_agency(world: World) -> None:
    data = signed_pdf(world.justice)
    AgencyCertificate.objects.all().delete()
    assert verify_pdf(data).code == "unknown_agency"


def test_a_revoked_registration_no_longer_counts(world: World) -> None:
    data = signed_pdf(world.justice)
    from django.utils import timezone

    AgencyCertificate.objects.update(revoked_at=timezone.now())
    assert verify_pdf(data, agencies=[world.justice]).code == "unknown_agency"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "not_pdf"),
        (b"GIF89a not a pdf", "not_pdf"),
        (b"%PDF-1.7\n\x00\xff garbage", "unreadable"),
        (b"%PDF-" + b"A" * 5000, "unreadable"),
    ],
)
def test_hostile_bytes_get_a_verdict_not_an_exception(data: bytes, code: str) -> None:
    assert verify_pdf(data).code == code


def test_unsigned_and_truncated(world: World) -> None:
    assert verify_pdf(plain_pdf()).code == "unsigned"
    data = signed_pdf(world.justice)
    for cut in (len(data) // 2, len(data) - 200, len(data) - 5):
        v = verify_pdf(data[:cut], agencies=[world.justice])
        assert not v.valid and v.code in {"unreadable", "broken", "unsigned", "modified"}


def test_the_demo_ca_is_trusted_only_when_configured(world: World, settings) -> None:
    data = signed_pdf(world.justice)
    settings.MOTCUA_ESIGN_TRUST_DEMO_CA = False
    assert verify_pdf(data).code == "untrusted"
    # a province root configured by file is trusted like the demo CA
    settings.MOTCUA_ESIGN_TRUST_ROOTS = [str(Path(settings.MOTCUA_ESIGN_DIR) / "ca/ca.cert.pem")]
    assert verify_pdf(data).code == "valid"


def test_verification_codes() -> None:
    sha = "0123456789abcdef" + "0" * 48
    assert verification_code(sha) == "0123-4567-89AB-CDEF"
    assert code_prefix("0123-4567-89ab-cdef") == "0123456789abcdef"
    assert code_prefix(" 0123 4567 89AB CDEF ") == "0123456789abcdef"
    for bad in ("", "0123", "xyz0-4567-89ab-cdef", "0123-4567-89ab-cdef-0", "'; drop"):
        assert code_prefix(bad) is None


def test_issue_refuses_a_second_registration_of_one_certificate(world: World) -> None:
    row = agency_certificate_issue(actor=None, agency=world.justice)
    with pytest.raises(Exception) as exc:
        agency_certificate_register(actor=None, agency=world.health, pem=row.pem.encode())
    assert getattr(exc.value, "code", "") == "certificate_exists"
    with pytest.raises(Exception) as bad:
        agency_certificate_register(actor=None, agency=world.health, pem=b"not a cert")
    assert getattr(bad.value, "code", "") == "bad_certificate"
    assert Agency.objects.get(pk=world.health.pk).certificates.count() == 0


def test_signing_and_verifying_work_inside_a_running_event_loop(world: World) -> None:
    """pyHanko's sync wrappers call asyncio.run; under an event loop (ASGI, Playwright's sync
    API) they run in a worker thread instead of failing."""
    import asyncio

    certificate_row = AgencyCertificate.objects.filter(agency=world.justice).first()
    assert certificate_row is None
    from tests.esign_tools import certificate_for

    cert = certificate_for(world.justice)  # DB work outside the loop

    async def inside() -> str:
        from motcua.esign.services import sign_pdf_bytes
        from motcua.esign.verify import _validation_context, trust_roots

        data = sign_pdf_bytes(plain_pdf(), certificate=cert, signer_name="Lê Quốc Hùng")
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature

        from motcua.esign.pki import off_loop

        sig = PdfFileReader(io.BytesIO(data)).embedded_signatures[-1]
        status = off_loop(validate_pdf_signature, sig, _validation_context(trust_roots()))
        return "ok" if status.bottom_line else "bad"

    assert asyncio.run(inside()) == "ok"
