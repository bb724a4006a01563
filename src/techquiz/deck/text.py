"""Deck text is untrusted: what may reach the screen from it.

Everything read from a file (card text, but also keys, ids and values echoed in an error message,
and file names) goes through here before it is printed or shown.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, and C1 controls. ESC and C1 bytes would reach the terminal
# (Rich strips only BEL, BS, VT, FF and CR), and an OSC 52 sequence could write the user's clipboard.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
MAX_SHOWN = 60  # an echoed value longer than this is cut: an error line stays one readable line


def strip_controls(text: str) -> tuple[str, bool]:
    """Return the text without control characters, and whether any were removed."""
    if text.isprintable():  # most card text: one C-speed pass, no regex (every field of every card)
        return text, False
    cleaned = _CONTROL.sub("", text)
    return cleaned, len(cleaned) != len(text)


def clean(text: str) -> str:
    """The text without control characters (newlines and tabs kept)."""
    return _CONTROL.sub("", text)


def shown(value: str, limit: int = MAX_SHOWN) -> str:
    """A value from a file as an error message quotes it: on one line, without control characters,
    cut to `limit` characters."""
    one_line = clean(value).replace("\n", "\\n").replace("\t", "\\t")
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"
