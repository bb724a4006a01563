"""The one way deck text reaches Textual: literal, never markup, with no control characters.

Deck titles, card text, file names and error lines come from files strangers share. Given to
Textual as a string they are parsed as markup in many places (the command palette's hits and help
text, `notify` without markup=False, widget titles, tooltips): a title with `[/` crashes the app,
and `[@click=app.screenshot(...)]` runs an action that writes files. Everything from a file goes
through one of these helpers on its way to the screen.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content
from textual.fuzzy import Matcher

from techquiz.deck.text import clean


def literal(text: str) -> Content:
    """Text shown exactly as written (minus control characters): for Static, titles, tooltips, hits."""
    return Content(clean(text))


def cell(text: str, style: str = "", justify: str | None = None) -> Text:
    """A DataTable cell: a Rich Text, which a table never parses as markup."""
    return Text(clean(text), style=style, justify=justify)  # type: ignore[arg-type]


def plain(text: str) -> str:
    """A message for `notify(..., markup=False)`: only the control characters go."""
    return clean(text)


def escaped(text: str) -> str:
    """Text for the few places that accept only markup (the palette's help line): every `[` escaped,
    so the markup parser gives the text back unchanged."""
    return clean(text).replace("[", "\\[")


def highlighted(matcher: Matcher, text: str) -> Content:
    """A palette hit with the query's letters highlighted, built from literal text (Textual's own
    `Matcher.highlight` parses the candidate as markup)."""
    content = literal(text)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, content.plain)
    for offset in offsets:
        if not content.plain[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
