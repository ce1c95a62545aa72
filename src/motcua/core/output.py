"""``-o FILE`` of the commands: checked before any work, written with one clear line on failure.

Codes on stderr, exit 2: ``output_dir`` (the folder does not exist or is not a folder),
``output_is_dir`` (the path names a folder), ``output_not_writable`` (the system refuses the
write: permissions, a read-only or special file system).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, NoReturn


def _fail(code: str, message: str) -> NoReturn:
    sys.stderr.write(f"lỗi [{code}]: {message}\n")
    sys.exit(2)


def output_path(raw: str) -> Path:
    """The path of ``-o``, or exit 2 if it plainly cannot be written (before the work starts)."""
    path = Path(raw).expanduser()
    if path.is_dir():
        _fail("output_is_dir", f"{path} là một thư mục; -o cần đường dẫn tệp")
    folder = path.parent
    if not folder.exists():
        _fail("output_dir", f"không có thư mục {folder}; hãy tạo thư mục trước")
    if not folder.is_dir():
        _fail("output_dir", f"{folder} không phải thư mục")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        _fail("output_not_writable", f"không có quyền ghi {path}")
    return path


@contextmanager
def open_output(path: Path, *, binary: bool) -> Iterator[IO[Any]]:
    """``with open_output(path, binary=...) as fh``: an OSError while opening, writing or
    closing (permissions, a full disk, a special file system) becomes one line and exit 2."""
    try:
        if binary:
            with path.open("wb") as fh:
                yield fh
        else:
            with path.open("w", encoding="utf-8", newline="") as fh:
                yield fh
    except OSError as exc:
        _fail("output_not_writable", f"không ghi được {path}: {exc.strerror or exc}")


def write_output(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` (text as UTF-8), or exit 2 with the reason."""
    with open_output(path, binary=True) as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)
