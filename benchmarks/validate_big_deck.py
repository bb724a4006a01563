"""`techquiz validate` of a 20,000-card deck against a bare libyaml parse of the same file.

Both are whole processes (interpreter start and imports included), median of repeated runs.
Budget: at most 1.5x. Run: python benchmarks/validate_big_deck.py [--runs N]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import PY, median_of, record, write_big_deck

BARE = "import sys, yaml; yaml.load(open(sys.argv[1], encoding='utf-8'), Loader=yaml.CSafeLoader)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cards", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        deck = write_big_deck(Path(tmp) / "big.yaml", args.cards)
        floor = median_of(args.runs, [PY, "-c", BARE, str(deck)])
        ours = median_of(args.runs, [PY, "-m", "techquiz", "validate", str(deck)])
    ratio = ours / floor
    print(f"bare libyaml load {floor * 1000:.0f} ms, techquiz validate {ours * 1000:.0f} ms, ratio {ratio:.2f}")
    record(
        f"validate {args.cards:,}-card deck",
        f"{ours * 1000:.0f} ms",
        f"{floor * 1000:.0f} ms (bare libyaml load)",
        ratio,
        "<= 1.5x",
        ratio <= 1.5,
    )


if __name__ == "__main__":
    main()
