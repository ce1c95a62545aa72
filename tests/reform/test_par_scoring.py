"""Scoring: automatic criteria from the agency's own dossiers (rate-derived points), the
appraisal audited with actor, before → after and comment, evidence and survey gates, ranking
with ties (1, 1, 3), and year-on-year comparison."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from motcua.audit.models import AuditEntry
from motcua.audit.services import audit_verify
from motcua.core.errors import IllegalTransition, ValidationFailed
from motcua.dossiers.models import Dossier, Rating
from motcua.reform import par_services as svc
from motcua.reform.models import ParAssessment, ParStatus
from motcua.reform.par_selectors import compare, ranking
from motcua.units.models import Agency
from tests.dossiers.conftest import world  # noqa: F401 - the small province
from tests.factories import AgencyFactory
from tests.reform.par_world import (  # noqa: F401 - the fixture
    Par,
    fill_all,
    import_rows,
    par_fixture,
    score,
    survey_all,
)
from tests.reports.test_import_dossiers import row

pytestmark = pytest.mark.django_db
LATE = "2022-03-05T10:00:00+07:00"


def justice_dossiers(tmp_path: Path) -> None:
    """Sở Tư pháp, 2022: 10 resolved, one late; 4 at the counter (6 online); 2 not digitized;
    3 with an electronic result."""
    rows = []
    for i in range(1, 11):
        over: dict[str, str] = {}
        if i <= 4:
            over.update(channel="counter", online_payment_vnd="0")
        if i <= 2:
            over["digitized"] = "0"
        if 5 <= i <= 7:
            over["electronic_result"] = "1"
        rows.append(
            row(f"PAR{i:02d}", finished=LATE if i == 10 else "2022-03-02T10:00:00+07:00", **over)
        )
    import_rows(tmp_path, rows)


def test_automatic_criteria_are_scored_from_the_agencys_dossiers(par: Par, tmp_path: Path) -> None:
    justice_dossiers(tmp_path)
    a = svc.assessment_open(par.justice_leader, par.w.justice, 2022)
    got = {
        code: score(a, code) for code in ("3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8", "8.3")
    }
    assert got["3.2"].value == Decimal("90.00")  # 9 of 10 on time
    assert got["3.2"].self_points == Decimal("1.00")  # tiers: ≥ 90 % → 1 of 4
    assert got["3.2"].auto_detail["numerator"] == 9 and got["3.2"].auto_detail["denominator"] == 10
    assert got["3.3"].value == 1 and got["3.3"].self_points == Decimal("1.90")  # 2 − 0.1 × 1
    assert got["3.4"].value == Decimal("60.00") and got["3.4"].self_points == Decimal("4.00")
    assert got["3.5"].value == Decimal("80.00") and got["3.5"].self_points == Decimal("2.40")
    assert got["3.6"].value == Decimal("30.00") and got["3.6"].self_points == Decimal("0.60")
    assert got["3.7"].value == Decimal("60.00") and got["3.7"].self_points == Decimal("1.00")
    # no feedback due, no rating: said so, nothing invented, and the agency may enter it
    for code in ("3.8", "8.3"):
        assert got[code].value is None and got[code].self_points is None
        assert got[code].auto_detail["note"]
    assert svc.self_editable(got["3.8"]) and not svc.self_editable(got["3.2"])
    a.refresh_from_db()
    assert a.self_total == Decimal("10.90") == a.final_total
    # another department's assessment sees none of these dossiers
    h = svc.assessment_open(par.health_leader, par.w.health, 2022)
    assert score(h, "3.2").value is None and score(h, "3.2").auto_detail["denominator"] == 0
    # the agency cannot overwrite a criterion the system measured
    with pytest.raises(ValidationFailed, match=r"3.2"):
        svc.self_save(
            par.justice_leader, a, {got["3.2"].criterion_id: svc.SelfEntry(value=Decimal(100))}
        )


def test_satisfaction_comes_from_the_ratings_of_the_agencys_dossiers(
    par: Par, tmp_path: Path
) -> None:
    justice_dossiers(tmp_path)
    at = dt.datetime(2022, 3, 3, 9, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    for code, stars in (("PAR01", 5), ("PAR02", 4), ("PAR03", 2)):
        Rating.objects.create(dossier=Dossier.objects.get(code=code), score=stars, at=at)
    a = svc.assessment_open(par.justice_leader, par.w.justice, 2022)
    s = score(a, "8.3")  # proportional from 50 % (0 points) to 100 % (4 points)
    assert s.value == Decimal("66.67")  # 2 of 3 ratings at 4–5
    assert s.self_points == Decimal("1.33")  # 4 × 16.67 / 50


def test_the_district_is_measured_on_its_territory(par: Par, tmp_path: Path) -> None:
    rows = [
        row("XA1", procedure_code="2.000003", agency_code="001.01.42.H10", level="commune"),
        row(
            "XA2",
            procedure_code="2.000003",
            agency_code="001.01.42.H10",
            level="commune",
            finished=LATE,
        ),
    ]
    import_rows(tmp_path, rows)
    d = svc.assessment_open(par.district_leader, par.w.district_committee, 2022)
    assert score(d, "3.2").value == Decimal("50.00")
    assert score(d, "3.2").self_points == Decimal("0.00")


def test_manual_and_rule_points_and_their_bounds(par: Par) -> None:
    a = svc.assessment_open(par.justice_leader, par.w.justice, 2022)
    manual, tiers = score(a, "1.6"), score(a, "1.2")
    svc.self_save(
        par.justice_leader,
        a,
        {
            manual.criterion_id: svc.SelfEntry(points=Decimal("1.5"), evidence="QĐ 12"),
            tiers.criterion_id: svc.SelfEntry(value=Decimal("85"), evidence="BC 3"),
        },
    )
    assert score(a, "1.6").self_points == Decimal("1.50")
    assert score(a, "1.2").self_points == Decimal("1.00")  # 80 % ≤ 85 % < 100 %
    for bad in (svc.SelfEntry(points=Decimal("2.5")), svc.SelfEntry(points=Decimal("-1"))):
        with pytest.raises(ValidationFailed, match=r"Tiêu chí 1.6"):
            svc.self_save(par.justice_leader, a, {manual.criterion_id: bad})
    yes_no = score(a, "1.1")
    with pytest.raises(ValidationFailed, match=r"Tiêu chí 1.1"):
        svc.self_save(par.justice_leader, a, {yes_no.criterion_id: svc.SelfEntry(value=Decimal(7))})
    survey = score(a, "8.1")
    with pytest.raises(ValidationFailed, match=r"8.1"):
        svc.self_save(
            par.justice_leader, a, {survey.criterion_id: svc.SelfEntry(value=Decimal(99))}
        )
    assert score(a, "1.6").self_points == Decimal("1.50") and score(a, "8.1").value is None


def test_evidence_is_required_before_submitting(par: Par) -> None:
    a = svc.assessment_open(par.justice_leader, par.w.justice, 2022)
    item = score(a, "1.1")
    svc.self_save(par.justice_leader, a, {item.criterion_id: svc.SelfEntry(value=Decimal(1))})
    with pytest.raises(ValidationFailed, match=r"Tiêu chí 1.1"):
        svc.submit(par.justice_leader, a)
    a.refresh_from_db()
    assert a.status == ParStatus.DRAFT


def submitted(p: Par, agency: Agency, year: int, share: str = "1") -> ParAssessment:
    a = svc.assessment_open(None, agency, year)
    fill_all(a, share)
    return svc.submit(None, a)


def test_appraisal_changes_are_audited_with_actor_before_after_and_comment(par: Par) -> None:
    a = submitted(par, par.w.justice, 2022)
    item = score(a, "1.1")
    assert item.self_points == Decimal("1.00")
    self_total = ParAssessment.objects.get(pk=a.pk).self_total
    # an adjustment without a comment is refused, nothing changes
    with pytest.raises(ValidationFailed, match="ý kiến"):
        svc.appraise(par.appraiser, a, {item.criterion_id: svc.Appraisal(Decimal(0))})
    assert score(a, "1.1").final_points is None
    n = AuditEntry.objects.count()
    entries = {item.criterion_id: svc.Appraisal(Decimal(0), "Kế hoạch ban hành trễ hạn")}
    entries.update(survey_all(a, "80"))
    svc.appraise(par.appraiser, a, entries)
    e = AuditEntry.objects.filter(action="par.appraise", object_id=str(item.pk)).get()
    assert e.actor == par.appraiser
    assert e.before["points"] == "1.00" and e.before["final_points"] is None
    assert e.after["final_points"] == "0.00" and e.after["points"] == "0.00"
    assert e.after["comment"] == "Kế hoạch ban hành trễ hạn" and e.after["criterion"] == "1.1"
    assert AuditEntry.objects.count() == n + 3  # 1.1 and the two survey results
    a.refresh_from_db()
    # surveys: 20 × 80 % + 10 × 80 % = 24 points, in both totals; the adjustment in final only
    assert a.self_total == self_total + 24
    assert a.final_total == a.self_total - 1
    svc.finish(par.appraiser, a)
    assert audit_verify().ok
    a.refresh_from_db()
    assert a.status == ParStatus.APPRAISED
    with pytest.raises(IllegalTransition):
        svc.appraise(par.appraiser, a, {item.criterion_id: svc.Appraisal(Decimal(1), "lại")})


def test_the_appraisal_page_saves_and_the_finish_needs_survey_results(par: Par) -> None:
    from django.test import Client

    a = submitted(par, par.w.justice, 2022)
    c = Client()
    c.force_login(par.appraiser)
    with pytest.raises(ValidationFailed, match="điều tra"):
        svc.finish(par.appraiser, a)
    item = score(a, "2.2")
    r = c.post(
        f"/cai-cach/chi-so/tham-dinh/{a.pk}/",
        {f"f_{item.criterion_id}": "5", f"c_{item.criterion_id}": "quá mức"},
        follow=True,
    )
    assert "không được lớn hơn 2" in r.content.decode()  # max 2 points, named criterion 2.2
    assert score(a, "2.2").final_points is None
    data = {f"f_{item.criterion_id}": "1", f"c_{item.criterion_id}": "Thiếu báo cáo rà soát"}
    data.update({f"s_{k}": "90" for k in survey_all(a)})
    r = c.post(f"/cai-cach/chi-so/tham-dinh/{a.pk}/", data)
    assert r.status_code == 302
    assert score(a, "2.2").final_points == Decimal("1.00")
    assert c.post(f"/cai-cach/chi-so/tham-dinh/{a.pk}/hoan-tat/").status_code == 302
    a.refresh_from_db()
    assert a.status == ParStatus.APPRAISED
    r = c.post(f"/cai-cach/chi-so/tham-dinh/{a.pk}/tra-lai/", {"reason": "Bổ sung tài liệu"})
    a.refresh_from_db()
    assert a.status == ParStatus.DRAFT
    assert AuditEntry.objects.filter(
        action="par.send_back", after__reason="Bổ sung tài liệu"
    ).exists()


def appraised(p: Par, agency: Agency, year: int, share: str, survey: str = "80") -> None:
    a = submitted(p, agency, year, share)
    svc.appraise(p.appraiser, a, survey_all(a, survey))
    svc.finish(p.appraiser, a)


def test_ranking_ties_share_a_rank_and_the_next_rank_skips(par: Par) -> None:
    third = AgencyFactory(code="000.00.09.H10", name="Sở Xây dựng", unit=par.w.province)
    appraised(par, par.w.justice, 2022, "1")
    appraised(par, par.w.health, 2022, "1")
    appraised(par, third, 2022, "0.5")
    appraised(par, par.w.district_committee, 2022, "1")
    submitted(par, AgencyFactory(code="000.00.10.H10", unit=par.w.province), 2022)  # not ranked
    rows = ranking(2022)
    dept = [r for r in rows if r["group"] == "so_nganh"]
    assert [(r["agency_code"], r["rank"]) for r in dept] == [
        ("000.00.03.H10", 1),
        ("000.00.16.H10", 1),
        ("000.00.09.H10", 3),
    ]
    assert dept[0]["final_score"] == dept[1]["final_score"] > dept[2]["final_score"]
    assert dept[0]["max_score"] == 100.0 and dept[0]["index_pct"] == dept[0]["final_score"]
    district = [r for r in rows if r["group"] == "huyen"]
    assert len(district) == 1 and district[0]["rank"] == 1
    assert district[0]["group_label"] == "UBND cấp huyện"
    assert set(rows[0]) == {
        "agency_code",
        "agency_name",
        "group",
        "group_label",
        "self_score",
        "final_score",
        "max_score",
        "index_pct",
        "rank",
    }
    assert ranking(2020) == []


def test_year_on_year_comparison(par: Par) -> None:
    appraised(par, par.w.justice, 2021, "0.5")
    appraised(par, par.w.health, 2021, "1")
    appraised(par, par.w.justice, 2022, "1")
    appraised(par, par.w.health, 2022, "0.5")
    rows = {r["agency_code"]: r for r in compare(2021, 2022)}
    j, h = rows["000.00.03.H10"], rows["000.00.16.H10"]
    assert (j["rank_a"], j["rank_b"], j["rank_change"]) == (2, 1, 1)
    assert (h["rank_a"], h["rank_b"], h["rank_change"]) == (1, 2, -1)
    assert j["change"] == round(j["index_b"] - j["index_a"], 2) > 0
    assert h["change"] < 0
    from django.test import Client

    c = Client()
    c.force_login(par.justice_leader)
    page = c.get("/cai-cach/chi-so/so-sanh/?tu=2021&den=2022").content.decode()
    assert "tăng 1 bậc" in page and "giảm 1 bậc" in page and "<svg" in page
    page = c.get("/cai-cach/chi-so/?nam=2022").content.decode()
    assert "Sở Tư pháp" in page and "<svg" in page
