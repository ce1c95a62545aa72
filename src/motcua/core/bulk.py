"""Writing many rows of one model at once, without the ORM's per-row expression building."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections, router
from django.db.models import Model


def update_each(model: type[Model], rows: Sequence[Model], fields: Sequence[str]) -> int:
    """Write ``fields`` of each of ``rows`` (saved instances of ``model``): one prepared
    ``UPDATE … WHERE pk = %s`` run for every row (``executemany``), each value prepared by its
    own field as ``save`` prepares it. What ``bulk_update`` does, without the ``CASE WHEN pk =
    … THEN …`` it builds in Python for every row and field (35 ms for 27 rows of four fields,
    most of the reform index's save). Sends no signal, like ``bulk_update``; the caller audits."""
    if not rows:
        return 0
    meta = model._meta
    conn = connections[router.db_for_write(model)]
    qn = conn.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    assignments = ", ".join(f"{qn(f.column)} = %s" for f in columns)  # type: ignore[union-attr]
    sql = f"UPDATE {qn(meta.db_table)} SET {assignments} WHERE {qn(meta.pk.column)} = %s"  # noqa: S608
    params: list[list[Any]] = [
        [f.get_db_prep_save(getattr(row, f.attname), conn) for f in columns]  # type: ignore[union-attr]
        + [row.pk]
        for row in rows
    ]
    with conn.cursor() as cur:
        cur.executemany(sql, params)
    return len(rows)
