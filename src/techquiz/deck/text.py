"""Deck text is untrusted: what may reach the screen from it."""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, and C1 controls. ESC and C1 bytes would reach the terminal
# (Rich strips only BEL, BS, VT, FF and CR), and an OSC 52 sequence could write the user's clipboard.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> tuple[str, bool]:
    """Return the text without control characters, and whether any were removed."""
    cleaned = _CONTROL.sub("", text)
    return cleaned, len(cleaned) != len(text)
