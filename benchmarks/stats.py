"""Stats on a big collection: 100,000+ cards and 1,000,000 review-log rows, against the same decks
with no reviews at all (the floor). Budget: `techquiz stats --json` at most 300 ms (issue 7) and
opening the stats screen at most 150 ms (issue 20) beyond the empty collection's; min / median of 7
runs, the two collections interleaved.

Run: python benchmarks/stats.py [--reviews N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import PY, record, time_process, write_big_deck

from techquiz.config import Config, study_day
from techquiz.deck.discovery import load_library
from techquiz.store import db, progress
from techquiz.store.timeutil import to_ms

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
BUDGET_MS = 300  # issue 7, both
SCREEN_BUDGET_MS = 150  # issue 20, the screen
RUNS = 7


def build(data: Path, decks: Path, reviews: int) -> Path:
    """A data dir whose store has synced the decks and, when reviews > 0, a long history."""
    library = load_library([decks])
    conn = db.connect(data / "progress.sqlite3")
    progress.sync_decks(conn, library.decks, NOW)
    if reviews:
        rng = random.Random(1)
        ids = [r[0] for r in conn.execute("SELECT id FROM cards ORDER BY id")]
        studied = ids[: int(len(ids) * 0.8)]
        conn.execute("BEGIN")
        rows = []
        for rowid in studied:
            stability = rng.uniform(0.5, 400)
            last = NOW - timedelta(days=rng.uniform(0, 60))
            rows.append((stability, rng.uniform(1, 10), to_ms(last), to_ms(last + timedelta(days=stability)),
                         rng.randint(0, 9), rowid))  # fmt: skip
        conn.executemany(
            "UPDATE cards SET state = 2, stability = ?, difficulty = ?, last_review = ?, due = ?, lapses = ?, "
            "reps = 5 WHERE id = ?",
            rows,
        )
        start = NOW - timedelta(days=1000)
        step = 1000 * 86400 / reviews
        log = []
        for i in range(reviews):
            moment = start + timedelta(seconds=i * step)
            log.append((rng.choice(studied), to_ms(moment), study_day(moment).isoformat(), rng.choice([1, 2, 3, 3, 3, 4]),
                        rng.randint(2000, 20000), rng.choice([0, 2, 2, 2, 2]), to_ms(moment),
                        to_ms(moment - timedelta(days=rng.uniform(1, 60)))))  # fmt: skip
        conn.executemany(
            "INSERT INTO review_log (card, reviewed_at, day, rating, duration_ms, state_before, due_before, "
            "last_review_before, state_after, due_after, interval_days) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 2, 0, 5)",
            log,
        )
        conn.execute("INSERT INTO review_days " + db.REVIEW_DAYS_FROM_LOG)
        conn.execute("COMMIT")
    conn.close()
    return data


def screen_once(data: Path, decks: Path) -> float:
    """Open the stats screen headless and wait until its numbers are painted (seconds)."""
    from techquiz.tui.app import TechquizApp

    config = Config(data, (decks,), lambda: NOW)
    library = load_library([decks])

    async def once() -> float:
        app = TechquizApp(config, library=library)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            start = time.perf_counter()
            await pilot.press("s")
            await app.workers.wait_for_complete()
            await pilot.pause()
            return time.perf_counter() - start

    return asyncio.run(once())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["XDG_CACHE_HOME"] = str(root / "cache")  # the deck cache, for the CLI children too
        decks = root / "decks"
        decks.mkdir()
        write_big_deck(decks / "big.yaml", args.cards)
        empty = build(root / "empty", decks, 0)
        full = build(root / "full", decks, args.reviews)
        stores = {"empty": empty, "full": full}
        argv = [PY, "-m", "techquiz", "--decks", str(decks), "stats", "--json"]
        envs = {name: {**os.environ, "TECHQUIZ_DATA_DIR": str(data), "TECHQUIZ_NOW": NOW.isoformat()}
                for name, data in stores.items()}  # fmt: skip
        for name, data in stores.items():  # warm: imports, page cache, the memory model's cache
            time_process(argv, envs[name])
            screen_once(data, decks)
        cli: dict[str, list[float]] = {"empty": [], "full": []}
        screens: dict[str, list[float]] = {"empty": [], "full": []}
        for _ in range(RUNS):  # interleaved: the machine is shared and its speed drifts
            for name, data in stores.items():
                cli[name].append(time_process(argv, envs[name]) * 1000)
                screens[name].append(screen_once(data, decks) * 1000)
    cards = f"{args.cards:,} cards"
    for what, runs, budget in (
        ("techquiz stats --json", cli, BUDGET_MS),
        ("stats screen open", screens, SCREEN_BUDGET_MS),
    ):
        full_ms, empty_ms = statistics.median(runs["full"]), statistics.median(runs["empty"])
        extra = full_ms - empty_ms
        print(f"{what}: {full_ms:.0f} ms with {args.reviews:,} reviews, {empty_ms:.0f} ms with none")
        record(
            f"{what}, {cards}, {args.reviews:,} reviews (min / median of {RUNS}, interleaved)",
            f"{min(runs['full']):.0f} / {full_ms:.0f} ms (+{extra:.0f} ms)",
            f"{min(runs['empty']):.0f} / {empty_ms:.0f} ms (no reviews)",
            full_ms / empty_ms,
            f"<= +{budget} ms",
            extra <= budget,
        )


if __name__ == "__main__":
    main()
