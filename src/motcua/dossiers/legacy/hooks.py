"""The one hook point of the legacy import, for what must stay in step with the dossiers.

``after_import`` runs once per import, after the rows have moved into the dossier table and in
the same transaction (a failure here rolls the whole import back). The staging table is still
there: one row per imported dossier with ``code`` (join the dossier table on it for the ids),
``received_at``, ``finished_at``, ``status``, ``level``, ``agency`` and ``proc`` (codes),
``working_seconds`` — enough to update pre-aggregated statistics in one INSERT … SELECT … GROUP
BY without reading the rows into Python.
"""

from __future__ import annotations


def after_import(*, stage_table: str, rows: int) -> None:
    """Nothing to keep in step yet (daily statistics, issue 10, will be maintained here)."""
    return None
