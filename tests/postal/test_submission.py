"""The choice at submission: the counter intake and the online filing record the postal return
(and, online, the pickup of paper documents) with the delivery address; bad input is refused
next to the field and nothing is filed."""

from __future__ import annotations

from typing import Any

import time_machine
from django.test import Client
from django.urls import reverse

from motcua.dossiers.models import Dossier, EventType
from motcua.postal.models import PostalRequest
from tests.backoffice.test_counter_guidance import intake_post
from tests.dossiers.conftest import World, at
from tests.eservices.conftest import upload
from tests.eservices.test_submit import _post
from tests.factories import CitizenFactory

POSTAL = {
    "postal-return_method": "postal",
    "postal-recipient_name": "Trần Thị Bình",
    "postal-phone": "0987654321",
    "postal-street": "45 Phú Riềng Đỏ",
}


def _desk(w: World) -> Client:
    c = Client()
    c.force_login(w.users["counter"])
    return c


def test_counter_intake_records_the_postal_return(world: World) -> None:
    w = world
    c = _desk(w)
    page = c.get(f"/can-bo/tiep-nhan/?desk={w.center.pk}&procedure={w.simple.pk}").content.decode()
    assert 'id="postal-choice"' in page and w.commune.code in page  # the wards' list
    assert "postal-pickup" not in page  # collecting papers is for online filing only
    docs = {f"doc_{d.pk}_submitted": "on" for d in w.simple.documents.all()}
    with time_machine.travel(at("2022-06-01 09:30"), tick=False):
        r = c.post(
            "/can-bo/tiep-nhan/",
            intake_post(w, **docs, **POSTAL, **{"postal-ward": w.commune.code}),
        )
    assert r.status_code == 302, r.content.decode()[:2000]
    d = Dossier.objects.get()
    assert d.return_method == "Qua dịch vụ bưu chính công ích"
    req = PostalRequest.objects.get(dossier=d)
    assert req.return_by_post and not req.pickup and req.ward == w.commune
    assert req.address.startswith("45 Phú Riềng Đỏ, Phường Tân Phú, Thành phố Đồng Xoài")
    assert d.events.filter(type=EventType.POSTAL, data__postal="requested").exists()


def test_counter_intake_refuses_an_incomplete_postal_address(world: World) -> None:
    w = world
    c = _desk(w)
    docs = {f"doc_{d.pk}_submitted": "on" for d in w.simple.documents.all()}
    with time_machine.travel(at("2022-06-01 09:30"), tick=False):
        r = c.post("/can-bo/tiep-nhan/", intake_post(w, **docs, **POSTAL))  # no ward
        assert r.status_code == 400
        html = r.content.decode()
        assert "cần nhập khi chọn dịch vụ bưu chính" in html
        assert 'value="45 Phú Riềng Đỏ"' in html  # what was typed is kept
        r = c.post(
            "/can-bo/tiep-nhan/",
            intake_post(w, **docs, **POSTAL, **{"postal-ward": "99999"}),
        )
        assert r.status_code == 400 and "không có đơn vị hành chính cấp xã" in r.content.decode()
        r = c.post(
            "/can-bo/tiep-nhan/",
            intake_post(
                w, **docs, **{**POSTAL, "postal-ward": w.commune.code, "postal-phone": "12ab"}
            ),
        )
        assert r.status_code == 400 and "số điện thoại không hợp lệ" in r.content.decode()
    assert Dossier.objects.count() == 0 and PostalRequest.objects.count() == 0
    # the default (at the desk) stores nothing
    with time_machine.travel(at("2022-06-01 09:40"), tick=False):
        r = c.post("/can-bo/tiep-nhan/", intake_post(w, **docs))
    assert r.status_code == 302
    assert PostalRequest.objects.count() == 0 and Dossier.objects.get().return_method == ""


def test_online_filing_records_return_and_pickup(world: World) -> None:
    w = world
    citizen: Any = CitizenFactory(name="Trần Thị Bình", id_number="079200000001")
    c = Client()
    c.force_login(citizen.user)
    url = reverse("eservices:submit", args=[w.simple.pk])
    page = c.get(url).content.decode()
    assert 'name="postal-pickup"' in page and 'value="Trần Thị Bình"' in page
    data = {
        **_post(w, "submit", doc0=upload("don.pdf")),
        **POSTAL,
        "postal-ward": w.commune.code,
        "postal-pickup": "on",
    }
    bad = {**data, "postal-street": ""}
    r = c.post(url, bad)
    assert r.status_code == 400 and Dossier.objects.count() == 0
    r = c.post(url, {**data, **_post(w, "submit", doc0=upload("don.pdf"))})
    assert r.status_code == 302, r.content.decode()[:3000]
    d = Dossier.objects.get()
    req = PostalRequest.objects.get(dossier=d)
    assert req.pickup and req.return_by_post and d.return_method.endswith("bưu chính công ích")
    html = c.get(reverse("eservices:dossier", args=[d.pk])).content.decode()
    assert "Nhận kết quả qua bưu chính công ích" in html and "thu gom hồ sơ giấy" in html
