"""Anki's cloze syntax: `{{c1::answer}}` and `{{c1::answer::hint}}`, one card per number.

Parsed by a hand-written scanner rather than a regular expression: a lazy `(.*?)` pattern
backtracks cubically on text such as `{{c1::` repeated (a 9.6 KB deck took 69 s), and deck text
is untrusted. Each character is looked at a bounded number of times, so parsing is linear.
"""

from __future__ import annotations

from dataclasses import dataclass

OPEN, CLOSE, SEPARATOR = "{{c", "}}", "::"
MAX_NUMBER_DIGITS = 6  # c1 .. c999999: a longer number is an error, never a 5,000-digit int()


@dataclass(frozen=True)
class Deletion:
    number: int
    answer: str
    hint: str | None
    start: int  # the span of `{{c1::...}}` in the text
    end: int


class ClozeNumberError(ValueError):
    """A deletion's number has more digits than any deck needs."""

    def __init__(self, digits: int) -> None:
        super().__init__(f"a cloze number has {digits} digits; use c1, c2, ... (at most {MAX_NUMBER_DIGITS} digits)")


def deletions(text: str) -> list[Deletion]:
    """Every deletion, in order. Same matches as Anki's `{{c(\\d+)::(.*?)(?:::(.*?))?}}`: the answer
    runs to the first `::` or `}}`, a hint to the first `}}`. Raises ClozeNumberError."""
    out: list[Deletion] = []
    at = text.find(OPEN)
    while at >= 0:
        digits_end = at + len(OPEN)
        while digits_end < len(text) and text[digits_end].isascii() and text[digits_end].isdigit():
            digits_end += 1
        digits = digits_end - at - len(OPEN)
        if digits == 0 or not text.startswith(SEPARATOR, digits_end):
            at = text.find(OPEN, at + 1)
            continue
        if digits > MAX_NUMBER_DIGITS:
            raise ClozeNumberError(digits)
        body = digits_end + len(SEPARATOR)
        close = text.find(CLOSE, body)
        if close < 0:  # no `}}` anywhere further: no later deletion can close either
            break
        inner = text[body:close]
        split = inner.find(SEPARATOR)
        answer, hint = (inner, None) if split < 0 else (inner[:split], inner[split + len(SEPARATOR) :])
        out.append(Deletion(int(text[at + len(OPEN) : digits_end]), answer, hint, at, close + len(CLOSE)))
        at = text.find(OPEN, close + len(CLOSE))
    return out


def numbers(text: str) -> list[int]:
    """The distinct deletion numbers in the text, in ascending order."""
    return sorted({d.number for d in deletions(text)})


def render(text: str, number: int, *, revealed: bool, blank: str = "[...]") -> str:
    """The cloze text for card `number`: its deletions blanked (or shown), all others shown."""
    parts: list[str] = []
    last = 0
    for d in deletions(text):
        parts.append(text[last : d.start])
        if d.number != number or revealed:
            parts.append(d.answer)
        else:
            parts.append(f"[{d.hint}]" if d.hint else blank)
        last = d.end
    parts.append(text[last:])
    return "".join(parts)


def reveal_all(text: str) -> str:
    """The sentence with every deletion shown."""
    return render(text, 0, revealed=True)


def answers(text: str, number: int) -> list[str]:
    return [d.answer for d in deletions(text) if d.number == number]
