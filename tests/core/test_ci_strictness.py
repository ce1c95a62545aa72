"""A test that needs a missing tool skips with the reason, except on CI, where it fails."""

from __future__ import annotations

import pytest

from tests.tools import tool_missing


def test_missing_tool_skips_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception) as exc:
        tool_missing("Chromium không có trên máy này")
    assert "Chromium không có trên máy này" in str(exc.value)


def test_missing_tool_fails_on_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception) as exc:
        tool_missing("LibreOffice không có trên máy này")
    assert "LibreOffice không có trên máy này" in str(exc.value)
    assert "CI=true" in str(exc.value)
