"""The error log: a traceback per unexpected error, in a file that rotates instead of growing forever."""

from __future__ import annotations

from pathlib import Path

import pytest

from techquiz import crashlog


def _boom(message: str) -> ValueError:
    try:
        raise ValueError(message)
    except ValueError as exc:
        return exc


def test_an_error_is_logged_with_its_traceback(tmp_path: Path) -> None:
    path = crashlog.write_crash_log(_boom("first"))
    assert path == crashlog.log_path() and path.is_relative_to(tmp_path)  # the test's XDG_STATE_HOME
    crashlog.write_crash_log(_boom("second"))
    text = path.read_text(encoding="utf-8")
    assert text.count("--- ") == 2 and "Traceback" in text and "ValueError: second" in text


def test_the_log_rotates_and_keeps_a_bounded_number_of_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crashlog, "MAX_BYTES", 2_000)
    for i in range(40):
        path = crashlog.write_crash_log(_boom(f"error {i} " + "x" * 200))
    files = sorted(p.name for p in path.parent.iterdir())
    assert files == ["errors.log", "errors.log.1", "errors.log.2"]
    assert "error 39" in path.read_text(encoding="utf-8")
    assert all(p.stat().st_size <= 2_000 + 1_000 for p in path.parent.iterdir())


def test_an_unwritable_log_folder_is_reported_not_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setattr(crashlog, "log_path", lambda: blocker / "errors.log")
    assert crashlog.write_crash_log(_boom("lost")) == Path("(the log file could not be written)")
