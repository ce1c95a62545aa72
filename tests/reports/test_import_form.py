"""The plain form of the import's fast path (``dossiers/legacy/fast.py``), in Python alone: a line
the form admits is one ``rules.check_row`` accepts, or refuses only for what the form leaves to
SQL and to PostgreSQL's casts (the order of the instants, an end iff not processing, a day its
month lacks, an amount over 64 bits). The whole fast path against the exact one, on PostgreSQL:
test_import_fast.py."""

from __future__ import annotations

import hashlib
import io

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from motcua.dossiers.legacy import HEADER, check_row, fast
from tests.reports.test_import_dossiers import row
from tests.reports.test_import_fast import CELLS

# what check_row may still refuse in a line of the plain form, and why the fast path refuses it
# too: SQL's checks (the first three), the cast of a day the month lacks, ::bigint of an amount
LEFT_TO_SQL = (
    "due_at trước received_at",
    "finished_at phải để trống khi và chỉ khi status là processing",
    "finished_at trước received_at",
)


@given(cells=st.fixed_dictionaries(CELLS), order=st.permutations(list(HEADER)))
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_line_of_the_plain_form_is_accepted_or_refused_only_for_what_sql_checks(
    cells: dict[str, str], order: list[str]
) -> None:
    line = ",".join(cells[c] for c in order)
    admitted = fast.rows_form(order).fullmatch((line + "\n").encode()) is not None
    event("admitted" if admitted else "not of the form")
    if not admitted:
        return
    try:
        check_row(2, [cells[c] for c in order], [order.index(c) for c in HEADER])
    except ValueError as exc:
        why = str(exc)
        if why in LEFT_TO_SQL:
            return
        if "không có thật" in why:  # a day its month lacks: PostgreSQL's cast fails too
            column = why.split(":")[0]
            assert cells[column][8:10] in ("29", "30", "31"), why
            return
        assert "vượt quá" in why and len(cells["online_payment_vnd"]) == 19, why


@pytest.mark.parametrize(
    "value",
    [
        "2022-03-01T24:00:00+07:00",
        "2022-03-01T09:00:60+07:00",
        "2022-03-01T09:00:00+16:00",
        "2022-03-01T09:00:00.1234567+07:00",
        "2101-01-01T00:00:00+07:00",
        "1989-12-31T23:59:59+07:00",
        "2022-03-01 09:00:00+07:00",
        "2022-03-01T09:00:00",
    ],
)
def test_instants_python_or_postgresql_read_otherwise_are_not_of_the_form(value: str) -> None:
    line = ",".join(row("HS-1", received_at=value)) + "\n"
    assert fast.rows_form(list(HEADER)).fullmatch(line.encode()) is None


@pytest.mark.parametrize(
    "code",
    ["1", "12/thao-tac/x", "12/mau/x", ".", "..", "./a", "a/..", "a//b", "/a", "a/", "x" * 61],
)
def test_codes_the_rule_refuses_are_not_of_the_form(code: str) -> None:
    line = ",".join(row(code)) + "\n"
    assert fast.rows_form(list(HEADER)).fullmatch(line.encode()) is None


def test_blocks_of_lines_are_counted_or_refused_whole() -> None:
    form = fast.rows_form(list(HEADER))
    good = "".join(",".join(row(f"B-{i}")) + "\r\n" for i in range(3)).encode()
    assert fast._check(form, good) == 3
    with pytest.raises(fast._NotFast):
        fast._check(form, good + b"\n")  # a blank line
    with pytest.raises(fast._NotFast):
        fast._check(form, good.replace(b"B-1", b'"B-1"'))  # a quote


@pytest.mark.parametrize(
    ("first", "plain"),
    [
        (",".join(HEADER) + "\n", True),
        ("\ufeff" + ",".join(reversed(HEADER)) + "\r\n", True),
        (",".join(HEADER), False),  # no line after it
        (", ".join(HEADER) + "\n", False),
        ('"code",' + ",".join(HEADER[1:]) + "\n", False),
        (",".join(HEADER[:-1]) + "\n", False),
        (",".join([*HEADER, "code"]) + "\n", False),
    ],
)
def test_only_a_plain_header_goes_the_fast_path(first: str, plain: bool) -> None:
    sha = hashlib.sha256()
    data = first.encode()
    if plain:
        cols, done = fast._header(io.BytesIO(data + b"more"), sha)
        assert sorted(cols) == sorted(HEADER) and done == len(data)
        assert sha.hexdigest() == hashlib.sha256(data).hexdigest()
    else:
        with pytest.raises(fast._NotFast):
            fast._header(io.BytesIO(data), sha)
