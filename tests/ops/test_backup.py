"""The restore drill: back up a province (database and files), restore it into a fresh
database and folder, and find the same dossiers, documents, files and report figures. Runs on
the database the suite runs on (SQLite, and PostgreSQL on CI's second pass)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from motcua.dossiers.files import check_upload
from motcua.dossiers.models import Document, Dossier
from motcua.dossiers.services import dossier_receive
from motcua.ops.backup import BackupError, backup, restore
from tests.dossiers.conftest import World, at
from tests.dossiers.test_documents import pdf_bytes

BIN = Path(sys.executable).parent
PERIOD = ("--from", "2022-06-01", "--to", "2022-06-30")


def province(w: World) -> list[Dossier]:
    out = []
    for i, day in enumerate(("2022-06-01 09:00", "2022-06-02 10:00", "2022-06-03 14:00")):
        scans = [("Đơn", check_upload(f"don-{i}.pdf", pdf_bytes(i + 1)))] if i < 2 else []
        out.append(
            dossier_receive(
                actor=w.users["counter"],
                desk=w.center,
                intake=w.intake(scans=scans),
                now=at(day),
            )
        )
    return out


def report_here(capsys: Any) -> dict[str, Any]:
    capsys.readouterr()
    call_command("report", *PERIOD)  # writes the JSON to sys.stdout
    return dict(json.loads(capsys.readouterr().out))


def motcua(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "motcua"), *args], env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture
def target(tmp_path: Path) -> Any:
    """A fresh database and media folder for the restore, as environment variables."""
    env = {k: v for k, v in os.environ.items() if k != "MOTCUA_S3_BUCKET"}
    env["MOTCUA_VAR_DIR"] = str(tmp_path / "var")
    env["MEDIA_ROOT"] = str(tmp_path / "restored-media")
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        name = f"{s['NAME']}_restore"
        with connection.cursor() as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}"')
            c.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = (
            f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"
        )
        yield env
        with connection.cursor() as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        yield env


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_restore_drill(world: World, tmp_path: Path, target: dict[str, str], capsys: Any) -> None:
    province(world)
    before = report_here(capsys)
    total = before["levels"]["total"]
    assert (total["received"], total["digitized"], total["in_progress"]) == (3, 2, 3)
    manifest = backup(to=tmp_path / "sao-luu")
    assert (manifest["dossiers"], manifest["documents"], manifest["files"]) == (3, 2, 2)
    assert manifest["engine"] == connection.vendor
    stored = {d.file.name for d in Document.objects.all()}
    assert {
        p.relative_to(tmp_path / "sao-luu" / "media").as_posix()
        for p in (tmp_path / "sao-luu" / "media").rglob("*")
        if p.is_file()
    } == stored

    done = motcua(target, "restore", "--from", str(tmp_path / "sao-luu"))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"dossiers": 3, "documents": 2, "files": 2}
    # the same files, byte for byte, in the new folder
    for name in stored:
        original = Document.objects.get(file=name)
        copy = Path(target["MEDIA_ROOT"]) / name
        assert copy.read_bytes() == original.file.open("rb").read()
    # the same report figures, computed by the restored installation
    after = motcua(target, "report", *PERIOD)
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout) == before
    # a second restore into the now populated database is refused, nothing changed
    again = motcua(target, "restore", "--from", str(tmp_path / "sao-luu"))
    assert again.returncode == 2 and "lỗi [backup_failed]" in again.stderr
    assert "chỉ khôi phục vào cơ sở dữ liệu mới" in again.stderr


@pytest.mark.django_db
def test_backup_refuses_a_folder_with_data_and_restore_a_folder_without_manifest(
    tmp_path: Path,
) -> None:
    (tmp_path / "co-du-lieu").mkdir()
    (tmp_path / "co-du-lieu" / "x.txt").write_text("x")
    with pytest.raises(BackupError, match="đã có dữ liệu"):
        backup(to=tmp_path / "co-du-lieu")
    with pytest.raises(BackupError, match=r"thiếu manifest\.json"):
        restore(source=tmp_path / "khong-co")
    (tmp_path / "hong").mkdir()
    (tmp_path / "hong" / "manifest.json").write_text("{không phải json")
    with pytest.raises(BackupError, match=r"thiếu manifest\.json"):
        restore(source=tmp_path / "hong")
    (tmp_path / "khac").mkdir()
    (tmp_path / "khac" / "manifest.json").write_text(
        json.dumps({"format": 1, "engine": "oracle", "dossiers": 0, "documents": 0, "files": 0})
    )
    with pytest.raises(BackupError, match="không khôi phục được"):
        restore(source=tmp_path / "khac")
