"""Writes of the e-sign app: the demo CA, agency certificates, signing a result or a form."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.audit.services import audit_record
from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.core.text import nfc, person_name
from motcua.dossiers.access import require_agency_rows
from motcua.esign import pki
from motcua.esign.models import AgencyCertificate
from motcua.units.models import Agency, Role

#: What the signature dictionary says, beside the signer's name (PAdES /Reason, /Location).
RESULT_REASON = "Ký số kết quả giải quyết thủ tục hành chính"
FORM_REASON = "Ký số phiếu do hệ thống một cửa điện tử phát hành"


def esign_init(*, actor: Any = None) -> dict[str, Any]:
    """Create the demo CA under ``MOTCUA_ESIGN_DIR`` if there is none (idempotent)."""
    ca, created = pki.ca_ensure()
    pki.tsa_ensure()
    return {
        "created": created,
        "ca": ca.cert.subject.rfc4514_string(),
        "fingerprint": pki.fingerprint(ca.cert),
        "dir": str(pki.esign_dir()),
    }


def _register(
    *, actor: Any, agency: Agency, cert: Any, key_ref: str, now: dt.datetime
) -> AgencyCertificate:
    fp = pki.fingerprint(cert)
    if AgencyCertificate.objects.filter(fingerprint=fp).exists():
        raise ValidationFailed("Chứng thư số này đã được đăng ký", code="certificate_exists")
    row = AgencyCertificate(
        agency=agency,
        fingerprint=fp,
        subject=cert.subject.rfc4514_string()[:500],
        issuer=cert.issuer.rfc4514_string()[:500],
        serial=format(cert.serial_number, "x")[:80],
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        pem=pki.cert_pem(cert),
        key_ref=key_ref,
        created_at=now,
    )
    row.full_clean()
    row.save()
    audit_record(
        actor=actor,
        action="esign.certificate_register",
        object_type="AgencyCertificate",
        object_id=row.pk,
        after={"agency": agency.code, "fingerprint": fp, "subject": row.subject},
    )
    return row


@transaction.atomic
def agency_certificate_issue(
    *, actor: Any, agency: Agency, now: dt.datetime | None = None
) -> AgencyCertificate:
    """A new signing certificate from the demo CA for ``agency``, its key in the e-sign folder."""
    at = now or timezone.now()
    ca, _ = pki.ca_ensure()
    cert, key_ref = pki.leaf_issue(ca, organisation=agency.name, agency_code=agency.code)
    return _register(actor=actor, agency=agency, cert=cert, key_ref=key_ref, now=at)


@transaction.atomic
def agency_certificate_register(
    *, actor: Any, agency: Agency, pem: bytes, key_ref: str = "", now: dt.datetime | None = None
) -> AgencyCertificate:
    """Bind a certificate issued elsewhere (the province's CA, a token) to ``agency``."""
    from cryptography import x509

    try:
        cert = x509.load_pem_x509_certificate(pem)
    except ValueError:
        raise ValidationFailed(
            "Tệp không phải chứng thư số dạng PEM", code="bad_certificate"
        ) from None
    return _register(
        actor=actor, agency=agency, cert=cert, key_ref=nfc(key_ref), now=now or timezone.now()
    )


def signing_certificate(agency: Agency, *, now: dt.datetime | None = None) -> AgencyCertificate:
    """The agency's newest certificate in force that the server can sign with."""
    at = now or timezone.now()
    row = (
        AgencyCertificate.objects.filter(
            agency=agency, revoked_at__isnull=True, not_before__lte=at, not_after__gt=at
        )
        .exclude(key_ref="")
        .order_by("-not_after", "-pk")
        .first()
    )
    if row is None:
        raise ValidationFailed(
            f"{agency.name} chưa có chứng thư số còn hiệu lực để ký trên hệ thống",
            code="no_signing_certificate",
        )
    return row


def timestamper() -> Any:
    """The RFC 3161 client for ``MOTCUA_ESIGN_TSA`` (None: PAdES B-B, no timestamp)."""
    from django.conf import settings

    tsa = settings.MOTCUA_ESIGN_TSA
    if not tsa:
        return None
    if tsa == "demo":
        from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

        pki.tsa_ensure()
        key_path, cert_path = pki.tsa_paths()
        return DummyTimeStamper(
            tsa_cert=load_cert_from_pemder(str(cert_path)),
            tsa_key=load_private_key_from_pemder(str(key_path), passphrase=None),
        )
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(tsa, timeout=10)


def sign_pdf_bytes(
    data: bytes,
    *,
    certificate: AgencyCertificate,
    signer_name: str,
    reason: str = RESULT_REASON,
    location: str = "",
) -> bytes:
    """PAdES signature (ETSI.CAdES.detached) over ``data`` by ``certificate``'s key, with the
    person who signs as the signature's /Name: baseline B-T when a TSA is configured
    (``MOTCUA_ESIGN_TSA``), else B-B."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from motcua.esign.backends import backend

    signer = backend().signer_for(certificate)
    meta = signers.PdfSignatureMetadata(
        field_name="KyKetQua",
        name=nfc(signer_name)[:255] or None,
        reason=reason,
        location=location or None,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    except Exception:
        raise ValidationFailed(
            "Tệp PDF không đọc được để ký; hãy xuất lại tệp PDF", code="bad_pdf"
        ) from None
    if any(True for _ in fields.enumerate_sig_fields(writer, filled_status=True)):
        raise ValidationFailed("Tệp PDF đã có chữ ký số", code="already_signed")
    from pyhanko.sign.timestamps.common_utils import TimestampRequestError

    try:
        out = pki.off_loop(signers.sign_pdf, writer, meta, signer=signer, timestamper=timestamper())
    except TimestampRequestError:
        raise ValidationFailed(
            "Không lấy được dấu thời gian từ máy chủ cấp dấu thời gian; chưa ký, hãy thử lại sau",
            code="tsa_unavailable",
        ) from None
    return out.getvalue()


def issuing_agencies(dossier: Any) -> list[Agency]:
    """Who may issue the dossier's result: the lead agency and the agencies of its leaders'
    steps (an inter-level dossier's decision may come from the higher level)."""
    agencies = {dossier.processing_agency_id: dossier.processing_agency}
    for step in dossier.steps.filter(role__in=["lanh_dao", "lanh_dao_phong"]).select_related(
        "agency"
    ):
        agencies.setdefault(step.agency_id, step.agency)
    return [a for a in agencies.values() if a is not None]


def signing_agency_for(actor: Any, dossier: Any) -> Agency:
    """The issuing agency in which ``actor`` is a leader and, as its member, may attach the
    result now (``dossiers.services.result_may_attach``, the rule ``result_attach`` applies):
    the lead agency first, else the agency of an active leader's step. Not the agency of a
    leader's step planned for later: the signed file would be refused when attached. The dossier
    page offers the signing form by this function (``esign.templatetags.can_sign_result``)."""
    from motcua.dossiers.access import has_role
    from motcua.dossiers.services import result_may_attach

    for agency in issuing_agencies(dossier):
        if has_role(actor, agency, Role.LEADER) and result_may_attach(
            actor, dossier, agency=agency
        ):
            return agency
    raise PermissionDenied(
        "Chỉ lãnh đạo cơ quan giải quyết hồ sơ được ký số kết quả", code="permission_denied"
    )


def result_sign(
    *,
    actor: Any,
    dossier: Any,
    checked: Any,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Any:
    """The leader signs the result draft with the agency's certificate; it is attached as the
    electronic result (``dossiers.services.result_attach`` checks the signature again)."""
    from motcua.dossiers import services as svc
    from motcua.dossiers.files import check_upload

    agency = signing_agency_for(actor, dossier)
    if checked.content_type != "application/pdf":
        raise ValidationFailed("Kết quả điện tử phải là tệp PDF", code="result_not_pdf")
    name = person_name(actor)
    signed = sign_pdf_bytes(
        checked.read_all(),
        certificate=signing_certificate(agency),
        signer_name=name,
        location=agency.name,
    )
    return svc.result_attach(
        actor=actor,
        dossier=dossier,
        checked=check_upload(checked.name, signed),
        signer=name,
        electronic=True,
        expected_version=expected_version,
        now=now,
    )


def form_pdf_signed(data: bytes, *, agency: Agency, signer_name: str) -> bytes:
    """A form the system issues (Mẫu 01 receipt, Mẫu 04 apology…) signed by ``agency``."""
    return sign_pdf_bytes(
        data,
        certificate=signing_certificate(agency),
        signer_name=signer_name,
        reason=FORM_REASON,
        location=agency.name,
    )


def esign_demo_setup(*, agencies: list[Agency]) -> dict[str, Any]:
    """The demo CA and a signing certificate for each of ``agencies`` that has none (idempotent);
    ``motcua demo`` calls it for the agencies whose leaders sign demo results."""
    init = esign_init()
    issued = 0
    for agency in agencies:
        if not AgencyCertificate.objects.filter(agency=agency).exclude(key_ref="").exists():
            agency_certificate_issue(actor=None, agency=agency)
            issued += 1
    return {"ca_created": init["created"], "certificates_issued": issued}


#: Forms the system signs: which agency of the dossier issues it when no issued row names it
#: (the receipt), and who there may sign it. An issued form is signed by the agency named on it
#: (an apology by an agency the dossier was transferred to is that agency's letter).
FORM_SIGNERS = {
    "01": ("receiving_agency", Role.COUNTER),  # Mẫu 01, giấy tiếp nhận và hẹn trả kết quả
    "04": ("processing_agency", Role.LEADER),  # Mẫu 04, phiếu xin lỗi và hẹn lại
}


def form_sign(*, actor: Any, dossier: Any, form: str, data: bytes, issued: Any = None) -> bytes:
    """Sign a printed form (``?pdf=1&ky=1``) with its issuing agency's certificate, the acting
    officer named as the signer. Nothing is stored: the form is rendered from the dossier.
    ``issued``: the issued form printed (``?so=``); else the latest one, as the print shows it.
    The agency named on it signs (an apology by an agency the dossier was transferred to is that
    agency's letter); the receipt, the receiving desk."""
    from motcua.dossiers.access import require_role

    if form not in FORM_SIGNERS:
        raise ValidationFailed("Mẫu này chưa được ký số trên hệ thống", code="form_not_signable")
    attr, role = FORM_SIGNERS[form]
    if form != "01" and (issued is None or issued.form != form):
        issued = dossier.forms.filter(form=form).order_by("-issued_at", "-id").first()
    agency = issued.agency if form != "01" and issued is not None else getattr(dossier, attr)
    require_role(actor, agency, role)
    return form_pdf_signed(data, agency=agency, signer_name=person_name(actor))


@transaction.atomic
def agency_certificate_revoke(
    *, actor: Any, certificate: AgencyCertificate, now: dt.datetime | None = None
) -> AgencyCertificate:
    """Withdraw the binding: from now on the certificate signs no result of any agency (already
    attached results keep their record; verification then reports them ``unknown_agency``).
    Only whoever keeps the certificate's agency revokes it (``actor`` None: the system)."""
    row = AgencyCertificate.objects.select_for_update().get(pk=certificate.pk)
    require_agency_rows(actor, row.agency_id)
    if row.revoked_at is not None:
        return row
    row.revoked_at = now or timezone.now()
    row.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="esign.certificate_revoke",
        object_type="AgencyCertificate",
        object_id=row.pk,
        before={"revoked_at": None},
        after={"revoked_at": row.revoked_at.isoformat(), "fingerprint": row.fingerprint},
    )
    return row
