"""Celery tasks: thin wrappers around the services, scheduled by Celery beat
(``MOTCUA_BEAT`` in the settings, built into the schedule by ``motcua.config.celery``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from motcua.config.celery import app


@app.task(name="motcua.deliver_outbox")
def deliver_outbox() -> dict[str, Any]:
    """Every deliverer named in ``MOTCUA_OUTBOX_DELIVERERS`` (e-mail by default; the national
    portal's adapter is added there by dotted path, so this module knows none of them)."""
    return {path: import_string(path)() for path in settings.MOTCUA_OUTBOX_DELIVERERS}


@app.task(name="motcua.morning_warnings")
def morning_warnings() -> dict[str, int]:
    from motcua.ops.services import morning_warnings as run

    return run()


@app.task(name="motcua.sweep_files")
def sweep_files() -> dict[str, int]:
    from motcua.dossiers.services import files_sweep

    return files_sweep()


@app.task(name="motcua.audit_verify")
def audit_verify() -> dict[str, Any]:
    """The daily check of the audit trail: a broken trail is logged at ERROR (the operators'
    alerting watches the log) and the task fails, so the worker's monitoring shows it too."""
    import logging

    from motcua.audit.services import audit_verify as verify

    verdict = verify()
    if not verdict.ok:
        logging.getLogger("motcua.audit").error(verdict.line())
        raise RuntimeError(verdict.line())
    return {"ok": True, "checked": verdict.checked}


@app.task(name="motcua.postal_poll")
def postal_poll() -> dict[str, int]:
    from motcua.postal.services import shipments_poll

    return shipments_poll()
