"""Issue #19 point 2: whatever a deck file holds, and whatever it is called, `validate`, `decks`
and `stats` print no control character (an OSC 52 clipboard write and a C1 CSI once got through)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")  # C0 (not \t \n), DEL, C1 as UTF-8
OSC52 = "\\e]52;c;aGVsbG8=\\a"
C1 = "\\u009b31m"

HOSTILE = f"""\
format: 1
id: "evil{OSC52}"
title: "T{OSC52}"
"unknown{OSC52}{C1}": 1
settings: {{new_per_day: "x{OSC52}"}}
cards:
  - {{id: "a{C1}", front: f, back: b, "k{OSC52}": 1}}
  - {{id: b, front: !<!%1B%5D52;c;aGVsbG8=%07> x, back: b}}
  - {{id: c, type: choice, question: q, choices: [a, b], answer: "z{OSC52}"}}
  - {{id: d, front: f, back: b, "dup{C1}": 1, "dup{C1}": 2}}
"""
STRIPPED = f"""\
format: 1
id: fine
title: "Fine {OSC52}"
cards:
  - {{id: a, front: "f{C1}", back: "b{OSC52}"}}
"""


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "techquiz", *args], capture_output=True, env=env, check=False)


@pytest.mark.parametrize(
    "args", [["validate", "{decks}"], ["decks"], ["decks", "--json"], ["stats", "fine"], ["stats", "--json"]]
)
def test_nothing_from_a_file_reaches_the_terminal_as_a_control_sequence(tmp_path: Path, args: list[str]) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "evil\x1b]52;c;aGVsbG8=\x07\x1b[2J.yaml").write_text(HOSTILE, encoding="utf-8")
    (decks / "fine.yaml").write_text(STRIPPED, encoding="utf-8")
    env = {
        **os.environ,
        "TECHQUIZ_DATA_DIR": str(tmp_path / "data"),
        "TECHQUIZ_DECKS": str(decks),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    done = _run([a.format(decks=decks) for a in args], env)
    assert done.returncode in (0, 1) and b"Traceback" not in done.stderr
    for stream in (done.stdout, done.stderr):
        assert not CONTROL.search(stream), stream
    if args == ["decks", "--json"]:
        data = json.loads(done.stdout)
        assert data["broken"] and data["broken"][0]["path"].endswith("[2J.yaml")  # JSON-escaped: \u001b, inert
    if args[0] == "validate":
        assert done.stderr.count(b"\n") >= 8  # every problem reported, each on its own line
