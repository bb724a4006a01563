"""Run every benchmark in turn; each prints its figures and appends its row to docs/performance.md.

Run: python benchmarks/run_all.py   (needs tmux for the start-up and memory benchmarks; ~30 minutes)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    "validate_big_deck.py", "answer_path.py", "startup.py", "stats.py", "memory.py", "slow_decks.py", "import_anki.py",
    "quiz_start.py", "cold_parse.py", "answer_keypress.py",
]


def main() -> int:
    failed = []
    for script in SCRIPTS:
        print(f"== {script}", flush=True)
        if subprocess.run([sys.executable, str(HERE / script)], cwd=HERE).returncode != 0:
            failed.append(script)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
