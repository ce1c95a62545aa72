"""Every saved or deleted row of the shared reference data lands in the audit chain, whoever
changes it: a service, the Django admin, a shell. Memberships and roles (``units.Membership``,
users' staff flags, groups and permissions), the catalog, calendars, units and agencies, report
settings (targets, index criteria, appraisals) and API clients.

The row is recorded in the transaction of the change (the admin and the services run inside
one; a bare ``save()`` in autocommit mode gets its own right after). Bulk writes
(``bulk_create``, ``QuerySet.update``) send no signals: the services that use them record one
entry per batch themselves (catalog import, units load, legacy dossier import).

Who: the acting user of the current request (``AuditActorMiddleware``), else "hệ thống".
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpRequest, HttpResponse

from motcua.audit.services import audit_record

#: app label → model names (None = every model of the app)
AUDITED: dict[str, tuple[str, ...] | None] = {
    "units": None,
    "catalog": None,
    "worktime": None,
    "reports": ("Target", "IndexCriterion", "Appraisal"),
    "api": ("ApiClient",),
    "auth": ("User", "Group"),
}
#: fields never copied into the trail (derived, or secrets: a password hash is shown as changed)
SKIP_FIELDS = {"search_text"}
SECRET_FIELDS = {"password", "token_hash"}
#: a change of only these fields is not worth an entry (every login moves last_login)
NOISE_FIELDS = {"last_login"}

_actor: contextvars.ContextVar[Any] = contextvars.ContextVar("motcua_audit_actor", default=None)
_muted: contextvars.ContextVar[bool] = contextvars.ContextVar("motcua_audit_muted", default=False)


class AuditActorMiddleware:
    """Remembers the request's user for the entries the signals write during the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _actor.set(request)
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)


@contextmanager
def audit_muted() -> Iterator[None]:
    """For a service that records one entry for a whole batch of row saves itself."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def _current_actor() -> Any:
    request = _actor.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict | list | str | int | float | bool) or value is None:
        return value
    return str(value)


def snapshot(instance: models.Model) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if f.name in SKIP_FIELDS:
            continue
        value = getattr(instance, f.attname)
        if f.name in SECRET_FIELDS:
            value = "***" if value else ""
        out[f.attname] = _value(value)
    return out


def _secret_digest(instance: models.Model) -> dict[str, Any]:
    return {f: getattr(instance, f, None) for f in SECRET_FIELDS if hasattr(instance, f)}


def _type(sender: type[models.Model]) -> str:
    return f"{sender._meta.app_label}.{sender.__name__}"


def _record(action: str, sender: type[models.Model], pk: Any, before: Any, after: Any) -> None:
    def write() -> None:
        audit_record(
            actor=_current_actor(),
            action=action,
            object_type=_type(sender),
            object_id=pk,
            before=before,
            after=after,
        )

    if transaction.get_connection().in_atomic_block:
        write()
    else:
        with transaction.atomic():
            write()


def _pre_save(sender: type[models.Model], instance: models.Model, raw: bool, **kw: Any) -> None:
    if raw or _muted.get() or instance._state.adding or instance.pk is None:
        return
    old = sender._base_manager.filter(pk=instance.pk).first()
    if old is not None:
        instance._audit_before = snapshot(old)  # type: ignore[attr-defined]
        instance._audit_secrets = _secret_digest(old)  # type: ignore[attr-defined]


def _post_save(
    sender: type[models.Model], instance: models.Model, created: bool, raw: bool, **kw: Any
) -> None:
    if raw or _muted.get():
        return
    after = snapshot(instance)
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        _record(f"{_type(sender).lower()}.create", sender, instance.pk, None, after)
        return
    secrets_before = getattr(instance, "_audit_secrets", {})
    changed = {k for k in after if before.get(k) != after[k]}
    changed |= {f for f, v in _secret_digest(instance).items() if secrets_before.get(f) != v and v}
    instance._audit_before = after  # type: ignore[attr-defined]
    instance._audit_secrets = _secret_digest(instance)  # type: ignore[attr-defined]
    if not changed or changed <= NOISE_FIELDS:
        return
    _record(
        f"{_type(sender).lower()}.change",
        sender,
        instance.pk,
        {k: before.get(k) for k in sorted(changed)},
        {k: after.get(k, "***") for k in sorted(changed)},
    )


def _post_delete(sender: type[models.Model], instance: models.Model, **kw: Any) -> None:
    if _muted.get():
        return
    _record(f"{_type(sender).lower()}.delete", sender, instance.pk, snapshot(instance), None)


def _m2m(
    sender: Any,
    instance: models.Model,
    action: str,
    reverse: bool,
    model: type[models.Model],
    pk_set: set[Any] | None,
    **kw: Any,
) -> None:
    if _muted.get() or action not in ("post_add", "post_remove", "post_clear"):
        return
    field = sender._meta.db_table
    _record(
        f"{_type(type(instance)).lower()}.{action.removeprefix('post_')}",
        type(instance),
        instance.pk,
        None,
        {"relation": field, "related": _type(model), "ids": sorted(pk_set or [])},
    )


def audited_models() -> list[type[models.Model]]:
    out = []
    for label, names in AUDITED.items():
        try:
            config = apps.get_app_config(label)
        except LookupError:  # pragma: no cover - every audited app is installed
            continue
        out.extend(m for m in config.get_models() if names is None or m.__name__ in names)
    return out


def connect() -> None:
    for model in audited_models():
        uid = f"motcua-audit-{_type(model)}"
        pre_save.connect(_pre_save, sender=model, dispatch_uid=uid + "-pre")
        post_save.connect(_post_save, sender=model, dispatch_uid=uid + "-post")
        post_delete.connect(_post_delete, sender=model, dispatch_uid=uid + "-del")
        for field in model._meta.many_to_many:
            through = field.remote_field.through  # type: ignore[union-attr]
            m2m_changed.connect(_m2m, sender=through, dispatch_uid=f"{uid}-{field.name}")
