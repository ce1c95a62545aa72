"""The ``motcua`` console script as an operator meets it: from any folder, on a fresh database,
with a bad ``-o``. One clear line and exit 2, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

import motcua
from motcua.config import settings as motcua_settings
from tests.clidb import migrated_sqlite

SCRIPT = Path(sys.executable).parent / "motcua"
REPO_VAR = Path(motcua.__file__).resolve().parent.parent.parent / "var"
NOT_MIGRATED = "Cơ sở dữ liệu chưa được khởi tạo"


def motcua_in(cwd: Path, *args: str, var: Path | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MOTCUA_VAR_DIR")}
    if var is not None:
        env["MOTCUA_VAR_DIR"] = str(var)
    return subprocess.run(
        [str(SCRIPT), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=180,
    )


PRINT_DB = "from django.conf import settings; print(settings.DATABASES['default']['NAME'])"


@pytest.mark.once  # a SQLite file of its own (tests/conftest.py)
def test_default_database_is_the_installations_var_not_the_current_folder(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    ra = motcua_in(a, "shell", "-c", PRINT_DB, var=None)
    rb = motcua_in(b, "shell", "-c", PRINT_DB, var=None)
    assert ra.returncode == 0 and rb.returncode == 0, ra.stderr + rb.stderr
    last = [r.stdout.strip().splitlines()[-1] for r in (ra, rb)]
    assert last == [str(REPO_VAR / "motcua.sqlite3")] * 2
    assert not (a / "var").exists() and not (b / "var").exists()


@pytest.mark.once  # a SQLite file of its own (tests/conftest.py)
def test_explicit_var_dir_is_used_from_every_folder(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    var, elsewhere = tmp_path / "data", tmp_path / "elsewhere"
    elsewhere.mkdir()
    # the database `motcua migrate` makes (built once a session: tests/clidb.py), in the var dir
    migrated_sqlite(tmp_path_factory, var / "motcua.sqlite3")
    r = motcua_in(tmp_path, "migrate", "--noinput", var=var)
    assert r.returncode == 0, r.stderr
    assert "No migrations to apply" in r.stdout  # this folder's command found that database
    # run from another folder: the same (migrated) database answers
    r = motcua_in(elsewhere, "evaluate", "--from", "2022-01-01", "--to", "2022-01-31", var=var)
    assert r.returncode == 0, r.stderr
    assert NOT_MIGRATED not in r.stderr
    assert not (elsewhere / "var").exists()


@pytest.mark.once  # a SQLite file of its own (tests/conftest.py)
def test_non_editable_install_falls_back_to_the_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installed = tmp_path / "lib" / "python3.11" / "site-packages" / "motcua"
    installed.mkdir(parents=True)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert motcua_settings.default_var_dir(installed) == tmp_path / "xdg" / "motcua"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    expected = tmp_path / "home" / ".local" / "share" / "motcua"
    assert motcua_settings.default_var_dir(installed) == expected
    checkout = Path(motcua.__file__).resolve().parent
    assert motcua_settings.default_var_dir(checkout) == REPO_VAR


@pytest.mark.once  # a SQLite file of its own (tests/conftest.py)
@pytest.mark.parametrize(
    "args",
    [
        ("report", "--from", "2022-01-01", "--to", "2022-01-31"),
        ("evaluate", "--from", "2022-01-01", "--to", "2022-01-31"),
        ("export-catalog",),
        ("deliver-outbox",),
    ],
)
def test_unmigrated_database_says_run_migrate(tmp_path: Path, args: tuple[str, ...]) -> None:
    r = motcua_in(tmp_path, *args, var=tmp_path / "fresh")
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert NOT_MIGRATED in r.stderr and "motcua migrate" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.once  # a SQLite file of its own (tests/conftest.py)
def test_unmigrated_database_on_import(tmp_path: Path) -> None:
    f = tmp_path / "ho-so.csv"
    header = "code,procedure_code,agency_code,level,channel,received_at,due_at,status,"
    header += "finished_at,digitized,electronic_result,online_payment_vnd"
    line = "A-1,1.000001,000.00.03.H10,province,online,2022-03-01T09:00:00+07:00,"
    line += "2022-03-04T09:00:00+07:00,processing,,1,0,0"
    f.write_text(f"{header}\n{line}\n", encoding="utf-8")
    r = motcua_in(tmp_path, "import-dossiers", str(f), var=tmp_path / "fresh")
    assert r.returncode == 2 and NOT_MIGRATED in r.stderr and "Traceback" not in r.stderr


# --- -o: checked before the work, one line and exit 2 ------------------------------------------


def run(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        call_command(*args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, capsys.readouterr().err


REPORT = ("report", "--from", "2022-01-01", "--to", "2022-01-31")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "command",
    [
        (*REPORT, "-o"),
        (*REPORT, "--format", "xlsx", "-o"),
        ("export_catalog", "-o"),
    ],
)
def test_output_into_a_missing_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    name = "out.xlsx" if "export_catalog" in command or "xlsx" in command else "out.json"
    target = tmp_path / "khong-co" / name
    code, err = run(*command, str(target), capsys=capsys)
    assert code == 2
    assert err.startswith("lỗi [output_dir]: ") and str(tmp_path / "khong-co") in err
    assert len(err.strip().splitlines()) == 1
    assert not target.parent.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("command", [REPORT, ("export_catalog",)])
def test_output_that_is_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    folder = tmp_path / "thu-muc.csv"
    folder.mkdir()
    code, err = run(*command, "-o", str(folder), capsys=capsys)
    assert code == 2 and err.startswith("lỗi [output_is_dir]: ")


@pytest.mark.django_db
def test_output_under_a_file_not_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "tep").write_text("x")
    code, err = run(*REPORT, "-o", str(tmp_path / "tep" / "r.json"), capsys=capsys)
    assert code == 2 and err.startswith("lỗi [output_dir]: ")


@pytest.mark.django_db
@pytest.mark.parametrize("command", [REPORT, ("export_catalog",)])
def test_output_not_writable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    if os.geteuid() == 0:  # chmod does not stop root; sysfs refuses new files even to root
        target = "/sys/bao-cao.csv"
    else:
        locked = tmp_path / "khoa"
        locked.mkdir(mode=0o500)
        target = str(locked / "bao-cao.csv")
    code, err = run(*command, "-o", target, capsys=capsys)
    assert code == 2 and err.startswith("lỗi [output_not_writable]: "), err


@pytest.mark.django_db
def test_output_written_when_the_folder_exists(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run(*REPORT, "-o", str(tmp_path / "r.json"), capsys=capsys)
    assert code == 0, err
    assert (tmp_path / "r.json").read_text(encoding="utf-8").startswith("{")


# every module of the package imported with psycopg out of reach, as on the README's fresh
# install (`./dev demo` installs the base dependencies only; psycopg is the `postgres` extra's)
IMPORT_ALL_WITHOUT_PSYCOPG = """
import importlib, os, pkgutil, sys

class NoPsycopg:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("psycopg", "psycopg_binary"):
            raise ModuleNotFoundError(f"No module named {name!r}")

sys.meta_path.insert(0, NoPsycopg())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.settings")
import django

django.setup()
import motcua

bad = []
for m in pkgutil.walk_packages(motcua.__path__, "motcua."):
    if ".migrations." in m.name or m.name == "motcua.__main__":
        continue
    try:
        importlib.import_module(m.name)
    except ImportError as e:
        bad.append(f"{m.name}: {e}")
print("\\n".join(bad) or "ok")
"""


@pytest.mark.once  # no database: imports only
def test_every_module_imports_without_the_postgres_extra(tmp_path: Path) -> None:
    # `motcua demo` imported the legacy import's fast path, which imported psycopg at the top:
    # the README's quick start stopped with ModuleNotFoundError before loading anything
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["MOTCUA_VAR_DIR"] = str(tmp_path)
    r = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL_WITHOUT_PSYCOPG],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "ok", r.stdout
