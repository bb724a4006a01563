"""Decks that once never finished loading (issue 19, point 3): is loading linear now?

Each case is loaded at size n and 2n, interleaved, and the median time at 2n is divided by the
median at n (the floor, measured in the same run): linear work gives about 2, quadratic about 4.
A third row compares 20,000 cards without ids against the same cards with ids (the ids' warnings
made loading quadratic: 12.2 s against 1.35 s before the fix).

    python benchmarks/slow_decks.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import record

from techquiz.deck import cloze
from techquiz.deck.loader import load_deck

LINEAR_BUDGET = 2.6  # between linear (2) and quadratic (4), with room for noise


def deck_without_ids(cards: int, ids: bool = False) -> str:
    lines = ["format: 1\nid: big\ntitle: Big\ncards:\n"]
    for i in range(cards):
        card_id = f"id: c{i}, " if ids else ""
        lines.append(f"  - {{{card_id}front: 'Question {i}?', back: 'Answer {i}'}}\n")
    return "".join(lines)


def unclosed_cloze(size: int) -> str:
    return f'format: 1\nid: c\ntitle: C\ncards:\n  - {{type: cloze, text: "{"{{c1::" * (size // 6)}"}}\n'


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def compare(runs: int, small: Callable[[], object], big: Callable[[], object]) -> tuple[float, float]:
    smalls, bigs = [], []
    for _ in range(runs):  # interleaved, so that a noisy moment hits both
        smalls.append(timed(small))
        bigs.append(timed(big))
    return statistics.median(smalls), statistics.median(bigs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    path = Path("bench.yaml")
    cases = [
        ("cards without ids, 10,000 -> 20,000", deck_without_ids(10_000), deck_without_ids(20_000)),
        ("unclosed `{{c1::` openings, 0.5 -> 1 MB", unclosed_cloze(500_000), unclosed_cloze(1_000_000)),
    ]
    for name, small_text, big_text in cases:
        small, big = compare(runs, lambda t=small_text: load_deck(path, t), lambda t=big_text: load_deck(path, t))
        ratio = big / small
        record(f"load: {name}", f"{big:.3f} s", f"{small:.3f} s", ratio, f"<= {LINEAR_BUDGET}", ratio <= LINEAR_BUDGET)
    text = "{{c1::a::b}} " * 100_000
    small, big = compare(runs, lambda: cloze.deletions(text[: len(text) // 2]), lambda: cloze.deletions(text))
    ratio = big / small
    record("cloze scanner: 50,000 -> 100,000 deletions", f"{big:.3f} s", f"{small:.3f} s", ratio,
           f"<= {LINEAR_BUDGET}", ratio <= LINEAR_BUDGET)  # fmt: skip
    with_ids, without = deck_without_ids(20_000, ids=True), deck_without_ids(20_000)
    floor, measured = compare(runs, lambda: load_deck(path, with_ids), lambda: load_deck(path, without))
    ratio = measured / floor
    record("load: 20,000 cards without ids vs with ids", f"{measured:.3f} s", f"{floor:.3f} s", ratio, "<= 1.5",
           ratio <= 1.5)  # fmt: skip


if __name__ == "__main__":
    main()
