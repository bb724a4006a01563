from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from ..srs.helpers import basic_deck

WORKER = Path(__file__).with_name("worker.py")


def _start(data: Path, deck: Path, count: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    return subprocess.Popen(
        [sys.executable, str(WORKER), str(data), str(deck), str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _reviews(db_path: Path) -> int:
    if not db_path.exists():
        return 0
    conn = sqlite3.connect(db_path)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM review_log").fetchone()[0])
    finally:
        conn.close()


def test_sigkill_loses_no_acknowledged_answer(tmp_path: Path) -> None:
    basic_deck(tmp_path / "d.yaml", cards=500, new_per_day=500)
    data = tmp_path / "data"
    db_path = data / "progress.sqlite3"
    for kill_after in (1, 7, 23, 61):
        base = _reviews(db_path)
        proc = _start(data, tmp_path / "d.yaml", 100_000)
        assert proc.stdout is not None
        acked = 0
        while acked < kill_after:
            line = proc.stdout.readline()
            assert line, proc.stderr.read() if proc.stderr else ""
            acked = int(line.split()[1])
        proc.send_signal(signal.SIGKILL)  # mid-way through the next answer
        proc.wait()
        conn = sqlite3.connect(db_path)
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        conn.close()
        assert _reviews(db_path) - base >= acked


def test_two_and_four_processes_answer_at_once(tmp_path: Path) -> None:
    basic_deck(tmp_path / "d.yaml", cards=400, new_per_day=9999)
    data = tmp_path / "data"
    for workers in (2, 4):
        db_path = data / "progress.sqlite3"
        before = _reviews(db_path)
        procs = [_start(data, tmp_path / "d.yaml", 40) for _ in range(workers)]
        outputs = [p.communicate(timeout=120) for p in procs]
        for proc, (out, err) in zip(procs, outputs, strict=True):
            assert proc.returncode == 0, err
            assert out.splitlines()[-1] == "ack 40"
        assert _reviews(db_path) - before == 40 * workers


def test_sigkill_at_random_moments_leaves_a_clean_consistent_store(tmp_path: Path) -> None:
    """Not only between answers: at any moment (opening, syncing, mid-transaction)."""
    import random
    import time

    from techquiz.store import db

    basic_deck(tmp_path / "d.yaml", cards=500, new_per_day=500)
    data = tmp_path / "data"
    db_path = data / "progress.sqlite3"
    rng = random.Random(42)
    for _ in range(6):
        base = _reviews(db_path)
        proc = _start(data, tmp_path / "d.yaml", 100_000)
        time.sleep(rng.uniform(0.05, 1.5))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate()
        acked = max((int(line.split()[1]) for line in out.splitlines() if line.startswith("ack")), default=0)
        conn = db.connect(db_path)  # opens cleanly: integrity check, no migration half done
        assert _reviews(db_path) - base >= acked
        tally = conn.execute("SELECT * FROM review_days WHERE reviews > 0 ORDER BY deck_id, day").fetchall()
        assert tally == conn.execute(db.REVIEW_DAYS_FROM_LOG + " ORDER BY c.deck_id, r.day").fetchall()
        conn.close()
