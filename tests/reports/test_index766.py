"""Decision 766/QĐ-TTg index as REGULATIONS §7 gives it: 18/20/22/22/18 points, stepped scores,
progress over every dossier handled, payments over procedures with fees, and the satisfaction
group scored from ratings or shown as "no data" without being re-weighted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from motcua.catalog.services import catalog_import_specs
from motcua.dossiers.legacy import import_dossiers
from motcua.dossiers.models import Apology, Dossier, Rating, SupplementRequest
from motcua.reports.indices import criteria_load, default_criteria, drill_down, index766
from motcua.reports.models import IndexCriterion
from motcua.reports.selectors import Period
from tests.dossiers.conftest import World
from tests.factories import procedure_spec
from tests.reports.test_import_dossiers import csv_text, row

pytestmark = pytest.mark.django_db

P = Period(dt.date(2022, 1, 1), dt.date(2022, 6, 30))
VN = dt.timezone(dt.timedelta(hours=7))
REC, DUE = "2022-03-01T09:00:00+07:00", "2022-03-04T09:00:00+07:00"


def build(w: World, tmp_path: Path) -> None:
    # the world publishes 1.000001 (fee 1 000 000 đ), 1.000002 and 2.000003, all partly online;
    # add 1.000010: fully online, no fee
    catalog_import_specs(
        actor=None,
        source="test",
        specs=[
            procedure_spec(
                "1.000010",
                agency_code=w.justice.code,
                online_service="toan_trinh",
                fees=[],
                valid_from=dt.date(2020, 1, 1),
            )
        ],
    )
    common = {"received_at": REC, "due_at": DUE, "online_payment_vnd": "0"}
    rows = [
        # E1 online, paid, early, electronic result
        row(
            "E1",
            finished="2022-03-02T10:00:00+07:00",
            electronic_result="1",
            **{**common, "online_payment_vnd": "50000"},
        ),
        # E2 counter, late
        row("E2", finished="2022-03-04T09:00:01+07:00", channel="counter", **common),
        # E3 online, fully-online procedure, at the due instant, electronic result
        row(
            "E3",
            procedure_code="1.000010",
            finished="2022-03-04T09:00:00+07:00",
            electronic_result="1",
            **common,
        ),
        # E4 counter, not digitized, still open at the end and overdue (apologised in time)
        row("E4", status="processing", channel="counter", digitized="0", **common),
        # E5 counter, withdrawn before its due date
        row(
            "E5",
            status="withdrawn",
            finished="2022-03-02T10:00:00+07:00",
            channel="counter",
            **common,
        ),
        # E6 online, open and within time at the end, but asked twice for a supplement
        row(
            "E6",
            procedure_code="1.000010",
            status="processing",
            **{**common, "due_at": "2022-07-10T17:00:00+07:00"},
        ),
    ]
    f = tmp_path / "e.csv"
    f.write_text(csv_text(rows), encoding="utf-8")
    import_dossiers(f)
    e4, e6 = Dossier.objects.get(code="E4"), Dossier.objects.get(code="E6")
    Apology.objects.create(
        dossier=e4,
        agency=w.justice,
        issued_at=dt.datetime(2022, 3, 2, 10, tzinfo=VN),
        reason="chờ xác minh",
        previous_appointment=e4.due_at,
        new_appointment=e4.due_at + dt.timedelta(days=3),
    )
    for day in (2, 3):
        SupplementRequest.objects.create(
            dossier=e6,
            requested_at=dt.datetime(2022, 3, day, 10, tzinfo=VN),
            reason="thiếu giấy tờ",
            mode="restart",
        )


def scores(result: dict[str, Any]) -> dict[str, float | None]:
    return {c["code"]: c["score"] for g in result["groups"].values() for c in g["criteria"]}


def test_shipped_criteria_add_up_to_the_groups_of_regulations_7() -> None:
    groups: dict[str, float] = {}
    for c in default_criteria():
        groups[c["group"]] = groups.get(c["group"], 0) + c["points"]
        assert c["steps"] and c["steps"][0][1] == 1  # stepped, full marks at the first step
    assert groups == {"cong_khai": 18, "tien_do": 20, "dvctt": 22, "so_hoa": 22, "hai_long": 18}
    points = {c["code"]: c["points"] for c in default_criteria()}
    assert [points[k] for k in ("catalog_published", "tracked", "apology_kept", "synced")] == [
        6,
        4,
        2,
        6,
    ]
    assert [
        points[k]
        for k in ("online_full", "online_dossiers", "online_services_used", "online_payments")
    ] == [12, 2, 2, 6]


def test_stepped_scores_without_ratings(world: World, tmp_path: Path) -> None:
    build(world, tmp_path)
    result = index766(P)
    assert scores(result) == {
        "catalog_published": 6.0,  # 4 of 4 published procedures complete: ≥ 90 %
        "tracked": 0.0,  # imported dossiers have no step history: 0 of 6
        "apology_kept": 1.0,  # late E2 (none) and overdue E4 (in time): 50 % → half of 2
        "synced": None,  # not connected to the national portal
        # handled 6; late: E2 (late), E4 (overdue at the end), E6 (two supplements); E5
        # withdrawn in time counts as ended on time: 3 of 6 = 50 % → half of 20
        "progress": 10.0,
        "online_full": 0.0,  # 1 of 4 procedures fully online: 25 % < 50 %
        "online_dossiers": 2.0,  # E1, E3, E6 of 6: 50 % ≥ 50 %
        "online_services_used": 1.0,  # 1.000001 and 1.000010 of 4 offered: 50 % → half of 2
        "online_payments": 3.0,  # only 1.000001 has a fee: E1 paid of E1, E2, E4, E5: 25 %
        "digitized": 3.0,  # 5 of 6 = 83.3 %: half of 6, not 5 (stepped, not linear)
        "electronic_results": 2.0,  # E1, E3 of 3 resolved: 66.7 % → half of 4
        "reused_components": 0.0,  # nothing reused
        "reused_national": None,  # no source yet
        "paper_digitized": 2.0,  # E2, E5 of the paper E2, E4, E5: 66.7 % → half of 4
        "results_stored": 0.0,  # no result document stored for the imported dossiers
        "online_electronic": 0.0,  # no electronic components on the online dossiers
        "satisfied_ratings": None,
        "satisfaction_dossiers": None,
        "feedback_on_time": None,
    }
    assert result["score"] == 30.0
    assert result["max"] == 100.0  # not re-weighted: the maximum stays the sum of all points
    assert result["score_100"] == 30.0
    assert result["no_data_points"] == 26.0  # synced 6 + reused_national 2 + satisfaction 18
    hai_long = result["groups"]["hai_long"]
    assert hai_long["score"] is None and hai_long["note"] == "chưa có dữ liệu"
    progress = result["groups"]["tien_do"]["criteria"][0]
    assert (progress["numerator"], progress["denominator"], progress["share"]) == (3, 6, 50.0)
    late = {d.code for d in drill_down(P, "progress")}
    assert late == {"E2", "E4", "E6"}


def test_satisfaction_from_ratings_when_there_are_some(world: World, tmp_path: Path) -> None:
    build(world, tmp_path)
    for code, score in (("E1", 5), ("E2", 2)):
        Rating.objects.create(
            dossier=Dossier.objects.get(code=code),
            score=score,
            at=dt.datetime(2022, 3, 5, 9, tzinfo=VN),
        )
    s = scores(index766(P))
    assert s["satisfied_ratings"] == 3.0  # 1 of 2 ratings satisfied: 50 % → half of 6
    # 100 % − (late 3/6 + not satisfied 1/6) = 33.3 % → 0
    assert s["satisfaction_dossiers"] == 0.0
    assert s["feedback_on_time"] is None
    result = index766(P)
    assert result["score"] == 33.0 and result["no_data_points"] == 14.0
    assert result["groups"]["hai_long"]["score"] == 3.0


def test_weights_are_data_and_editable(world: World, tmp_path: Path) -> None:
    build(world, tmp_path)
    criteria_load()
    assert IndexCriterion.objects.count() == len(default_criteria())
    IndexCriterion.objects.filter(code="progress").update(points=30)
    assert scores(index766(P))["progress"] == 15.0
    IndexCriterion.objects.filter(code="progress").update(steps=[[40, 1]])
    assert scores(index766(P))["progress"] == 30.0  # 50 % ≥ 40 %: full marks


@pytest.mark.parametrize(
    "steps", ["abc", [[90]], [[120, 1]], [[90, 2]], [["90", 1]], [[True, 1]], {"90": 1}]
)
def test_bad_steps_are_refused_by_the_admin_form(steps: object) -> None:
    from django.core.exceptions import ValidationError

    c = IndexCriterion(
        group="x", group_name="x", code="x", name="x", points=1, formula="progress", steps=steps
    )
    with pytest.raises(ValidationError):
        c.full_clean()


def test_good_steps_pass() -> None:
    IndexCriterion(
        group="x",
        group_name="x",
        code="x",
        name="x",
        points=1,
        formula="progress",
        steps=[[90, 1], [50, 0.5]],
    ).full_clean()
