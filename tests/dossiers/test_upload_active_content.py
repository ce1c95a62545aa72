"""A PDF that runs code when opened (JavaScript, a launch action) is refused at upload: a scan or
a signed result never needs it, and these files are opened by officers and applicants."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

from motcua.core.errors import ValidationFailed
from motcua.dossiers.files import check_upload
from motcua.dossiers.models import Document, Dossier, DossierEvent
from motcua.dossiers.services import dossier_receive
from tests.dossiers.conftest import World, at

MESSAGE = "Tệp PDF chứa mã lệnh (JavaScript hoặc lệnh mở chương trình)"


def _js(code: str = "app.alert('x');") -> DictionaryObject:
    return DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(code)}
    )


def _launch() -> DictionaryObject:
    return DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")}
    )


def pdf(kind: str = "") -> bytes:
    w = PdfWriter()
    page = w.add_blank_page(595, 842)
    if kind == "open_js":
        w._root_object[NameObject("/OpenAction")] = w._add_object(_js())
    elif kind == "open_launch":
        w._root_object[NameObject("/OpenAction")] = w._add_object(_launch())
    elif kind == "names_js":
        tree = DictionaryObject(
            {NameObject("/Names"): ArrayObject([TextStringObject("a"), w._add_object(_js())])}
        )
        w._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})
    elif kind == "catalog_aa":
        w._root_object[NameObject("/AA")] = DictionaryObject({NameObject("/WC"): _js()})
    elif kind == "page_aa":
        page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): _js()})
    elif kind == "link_js":
        link = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject([FloatObject(0)] * 4),
                NameObject("/A"): _js(),
            }
        )
        page[NameObject("/Annots")] = ArrayObject([w._add_object(link)])
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    "kind", ["open_js", "open_launch", "names_js", "catalog_aa", "page_aa", "link_js"]
)
def test_a_pdf_with_code_is_refused(kind: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        check_upload("ban-quet.pdf", pdf(kind))
    assert exc.value.code == "pdf_active_content"
    assert MESSAGE in exc.value.message


@pytest.mark.parametrize("kind", ["open_js", "open_launch"])
def test_a_code_action_hidden_behind_a_doubled_key_is_refused(kind: str) -> None:
    """Found by a probe: the catalog defines /OpenAction twice, the script first and a harmless
    page view after it. Readers disagree on which one counts, so the file is refused whichever
    order (pypdf keeps the first; the probe's reader took the last)."""
    data = pdf(kind)
    catalog = re.search(rb"/OpenAction (\d+ 0 R)", data)
    assert catalog is not None
    harmless = b"/OpenAction [ 3 0 R /Fit ]"
    for doubled in (
        catalog.group(0) + b"\n" + harmless,
        harmless + b"\n" + catalog.group(0),
    ):
        with pytest.raises(ValidationFailed) as exc:
            check_upload("ban-quet.pdf", data.replace(catalog.group(0), doubled))
        assert exc.value.code == "pdf_active_content"


def test_a_doubled_harmless_key_is_no_reason_to_refuse() -> None:
    data = pdf().replace(b"/Type /Catalog", b"/Type /Catalog\n/Lang (vi)\n/Lang (vi)", 1)
    assert b"/Lang (vi)" in data
    assert check_upload("ban-quet.pdf", data).pages == 1


def test_a_plain_pdf_is_taken() -> None:
    checked = check_upload("ban-quet.pdf", pdf())
    assert checked.content_type == "application/pdf"
    assert checked.pages == 1


def test_a_scan_with_javascript_is_refused_at_the_page_and_nothing_is_written(
    world: World,
) -> None:
    d: Dossier = dossier_receive(
        actor=world.users["counter"],
        desk=world.center,
        intake=world.intake(),
        now=at("2022-06-01 09:00"),
    )
    before = (Document.objects.count(), DossierEvent.objects.count(), d.version)
    c = Client(raise_request_exception=False)
    c.force_login(world.users["counter"])
    r = c.post(
        f"/can-bo/ho-so/{d.pk}/thao-tac/attach_scan/",
        {
            "version": d.version,
            "file": SimpleUploadedFile("ban-quet.pdf", pdf("open_js"), "application/pdf"),
        },
    )
    assert r.status_code == 400
    assert MESSAGE in r.content.decode()
    d.refresh_from_db()
    assert (Document.objects.count(), DossierEvent.objects.count(), d.version) == before
