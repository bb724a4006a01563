"""A deck's first (cold) load (issue 20): parse, check and write the parsed-deck cache of a
100,000-card mixed deck (`common.write_big_deck`), as the first start after installing it does
(`DeckCache.load`, the app's own path). Budget: at most 5 s and 150 MB peak RSS, for the whole
process (imports included). Shown for scale: a bare libyaml event walk of the same file.

Each run is its own process with an empty cache; runs alternate with the floor's, because the
machine is shared and its speed drifts. Reports min / median.

Run: python benchmarks/cold_parse.py [--cards N] [--runs N] [--src PATH] [--note TEXT]
(--src times another checkout's code, e.g. main's, for a before/after.)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import PY, record, write_big_deck

BUDGET_S = 5.0
BUDGET_MB = 150


def child(kind: str, path: Path, cache: Path) -> None:
    start = time.perf_counter()
    if kind == "techquiz":
        from techquiz.deck.cache import DeckCache

        result = DeckCache(cache).load(path)
        assert result.deck is not None, result.problems[:3]
    else:
        from yaml._yaml import CParser

        parser = CParser(path.read_text(encoding="utf-8"))
        while parser.get_event() is not None:
            pass
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def once(kind: str, path: Path, root: Path, env: dict[str, str]) -> dict[str, float]:
    with tempfile.TemporaryDirectory(dir=root) as cache:
        argv = [PY, __file__, "--child", kind, str(path), cache]
        out = subprocess.run(argv, env=env, check=True, capture_output=True, text=True).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--src", type=Path)
    parser.add_argument("--note", default="")
    parser.add_argument("--child", nargs=3)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    env = dict(os.environ)
    if args.src:
        env["PYTHONPATH"] = str(args.src.resolve())
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        path = write_big_deck(root / "big.yaml", args.cards)
        runs: dict[str, list[dict[str, float]]] = {"techquiz": [], "libyaml": []}
        for _ in range(args.runs):
            for kind in runs:
                runs[kind].append(once(kind, path, root, env))
    ours = [r["seconds"] for r in runs["techquiz"]]
    floor = [r["seconds"] for r in runs["libyaml"]]
    peak = statistics.median(r["mb"] for r in runs["techquiz"])
    print(f"techquiz: {[f'{t:.2f}' for t in ours]} s; libyaml events: {[f'{t:.2f}' for t in floor]} s; {peak:.0f} MB")
    note = f"; {args.note}" if args.note else ""
    median = statistics.median(ours)
    record(
        f"cold load of a {args.cards:,}-card deck into the cache (min / median of {args.runs}, interleaved{note})",
        f"{min(ours):.2f} / {median:.2f} s, peak {peak:.0f} MB",
        f"{min(floor):.2f} / {statistics.median(floor):.2f} s (bare libyaml events)",
        median / statistics.median(floor),
        f"<= {BUDGET_S:.0f} s, <= {BUDGET_MB} MB",
        median <= BUDGET_S and peak <= BUDGET_MB,
    )


if __name__ == "__main__":
    sys.exit(main())
