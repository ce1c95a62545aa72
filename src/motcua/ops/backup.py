"""Backup and restore of an installation: the database and the stored files.

A backup folder holds ``manifest.json`` (when, which engine, how many dossiers, documents and
files), the database (PostgreSQL: ``database.dump``, ``pg_dump -Fc``; SQLite:
``database.sqlite3``, a consistent copy through SQLite's backup API) and ``media/``: every file of
the default storage (a local folder or an S3 bucket), copied chunk by chunk.

``restore`` loads such a folder into a FRESH database (one with no table yet: restoring over a
live database is refused) and puts the files back into the configured storage, then checks the
counts against the manifest.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connections
from django.utils import timezone

from motcua.core.errors import DomainError

FORMAT = 1
ROOTS = ("dossiers",)  # the storage folders the application writes (Document.file upload_to)


class BackupError(DomainError):
    code = "backup_failed"


def _pg_env(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["-h", str(db.get("HOST") or "127.0.0.1"), "-p", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(
            f"Không tìm thấy chương trình {cmd[0]} (cần gói postgresql-client)"
        ) from None
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or ["?"])[-1]
        raise BackupError(f"{Path(cmd[0]).name} lỗi: {first}")


def _storage_files(folder: str = "") -> Iterator[str]:
    stack = [f for f in ROOTS] if not folder else [folder]
    while stack:
        current = stack.pop()
        try:
            dirs, files = default_storage.listdir(current)
        except FileNotFoundError:
            continue
        stack.extend(f"{current}/{d}" for d in dirs)
        yield from (f"{current}/{name}" for name in files)


def _counts(alias: str = "default") -> dict[str, int]:
    from motcua.dossiers.models import Document, Dossier

    return {
        "dossiers": Dossier.objects.using(alias).count(),
        "documents": Document.objects.using(alias).count(),
    }


def backup(*, to: Path) -> dict[str, Any]:
    """Write a backup into ``to`` (created; it must be empty). Says what it wrote."""
    to = Path(to)
    if to.exists() and any(to.iterdir()):
        raise BackupError(f"Thư mục {to} đã có dữ liệu; hãy chọn thư mục trống")
    to.mkdir(parents=True, exist_ok=True)
    conn = connections["default"]
    if conn.in_atomic_block:
        # SQLite's backup API waits for the open transaction to end: it would never return
        raise BackupError("Không sao lưu được bên trong một giao dịch đang mở")
    db = conn.settings_dict
    counts = _counts()
    if conn.vendor == "postgresql":
        args, env = _pg_env(db)
        _run(
            [
                "pg_dump",
                *args,
                "-Fc",
                "--no-owner",
                "--no-privileges",
                "-f",
                str(to / "database.dump"),
                str(db["NAME"]),
            ],
            env,
        )
        engine = "postgresql"
    elif conn.vendor == "sqlite":
        conn.ensure_connection()
        target = sqlite3.connect(to / "database.sqlite3")
        try:
            conn.connection.backup(target)  # consistent, even while others write (WAL)
        finally:
            target.close()
        engine = "sqlite"
    else:  # pragma: no cover - the project runs on these two
        raise BackupError(f"Không hỗ trợ sao lưu cơ sở dữ liệu {conn.vendor}")
    media = to / "media"
    files = size = 0
    for name in _storage_files():
        dest = media / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as src, dest.open("wb") as out:
            shutil.copyfileobj(src, out, 1024 * 1024)
        files += 1
        size += dest.stat().st_size
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "engine": engine,
        **counts,
        "files": files,
        "bytes": size,
    }
    (to / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def _fresh(alias: str = "default") -> bool:
    return not connections[alias].introspection.table_names()


def restore(*, source: Path) -> dict[str, Any]:
    """Load the backup in ``source`` into the configured (fresh) database and storage."""
    source = Path(source)
    try:
        manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BackupError(f"{source} không phải thư mục sao lưu (thiếu manifest.json)") from None
    if manifest.get("format") != FORMAT:
        raise BackupError("Bản sao lưu có định dạng khác phiên bản này")
    conn = connections["default"]
    if manifest["engine"] != conn.vendor:
        raise BackupError(
            f"Bản sao lưu của {manifest['engine']} không khôi phục được vào {conn.vendor}"
        )
    if conn.in_atomic_block:
        raise BackupError("Không khôi phục được bên trong một giao dịch đang mở")
    if not _fresh():
        raise BackupError(
            "Cơ sở dữ liệu đích đã có bảng: chỉ khôi phục vào cơ sở dữ liệu mới, trống"
        )
    db = conn.settings_dict
    if conn.vendor == "postgresql":
        args, env = _pg_env(db)
        conn.close()
        _run(
            [
                "pg_restore",
                *args,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "-d",
                str(db["NAME"]),
                str(source / "database.dump"),
            ],
            env,
        )
    else:
        conn.ensure_connection()
        src = sqlite3.connect(source / "database.sqlite3")
        try:
            src.backup(conn.connection)
        finally:
            src.close()
    conn.close()
    media = source / "media"
    files = 0
    if media.is_dir():
        for path in sorted(p for p in media.rglob("*") if p.is_file()):
            name = path.relative_to(media).as_posix()
            if default_storage.exists(name):
                default_storage.delete(name)
            with path.open("rb") as fh:
                saved = default_storage.save(name, File(fh, name=path.name))
            if saved != name:
                raise BackupError(f"Tệp {name} được lưu với tên khác ({saved})")
            files += 1
    counts = _counts()
    if (counts["dossiers"], counts["documents"], files) != (
        manifest["dossiers"],
        manifest["documents"],
        manifest["files"],
    ):
        raise BackupError(
            f"Khôi phục không khớp: {counts} và {files} tệp, bản sao lưu ghi {manifest}"
        )
    return {**counts, "files": files}
