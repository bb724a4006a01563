"""techquiz decks and history exported, then imported into a fresh collection by Anki itself."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from anki.collection import Collection, ExportAnkiPackageOptions, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from techquiz.config import Config, study_day
from techquiz.deck.loader import load_deck

from .conftest import run, study


def _into_anki(package: Path, folder: Path) -> Collection:
    folder.mkdir()
    col = Collection(str(folder / "collection.anki2"))
    options = ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True)
    col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package), options=options))
    return col


def _absolute_due(col: Collection, ctype: int, due: int) -> date | None:
    if ctype == 0:
        return None
    if due > 1_000_000_000:
        return study_day(datetime.fromtimestamp(due, UTC))
    return datetime.fromtimestamp(col.crt, UTC).date() + timedelta(days=due)


def _cards(col: Collection) -> dict[tuple[str, int], tuple[object, ...]]:
    """Per (note guid, card ord): type, suspended, absolute due day, reps, lapses, stability, difficulty, grades."""
    out = {}
    for cid, guid, ord_, ctype, queue, due, reps, lapses, data in col.db.all(
        "SELECT c.id, n.guid, c.ord, c.type, c.queue, CASE WHEN c.odid THEN c.odue ELSE c.due END, c.reps, c.lapses, "
        "c.data FROM cards c "
        "JOIN notes n ON n.id = c.nid"
    ):
        memory = json.loads(data or "{}")
        grades = tuple(col.db.list("SELECT ease FROM revlog WHERE cid = ? AND ease > 0 ORDER BY id", cid))
        out[(guid, ord_)] = (
            ctype, queue == -1, _absolute_due(col, ctype, due), reps, lapses,
            None if ctype == 0 else round(memory["s"], 2), None if ctype == 0 else round(memory["d"], 2), grades,
        )  # fmt: skip
    return out


def _notes(col: Collection) -> dict[str, tuple[str, list[str], list[str]]]:
    return {
        note.guid: (note.note_type()["name"], list(note.fields), sorted(note.tags))  # type: ignore[index]
        for note in (col.get_note(nid) for nid in col.find_notes(""))
    }


def test_anki_round_trip_keeps_notes_cards_grades_and_due_dates(
    packages: dict[str, Path], anki_collection: Collection, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "import", str(packages["current.apkg"]))[0] == 0
    out = tmp_path / "back.apkg"
    code, stdout, err = run(capsys, "export", "languages::french", "--anki", str(out))
    assert code == 0, err
    assert "5 notes, 7 cards" in stdout
    fresh = _into_anki(out, tmp_path / "fresh")
    original = _cards(anki_collection)
    again = _cards(fresh)
    assert again.keys() == original.keys()
    for key, row in original.items():
        # Anki rounds the memory state it stores; everything else comes back as it was.
        assert again[key][:5] == row[:5], key
        assert again[key][5:7] == pytest.approx(row[5:7], abs=0.01), key
        assert again[key][7] == row[7], key
    # A collection that already has note types of these names gets ours as "Basic+" and so on.
    names = {guid: value[0].rstrip("+") for guid, value in _notes(fresh).items()}
    assert sorted(names.values()) == ["Basic", "Basic", "Basic", "Basic (and reversed card)", "Cloze"]
    tags = {t for value in _notes(fresh).values() for t in value[2]}
    assert tags == {"animals", "home", "fr::nouns"}
    assert [d.name for d in fresh.decks.all_names_and_ids() if d.name != "Default"] == [
        "Languages",
        "Languages::French",
    ]
    french = fresh.decks.id_for_name("Languages::French")
    assert french is not None
    assert fresh.decks.get(french)["desc"] == "Words and phrases"  # type: ignore[index]
    preset = fresh.decks.config_dict_for_deck_id(french)  # the deck's settings, as an options preset
    assert (preset["new"]["perDay"], preset["rev"]["perDay"]) == (35, 200)
    assert preset["desiredRetention"] == pytest.approx(0.85)


EVERY_TYPE = """\
format: 1
id: every-type
title: Every type
cards:
  - {id: capital, front: Capital of France?, back: Paris, reverse: true, tags: [geo]}
  - {id: water, type: cloze, text: "Water is {{c1::H2O}}: {{c2::hydrogen}} and oxygen.", explain: Two atoms of H}
  - {id: planet, type: choice, question: Largest planet?, choices: [Mars, Jupiter], answer: Jupiter}
  - {id: light, type: typed, question: Speed of light in km/s?, answer: "300,000", accept: ["300000"]}
  - {id: wall, type: truefalse, statement: The Great Wall is visible from the Moon., answer: false}
  - {id: order, type: order, question: From the Sun?, items: [Mercury, Venus, Earth]}
"""


def test_export_of_every_card_type_and_no_history(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deck = tmp_path / "every.yaml"
    deck.write_text(EVERY_TYPE, encoding="utf-8")
    out = tmp_path / "every.apkg"
    code, stdout, err = run(capsys, "export", str(deck), "--anki", str(out), "--no-history")
    assert code == 0, err
    assert "Wrote" in stdout and "6 notes, 8 cards (no scheduling or history)" in stdout
    for kind in ("choice", "typed", "truefalse", "order"):
        assert f"1 {kind} card(s) became Basic notes" in stdout
    with zipfile.ZipFile(out) as archive:
        assert set(archive.namelist()) == {"collection.anki21", "media"}
    fresh = _into_anki(out, tmp_path / "fresh")
    assert (fresh.note_count(), fresh.card_count()) == (6, 8)
    assert fresh.db.scalar("SELECT COUNT(*) FROM revlog") == 0
    assert fresh.db.scalar("SELECT COUNT(*) FROM cards WHERE type != 0") == 0
    fields = {tuple(n[1]) for n in _notes(fresh).values()}
    assert ("Capital of France?", "Paris") in fields
    assert ("Water is {{c1::H2O}}: {{c2::hydrogen}} and oxygen.", "Two atoms of H") in fields
    assert ("Largest planet?<br>- Mars<br>- Jupiter", "Jupiter") in fields
    assert ("Speed of light in km/s?", "300,000<br>(also: 300000)") in fields
    assert ("True or false? The Great Wall is visible from the Moon.", "False") in fields
    assert ("From the Sun?<br>- Earth<br>- Mercury<br>- Venus", "1. Mercury<br>2. Venus<br>3. Earth") in fields
    assert {tuple(n[2]) for n in _notes(fresh).values()} == {("geo",), ()}
    # Importing the same export again updates Anki's notes instead of adding copies.
    fresh.import_anki_package(
        ImportAnkiPackageRequest(package_path=str(out), options=ImportAnkiPackageOptions(with_scheduling=True))
    )
    assert (fresh.note_count(), fresh.card_count()) == (6, 8)


def test_studied_techquiz_cards_arrive_in_anki_with_their_schedule(
    tmp_path: Path, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Answers given in techquiz (not imported) show in Anki with the same due day and log."""
    from techquiz.config import Config
    from techquiz.deck.discovery import load_library
    from techquiz.model import Rating
    from techquiz.srs import scheduler
    from techquiz.store import db, progress

    config = Config.from_env()
    config.user_decks_dir.mkdir(parents=True)
    (config.user_decks_dir / "every.yaml").write_text(EVERY_TYPE, encoding="utf-8")
    library = load_library(config.deck_dirs)
    deck = library.find("every-type")
    assert deck is not None
    conn = db.connect(config.store_path)
    now = config.now()
    progress.sync_deck(conn, deck, now)
    rows = conn.execute("SELECT id FROM cards WHERE deck_id = ? ORDER BY position LIMIT 3", (deck.id,)).fetchall()
    for (rowid,), rating in zip(rows, (Rating.Good, Rating.Easy, Rating.Again), strict=True):
        progress.answer(conn, rowid, rating, now, study_day(now), 4000, lambda s, r=rating: scheduler.review(s, r, now))
    expected = [
        (state, study_day(datetime.fromtimestamp(due / 1000, UTC)))
        for state, due in conn.execute("SELECT state, due FROM cards WHERE state > 0")
    ]
    conn.close()
    out = tmp_path / "studied.apkg"
    assert run(capsys, "export", deck.id, "--anki", str(out))[0] == 0
    fresh = _into_anki(out, tmp_path / "fresh")
    studied = fresh.db.all(
        "SELECT c.type, c.due, (SELECT COUNT(*) FROM revlog r WHERE r.cid = c.id) FROM cards c WHERE c.type > 0"
    )
    assert sorted((t, _absolute_due(fresh, t, d)) for t, d, _ in studied) == sorted(expected)
    assert all(count == 1 for _, _, count in studied)


def test_csv_export_imports_back(tmp_path: Path, isolated_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deck = tmp_path / "every.yaml"
    deck.write_text(EVERY_TYPE, encoding="utf-8")
    out = tmp_path / "every-rows.csv"
    code, stdout, err = run(capsys, "export", str(deck), "--csv", str(out))
    assert code == 0, err
    assert "7 rows" in stdout  # the reverse card is the same pair; each cloze deletion is a row
    assert run(capsys, "import", str(out), "--into", str(tmp_path / "back"))[0] == 0
    back = load_deck(tmp_path / "back" / "every-rows.yaml").deck
    assert back is not None
    rows = [(c.front, c.back, c.tags) for c in back.cards]  # type: ignore[attr-defined]
    assert rows[0] == ("Capital of France?", "Paris", ("geo",))
    assert rows[1] == ("Water is [...]: hydrogen and oxygen.", "H2O", ())
    assert rows[3] == ("Largest planet?\n- Mars\n- Jupiter", "Jupiter", ())
    tsv = tmp_path / "every.tsv"
    assert run(capsys, "export", str(deck), "--csv", str(tsv))[0] == 0
    assert tsv.read_text(encoding="utf-8").splitlines()[:2] == ["front\tback\ttags", "Capital of France?\tParis\tgeo"]
    code, _, err = run(capsys, "export", str(deck), "--csv", str(tmp_path / "missing" / "x.csv"))
    assert code == 1 and "no such folder" in err


def test_a_deck_studied_in_anki_comes_back_into_its_own_deck(
    tmp_path: Path, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """techquiz -> Anki (study on the phone) -> techquiz: the answers land in the deck they came from."""
    from techquiz.store import db

    config = Config.from_env()
    config.user_decks_dir.mkdir(parents=True)
    own = config.user_decks_dir / "every.yaml"
    own.write_text(EVERY_TYPE, encoding="utf-8")
    _answer_first_card(config)  # one answer given in techquiz before the export: it must not come back twice
    out = tmp_path / "to-anki.apkg"
    assert run(capsys, "export", "every-type", "--anki", str(out))[0] == 0
    col = _into_anki(out, tmp_path / "phone")
    deck_id = col.decks.id_for_name("Every type")
    assert deck_id is not None
    col.decks.select(deck_id)
    study(col, 3, lambda i: 3)
    extra = col.new_note(col.models.by_name("Basic"))  # type: ignore[arg-type]
    extra["Front"], extra["Back"] = "Added on the phone", "not in the file"
    col.add_note(extra, deck_id)
    back = tmp_path / "from-anki.apkg"
    options = ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True, with_media=False, legacy=False)
    col.export_anki_package(out_path=str(back), options=options, limit=None)
    decks_before = sorted(p.name for p in config.user_decks_dir.iterdir())
    code, printed, err = run(capsys, "import", str(back), "--json")
    assert code == 0, err
    report = json.loads(printed)
    assert [d["id"] for d in report["decks"]] == ["every-type"] and report["reviews"] == 3
    assert report["decks"][0]["file"] == str(own) and report["decks"][0]["file_kept"] is True
    assert report["skipped"] == {"cards added in Anki that every-type's file does not have": 1}
    assert sorted(p.name for p in config.user_decks_dir.iterdir()) == decks_before  # no second deck file
    assert own.read_text(encoding="utf-8") == EVERY_TYPE  # the file is the user's: not rewritten
    conn = db.connect(config.store_path)
    assert conn.execute("SELECT COUNT(*) FROM cards WHERE state > 0 AND deck_id = 'every-type'").fetchone()[0] == 3
    assert conn.execute("SELECT COUNT(DISTINCT deck_id) FROM cards").fetchone()[0] == 1
    assert conn.execute("SELECT COUNT(*) FROM review_log").fetchone()[0] == 1 + 3
    conn.close()
    code, printed, err = run(capsys, "import", str(back))  # again, as text: said plainly, nothing doubled
    assert code == 0 and "every-type" in printed and "kept as it is" in printed, err


def _answer_first_card(config: Config) -> None:
    from techquiz.deck.discovery import load_library
    from techquiz.model import Rating
    from techquiz.srs import scheduler
    from techquiz.store import db, progress

    deck = load_library(config.deck_dirs).find("every-type")
    assert deck is not None
    conn = db.connect(config.store_path)
    # In the past of the real clock too: Anki gives a review logged in its future the id "now".
    then = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
    progress.sync_deck(conn, deck, then)
    rowid = conn.execute("SELECT id FROM cards WHERE deck_id = ? ORDER BY position LIMIT 1", (deck.id,)).fetchone()[0]
    progress.answer(
        conn, rowid, Rating.Good, then, study_day(then), 4000, lambda s: scheduler.review(s, Rating.Good, then)
    )
    conn.close()
