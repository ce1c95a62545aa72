"""Signed PDFs for tests: a real CA in the test's own folder, a real PAdES signature."""

from __future__ import annotations

from typing import Any

from fpdf import FPDF

from motcua.esign.models import AgencyCertificate
from motcua.esign.services import agency_certificate_issue, sign_pdf_bytes


def plain_pdf(text: str = "KET QUA GIAI QUYET", pages: int = 1) -> bytes:
    """An uncompressed PDF, so that tests can find and change its words."""
    pdf = FPDF()
    pdf.set_compression(False)
    for i in range(pages):
        pdf.add_page()
        pdf.set_font("helvetica", size=14)
        pdf.cell(text=f"{text} {i + 1}")
    return bytes(pdf.output())


def certificate_for(agency: Any) -> AgencyCertificate:
    row = AgencyCertificate.objects.filter(agency=agency).exclude(key_ref="").first()
    return row or agency_certificate_issue(actor=None, agency=agency)


def signed_pdf(agency: Any, *, signer: str = "Lê Quốc Hùng", data: bytes | None = None) -> bytes:
    """``data`` (default a one-page PDF) signed by ``agency``'s certificate from the test CA."""
    return sign_pdf_bytes(
        data or plain_pdf(), certificate=certificate_for(agency), signer_name=signer
    )
