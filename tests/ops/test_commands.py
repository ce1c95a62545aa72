"""The operators' commands of motcua.ops: one JSON line on success, one Vietnamese line and exit
2 on a refusal."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from motcua.dossiers.models import Outbox
from motcua.ops.services import TOPIC
from tests.dossiers.conftest import World, at
from tests.ops.test_warnings import receive


def run(name: str, *args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command(name, *args, stdout=out)
    return dict(json.loads(out.getvalue()))


def test_morning_warnings_command(world: World, time_machine: Any) -> None:
    receive(world)
    time_machine.move_to(at("2022-06-08 06:30"), tick=False)
    assert run("morning_warnings") == {"warned": 2, "items": 3}
    assert run("morning_warnings") == {"warned": 0, "items": 0}  # once a day
    assert Outbox.objects.filter(topic=TOPIC).count() == 2


@pytest.mark.django_db(transaction=True)  # a backup is taken outside any transaction
def test_backup_command_writes_a_manifest_and_refuses_a_used_folder(
    tmp_path: Path, capsys: Any
) -> None:
    manifest = run("backup", "--to", str(tmp_path / "b"))
    assert manifest["engine"] in ("sqlite", "postgresql") and manifest["dossiers"] == 0
    assert (tmp_path / "b" / "manifest.json").is_file()
    with pytest.raises(SystemExit) as exit_:
        call_command("backup", "--to", str(tmp_path / "b"))
    assert exit_.value.code == 2
    assert "lỗi [backup_failed]: Thư mục" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_restore_command_refuses_a_populated_database(tmp_path: Path, capsys: Any) -> None:
    run("backup", "--to", str(tmp_path / "b"))
    with pytest.raises(SystemExit) as exit_:
        call_command("restore", "--from", str(tmp_path / "b"))
    assert exit_.value.code == 2
    assert "chỉ khôi phục vào cơ sở dữ liệu mới" in capsys.readouterr().err


@pytest.mark.django_db
def test_backup_inside_a_transaction_is_refused_not_hung(tmp_path: Path) -> None:
    from motcua.ops.backup import BackupError, backup

    with pytest.raises(BackupError, match="giao dịch"):
        backup(to=tmp_path / "b")  # the test runs inside a transaction
