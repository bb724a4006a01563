from __future__ import annotations

from pathlib import Path

from techquiz.store import backup


def test_backups_are_pruned_as_anki_keeps_them(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    # two a day for 400 days
    from datetime import UTC, datetime, timedelta

    start = datetime(2025, 1, 1, tzinfo=UTC)
    for day in range(400):
        for hour in (8, 20):
            stamp = start + timedelta(days=day, hours=hour)
            (folder / f"progress-{stamp:%Y%m%d-%H%M%S}.sqlite3").write_bytes(b"")
    backup.prune(folder)
    kept = backup.list_backups(folder)
    days = {p.name[9:17] for p in kept}
    months = {p.name[9:15] for p in kept}
    assert len(kept) >= 10
    assert len(days) >= 12 and len(months) >= 9
    assert len(kept) < 50
