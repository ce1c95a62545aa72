"""A dossier transferred to another agency (``dossier_transfer``: the step itself handed over)
is handled there; that agency may request the supplement (Mẫu 02) and apologise (Mẫu 04)
(``supplement_may_request``, ``apology_may_issue``). The form is then that agency's: "the
responsible agency ... sends the applicant a written apology" and its head signs and stamps
it; the supplement request is signed by its officer, who is also whom the applicant calls
(REGULATIONS.md §2, §4). So the agency that issues a form is the one whose letterhead, name and
number series are on it — never the lead agency's series signed by another agency's officer.
"""

from __future__ import annotations

import pytest

from motcua.core.errors import PermissionDenied
from motcua.dossiers import forms
from motcua.dossiers.models import Counter, Dossier, FormType
from tests.dossiers.conftest import World
from tests.dossiers.test_parallel_partner_clock import apologise, ask_supplement, unchanged
from tests.dossiers.test_parallel_partner_scope import health_leader, transferred_to_health

pytestmark = pytest.mark.django_db


def series(agency_pk: int, form: str) -> int | None:
    row = Counter.objects.filter(scope="form", key=f"{agency_pk}:{form}:2022").first()
    return row.value if row else None


def printed(d: Dossier, form: str) -> str:
    doc = forms.build(Dossier.objects.get(pk=d.pk), form)
    return f"{doc.agency_parent}\n{doc.agency}\n{doc.number}"


def test_the_transferred_agency_issues_the_supplement_request_in_its_own_series(
    world: World,
) -> None:
    w = world
    d = transferred_to_health(w)
    ask_supplement(w.users["health"], d, "2022-06-01 14:00")
    issued = Dossier.objects.get(pk=d.pk).forms.get(form=FormType.SUPPLEMENT)
    assert issued.agency == w.health
    assert (issued.number, issued.year) == (1, 2022)
    assert series(w.health.pk, "02") == 1
    assert series(w.justice.pk, "02") is None  # the lead agency's series is untouched
    head = printed(d, FormType.SUPPLEMENT)
    assert "SỞ Y TẾ" in head and "SỞ TƯ PHÁP" not in head
    event = d.events.get(type="supplement_requested")
    assert event.agency == w.health


def test_the_transferred_agencys_leader_signs_the_apology_in_its_own_series(world: World) -> None:
    w = world
    d = transferred_to_health(w)
    apology = apologise(health_leader(w), d, "2022-06-01 11:00")
    assert apology.agency == w.health
    issued = Dossier.objects.get(pk=d.pk).forms.get(form=FormType.APOLOGY)
    assert issued.agency == w.health
    assert series(w.health.pk, "04") == 1
    assert series(w.justice.pk, "04") is None
    head = printed(d, FormType.APOLOGY)
    assert "SỞ Y TẾ" in head and "SỞ TƯ PHÁP" not in head
    assert d.events.get(type="apology_issued").agency == w.health


def test_the_apology_is_signed_electronically_with_the_issuing_agencys_certificate(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``?pdf=1&ky=1`` on the Mẫu 04: the certificate and the signer's role are those of the
    agency that issued it; the lead agency's leader may not sign the Health Department's letter."""
    from motcua.esign import services as esign

    w = world
    d = transferred_to_health(w)
    apologise(health_leader(w), d, "2022-06-01 11:00")
    used: list[object] = []
    monkeypatch.setattr(
        esign, "form_pdf_signed", lambda data, *, agency, signer_name: used.append(agency) or data
    )
    fresh = Dossier.objects.get(pk=d.pk)
    esign.form_sign(actor=health_leader_of(w), dossier=fresh, form="04", data=b"%PDF")
    assert used == [w.health]
    with pytest.raises(PermissionDenied):
        esign.form_sign(actor=w.users["leader"], dossier=fresh, form="04", data=b"%PDF")


def health_leader_of(w: World) -> object:
    from django.contrib.auth.models import User

    return User.objects.get(username="ld_yte")


def test_the_lead_agency_and_the_desk_issue_in_their_own_series(world: World) -> None:
    """The lead agency's officer still issues in the lead agency's series; the receiving desk's
    officer, who may request the supplement too, issues it in the desk's own name and series."""
    from tests.dossiers.test_parallel_partner_scope import dispatched

    w = world
    d = dispatched(w)
    ask_supplement(w.users["counter"], d)
    assert Dossier.objects.get(pk=d.pk).forms.get(form="02").agency == w.center
    e = dispatched(w)
    apologise(w.users["leader"], e)
    assert Dossier.objects.get(pk=e.pk).forms.get(form="04").agency == w.justice


def test_a_refused_transferred_agency_changes_nothing(world: World) -> None:
    """The once-only rules still hold for the agency the dossier was transferred to."""
    w = world
    d = transferred_to_health(w)
    apologise(health_leader(w), d, "2022-06-01 11:00")
    before = unchanged(d)
    from motcua.core.errors import IllegalTransition

    with pytest.raises(IllegalTransition) as exc:
        apologise(w.users["leader"], d, "2022-06-01 11:30")
    assert exc.value.code == "apology_once"
    assert unchanged(d) == before
