"""The deck format, defined once: the loader validates against these fields and `techquiz schema`
prints them as JSON Schema, so the two can never disagree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

FORMAT_VERSION = 1
# The loader matches it with fullmatch: `$` alone accepts an id that ends in a newline.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$"
MAX_CHOICES = 26  # chosen by the letters a-z
FSRS_PARAMETER_COUNT = 21  # FSRS-6 (deck/weights.py checks each against FSRS's bounds)

Kind = Literal["text", "bool", "int", "number", "numbers", "texts", "mapping", "cards"]


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    description: str
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    min_items: int = 0
    max_items: int | None = None
    fields: tuple[Field, ...] = ()


def _text(name: str, description: str, required: bool = False) -> Field:
    return Field(name, "text", description, required)


SOURCE_FIELDS = (
    _text("publisher", "Who published the source."),
    _text("title", "The source's title."),
    _text("date", "Publication date, as written (e.g. 2024-12-28)."),
    _text("url", "Where the source can be read."),
)

SETTINGS_FIELDS = (
    Field("new_per_day", "int", "New cards introduced per day (default 20).", minimum=0, maximum=9999),
    Field("reviews_per_day", "int", "Reviews shown per day at most (default 200).", minimum=0, maximum=99999),
    Field(
        "desired_retention",
        "number",
        "Share of reviews you want to recall (default 0.9).",
        minimum=0.7,
        maximum=0.99,
    ),
    Field(
        "fsrs_parameters",
        "numbers",
        "The 21 FSRS-6 weights to schedule this deck with, instead of the defaults or the ones "
        "`techquiz optimize` fits (each within FSRS's bounds).",
        min_items=FSRS_PARAMETER_COUNT,
        max_items=FSRS_PARAMETER_COUNT,
    ),
    Field(
        "leech_lapses",
        "int",
        "Lapses that make a card a leech: it is tagged and suspended, as in Anki (default 8).",
        minimum=1,
        maximum=999,
    ),
)

DECK_FIELDS = (
    Field("format", "int", "Deck format version; always 1.", required=True, minimum=1, maximum=1),
    _text("id", "Stable deck id; progress is keyed by it. Letters, digits, - _ . :", required=True),
    _text("title", "The deck's title as shown in lists.", required=True),
    _text("description", "A sentence about the deck."),
    Field("source", "mapping", "Where the deck's facts come from.", fields=SOURCE_FIELDS),
    Field("tags", "texts", "Tags for the whole deck."),
    Field("settings", "mapping", "Scheduling settings for this deck.", fields=SETTINGS_FIELDS),
    Field("cards", "cards", "The cards.", required=True, min_items=1),
)

COMMON_CARD_FIELDS = (
    _text("id", "Stable card id; without it, editing the card resets its progress."),
    _text("type", "basic (default), cloze, choice, typed, truefalse or order."),
    Field("tags", "texts", "Tags for this card."),
    _text("hint", "A hint shown on request before the answer."),
    _text("explain", "Shown after the answer."),
    _text("source", "The sentence of the source the card comes from."),
)

CARD_TYPE_FIELDS: dict[str, tuple[Field, ...]] = {
    "basic": (
        _text("front", "The question side.", required=True),
        _text("back", "The answer side.", required=True),
        Field("reverse", "bool", "Also study back -> front as a second card."),
    ),
    "cloze": (_text("text", "Text with {{c1::answer}} or {{c1::answer::hint}} deletions.", required=True),),
    "choice": (
        _text("question", "The question.", required=True),
        Field("choices", "texts", "The options (2 to 26).", required=True, min_items=2),
        _text("answer", "The one right choice (or use `answers`)."),
        Field("answers", "texts", "All right choices: the learner must pick every one.", min_items=1),
    ),
    "typed": (
        _text("question", "The question.", required=True),
        _text("answer", "The answer to type (case, spaces and digit grouping ignored).", required=True),
        Field("accept", "texts", "Other answers that count as right."),
    ),
    "truefalse": (
        _text("statement", "A statement that is true or false.", required=True),
        Field("answer", "bool", "true or false.", required=True),
    ),
    "order": (
        _text("question", "What to put in order.", required=True),
        Field("items", "texts", "The items, in the right order.", required=True, min_items=2),
    ),
}


def _field_schema(field: Field) -> dict[str, Any]:
    out: dict[str, Any] = {"description": field.description}
    if field.kind == "text":
        out["type"] = "string"
        if field.name == "id":
            out["pattern"] = ID_PATTERN
    elif field.kind == "bool":
        out["type"] = "boolean"
    elif field.kind in ("int", "number"):
        out["type"] = "integer" if field.kind == "int" else "number"
        if field.minimum is not None:
            out["minimum"] = field.minimum
        if field.maximum is not None:
            out["maximum"] = field.maximum
    elif field.kind == "numbers":
        out["type"] = "array"
        out["items"] = {"type": "number"}
        out["minItems"] = field.min_items
        if field.max_items is not None:
            out["maxItems"] = field.max_items
    elif field.kind == "texts":
        out["type"] = "array"
        out["items"] = {"type": "string"}
        if field.min_items:
            out["minItems"] = field.min_items
        if field.name == "choices":
            out["maxItems"] = MAX_CHOICES
    elif field.kind == "mapping":
        out.update(_object_schema(field.fields))
    elif field.kind == "cards":
        out["type"] = "array"
        out["minItems"] = field.min_items
        out["items"] = {"$ref": "#/$defs/card"}
    return out


def _object_schema(fields: tuple[Field, ...]) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {f.name: _field_schema(f) for f in fields},
        "additionalProperties": False,
    }
    required = [f.name for f in fields if f.required]
    if required:
        schema["required"] = required
    return schema


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a deck file, for editors and other tools."""
    variants = []
    for type_name, fields in CARD_TYPE_FIELDS.items():
        variant = _object_schema(COMMON_CARD_FIELDS + fields)
        type_schema = {"const": type_name, "description": COMMON_CARD_FIELDS[1].description}
        variant["properties"]["type"] = type_schema
        variant["title"] = f"{type_name} card"
        if type_name != "basic":
            variant["required"] = ["type", *variant.get("required", [])]
        if type_name == "choice":
            variant["oneOf"] = [{"required": ["answer"]}, {"required": ["answers"]}]
        variants.append(variant)
    schema = _object_schema(DECK_FIELDS)
    schema["properties"]["format"]["const"] = FORMAT_VERSION
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "techquiz deck",
        **schema,
        "$defs": {"card": {"oneOf": variants}},
    }
