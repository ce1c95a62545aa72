"""The one hook point of the legacy import, for what must stay in step with the dossiers.

``after_import`` runs once per import, after the rows have moved into the dossier table and in
the same transaction (a failure here rolls the whole import back). The staging table is still
there: one row per imported dossier with ``code`` (join the dossier table on it for the ids),
``received_at``, ``finished_at``, ``status``, ``level``, ``agency`` and ``proc`` (codes),
``working_seconds`` — enough to update pre-aggregated statistics in one INSERT … SELECT …
GROUP BY without reading the rows into Python.
"""

from __future__ import annotations


def after_import(*, stage_table: str, rows: int) -> None:
    """The statistics' daily counts (reports.aggregates), when they are kept: rebuilt in the
    import's transaction, so a report never reads counts without the imported dossiers."""
    from motcua.reports.aggregates import aggregates_after_bulk_write

    aggregates_after_bulk_write()
