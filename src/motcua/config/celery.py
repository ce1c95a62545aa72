"""The Celery application: background work (outbox delivery, morning warnings, file sweeping).

Production: ``CELERY_BROKER_URL=redis://127.0.0.1:6379/0``, a worker
(``celery -A motcua.config.celery worker``) and one beat (``celery -A motcua.config.celery
beat``), see ``deploy/``. Without a broker (``./dev demo``, SQLite) tasks run eagerly, in the
caller's process, and the same work is done by the ``motcua`` commands (``deliver-outbox``,
``morning-warnings``, ``sweep-files``): nothing needs Redis to try the demo.
"""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.settings")


def beat_schedule(entries: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Celery beat's schedule from the settings' ``MOTCUA_BEAT`` (plain data there, so that
    the settings need not import Celery)."""
    schedule: dict[str, dict[str, Any]] = {}
    for name, entry in entries.items():
        every = entry.get("every")
        when = crontab(**entry["cron"]) if every is None else float(every)
        schedule[name] = {"task": entry["task"], "schedule": when}
    return schedule


app = Celery("motcua")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["motcua.ops"])


@app.on_after_configure.connect
def _schedule_beat(sender: Celery, **kwargs: Any) -> None:
    from django.conf import settings

    sender.conf.beat_schedule = beat_schedule(settings.MOTCUA_BEAT)
