"""The ``motcua due`` / ``motcua elapsed`` commands, run as a newcomer runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.clidb import migrated_sqlite

# the commands run on a SQLite file of their own: once per CI (tests/conftest.py)
pytestmark = pytest.mark.once


def motcua(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    # the console script is its own process: give it its own SQLite file, not the test database
    env = {
        **os.environ,
        "MOTCUA_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    }
    return subprocess.run(
        [sys.executable, "-m", "motcua", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


def test_due_example(tmp_path: Path) -> None:
    r = motcua(tmp_path, "due", "--start", "2022-01-28T15:00:00+07:00", "--days", "3")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == '{"due": "2022-02-09T15:00:00+07:00"}'


def test_due_with_pause(tmp_path: Path) -> None:
    r = motcua(
        tmp_path,
        "due",
        "--start",
        "2022-06-01T08:00:00+07:00",
        "--days",
        "3",
        "--pause",
        "2022-06-02T15:00:00+07:00/2022-06-06T09:00:00+07:00",
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {"due": "2022-06-07T14:00:00+07:00"}


def test_elapsed_example(tmp_path: Path) -> None:
    r = motcua(
        tmp_path,
        "elapsed",
        "--start",
        "2022-01-28T07:00:00+07:00",
        "--end",
        "2022-01-28T17:00:00+07:00",
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == '{"working_minutes": 480}'


def test_due_batch_in_order(tmp_path: Path) -> None:
    lines = [
        {"start": "2022-01-28T15:00:00+07:00", "days": 3},
        {
            "start": "2022-06-01T08:00:00+07:00",
            "days": 3,
            "pauses": ["2022-06-02T15:00:00+07:00/2022-06-06T09:00:00+07:00"],
        },
        {"start": "2022-01-28T07:00:00+07:00", "days": 0.5, "pauses": []},
    ]
    r = motcua(tmp_path, "due", "--batch", stdin="".join(json.dumps(x) + "\n" for x in lines))
    assert r.returncode == 0, r.stderr
    assert [json.loads(x) for x in r.stdout.splitlines()] == [
        {"due": "2022-02-09T15:00:00+07:00"},
        {"due": "2022-06-07T14:00:00+07:00"},
        {"due": "2022-01-28T11:00:00+07:00"},
    ]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["due", "--start", "hôm qua", "--days", "3"], "bad_datetime"),
        (["due", "--start", "2022-01-28T15:00:00", "--days", "3"], "naive_datetime"),
        (["due", "--start", "2022-01-28T15:00:00+07:00", "--days", "0"], "bad_days"),
        (["due", "--start", "2022-01-28T15:00:00+07:00", "--days", "-2"], "bad_days"),
        (["due", "--start", "2022-01-28T15:00:00+07:00", "--days", "ba"], "bad_days"),
        (
            [
                "due",
                "--start",
                "2022-01-28T15:00:00+07:00",
                "--days",
                "1",
                "--pause",
                "2022-02-01T07:00:00+07:00/2022-01-31T07:00:00+07:00",
            ],
            "bad_pause",
        ),
        (["elapsed", "--start", "2022-01-28T15:00:00+07:00", "--end", "x"], "bad_datetime"),
        (
            [
                "elapsed",
                "--start",
                "2022-01-28T15:00:00+07:00",
                "--end",
                "2022-01-27T15:00:00+07:00",
            ],
            "bad_range",
        ),
    ],
)
def test_bad_input_exit_2_one_line(tmp_path: Path, args: list[str], code: str) -> None:
    r = motcua(tmp_path, *args)
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"lỗi [{code}]")


def test_batch_bad_line_writes_nothing(tmp_path: Path) -> None:
    stdin = (
        '{"start": "2022-01-28T15:00:00+07:00", "days": 3}\n'
        '{"start": "2022-01-28T15:00:00+07:00", "days": 0}\n'
    )
    r = motcua(tmp_path, "due", "--batch", stdin=stdin)
    assert r.returncode == 2
    assert r.stdout == ""
    assert "dòng 2" in r.stderr
    assert r.stderr.count("\n") == 1


def test_unknown_stored_calendar(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    migrated_sqlite(tmp_path_factory, tmp_path / "cli.sqlite3")  # `motcua migrate`, once a session
    r = motcua(
        tmp_path,
        "due",
        "--calendar",
        "khong-co",
        "--start",
        "2022-01-28T15:00:00+07:00",
        "--days",
        "1",
    )
    assert r.returncode == 2
    assert "unknown_calendar" in r.stderr
