from __future__ import annotations

import unicodedata

import pytest
from django.db import connection, transaction

from motcua.audit.models import AuditEntry
from motcua.audit.services import audit_record, audit_verify
from motcua.core.text import fold, nfc


def test_fold_removes_vietnamese_diacritics() -> None:
    assert fold("Thành lập Văn phòng công chứng") == "thanh lap van phong cong chung"
    assert fold("Đồng Xoài  ĐẮK") == "dong xoai dak"


def test_nfc_normalises_decomposed_input() -> None:
    decomposed = unicodedata.normalize("NFD", "Bình Phước")
    assert decomposed != "Bình Phước"
    assert nfc(f"  {decomposed}\t") == "Bình Phước"


@pytest.mark.django_db
def test_audit_chain_detects_tampering() -> None:
    with transaction.atomic():
        audit_record(actor=None, action="a", object_type="T", object_id=1, after={"x": 1})
        audit_record(
            actor=None, action="b", object_type="T", object_id=2, before={"x": 1}, after={"x": 2}
        )
    assert audit_verify().ok and audit_verify().checked == 2
    with connection.cursor() as cur:  # PostgreSQL refuses the edit unless triggers are off
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL session_replication_role = replica")
    AuditEntry.objects.filter(action="a").update(after={"x": 99})
    assert audit_verify().ok is False  # tests/audit: every other kind of tampering


@pytest.mark.django_db(transaction=True)
def test_audit_needs_the_callers_transaction() -> None:
    with pytest.raises(RuntimeError):
        audit_record(actor=None, action="a", object_type="T", object_id=1)


def test_json_loads_and_ascii_digits_refuse_what_would_escape() -> None:
    from motcua.core.text import ascii_digits, json_loads

    assert json_loads('{"a": [1]}') == {"a": [1]}
    for deep in ("[" * 100_000 + "]" * 100_000, '{"a":' * 5000 + "1" + "}" * 5000):
        with pytest.raises(ValueError, match="lồng quá sâu"):
            json_loads(deep)
    assert ascii_digits("0") and ascii_digits("9" * 18)
    for bad in ("", "²", "١", "1²", "-1", " 1", "9" * 19, "1e3"):
        assert not ascii_digits(bad), bad
    assert ascii_digits("12", 2) and not ascii_digits("123", 2)


@pytest.mark.django_db
def test_searchable_rows_keep_no_unseen_characters_whatever_writes_them() -> None:
    """``SearchableModel`` (procedures, fields, units, agencies, applicants, dossiers): a line of
    text loses its format characters on every save — a right-to-left override showed a name
    backwards on every page, a zero-width space made a second name that looks the same; a text
    of several lines loses the direction controls only (a zero-width joiner may join an emoji)."""
    from motcua.units.models import Agency
    from tests.factories import AgencyFactory

    agency = AgencyFactory(code="000.00.77.H10")
    agency.name = "Sở Tư\u200b pháp \u202eabc"
    agency.save()
    agency.refresh_from_db()
    assert agency.name == "Sở Tư pháp abc"
    assert Agency.objects.filter(search_text__contains="so tu phap").exists()
    agency.name = "Sở\ufeff  Tư pháp"
    agency.refresh_search_text()  # the bulk writers' call (import, bulk_create)
    assert agency.name == "Sở Tư pháp"

    from motcua.catalog.models import Procedure

    lines = "Dòng một\u202e\nDòng hai \U0001f468\u200d\U0001f4bb"
    p = Procedure(code="1.999999", name="Thủ tục\u2066 thử\u2069", legal_basis=lines)
    p.refresh_search_text()
    assert p.name == "Thủ tục thử"
    assert p.legal_basis == "Dòng một\nDòng hai \U0001f468\u200d\U0001f4bb"
