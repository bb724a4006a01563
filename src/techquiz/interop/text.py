"""Quizlet exports and plain CSV/TSV files as a basic deck.

One card per row: term, definition and, optionally, tags (space-separated). The separator is
sniffed (tab, comma, semicolon or pipe); a header row (front/back, term/definition, question/answer)
is recognised and skipped; quoted fields may hold newlines. Anki's text exports are understood
too: their `#separator:`, `#html:` and `#tags column:` lines are read (and the guid, note type and
deck columns they announce are left out).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from techquiz.authoring.ids import slug
from techquiz.deck.text import strip_controls
from techquiz.errors import UserError
from techquiz.interop.anki import deck_id_for
from techquiz.interop.html import html_to_text
from techquiz.interop.yamlwrite import CardOut

MAX_TEXT_BYTES = 50 * 1024 * 1024
_HEADER_WORDS = frozenset("front back term terms definition definitions question answer tags word meaning".split())
_SEPARATORS = {"tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|", "space": " ", "colon": ":"}
_DIRECTIVE = re.compile(r"#([a-z ]+):(.*)")


@dataclass
class TextDeck:
    id: str
    title: str
    cards: list[CardOut]
    skipped: Counter[str]
    media: int


def _directives(lines: list[str]) -> tuple[dict[str, str], int]:
    found: dict[str, str] = {}
    count = 0
    for line in lines:
        match = _DIRECTIVE.fullmatch(line.strip())
        if not match:
            break
        found[match[1].strip()] = match[2].strip()
        count += 1
    return found, count


def _sniff(body: str) -> str:
    sample = body[:20000]
    first = next((line for line in sample.splitlines() if line.strip()), "")
    if "\t" in first:
        return "\t"  # Quizlet's default, and what a tab in the first row nearly always means
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;|").delimiter
    except csv.Error:
        for separator in (",", ";", "|"):
            if separator in first:
                return separator
    raise UserError("found no separator (tab, comma, semicolon or pipe) between term and definition")


def _rows(path: Path, body: str, separator: str, first_line: int) -> list[list[str]]:
    """The rows, read leniently (a stray quote after a field's start is text), except for a quote that
    opens a field and never closes: that would swallow the rest of the file into one card, silently."""
    reader = csv.reader(io.StringIO(body), delimiter=separator, strict=True)
    rows: list[list[str]] = []
    start = first_line  # the file's line where the row being read begins
    try:
        for row in reader:
            rows.append(row)
            start = first_line + reader.line_num
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise UserError(
                f"{path}:{start}: a quoted field starts in this row and its closing quote never comes, so the "
                'rest of the file would be one card; close the quote (or double it: "") and import again'
            ) from None
        return list(csv.reader(io.StringIO(body), delimiter=separator))  # other quirks: read as text
    return rows


def read_text_deck(path: Path) -> TextDeck:
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise UserError(f"{path}: {size / 1e6:.0f} MB is too big for a card list (at most 50 MB)")
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not a UTF-8 text file (byte {exc.start}); save it as UTF-8 and try again") from exc
    text, _ = strip_controls(text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", ""))
    lines = text.split("\n")
    directives, skip = _directives(lines)
    body = "\n".join(lines[skip:])
    if not body.strip():
        raise UserError(f"{path}: no cards in this file")
    separator = _SEPARATORS.get(directives.get("separator", "").lower()) or directives.get("separator", "")[:1]
    try:
        separator = separator or _sniff(body)
    except UserError as exc:
        raise UserError(f"{path}: {exc}") from None
    is_html = directives.get("html", "").lower() == "true"
    tags_column = int(directives["tags column"]) - 1 if directives.get("tags column", "").isdigit() else None
    # Anki's exports can carry the guid, note type and deck of each note in columns of their own.
    ignored = {
        int(directives[f"{name} column"]) - 1
        for name in ("guid", "notetype", "deck")
        if directives.get(f"{name} column", "").isdigit()
    }
    rows = _rows(path, body, separator, first_line=skip + 1)
    skipped: Counter[str] = Counter()
    first = [cell.strip().casefold() for cell in rows[0]] if rows else []
    if first and len(first) >= 2 and first[0] in _HEADER_WORDS and first[1] in _HEADER_WORDS:
        if "tags" in first:
            tags_column = first.index("tags")
        rows = rows[1:]
    if tags_column is None and rows and all(len(r) == 3 for r in rows if any(c.strip() for c in r)):
        tags_column = 2  # a third column throughout: tags, as Anki and most tools export them
    cards: list[CardOut] = []
    taken: set[str] = set()
    next_suffix: dict[str, int] = {}
    media = 0
    for row in rows:
        if not any(cell.strip() for cell in row):
            continue
        values = [c for i, c in enumerate(row) if i != tags_column and i not in ignored]
        if len(values) < 2:
            skipped["rows without a second column (no definition)"] += 1
            continue
        front, back = values[0].strip(), values[1].strip()
        if is_html:
            (front, m1), (back, m2) = html_to_text(front), html_to_text(back)
            media += m1 + m2
        if not front or not back:
            skipped["rows with an empty term or definition"] += 1
            continue
        tags = tuple(row[tags_column].split()) if tags_column is not None and tags_column < len(row) else ()
        # A term with no Latin letters or digits (犬, кошка) slugs to nothing: its id comes from its text,
        # not its row, so a row added above it on a later import does not take over its progress.
        card_id = _unique(slug(front) or f"card-{_digest(front)}", taken, next_suffix)
        cards.append(CardOut(card_id, "basic", (("front", front), ("back", back)), tags))
    if not cards:
        raise UserError(f"{path}: no cards found (each line needs a term and a definition)")
    title = path.stem.replace("_", " ").replace("-", " ").strip() or "Imported cards"
    deck_id = deck_id_for(path.stem, 0) if slug(path.stem) else f"deck-{_digest(path.stem)}"  # 日本語.csv, !!!.csv
    return TextDeck(deck_id, title[:1].upper() + title[1:], cards, skipped, media)


def _unique(base: str, taken: set[str], next_suffix: dict[str, int]) -> str:
    """`base`, else `base-2`, `base-3`... (the ids authoring.ids.unique gives), resuming where the last
    row with this base stopped: a file repeating one term 100,000 times took minutes, trying every
    suffix again for each row."""
    n = next_suffix.get(base, 1)
    candidate = base if n == 1 else f"{base}-{n}"
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    next_suffix[base] = n + 1
    taken.add(candidate)
    return candidate


def _digest(text: str) -> str:
    return hashlib.sha1(text.casefold().encode()).hexdigest()[:8]
