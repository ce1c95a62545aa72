"""``motcua import-dossiers FILE.csv``: all-or-nothing import of historical dossiers.

On a terminal, a progress line on stderr (share of the file read, rows per second, time left
estimated from the bytes read); nothing when stderr is not a terminal (logs, pipes, cron)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import IO, Any

from django.core.management.base import CommandParser

from motcua.core.command import MotcuaCommand
from motcua.core.errors import DomainError
from motcua.dossiers.legacy import import_dossiers, summary_json

PHASES = {"check": "đang kiểm tra mã trùng", "write": "đang ghi vào cơ sở dữ liệu"}


def _thousands(n: float) -> str:
    return f"{n:,.0f}".replace(",", ".")


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


class ProgressBar:
    """A one-line progress bar, redrawn at most every ``every`` seconds (and on each phase)."""

    WIDTH = 24

    def __init__(self, stream: IO[str], every: float = 0.2) -> None:
        self.stream = stream
        self.every = every
        self.start = time.monotonic()
        self.last = 0.0
        self.phase = ""
        self.drawn = False

    def __call__(self, phase: str, done: int, total: int, rows: int) -> None:
        now = time.monotonic()
        if phase == self.phase and now - self.last < self.every:
            return
        self.phase, self.last = phase, now
        elapsed = max(now - self.start, 1e-6)
        share = done / total if total else 1.0
        filled = int(share * self.WIDTH)
        bar = "█" * filled + "░" * (self.WIDTH - filled)
        rate = rows / elapsed
        if phase == "read":
            left = elapsed * (total - done) / done if done else 0.0
            tail = f"còn khoảng {_clock(left)}"
        else:
            tail = PHASES.get(phase, phase) + "…"
        line = (
            f"{bar} {share:4.0%}  {_thousands(rows)} dòng  {_thousands(rate)} dòng/s"
            f"  {_clock(elapsed)}  {tail}"
        )
        self.stream.write("\r\x1b[K" + line)
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


class Command(MotcuaCommand):
    help = "Nhập hồ sơ từ hệ thống một cửa cũ (CSV UTF-8; tất cả hoặc không)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: object, **opts: Any) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            sys.stderr.write(f"lỗi [file_not_found]: không có tệp {path}\n")
            sys.exit(2)
        isatty = getattr(sys.stderr, "isatty", None)
        bar = ProgressBar(sys.stderr) if isatty is not None and isatty() else None
        try:
            summary = import_dossiers(path, progress=bar)
        except OSError as exc:
            if bar is not None:
                bar.close()
            sys.stderr.write(
                f"lỗi [file_unreadable]: không đọc được {path}: {exc.strerror or exc}\n"
            )
            sys.exit(2)
        except DomainError as exc:
            if bar is not None:
                bar.close()
            sys.stderr.write(f"lỗi [{exc.code}]: {exc.message}\n")
            for item in exc.details or []:
                if isinstance(item, tuple | list) and len(item) == 2:
                    sys.stderr.write(f"  dòng {item[0]}: {item[1]}\n")
            sys.exit(2)
        if bar is not None:
            bar.close()
        self.stdout.write(summary_json(summary))
