from __future__ import annotations

import os
from pathlib import Path

from techquiz.deck.discovery import DeckWatcher


def test_watcher_reports_saved_new_and_deleted_deck_files(tmp_path: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("one")
    named = tmp_path / "elsewhere" / "c.yml"
    named.parent.mkdir()
    named.write_text("c")
    watcher = DeckWatcher([tmp_path / "missing", tmp_path], [named])
    assert watcher.changes() == ([], [])
    a.write_text("two")  # same size, new content: the mtime tells
    os.utime(a, ns=(1, 2))
    b.write_text("new")
    (tmp_path / "notes.txt").write_text("not a deck")
    changed, gone = watcher.changes()
    assert sorted(changed) == [a.resolve(), b.resolve()] and gone == []
    named.unlink()
    assert watcher.changes() == ([], [named.resolve()])
    assert watcher.changes() == ([], [])
