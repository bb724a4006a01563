"""`techquiz restore`: put a backup back in place, atomically, keeping the current file (never deleting it).

The new store is built beside the old one and takes its place with one rename, so a kill at any
moment leaves either the old store or the restored one, never an empty or half-copied file. The
old file is kept as `progress.sqlite3.replaced-<time>`. A store another techquiz has open is not
replaced: that session would go on writing into the file set aside.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import urllib.parse
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from techquiz.store import backup
from techquiz.store.db import StoreError, in_use


@dataclass(frozen=True)
class StoreFacts:
    """What a user needs to choose between two stores: when each was last written, and how much it holds."""

    path: Path
    modified: datetime
    size: int
    reviews: int | None  # None: unreadable
    last_review: datetime | None

    def describe(self) -> str:
        when = self.modified.astimezone().strftime("%Y-%m-%d %H:%M")
        if self.reviews is None:
            return f"{self.path.name}: written {when}, {'empty (0 bytes)' if self.size == 0 else 'unreadable'}"
        last = f", last review {self.last_review.astimezone():%Y-%m-%d %H:%M}" if self.last_review else ""
        return f"{self.path.name}: written {when}, {self.reviews} review(s){last}"


def facts(path: Path) -> StoreFacts:
    info = path.stat()
    modified = datetime.fromtimestamp(info.st_mtime, UTC)
    try:
        with closing(sqlite3.connect(f"file:{urllib.parse.quote(str(path.resolve()))}?mode=ro", uri=True)) as conn:
            count, last = conn.execute("SELECT COUNT(*), MAX(reviewed_at) FROM review_log").fetchone()
    except sqlite3.Error:
        return StoreFacts(path, modified, info.st_size, None, None)
    last_review = datetime.fromtimestamp(last / 1000, UTC) if last else None
    return StoreFacts(path, modified, info.st_size, count, last_review)


@dataclass(frozen=True)
class Plan:
    backup: StoreFacts
    current: StoreFacts | None  # None: there is no store yet


def plan(store_path: Path, chosen: Path | None = None) -> Plan:
    """Which backup would be restored (default: the newest) over what. Raises StoreError."""
    folder = backup.backup_dir_for(store_path)
    if chosen is None:
        chosen = backup.newest_backup(folder)
        if chosen is None:
            raise StoreError(f"no backups in {folder}")
    elif not chosen.exists() and (folder / chosen.name).exists():
        chosen = folder / chosen.name
    if not chosen.is_file():
        raise StoreError(f"no backup at {chosen}")
    current = facts(store_path) if store_path.exists() else None
    return Plan(facts(chosen), current)


def restore(store_path: Path, chosen: Path | None = None) -> tuple[Path, Path | None]:
    """Restore `chosen` (default: the newest backup). Returns (backup used, where the old file went)."""
    source_path = plan(store_path, chosen).backup.path
    if in_use(store_path):
        raise StoreError(
            f"another techquiz has the progress store {store_path} open; close it first (its answers would go "
            "into the file set aside)"
        )
    try:
        source = sqlite3.connect(f"file:{urllib.parse.quote(str(source_path.resolve()))}?mode=ro", uri=True)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"the backup {source_path} is unreadable: {exc}") from exc
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    building = store_path.with_name(f"{store_path.name}.restoring-{stamp}")
    with closing(source):  # closed on every path, a failed check or copy included
        try:
            ok = source.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"the backup {source_path} is unreadable: {exc}") from exc
        if not ok:
            raise StoreError(f"the backup {source_path} is damaged too; pick an older one (techquiz restore FILE)")
        for leftover in store_path.parent.glob(f"{store_path.name}.restoring-*"):  # from a killed restore
            leftover.unlink()
        try:
            with closing(sqlite3.connect(building)) as dest:
                source.backup(dest)
            _fsync(building)
        except BaseException:
            building.unlink(missing_ok=True)
            raise
    kept = _set_aside(store_path, stamp)
    os.replace(building, store_path)  # the one step that switches: before it the old store, after it the new
    _fsync(store_path.parent)
    return source_path, kept


def _set_aside(store_path: Path, stamp: str) -> Path | None:
    """Keep the current store (and its log) as `.replaced-<stamp>` while it stays in place until the
    rename. Its log is first written into it where possible, so removing the log loses nothing."""
    if not store_path.exists():
        return None
    try:
        with closing(sqlite3.connect(store_path, isolation_level=None)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error:
        pass  # a damaged store: its log is kept beside the kept copy below
    kept = store_path.with_name(f"{store_path.name}.replaced-{stamp}")
    for extra in ("", "-wal"):
        side = Path(f"{store_path}{extra}")
        if side.exists() and (extra == "" or side.stat().st_size > 0):
            _link_or_copy(side, Path(f"{kept}{extra}"))
    for extra in ("-wal", "-shm"):  # the restored store must not replay the old store's log
        Path(f"{store_path}{extra}").unlink(missing_ok=True)
    return kept


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links
        shutil.copy2(source, target)
        _fsync(target)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
