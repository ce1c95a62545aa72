"""Celery against the real Redis on 127.0.0.1:6379 (database 8 here; CI's too): a task put on
the queue is taken and run by a real worker, and the beat schedule names real tasks."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from celery.result import EagerResult
from celery.schedules import crontab
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from motcua.config.celery import app
from motcua.dossiers.models import Outbox
from motcua.ops import tasks
from tests.tools import on_ci

REDIS_URL = os.environ.get("MOTCUA_TEST_REDIS_URL", "redis://127.0.0.1:6379/8")


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if on_ci():
            pytest.fail(f"Redis is needed on CI: {exc}")
        pytest.skip(f"no Redis at {REDIS_URL}: {exc}")


def _forget_connections() -> None:
    """Drop the broker pool and the result backend the app made for its previous settings."""
    app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


def _start(stack: contextlib.ExitStack) -> None:
    """The worker thread, started once more if its start met a dictionary another thread was
    changing: seen once in the whole suite under coverage (``RuntimeError: dictionary changed
    size during iteration`` at the very entry of ``start_worker``, no frame of Celery's in the
    traceback: raised by the tracer on the generator's first step), never alone."""
    worker = dict(pool="solo", perform_ping_check=False, shutdown_timeout=10)
    try:
        stack.enter_context(start_worker(app, **worker))
    except RuntimeError as exc:
        if "changed size during iteration" not in str(exc):
            raise
        stack.enter_context(start_worker(app, **worker))


@pytest.fixture
def redis_app() -> Iterator[Any]:
    """The project's Celery app pointed at Redis, not eager, with a worker thread."""
    _redis_or_skip()
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    keys = ("broker_url", "result_backend", "task_always_eager", "task_ignore_result")
    saved = {k: app.conf[k] for k in keys}
    app.conf.update(
        broker_url=REDIS_URL,
        result_backend=REDIS_URL,
        task_always_eager=False,
        task_ignore_result=False,
    )
    _forget_connections()
    try:
        with contextlib.ExitStack() as stack:
            _start(stack)
            yield app
    finally:
        app.conf.update(saved)
        _forget_connections()
        redis.Redis.from_url(REDIS_URL).flushdb()


@pytest.mark.django_db(transaction=True)
def test_a_queued_task_is_run_by_a_worker(redis_app: Any) -> None:
    # an orphan file (no document refers to it), old enough to be swept
    name = default_storage.save("dossiers/2022/01/orphan.pdf", ContentFile(b"%PDF-1.4 x"))
    old = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)).timestamp()
    os.utime(default_storage.path(name), (old, old))
    kept = default_storage.save("dossiers/2022/01/fresh.pdf", ContentFile(b"%PDF-1.4 y"))
    result = tasks.sweep_files.delay()
    assert not isinstance(result, EagerResult)  # queued in Redis, run by the worker thread
    assert result.get(timeout=30) == {"removed": 1, "kept": 1}
    assert not default_storage.exists(name) and default_storage.exists(kept)


@pytest.mark.django_db(transaction=True)
def test_outbox_delivery_through_the_queue(redis_app: Any) -> None:
    Outbox.objects.create(
        topic="staff.warning",
        created_at=dt.datetime.now(dt.UTC),
        payload={"date": "2022-06-08", "user_id": 1, "to_email": "", "name": "X", "items": []},
    )
    result = tasks.deliver_outbox.delay()
    assert result.get(timeout=30) == {
        "motcua.integrations.services.outbox_deliver": {"sent": 0, "skipped": 1, "failed": 0},
        # the national portal's deliverer: nothing to do while MOTCUA_PORTAL_URL is not set
        "motcua.integrations.portal.portal_sync_if_configured": None,
    }
    row = Outbox.objects.get()
    assert row.delivered_at is not None and row.last_error == "người nhận không có e-mail"


def test_the_beat_schedule_names_registered_tasks_and_sane_times() -> None:
    schedule = app.conf.beat_schedule  # built from the settings' MOTCUA_BEAT
    registered = set(app.tasks)
    assert {entry["task"] for entry in schedule.values()} <= registered
    assert {
        "motcua.deliver_outbox",
        "motcua.morning_warnings",
        "motcua.sweep_files",
        "motcua.audit_verify",
    } <= {e["task"] for e in schedule.values()}
    assert schedule["deliver-outbox"]["schedule"] <= 300  # notifications within minutes
    morning = schedule["morning-warnings"]["schedule"]
    assert isinstance(morning, crontab)
    assert (
        morning.hour == {6} and 0 not in morning.day_of_week
    )  # before the office opens, not Sunday
    assert django_settings.CELERY_TIMEZONE == "Asia/Ho_Chi_Minh"


def test_the_demo_needs_no_broker() -> None:
    """No CELERY_BROKER_URL (the default): eager, in-memory transport, nothing to connect to."""
    if os.environ.get("CELERY_BROKER_URL"):
        pytest.skip("CELERY_BROKER_URL is set in this environment")
    assert app.conf.task_always_eager is True
    assert app.conf.broker_url == "memory://"


def test_deliverers_are_named_in_settings(settings: Any) -> None:
    settings.MOTCUA_OUTBOX_DELIVERERS = ["motcua.nowhere.deliver"]
    with pytest.raises(ImportError):
        tasks.deliver_outbox.apply().get()
