"""The key that seals the audit trail: ``MOTCUA_AUDIT_KEY``, or in development a random key
generated once into ``VAR_DIR/audit.key`` (git ignores ``var/``). Production refuses to start
without the variable (settings)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings

_cache: dict[Path, bytes] = {}


def audit_key() -> bytes:
    configured = getattr(settings, "MOTCUA_AUDIT_KEY", "")
    if configured:
        return str(configured).encode()
    path = Path(settings.VAR_DIR) / "audit.key"
    if path in _cache:
        return _cache[path]
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
    key = path.read_text().strip().encode()
    if len(key) < 32:
        raise RuntimeError(f"Khóa kiểm toán {path} bị hỏng (quá ngắn)")
    _cache[path] = key
    return key
