"""Public catalog resources: procedures (diacritic-free search, filters), agencies, units."""

from __future__ import annotations

from rest_framework.test import APIClient

from tests.api.conftest import problem
from tests.dossiers.conftest import World


def codes(response: object) -> list[str]:
    body = response.json()  # type: ignore[attr-defined]
    return [row["code"] for row in body["results"]]


def test_procedure_search_ignores_diacritics(world: World, anon: APIClient) -> None:
    # the inter-level procedure is named "Đăng ký kết hôn có yếu tố nước ngoài (liên thông)"
    r = anon.get("/api/v1/procedures/", {"q": "dang ky KET HON"})
    assert r.status_code == 200
    assert codes(r) == ["2.000003"]
    assert anon.get("/api/v1/procedures/", {"q": "kết hôn"}).json()["count"] == 1


def test_procedure_list_without_query_lists_every_published_procedure(
    world: World, anon: APIClient
) -> None:
    r = anon.get("/api/v1/procedures/")
    assert codes(r) == ["1.000001", "1.000002", "2.000003"]


def test_procedure_filters_level_agency_and_field(world: World, anon: APIClient) -> None:
    # the two provincial procedures belong to the Justice Department; the commune one to none
    assert codes(anon.get("/api/v1/procedures/", {"level": 3})) == ["2.000003"]
    assert codes(anon.get("/api/v1/procedures/", {"level": 1})) == ["1.000001", "1.000002"]
    assert codes(anon.get("/api/v1/procedures/", {"agency": world.justice.code})) == [
        "1.000001",
        "1.000002",
    ]
    assert codes(anon.get("/api/v1/procedures/", {"agency": world.health.code})) == []
    field = world.simple.field.code
    assert "1.000001" in codes(anon.get("/api/v1/procedures/", {"field": field}))
    assert codes(anon.get("/api/v1/procedures/", {"field": "khong-co"})) == []


def test_procedure_bad_level_is_400_naming_the_parameter(world: World, anon: APIClient) -> None:
    body = problem(anon.get("/api/v1/procedures/", {"level": "9"}), 400, "bad_parameter")
    assert [e["field"] for e in body["errors"]] == ["level"]


def test_procedure_detail_has_documents_fees_and_steps(world: World, anon: APIClient) -> None:
    r = anon.get("/api/v1/procedures/2.000003/")
    assert r.status_code == 200
    body = r.json()
    assert body["name"] == "Đăng ký kết hôn có yếu tố nước ngoài (liên thông)"
    assert [s["role"] for s in body["steps"]] == [
        "tiep_nhan",
        "chuyen_vien",
        "lien_thong",
        "lanh_dao",
        "tra_ket_qua",
    ]
    assert body["documents"] == [
        {
            "order": d.order,
            "name": d.name,
            "originals": d.originals,
            "copies": d.copies,
            "mandatory": d.mandatory,
        }
        for d in world.inter.documents.all()
    ]


def test_unknown_procedure_is_404_with_code(world: World, anon: APIClient) -> None:
    problem(anon.get("/api/v1/procedures/9.999999/"), 404, "procedure_not_found")


def test_agencies_filter_by_level_unit_and_desk(world: World, anon: APIClient) -> None:
    desks = codes(anon.get("/api/v1/agencies/", {"receives_dossiers": "true"}))
    assert desks == [world.center.code, world.district_desk.code, world.commune_desk.code]
    commune = codes(anon.get("/api/v1/agencies/", {"unit": world.commune.code}))
    assert sorted(commune) == sorted([world.commune_committee.code, world.commune_desk.code])
    assert codes(anon.get("/api/v1/agencies/", {"level": 2})) == [
        world.district_committee.code,
        world.district_desk.code,
    ]
    found = codes(anon.get("/api/v1/agencies/", {"q": "so tu phap"}))
    assert found == [world.justice.code]


def test_agency_detail_and_404(world: World, anon: APIClient) -> None:
    r = anon.get(f"/api/v1/agencies/{world.commune_desk.code}/")
    assert r.json()["unit"] == "25195"
    assert r.json()["parent"] == world.commune_committee.code
    problem(anon.get("/api/v1/agencies/000.99.99.H10/"), 404, "agency_not_found")


def test_units_filter_by_parent_and_level(world: World, anon: APIClient) -> None:
    assert codes(anon.get("/api/v1/units/", {"parent": "70"})) == ["689"]
    assert codes(anon.get("/api/v1/units/", {"level": 3})) == ["25195"]
    assert codes(anon.get("/api/v1/units/", {"q": "tan phu"})) == ["25195"]
    problem(anon.get("/api/v1/units/", {"on": "2022-02-30"}), 400, "bad_parameter")
    r = anon.get(f"/api/v1/units/{world.district.pk}/")
    assert r.json()["parent"] == "70"
    problem(anon.get("/api/v1/units/999999/"), 404, "not_found")
