"""The command line's last line of defence: nothing printed reaches the terminal as a control sequence.

Decks, file names and backups are untrusted, and they are echoed in many places (error lines, deck
lists, JSON). Each of those cleans what it echoes; this wrapper around stdout and stderr cleans
whatever any command prints, so a place that forgot cannot write an OSC 52 clipboard sequence or a
C1 CSI to the user's terminal. techquiz itself never prints colour or cursor codes.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import TextIO

from techquiz.deck.text import clean


class CleanStream:
    """A text stream that drops C0 (but newline and tab), DEL, ESC and C1 characters on write."""

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner

    def write(self, text: str) -> int:
        self.inner.write(clean(text))
        return len(text)

    def __getattr__(self, name: str) -> object:  # flush, fileno, isatty, encoding... of the real stream
        return getattr(self.inner, name)


@contextlib.contextmanager
def cleaned_output() -> Iterator[None]:
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = CleanStream(out), CleanStream(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err
