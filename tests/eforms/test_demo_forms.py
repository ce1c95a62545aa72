"""The demo catalog's forms are valid definitions, each builds its form, and each names a
procedure of the demo catalog."""

from __future__ import annotations

import pytest

from motcua.demo.catalog_gen import demo_catalog
from motcua.eforms.definition import definition_check
from motcua.eforms.demo_forms import DEMO_FORMS
from motcua.eforms.forms import EForm
from tests.eforms.conftest import World


def test_ten_forms_for_demo_procedures() -> None:
    names = {s.name for s in demo_catalog(2022)}
    assert len(DEMO_FORMS) == 10
    assert [n for n, _ in DEMO_FORMS if n not in names] == []


@pytest.mark.parametrize(("name", "definition"), DEMO_FORMS, ids=[n for n, _ in DEMO_FORMS])
def test_demo_form_valid(db: None, name: str, definition: dict) -> None:
    assert definition_check(definition) == definition
    form = EForm(definition)
    assert form.layout() and not form.is_bound


@pytest.mark.parametrize(("name", "definition"), DEMO_FORMS, ids=[n for n, _ in DEMO_FORMS])
def test_demo_dossiers_get_plausible_data(world: World, name: str, definition: dict) -> None:
    from motcua.dossiers.services import ApplicantData
    from motcua.eforms.demo import demo_form_data
    from motcua.eforms.services import form_definition_set

    form_definition_set(actor=None, procedure=world.simple, definition=definition)
    data = demo_form_data(world.simple, ApplicantData("Nguyễn Thị Lan", "070990000001"))
    assert data, name
    assert any(isinstance(v, dict) and v.get("commune") == "25195" for v in data.values())
