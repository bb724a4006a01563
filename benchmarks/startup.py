"""Time to the first painted home screen, in a real terminal (tmux), against a bare Textual app.

Each run starts the program in a fresh tmux window of 80x24 and polls the screen every 5 ms until
its text appears. Median of N runs each. Budget: techquiz within 1.5x of the bare app.
Run: python benchmarks/startup.py [--runs N]   (needs tmux)
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time

from common import PY, ROOT, record

SESSION = "tq-bench"


def time_to_screen(command: str, marker: str, timeout: float = 30.0) -> float:
    subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
    start = time.perf_counter()
    subprocess.run(["tmux", "new-session", "-d", "-s", SESSION, "-x", "80", "-y", "24", command], check=True)
    try:
        while time.perf_counter() - start < timeout:
            screen = subprocess.run(
                ["tmux", "capture-pane", "-p", "-t", SESSION], capture_output=True, text=True
            ).stdout
            if marker in screen:
                return time.perf_counter() - start
            time.sleep(0.005)
        raise RuntimeError(f"{marker!r} never appeared for {command}")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        ours_cmd = f"TECHQUIZ_DATA_DIR={data} {PY} -m techquiz"
        bare_cmd = f"{PY} {ROOT / 'benchmarks' / 'bare_app.py'}"
        time_to_screen(ours_cmd, "card(s) to study")  # first run creates the store; not counted
        bare, ours = [], []
        for _ in range(args.runs):  # interleaved, so machine noise hits both alike
            bare.append(time_to_screen(bare_cmd, "bare app ready"))
            ours.append(time_to_screen(ours_cmd, "card(s) to study"))
    floor, measured = statistics.median(bare), statistics.median(ours)
    ratio = measured / floor
    print(f"bare Textual app {floor * 1000:.0f} ms, techquiz home {measured * 1000:.0f} ms, ratio {ratio:.2f}")
    record(
        "first painted home screen (bundled decks, warm)",
        f"{measured * 1000:.0f} ms",
        f"{floor * 1000:.0f} ms (bare Textual app)",
        ratio,
        "<= 1.5x",
        ratio <= 1.5,
    )


if __name__ == "__main__":
    main()
