"""The demo province has the seed's shape, is deterministic and idempotent."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command

from motcua.catalog.models import Procedure
from motcua.catalog.selectors import catalog_counts
from motcua.demo.catalog_gen import demo_catalog
from motcua.demo.services import demo_load
from motcua.units.models import Agency, Level

pytestmark = pytest.mark.django_db


def test_catalog_has_the_seeds_shape() -> None:
    demo_load()
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


def test_agencies_of_the_demo_province() -> None:
    demo_load()
    assert Agency.objects.filter(kind="so_nganh").count() == 20
    assert Agency.objects.filter(kind="mot_cua", level=Level.DISTRICT).count() == 11
    assert Agency.objects.filter(kind="mot_cua", level=Level.COMMUNE).count() == 111
    center = Agency.objects.get(kind="trung_tam")
    assert center.receives_dossiers
    assert center.code.endswith(".H10")


def test_deterministic_and_idempotent() -> None:
    assert demo_catalog(2022) == demo_catalog(2022)
    assert demo_catalog(2022) != demo_catalog(7)
    demo_load()
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


def test_history_has_the_seeds_shape() -> None:
    from motcua.reports.indices import index766
    from motcua.reports.selectors import Period, report

    loaded = demo_load(scale=0.01)
    # the half-year's feedback (phản ánh, kiến nghị): index 8 and Decision 766 have data
    assert loaded["feedback"]["created"] == 20
    assert loaded["feedback"]["on_time"] > loaded["feedback"]["late"] > 0
    half = Period(dt.date(2022, 1, 1), dt.date(2022, 6, 30))
    groups = index766(half)["groups"]
    fb = next(c for c in groups["hai_long"]["criteria"] if c["code"] == "feedback_on_time")
    assert fb["denominator"] == 20 and fb["score"] is not None
    levels = report(Period(dt.date(2022, 1, 1), dt.date(2022, 6, 30)), details=False)["levels"]
    prov, dist, comm = levels["province"], levels["district"], levels["commune"]
    assert prov["received_new"] == round(204_655 * 0.01)
    assert dist["received_new"] == round(22_249 * 0.01)
    assert comm["received_new"] == round(88_194 * 0.01)
    assert abs(prov["late_rate"] - 4.44) < 1.0
    assert abs(dist["late_rate"] - 8.57) < 2.5
    assert abs(comm["late_rate"] - 1.04) < 1.0
    assert abs(prov["carried_over"] - 219) <= 25
    online = levels["total"]["received_online"] / levels["total"]["received_new"]
    assert abs(online - 0.8707) < 0.03
    for v in levels.values():
        assert v["received"] == v["resolved"] + v["withdrawn"] + v["returned"] + v["in_progress"]
    assert demo_load(scale=0.01)["history_2022"]["created"] == 0  # idempotent


def test_the_ten_most_filed_procedures_have_application_forms() -> None:
    """Issue 15: the demo's ten most-filed procedures carry real electronic application forms
    (judicial records, civil status, residence, business households…), and the live demo
    dossiers of those procedures carry the form's data, valid for that form."""
    from django.db.models import Count

    from motcua.dossiers.models import Dossier
    from motcua.eforms.forms import EForm
    from motcua.eforms.models import FormDefinition

    demo_load()
    top = Dossier.objects.values("procedure__name").annotate(n=Count("id")).order_by("-n")[:10]
    with_form = set(FormDefinition.objects.values_list("procedure__name", flat=True))
    assert len(with_form) == 10
    assert {r["procedure__name"] for r in top} == with_form
    filled = Dossier.objects.exclude(form_data={}).select_related("procedure__eform")
    assert filled.exists()
    for d in filled:
        assert EForm.from_json(d.procedure.eform.definition, d.form_data).is_valid()
