"""The demo province has the seed's shape, is deterministic and idempotent."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from motcua.catalog.models import Procedure
from motcua.catalog.selectors import catalog_counts
from motcua.demo.catalog_gen import demo_catalog
from motcua.demo.services import demo_load
from motcua.units.models import Agency, Level

# the module's tests share one demo, so they run on one xdist worker (./dev test: --dist loadfile)
pytestmark = [pytest.mark.django_db, pytest.mark.slow(seconds=35)]  # the demo build


@pytest.fixture(scope="module")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The demo at its default scale, built once for the read-only tests of this module inside
    a transaction rolled back at the end (each build takes seconds)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_load()
        transaction.set_rollback(True)


def test_catalog_has_the_seeds_shape(loaded: dict[str, Any]) -> None:
    counts = catalog_counts(on=dt.date(2022, 6, 30))
    assert counts["total"]["total"] == 1784
    assert (counts["province"]["total"], counts["province"]["vertical"]) == (1446, 26)
    assert (counts["district"]["total"], counts["district"]["vertical"]) == (244, 6)
    assert (counts["commune"]["total"], counts["commune"]["vertical"]) == (94, 14)
    assert counts["total"]["inter_level"] == 53
    assert counts["total"]["online"] == 1651
    # every procedure has an internal process that adds up to its time limit
    for p in Procedure.objects.prefetch_related("steps"):
        assert sum(s.budget_days for s in p.steps.all()) == p.time_limit_days


def test_agencies_of_the_demo_province(loaded: dict[str, Any]) -> None:
    assert Agency.objects.filter(kind="so_nganh").count() == 20
    assert Agency.objects.filter(kind="mot_cua", level=Level.DISTRICT).count() == 11
    assert Agency.objects.filter(kind="mot_cua", level=Level.COMMUNE).count() == 111
    center = Agency.objects.get(kind="trung_tam")
    assert center.receives_dossiers
    assert center.code.endswith(".H10")


def test_deterministic_and_idempotent(loaded: dict[str, Any]) -> None:
    assert demo_catalog(2022) == demo_catalog(2022)
    assert demo_catalog(2022) != demo_catalog(7)
    n = (Procedure.objects.count(), Agency.objects.count())
    second = demo_load()
    assert second["catalog"]["created"] == 0
    assert second["catalog"]["unchanged"] == 1784
    assert (Procedure.objects.count(), Agency.objects.count()) == n


def test_demo_command_prints_login(capsys: pytest.CaptureFixture[str], settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path
    call_command("demo")
    out = capsys.readouterr().out
    assert "Tên đăng nhập: admin" in out
    assert "Mật khẩu:" in out
    assert "1.784 thủ tục" in out  # Vietnamese thousands separator
    assert (tmp_path / "demo-credentials.txt").read_text().startswith("username: admin")
    # leaders and administrators have a TOTP device; its secret is in the var dir only
    otp = (tmp_path / "demo-otp.txt").read_text()
    assert "admin | " in otp and "ld.tuphap | " in otp and "motcua.tinh" not in otp
    assert "motcua otp-code" in out
    code = StringIO()
    call_command("otp_code", "ld.tuphap", stdout=code)
    assert re.fullmatch(r"[0-9]{6}\n", code.getvalue())
    # the demo citizen logs in at the portal with the printed password
    from django.test import Client

    creds = (tmp_path / "demo-credentials.txt").read_text()
    password = re.search(r"^citizen password: (\S+)$", creds, re.M).group(1)  # type: ignore[union-attr]
    assert f"mật khẩu {password}" in out
    r = Client().post("/cong-dan/dang-nhap/", {"identifier": "079201001234", "password": password})
    assert r.status_code == 302 and r["Location"] == "/cong-dan/"


def test_the_ten_most_filed_procedures_have_application_forms(loaded: dict[str, Any]) -> None:
    """Issue 15: the demo's ten most-filed procedures carry real electronic application forms
    (judicial records, civil status, residence, business households…), and the live demo
    dossiers of those procedures carry the form's data, valid for that form."""
    from django.db.models import Count

    from motcua.dossiers.models import Dossier
    from motcua.eforms.forms import EForm
    from motcua.eforms.models import FormDefinition

    top = Dossier.objects.values("procedure__name").annotate(n=Count("id")).order_by("-n")[:10]
    with_form = set(FormDefinition.objects.values_list("procedure__name", flat=True))
    assert len(with_form) == 10
    assert {r["procedure__name"] for r in top} == with_form
    filled = Dossier.objects.exclude(form_data={}).select_related("procedure__eform")
    assert filled.exists()
    for d in filled:
        assert EForm.from_json(d.procedure.eform.definition, d.form_data).is_valid()
