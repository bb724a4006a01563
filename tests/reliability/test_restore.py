"""Issue #19 point 8 and #12 point 10: restore is atomic, refuses a store in use, shows what it
replaces and asks first."""

from __future__ import annotations

import io
import os
import random
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from techquiz.cli import main
from techquiz.model import Rating
from techquiz.store import backup, db
from techquiz.store.restore import restore
from techquiz.study import StudySession

from ..srs.helpers import Clock, basic_deck

REPO = Path(__file__).resolve().parents[2]


def _studied(data: Path, deck_file: Path, answers: int, then: int) -> Path:
    """A store with `answers` answers, a backup, then `then` more answers after the backup."""
    deck = basic_deck(deck_file, cards=60, new_per_day=999)
    path = data / "progress.sqlite3"
    conn = db.connect(path)
    session = StudySession(conn, [deck], Clock())
    for _ in range(answers):
        session.answer(Rating.Good, 1000)
    backup.make_backup(conn, backup.backup_dir_for(path))
    for _ in range(then):
        session.answer(Rating.Good, 1000)
    conn.close()
    return path


def _reviews(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM review_log").fetchone()[0])
    finally:
        conn.close()


def test_restore_shows_both_stores_and_asks(
    tmp_path: Path, isolated_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _studied(isolated_env, tmp_path / "d.yaml", 3, 2)
    monkeypatch.setattr(sys, "stdin", _Tty("n\n"))
    assert main(["restore"]) == 1
    out = capsys.readouterr().out
    assert "Restore   progress-" in out and "3 review(s)" in out  # the backup: its date and reviews
    assert "replacing progress.sqlite3: written " in out and "5 review(s)" in out  # the current store
    assert "The backup has 2 review(s) fewer than the current store." in out
    assert "Nothing was changed." in out and _reviews(path) == 5
    monkeypatch.setattr(sys, "stdin", _Tty("y\n"))
    assert main(["restore"]) == 0
    assert _reviews(path) == 3
    (kept,) = isolated_env.glob("progress.sqlite3.replaced-*")
    assert _reviews(kept) == 5  # the replaced store is kept whole


def test_restore_from_a_script_needs_yes(
    tmp_path: Path, isolated_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _studied(isolated_env, tmp_path / "d.yaml", 3, 2)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # not a terminal
    assert main(["restore"]) == 1
    assert "add --yes to confirm from a script" in capsys.readouterr().err
    assert _reviews(path) == 5
    assert main(["restore", "--yes"]) == 0
    assert _reviews(path) == 3


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_restore_refuses_while_another_techquiz_has_the_store_open(tmp_path: Path) -> None:
    path = _studied(tmp_path / "data", tmp_path / "d.yaml", 3, 2)
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys
            from pathlib import Path
            from techquiz.store import db
            conn = db.connect(Path({str(path)!r}))
            conn.execute("SELECT COUNT(*) FROM cards").fetchone()
            print("open", flush=True)
            sys.stdin.readline()
            """)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        assert db.in_use(path)
        before = path.read_bytes()
        with pytest.raises(db.StoreError, match=r"another techquiz has the progress store .* open"):
            restore(path)
        assert path.read_bytes() == before and not list(path.parent.glob("*.replaced-*"))
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait()
    assert not db.in_use(path)
    restore(path)  # once it has closed, restore goes ahead
    assert _reviews(path) == 3


def test_answers_only_in_the_wal_are_kept_with_the_replaced_store(tmp_path: Path) -> None:
    path = _studied(tmp_path / "data", tmp_path / "d.yaml", 3, 0)
    deck_file = tmp_path / "d.yaml"
    subprocess.run(
        [sys.executable, "-c", textwrap.dedent(f"""
            import os, sys
            from pathlib import Path
            from techquiz.deck.loader import load_deck
            from techquiz.model import Rating
            from techquiz.store import db
            from techquiz.study import StudySession
            sys.path.insert(0, {str(REPO)!r})
            from tests.srs.helpers import Clock
            conn = db.connect(Path({str(path)!r}))
            conn.execute("PRAGMA wal_autocheckpoint = 0")
            session = StudySession(conn, [load_deck(Path({str(deck_file)!r})).deck], Clock())
            for _ in range(4):
                session.answer(Rating.Good, 100)
            os._exit(0)
            """)],
        check=True,
    )  # fmt: skip
    _used, kept = restore(path)
    assert kept is not None and _reviews(kept) == 7 and _reviews(path) == 3


def test_kill_9_at_any_moment_of_a_restore_leaves_the_old_or_the_new_store(tmp_path: Path) -> None:
    """Killed while it copied, the old restore left an empty store on 10 of 12 runs."""
    data = tmp_path / "data"
    path = _studied(data, tmp_path / "d.yaml", 3, 2)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE padding (x BLOB)")  # a big store, so that a restore takes a while
    conn.executemany("INSERT INTO padding VALUES (randomblob(4000))", [()] * 6000)
    conn.commit()
    conn.close()
    conn = db.connect(path)
    backup.make_backup(conn, backup.backup_dir_for(path), reason="big")
    conn.close()
    code = (
        "from pathlib import Path\nfrom techquiz.store.restore import restore\n"
        f"print('start', flush=True)\nrestore(Path({str(path)!r}))\n"
    )
    rng = random.Random(7)
    outcomes = set()
    for _ in range(8):
        child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None and child.stdout.readline() == "start\n"
        time.sleep(rng.uniform(0, 0.12))  # a restore of this store takes 0.1-0.5 s here
        child.kill()
        child.wait()
        conn = db.connect(path)  # through the normal path: never empty, never refused
        count = conn.execute("SELECT COUNT(*) FROM review_log").fetchone()[0]
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        conn.close()
        assert count in (3, 5)
        outcomes.add(child.returncode)
    assert -9 in outcomes  # some kills landed inside a restore
    restore(path)  # and the next restore removes any partial build left beside the store
    assert not list(data.glob("progress.sqlite3.restoring-*"))


def test_a_session_whose_store_was_replaced_stops_writing(tmp_path: Path) -> None:
    """The other half of point 8: if the store is swapped under a running session anyway (a restore
    that raced its start, a copy by hand), its next answer is refused instead of going to the old file."""
    deck = basic_deck(tmp_path / "d.yaml", cards=20, new_per_day=999)
    path = tmp_path / "data" / "progress.sqlite3"
    conn = db.connect(path)
    session = StudySession(conn, [deck], Clock())
    session.answer(Rating.Good, 1000)
    made = backup.make_backup(conn, backup.backup_dir_for(path))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    aside = path.with_name("aside.sqlite3")
    os.link(path, aside)  # what restore does: the old file kept, a new one renamed into its place
    os.replace(made, path)
    with pytest.raises(db.StoreError, match=r"was replaced .by techquiz restore.. while this techquiz had it open"):
        session.answer(Rating.Good, 1000)
    conn.close()
    assert _reviews(aside) == 1 and _reviews(path) == 1  # nothing written to either
