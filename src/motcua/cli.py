"""The ``motcua`` console script: Django's manage.py plus the project's own commands.

Command names may be written with hyphens (``motcua import-catalog``); Django's module names use
underscores, so the first argument is translated.

A command that meets a database error on a database with unapplied migrations (a fresh SQLite
file, a new PostgreSQL database, code newer than the schema) gets one line, "run `motcua
migrate`", and exit code 2 instead of a traceback. Checked once here, for every command but
``migrate`` itself; the migration plan is only read after an error, so it costs nothing when all
is well.
"""

from __future__ import annotations

import os
import sys

NOT_MIGRATED = "Cơ sở dữ liệu chưa được khởi tạo hoặc chưa cập nhật: hãy chạy `motcua migrate`"


def _unapplied_migrations() -> int:
    """How many migrations the default database still lacks (raises DatabaseError if none can
    be read)."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor

    connection = connections[DEFAULT_DB_ALIAS]
    connection.close()  # a PostgreSQL connection may be left in an aborted transaction
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _explain_database_error() -> None:
    """Exit 2 with one line when the database is not (fully) migrated or cannot be reached;
    return (so the caller re-raises) when the error has another cause."""
    from django.db import DatabaseError

    try:
        pending = _unapplied_migrations()
    except DatabaseError as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        sys.stderr.write(f"lỗi [database_unavailable]: không dùng được cơ sở dữ liệu: {first}\n")
        sys.exit(2)
    if pending:
        sys.stderr.write(f"lỗi [not_migrated]: {NOT_MIGRATED} (còn {pending} bước)\n")
        sys.exit(2)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.settings")
    from django.conf import settings
    from django.db import DatabaseError

    var_dir = settings.VAR_DIR
    var_dir.mkdir(parents=True, exist_ok=True)
    from django.core.management import execute_from_command_line

    command = args[1] if len(args) > 1 else ""
    try:
        execute_from_command_line(args)
    except DatabaseError:
        if command == "migrate":
            raise
        _explain_database_error()
        raise


if __name__ == "__main__":
    main()
