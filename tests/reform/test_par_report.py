"""The reform report's index table comes from the PAR index itself: agencies appraised through
the services appear with their final score and rank; a submitted, not appraised, one does not."""

from __future__ import annotations

import datetime as dt

from motcua.reform import report_data
from motcua.reform.par_selectors import ranking
from motcua.reform.report_docx import to_docx
from motcua.reports.selectors import Period
from tests.reform.par_world import Par, par_fixture  # noqa: F401  (fixture)
from tests.reform.test_par_scoring import appraised, submitted
from tests.reform.test_report import docx_text, world  # noqa: F401  (fixture)


def test_report_table_is_the_appraised_ranking(par: Par) -> None:
    appraised(par, par.w.justice, 2022, "1")
    appraised(par, par.w.health, 2022, "0.5")
    submitted(par, par.w.district_committee, 2022)  # not appraised: not in the table
    rep = report_data.build(Period(dt.date(2022, 1, 1), dt.date(2022, 6, 30)), unit=par.w.province)
    rows = rep["par_ranking"]["rows"]
    assert rows == ranking(2022)
    assert [(r["agency_code"], r["rank"]) for r in rows] == [
        ("000.00.03.H10", 1),
        ("000.00.16.H10", 2),
    ]
    assert rows[0]["final_score"] > rows[1]["final_score"]
    _, text = docx_text(to_docx(rep))
    assert par.w.justice.name in text and par.w.health.name in text
    assert par.w.district_committee.name not in text.split("Chỉ số")[-1]
    assert "Chưa có kết quả Chỉ số" not in text
    # another year has no appraisal: the report says so instead of an empty table
    rep21 = report_data.build(
        Period(dt.date(2021, 1, 1), dt.date(2021, 12, 31)), unit=par.w.province
    )
    assert rep21["par_ranking"]["rows"] == []
    assert "Chưa có kết quả Chỉ số" in docx_text(to_docx(rep21))[1]
