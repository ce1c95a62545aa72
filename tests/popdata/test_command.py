"""``motcua popdata-fake``: the fake as a process for the demo, spoken to over HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from motcua.popdata.backends import MATCH, UNAVAILABLE, verify
from motcua.popdata.fake import FakePopulationDb


def test_fake_command_serves_the_protocol(settings: Any, tmp_path: Path) -> None:
    port = FakePopulationDb._free_port("127.0.0.1")
    env = {**os.environ, "MOTCUA_VAR_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "motcua", "popdata-fake", "--port", str(port)]
    proc = subprocess.Popen(
        [*command, "--client-secret", "bi-mat-demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        # as from a terminal: a test worker may run with SIGINT ignored, which the child would
        # inherit (Python then installs no KeyboardInterrupt handler and Ctrl+C does nothing)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(6)]
        printed = "".join(lines)
        assert "MOTCUA_POPDATA_URL=http://127.0.0.1:" in printed, printed
        settings.MOTCUA_POPDATA_BACKEND = "motcua.popdata.backends.HttpBackend"
        settings.MOTCUA_POPDATA_TOKEN_URL = f"http://127.0.0.1:{port}/oauth2/token"
        settings.MOTCUA_POPDATA_URL = f"http://127.0.0.1:{port}/api/csdldc/v1/xac-thuc-cong-dan"
        settings.MOTCUA_POPDATA_CLIENT_ID = "motcua"
        settings.MOTCUA_POPDATA_CLIENT_SECRET = "bi-mat-demo"
        deadline = time.monotonic() + 20
        result = verify(id_number="079201001234", full_name="Nguyễn Thị Lan", birth_date=None)
        while result.reason == "connection" and time.monotonic() < deadline:
            time.sleep(0.2)  # the port opens right after the lines are printed
            result = verify(id_number="079201001234", full_name="Nguyễn Thị Lan", birth_date=None)
        assert result.outcome == MATCH
        control = urllib.request.Request(
            f"http://127.0.0.1:{port}/_control",
            data=json.dumps({"mode": "error"}).encode(),
            method="POST",
        )
        with urllib.request.urlopen(control, timeout=5) as answer:  # noqa: S310 - our fake
            assert json.loads(answer.read()) == {"mode": "error"}
        r = verify(id_number="070123456789", full_name="Nguyễn Văn An", birth_date=None)
        assert (r.outcome, r.reason) == (UNAVAILABLE, "http_500")
        # Ctrl+C stops it cleanly (exit 0), as the printed help says
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0  # generous: CI runs it under coverage on 2 busy cores
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)
