"""The receipt (Mẫu 01) carries a QR code of the portal's look-up URL: drawn with fpdf2 from
segno's matrix, decoded back here from the PDF's own drawing by a real decoder (zxing-cpp), and
the URL it holds opens the dossier without a second factor."""

from __future__ import annotations

import io
import re
from typing import Any

import numpy as np
import pytest
from django.test import Client
from pypdf import PdfReader

from motcua.dossiers import forms as legal_forms
from motcua.dossiers.models import Dossier, FormType
from motcua.dossiers.qr import DEMO_URL
from motcua.portal.selectors import qr_url
from tests.dossiers.conftest import World

pytestmark = pytest.mark.django_db

FILLED_RECT = re.compile(rb"(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re f")
PX_PER_PT = 4


def qr_codes_on(pdf: bytes) -> list[str]:
    """Every QR code a decoder reads on each page, rasterising the filled rectangles."""
    import zxingcpp

    found: list[str] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        img = np.full((int(h * PX_PER_PT) + 1, int(w * PX_PER_PT) + 1), 255, dtype=np.uint8)
        for m in FILLED_RECT.finditer(page.get_contents().get_data()):
            x, y, rw, rh = (float(v) * PX_PER_PT for v in m.groups())
            # PDF y grows upwards; fpdf2 writes a negative height from the top edge
            y0, y1 = sorted((y, y + rh))
            img[round(y0) : round(y1), round(x) : round(x + rw)] = 0
        found += [r.text for r in zxingcpp.read_barcodes(np.flipud(img).copy())]
    return found


def test_receipt_pdf_has_the_lookup_qr_on_each_copy(
    client: Client, world: World, received: Dossier, settings: Any
) -> None:
    d = received
    doc = legal_forms.build(d, FormType.RECEIPT)
    assert doc.qr == qr_url(d.pk)
    pdf = legal_forms.render_pdf(doc)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == len(doc.copies) == 2  # the code fits: no page of its own
    assert qr_codes_on(pdf) == [qr_url(d.pk)] * 2
    assert "Quét mã để tra cứu hồ sơ" in reader.pages[0].extract_text()
    # the printed URL opens the dossier on the portal, no second factor asked
    path = qr_url(d.pk).removeprefix(settings.MOTCUA_PUBLIC_URL or DEMO_URL)
    r = client.get(path)
    assert r.status_code == 200
    assert d.code in r.content.decode()


def test_other_forms_carry_no_qr(world: World, received: Dossier) -> None:
    doc = legal_forms.build(received, FormType.CONTROL)
    assert doc.qr == ""
    assert qr_codes_on(legal_forms.render_pdf(doc)) == []


def test_receipt_print_view_shows_the_qr(client: Client, world: World, received: Dossier) -> None:
    client.force_login(world.users["counter"])
    r = client.get(f"/can-bo/ho-so/{received.pk}/mau/01/")
    assert r.status_code == 200
    body = r.content.decode()
    assert body.count("<svg") == 2  # one per copy
    assert "Quét mã để tra cứu hồ sơ" in body
