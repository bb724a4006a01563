"""What loading a deck file gives: its problems and, when it has no errors, its deck; and reading
the file's text within the limits. Kept apart from the loader so that code which only handles
results (the deck cache, discovery, the app) does not import the YAML parser."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from techquiz.deck.model import Deck

MAX_FILE_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    column: int
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        tag = "warning: " if self.severity == "warning" else ""
        return f"{self.path}:{self.line}:{self.column}: {tag}{self.message}"


@dataclass(frozen=True)
class LoadResult:
    path: Path
    deck: Deck | None
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")


def _decode(path: Path, data: bytes) -> tuple[str | None, Problem | None]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        return None, Problem(
            path, line, column, f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8"
        )
    return text.removeprefix("\ufeff"), None


def read_deck_text(path: Path) -> tuple[str | None, Problem | None]:
    """Read a deck file as text, refusing what is too large, unreadable or not UTF-8."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, Problem(path, 1, 1, f"file is {size / 1e6:.1f} MB; decks are limited to 10 MB")
        data = path.read_bytes()
    except OSError as exc:
        return None, Problem(path, 1, 1, f"cannot read the file: {exc.strerror or exc}")
    return _decode(path, data)
