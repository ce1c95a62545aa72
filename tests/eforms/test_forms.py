"""The Django form built from a definition: conditional fields, groups, rules, files, and the
same form bound to JSON (wrong types refused field by field)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.utils import timezone

from motcua.eforms.forms import EForm
from tests.eforms.conftest import World


def _post(**extra: Any) -> dict[str, Any]:
    data = {
        "tk-full_name": "Nguyễn Văn An",
        "tk-birth_date": "1990-05-01",
        "tk-id_no": "079090000123",
        "tk-purpose": "xin_viec",
        "tk-copies": "2",
        "tk-home__province": "70",
        "tk-home__commune": "25195",
        "tk-home__detail": "12 Lê Lợi",
        "tk-members-TOTAL_FORMS": "1",
        "tk-members-INITIAL_FORMS": "0",
        "tk-members-0-name": "Nguyễn Thị Bé",
        "tk-members-0-relation": "con",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def test_valid_form_gives_structured_data(world: World, definition: dict[str, Any]) -> None:
    form = EForm(definition, _post())
    assert form.is_valid(), form.errors
    data = form.form_data()
    assert data["full_name"] == "Nguyễn Văn An" and data["copies"] == 2
    assert data["birth_date"] == "1990-05-01"
    assert data["home"] == {
        "province": "70",
        "commune": "25195",
        "detail": "12 Lê Lợi",
        "text": "12 Lê Lợi, Phường Tân Phú, Tỉnh Bình Phước",
    }
    assert data["members"] == [{"name": "Nguyễn Thị Bé", "relation": "con"}]
    assert "purpose_other" not in data


def test_conditional_field_required_only_when_condition_holds(
    world: World, definition: dict[str, Any]
) -> None:
    form = EForm(definition, _post(**{"tk-purpose": "khac"}))
    assert not form.is_valid()
    assert form.errors["purpose_other"] == ["Chưa nhập mục đích khác."]
    form = EForm(definition, _post(**{"tk-purpose": "khac", "tk-purpose_other": "Du học"}))
    assert form.is_valid(), form.errors
    assert form.form_data()["purpose_other"] == "Du học"


def test_hidden_field_value_is_dropped(world: World, definition: dict[str, Any]) -> None:
    # typed, then the condition turned false: the server ignores the hidden field entirely
    form = EForm(definition, _post(**{"tk-purpose_other": "x" * 5000}))
    assert form.is_valid(), form.errors
    assert "purpose_other" not in form.form_data()


def test_wrong_values_get_messages_beside_fields(world: World, definition: dict[str, Any]) -> None:
    form = EForm(
        definition,
        _post(
            **{
                "tk-full_name": "An 2",
                "tk-birth_date": (timezone.localdate() + dt.timedelta(days=400)).isoformat(),
                "tk-id_no": "12345",
                "tk-copies": "11",
                "tk-purpose": "du_lich",
            }
        ),
    )
    assert not form.is_valid()
    e = form.errors
    assert e["full_name"] == ["Họ và tên không chứa chữ số."]
    assert "id_no" in e and "12 chữ số" in e["id_no"][0]
    assert e["copies"] == ["Số bản: không được lớn hơn 10."]
    assert e["purpose"] == ["Mục đích: lựa chọn không hợp lệ."]
    assert "birth_date" in e


def test_an_address_code_not_offered_is_refused(world: World, definition: dict[str, Any]) -> None:
    """The address choices are built once per process (issue 9): a code not among them — an
    unknown one, an ended unit's, a district's, the empty choice's label — is still refused."""
    from motcua.units.models import AdministrativeUnit

    AdministrativeUnit.objects.create(
        code="25999", name="Xã Đã Nhập", kind="xa", level=3, valid_to=dt.date(2025, 7, 1)
    )
    for field, value in (
        ("tk-home__province", "99"),
        ("tk-home__commune", "00000"),
        ("tk-home__commune", "25999"),
        ("tk-home__commune", "— Chọn xã, phường —"),
        ("tk-home__province", " 70"),
    ):
        form = EForm(definition, _post(**{field: value}), today=dt.date(2026, 11, 29))
        assert not form.is_valid(), (field, value)
        name = field.removeprefix("tk-")
        assert "lựa chọn không hợp lệ" in form.errors[name][0], form.errors
    assert EForm(definition, _post(), today=dt.date(2026, 11, 29)).is_valid()


def test_commune_must_belong_to_province(world: World, definition: dict[str, Any]) -> None:
    from motcua.units.models import AdministrativeUnit

    AdministrativeUnit.objects.create(code="79", name="TP Hồ Chí Minh", kind="tp_tw", level=1)
    form = EForm(definition, _post(**{"tk-home__province": "79"}))
    assert not form.is_valid()
    assert "không thuộc" in form.errors["home__commune"][0]


def test_cross_field_rule(world: World, definition: dict[str, Any]) -> None:
    form = EForm(definition, _post(**{"tk-from_date": "2024-05-02", "tk-to_date": "2024-05-01"}))
    assert not form.is_valid()
    assert form.errors["to_date"] == ["Đến ngày phải sau hoặc bằng từ ngày."]


def test_group_above_max_refused(world: World, definition: dict[str, Any]) -> None:
    rows = {"tk-members-TOTAL_FORMS": "4"}
    for i in range(4):
        rows[f"tk-members-{i}-name"] = f"Người {i}"
    form = EForm(definition, _post(**rows))
    assert not form.is_valid()
    assert "Tối đa 3 dòng." in form.groups["members"].non_form_errors()
    # a forged huge count is refused too, without building thousands of forms
    form = EForm(definition, _post(**{"tk-members-TOTAL_FORMS": "100000"}))
    assert not form.is_valid()


def test_group_row_required_field(world: World, definition: dict[str, Any]) -> None:
    form = EForm(definition, _post(**{"tk-members-0-name": "", "tk-members-0-relation": "con"}))
    assert not form.is_valid()
    assert form.groups["members"].forms[0].errors["name"] == ["Chưa nhập họ tên."]


def test_file_over_size_refused(world: World, definition: dict[str, Any]) -> None:
    from tests.dossiers.test_documents import pdf_bytes

    big = SimpleUploadedFile("scan.pdf", pdf_bytes(3) + b"%" * 2048, "application/pdf")
    form = EForm(definition, _post(), {"tk-scan": big})
    assert not form.is_valid()
    assert form.errors["scan"] == ["Bản chụp: tệp vượt quá 1 KB."]


def test_file_checked_by_content(world: World, definition: dict[str, Any]) -> None:
    definition["sections"][1]["fields"][3]["max_size_kb"] = 100
    fake = SimpleUploadedFile("scan.pdf", b"MZ not a pdf", "application/pdf")
    form = EForm(definition, _post(), {"tk-scan": fake})
    assert not form.is_valid()
    assert "scan" in form.errors


def test_json_binding_same_rules(world: World, definition: dict[str, Any]) -> None:
    good = {
        "full_name": "Nguyễn Văn An",
        "purpose": "khac",
        "purpose_other": "Du học",
        "copies": 3,
        "home": {"province": "70", "commune": "25195", "detail": ""},
        "members": [{"name": "Bé", "relation": "con"}],
    }
    form = EForm.from_json(definition, good)
    assert form.is_valid(), form.errors_by_path()
    assert form.form_data()["members"] == [{"name": "Bé", "relation": "con"}]
    bad = dict(good, purpose_other=None, copies="nhiều")
    form = EForm.from_json(definition, bad)
    assert not form.is_valid()
    fields = {e["field"] for e in form.errors_by_path()}
    assert {"purpose_other", "copies"} <= fields


def test_json_wrong_types_refused(world: World, definition: dict[str, Any]) -> None:
    bad = {
        "full_name": ["Nguyễn"],
        "copies": True,
        "home": "Đồng Xoài",
        "members": {"name": "x"},
        "ghost": 1,
        "purpose": "xin_viec",
    }
    form = EForm.from_json(definition, bad)
    assert not form.is_valid()
    text = " ".join(e["message"] for e in form.errors_by_path())
    for name in ("full_name", "copies", "home", "members", "ghost"):
        assert name in text
    assert not EForm.from_json(definition, ["not", "an", "object"]).is_valid()


def test_labels_are_escaped(world: World, definition: dict[str, Any]) -> None:
    definition["sections"][0]["title"] = "<script>alert(1)</script>Phần"
    definition["sections"][0]["fields"][0]["label"] = "<b onmouseover=x>Họ tên</b>"
    definition["sections"][0]["fields"][0]["help"] = "<img src=x onerror=alert(2)>"
    html = render_to_string("eforms/_form.html", {"eform": EForm(definition)})
    assert "<script>" not in html and "<b onmouseover" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;b onmouseover=x&gt;" in html


def test_a_past_structure_only_is_still_offered_for_addresses(world: World) -> None:
    """The 2022 demo province holds only units that ended on 30 June 2025: the address picker
    offers that last structure rather than nothing (an address field could never be filled)."""
    from motcua.eforms.forms import _units
    from motcua.units.models import AdministrativeUnit

    AdministrativeUnit.objects.filter(level=3).update(valid_to=dt.date(2025, 6, 30))
    ended = AdministrativeUnit.objects.filter(level=3).count()
    assert ended > 0
    provinces, communes = _units(dt.date(2026, 11, 29))
    assert len(communes) == ended
    assert {p for _, p in communes} <= {u.code for u in provinces}
    # with a commune in force, only the structure in force is offered
    AdministrativeUnit.objects.create(
        code="99999",
        name="Xã Mới",
        kind="xa",
        level=3,
        valid_from=dt.date(2025, 7, 1),
        parent=AdministrativeUnit.objects.filter(level=1).first(),
    )
    _, communes = _units(dt.date(2026, 11, 29))
    assert [u.code for u, _ in communes] == ["99999"]


def test_address_choices_kept_between_requests_follow_every_change(world: World) -> None:
    """The units in force are read once and kept (issue 9: they were most of an intake's CPU);
    a rename, a new commune or an ended one is seen by the next form, never the stale list."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from motcua.eforms.forms import _units, _units_read
    from motcua.units.models import AdministrativeUnit

    day = dt.date(2026, 11, 29)
    _, communes = _units(day)
    with CaptureQueriesContext(connection) as q:
        again = _units(day)[1]
    assert [u.code for u, _ in again] == [u.code for u, _ in communes]
    assert len(q.captured_queries) == 1  # the units' version row only
    commune = AdministrativeUnit.objects.get(code=communes[0][0].code)
    commune.name = "Xã Đổi Tên"
    commune.save()
    assert "Xã Đổi Tên" in {u.name for u, _ in _units(day)[1]}
    commune.valid_to = dt.date(2026, 1, 1)
    commune.save()

    def fresh() -> list[tuple[str, str, str]]:
        return [(u.code, u.name, p) for u, p in _units_read(day)[1]]

    assert [(u.code, u.name, p) for u, p in _units(day)[1]] == fresh()
    # a bulk import (no signals) is seen through the units' version row
    new = AdministrativeUnit(code="99998", name="Xã Nhập", kind="xa", level=3)
    new.parent = commune.parent
    AdministrativeUnit.objects.bulk_create([new])
    assert [(u.code, u.name, p) for u, p in _units(day)[1]] == fresh()
    assert "99998" in {u.code for u, _ in _units(day)[1]}


def test_an_address_field_takes_the_kept_choices_as_they_are(
    world: World, definition: dict[str, Any]
) -> None:
    """The province and commune lists (every commune of the country in production) are built
    once; a form's fields and widgets hold those very tuples, never a copy walked again, and
    the page still offers every one of them."""
    from motcua.eforms.forms import _units

    day = dt.date(2026, 11, 29)
    kept = _units(day)
    form = EForm(definition, today=day)
    province, commune = form.fields["home__province"], form.fields["home__commune"]
    assert province.choices is kept.province_choices
    assert province.widget.choices is kept.province_choices
    assert commune.widget.choices is kept.commune_choices
    html = str(form["home__commune"])
    assert all(f'value="{code}"' in html for code in kept.commune_codes)
    assert 'data-province="70"' in html


def test_address_choices_follow_a_change_that_sends_no_signal(world: World) -> None:
    """A queryset update or a statement written by hand (an import, the two-level transition)
    sends no signal and can leave every count and bound of the table as it was: the kept list
    follows it all the same (the units table's version row, kept by the database itself)."""
    from django.db import connection

    from motcua.eforms.forms import _units
    from motcua.units.models import AdministrativeUnit

    day = dt.date(2026, 11, 29)
    code = _units(day)[1][0][0].code
    AdministrativeUnit.objects.filter(code=code).update(name="Xã Đổi Tên Hàng Loạt")
    assert "Xã Đổi Tên Hàng Loạt" in {u.name for u, _ in _units(day)[1]}
    table = connection.ops.quote_name(AdministrativeUnit._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {table} SET name = %s WHERE code = %s", ["Xã Viết Tay", code])  # noqa: S608
    assert "Xã Viết Tay" in {u.name for u, _ in _units(day)[1]}
    parent = AdministrativeUnit.objects.filter(level=1).first()
    new = AdministrativeUnit.objects.create(
        code="99996", name="Xã Sẽ Xóa", kind="xa", level=3, valid_from=day, parent=parent
    )
    assert "99996" in {u.code for u, _ in _units(day)[1]}
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {table} WHERE id = %s", [new.pk])  # noqa: S608
    assert "99996" not in {u.code for u, _ in _units(day)[1]}


def test_address_choices_built_in_a_rolled_back_change_are_never_served(world: World) -> None:
    """A form built inside a transaction that changed a unit, then rolled back, keeps a list of
    what never was; the next committed change must not find it under its own version."""
    from django.db import transaction

    from motcua.eforms.forms import _units
    from motcua.units.models import AdministrativeUnit

    day = dt.date(2026, 11, 29)
    code = _units(day)[1][0][0].code
    try:
        with transaction.atomic():
            AdministrativeUnit.objects.filter(code=code).update(name="Xã Chưa Từng Có")
            assert "Xã Chưa Từng Có" in {u.name for u, _ in _units(day)[1]}
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    # no form in between: the next change committed is the first thing the next form sees (a
    # counter would give it the rolled-back change's number, and the list kept under it)
    AdministrativeUnit.objects.filter(code=code).update(name="Xã Đã Lưu")
    names = {u.name for u, _ in _units(day)[1]}
    assert "Xã Đã Lưu" in names and "Xã Chưa Từng Có" not in names


def test_every_statement_on_the_units_gives_a_new_version(world: World) -> None:
    """The version row's triggers are in place once every migration has run (SQLite drops a
    table's triggers when a migration rebuilds the table): insert, update and delete each give a
    token not seen before; reading changes nothing."""
    from motcua.eforms.forms import _units_version
    from motcua.units.models import AdministrativeUnit

    seen = [_units_version()]
    assert seen[0] is not None
    list(AdministrativeUnit.objects.all())
    assert _units_version() == seen[0]
    parent = AdministrativeUnit.objects.filter(level=1).first()
    unit = AdministrativeUnit.objects.create(
        code="99997", name="Xã Thử", kind="xa", level=3, parent=parent
    )
    seen.append(_units_version())
    AdministrativeUnit.objects.filter(pk=unit.pk).update(name="Xã Thử Hai")
    seen.append(_units_version())
    AdministrativeUnit.objects.filter(pk=unit.pk).delete()
    seen.append(_units_version())
    assert len(set(seen)) == 4
