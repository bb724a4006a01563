"""A safe YAML reader that keeps every scalar as the text written, with its position.

It walks libyaml's parser events itself instead of using a PyYAML constructor, because the
constructor's YAML 1.1 typing changes card text (`no` -> False, `1:30` -> 90, `0777` -> 511,
`2024-12-28` -> a date), silently keeps the last of duplicate keys, expands alias bombs, and
libyaml's recursive composer segfaults on very deep nesting. Here depth is bounded, anchors,
aliases and explicit tags are refused at their position, and duplicate keys are reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from techquiz.deck.text import shown

_Parser: Callable[[str], Any]  # text -> an object whose get_event() yields the parser's events
try:
    from yaml._yaml import CParser

    _Parser = CParser
except ImportError:  # libyaml missing: the pure-Python parser gives the same events, slower
    from yaml.parser import Parser as _PyParserBase
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _PureParser(Reader, Scanner, _PyParserBase):
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            _PyParserBase.__init__(self)

    _Parser = _PureParser


MAX_DEPTH = 64
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})


class Node:
    __slots__ = ("column", "line")
    kind = "node"

    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column


class Scalar(Node):
    __slots__ = ("plain", "value")
    kind = "text"

    def __init__(self, value: str, plain: bool, line: int, column: int) -> None:
        # Attributes set here rather than through Node.__init__: a big deck makes millions of nodes.
        self.line = line
        self.column = column
        self.value = value
        self.plain = plain

    @property
    def is_null(self) -> bool:
        return self.plain and self.value in _NULLS


class Mapping(Node):
    __slots__ = ("items",)
    kind = "mapping"

    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column
        self.items: dict[str, tuple[Scalar, Node]] = {}


class Sequence(Node):
    __slots__ = ("items",)
    kind = "list"

    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column
        self.items: list[Node] = []


@dataclass(frozen=True)
class YamlProblem:
    line: int
    column: int
    message: str


def _pos(mark: Any) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


def parse(text: str, on_card: Callable[[Node], None] | None = None) -> tuple[Node | None, list[YamlProblem]]:
    """Parse one YAML document into a tree of Scalar/Mapping/Sequence nodes.

    Returns the root (None when the document is empty or unusable) and every problem found.
    A syntax error stops parsing (libyaml cannot go on past it); the other problems are collected.

    With `on_card`, each item of the root's (first) `cards` list is handed to it as soon as it is
    complete and is not kept in the tree (that list stays empty): a 100,000-card deck's tree took
    ~190 MB, where the cards built from it take a quarter of that.
    """
    problems: list[YamlProblem] = []
    stack: list[Mapping | Sequence] = []
    pending_key: list[Scalar | None] = []
    root: Node | None = None
    cards: Sequence | None = None  # the list whose items go to on_card
    documents = 0
    # Locals: this loop runs once per event, about nine events per card.
    scalar_event, mapping_start, sequence_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    mapping_end, sequence_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    try:
        parser = _Parser(text)
        while True:
            event: Any = parser.get_event()
            if event is None:
                break
            cls = type(event)
            if cls is scalar_event or cls is mapping_start or cls is sequence_start:
                mark = event.start_mark
                line, column = mark.line + 1, mark.column + 1
                if event.anchor is not None:
                    problems.append(YamlProblem(line, column, "YAML anchors (&) are not allowed in decks"))
                if event.tag is not None and not (cls is scalar_event and event.tag == "!"):
                    tag = event.tag.replace("tag:yaml.org,2002:", "!!")
                    problems.append(YamlProblem(line, column, f"YAML tags are not allowed in decks: {shown(tag)}"))
                node: Node
                if cls is scalar_event:
                    node = Scalar(event.value, event.style is None and event.implicit[0], line, column)
                elif cls is mapping_start:
                    node = Mapping(line, column)
                else:
                    node = Sequence(line, column)
                if not stack:
                    root = node
                else:
                    parent = stack[-1]
                    if parent is cards:
                        if cls is scalar_event:
                            on_card(node)  # type: ignore[misc]  # cards is only set with on_card
                    elif isinstance(parent, Sequence):
                        parent.items.append(node)
                    elif pending_key[-1] is None:
                        if isinstance(node, Scalar):
                            pending_key[-1] = node
                        else:
                            problems.append(YamlProblem(line, column, "a key must be plain text"))
                            pending_key[-1] = Scalar("", False, line, column)
                    else:
                        key = pending_key[-1]
                        assert key is not None
                        if key.value in parent.items:
                            first = parent.items[key.value][0]
                            problems.append(
                                YamlProblem(
                                    key.line,
                                    key.column,
                                    f"duplicate key '{shown(key.value)}' (first at line {first.line})",
                                )
                            )
                        else:
                            parent.items[key.value] = (key, node)
                        pending_key[-1] = None
                if isinstance(node, Mapping | Sequence):  # a container: its items follow
                    if (
                        on_card is not None
                        and cards is None
                        and len(stack) == 1
                        and isinstance(node, Sequence)
                        and isinstance(stack[0], Mapping)
                        and pending_key[0] is None  # this list was just stored under its key
                        and stack[0].items.get("cards", (None, None))[1] is node
                    ):
                        cards = node
                    if len(stack) >= MAX_DEPTH:
                        problems.append(YamlProblem(line, column, f"nested deeper than {MAX_DEPTH} levels"))
                        return None, problems
                    stack.append(node)
                    pending_key.append(None)
            elif cls is mapping_end or cls is sequence_end:
                done = stack.pop()
                pending_key.pop()
                if stack and stack[-1] is cards:
                    on_card(done)  # type: ignore[misc]
            elif cls is yaml.AliasEvent:
                line, column = _pos(event.start_mark)
                problems.append(YamlProblem(line, column, "YAML aliases (*) are not allowed in decks"))
                if stack:  # keep the structure balanced: an alias stands for a value
                    placeholder = Scalar("", False, line, column)
                    parent = stack[-1]
                    if parent is cards:
                        on_card(placeholder)  # type: ignore[misc]
                    elif isinstance(parent, Sequence):
                        parent.items.append(placeholder)
                    elif pending_key[-1] is None:
                        pending_key[-1] = placeholder
                    else:
                        pending_key[-1] = None
            elif cls is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    line, column = _pos(event.start_mark)
                    problems.append(YamlProblem(line, column, "a deck file holds one YAML document"))
                    return None, problems
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = _pos(mark) if mark is not None else (1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            what = f"{exc.problem} ({exc.context})"
        # libyaml says "... in this context", the pure-Python parser "... here".
        if exc.problem and exc.problem.startswith("mapping values are not allowed"):
            what += " (put text that contains ': ' in quotes)"
        problems.append(YamlProblem(line, column, f"YAML syntax error: {what}"))
        return None, problems
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, e.g. NUL
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        problems.append(YamlProblem(line, column, f"character U+{ord(char):04X} is not allowed in a YAML file"))
        return None, problems
    except yaml.YAMLError as exc:
        problems.append(YamlProblem(1, 1, "YAML error: " + " ".join(str(exc).split())))  # one line
        return None, problems
    except UnicodeEncodeError as exc:  # lone surrogates: only possible in text handed in, not in a file
        problems.append(YamlProblem(1, 1, f"the text is not valid Unicode ({exc.reason})"))
        return None, problems
    return root, problems
