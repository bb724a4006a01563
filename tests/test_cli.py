from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from techquiz import __version__
from techquiz.cli import NO_ARGUMENTS, build_parser, main, parse_args
from techquiz.config import Config
from techquiz.deck.loader import load_deck
from techquiz.store import db, progress

from .conftest import BUNDLED, REPO
from .decktext import basic, deck_yaml


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse: --help, --version, usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"techquiz {__version__}"


def test_no_arguments_skips_the_parser_and_means_what_the_parser_says() -> None:
    assert vars(build_parser().parse_args([])) == NO_ARGUMENTS == vars(parse_args([]))


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "frobnicate")
    assert code == 2 and "invalid choice" in err


def test_validate_bundled(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", str(BUNDLED))
    assert code == 0, err
    assert out.strip().endswith("valid")


def test_validate_reports_every_problem_and_exits_1(
    capsys: pytest.CaptureFixture[str], write_deck: Callable[..., Path]
) -> None:
    bad = write_deck("format: 1\nid: x\ntitle: X\ncards:\n  - {id: a, front: q}\n  - {id: a, front: q, back: b}\n")
    code, _, err = run(capsys, "validate", str(bad), str(BUNDLED / "tech-opening-up-figures.yaml"))
    assert code == 1
    lines = err.splitlines()
    assert f"{bad}:5:5: card 'a': missing field 'back'" in lines
    assert "Traceback" not in err


def test_duplicate_deck_ids_across_files(capsys: pytest.CaptureFixture[str], write_deck: Callable[..., Path]) -> None:
    body = deck_yaml("same", basic("a", "q", "b"))
    first, second = write_deck(body, "a.yaml"), write_deck(body, "b.yaml")
    code, _, err = run(capsys, "validate", str(first.parent))
    assert code == 1
    assert f"{second}:2:5: deck id 'same' is already used by {first}" in err


def test_decks_json_counts_and_broken(
    capsys: pytest.CaptureFixture[str], write_deck: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_deck(deck_yaml("mine", basic("a", "q", "b", reverse=True)))
    write_deck("format: 1\nid: broken\n", "broken.yaml")
    code, out, _ = run(capsys, "decks", "--json", "--decks", str(write_deck("x: 1", "ignored.txt").parent))
    assert code == 0
    data = json.loads(out)
    ids = {d["id"]: d for d in data["decks"]}
    assert {"tech-opening-up-figures", "mine"} <= set(ids)
    assert ids["mine"]["cards"] == 2 and ids["mine"]["new"] == 2 and ids["mine"]["due_today"] == 0
    assert any(b["path"].endswith("broken.yaml") for b in data["broken"])


def test_schema_is_json_and_lists_every_card_type(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema")
    schema = json.loads(out)
    assert code == 0
    types = {v["properties"]["type"]["const"] for v in schema["$defs"]["card"]["oneOf"]}
    assert types == {"basic", "cloze", "choice", "typed", "truefalse", "order"}


def test_installed_wheel_finds_bundled_decks(tmp_path: Path) -> None:
    """`pip install .` from a clean clone must ship the decks/ folder inside the wheel."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(REPO)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("techquiz-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "techquiz/decks/tech-opening-up-figures.yaml" in names
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import techquiz.cli as c, sys; print(c.__file__); sys.exit(c.main(['decks', '--json']))",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    where, _, payload = proc.stdout.partition("\n")
    assert where.startswith(str(target))
    assert len(json.loads(payload)["decks"]) == 3


def test_restore_without_backups_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "restore")
    assert code == 1
    assert err.startswith("techquiz: no backups in ") and len(err.splitlines()) == 1


def test_committed_schema_file_matches_the_validator(capsys: pytest.CaptureFixture[str]) -> None:
    """docs/deck.schema.json (used by the bundled decks' editor line) is `techquiz schema` output."""
    _, out, _ = run(capsys, "schema")
    assert json.loads((REPO / "docs" / "deck.schema.json").read_text()) == json.loads(out)


def test_cards_added_to_a_studied_deck_are_counted(
    capsys: pytest.CaptureFixture[str], write_deck: Callable[..., Path], isolated_env: Path
) -> None:
    path = write_deck(deck_yaml("grow", basic("a", "q", "b")))
    loaded = load_deck(path).deck
    assert loaded is not None
    progress.sync_deck(db.connect(isolated_env / "progress.sqlite3"), loaded, Config.from_env().now())  # studied once
    path.write_text(path.read_text() + "  - {id: b, front: q2, back: b2}\n")
    _, out, _ = run(capsys, "decks", "--json", "--decks", str(path.parent))
    grow = next(d for d in json.loads(out)["decks"] if d["id"] == "grow")
    assert grow["cards"] == 2 and grow["new"] == 2


def test_a_deck_named_twice_counts_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # `export d d --csv` wrote every card twice; by id and by its file is the same deck too.
    code, _, err = run(capsys, "export", "tech-opening-up-figures", "tech-opening-up-figures",
                       str(BUNDLED / "tech-opening-up-figures.yaml"), "--csv", str(tmp_path / "out.csv"))  # fmt: skip
    assert code == 0, err
    once = run(capsys, "export", "tech-opening-up-figures", "--csv", str(tmp_path / "once.csv"))
    assert once[0] == 0
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == (tmp_path / "once.csv").read_text(encoding="utf-8")
    code, out, _ = run(capsys, "stats", "tech-opening-up-figures", "tech-opening-up-figures", "--json")
    assert code == 0 and [d["id"] for d in json.loads(out)["decks"]] == ["tech-opening-up-figures"]
