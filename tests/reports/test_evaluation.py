"""Circular 01/2018 evaluation on hand-built dossiers: indices 4 and 5 from what the applicant
and the desk actually did, the total out of 18 and its grade, the self-scored and appraised columns,
and apology breaches beside the indices."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from motcua.catalog.services import StepSpec, catalog_import_specs
from motcua.dossiers.legacy import import_dossiers
from motcua.dossiers.models import (
    ApologyBreach,
    Dossier,
    DossierEvent,
    EventType,
    Rating,
    SupplementRequest,
)
from motcua.reports.exports import to_xlsx
from motcua.reports.indices import evaluation, grade
from motcua.reports.models import Appraisal
from motcua.reports.selectors import Period, report
from tests.dossiers.conftest import World
from tests.factories import procedure_spec
from tests.reports.test_import_dossiers import csv_text, row

pytestmark = pytest.mark.django_db

P = Period(dt.date(2022, 1, 1), dt.date(2022, 6, 30))
VN = dt.timezone(dt.timedelta(hours=7))


def build(w: World, tmp_path: Path) -> None:
    # a procedure whose whole process is at the one-stop desk (receive, hand back the result)
    catalog_import_specs(
        actor=None,
        source="test",
        specs=[
            procedure_spec(
                "1.000009",
                agency_code=w.justice.code,
                time_limit_days=1,
                valid_from=dt.date(2020, 1, 1),
                steps=[
                    StepSpec("Tiếp nhận, kiểm tra", "tiep_nhan", Decimal("0.5")),
                    StepSpec("Trả kết quả", "tra_ket_qua", Decimal("0.5")),
                ],
            )
        ],
    )
    rec, due = "2022-03-01T09:00:00+07:00", "2022-03-04T09:00:00+07:00"
    rows = [
        # D1 online, early
        row("D1", received_at=rec, due_at=due, finished="2022-03-02T10:00:00+07:00"),
        # D2 counter, one second late
        row(
            "D2",
            received_at=rec,
            due_at=due,
            finished="2022-03-04T09:00:01+07:00",
            channel="counter",
        ),
        # D3 counter, the desk-only procedure, finished at the due instant (on time)
        row(
            "D3",
            procedure_code="1.000009",
            received_at=rec,
            due_at="2022-03-02T09:00:00+07:00",
            finished="2022-03-02T09:00:00+07:00",
            channel="counter",
        ),
        # D4 counter, early, but two supplements, result handed over at another agency, and a
        # "not satisfied" rating
        row(
            "D4",
            received_at=rec,
            due_at=due,
            finished="2022-03-03T10:00:00+07:00",
            channel="counter",
        ),
    ]
    f = tmp_path / "d.csv"
    f.write_text(csv_text(rows), encoding="utf-8")
    import_dossiers(f)
    d2, d4 = Dossier.objects.get(code="D2"), Dossier.objects.get(code="D4")
    Dossier.objects.filter(pk=d2.pk).update(apology_breach=ApologyBreach.MISSING)
    for day in (1, 2):
        SupplementRequest.objects.create(
            dossier=d4,
            requested_at=dt.datetime(2022, 3, day, 10, tzinfo=VN),
            reason="thiếu giấy tờ",
            mode="restart",
        )
    DossierEvent.objects.create(
        dossier=d4,
        type=EventType.RESULT_RETURNED,
        at=dt.datetime(2022, 3, 3, 14, tzinfo=VN),
        actor_label="cán bộ",
        agency=w.health,
        note="Trực tiếp",
    )
    Rating.objects.create(dossier=d4, score=1, at=dt.datetime(2022, 3, 3, 15, tzinfo=VN))


def test_indices_total_out_of_18_grade_and_breaches(world: World, tmp_path: Path) -> None:
    build(world, tmp_path)
    ev = evaluation(P)
    (justice,) = ev["agencies"]
    assert justice["agency_code"] == world.justice.code and justice["dossiers"] == 4
    assert justice["scores"] == {
        "i1": 1.25,  # 2 (D1 early) + 0 (D2 late) + 1 (D3 on the due day) + 2 (D4 early), / 4
        "i2": 1.25,  # no step records: each as its total time
        "i3": 1.5,  # 2 + 2 + 2 + 0 (D4: two supplements)
        # online and nothing in person: none (2); counter: the desk only (1); D4 also went to
        # another agency for its result (0)
        "i4": 1.0,  # (2 + 1 + 1 + 0) / 4
        # procedures handled: 1.000001 (desk → specialist → leader) and 1.000009 (desk only):
        # 50 % ≥ 20 % for a provincial agency
        "i5": 2,
        "i6": 2,  # its three published procedures list documents and a process
        "i7": 0.75,  # 2 + 0 (late) + 1 + 0 (a "not satisfied" rating), / 4
        "i8": 2,  # no feedback due in the period: none handled late (tests/feedback)
        # all its procedures are online, 1 of 4 dossiers online: 25 % is under 30, over 15
        "i9": 1,
    }
    assert justice["total"] == 12.75 and justice["max"] == 18
    assert justice["grade"] == "Tốt"  # 12 ≤ 12.75 ≤ 15
    assert justice["unscored"] == []
    assert justice["apology_breaches"] == {"late": 0, "missing": 1}
    assert justice["appraised"] is None
    assert ev["levels"]["province"]["apology_breaches"] == {"late": 0, "missing": 1}


def test_appraised_column_beside_the_self_scored_one(world: World, tmp_path: Path) -> None:
    build(world, tmp_path)
    scores = {"i1": 1, "i2": 1, "i3": 2, "i4": 1, "i5": 2, "i6": 2, "i7": 1, "i8": 2, "i9": 2}
    Appraisal.objects.create(
        agency=world.justice,
        period_from=P.first,
        period_to=P.last,
        scores=scores,
        appraised_by="Sở Nội vụ",
    )
    # another period's appraisal is not this period's column
    Appraisal.objects.create(
        agency=world.justice,
        period_from=dt.date(2022, 7, 1),
        period_to=dt.date(2022, 12, 31),
        scores=dict.fromkeys(scores, 0),
    )
    ev = evaluation(P)
    (justice,) = ev["agencies"]
    assert justice["total"] == 12.75  # the self-scored column is unchanged
    assert justice["appraised"] == {
        "scores": scores,
        "total": 14,
        "grade": "Tốt",
        "by": "Sở Nội vụ",
    }
    wb = load_workbook(io.BytesIO(to_xlsx(report(P), evaluation=ev)))
    sheet = [list(line) for line in wb["Đánh giá TT 01-2018"].iter_rows(values_only=True)]
    head = next(i for i, line in enumerate(sheet) if line[0] == "STT")
    assert sheet[head][-6:] == [
        "Tổng điểm tự chấm (/18)",
        "Xếp loại tự chấm",
        "Tổng điểm thẩm định (/18)",
        "Xếp loại thẩm định",
        "Xin lỗi muộn",
        "Trễ hạn không xin lỗi",
    ]
    assert sheet[head + 1] == [
        1,
        world.justice.name,
        "Cấp tỉnh",
        4,
        1.25,
        1.25,
        1.5,
        1.0,
        2,
        2,
        0.75,
        2,
        1,
        12.75,
        "Tốt",
        14,
        "Tốt",
        0,
        1,
    ]


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (18, "Xuất sắc"),
        (15.5, "Xuất sắc"),
        (15, "Tốt"),
        (12, "Tốt"),
        (11.99, "Khá"),
        (9, "Khá"),
        (8.5, "Trung bình"),
        (6, "Trung bình"),
        (5.99, "Yếu"),
        (0, "Yếu"),
    ],
)
def test_grade_bands(total: float, expected: str) -> None:
    assert grade(total) == expected


def test_appraisal_scores_are_checked(world: World) -> None:
    from django.core.exceptions import ValidationError

    bad = Appraisal(
        agency=world.justice,
        period_from=P.first,
        period_to=P.last,
        scores={"i1": 3, "i2": 1},
    )
    with pytest.raises(ValidationError):
        bad.full_clean()
