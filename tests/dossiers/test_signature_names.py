"""Signature blocks of the printed forms name the officer family name first."""

from __future__ import annotations

from motcua.dossiers import forms
from motcua.dossiers.models import FormType
from motcua.dossiers.services import dossier_receive
from tests.dossiers.conftest import World, at
from tests.dossiers.test_forms import text_of


def test_receipt_signature_reads_family_name_first(world: World) -> None:
    officer = world.users["counter"]
    officer.first_name, officer.last_name = "Hoa", "Nguyễn Thị"
    officer.save(update_fields=["first_name", "last_name"])
    d = dossier_receive(
        actor=officer, desk=world.center, intake=world.intake(), now=at("2022-06-01 09:00")
    )
    issued = d.forms.get(form=FormType.RECEIPT)
    text, _, _ = text_of(forms.render_pdf(forms.build(d, "01", issued)))
    assert "Nguyễn Thị Hoa" in text
    assert "Hoa Nguyễn Thị" not in text
