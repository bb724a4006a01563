"""Time to the first painted home screen, in a real terminal (tmux), against a bare Textual app.

Each run starts the program in a fresh tmux window of 80x24 and polls the screen every 5 ms until
its text appears (for techquiz: the home screen's deck counts). Min / median of N runs each,
interleaved with the bare app's (the machine is shared and its speed drifts), for the bundled
decks, the bundled decks plus a 20,000-card deck (budget: within 1.5x of the bare app, issue 7),
and a 100,000-card deck with a store of 1,000,000 reviews (budget: within 1.3x, issue 20), all
warm (the first start, which parses into the deck cache, is shown but not counted).
Run: python benchmarks/startup.py [--runs N] [--only big-store] [--src PATH] [--note TEXT]
(needs tmux; --src runs another checkout's code, e.g. main's, for a before/after.)
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from common import PY, ROOT, TMUX, compile_like_an_install, record, write_big_deck
from stats import build

SESSION = "tq-bench"


def time_to_screen(command: str, marker: str, timeout: float = 30.0) -> float:
    subprocess.run([*TMUX, "kill-session", "-t", SESSION], capture_output=True)
    for _attempt in range(5):  # the previous session's server may still be exiting: try again
        start = time.perf_counter()
        new = [*TMUX, "new-session", "-d", "-s", SESSION, "-x", "80", "-y", "24", command]
        if subprocess.run(new, capture_output=True).returncode == 0:
            break
        time.sleep(0.2)
    else:
        raise RuntimeError(f"tmux could not start a session for {command}")
    try:
        while time.perf_counter() - start < timeout:
            screen = subprocess.run([*TMUX, "capture-pane", "-p", "-t", SESSION], capture_output=True, text=True).stdout
            if marker in screen:
                return time.perf_counter() - start
            time.sleep(0.005)
        raise RuntimeError(f"{marker!r} never appeared for {command}")
    finally:
        subprocess.run([*TMUX, "kill-session", "-t", SESSION], capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)  # the bare app varies by +-50 ms run to run
    parser.add_argument("--cards", type=int, default=20_000, help="size of the big deck of the second scenario")
    parser.add_argument("--only", choices=["big-store"], help="run only the 100,000-card / 1,000,000-review scenario")
    parser.add_argument("--src", type=Path, help="another checkout's src folder to time instead of this one")
    parser.add_argument("--note", default="")
    args = parser.parse_args()
    compile_like_an_install(args.src or ROOT / "src")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        big = root / "big-decks"
        big.mkdir()
        write_big_deck(big / "big.yaml", args.cards)
        src = f"PYTHONPATH={args.src.resolve()} " if args.src else ""
        env = f"{src}XDG_CACHE_HOME={root / 'cache'} TECHQUIZ_DATA_DIR={root / 'data'}"
        scenarios = [
            ("bundled decks", f"{env} {PY} -m techquiz", 1.5),
            (f"bundled + {args.cards:,}-card deck", f"{env} TECHQUIZ_DECKS={big} {PY} -m techquiz", 1.5),
        ]
        if args.only:
            scenarios = []
        huge = root / "huge-decks"
        huge.mkdir()
        write_big_deck(huge / "huge.yaml", 100_000)
        store = build(root / "huge-data", huge, 1_000_000)  # as benchmarks/stats.py builds it
        huge_env = f"{src}TECHQUIZ_NOW=2026-12-01T09:00:00+00:00 XDG_CACHE_HOME={root / 'cache'} TECHQUIZ_DATA_DIR={store} TECHQUIZ_DECKS={huge}"
        scenarios.append(("100,000-card deck, 1,000,000 reviews", f"{huge_env} {PY} -m techquiz", 1.3))
        bare_cmd = f"{PY} {ROOT / 'benchmarks' / 'bare_app.py'}"
        for name, command, budget in scenarios:
            # The first start creates the store and parses the decks into the cache: not counted.
            cold = time_to_screen(command, "card(s) to study", timeout=120)
            # That start may show home before a big deck is read (its time budget) and is then
            # stopped: `techquiz decks` reads every deck into the cache, so the runs below are warm.
            subprocess.run(["sh", "-c", command.replace(" -m techquiz", " -m techquiz decks")], capture_output=True)
            bare, ours = [], []
            for _ in range(args.runs):  # interleaved, so machine noise hits both alike
                bare.append(time_to_screen(bare_cmd, "bare app ready"))
                ours.append(time_to_screen(command, "card(s) to study"))
            floor, measured = statistics.median(bare), statistics.median(ours)
            ratio = measured / floor
            note = f"; {args.note}" if args.note else ""
            print(f"{name}: first start {cold * 1000:.0f} ms; warm: bare Textual app {floor * 1000:.0f} ms, "
                  f"techquiz home {measured * 1000:.0f} ms, ratio {ratio:.2f}")  # fmt: skip
            record(
                f"first painted home screen ({name}, warm; min / median of {args.runs}, interleaved{note})",
                f"{min(ours) * 1000:.0f} / {measured * 1000:.0f} ms",
                f"{min(bare) * 1000:.0f} / {floor * 1000:.0f} ms (bare Textual app)",
                ratio,
                f"<= {budget}x",
                ratio <= budget,
            )


if __name__ == "__main__":
    main()
