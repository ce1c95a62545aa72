"""Hostile PDFs at the upload check: every malformed file is either read with a sane page count
or refused with the stable code ``bad_pdf``; never another exception (which would be a 500)."""

from __future__ import annotations

import random
import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.core.errors import ValidationFailed
from motcua.dossiers.files import check_upload
from tests.dossiers.test_documents import pdf_bytes

MINIMAL = (
    b"%PDF-1.4\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >> endobj\n"
)


def _with_xref(body: bytes, root: bytes = b"1 0 R", size: bytes = b"4") -> bytes:
    """A file whose xref table points at the objects of ``body`` (offsets computed here)."""
    offsets = [m.start() for m in re.finditer(rb"(?m)^\d+ 0 obj", body)]
    xref = b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)
    xref += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    trailer = b"trailer << /Size " + size + b" /Root " + root + b" >>\n"
    return body + xref + trailer + b"startxref\n%d\n%%%%EOF\n" % len(body)


def malformed(seed: int) -> bytes:
    """One small malformed PDF (45–994 bytes), the same for the same seed."""
    rnd = random.Random(seed)
    real = pdf_bytes(1)
    good = _with_xref(MINIMAL)
    kind = seed % 10
    if kind == 0:  # a real PDF cut short
        data = real[: rnd.randint(45, min(994, len(real) - 1))]
    elif kind == 1:  # random bytes after the magic
        data = b"%PDF-1.4\n" + rnd.randbytes(rnd.randint(36, 985))
    elif kind == 2:  # xref offsets and trailer numbers replaced by random or huge numbers
        digits = bytearray(good)
        for m in re.finditer(rb"\d+", good):
            if rnd.random() < 0.3:
                n = rnd.choice(
                    [b"9" * rnd.randint(10, 40), b"-1", b"0", str(rnd.randint(0, 10**6)).encode()]
                )
                digits[m.start() : m.end()] = n[: m.end() - m.start()].ljust(
                    m.end() - m.start(), b"9"
                )
        data = bytes(digits)
    elif kind == 3:  # huge numbers in object references
        huge = str(10 ** rnd.randint(10, 40)).encode()
        body = MINIMAL.replace(rnd.choice([b"2 0 R", b"3 0 R"]), huge + b" 0 R")
        data = _with_xref(body, size=rnd.choice([b"4", huge]))
    elif kind == 4:  # deep nesting of arrays or dictionaries
        open_, close = rnd.choice([(b"[", b"]"), (b"<< /A ", b" >>")])
        depth = rnd.randint(20, 800 // len(open_))
        nest = open_ * depth + b"0" + close * rnd.randint(0, depth)
        body = MINIMAL.replace(b"/MediaBox [0 0 612 792]", b"/MediaBox " + nest)
        data = _with_xref(body)
    elif kind == 5:  # a trailer whose root is not a catalog, or missing, or self-referencing
        root = rnd.choice([b"3 0 R", b"99 0 R", b"null", b"(x)", b"2 0 R", b"<< /Root 1 0 R >>"])
        encrypt = rnd.choice(
            [
                b"5",
                b"<< /Filter /Standard /V 9 /R 9 /O (x) /U (y) /P -1 >> /ID [(a)(b)]",
                b"<< /Filter /Standard /V 2 /R 3 /Length 128 /O <00> /U <00> /P -1 >>"
                b" /ID [<00><00>]",
                b"<< /Filter /Nope /V 1 >>",
            ]
        )
        data = rnd.choice(
            [
                _with_xref(MINIMAL, root=root),
                _with_xref(MINIMAL).replace(b"/Root 1 0 R", b"/Root 1 0 R /Encrypt " + encrypt),
            ]
        )
    elif kind == 6:  # page tree loops and lies
        body = MINIMAL.replace(
            b"/Kids [3 0 R] /Count 1",
            rnd.choice(
                [
                    b"/Kids [2 0 R] /Count 1",
                    b"/Kids 3 0 R /Count -5",
                    b"/Kids [] /Count 99999999999999",
                    b"/Kids [1 0 R 3 0 R] /Count 2",
                    b"/Kids [(a) 7] /Count 2",
                ]
            ),
        )
        data = _with_xref(body)
    elif kind == 8:  # huge or negative numbers where the reader seeks or counts
        huge = rnd.choice([b"9" * rnd.randint(19, 40), b"-" + b"9" * rnd.randint(1, 30), b"1e400"])
        target = rnd.choice(
            [rb"startxref\n(\d+)", rb"xref\n0 (\d+)", rb"/Size (\d+)", rb"\n(0000000009) 00000"]
        )
        data = re.sub(target, lambda m: m.group(0).replace(m.group(1), huge), good, count=1)
    elif kind == 9:  # objects of the wrong type where the page tree expects dictionaries
        wrong = rnd.choice([b"5", b"(text)", b"[1 2]", b"/Name", b"null", b"true", b"<00ff>"])
        body = MINIMAL.replace(
            rnd.choice([b"/Pages 2 0 R", b"/Kids [3 0 R]", b"/Parent 2 0 R", b"/Type /Page "]),
            rnd.choice([b"/Pages ", b"/Kids ", b"/Parent ", b"/Type "]) + wrong + b" ",
        )
        data = _with_xref(body, root=rnd.choice([b"1 0 R", wrong]))
    else:  # random bytes flipped in a good small file
        flipped = bytearray(good)
        for _ in range(rnd.randint(1, 12)):
            flipped[rnd.randrange(9, len(flipped))] = rnd.randrange(256)
        data = bytes(flipped)
    data = data[:994]
    return data if len(data) >= 45 else data.ljust(45, b" ")


def read_or_refuse(data: bytes) -> None:
    try:
        checked = check_upload("scan.pdf", data)
    except ValidationFailed as exc:
        assert exc.code == "bad_pdf", (exc.code, data[:80])
        assert "PDF" in exc.message
        return
    assert 1 <= checked.pages <= len(data), (checked.pages, data[:80])


@pytest.mark.parametrize("seed", range(320))
def test_seeded_malformed_pdfs_are_read_or_refused(seed: int) -> None:
    data = malformed(seed)
    assert data.startswith(b"%PDF-") and 45 <= len(data) <= 994
    read_or_refuse(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(min_size=36, max_size=985))
def test_random_bytes_after_the_magic(tail: bytes) -> None:
    read_or_refuse(b"%PDF-1.4\n" + tail)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=45, max_value=994), st.integers(min_value=0, max_value=2**32))
def test_truncated_and_mutated_real_pdf(length: int, seed: int) -> None:
    data = bytearray(_with_xref(MINIMAL) + pdf_bytes(1))[:length]
    rnd = random.Random(seed)
    for _ in range(seed % 5):
        data[rnd.randrange(9, len(data))] = rnd.randrange(256)
    read_or_refuse(bytes(data))


def test_the_good_files_still_read() -> None:
    assert check_upload("a.pdf", _with_xref(MINIMAL)).pages == 1
    assert check_upload("b.pdf", pdf_bytes(3)).pages == 3


def test_page_tree_without_pages_is_refused() -> None:
    body = MINIMAL.replace(b"/Kids [3 0 R] /Count 1", b"/Kids [] /Count 0")
    with pytest.raises(ValidationFailed) as exc:
        check_upload("rong.pdf", _with_xref(body))
    assert exc.value.code == "bad_pdf"


@pytest.mark.django_db
def test_malformed_pdf_through_the_page_is_refused_or_read_never_500(world) -> None:  # type: ignore[no-untyped-def]
    """Each malformed PDF is either refused by the form (400, the message next to the file field,
    nothing stored) or, when pypdf repairs it into a readable page, stored like any scan (302):
    never a 500, never a silent drop. The cut-short real PDF is always refused."""
    from tests.backoffice.test_views import login, receive

    d = receive(world)
    counter = login(world.users["counter"])
    bad = [malformed(s) for s in range(0, 320, 7)]
    refused = 0
    for data in bad:
        d.refresh_from_db()
        version, stored = d.version, d.documents.count()
        r = counter.post(
            f"/can-bo/ho-so/{d.pk}/thao-tac/attach_scan/",
            {
                "version": version,
                "document": "Đơn",
                "file": SimpleUploadedFile("scan.pdf", data, "application/pdf"),
            },
            HTTP_REFERER=f"/can-bo/ho-so/{d.code}/",
        )
        said = [str(m) for m in get_messages(r.wsgi_request)]
        d.refresh_from_db()
        if r.status_code == 400:
            refused += 1
            assert 'id="error-attach_scan-file">Tệp PDF' in r.content.decode(), data[:80]
            assert len(said) == 1 and said[0].startswith("Tệp PDF"), said
            assert (d.version, d.documents.count()) == (version, stored)
        else:
            assert r.status_code == 302, (r.status_code, data[:80])
            assert said == ["Đã số hóa thành phần hồ sơ."]
            assert "Đã số hóa thành phần hồ sơ." in counter.get(r["Location"]).content.decode()
            assert d.documents.count() == stored + 1
            assert d.documents.order_by("-id").first().pages == 1
    assert refused > len(bad) // 2  # most of them are beyond repair
    # the cut-short real PDF (seed 0) is refused with the message, and nothing is stored
    stored = d.documents.count()
    r = counter.post(
        f"/can-bo/ho-so/{d.pk}/thao-tac/attach_scan/",
        {
            "version": d.version,
            "document": "Đơn",
            "file": SimpleUploadedFile("scan.pdf", malformed(0), "application/pdf"),
        },
        HTTP_REFERER=f"/can-bo/ho-so/{d.code}/",
    )
    assert r.status_code == 400
    broken = "Tệp PDF bị hỏng hoặc không đọc được; hãy quét hoặc xuất lại tệp"
    assert f'id="error-attach_scan-file">{broken}</p>' in r.content.decode()
    assert [str(m) for m in get_messages(r.wsgi_request)] == [broken]
    assert d.documents.count() == stored
