"""The parsed-deck cache's own paths on a 20,000-card deck: a warm load (the header only), every
card (a quiz, a sync after an edit), one card (what a study session fetches per card shown), and
the cache's size on disk. Medians of N rounds, each on a fresh DeckCache (a new start).
No budget of its own: it compares cache formats (JSON rows against the pickles they replaced);
the start-up and memory budgets are checked by startup.py and memory.py.
Run: python benchmarks/deck_cache.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from common import write_big_deck

from techquiz.deck.cache import DeckCache


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        deck_file = write_big_deck(root / "big.yaml", 20_000)
        start = time.perf_counter()
        DeckCache(root / "cache").load(deck_file)
        cold = time.perf_counter() - start
        warm, every, one = [], [], []
        for _ in range(args.runs):
            start = time.perf_counter()
            deck = DeckCache(root / "cache").load(deck_file).deck
            warm.append(time.perf_counter() - start)
            assert deck is not None
            start = time.perf_counter()
            count = len(deck.cards)
            every.append(time.perf_counter() - start)
            deck = DeckCache(root / "cache").load(deck_file).deck
            assert deck is not None and count == 20_000
            ids = [f"b{i}" for i in range(0, 20_000, 20)]
            start = time.perf_counter()
            for card_id in ids:
                deck.card(card_id)
            one.append((time.perf_counter() - start) / len(ids))
        size = sum(p.stat().st_size for p in (root / "cache").iterdir() if p.name.startswith("decks.sqlite3"))
    print(f"first parse and write {cold:.2f} s; warm load {statistics.median(warm) * 1000:.2f} ms; "
          f"every card {statistics.median(every) * 1000:.0f} ms; one card {statistics.median(one) * 1e6:.0f} us; "
          f"cache {size / 1e6:.1f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
