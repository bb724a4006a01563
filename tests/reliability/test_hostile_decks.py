"""Decks are shared between strangers: whatever a deck file holds, `techquiz validate` answers with
a clear error or accepts it as inert text, in a real subprocess — never a crash, a hang, a
traceback, an executed tag or action, or a terminal control sequence on the way out."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

HEAD = "format: 1\nid: hostile\ntitle: Hostile\ncards:\n"
_random = random.Random(8)

CASES: dict[str, tuple[bytes, int, str]] = {  # name: (file content, exit code, expected in the output)
    "markup and actions": (
        (HEAD.replace("title: Hostile", 'title: "[bold red]x[/] [@click=app.quit]quit[/]"')
         + '  - {id: a, front: "[@click=app.quit]Click[/] [link=file:///etc/passwd]x[/link]", back: "[/broken"}\n'
         ).encode(),
        0, "1 deck(s), 1 card(s): valid",
    ),
    "ANSI and OSC escapes": (
        (HEAD + '  - {id: a, front: "\\e]52;c;aGVsbG8=\\a\\e[31mred\\x9b2J", back: "\\e[?1049h"}\n').encode(),
        0, "control characters removed",
    ),
    "python tag": (
        (HEAD + '  - {id: a, front: !!python/object/apply:os.system ["touch PWNED"], back: b}\n').encode(),
        1, "YAML tags are not allowed in decks: !!python/object/apply:os.system",
    ),
    "alias bomb": (
        ("a: &a [x, x, x, x, x, x, x, x, x]\n"
         + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
                   for i in range(20))).encode(),
        1, "YAML anchors (&) are not allowed in decks",
    ),
    "12 MB file": (b"# padding\n" * 1_300_000, 1, "decks are limited to 10 MB"),
    "100,000-deep nesting": (b"a: " + b"[" * 100_000 + b"]" * 100_000, 1, "nesting depth"),
    "YAML 1.1 scalars": (
        (HEAD + "  - {id: a, front: Norway?, back: no}\n  - {id: b, front: time, back: 1:30}\n"
                "  - {id: c, front: mode, back: 0777}\n").encode(),
        0, "1 deck(s), 3 card(s): valid",
    ),
    "invalid UTF-8": (HEAD.encode() + b"  - {id: a, front: caf\xe9, back: b}\n", 1, "5:23: not UTF-8 text (byte 0xe9)"),
    "binary junk": (bytes(_random.randrange(256) for _ in range(20_000)), 1, ""),
    "NUL bytes in text": (
        HEAD.encode() + b"  - {id: a, front: \"x\x00y\", back: b}\n", 1, "5:22: character U+0000 is not allowed"
    ),
    "empty file": (b"", 1, "the file is empty"),
    "a list, not a deck": (b"- a\n- b\n", 1, "a deck is a mapping"),
}  # fmt: skip

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.mark.parametrize("name", CASES)
def test_hostile_deck(name: str, tmp_path: Path) -> None:
    content, code, expected = CASES[name]
    deck = tmp_path / "hostile.yaml"
    deck.write_bytes(content)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    proc = subprocess.run(
        [sys.executable, "-m", "techquiz", "validate", str(deck)],
        capture_output=True, cwd=tmp_path, env=env, timeout=60,
    )  # fmt: skip
    out, err = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    assert proc.returncode == code, err
    assert "Traceback" not in err and not CONTROL.search(out + err.replace("\n", ""))
    assert expected in out + err
    for line in err.splitlines():
        assert line.startswith(f"{deck}:") or line.endswith("deck file(s) invalid"), line
        if line.startswith(f"{deck}:"):
            assert re.match(rf"{re.escape(str(deck))}:\d+:\d+: ", line), line
    assert not (tmp_path / "PWNED").exists()
