"""Celery tasks: thin wrappers around the services, scheduled by ``CELERY_BEAT_SCHEDULE``."""

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
