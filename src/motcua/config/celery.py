"""The Celery application: background work (outbox delivery, morning warnings, file sweeping).

Production: ``CELERY_BROKER_URL=redis://127.0.0.1:6379/0``, a worker
(``celery -A motcua.config.celery worker``) and one beat (``celery -A motcua.config.celery
beat``), see ``deploy/``. Without a broker (``./dev demo``, SQLite) tasks run eagerly, in the
caller's process, and the same work is done by the ``motcua`` commands (``deliver-outbox``,
``morning-warnings``, ``sweep-files``): nothing needs Redis to try the demo.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.settings")

app = Celery("motcua")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["motcua.ops"])
