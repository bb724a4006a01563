"""Issue #19 point 12: `validate --add-ids` never cuts a deck on a full disk, and never gives a card
the id of a removed card (whose history would silently come back on it)."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from techquiz.authoring import ids
from techquiz.cli import main
from techquiz.deck.loader import load_deck
from techquiz.model import Rating
from techquiz.store import db
from techquiz.study import StudySession

NO_IDS = """\
format: 1
id: d
title: T
cards:
  # the capital card
  - front: What is the capital of France?
    back: Paris
  - {front: "What is 2+2?", back: "4"}
"""


def test_a_failed_write_leaves_the_deck_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fault injection: the disk fills up while the new text is written."""
    path = tmp_path / "d.yaml"
    path.write_text(NO_IDS, encoding="utf-8")

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(ids.UserError, match=r"could not write the ids .No space left on device.; the file was not"):
        ids.add_ids(path)
    assert path.read_text(encoding="utf-8") == NO_IDS
    assert [p.name for p in tmp_path.iterdir()] == ["d.yaml"]  # no temporary file left


def test_on_a_full_tmpfs_the_deck_is_never_cut(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    point = tmp_path / "mnt"
    point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(point)], check=False).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        path = point / "d.yaml"
        big = NO_IDS + "".join(f"  - {{front: 'question number {i}', back: '{i}'}}\n" for i in range(600))
        path.write_text(big, encoding="utf-8")
        with (point / "filler").open("wb", buffering=0) as f:
            for chunk in (4096, 1):
                try:
                    while True:
                        f.write(b"\0" * chunk)
                except OSError:
                    continue
        assert main(["validate", "--add-ids", str(path)]) == 1
        err = capsys.readouterr().err
        assert "could not write the ids" in err and "the file was not changed" in err and "unexpected" not in err
        assert path.read_text(encoding="utf-8") == big
        assert sorted(p.name for p in point.iterdir()) == ["d.yaml", "filler"]
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)


def test_an_id_a_removed_card_had_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "d.yaml"
    store = tmp_path / "data" / "progress.sqlite3"
    removed = NO_IDS + "  - {id: 2, front: 'Which number?', back: two}\n"  # a card with the id '2'...
    path.write_text(removed, encoding="utf-8")
    conn = db.connect(store)
    session = StudySession(conn, [load_deck(path).deck], lambda: datetime(2026, 12, 1, 9, tzinfo=UTC))  # type: ignore[list-item]
    while (card := session.current()) is not None and card.card.id != "2":
        session.answer(Rating.Good, 100)
    session.answer(Rating.Easy, 100)  # ...with a history
    conn.close()
    path.write_text(NO_IDS.replace('"What is 2+2?"', '"2?"'), encoding="utf-8")  # removed; a card would slug to '2'
    assert main(["validate", str(path)]) == 0
    assert main(["stats", str(path)]) == 0  # the store learns that '2' is gone
    capsys.readouterr()
    before = path.read_text(encoding="utf-8")
    assert main(["validate", "--add-ids", str(path)]) == 1
    err = capsys.readouterr().err
    assert "the id '2' belonged to a card since removed from the deck" in err
    assert path.read_text(encoding="utf-8") == before
