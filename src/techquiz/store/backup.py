"""Backups of the progress store with SQLite's backup API (a plain copy of a WAL file can miss
committed answers), kept as Anki keeps them: the recent ones plus 12 daily, 10 weekly, 9 monthly."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

BACKUP_INTERVAL_SECONDS = 30 * 60
KEEP_RECENT, KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 10, 12, 10, 9
_NAME = re.compile(r"^progress-(\d{8}-\d{6})(?:-[\w-]+)?\.sqlite3$")


def backup_dir_for(store_path: Path) -> Path:
    return store_path.parent / "backups"


def backup_time(path: Path) -> datetime | None:
    match = _NAME.match(path.name)
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
    dest = sqlite3.connect(partial)
    try:
        conn.backup(dest)
    finally:
        dest.close()
    partial.replace(target)  # a backup is either whole or absent
    prune(folder)
    return target


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


class BackupPolicy:
    """Back up at most every 30 minutes, and only when something changed since the last backup."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        newest = newest_backup(folder)
        self.last = backup_time(newest) if newest else None
        self.dirty = False

    def changed(self) -> None:
        self.dirty = True

    def maybe_backup(self, conn: sqlite3.Connection) -> Path | None:
        real_now = datetime.now(UTC)  # backups are named by the real clock, even under TECHQUIZ_NOW
        if not self.dirty:
            return None
        if self.last is not None and (real_now - self.last).total_seconds() < BACKUP_INTERVAL_SECONDS:
            return None
        path = make_backup(conn, self.folder, now=real_now)
        self.last = real_now
        self.dirty = False
        return path
