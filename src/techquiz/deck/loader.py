"""YAML deck file -> `Deck`, with every problem of the file reported at its position.

Nothing here raises for a bad deck: `load_deck` returns the problems (errors and warnings), each
printable as `FILE:LINE:COL: message`, and a deck only when there were no errors.
"""

from __future__ import annotations

import difflib
import gc
import hashlib
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from techquiz.deck import cloze, yamltree
from techquiz.deck.cards import CARD_CLASSES, Card
from techquiz.deck.model import Deck, DeckSource, Position, Settings
from techquiz.deck.result import LoadResult, Problem, read_deck_text
from techquiz.deck.schema import (
    CARD_TYPE_FIELDS,
    COMMON_CARD_FIELDS,
    DECK_FIELDS,
    ID_PATTERN,
    MAX_CHOICES,
    Field,
)
from techquiz.deck.text import shown, strip_controls
from techquiz.deck.weights import weight_problems
from techquiz.deck.yamltree import Mapping, Node, Scalar, Sequence

_ID = re.compile(ID_PATTERN)
_TRUE = frozenset({"true", "yes", "on"})
_FALSE = frozenset({"false", "no", "off"})


def _named(spec: Iterable[Field]) -> dict[str, Field]:
    return {f.name: f for f in spec}


# Built once: a per-card spec built per card cost ~0.3 s on a 100,000-card deck.
_DECK_SPEC = _named(DECK_FIELDS)
_CARD_SPECS = {name: _named(COMMON_CARD_FIELDS + fields) for name, fields in CARD_TYPE_FIELDS.items()}


class _Checker:
    """Walks one file's YAML tree against the field definitions, collecting problems."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []
        # Counted, not recounted from the list: a check per card would make loading quadratic in
        # the number of warnings (every card without an id has one).
        self.error_count = 0

    def error(self, node: Node | tuple[int, int], message: str) -> None:
        line, column = (node.line, node.column) if isinstance(node, Node) else node
        self.problems.append(Problem(self.path, line, column, message))
        self.error_count += 1

    def warn(self, node: Node, message: str) -> None:
        self.problems.append(Problem(self.path, node.line, node.column, message, "warning"))

    def text(self, node: Node, where: str) -> str | None:
        if not isinstance(node, Scalar):
            self.error(node, f"{where} must be text, not a {node.kind}")
            return None
        if node.is_null:
            self.error(node, f"{where} is empty")
            return None
        value, stripped = strip_controls(node.value)
        if stripped:
            self.warn(node, f"{where}: control characters removed")
        if not value.strip():  # a blank card side teaches nothing and cannot be answered
            self.error(node, f"{where} is blank")
            return None
        return value

    def value(self, field: Field, node: Node, where: str) -> Any:
        kind = field.kind
        if kind == "text":
            return self.text(node, where)
        if kind == "texts":
            if not isinstance(node, Sequence):
                self.error(node, f"{where} must be a list of text, not {node.kind}")
                return None
            items = [self.text(item, f"{where} item {i}") for i, item in enumerate(node.items, 1)]
            if len(items) < field.min_items:
                self.error(node, f"{where} needs at least {field.min_items} item(s)")
                return None
            return None if any(item is None for item in items) else tuple(items)
        if kind == "numbers":
            return self.numbers(field, node, where)
        if not isinstance(node, Scalar) or node.is_null:
            wanted = {"bool": "true or false", "int": "a whole number", "number": "a number"}.get(kind, kind)
            got = "empty" if isinstance(node, Scalar) else f"a {node.kind}"
            self.error(node, f"{where} must be {wanted}, not {got}")
            return None
        raw = node.value.strip()
        if kind == "bool":
            if raw.lower() in _TRUE:
                return True
            if raw.lower() in _FALSE:
                return False
            self.error(node, f"{where} must be true or false, not '{shown(raw)}'")
            return None
        number: float
        try:
            number = int(raw) if kind == "int" and len(raw) <= 20 else float(raw)
        except ValueError:
            self.error(node, f"{where} must be {'a whole number' if kind == 'int' else 'a number'}, not '{shown(raw)}'")
            return None
        # NaN compares false with every bound, so it is refused by name (as is infinity); an int
        # field never holds a fraction or a 5,000-digit number.
        unusable = not math.isfinite(number) or (kind == "int" and not isinstance(number, int))
        if (
            unusable
            or (field.minimum is not None and number < field.minimum)
            or (field.maximum is not None and number > field.maximum)
        ):
            if field.minimum == field.maximum:
                self.error(node, f"{where} must be {field.minimum:g}, not {shown(raw)}")
            else:
                self.error(node, f"{where} must be between {field.minimum:g} and {field.maximum:g}, not {shown(raw)}")
            return None
        return number

    def numbers(self, field: Field, node: Node, where: str) -> tuple[float, ...] | None:
        """A list of finite numbers of the field's length; for FSRS weights, each within FSRS's bounds."""
        if not isinstance(node, Sequence):
            self.error(node, f"{where} must be a list of numbers, not {node.kind}")
            return None
        count = len(node.items)
        if count < field.min_items or (field.max_items is not None and count > field.max_items):
            self.error(node, f"{where} must list {field.min_items} numbers, not {count}")
            return None
        values: list[float] = []
        for i, item in enumerate(node.items):
            raw = item.value.strip() if isinstance(item, Scalar) and not item.is_null else None
            try:
                number = float(raw) if raw is not None else math.nan
            except ValueError:
                number = math.nan
            if not math.isfinite(number):
                shown = f"'{raw}'" if raw is not None else "empty" if isinstance(item, Scalar) else f"a {item.kind}"
                self.error(item, f"{where} item {i + 1} must be a finite number, not {shown}")
                return None
            values.append(number)
        if field.name == "fsrs_parameters":
            found = weight_problems(values)
            if found:
                self.error(node, f"{where}: these weights cannot schedule: {'; '.join(found)}")
                return None
        return tuple(values)

    def fields(
        self, node: Mapping, spec_by_name: dict[str, Field], where: str, skip: frozenset[str] = frozenset()
    ) -> dict[str, Any]:
        """Check a mapping's keys against the spec (fields by name, in order); return the converted
        values of the valid ones."""
        out: dict[str, Any] = {}
        for name, (key, value_node) in node.items.items():
            if name in skip:
                continue
            field = spec_by_name.get(name)
            if field is None:
                close = difflib.get_close_matches(name, list(spec_by_name), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.error(key, f"{where}: unknown field '{shown(name)}'{hint}")
                continue
            label = f"{where}: '{name}'"
            if field.kind == "mapping":
                if isinstance(value_node, Mapping):
                    out[name] = self.fields(value_node, _named(field.fields), f"{where} {name}")
                else:
                    self.error(value_node, f"{label} must be a mapping of fields, not {value_node.kind}")
                continue
            if field.kind == "cards":
                out[name] = value_node
                continue
            converted = self.value(field, value_node, label)
            if converted is not None:
                out[name] = converted
        for field in spec_by_name.values():
            if field.required and field.name not in node.items:
                self.error(node, f"{where}: missing field '{field.name}'")
        return out


def _generated_id(type_name: str, values: dict[str, Any]) -> str:
    content = repr((type_name, sorted((k, v) for k, v in values.items() if k not in ("tags", "explain", "source"))))
    return "auto-" + hashlib.sha1(content.encode("utf-8")).hexdigest()[:10]


def _card(check: _Checker, node: Node, index: int) -> Card | None:
    if not isinstance(node, Mapping):
        check.error(node, f"card {index} must be a mapping of fields, not {node.kind}")
        return None
    id_entry = node.items.get("id")
    where = f"card {index}"
    if id_entry and isinstance(id_entry[1], Scalar) and not id_entry[1].is_null:
        where = f"card '{shown(id_entry[1].value)}'"
    type_entry = node.items.get("type")
    type_name = "basic"
    if type_entry is not None:
        type_node = type_entry[1]
        given = check.text(type_node, f"{where}: 'type'")
        if given is None:
            return None
        if given not in CARD_TYPE_FIELDS:
            close = difflib.get_close_matches(given, list(CARD_TYPE_FIELDS), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            kinds = ", ".join(CARD_TYPE_FIELDS)
            check.error(type_node, f"{where}: unknown card type '{shown(given)}'{hint}; use one of {kinds}")
            return None
        type_name = given
    before = check.error_count
    values = check.fields(node, _CARD_SPECS[type_name], where)
    values.pop("type", None)
    if "id" in values and not _ID.fullmatch(values["id"]):
        check.error(
            id_entry[1] if id_entry else node,
            f"{where}: id may hold only letters, digits and - _ . : (100 at most)",
        )
    if not _card_rules(check, node, type_name, values, where) or check.error_count > before:
        return None
    generated = "id" not in values
    if generated:
        values["id"] = _generated_id(type_name, values)
        check.warn(node, f"{where} has no id: editing it will reset its progress (techquiz validate --add-ids)")
    position = Position(check.path, node.line, node.column)
    if type_name == "choice":
        multiple = "answers" in values
        values["answers"] = values.pop("answers") if multiple else (values.pop("answer"),)
        values["multiple"] = multiple
    return CARD_CLASSES[type_name](position=position, id_generated=generated, **values)


def _card_rules(check: _Checker, node: Mapping, type_name: str, values: dict[str, Any], where: str) -> bool:
    """Checks that go beyond field types. Returns False when the card cannot be built."""
    ok = True

    def at(name: str) -> Node:
        return node.items[name][1] if name in node.items else node

    if type_name == "cloze" and "text" in values:
        try:
            found = cloze.deletions(values["text"])
        except cloze.ClozeNumberError as exc:
            check.error(at("text"), f"{where}: {exc}")
            return False
        if not found:
            check.error(at("text"), f"{where}: cloze text has no deletions like {{{{c1::answer}}}}")
            ok = False
        elif any(not d.answer.strip() for d in found):
            check.error(at("text"), f"{where}: a cloze deletion is empty")
            ok = False
    if type_name == "choice":
        choices = values.get("choices", ())
        if len(choices) > MAX_CHOICES:
            check.error(at("choices"), f"{where}: at most {MAX_CHOICES} choices (one per letter a-z)")
            ok = False
        if len(set(choices)) != len(choices):
            check.error(at("choices"), f"{where}: the choices repeat an option")
            ok = False
        if "answer" in node.items and "answers" in node.items:
            check.error(at("answers"), f"{where}: give 'answer' (one right choice) or 'answers' (several), not both")
            ok = False
        elif "answer" not in node.items and "answers" not in node.items:
            check.error(node, f"{where}: missing field 'answer' (or 'answers')")
            ok = False
        for name in ("answer", "answers"):
            given = values.get(name)
            if given is None:
                continue
            for answer in (given,) if isinstance(given, str) else given:
                if choices and answer not in choices:
                    check.error(at(name), f"{where}: answer '{shown(answer)}' is not one of the choices")
                    ok = False
    if type_name == "order" and len(set(values.get("items", ()))) != len(values.get("items", ())):
        check.error(at("items"), f"{where}: the items repeat an entry, so their order is ambiguous")
        ok = False
    return ok


def load_deck(path: Path, text: str | None = None) -> LoadResult:
    """Load and validate one deck file (or `text` as if it were that file)."""
    # Parsing builds millions of small acyclic objects; the cyclic GC would scan them again and
    # again as they pile up, which made loading grow faster than the file (20,000 cards: 1.2 s ->
    # 0.8 s; 40,000: 3.1 s -> 1.8 s).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load(path, text)
    finally:
        if enabled:
            gc.enable()


def _load(path: Path, text: str | None) -> LoadResult:
    if text is None:
        text, problem = read_deck_text(path)
        if text is None:
            assert problem is not None
            return LoadResult(path, None, (problem,))
    check = _Checker(path)
    stream = _CardStream(path)
    root, yaml_problems = yamltree.parse(text, stream.add)
    for yp in yaml_problems:
        check.error((yp.line, yp.column), yp.message)
    if root is None:
        if not yaml_problems:
            check.error((1, 1), "the file is empty; a deck needs format, id, title and cards")
        return LoadResult(path, None, tuple(check.problems))
    if not isinstance(root, Mapping):
        check.error(root, f"a deck is a mapping of fields (format, id, title, cards), not a {root.kind}")
        return LoadResult(path, None, tuple(check.problems))
    values = check.fields(root, _DECK_SPEC, "deck")
    if "id" in values and not _ID.fullmatch(values["id"]):
        check.error(root.items["id"][1], "deck: id may hold only letters, digits and - _ . : (100 at most)")
    cards = stream.finish(check, values.get("cards"))
    if check.error_count:
        return LoadResult(path, None, tuple(check.problems))
    id_node = root.items["id"][1]
    deck = Deck(
        id=values["id"],
        title=values["title"],
        path=path,
        cards=tuple(cards),
        id_position=Position(path, id_node.line, id_node.column),
        description=values.get("description"),
        source=DeckSource(**values["source"]) if "source" in values else None,
        tags=values.get("tags", ()),
        settings=Settings(**{k: v for k, v in values.get("settings", {}).items()}),
    )
    return LoadResult(path, deck, tuple(check.problems))


class _CardStream:
    """Builds each card as the parser finishes reading it (yamltree.parse's `on_card`), so the
    parse tree of a 100,000-card deck never exists whole. Its problems are kept apart and reported
    after the deck's own fields, in file order, as a whole-tree check would."""

    def __init__(self, path: Path) -> None:
        self.check = _Checker(path)
        self.cards: list[Card] = []
        self.seen: dict[str, Card] = {}
        self.count = 0

    def add(self, item: Node) -> None:
        self.count += 1
        card = _card(self.check, item, self.count)
        if card is None:
            return
        first = self.seen.get(card.id)
        if first is not None:
            id_node = item.items["id"][1] if isinstance(item, Mapping) and "id" in item.items else item
            self.check.error(
                id_node, f"card '{shown(card.id)}': duplicate card id (first at line {first.position.line})"
            )
            return
        self.seen[card.id] = card
        self.cards.append(card)

    def finish(self, check: _Checker, node: Node | None) -> list[Card]:
        """The deck's cards, its problems moved into `check`; `node` is the deck's `cards` value."""
        if node is None:
            return []
        if not isinstance(node, Sequence):
            check.error(node, f"deck: 'cards' must be a list of cards, not {node.kind}")
            return []
        if not self.count:
            check.error(node, "deck: 'cards' is empty; a deck needs at least one card")
            return []
        check.problems.extend(self.check.problems)
        check.error_count += self.check.error_count
        return self.cards
