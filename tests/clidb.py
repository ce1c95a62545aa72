"""A migrated SQLite file for the tests that run the ``motcua`` console script on a database of
its own (``migrate`` on a fresh file takes 14 s of CPU, 35–40 s under coverage on a busy CI
machine, and three test modules each ran it).

``migrated_sqlite(dest)`` copies a file on which ``motcua migrate`` ran. The file is built once
per test session and shared by the xdist workers (the first to ask builds it under a lock, the
others wait and copy), keyed by the migrations and the installed Django, so a new migration
builds a new one. It is built by the real command in its own process, without coverage: the
migrations' own lines are not measured (``omit`` in pyproject.toml) and the test database of
every worker runs the same migrations in-process."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import django
import pytest

import motcua

SRC = Path(motcua.__file__).resolve().parent


def _key() -> str:
    digest = hashlib.sha256(django.__version__.encode())
    for path in sorted(SRC.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(SRC)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _shared_dir(factory: pytest.TempPathFactory) -> Path:
    base = factory.getbasetemp()
    # under xdist each worker's base is <session>/popen-gwN: the session's folder is shared
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _build(target: Path) -> None:
    var = target.parent / "var"
    var.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
    env.update(MOTCUA_VAR_DIR=str(var), DATABASE_URL=f"sqlite:///{target}.part")
    subprocess.run(
        [sys.executable, "-m", "motcua", "migrate", "-v0"],
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )
    os.replace(f"{target}.part", target)


def migrated_sqlite(factory: pytest.TempPathFactory, dest: Path) -> Path:
    """Copy the session's migrated SQLite file to ``dest`` (built on first use) and return it."""
    folder = _shared_dir(factory) / f"migrated-{_key()}"
    folder.mkdir(exist_ok=True)
    template = folder / "motcua.sqlite3"
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not template.exists():
                _build(template)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, dest)
    return dest
