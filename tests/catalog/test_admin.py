"""The Vietnamese admin: search without diacritics, import with row errors, exports, access."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from motcua.catalog.models import Procedure
from motcua.catalog.services import catalog_import_specs
from tests.catalog.test_io import csv_bytes, good_row
from tests.factories import AgencyFactory, UserFactory, procedure_spec

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(UserFactory(username="quantri", superuser=True))
    return client


def test_changelist_search_without_diacritics(admin_client: Client) -> None:
    catalog_import_specs(
        actor=None,
        specs=[
            procedure_spec("1.000001"),
            procedure_spec("1.000002", name="Đăng ký khai sinh"),
        ],
        source="t",
    )
    resp = admin_client.get("/admin/catalog/procedure/", {"q": "thanh lap"})
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "Thành lập Văn phòng công chứng" in body
    assert "Đăng ký khai sinh" not in body
    assert "Tìm có dấu hoặc không dấu" in body  # the Vietnamese help text
    AgencyFactory(code="000.00.03.H10", name="Sở Tư pháp")
    AgencyFactory(code="000.00.16.H10", name="Sở Y tế")
    resp = admin_client.get("/admin/units/agency/", {"q": "so tu phap"})
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "Sở Tư pháp" in body and "000.00.03.H10" in body
    assert "Sở Y tế" not in body and "000.00.16.H10" not in body


def test_import_view_good_and_bad(admin_client: Client) -> None:
    resp = admin_client.get("/admin/catalog/procedure/import/")
    assert resp.status_code == 200
    assert "tất cả hoặc không" in resp.content.decode()
    bad = SimpleUploadedFile("bad.csv", csv_bytes([good_row("1.1"), good_row("1.2", level="?")]))
    resp = admin_client.post("/admin/catalog/procedure/import/", {"file": bad})
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "1 dòng lỗi; không có dữ liệu nào được ghi" in body
    assert "cấp &#x27;?&#x27; không hợp lệ" in body
    assert Procedure.objects.count() == 0
    good = SimpleUploadedFile("good.csv", csv_bytes([good_row("1.1"), good_row("1.2")]))
    resp = admin_client.post("/admin/catalog/procedure/import/", {"file": good})
    assert resp.status_code == 302
    assert Procedure.objects.count() == 2


def test_export_actions(admin_client: Client) -> None:
    catalog_import_specs(actor=None, specs=[procedure_spec()], source="t")
    pk = Procedure.objects.get().pk
    resp = admin_client.post(
        "/admin/catalog/procedure/", {"action": "export_xlsx", "_selected_action": [pk]}
    )
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.content)).active
    assert ws is not None
    assert ws["B2"].value == "Thành lập Văn phòng công chứng"
    resp = admin_client.post(
        "/admin/catalog/procedure/", {"action": "export_csv", "_selected_action": [pk]}
    )
    rows = list(csv.DictReader(io.StringIO(resp.content.decode("utf-8-sig"))))
    assert len(rows) == 1
    row = rows[0]
    assert (row["code"], row["name"]) == ("1.000001", "Thành lập Văn phòng công chứng")
    # the layout of docs/catalog-format.md, written out by hand for procedure_spec()
    assert row["steps"] == (
        "Tiếp nhận hồ sơ | tiep_nhan | 0.5\n"
        "Thẩm định | chuyen_vien | 3\n"
        "Lãnh đạo ký | lanh_dao | 1\n"
        "Trả kết quả | tra_ket_qua | 0.5"
    )
    assert row["documents"] == (
        "Đơn đề nghị thành lập | 1 | 0\nĐề án thành lập | 1 | 1 | không bắt buộc"
    )
    assert row["fees"] == "Phí thẩm định | 1000000"


def test_staff_without_permission_cannot_import() -> None:
    client = Client()
    client.force_login(UserFactory(username="canbo", is_staff=True))
    resp = client.post(
        "/admin/catalog/procedure/import/",
        {"file": SimpleUploadedFile("g.csv", csv_bytes([good_row()]))},
    )
    assert resp.status_code == 403
    assert Procedure.objects.count() == 0
    anonymous = Client().get("/admin/catalog/procedure/import/")
    assert anonymous.status_code == 302
    assert "/admin/login/" in anonymous["Location"]


def test_import_requires_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(username="quantri2", superuser=True))
    resp = client.post(
        "/admin/catalog/procedure/import/",
        {"file": SimpleUploadedFile("g.csv", csv_bytes([good_row()]))},
    )
    assert resp.status_code == 403
    assert Procedure.objects.count() == 0
