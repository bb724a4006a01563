"""Reading a plain-text document as an author would: its header, then its prose, sentence by sentence.

Ordinary documents are hard-wrapped, and mix prose with headings (underlined, `#`, or a short line on
its own), lists, tables, code, link definitions, badges and licence boilerplate. Lines are grouped into
blocks at blank lines; a block's wrapped lines are joined back into one paragraph; a block that is a
heading, a table, code or shouting (all capitals) is not prose and is left out. Inline markup
(Markdown and reStructuredText) is reduced to its text. What remains is split into sentences, and only
whole sentences of ordinary prose are kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# ---- blocks --------------------------------------------------------------------------------------

_UNDERLINE = re.compile(r"^\s*([=\-~^*#+_`])\1{2,}\s*$")  # "=====" under a heading; "----" or "____" rules
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
_FENCE = re.compile(r"^\s*(```|~~~)")
_DIRECTIVE = re.compile(r"^\s*\.\.\s")  # ".. image::", ".. _label: url", ".. contents::"
_LINK_DEFINITION = re.compile(r"^\s*\[[^\]]+\]:\s*\S")  # Markdown "[label]: https://..."
_FIELD = re.compile(r"^\s*:[\w -]+:(\s|$)")  # reST ":alt: text" under a directive
_BULLET = re.compile(r"^(\s*)(?:[-*+•–]|\(?\d{1,2}[.)]|\(?[a-z][.)]|\([ivx]{1,4}\))\s+(?=\S)")
# Cells apart by two spaces or more (not after a full stop: some authors put two spaces between sentences).
_TABLE_ROW = re.compile(r"\|.*\||^\s*\+[-=+]{3,}|(?:[^\s.!?:;,] {2,}\S.*){2}")
_CODE_LINE = re.compile(
    r"^\s*(?:\$ |>>> |% |# |#include|//|/\*|\{|\}|def |class |import |from \S+ import|return\b|if \(|for \()"
    r"|[;{]\s*$|=>|->|\w\(.*\)\s*$|^\s*<[a-zA-Z/!]|[\\|^~]{2}|--\w+=|\s-{1,2}\w+\s+-{1,2}\w"
)
_FUNCTION_WORDS = frozenset("a an and as at by for from in of on or the to with".split())


@dataclass
class _Block:
    lines: list[str] = field(default_factory=list)
    item: bool = False  # a list item (its marker already removed)
    heading: bool = False  # underlined or marked with '#': never prose, but it may title the document
    inset: bool = False  # indented under a line ending in ':' with no blank line between: an example
    after_literal: bool = False  # follows a paragraph ending in "::" (a reST literal block)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _blocks(text: str) -> list[_Block]:
    """Lines grouped into blocks: split at blank lines, list markers, fences and directives."""
    out: list[_Block] = []
    current = _Block()
    fenced = False
    skipping_indent: int | None = None  # inside a directive: skip what is indented under it
    literal_next = False

    def close() -> None:
        nonlocal current, literal_next
        if current.lines:
            out.append(current)
            literal_next = current.lines[-1].rstrip().endswith("::")
        current = _Block(after_literal=literal_next)

    for line in text.split("\n"):
        if _FENCE.match(line):
            close()
            fenced = not fenced
            continue
        if fenced:
            continue
        if skipping_indent is not None:
            if not line.strip() or _indent(line) > skipping_indent:
                continue
            skipping_indent = None
        if not line.strip():
            close()
            continue
        if _DIRECTIVE.match(line) or _LINK_DEFINITION.match(line) or _FIELD.match(line):
            close()
            skipping_indent = _indent(line)
            continue
        if _UNDERLINE.match(line):
            above = current.lines[-1].strip() if current.lines else ""
            # "=====" as long as the line above, which does not end a sentence, underlines a heading;
            # any other such line ("_____", or one under a paragraph) is a rule between paragraphs.
            if above and "_" not in line and len(line.strip()) >= 0.7 * len(above) and above[-1] not in ".,;":
                current.lines.pop()
                close()
                out.append(_Block([above], heading=True))
            close()
            current = _Block()
            continue
        bullet = _BULLET.match(line)
        if bullet:
            close()
            current = _Block([" " * len(bullet[0]) + line[len(bullet[0]) :]], item=True)
            continue
        if _MD_HEADING.match(line):
            close()
            out.append(_Block([line.lstrip(" #")], heading=True))
            continue
        if current.inset and _indent(line) < _indent(current.lines[0]):
            close()  # back from the example to the paragraph's margin
        elif (
            current.lines
            and not current.inset
            and current.lines[-1].rstrip().endswith(":")
            and _indent(line) >= _indent(current.lines[0]) + 3
        ):
            close()
            current = _Block(inset=True)
        current.lines.append(line)  # a wrapped line, even back at the margin, continues its paragraph or item
    close()
    return out


def _is_heading_line(line: str, longest: int) -> bool:
    """A short line without closing punctuation that does not read as a cut-off sentence."""
    words = line.split()
    return (
        len(words) < 8
        and not re.search(r"[.!?,;:\"”')]$", line.strip())
        and words[-1].lower() not in _FUNCTION_WORDS
        and len(line.strip()) < 0.6 * longest
    )


def _prose_lines(block: _Block) -> list[str]:
    """The block's lines that are prose: none for headings, tables, code and shouting; a leading
    heading or definition term ('root' above its indented description) dropped."""
    lines = block.lines
    if block.heading:
        return []
    if sum(bool(_TABLE_ROW.search(line.strip())) for line in lines) * 2 >= len(lines):
        return []
    if (block.after_literal and not block.item) or (block.inset and any(_CODE_LINE.search(x) for x in lines)):
        return []
    if sum(bool(_CODE_LINE.search(line)) for line in lines) * 3 >= len(lines):
        return []
    longest = max(len(line.strip()) for line in lines)
    if len(lines) > 1 and not block.item:
        first, rest = lines[0], lines[1:]
        deeper = all(_indent(line) > _indent(first) for line in rest)
        if (deeper and len(first.split()) <= 4) or (_is_heading_line(first, longest) and rest[0].strip()[:1].isupper()):
            lines = rest
    letters = [c for c in " ".join(lines) if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) > 0.6 * len(letters):
        return []  # ALL-CAPS: a warranty disclaimer or a banner, not prose to learn
    return lines


def _unwrap(lines: list[str]) -> str:
    """Hard-wrapped lines back into one paragraph; a word broken by a hyphen at a line's end is rejoined."""
    text = ""
    for line in (line.strip() for line in lines):
        if text.endswith("-") and re.match(r"[a-z]", line) and re.search(r"[a-z]{2}-$", text):
            text = text[:-1] + line
        else:
            text = f"{text} {line}" if text else line
    return text


# ---- inline markup -------------------------------------------------------------------------------

_INLINE = [
    (
        re.compile(
            r"</?(?:p|a|img|br|div|span|b|i|em|strong|code|pre|sub|sup|h[1-6]|ul|ol|li|table|tr|td|th|details|"
            r"summary|picture|source)\b[^>\n]*>",
            re.IGNORECASE,
        ),
        "",
    ),  # HTML tags, not "<namespace>"
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # Markdown images
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # [text](url)
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # [text][ref]
    (re.compile(r"\[([^\]]+)\](?![(\[])"), r"\1"),  # [text], a shortcut reference
    (re.compile(r":rfc:`(\d+)`"), r"RFC \1"),
    (re.compile(r":pep:`(\d+)`"), r"PEP \1"),
    (re.compile(r":[\w:.-]+:`~?([^`<]*?)\s*(?:<[^>]*>)?`"), r"\1"),  # reST roles, :class:`~email.Message`
    (re.compile(r"`([^`]+?)\s*<[^>]*>`_{1,2}"), r"\1"),  # reST `text <url>`_
    (re.compile(r"`([^`]+)`_{1,2}"), r"\1"),  # reST `text`_
    (re.compile(r"``([^`]+)``|`([^`]+)`"), r"\1\2"),
    (re.compile(r"(?<![\w*])\*\*(\S(?:.*?\S)?)\*\*(?![\w*])|(?<![\w_])__(\S(?:.*?\S)?)__(?![\w_])"), r"\1\2"),
    (re.compile(r"(?<![\w*])\*(\S(?:[^*]*?\S)?)\*(?![\w*])|(?<![\w_])_(\S(?:[^_]*?\S)?)_(?![\w_])"), r"\1\2"),
    (re.compile(r"\s*\\\s*$"), ""),
]


def plain(text: str) -> str:
    """Inline Markdown and reStructuredText reduced to the text a reader sees."""
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


# ---- sentences -----------------------------------------------------------------------------------

# A full stop after these is not the end of a sentence.
_ABBREVIATIONS = re.compile(
    r"\b(Mr|Mrs|Ms|Dr|Prof|St|Jr|Sr|vs|etc|e\.g|i\.e|cf|al|U\.S|U\.K|U\.N|E\.U|No|Nos|Inc|Ltd|Co|Corp|Gen|Gov|"
    r"Sen|Rep|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|a\.m|p\.m|approx|fig|Fig|vol|Vol|ch|sec|pp|ed|"
    r"Ed|incl|resp|ca|viz)\.",
)
_INITIAL = re.compile(r"\b([A-Z])\.(?=\s*[A-Z])")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])")
_DOT = "\u2024"  # a stand-in for protected full stops while splitting
_URL = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+\.\w+")
_SHOUT = re.compile(r"\b[A-Z]{3,}\s+[A-Z]{3,}\b")  # "LICENSE AGREEMENT", "AS IS": legal boilerplate
# Identifiers are code, not prose: $ZSTD_BIN, cte_type, email.policy.Policy, --fast=1.
_IDENTIFIER = re.compile(r"\$[A-Za-z_{]|\b[a-z]\w*_\w|\b[A-Za-z]\w*\.[A-Za-z]\w*\.[A-Za-z]|\w=\w|(?:^|\s)--?[a-z]")
_NOTICE = re.compile(
    r"copyright \(c\)|©|all rights reserved|redistribute it and/or modify|without any warranty|"
    r"should have received a copy",
    re.IGNORECASE,
)
_MINOR_WORDS = frozenset("a an and as at by for from in into of on or the to with vs via".split())


def _title_case(words: list[str]) -> bool:
    """'Protecting Users' Legal Rights From Anti-Circumvention Law.': a heading, not a sentence."""
    significant = [w for w in (w.strip(".,;:!?\"'()") for w in words) if w.isalpha() and w not in _MINOR_WORDS]
    return len(significant) >= 2 and sum(w[0].isupper() for w in significant) >= 0.75 * len(significant)


def split_sentences(paragraph: str) -> list[str]:
    protected = _ABBREVIATIONS.sub(lambda m: m[0][:-1].replace(".", _DOT) + _DOT, paragraph)
    protected = _INITIAL.sub(lambda m: m[1] + _DOT, protected)
    parts = _SENTENCE_END.split(" ".join(protected.split()))
    return [p.replace(_DOT, ".").strip() for p in parts if p.strip()]


def is_prose_sentence(sentence: str) -> bool:
    """A whole sentence of prose: it starts and ends as one, has words enough, and no URL (but in
    brackets), address, code, copyright notice, heading or shouted boilerplate in it."""
    words = sentence.split()
    outside = re.sub(r"\([^()]*(?:https?://|www\.)[^()]*\)", "", sentence)  # a URL in brackets is an aside
    return (
        6 <= len(words) <= 80
        and bool(re.match(r"[\"“‘(]?[A-Z0-9]", sentence))
        and bool(re.search(r"[.!?:][\"”’)]?$", sentence))  # ':' ends a sentence that opens a list
        and not _URL.search(outside)
        and not _NOTICE.search(sentence)
        and not _SHOUT.search(sentence)
        and not _IDENTIFIER.search(outside)
        and not _title_case(words)
        and not re.search(r"[{}<>|\\]|::|;;|\w\(\)|==|\$\(", sentence)
        and sum(w.isalpha() for w in (w.strip(".,;:!?\"'()") for w in words)) >= 0.6 * len(words)
    )


# ---- the document --------------------------------------------------------------------------------


# "SAN DIEGO, Calif., Jan. 9, 2025 -- " opens a press release: where and when, not a fact to learn.
_DATELINE = re.compile(r"^[A-Z]{2}[A-Z .'-]*,[^—–]{0,60}?\d{4}\s*(?:--|—|–)\s*")


@dataclass(frozen=True)
class Paragraph:
    text: str
    heading: str | None  # the heading of the section it is in, if the document has headings


@dataclass
class Paragraphs:
    """What a document holds: the lines before its first prose (a header, if any) and its prose."""

    header: list[str] = field(default_factory=list)
    prose: list[Paragraph] = field(default_factory=list)


def _heading(block: _Block) -> str | None:
    """The text of a heading: underlined, marked with '#', or a line in capitals standing alone
    ('TERMS AND CONDITIONS'). Other short lines are too often labels ('Release date: ...') to say."""
    line = block.lines[0].strip()
    capitals = len(block.lines) == 1 and line.isupper() and len(line.split()) >= 2 and not block.item
    return plain(line).rstrip(":") or None if block.heading or capitals else None


def paragraphs(text: str) -> Paragraphs:
    out = Paragraphs()
    heading: str | None = None
    for block in _blocks(text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(8)):
        lines = _prose_lines(block)
        paragraph = _DATELINE.sub("", plain(_unwrap(lines))) if lines else ""
        is_prose = (
            bool(paragraph)
            and not _NOTICE.search(paragraph)  # a licence notice: every sentence of it is boilerplate
            and any(is_prose_sentence(s) for s in split_sentences(paragraph))
        )
        if is_prose:
            out.prose.append(Paragraph(paragraph, heading))
            continue
        heading = _heading(block) or heading
        if not out.prose:
            out.header += [plain(line) for line in block.lines]
    return out
