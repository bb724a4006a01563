"""Backups of the progress store with SQLite's backup API (a plain copy of a WAL file can miss
committed answers), kept as Anki keeps them: the recent ones plus 12 daily, 10 weekly, 9 monthly.

While studying, a backup is taken in a thread with its own connection (a backup of a big store
takes a fifth of a second, which the learner would feel on the first answer), and a backup that
fails (a full disk) is a warning: the answers are in the store, which is not damaged.
"""

from __future__ import annotations

import errno
import re
import sqlite3
import sys
import threading
import urllib.parse
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

BACKUP_INTERVAL_SECONDS = 30 * 60
BACKUP_DELAY_SECONDS = 1.0  # after the answer that starts it: the next card is painted first
KEEP_RECENT, KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 10, 12, 10, 9
_NAME = re.compile(r"progress-(\d{8}-\d{6})(?:-[\w-]+)?\.sqlite3", re.ASCII)  # fullmatch: `$` takes a final \n


def backup_dir_for(store_path: Path) -> Path:
    return store_path.parent / "backups"


def backup_time(path: Path) -> datetime | None:
    match = _NAME.fullmatch(path.name)
    if not match:
        return None
    return datetime.strptime(match[1], "%Y%m%d-%H%M%S").replace(tzinfo=UTC)


def list_backups(folder: Path) -> list[Path]:
    """Backups, oldest first."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if backup_time(p) is not None]
    return sorted(found, key=lambda p: (backup_time(p), p.name))


def newest_backup(folder: Path) -> Path | None:
    backups = list_backups(folder)
    return backups[-1] if backups else None


def make_backup(conn: sqlite3.Connection, folder: Path, *, now: datetime | None = None, reason: str = "") -> Path:
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    folder.mkdir(parents=True, exist_ok=True)
    suffix = f"-{reason}" if reason else ""
    target = folder / f"progress-{moment:%Y%m%d-%H%M%S}{suffix}.sqlite3"
    partial = target.with_suffix(".partial")
    remove_partials(folder)  # left by a killed backup: they would pile up (one per kill)
    try:
        dest = sqlite3.connect(partial)
        try:
            conn.backup(dest)
            # The copy inherits the store's WAL mode: reading it read-only later (restore shows each
            # backup) would leave -wal/-shm files beside it. A backup is one self-contained file.
            dest.execute("PRAGMA journal_mode=DELETE")
        finally:
            dest.close()
        partial.replace(target)  # a backup is either whole or absent
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    prune(folder)
    return target


def remove_partials(folder: Path) -> None:
    """Remove unfinished backups. Only one backup runs at a time per process; a `.partial` younger
    than a minute may be another techquiz's backup in progress and is left alone."""
    if not folder.is_dir():
        return
    now = datetime.now(UTC).timestamp()
    for stale in folder.glob("progress-*.partial"):
        try:
            if now - stale.stat().st_mtime > 60:
                stale.unlink()
        except OSError:
            continue


def prune(folder: Path) -> None:
    """Keep the newest few, and the newest of each of the last days, weeks and months."""
    backups = list_backups(folder)
    keep: set[Path] = set(backups[-KEEP_RECENT:])
    for period, count in (("%Y-%m-%d", KEEP_DAILY), ("%G-W%V", KEEP_WEEKLY), ("%Y-%m", KEEP_MONTHLY)):
        newest_per_period: dict[str, Path] = {}
        for path in backups:
            stamp = backup_time(path)
            assert stamp is not None
            newest_per_period[stamp.strftime(period)] = path
        keep.update(sorted(newest_per_period.values(), key=lambda p: backup_time(p) or datetime.min)[-count:])
    for path in backups:
        if path not in keep:
            path.unlink(missing_ok=True)
            for side in ("-wal", "-shm"):  # left beside backups made before they were written out of WAL mode
                path.with_name(path.name + side).unlink(missing_ok=True)


def failure_reason(exc: OSError | sqlite3.Error) -> str:
    """Why a backup could not be made, in a few words."""
    if (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "full" in str(exc).lower():
        return "the disk is full"
    return str(getattr(exc, "strerror", None) or exc)


def _say(message: str) -> None:
    print(f"techquiz: warning: {message}", file=sys.stderr, flush=True)


class BackupPolicy:
    """Back up at most every 30 minutes, and only when something changed since the last backup.

    The backup runs in a thread with its own connection to the store's file; `warn` hears of a
    failed one (the app shows it as a notification). The thread waits `delay` seconds before it
    reads the store: copying a 130 MB store on a 2-core machine while the next card is painted
    doubled the first answer's key-to-card time (84 ms against 39 ms for later answers)."""

    def __init__(self, folder: Path, warn: Callable[[str], None] = _say, delay: float = BACKUP_DELAY_SECONDS) -> None:
        self.folder = folder
        self.warn = warn
        self.delay = delay
        self._hurry = threading.Event()  # set by wait(): a backup about to start starts now
        newest = newest_backup(folder)
        self.last = backup_time(newest) if newest else None
        self.dirty = False
        self.thread: threading.Thread | None = None

    def changed(self) -> None:
        self.dirty = True

    def maybe_backup(self, conn: sqlite3.Connection) -> None:
        """Start a backup of `conn`'s store when one is due; returns at once."""
        real_now = datetime.now(UTC)  # backups are named by the real clock, even under TECHQUIZ_NOW
        if not self.dirty or (self.thread is not None and self.thread.is_alive()):
            return
        if self.last is not None and (real_now - self.last).total_seconds() < BACKUP_INTERVAL_SECONDS:
            return
        store = Path(conn.execute("PRAGMA database_list").fetchone()[2])
        self.last = real_now
        self.dirty = False
        self.thread = threading.Thread(target=self._run, args=(store, real_now), name="techquiz-backup")
        self.thread.start()  # not a daemon: a backup under way is finished before the process exits

    def _run(self, store: Path, moment: datetime) -> None:
        self._hurry.wait(self.delay)
        try:
            source = sqlite3.connect(f"file:{urllib.parse.quote(str(store))}?mode=ro", uri=True, timeout=15)
            try:
                make_backup(source, self.folder, now=moment)
            finally:
                source.close()
        except (OSError, sqlite3.Error) as exc:
            self.dirty = True  # try again at the next chance
            self.warn(
                f"the backup could not be made ({failure_reason(exc)}); your answers are saved, and the store is fine"
            )

    def wait(self) -> None:
        """Let a backup under way finish (before closing the app, and in tests)."""
        if self.thread is not None:
            self._hurry.set()
            self.thread.join()
