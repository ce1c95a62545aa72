"""The base of every ``motcua`` command.

Django runs its system checks before a command unless the command says otherwise: they import
the whole URL configuration (every view, the REST framework, the API schema's generator) and
check every model and admin — about a second of CPU before a report, an import or a nightly
task does anything (measured: ``motcua report`` on an empty database 3.8–4.6 s with them, 2.0–2.1
s without, ``motcua help`` 1.9–2.0 s, on a busy machine). Our commands skip them; ``migrate``,
``runserver`` and ``check`` (``motcua check --deploy`` in deploy/README.md) still run them.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand


class MotcuaCommand(BaseCommand):
    requires_system_checks: list[str] = []
