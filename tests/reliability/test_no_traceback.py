"""An unexpected error is one line on screen and the details in a log file; never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from techquiz import cli, commands


def test_an_unexpected_error_is_one_line_and_a_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> int:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(commands, "decks", boom)
    assert cli.main(["decks"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("techquiz: unexpected error: ZeroDivisionError('a bug')")
    log = Path(err[0].rsplit("Details are in ", 1)[1])
    assert log.is_relative_to(tmp_path) and "Traceback" in log.read_text() and "ZeroDivisionError" in log.read_text()


def test_damage_found_after_opening_gets_the_restore_advice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    def damaged(*args: object, **kwargs: object) -> int:
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(commands, "stats", damaged)
    assert cli.main(["stats"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "is damaged (database disk image is malformed)" in err[0]
    assert "Traceback" not in err[0]
