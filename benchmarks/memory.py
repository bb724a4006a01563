"""Peak memory studying a 100,000-card collection, against a bare Textual app (Header, Static, Footer).

Both run in a real terminal (tmux, 80x24) under a small wrapper that reports the child's peak
resident set size (getrusage RUSAGE_CHILDREN). techquiz opens a study session on one deck of
100,000 sub-cards, warm (its first start parses the deck into the cache and is not counted), shows
a card, answers it, shows the next, and quits. Median of N runs. Budget: at most 2x the bare app.
Run: python benchmarks/memory.py [--runs N]   (needs tmux)
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from common import PY, ROOT, TMUX, record, write_big_deck

SESSION = "tq-memory"
WRAPPER = (
    "import resource, subprocess, sys; subprocess.run([sys.executable, *sys.argv[2:]]); "
    "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))"
)


def _screen() -> str:
    return subprocess.run([*TMUX, "capture-pane", "-p", "-t", SESSION], capture_output=True, text=True).stdout


def peak_kb(argv: list[str], env: str, ready: str, keys: list[str], timeout: float = 180) -> int:
    """Run argv in tmux, wait for `ready` on screen, press `keys`, quit, return the peak RSS in KB."""
    with tempfile.NamedTemporaryFile(suffix=".txt", delete=False) as out:
        result = Path(out.name)
    subprocess.run([*TMUX, "kill-session", "-t", SESSION], capture_output=True)
    command = f"{env} {PY} -c \"{WRAPPER}\" {result} " + " ".join(argv)
    subprocess.run([*TMUX, "new-session", "-d", "-s", SESSION, "-x", "80", "-y", "24", command], check=True)
    start = time.perf_counter()
    while ready not in _screen():
        if time.perf_counter() - start > timeout:
            raise RuntimeError(f"{ready!r} never appeared:\n{_screen()}")
        time.sleep(0.05)
    for key in keys:
        subprocess.run([*TMUX, "send-keys", "-t", SESSION, key], check=True)
        time.sleep(0.3)
    subprocess.run([*TMUX, "send-keys", "-t", SESSION, "C-q"], check=True)
    while not result.read_text().strip():
        time.sleep(0.05)
        if time.perf_counter() - start > timeout:
            raise RuntimeError("the program did not quit")
    kb = int(result.read_text())
    result.unlink()
    return kb


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cards", type=int, default=83_334, help="cards in the deck (100,000 sub-cards by default)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "decks").mkdir()
        write_big_deck(root / "decks" / "big.yaml", args.cards)
        env = f"XDG_CACHE_HOME={root / 'cache'} TECHQUIZ_DATA_DIR={root / 'data'} TECHQUIZ_DECKS={root / 'decks'}"
        study = ["-m", "techquiz", "study", "big"]
        keys = ["space", "3", "space"]  # show, answer, show the next
        cold = peak_kb(study, env, "A big deck", keys)
        bare, ours = [], []
        for _ in range(args.runs):
            bare.append(peak_kb([str(ROOT / "benchmarks" / "bare_app.py")], "", "bare app ready", []))
            ours.append(peak_kb(study, env, "A big deck", keys))
    floor, measured = statistics.median(bare) / 1024, statistics.median(ours) / 1024
    ratio = measured / floor
    print(f"peak RSS: bare Textual app {floor:.0f} MB; techquiz studying 100k sub-cards {measured:.0f} MB "
          f"(first, parsing start: {cold / 1024:.0f} MB); ratio {ratio:.2f}")  # fmt: skip
    record(
        "peak memory, study session on 100,000 sub-cards (warm)",
        f"{measured:.0f} MB",
        f"{floor:.0f} MB (bare Textual app)",
        ratio,
        "<= 2x",
        ratio <= 2,
    )


if __name__ == "__main__":
    main()
