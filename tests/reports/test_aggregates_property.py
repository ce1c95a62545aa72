"""The daily counts give exactly the figures of the direct scan (the reference), for generated
dossier histories and random periods: every version of a dossier goes through the services' hook
(``aggregates_sync``), and the counts it keeps equal a set-based rebuild."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from motcua.catalog.models import Procedure
from motcua.catalog.services import catalog_import_specs
from motcua.dossiers.models import (
    Apology,
    Document,
    Dossier,
    DossierEvent,
    DossierStep,
    EventType,
    Rating,
    SupplementRequest,
)
from motcua.reports import agg_eval, agg_index, decision766
from motcua.reports.agg_rebuild import rebuild_aggregates
from motcua.reports.aggregates import aggregates_sync, one_reading
from motcua.reports.indices import evaluation_inputs_scan
from motcua.reports.models import (
    FULL_KEY,
    DailyAgencyCount,
    DailyCount,
    DailyLevelCount,
    DailyProcedureCount,
    DossierFacts,
    MonthlyAgencyCount,
    MonthlyCount,
    MonthlyProcedureCount,
)
from motcua.reports.selectors import Period, _report_from_aggregates, report_scan, scope_for
from motcua.reports.verify import diff
from tests.factories import AgencyFactory, procedure_spec

pytestmark = pytest.mark.django_db(transaction=False)

UTC = dt.UTC
T0 = dt.datetime(2021, 10, 1, tzinfo=UTC)
AGENCIES = ("000.00.03.H10", "000.00.21.H10", "000.00.35.H10")
PROCEDURES = ("1.000001", "1.000002")


@pytest.fixture
def base() -> dict[str, Any]:
    agencies = [AgencyFactory(code=code).pk for code in AGENCIES]
    specs = [procedure_spec(PROCEDURES[0]), procedure_spec(PROCEDURES[1], field_code="G09-TP02")]
    catalog_import_specs(actor=None, specs=specs, source="test")
    procedures = list(
        Procedure.objects.filter(code__in=PROCEDURES).order_by("code").values_list("pk", flat=True)
    )
    template = Dossier(
        procedure_id=procedures[0],
        applicant_name="Nguyễn Văn An",
        applicant_id_number="070123456789",
        channel="online",
        receiving_agency_id=agencies[0],
        processing_agency_id=agencies[0],
        status="submitted",
        imported=True,
    )
    return {"template": template, "agencies": agencies, "procedures": procedures}


instant = st.integers(0, 330 * 86400).map(lambda s: T0 + dt.timedelta(seconds=s))


@st.composite
def version(draw: Any) -> dict[str, Any]:
    """One state of a dossier (any stat-relevant field may change from one state to the next:
    a due instant moved by a supplement, a transfer, a finish, a breach, an apology)."""
    received = draw(st.one_of(st.none(), instant))
    status = draw(st.sampled_from(["in_progress", "resolved", "withdrawn", "returned"]))
    if received is None:
        status = "submitted"
    finished = None
    if status in ("resolved", "withdrawn", "returned"):
        finished = received + dt.timedelta(seconds=draw(st.integers(0, 70 * 86400)))
    due = None
    if received is not None and draw(st.integers(0, 9)):
        # often on the same day as the finish, or exactly at it (the edges of late / early)
        due = draw(
            st.one_of(
                st.integers(0, 40 * 86400).map(lambda s: received + dt.timedelta(seconds=s)),
                st.just(finished) if finished else st.nothing(),
                st.integers(-3600, 3600).map(
                    lambda s: (finished or received) + dt.timedelta(seconds=s)
                ),
            )
        )
        if due < received:
            due = received
    paused = None
    if status == "in_progress" and draw(st.booleans()):
        # waiting for a supplement: stopped before, at or after its due instant
        paused = draw(
            st.one_of(
                st.integers(0, 40 * 86400).map(lambda s: received + dt.timedelta(seconds=s)),
                st.just(due) if due else st.nothing(),
            )
        )
        status = "awaiting_supplement"
    return {
        "received_at": received,
        "status": status,
        "finished_at": finished,
        "due_at": due,
        "paused_at": paused,
        "level": draw(st.integers(1, 3)),
        "channel": draw(st.sampled_from(["online", "counter", "postal"])),
        "ra": draw(st.integers(0, 2)),
        "pa": draw(st.integers(0, 2)),
        "proc": draw(st.integers(0, 1)),
        "digitized": draw(st.booleans()),
        "electronic_result": draw(st.booleans()),
        "online_payment_vnd": draw(st.sampled_from([0, 0, 50_000, 1_250_000])),
        "working_seconds": draw(st.one_of(st.none(), st.integers(0, 10**6))),
        "apology_breach": draw(st.sampled_from(["", "", "late", "missing"])),
        "apology": draw(st.one_of(st.none(), instant)),
        # related rows (only ever added, as the services do): the Decision 766 inputs
        # a step, and how it ended (index 2); a result handed back, where (index 4)
        "step": draw(st.sampled_from(["", "pending", "late", "early", "on_time"])),
        "step_role": draw(st.sampled_from(["chuyen_vien", "tiep_nhan"])),
        "returned": draw(st.sampled_from(["", "", "here", "elsewhere", "post"])),
        "supplements": draw(st.integers(0, 2)),
        "doc": draw(st.sampled_from(["", "", "input_electronic", "result_electronic", "reused"])),
        "rating": draw(st.one_of(st.none(), st.tuples(st.integers(1, 5), instant))),
    }


history = st.lists(version(), min_size=1, max_size=3)


def _resolved_version(
    *,
    step: str = "",
    step_role: str = "chuyen_vien",
    returned: str = "",
    breach: str = "",
    rating: tuple[int, dt.datetime] | None = None,
    supplements: int = 0,
    late: bool = False,
    channel: str = "online",
    pa: int = 1,
) -> dict[str, Any]:
    """A dossier resolved in October 2021 (the explicit examples)."""
    received = T0 + dt.timedelta(days=2, hours=1)
    finished = received + dt.timedelta(days=6)
    return {
        "received_at": received,
        "status": "resolved",
        "finished_at": finished,
        "due_at": finished - dt.timedelta(days=1) if late else finished + dt.timedelta(days=2),
        "paused_at": None,
        "level": 1,
        "channel": channel,
        "ra": 0,
        "pa": pa,
        "proc": 0,
        "digitized": True,
        "electronic_result": False,
        "online_payment_vnd": 0,
        "working_seconds": 3600,
        "apology_breach": breach,
        "apology": None,
        "step": step,
        "step_role": step_role,
        "returned": returned,
        "supplements": supplements,
        "doc": "",
        "rating": rating,
    }


months = st.tuples(st.integers(0, 10), st.integers(1, 7)).map(
    lambda t: Period(
        dt.date(2021 + (9 + t[0]) // 12, (9 + t[0]) % 12 + 1, 1),
        dt.date(2021 + (9 + t[0] + t[1]) // 12, (9 + t[0] + t[1]) % 12 + 1, 1)
        - dt.timedelta(days=1),
    )
)
days = st.tuples(
    st.integers(0, 330).map(lambda d: dt.date(2021, 10, 1) + dt.timedelta(days=d)),
    st.integers(0, 200),
).map(lambda t: Period(t[0], t[0] + dt.timedelta(days=t[1])))
period = st.one_of(months, days)  # whole months read the monthly grains


def _apply(base: dict[str, Any], d: Dossier | None, n: int, v: dict[str, Any]) -> Dossier:
    fields = {
        k: v[k]
        for k in (
            "received_at",
            "status",
            "finished_at",
            "due_at",
            "paused_at",
            "level",
            "channel",
            "digitized",
            "electronic_result",
            "online_payment_vnd",
            "working_seconds",
            "apology_breach",
        )
    }
    fields["receiving_agency_id"] = base["agencies"][v["ra"]]
    fields["processing_agency_id"] = base["agencies"][v["pa"]]
    fields["procedure_id"] = base["procedures"][v["proc"]]
    if d is None:
        d = base["template"]
        d.pk = None
        d.code = f"PT-{n}"
    for k, value in fields.items():
        setattr(d, k, value)
    d.save()
    apology = False
    if v["apology"] is not None and not Apology.objects.filter(dossier=d).exists():
        Apology.objects.create(
            dossier=d,
            agency_id=fields["processing_agency_id"],
            issued_at=v["apology"],
            reason="trễ",
            previous_appointment=v["apology"],
            new_appointment=v["apology"] + dt.timedelta(days=3),
        )
        apology = True
    _related(d, v)
    aggregates_sync(d, apology=apology)
    return d


def _related(d: Dossier, v: dict[str, Any]) -> None:
    """Steps, supplement requests, documents and a rating, added before the hook runs."""
    if v["step"] and not DossierStep.objects.filter(dossier=d).exists():
        DossierStep.objects.create(
            dossier=d,
            order=1,
            name="Thẩm định",
            role=v["step_role"],
            agency_id=d.processing_agency_id,
            budget_days=5,
            status="pending" if v["step"] == "pending" else "done",
            outcome="" if v["step"] == "pending" else v["step"],
        )
    if v["returned"] and not DossierEvent.objects.filter(dossier=d).exists():
        DossierEvent.objects.create(
            dossier=d,
            type=EventType.RESULT_RETURNED,
            at=T0,
            actor_label="Cán bộ",
            agency_id=d.receiving_agency_id
            if v["returned"] != "elsewhere"
            else d.processing_agency_id,
            note="Trả qua bưu điện" if v["returned"] == "post" else "",
        )
    for _ in range(v["supplements"]):
        SupplementRequest.objects.create(
            dossier=d, requested_at=T0, items=["Tờ khai"], reason="thiếu", at_intake=False
        )
    if v["doc"]:
        kind = "input_scan" if v["doc"] == "reused" else v["doc"]
        original = Document.objects.filter(dossier=d).first()
        Document.objects.create(
            dossier=d,
            kind=kind,
            name="a.pdf",
            file="dossiers/a.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
            uploaded_at=T0,
            reused_from=original if v["doc"] == "reused" else None,
        )
    if v["rating"] is not None and not Rating.objects.filter(dossier=d).exists():
        Rating.objects.create(dossier=d, score=v["rating"][0], at=v["rating"][1])


def _table(model: Any, keys: tuple[str, ...]) -> dict[tuple[Any, ...], tuple[int, ...]]:
    from motcua.reports.models import MEASURES

    out = {}
    for r in model.objects.values(*keys, *MEASURES):
        values = tuple(r[m] for m in MEASURES)
        if any(values):
            out[tuple(str(r[k]) for k in keys)] = values
    return out


FULL = FULL_KEY


def tables() -> tuple[Any, ...]:
    return (
        _table(DailyCount, FULL),
        _table(DailyLevelCount, FULL[:4]),
        _table(DailyAgencyCount, (*FULL[:4], "processing_agency_id")),
        _table(DailyProcedureCount, (*FULL[:4], "procedure_id")),
        _table(MonthlyAgencyCount, (*FULL[:4], "processing_agency_id")),
        _table(MonthlyProcedureCount, (*FULL[:4], "procedure_id")),
        _table(MonthlyCount, FULL),
    )


@settings(
    max_examples=40,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking is slow on a database
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@example(  # every branch of the evaluation's indices at once (random histories reach few)
    histories=[
        [_resolved_version(step="late", returned="elsewhere", breach="late", late=True)],
        [_resolved_version(step="early", returned="post", breach="missing", rating=(1, T0))],
        [_resolved_version(step="on_time", returned="here", supplements=2, channel="counter")],
        [_resolved_version(step="pending", step_role="tiep_nhan", supplements=1, late=True)],
    ],
    periods=[Period(dt.date(2021, 10, 1), dt.date(2021, 12, 31))],
    scope=None,
    level=None,
).via("the evaluation's branches")
@example(
    histories=[[_resolved_version(step="late", late=True)], [_resolved_version(pa=2)]],
    periods=[Period(dt.date(2021, 10, 3), dt.date(2021, 11, 20))],
    scope={1},
    level=None,
).via("a leader's agencies")
@example(  # the same agencies over a whole month with partial months at both edges
    histories=[[_resolved_version(step="late", late=True)], [_resolved_version(pa=2)]],
    periods=[Period(dt.date(2021, 9, 20), dt.date(2021, 11, 5))],
    scope={1, 2},
    level=None,
).via("a leader's agencies, months and edge days")
@given(
    histories=st.lists(history, min_size=1, max_size=10),
    periods=st.lists(period, min_size=1, max_size=3),
    scope=st.one_of(st.none(), st.sets(st.integers(0, 2), min_size=1)),
    level=st.one_of(st.none(), st.integers(1, 3)),
)
def test_aggregates_equal_scan(
    base: dict[str, Any],
    histories: list[list[dict[str, Any]]],
    periods: list[Period],
    scope: Any,
    level: int | None,
) -> None:
    with transaction.atomic():
        for n, versions in enumerate(histories):
            d = None
            for v in versions:
                d = _apply(base, d, n, v)
        ids = None if scope is None else [base["agencies"][i] for i in sorted(scope)]
        for p in periods:
            scan = report_scan(p, agency_ids=ids)
            agg = _report_from_aggregates(p, unit=None, agency_ids=ids, details=True)
            assert diff(scan, agg) == [], (p, diff(scan, agg))
            # the Decision 766 inputs: the scan's ratios against those from the counts
            qs = scope_for(agency_ids=ids) if ids is not None else Dossier.objects.all()
            if level is not None:
                qs = qs.filter(level=level)
            procedures = Procedure.objects.all()
            r_scan = decision766._ratios(p, qs, procedures)
            r_agg = agg_index.ratios(p, ids, level, procedures, None, qs)
            assert r_scan == r_agg, (p, ids, level, diff(r_scan, r_agg))
            # one answer's reads sharing the procedure grain (aggregates.one_reading), the
            # index asking first or second: the same figures
            for index_first in (False, True):
                with one_reading():
                    if index_first:
                        r_shared = agg_index.ratios(p, ids, level, procedures, None, qs)
                    agg_shared = _report_from_aggregates(p, unit=None, agency_ids=ids, details=True)
                    if not index_first:
                        r_shared = agg_index.ratios(p, ids, level, procedures, None, qs)
                assert agg_shared == agg and r_shared == r_agg, (p, ids, level, index_first)
            # the Circular 01/2018 evaluation's inputs: index points, breaches, procedures
            e_scan = evaluation_inputs_scan(p, agency_ids=ids)
            e_agg = agg_eval.evaluation_inputs(p, agency_ids=ids)
            assert e_scan == e_agg, (p, ids, e_scan, e_agg)
        # what the hook kept equals a set-based rebuild (whole, then of a range of days)
        kept = tables()
        snapshots = DossierFacts.objects.count()
        rebuild_aggregates()
        assert tables() == kept
        assert DossierFacts.objects.count() == snapshots
        p = periods[0]
        rebuild_aggregates(p.first, p.last)
        assert tables() == kept
        transaction.set_rollback(True)


def test_one_reading_reads_the_procedure_grain_once(base: dict[str, Any]) -> None:
    """``motcua report``, the dashboard and the API's report compute the report and the Decision
    766 index: inside ``one_reading`` their largest read — the procedure grain of the period,
    for the breakdown per field and the per-procedure figures — is made once (twice outside)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    p = Period(dt.date(2022, 1, 10), dt.date(2022, 6, 20))
    procedures = Procedure.objects.all()

    def reads() -> int:
        with CaptureQueriesContext(connection) as q:
            _report_from_aggregates(p, unit=None, agency_ids=None, details=True)
            agg_index.ratios(p, None, None, procedures, None, Dossier.objects.all())
        return sum("procedurecount" in x["sql"] for x in q.captured_queries)

    assert reads() == 2
    with one_reading():
        assert reads() == 1
        assert reads() == 0  # the same period and scope again: the rows already read
