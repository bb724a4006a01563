"""Shared by the benchmark scripts: big generated decks, timing whole processes, the results table."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "docs" / "performance.md"
CARD_TYPES = [
    "  - {{id: b{i}, front: 'Question number {i}: what is {i} times two?', back: '{d}', explain: 'Because {i}*2={d}.'}}\n",
    "  - {{id: c{i}, type: cloze, text: 'In {{{{c1::{i}}}}}, {{{{c2::{d} percent}}}} of papers had co-authors.'}}\n",
    "  - {{id: m{i}, type: choice, question: 'Pick {i}', choices: ['{i}', '{d}', 'x{i}'], answer: '{i}'}}\n",
    "  - {{id: t{i}, type: typed, question: 'Type {i}', answer: '{d}', accept: ['{i}']}}\n",
    "  - {{id: f{i}, type: truefalse, statement: '{i} is even', answer: {even}}}\n",
]


def write_big_deck(path: Path, cards: int, deck_id: str = "big") -> Path:
    lines = [f"format: 1\nid: {deck_id}\ntitle: A big deck\ncards:\n"]
    for i in range(cards):
        lines.append(CARD_TYPES[i % len(CARD_TYPES)].format(i=i, d=i * 2, even=str(i % 2 == 0).lower()))
    path.write_text("".join(lines), encoding="utf-8")
    return path


def time_process(argv: Sequence[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def median_of(runs: int, argv: Sequence[str], env: dict[str, str] | None = None) -> float:
    time_process(argv, env)  # warm the page cache
    return statistics.median(time_process(argv, env) for _ in range(runs))


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def record(benchmark: str, measured: str, floor: str, ratio: float, budget: str, ok: bool) -> None:
    """Append one row to the results table in docs/performance.md."""
    row = (
        f"| {datetime.now(UTC):%Y-%m-%d %H:%M} | {benchmark} | {measured} | {floor} | {ratio:.2f} | {budget} | "
        f"{'met' if ok else 'MISSED'} | {machine()} |\n"
    )
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    marker = "<!-- results -->\n"
    if marker not in text:
        text += (
            "\n## Results\n\n"
            "| when (UTC) | benchmark | measured | floor | ratio | budget | | machine |\n"
            "| --- | --- | --- | --- | --- | --- | --- | --- |\n" + marker
        )
    RESULTS.write_text(text.replace(marker, row + marker), encoding="utf-8")
    print(row.strip())


PY = sys.executable
# A tmux server of the benchmark's own: sessions of other tmux users (or a second benchmark) on the
# default server are never killed or typed into, and theirs never disturb ours.
TMUX = ["tmux", "-L", f"techquiz-bench-{os.getpid()}"]


def compile_like_an_install(src: Path = ROOT / "src") -> None:
    """Write the .pyc files of techquiz's modules, as `pip install` does for an installed package.

    Timing a start-up without them measures Python compiling our ~35 modules from source (~30 ms),
    which no installed copy does; and with PYTHONDONTWRITEBYTECODE set (some shells, containers)
    an editable checkout would compile them again on every run, while Textual's came compiled."""
    subprocess.run([PY, "-m", "compileall", "-q", str(src)], check=True, stdout=subprocess.DEVNULL)
