"""Anki packages made by Anki itself, imported into techquiz and compared card by card."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from anki.collection import Collection, ExportAnkiPackageOptions

from techquiz.config import study_day
from techquiz.deck.loader import load_deck
from techquiz.interop.guid import card_id

from .conftest import run

STATES = {1: 1, 2: 2, 3: 3}  # Anki card type -> techquiz state (learning, review, relearning)


def _store(data: Path) -> sqlite3.Connection:
    return sqlite3.connect(data / "progress.sqlite3")


def _anki_cards(col: Collection) -> dict[tuple[str, str], dict[str, object]]:
    """Every Anki card by (techquiz card id, sub), with what techquiz must have made of it."""
    out = {}
    day_zero = datetime.fromtimestamp(col.crt, UTC).date()
    for cid, guid, ord_, kind, ctype, queue, due, reps, lapses, data in col.db.all(
        "SELECT c.id, n.guid, c.ord, m.kind, c.type, c.queue, CASE WHEN c.odid THEN c.odue ELSE c.due END, c.reps, "
        "c.lapses, c.data "
        "FROM cards c JOIN notes n ON n.id = c.nid JOIN (SELECT id, name, CASE WHEN name = 'Cloze' THEN 1 ELSE 0 END "
        "AS kind FROM notetypes) m ON m.id = n.mid"
    ):
        sub = f"c{ord_ + 1}" if kind else ("reverse" if ord_ == 1 else "")
        memory = json.loads(data or "{}")
        if ctype == 0:
            due_day = None
        elif due > 1_000_000_000:
            due_day = study_day(datetime.fromtimestamp(due, UTC))
        else:
            due_day = day_zero + timedelta(days=due)
        reviews = col.db.scalar("SELECT COUNT(*) FROM revlog WHERE cid = ? AND ease > 0", cid)
        out[(card_id(guid), sub)] = {
            "state": STATES.get(ctype, 0), "due_day": due_day, "reps": reps, "lapses": lapses,
            "suspended": int(queue == -1), "stability": memory.get("s"), "difficulty": memory.get("d"),
            "reviews": reviews, "added": cid,  # an Anki card id is when it was created (its "Added")
        }  # fmt: skip
    return out


def _techquiz_cards(data: Path) -> dict[tuple[str, str], dict[str, object]]:
    conn = _store(data)
    out = {}
    for card, sub, state, due, reps, lapses, suspended, stability, difficulty, reviews, added in conn.execute(
        "SELECT card_id, sub, state, due, reps, lapses, suspended, stability, difficulty, "
        "(SELECT COUNT(*) FROM review_log r WHERE r.card = cards.id), added FROM cards "
        "WHERE deck_id = 'languages::french'"
    ):
        out[(card, sub)] = {
            "state": state, "due_day": None if due is None else study_day(datetime.fromtimestamp(due / 1000, UTC)),
            "reps": reps, "lapses": lapses, "suspended": suspended,
            "stability": None if stability is None or state == 0 else round(stability, 4),
            "difficulty": None if difficulty is None or state == 0 else round(difficulty, 3),
            "reviews": reviews, "added": added,
        }  # fmt: skip
    conn.close()
    return out


@pytest.mark.parametrize("name", ["current.apkg", "legacy.apkg", "collection.colpkg"])
def test_anki_package_imports_with_its_history(
    name: str,
    packages: dict[str, Path],
    anki_collection: Collection,
    isolated_env: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "import", str(packages[name]), "--json")
    assert code == 0, err
    report = json.loads(out)
    expected = _anki_cards(anki_collection)
    assert report["cards"] == 5 and len(report["decks"]) == 1
    assert report["reviews"] == sum(int(c["reviews"]) for c in expected.values()) > 10  # type: ignore[call-overload]
    deck_file = isolated_env / "decks" / "languages__french.yaml"
    assert report["decks"][0]["file"] == str(deck_file)
    text = deck_file.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=file://")
    deck = load_deck(deck_file).deck
    assert deck is not None and deck.title == "Languages::French"
    assert deck.description == "Words and phrases"
    assert (deck.settings.new_per_day, deck.settings.reviews_per_day, deck.settings.desired_retention) == (
        35,
        None,
        0.85,
    )
    kinds = sorted((c.type_name, getattr(c, "reverse", False)) for c in deck.cards)
    assert kinds == [("basic", False)] * 3 + [("basic", True), ("cloze", False)]
    fronts = {getattr(c, "front", None) for c in deck.cards}
    assert {"chat", "chien & loup"} <= fronts
    assert any(getattr(c, "back", None) == "dog\nand wolf" for c in deck.cards)
    assert any(getattr(c, "explain", None) == "Since 987" for c in deck.cards)
    assert _techquiz_cards(isolated_env) == expected
    code, out, err = run(capsys, "validate", str(deck_file))
    assert code == 0, err


def test_second_import_updates_without_duplicates(
    packages: dict[str, Path], isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "import", str(packages["current.apkg"]))[0] == 0
    before = _techquiz_cards(isolated_env)
    assert not (isolated_env / "backups").exists()  # nothing to keep before the first import
    code, out, _ = run(capsys, "import", str(packages["legacy.apkg"]), "--json")
    assert code == 0
    assert json.loads(out)["reviews"] == 0  # every review was already there
    assert len(list((isolated_env / "backups").glob("progress-*-before-import.sqlite3"))) == 1
    assert _techquiz_cards(isolated_env) == before
    conn = _store(isolated_env)
    assert conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0] == 7
    days = conn.execute("SELECT SUM(reviews) FROM review_days").fetchone()[0]
    assert days == conn.execute("SELECT COUNT(*) FROM review_log").fetchone()[0]
    conn.close()


def test_imported_cards_are_studied_where_anki_left_them(
    packages: dict[str, Path], isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "import", str(packages["current.apkg"]))
    _, out, _ = run(capsys, "stats", "languages::french", "--json")
    stats = json.loads(out)
    assert stats["cards"]["suspended"] == 1
    assert stats["cards"]["new"] == 1  # the forgotten card
    assert sum(d["reviews"] for d in stats["history"]) > 10


def test_other_note_types_media_and_empty_notes_are_reported(
    tmp_path: Path, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    models = col.models
    vocab = models.new("Vocab")
    for name in ("Word", "Meaning", "Example"):
        models.add_field(vocab, models.new_field(name))
    template = models.new_template("Card 1")
    template["qfmt"], template["afmt"] = "{{Word}}", "{{Meaning}}<br>{{Example}}"
    models.add_template(vocab, template)
    models.add(vocab)
    did = col.decks.id("Vocab")
    assert did is not None
    for word, meaning, example in [
        ("le chat", "the cat", '<img src="cat.png">'),
        ("son", '<img src="x.png">', "[sound:son.mp3]"),
    ]:
        note = col.new_note(models.by_name("Vocab"))  # type: ignore[arg-type]
        note["Word"], note["Meaning"], note["Example"] = word, meaning, example
        col.add_note(note, did)
    package = tmp_path / "vocab.apkg"
    options = ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=False, with_media=False, legacy=True)
    col.export_anki_package(out_path=str(package), options=options, limit=None)
    code, out, err = run(capsys, "import", str(package), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["cards"] == 1
    assert report["flattened_note_types"] == {"Vocab": 1}
    assert report["media_left_out"] == 3
    assert report["skipped"] == {"notes with an empty front or back once HTML and media are removed": 1}
    code, out, _ = run(capsys, "import", str(package))
    assert "Made basic from their first two fields: 1 note of type 'Vocab'" in out
    assert "Left out 3 media references" in out


# Anki's Rust core reads the local time zone once per process, so the collection is made in a
# process of its own, started in New York; it prints each card's due day as Anki counts it.
_IN_NEW_YORK = """
import json, sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from anki.collection import ExportAnkiPackageOptions
sys.path.insert(0, sys.argv[2])
from tests.interop.conftest import make_collection
from techquiz.config import study_day
from techquiz.interop.guid import card_id
col = make_collection(Path(sys.argv[1]))
options = ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True, with_media=True, legacy=False)
col.export_anki_package(out_path=sys.argv[1] + "/ny.apkg", options=options, limit=None)
zone = datetime.now().astimezone().tzinfo
day_zero = datetime.fromtimestamp(col.crt, zone).date()
out = {}
for guid, ord_, ntype, ctype, due in col.db.all(
    "SELECT n.guid, c.ord, m.name, c.type, CASE WHEN c.odid THEN c.odue ELSE c.due END "
    "FROM cards c JOIN notes n ON n.id = c.nid JOIN notetypes m ON m.id = n.mid"
):
    sub = f"c{ord_ + 1}" if ntype == "Cloze" else ("reverse" if ord_ == 1 else "")
    if ctype == 0:
        day = None
    elif due > 1_000_000_000:
        day = study_day(datetime.fromtimestamp(due, UTC)).isoformat()
    else:
        day = (day_zero + timedelta(days=due)).isoformat()
    out[card_id(guid) + "#" + sub] = day
print(json.dumps({"offset": col.get_config("creationOffset"), "due": out}))
"""


def test_due_days_hold_in_another_time_zone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Anki counts days from the collection's creation date in its creation time zone; techquiz's days
    start at 04:00 local time. Both in New York, every due day still matches."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    repo = Path(__file__).resolve().parents[2]
    made = subprocess.run(
        [sys.executable, "-c", _IN_NEW_YORK, str(tmp_path), str(repo)], capture_output=True, text=True, check=True
    )
    anki = json.loads(made.stdout)
    assert anki["offset"] in (240, 300)  # minutes west of UTC: Anki was in New York too
    assert run(capsys, "import", str(tmp_path / "ny.apkg"))[0] == 0
    got = _techquiz_cards(isolated_env)
    days = {
        f"{card}#{sub}": None if v["due_day"] is None else v["due_day"].isoformat() for (card, sub), v in got.items()
    }  # type: ignore[union-attr]
    assert days == anki["due"]
