"""Hostile tests first: who may read or change an agency's PAR self-assessment and appraisal.
Another agency's officer gets 404 and nothing changes; a specialist of the agency is no scorer;
citizens and anonymous visitors are refused; a submitted self-assessment is locked."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from motcua.audit.models import AuditEntry
from motcua.core.errors import IllegalTransition, PermissionDenied
from motcua.reform import par_services as svc
from motcua.reform.models import ParAssessment, ParStatus
from tests.dossiers.conftest import world  # noqa: F401 - the small province
from tests.factories import CitizenFactory
from tests.reform.par_world import Par, fill_all, par_fixture, score  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def client_for(user: object | None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def justice_2022(p: Par) -> ParAssessment:
    return svc.assessment_open(p.justice_leader, p.w.justice, 2022)


def snapshot(a: ParAssessment) -> list[tuple]:
    return list(
        a.scores.order_by("pk").values_list(
            "value", "self_points", "final_points", "evidence", "comment"
        )
    )


def test_another_agencys_officer_cannot_read_or_change_a_self_assessment(par: Par) -> None:
    a = justice_2022(par)
    item = score(a, "1.1")
    before, audits = snapshot(a), AuditEntry.objects.count()
    c = client_for(par.health_leader)
    base = f"/cai-cach/chi-so/tu-danh-gia/{a.pk}/"
    assert c.get(base).status_code == 404
    r = c.post(base, {f"v_{item.criterion_id}": "1", f"e_{item.criterion_id}": "x"})
    assert r.status_code == 404
    assert c.post(base + "gui/").status_code == 404
    assert c.post(base + "tu-dong/").status_code == 404
    a.refresh_from_db()
    assert a.status == ParStatus.DRAFT
    assert snapshot(a) == before and AuditEntry.objects.count() == audits
    # and the services refuse the same, whoever calls them
    with pytest.raises(PermissionDenied):
        svc.self_save(par.health_leader, a, {item.criterion_id: svc.SelfEntry(value=Decimal(1))})
    with pytest.raises(PermissionDenied):
        svc.submit(par.health_leader, a)
    with pytest.raises(PermissionDenied):
        svc.assessment_open(par.health_leader, par.w.justice, 2021)
    assert not ParAssessment.objects.filter(agency=par.w.justice, year=2021).exists()


def test_a_specialist_of_the_agency_is_not_a_scorer(par: Par) -> None:
    a = justice_2022(par)
    c = client_for(par.justice_specialist)
    assert c.get(f"/cai-cach/chi-so/tu-danh-gia/{a.pk}/").status_code == 404
    assert c.get(f"/cai-cach/chi-so/tham-dinh/{a.pk}/").status_code == 403


def test_agency_scorers_cannot_appraise_even_their_own(par: Par) -> None:
    a = fill_all(justice_2022(par))
    svc.submit(par.justice_leader, a)
    item = score(a, "1.1")
    before = snapshot(a)
    for user in (par.justice_leader, par.health_leader, par.district_leader):
        c = client_for(user)
        assert c.get("/cai-cach/chi-so/tham-dinh/").status_code == 403
        assert c.get(f"/cai-cach/chi-so/tham-dinh/{a.pk}/").status_code == 403
        r = c.post(
            f"/cai-cach/chi-so/tham-dinh/{a.pk}/",
            {f"f_{item.criterion_id}": "0", f"c_{item.criterion_id}": "trừ hết"},
        )
        assert r.status_code == 403
        assert c.post(f"/cai-cach/chi-so/tham-dinh/{a.pk}/hoan-tat/").status_code == 403
        assert (
            c.post(f"/cai-cach/chi-so/tham-dinh/{a.pk}/tra-lai/", {"reason": "x"}).status_code
            == 403
        )
    a.refresh_from_db()
    assert a.status == ParStatus.SUBMITTED and snapshot(a) == before
    with pytest.raises(PermissionDenied):
        svc.appraise(par.justice_leader, a, {item.criterion_id: svc.Appraisal(Decimal(0), "x")})


def test_citizens_and_anonymous_are_refused_everywhere(par: Par) -> None:
    a = justice_2022(par)
    citizen = CitizenFactory().user
    paths = [
        "/cai-cach/chi-so/",
        "/cai-cach/chi-so/so-sanh/",
        "/cai-cach/chi-so/bo-tieu-chi/",
        "/cai-cach/chi-so/tu-danh-gia/",
        f"/cai-cach/chi-so/tu-danh-gia/{a.pk}/",
        "/cai-cach/chi-so/tham-dinh/",
        f"/cai-cach/chi-so/tham-dinh/{a.pk}/",
    ]
    anon, cit = client_for(None), client_for(citizen)
    for path in paths:
        r = anon.get(path)
        assert r.status_code == 302 and "/dang-nhap" in r["Location"], path
        assert cit.get(path).status_code == 403, path
    before = snapshot(a)
    item = score(a, "1.1")
    for c in (anon, cit):
        c.post(f"/cai-cach/chi-so/tu-danh-gia/{a.pk}/", {f"v_{item.criterion_id}": "1"})
        c.post(f"/cai-cach/chi-so/tu-danh-gia/{a.pk}/gui/")
        c.post("/cai-cach/chi-so/tu-danh-gia/mo/", {"agency": par.w.health.pk, "year": 2022})
    a.refresh_from_db()
    assert snapshot(a) == before and a.status == ParStatus.DRAFT
    assert not ParAssessment.objects.filter(agency=par.w.health).exists()


def test_staff_without_a_role_cannot_read_the_ranking(par: Par) -> None:
    c = client_for(par.w.users["outsider"])
    assert c.get("/cai-cach/chi-so/").status_code == 403
    assert c.get("/cai-cach/chi-so/tu-danh-gia/").status_code == 403


def test_the_open_form_only_offers_the_scorers_own_agencies(par: Par) -> None:
    c = client_for(par.justice_leader)
    r = c.post("/cai-cach/chi-so/tu-danh-gia/mo/", {"agency": par.w.health.pk, "year": 2022})
    assert r.status_code == 302
    assert not ParAssessment.objects.filter(agency=par.w.health).exists()
    r = c.post("/cai-cach/chi-so/tu-danh-gia/mo/", {"agency": par.w.justice.pk, "year": 2022})
    a = ParAssessment.objects.get(agency=par.w.justice, year=2022)
    assert r["Location"] == f"/cai-cach/chi-so/tu-danh-gia/{a.pk}/"


def test_a_submitted_self_assessment_is_locked(par: Par) -> None:
    a = fill_all(justice_2022(par))
    c = client_for(par.justice_leader)
    r = c.post(f"/cai-cach/chi-so/tu-danh-gia/{a.pk}/gui/")
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == ParStatus.SUBMITTED
    before = snapshot(a)
    item = score(a, "1.1")
    r = c.post(
        f"/cai-cach/chi-so/tu-danh-gia/{a.pk}/",
        {f"v_{item.criterion_id}": "0", f"e_{item.criterion_id}": "sửa sau khi gửi"},
        follow=True,
    )
    assert r.status_code == 200 and "không sửa được" in r.content.decode()
    assert c.post(f"/cai-cach/chi-so/tu-danh-gia/{a.pk}/gui/").status_code == 302
    assert c.post(f"/cai-cach/chi-so/tu-danh-gia/{a.pk}/tu-dong/").status_code == 302
    a.refresh_from_db()
    assert snapshot(a) == before and a.status == ParStatus.SUBMITTED
    with pytest.raises(IllegalTransition):
        svc.self_save(par.justice_leader, a, {item.criterion_id: svc.SelfEntry(value=Decimal(0))})
    # the page shows it read-only: no input left
    page = c.get(f"/cai-cach/chi-so/tu-danh-gia/{a.pk}/").content.decode()
    assert f'name="v_{item.criterion_id}"' not in page and "Đã gửi thẩm định" in page


def test_the_scorer_and_the_appraiser_reach_their_pages(par: Par) -> None:
    a = justice_2022(par)
    own = client_for(par.justice_leader).get(f"/cai-cach/chi-so/tu-danh-gia/{a.pk}/")
    assert own.status_code == 200 and "Sở Tư pháp" in own.content.decode()
    assert client_for(par.appraiser).get(f"/cai-cach/chi-so/tham-dinh/{a.pk}/").status_code == 200
    assert client_for(par.district_leader).get("/cai-cach/chi-so/").status_code == 200


def test_bad_input_is_a_message_never_a_500(par: Par) -> None:
    c = client_for(par.justice_leader)
    for q in ("?nam=abc", "?nam=1800", "?nam=99999999999999999999"):
        r = c.get("/cai-cach/chi-so/" + q)
        assert r.status_code == 200
        assert "Năm" in r.content.decode()
    assert c.get("/cai-cach/chi-so/so-sanh/?tu=x&den=2022").status_code == 200
    r = c.post(
        "/cai-cach/chi-so/tu-danh-gia/mo/",
        {"agency": par.w.justice.pk, "year": "3000"},
        follow=True,
    )
    assert "Năm đánh giá" in r.content.decode()
    assert not ParAssessment.objects.exists()
    a = justice_2022(par)
    item = score(a, "1.2")
    before = snapshot(a)
    r = c.post(
        f"/cai-cach/chi-so/tu-danh-gia/{a.pk}/",
        {f"v_{item.criterion_id}": "không phải số", f"e_{item.criterion_id}": "x"},
    )
    assert r.status_code == 200 and "phải là một số" in r.content.decode()
    assert snapshot(a) == before
