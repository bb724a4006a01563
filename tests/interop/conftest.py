"""A real Anki collection, built and studied headlessly with the official `anki` library."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from anki.collection import Collection, ExportAnkiPackageOptions
from anki.scheduler.v3 import CardAnswer

import techquiz.cli


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = techquiz.cli.main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def study(col: Collection, answers: int, grade: Callable[[int], int]) -> None:
    """Answer the next `answers` cards of the current deck with Anki's own v3 scheduler."""
    for i in range(answers):
        queued = col.sched.get_queued_cards(fetch_limit=1)
        if not queued.cards:
            return
        card = col.get_card(queued.cards[0].card.id)
        card.start_timer()
        col.sched.answer_card(col.sched.build_answer(card=card, states=queued.cards[0].states, rating=grade(i)))


@pytest.fixture
def anki_collection(tmp_path: Path) -> Collection:
    return make_collection(tmp_path)


def make_collection(tmp_path: Path) -> Collection:
    """Basic, Basic-and-reversed and Cloze notes in a subdeck, studied over two days, one card
    forgotten, one suspended and one lent to a filtered deck."""
    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    col.set_config("fsrs", True)
    did = col.decks.id("Languages::French")
    assert did is not None
    preset = col.decks.config_dict_for_deck_id(did)
    preset["new"]["perDay"], preset["desiredRetention"] = 35, 0.85
    col.decks.update_config(preset)
    deck = col.decks.get(did)
    assert deck is not None
    deck["desc"] = "Words <i>and</i> phrases"
    col.decks.save(deck)
    basic = col.models.by_name("Basic")
    reversed_ = col.models.by_name("Basic (and reversed card)")
    cloze = col.models.by_name("Cloze")
    assert basic and reversed_ and cloze
    for i, (front, back) in enumerate(
        [("<b>chat</b>", "cat"), ("chien &amp; loup", "dog<br>and wolf"), ("maison", "house")]
    ):
        note = col.new_note(basic)
        note["Front"], note["Back"] = front, back
        note.tags = ["animals" if i < 2 else "home", "fr::nouns"]
        col.add_note(note, did)
    note = col.new_note(reversed_)
    note["Front"], note["Back"] = "bonjour", "hello"
    col.add_note(note, did)
    note = col.new_note(cloze)
    note["Text"] = "{{c1::Paris}} is the capital of {{c2::France::country}}"
    note["Back Extra"] = "Since 987"
    col.add_note(note, did)
    col.decks.select(did)
    good, again = CardAnswer.GOOD, CardAnswer.AGAIN
    study(col, 30, lambda i: again if i % 4 == 1 else good)
    col.db.execute("update col set crt = crt - 86400 * 4")  # four days later for the scheduler
    study(col, 30, lambda i: good)
    forgotten = col.find_cards("chat")[0]  # "forget": a reset row in the log, the card new again
    col.sched.schedule_cards_as_new([forgotten], restore_position=True, reset_counts=False)
    first = col.find_cards("maison")[0]
    col.sched.suspend_cards([first])
    cram = col.sched.get_or_create_filtered_deck(deck_id=0)  # one card lent to a filtered deck
    cram.name = "Cram"
    cram.config.search_terms[0].search = "deck:Languages::French is:review -maison"
    cram.config.search_terms[0].limit = 1
    del cram.config.search_terms[1:]  # the second default term would pull in new cards too
    col.sched.add_or_update_filtered_deck(cram)
    assert col.db.scalar("SELECT COUNT(*) FROM cards WHERE odid != 0") == 1
    return col


@pytest.fixture
def packages(anki_collection: Collection, tmp_path: Path) -> dict[str, Path]:
    """The collection exported as Anki does: current and legacy .apkg, and .colpkg."""
    col = anki_collection
    out = {}
    for name, legacy in (("current.apkg", False), ("legacy.apkg", True)):
        out[name] = tmp_path / name
        options = ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True, with_media=True, legacy=legacy)
        col.export_anki_package(out_path=str(out[name]), options=options, limit=None)
    out["collection.colpkg"] = tmp_path / "collection.colpkg"
    col.export_collection_package(out_path=str(out["collection.colpkg"]), include_media=True, legacy=False)
    col.reopen()  # exporting a whole collection closes it
    return out
