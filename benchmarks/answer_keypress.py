"""Grade key to the next card painted, in a real terminal (tmux 80x24), as the learner feels it.

A store with N basic cards and 1,000,000 review-log rows (most cards in review, many due), studied
in `techquiz study` inside tmux: each round reveals the card (space), waits for the grade buttons,
then presses `3` and polls the screen every few ms until the next card's text is painted (its
prompt, with the buttons gone). The floor is a bare Textual app whose label changes on the same key,
timed the same way in the same run, interleaved. The first answer of a fresh session is timed
separately (one per process start). Budgets (issue 20): median <= 4x and p90 <= 6x the floor's;
the first answer the same.

Run: python benchmarks/answer_keypress.py [--cards 20000 100000] [--answers 40] [--firsts 5]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from common import PY, ROOT, TMUX, compile_like_an_install, record
from stats import NOW, build

SESSION = "tq-keys"
PROMPT = re.compile(r"Question number (\d+)")


def write_basic_deck(path: Path, cards: int) -> None:
    lines = ["format: 1\nid: big\ntitle: A big deck\nsettings: {new_per_day: 50, reviews_per_day: 9999}\ncards:\n"]
    lines += [f"  - {{id: b{i}, front: 'Question number {i}: what is {i} times two?', back: '{i * 2}'}}\n"
              for i in range(cards)]  # fmt: skip
    path.write_text("".join(lines), encoding="utf-8")


def screen() -> str:
    return subprocess.run([*TMUX, "capture-pane", "-p", "-t", SESSION], capture_output=True, text=True).stdout


def wait_for(test: object, timeout: float = 30.0) -> tuple[float, str]:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        text = screen()
        if test(text):  # type: ignore[operator]
            return time.perf_counter(), text
        time.sleep(0.002)
    raise RuntimeError(f"the screen never changed as expected:\n{screen()}")


def press(key: str) -> float:
    subprocess.run([*TMUX, "send-keys", "-t", SESSION, key], check=True)
    return time.perf_counter()


def start(command: str, ready: object) -> None:
    subprocess.run([*TMUX, "kill-session", "-t", SESSION], capture_output=True)
    subprocess.run([*TMUX, "new-session", "-d", "-s", SESSION, "-x", "80", "-y", "24", command], check=True)
    wait_for(ready, timeout=120)


def stop() -> None:
    subprocess.run([*TMUX, "kill-session", "-t", SESSION], capture_output=True)


def prompt_of(text: str) -> str | None:
    found = PROMPT.search(text)
    return found.group(1) if found else None


def revealed(text: str) -> bool:
    return "Again" in text and "Good" in text


def one_answer() -> float:
    """From the revealed card: press 3, time until another card's front is painted."""
    before = prompt_of(screen())
    sent = press("3")
    painted, _ = wait_for(lambda t: not revealed(t) and prompt_of(t) not in (None, before))
    return painted - sent


def reveal() -> None:
    press("space")
    wait_for(revealed)


def bare_answer(count: int) -> float:
    sent = press("3")
    painted, _ = wait_for(lambda t: f"card {count}" in t)
    return painted - sent


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--answers", type=int, default=40, help="answers timed per size (and bare key presses)")
    parser.add_argument("--firsts", type=int, default=5, help="fresh sessions whose first answer is timed")
    args = parser.parse_args()
    compile_like_an_install()  # the first answer imports the study code: from .pyc, as installed
    bare_cmd = f"{PY} {ROOT / 'benchmarks' / 'bare_keypress.py'}"
    for cards in args.cards:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            decks = root / "decks"
            decks.mkdir()
            write_basic_deck(decks / "big.yaml", cards)
            os.environ["XDG_CACHE_HOME"] = str(root / "cache")
            data = build(root / "data", decks, args.reviews)
            env = (f"XDG_CACHE_HOME={root / 'cache'} TECHQUIZ_DATA_DIR={data} TECHQUIZ_NOW={NOW.isoformat()} "
                   f"TECHQUIZ_DECKS={decks}")  # fmt: skip
            ours_cmd = f"{env} {PY} -m techquiz study big"
            ours: list[float] = []
            bare: list[float] = []
            firsts: list[float] = []
            bare_firsts: list[float] = []
            start(ours_cmd, lambda t: prompt_of(t) is not None)  # the first start fills the deck cache
            stop()
            for _ in range(args.firsts):  # interleaved: machine noise hits both alike
                start(bare_cmd, lambda t: "card 0" in t)
                bare_firsts.append(bare_answer(1))
                stop()
                start(ours_cmd, lambda t: prompt_of(t) is not None)
                reveal()
                firsts.append(one_answer())
                stop()
            start(bare_cmd, lambda t: "card 0" in t)
            for i in range(args.answers):
                bare.append(bare_answer(i + 1))
            stop()
            start(ours_cmd, lambda t: prompt_of(t) is not None)
            for _ in range(args.answers):
                reveal()
                ours.append(one_answer())
            stop()
        floor_med, floor_p90 = statistics.median(bare), p90(bare)
        med, high = statistics.median(ours), p90(ours)
        first = statistics.median(firsts)
        first_floor = statistics.median(bare_firsts)
        print(f"{cards:,} cards: grade -> next card median {med * 1000:.0f} ms, p90 {high * 1000:.0f} ms; "
              f"bare app {floor_med * 1000:.0f} / {floor_p90 * 1000:.0f} ms; first answer {first * 1000:.0f} ms "
              f"(bare first key {first_floor * 1000:.0f} ms)")  # fmt: skip
        label = f"{cards:,} cards, {args.reviews:,} reviews, tmux 80x24"
        record(f"grade key -> next card painted, median ({label})", f"{med * 1000:.0f} ms",
               f"{floor_med * 1000:.0f} ms (bare app key -> repaint)", med / floor_med, "<= 4x",
               med / floor_med <= 4)  # fmt: skip
        record(f"grade key -> next card painted, p90 ({label})", f"{high * 1000:.0f} ms",
               f"{floor_p90 * 1000:.0f} ms (bare app p90)", high / floor_p90, "<= 6x",
               high / floor_p90 <= 6)  # fmt: skip
        record(f"first answer of a session, median of {args.firsts} ({label})", f"{first * 1000:.0f} ms",
               f"{first_floor * 1000:.0f} ms (bare app first key)", first / first_floor, "<= 4x",
               first / first_floor <= 4)  # fmt: skip


if __name__ == "__main__":
    main()
