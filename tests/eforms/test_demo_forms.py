"""The demo catalog's forms are valid definitions, each builds its form, and each names a
procedure of the demo catalog."""

from __future__ import annotations

import pytest

from motcua.demo.catalog_gen import demo_catalog
from motcua.eforms.definition import definition_check
from motcua.eforms.demo_forms import DEMO_FORMS
from motcua.eforms.forms import EForm


def test_ten_forms_for_demo_procedures() -> None:
    names = {s.name for s in demo_catalog(2022)}
    assert len(DEMO_FORMS) == 10
    assert [n for n, _ in DEMO_FORMS if n not in names] == []


@pytest.mark.parametrize(("name", "definition"), DEMO_FORMS, ids=[n for n, _ in DEMO_FORMS])
def test_demo_form_valid(db: None, name: str, definition: dict) -> None:
    assert definition_check(definition) == definition
    form = EForm(definition)
    assert form.layout() and not form.is_bound
