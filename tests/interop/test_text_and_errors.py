"""Quizlet/CSV/TSV import, HTML to text, and files that are damaged or foreign (nothing written)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from techquiz.cli import main as techquiz_main
from techquiz.deck.loader import load_deck
from techquiz.interop.guid import card_id, guid_for
from techquiz.interop.html import html_to_text
from techquiz.interop.yamlwrite import CardOut, deck_yaml

from .conftest import run


def _cards(data: Path, name: str) -> list[tuple[str, str, tuple[str, ...]]]:
    deck = load_deck(data / "decks" / name).deck
    assert deck is not None
    return [(c.front, c.back, c.tags) for c in deck.cards]  # type: ignore[attr-defined]


def test_quizlet_tsv(tmp_path: Path, isolated_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "spanish_words.txt"
    source.write_text("hola\thello\nadiós\tgoodbye\n\nsin definición\t\n", encoding="utf-8")
    code, out, err = run(capsys, "import", str(source))
    assert code == 0, err
    assert "Skipped 1: rows with an empty term or definition" in out
    assert _cards(isolated_env, "spanish-words.yaml") == [("hola", "hello", ()), ("adiós", "goodbye", ())]


def test_csv_with_header_tags_and_quoted_newlines(
    tmp_path: Path, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "capitals.csv"
    source.write_text('Term,Definition,Tags\nFrance,"Paris\n(since 987)",europe city\n"no",yes,\n', encoding="utf-8")
    code, out, err = run(capsys, "import", str(source), "--json")
    assert code == 0, err
    assert json.loads(out)["cards"] == 2
    assert _cards(isolated_env, "capitals.yaml") == [
        ("France", "Paris\n(since 987)", ("europe", "city")),
        ("no", "yes", ()),
    ]
    assert run(capsys, "import", str(source))[0] == 0  # importing again rewrites its own file


def test_anki_text_export_directives(tmp_path: Path, isolated_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "notes.txt"
    source.write_text('#separator:semicolon\n#html:true\n#tags column:3\n"a &lt; b";<b>yes</b><br>really;maths\n')
    assert run(capsys, "import", str(source))[0] == 0
    assert _cards(isolated_env, "notes.yaml") == [("a < b", "yes\nreally", ("maths",))]
    full = tmp_path / "full.txt"  # "Notes in Plain Text" with guid, note type and deck columns
    full.write_text("#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:6\n"
                    "abc\tBasic\tMaths\ttwo\t2\tnumbers\n")  # fmt: skip
    assert run(capsys, "import", str(full))[0] == 0
    assert _cards(isolated_env, "full.yaml") == [("two", "2", ("numbers",))]


def test_hand_written_deck_is_never_overwritten(
    tmp_path: Path, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = isolated_env / "decks" / "words.yaml"
    mine.parent.mkdir(parents=True)
    mine.write_text("my own deck\n")
    source = tmp_path / "words.tsv"
    source.write_text("a\tb\n")
    code, _, err = run(capsys, "import", str(source))
    assert code == 1 and "was not written by `techquiz import`" in err
    assert mine.read_text() == "my own deck\n"


def _garbage(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / "broken.apkg"
    if kind == "random":
        path.write_bytes(b"\x00\x01not a zip at all" * 50)
    elif kind == "no-collection":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("readme.txt", "hello")
    elif kind == "not-sqlite":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("collection.anki21", b"SQLite format 3\x00" + b"\xff" * 5000)
    elif kind == "foreign-sqlite":
        import sqlite3

        db = tmp_path / "other.db"
        sqlite3.connect(db).execute("CREATE TABLE x (a)").connection.commit()
        with zipfile.ZipFile(path, "w") as z:
            z.write(db, "collection.anki21")
    elif kind == "bad-zstd":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("collection.anki21b", b"\x28\xb5\x2f\xfd" + b"\x00" * 100)
    return path


@pytest.mark.parametrize("kind", ["random", "no-collection", "not-sqlite", "foreign-sqlite", "bad-zstd"])
def test_damaged_or_foreign_package_is_one_line_and_writes_nothing(
    kind: str, tmp_path: Path, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "import", str(_garbage(tmp_path, kind)))
    assert code == 1
    assert err.startswith("techquiz: ") and err.count("\n") == 1 and "Traceback" not in err
    assert "Anki package" in err
    assert not (isolated_env / "decks").exists() and not (isolated_env / "progress.sqlite3").exists()


def test_truncated_real_package(
    packages: dict[str, Path], tmp_path: Path, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = packages["current.apkg"].read_bytes()
    cut = tmp_path / "cut.apkg"
    cut.write_bytes(data[: len(data) // 2])
    code, _, err = run(capsys, "import", str(cut))
    assert code == 1 and err.count("\n") == 1
    assert not (isolated_env / "decks").exists()


def test_missing_zstandard_says_how_to_install(
    packages: dict[str, Path], monkeypatch: pytest.MonkeyPatch, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "zstandard", None)
    code, _, err = run(capsys, "import", str(packages["current.apkg"]))
    assert code == 1
    assert "pip install 'techquiz[anki]'" in err and err.count("\n") == 1
    assert run(capsys, "import", str(packages["legacy.apkg"]))[0] == 0  # the legacy format needs no zstd


def test_html_to_text() -> None:
    assert html_to_text("a&nbsp;&amp;&lt;b&gt;<br>c<div>d</div>") == ("a &<b>\nc\nd", 0)
    assert html_to_text("<ul><li>one</li><li>two</li></ul>") == ("- one\n- two", 0)
    assert html_to_text('x <img src="a.png"> [sound:b.mp3]<script>alert(1)</script>') == ("x", 2)
    assert html_to_text("\x1b]52;c;evil\x07ok") == ("]52;c;evilok", 0)


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(min_codepoint=33, max_codepoint=0x7FF), min_size=1, max_size=12))
def test_guid_round_trips(guid: str) -> None:
    """Anki's guids (ten base-91 characters) come back exactly, so Anki updates its notes."""
    made = card_id(guid)
    assert load_deck(
        Path("x.yaml"), deck_yaml([], "d", "D", [CardOut(made, "basic", (("front", "f"), ("back", "b")))])
    ).deck
    assert guid_for("d", made) == guid


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(
    lambda s: s.strip() == s and s != ""
)


@settings(max_examples=300, deadline=None)
@given(_TEXT, _TEXT, st.lists(_TEXT, max_size=3))
def test_written_yaml_reads_back_exactly(front: str, back: str, tags: list[str]) -> None:
    text = deck_yaml([], "d", front, [CardOut("c", "basic", (("front", front), ("back", back)), tuple(tags))])
    deck = load_deck(Path("x.yaml"), text).deck
    assert deck is not None, text
    card = deck.cards[0]
    assert (deck.title, card.front, card.back, card.tags) == (front, front, back, tuple(tags))  # type: ignore[attr-defined]


def test_into_folder_and_deck_id_taken_elsewhere(
    tmp_path: Path, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "tech-opening-up-figures.csv"  # the id of a bundled deck
    source.write_text("a,b\n")
    code, _, err = run(capsys, "import", str(source))
    assert code == 1 and "already exists in" in err and "--into" in err
    other = tmp_path / "elsewhere"
    renamed = tmp_path / "my-words.csv"
    renamed.write_text("a,b\n")
    code, out, err = run(capsys, "import", str(renamed), "--into", str(other))
    assert code == 0, err
    assert (other / "my-words.yaml").is_file()
    assert f"techquiz --decks {other} study" in out


def _quiet(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = techquiz_main(argv)
    return code, err.getvalue()


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_any_text_file_is_a_deck_or_one_clear_line(tmp_path_factory: pytest.TempPathFactory, content: bytes) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    source = folder / "cards.txt"
    source.write_bytes(content)
    code, err = _quiet(["--data-dir", str(folder / "data"), "import", str(source), "--into", str(folder / "out")])
    assert code in (0, 1) and "unexpected" not in err and err.count("\n") <= 1
    if code == 0:
        assert load_deck(folder / "out" / "cards.yaml").deck is not None


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["collection.anki21", "collection.anki2", "collection.anki21b"]), st.binary(max_size=2000))
def test_any_package_is_imported_or_one_clear_line(
    tmp_path_factory: pytest.TempPathFactory, name: str, content: bytes
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    source = folder / "x.apkg"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr(name, content)
    code, err = _quiet(["--data-dir", str(folder / "data"), "import", str(source)])
    assert code == 1 and "unexpected" not in err and err.count("\n") == 1
    assert not (folder / "data" / "decks").exists()


def test_import_and_export_never_load_the_ui(tmp_path: Path, isolated_env: Path) -> None:
    source = tmp_path / "words.tsv"
    source.write_text("a\tb\n")
    script = (
        "import sys; from techquiz.cli import main; "
        f"assert main(['import', {str(source)!r}]) == 0; "
        f"assert main(['export', 'words', '--anki', {str(tmp_path / 'w.apkg')!r}]) == 0; "
        "assert 'textual' not in sys.modules, 'the core imported Textual'"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=dict(os.environ))
    assert done.returncode == 0, done.stderr


def test_damaged_store_stops_the_import_before_any_deck_is_written(
    tmp_path: Path, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    isolated_env.mkdir(parents=True)
    (isolated_env / "progress.sqlite3").write_bytes(b"SQLite format 3\x00" + b"\x13" * 4000)
    source = tmp_path / "words.tsv"
    source.write_text("a\tb\n")
    code, _, err = run(capsys, "import", str(source))
    assert code == 1 and "damaged" in err and err.count("\n") == 1
    assert not (isolated_env / "decks").exists()


def test_a_folder_is_not_called_missing(tmp_path: Path, isolated_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "import", str(tmp_path))
    assert (
        code == 1 and err == f"techquiz: {tmp_path} is a folder; import one file (.apkg, .colpkg, .csv, .tsv or .txt)\n"
    )


def test_a_card_list_too_big_for_a_deck_is_not_told_to_use_anki(
    tmp_path: Path, isolated_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("techquiz.interop.importer.MAX_FILE_BYTES", 2_000)  # a 100k-row CSV, in small
    source = tmp_path / "vocab.csv"
    source.write_text("".join(f"word {i},meaning {i}\n" for i in range(200)), encoding="utf-8")
    code, _, err = run(capsys, "import", str(source))
    assert code == 1 and err.count("\n") == 1
    assert "split the file into several" in err and "Anki" not in err
    assert not (isolated_env / "decks").exists()


def test_terms_without_latin_letters_keep_their_progress_when_rows_move(
    tmp_path: Path, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Their ids were card-1, card-2...: a row added on top handed 犬's progress to 鳥.
    source = tmp_path / "日本語.csv"
    source.write_text("犬,dog\n猫,cat\n", encoding="utf-8")
    assert run(capsys, "import", str(source))[0] == 0
    (path,) = (isolated_env / "decks").iterdir()
    before = {c.front: c.id for c in load_deck(path).deck.cards}  # type: ignore[union-attr]
    source.write_text("鳥,bird\n犬,dog\n猫,cat\n", encoding="utf-8")
    assert run(capsys, "import", str(source))[0] == 0
    after = {c.front: c.id for c in load_deck(path).deck.cards}  # type: ignore[union-attr]
    assert after["犬"] == before["犬"] and after["猫"] == before["猫"] and len(set(after.values())) == 3
    assert path.name != "deck.yaml"  # the file name gave no letters either: its id is not a generic "deck"


def test_a_card_list_never_replaces_an_imported_anki_deck(
    packages: dict[str, Path], tmp_path: Path, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # "languages::french.csv" maps to the Anki deck's id: it replaced the deck's cards, their progress orphaned.
    assert run(capsys, "import", str(packages["current.apkg"]))[0] == 0
    anki_deck = (isolated_env / "decks" / "languages__french.yaml").read_text(encoding="utf-8")
    source = tmp_path / "languages::french.csv"
    source.write_text("chat,cat\n", encoding="utf-8")
    code, _, err = run(capsys, "import", str(source))
    assert code == 1 and err.count("\n") == 1
    assert "was imported from current.apkg, not languages::french.csv; it is left alone" in err
    assert (isolated_env / "decks" / "languages__french.yaml").read_text(encoding="utf-8") == anki_deck
    assert run(capsys, "import", str(packages["legacy.apkg"]))[0] == 0  # another package of the deck updates it


def test_a_quote_that_never_closes_is_reported_not_swallowed(
    tmp_path: Path, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # It made the rest of the file the back of one card: 1 card imported out of 1,000 rows, no word said.
    source = tmp_path / "vocab.csv"
    source.write_text('#separator:comma\nhola,hello\nadiós,"goodbye\n' + "".join(f"w{i},m{i}\n" for i in range(1000)))
    code, _, err = run(capsys, "import", str(source))
    assert code == 1 and err.count("\n") == 1
    assert err.startswith(f"techquiz: {source}:3: a quoted field starts in this row and its closing quote never comes")
    assert not (isolated_env / "decks").exists()
    source.write_text('"Hola" means hello,greeting\nq,"two\nlines"\n')  # quirks still read as before
    assert run(capsys, "import", str(source))[0] == 0
    assert [c[:2] for c in _cards(isolated_env, "vocab.yaml")] == [
        ("Hola means hello", "greeting"),
        ("q", "two\nlines"),
    ]


def _damaged_copy(package: Path, tmp_path: Path, *updates: str) -> Path:
    """The legacy package with SQL updates applied to its collection (a damaged or hand-edited one)."""
    import sqlite3

    work = tmp_path / "unpacked"
    with zipfile.ZipFile(package) as z:
        names = z.namelist()
        z.extractall(work)
    db = sqlite3.connect(work / "collection.anki21")
    for update in updates:
        db.execute(update)
    db.commit()
    db.close()
    out = tmp_path / "damaged.apkg"
    with zipfile.ZipFile(out, "w") as z:
        for name in names:
            z.write(work / name, name)
    return out


def test_impossible_times_dues_and_memory_in_a_collection_are_not_imported(
    packages: dict[str, Path], tmp_path: Path, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A review timed in the year 9999 crashed the import (OverflowError) after the deck file was
    # written; a due of 999,999,999 days likewise; stability 1e308 and difficulty -5 were stored as is.
    import sqlite3

    damaged = _damaged_copy(
        packages["legacy.apkg"],
        tmp_path,
        "UPDATE revlog SET id = 253402300799000 - id % 1000 WHERE id % 2 = 0",
        "UPDATE revlog SET id = -id WHERE id % 2 = 1 AND id > 0",
        "UPDATE cards SET type = 2, queue = 2, due = 999999999, ivl = 2147483647, "
        'data = \'{"s": 1e308, "d": -5, "lrt": 99999999999999}\' WHERE id % 2 = 0',
        'UPDATE cards SET type = 2, queue = 2, due = 3, data = \'{"s": NaN, "d": Infinity}\' WHERE id % 2 = 1',
    )
    code, out, err = run(capsys, "import", str(damaged), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["reviews"] == 0 and report["skipped"]["rows with an impossible time (before 2006 or after 3000)"] > 0
    store = sqlite3.connect(isolated_env / "progress.sqlite3")
    rows = store.execute("SELECT stability, difficulty, due FROM cards WHERE state = 2").fetchall()
    assert rows and all(0.001 <= s <= 36500 and 1 <= d <= 10 and due < 32_503_680_000_000 for s, d, due in rows)


def test_an_odd_file_name_keeps_the_report_on_its_lines_and_its_deck_updatable(
    tmp_path: Path, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "words\nlist: importing it again.csv"  # a newline, and the marker's own words
    source.write_text("hola,hello\n", encoding="utf-8")
    code, out, err = run(capsys, "import", str(source))
    assert code == 0, err
    assert out.splitlines()[0] == "Imported words list: importing it again.csv (text file): 1 deck, 1 card."
    assert run(capsys, "import", str(source))[0] == 0  # its own file is recognised as its own


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "a-2", "a-3", "b", "card-1", "b-2"]), max_size=40))
def test_card_ids_of_repeated_terms_are_the_ids_they_always_were(bases: list[str]) -> None:
    # A faster numbering must give the ids earlier imports wrote, or re-importing orphans progress.
    from techquiz.authoring.ids import unique
    from techquiz.interop.text import _unique

    taken_old: set[str] = set()
    taken_new: set[str] = set()
    suffixes: dict[str, int] = {}
    assert [unique(b, taken_old, "x") for b in bases] == [_unique(b, taken_new, suffixes) for b in bases]


def test_a_term_repeated_on_every_row_of_a_big_file(
    tmp_path: Path, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Each row tried every suffix before its own: 100,000 rows of one term took about ten minutes.
    source = tmp_path / "same.csv"
    source.write_text("".join(f"same term,meaning {i}\n" for i in range(100_000)), encoding="utf-8")
    code, out, err = run(capsys, "import", str(source), "--json")
    assert code == 0, err
    assert json.loads(out)["cards"] == 100_000
    text = (isolated_env / "decks" / "same.yaml").read_text(encoding="utf-8")
    assert "id: same-term\n" in text and "id: same-term-100000\n" in text
