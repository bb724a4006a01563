"""`techquiz restore`: put a backup back in place, keeping the current file aside (never deleting it)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from techquiz.store import backup
from techquiz.store.db import StoreError


def restore(store_path: Path, chosen: Path | None = None) -> tuple[Path, Path | None]:
    """Restore `chosen` (default: the newest backup). Returns (backup used, where the old file went)."""
    folder = backup.backup_dir_for(store_path)
    if chosen is None:
        chosen = backup.newest_backup(folder)
        if chosen is None:
            raise StoreError(f"no backups in {folder}")
    elif not chosen.exists() and (folder / chosen.name).exists():
        chosen = folder / chosen.name
    if not chosen.is_file():
        raise StoreError(f"no backup at {chosen}")
    try:
        source = sqlite3.connect(f"file:{chosen}?mode=ro", uri=True)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"the backup {chosen} is unreadable: {exc}") from exc
    with closing(source):  # closed on every path, a failed check or copy included
        try:
            ok = source.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"the backup {chosen} is unreadable: {exc}") from exc
        if not ok:
            raise StoreError(f"the backup {chosen} is damaged too; pick an older one (techquiz restore FILE)")
        kept: Path | None = None
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        if store_path.exists():
            kept = store_path.with_name(f"{store_path.name}.replaced-{stamp}")
            store_path.replace(kept)
            for extra in ("-wal", "-shm"):
                side = store_path.with_name(store_path.name + extra)
                if side.exists():
                    side.replace(kept.with_name(kept.name + extra))
        with closing(sqlite3.connect(store_path)) as dest:
            source.backup(dest)
    return chosen, kept
