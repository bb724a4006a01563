"""Anki fields are HTML; techquiz cards are plain text (and back again on export)."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from techquiz.deck.text import strip_controls

_BLOCKS = frozenset("div p ul ol tr table blockquote pre h1 h2 h3 h4 h5 h6 section article".split())
_MEDIA_TAGS = frozenset("img audio video object embed".split())
_SOUND = re.compile(r"\[sound:[^\]]*\]")
_SPACES = re.compile(r"[ \t\f\v\r\xa0]+")


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.media = 0
        self._hidden = 0  # inside <script>/<style>: not text a learner ever saw

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in _BLOCKS:
            self.parts.append("\n")
        elif tag in _MEDIA_TAGS:
            self.media += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def html_to_text(field: str) -> tuple[str, int]:
    """The field as plain text (entities decoded, line breaks and list items kept), and how many
    media references (images, sounds, videos) were left out."""
    sounds = len(_SOUND.findall(field))
    parser = _TextParser()
    parser.feed(_SOUND.sub("", field))
    parser.close()
    text, _ = strip_controls("".join(parser.parts))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):  # one blank line at most between paragraphs
            kept.append(line)
    return "\n".join(kept).strip(), parser.media + sounds


def text_to_html(text: str) -> str:
    """Plain card text as an Anki field: escaped, newlines as <br>."""
    return html.escape(text, quote=False).replace("\n", "<br>")
