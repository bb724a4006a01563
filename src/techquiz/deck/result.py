"""What loading a deck file gives: its problems and, when it has no errors, its deck; and reading
the file's text within the limits. Kept apart from the loader so that code which only handles
results (the deck cache, discovery, the app) does not import the YAML parser."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from techquiz.deck.model import Deck
from techquiz.deck.text import clean

MAX_FILE_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    column: int
    message: str
    severity: Literal["error", "warning"] = "error"

    def __post_init__(self) -> None:
        # Messages echo keys, ids and values from the file: one line, no control characters, wherever
        # the problem is printed or shown.
        object.__setattr__(self, "message", clean(self.message).replace("\n", " "))

    @property
    def where(self) -> str:
        """The file name as it may be shown (a file name can hold control characters too)."""
        return clean(str(self.path))

    def __str__(self) -> str:
        tag = "warning: " if self.severity == "warning" else ""
        return f"{self.where}:{self.line}:{self.column}: {tag}{self.message}"


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


def _too_big(path: Path, size: float) -> Problem:
    return Problem(path, 1, 1, f"file is {size / 1e6:.1f} MB; decks are limited to 10 MB")


def read_deck_text(path: Path) -> tuple[str | None, Problem | None]:
    """Read a deck file as text, refusing what is too large, unreadable, not a regular file or not UTF-8.

    Only regular files: a `.yaml` symlink to /dev/zero would be read until memory runs out, and a
    FIFO would block forever. The file is opened without blocking and checked through the open
    descriptor (no swap between check and read), and never more than the limit is read, whatever
    its stat said.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        return None, Problem(path, 1, 1, f"cannot read the file: {exc.strerror or exc}")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, Problem(path, 1, 1, "not a regular file (a device, a pipe or a folder); decks are files")
        if info.st_size > MAX_FILE_BYTES:
            return None, _too_big(path, info.st_size)
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, Problem(path, 1, 1, f"cannot read the file: {exc.strerror or exc}")
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:  # it grew while being read
        return None, _too_big(path, len(data))
    return _decode(path, data)
