"""`techquiz new PATH`: a commented starter deck showing every card type, and the schema line that
gives editors (VS Code, Neovim, any yaml-language-server client) completion and checking."""

from __future__ import annotations

import json
from pathlib import Path

from techquiz.authoring.ids import slug
from techquiz.config import Config
from techquiz.deck.schema import json_schema
from techquiz.errors import UserError

STARTER = """\
{schema_line}
# A techquiz deck: one YAML file, one deck. Check it with `techquiz validate {name}`,
# study it with `techquiz study {name}`. Every field: docs/deck-format.md (techquiz's docs).
#
# Text is taken exactly as written: `no`, `1:30` and `2024-12-28` stay text. Quote a value
# that starts with a special character ([ {{ * & ! | > ' " % @ `) or contains ": " or " #".

format: 1
id: {deck_id}                 # stable: your progress is kept under this id
title: {title}
description: What this deck is about, in a sentence.
# source: {{publisher: ..., title: "...", date: 2024-12-28}}   # where the facts come from
# settings: {{new_per_day: 20, reviews_per_day: 200, desired_retention: 0.9}}

cards:
  # Every card may have: id (recommended: editing a card without one resets its progress),
  # tags, hint, explain (shown after the answer) and source (the sentence it comes from).

  - id: capital-france
    type: basic                 # the default type: front and back
    front: What is the capital of France?
    back: Paris
    reverse: true               # also ask the other way round: Paris -> capital of France
    explain: Paris has been the capital since the 10th century, with short breaks.

  - id: water-formula
    type: cloze                 # one card per {{{{cN::...}}}}; the rest of the sentence is the context
    text: "Water is {{{{c1::H2O}}}}: two {{{{c2::hydrogen}}}} atoms and one {{{{c3::oxygen::element}}}} atom."

  - id: largest-planet
    type: choice                # pick one; with `answers:` (a list) the learner picks all of them
    question: Which is the largest planet of the solar system?
    choices: [Mars, Jupiter, Saturn, Neptune]
    answer: Jupiter

  - id: light-speed
    type: typed                 # typed answers ignore case, spaces and digit grouping
    question: About how many kilometres does light travel in one second?
    answer: "300,000"
    accept: ["300000", 300 thousand]
    hint: three hundred thousand

  - id: great-wall-space
    type: truefalse
    statement: The Great Wall of China is visible from the Moon with the naked eye.
    answer: false
    explain: It is far too narrow; astronauts have confirmed this.

  - id: planets-order
    type: order                 # the learner puts the items back in this order
    question: Put these planets in order from the Sun.
    items: [Mercury, Venus, Earth, Mars]
"""


def schema_file(config: Config) -> Path:
    """The deck JSON Schema in the data folder, rewritten when this techquiz's schema differs."""
    path = config.data_dir / "deck.schema.json"
    text = json.dumps(json_schema(), indent=2) + "\n"
    try:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write the deck schema to {path}: {exc.strerror}") from exc
    return path


def schema_line(config: Config) -> str:
    return f"# yaml-language-server: $schema={schema_file(config).resolve().as_uri()}"


def write_exclusively(path: Path, text: str) -> None:
    """Create `path` with `text`; never overwrite (the author's work is in it)."""
    if path.is_dir():
        raise UserError(f"{path} is a folder; give the path of the deck file to write, e.g. {path / 'my-deck.yaml'}")
    if path.suffix not in (".yaml", ".yml"):
        raise UserError(f"{path}: a deck file name ends in .yaml or .yml")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as out:
            out.write(text)
    except FileExistsError as exc:
        raise UserError(f"{path} already exists; techquiz never overwrites a deck (choose another name)") from exc
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror}") from exc


def starter_text(path: Path, config: Config) -> str:
    name = path.stem
    deck_id = slug(name.replace("_", " "), 60) or "my-deck"
    title = name.replace("-", " ").replace("_", " ").strip().capitalize() or "My deck"
    return STARTER.format(
        schema_line=schema_line(config), name=path.name, deck_id=deck_id, title=json.dumps(title, ensure_ascii=False)
    )


def new_deck(path: Path, config: Config) -> None:
    write_exclusively(path, starter_text(path, config))
