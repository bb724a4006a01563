"""The three Anki note types an export uses, as schema-11 JSON (the shape Anki itself writes into a
legacy package; see rslib/src/notetype/schema11.rs). Their ids are fixed, so a second export
imported into the same Anki collection finds the note types it made the first time."""

from __future__ import annotations

from typing import Any

BASIC_ID, REVERSED_ID, CLOZE_ID = 1_700_000_000_101, 1_700_000_000_102, 1_700_000_000_103
_CSS = (
    ".card {\n    font-family: arial;\n    font-size: 20px;\n    text-align: center;\n    color: black;\n"
    "    background-color: white;\n}\n"
)
_CLOZE_CSS = _CSS + ".cloze {\n    font-weight: bold;\n    color: blue;\n}\n"
_LATEX_PRE = (
    "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage[utf8]{inputenc}\n"
    "\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n"
)


def _field(name: str, ord_: int) -> dict[str, Any]:
    return {"name": name, "ord": ord_, "sticky": False, "rtl": False, "font": "Arial", "size": 20, "media": []}


def _template(name: str, ord_: int, qfmt: str, afmt: str) -> dict[str, Any]:
    return {"name": name, "ord": ord_, "qfmt": qfmt, "afmt": afmt, "bqfmt": "", "bafmt": "", "did": None}


def _note_type(
    id_: int, name: str, kind: int, fields: list[str], templates: list[dict[str, Any]], req: list[Any]
) -> dict[str, Any]:
    return {
        "id": id_, "name": name, "type": kind, "mod": 0, "usn": 0, "sortf": 0, "did": None,
        "tmpls": templates, "flds": [_field(f, i) for i, f in enumerate(fields)],
        "css": _CLOZE_CSS if kind == 1 else _CSS, "latexPre": _LATEX_PRE, "latexPost": "\\end{document}",
        "latexsvg": False, "req": req, "tags": [], "vers": [],
    }  # fmt: skip


_ANSWER = "{{FrontSide}}\n\n<hr id=answer>\n\n"


def note_types() -> dict[str, dict[str, Any]]:
    basic = _note_type(
        BASIC_ID, "Basic", 0, ["Front", "Back"], [_template("Card 1", 0, "{{Front}}", _ANSWER + "{{Back}}")],
        [[0, "any", [0]]],
    )  # fmt: skip
    reversed_ = _note_type(
        REVERSED_ID, "Basic (and reversed card)", 0, ["Front", "Back"],
        [_template("Card 1", 0, "{{Front}}", _ANSWER + "{{Back}}"),
         _template("Card 2", 1, "{{Back}}", _ANSWER + "{{Front}}")],
        [[0, "any", [0]], [1, "any", [1]]],
    )  # fmt: skip
    cloze = _note_type(
        CLOZE_ID, "Cloze", 1, ["Text", "Back Extra"],
        [_template("Cloze", 0, "{{cloze:Text}}", "{{cloze:Text}}<br>\n{{Back Extra}}")], [[0, "any", [0]]],
    )  # fmt: skip
    return {str(m["id"]): m for m in (basic, reversed_, cloze)}
