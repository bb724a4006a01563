"""What each non-interactive subcommand does; printing lives here, parsing in cli.py."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from techquiz.config import Config
from techquiz.deck.discovery import deck_files, load_library
from techquiz.deck.schema import json_schema


def validate(paths: list[Path]) -> int:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = deck_files(path)
            if not found:
                print(f"{path}: no deck files (*.yaml, *.yml) in this folder", file=sys.stderr)
                return 1
            files.extend(found)
        else:
            files.append(path)
    library = load_library([], files)
    failed = False
    for result in library.results:
        for problem in result.problems:
            print(problem, file=sys.stderr)
        failed = failed or bool(result.errors) or result.deck is None
    cards = sum(len(d.cards) for d in library.decks)
    broken = len(library.broken)
    if failed:
        print(f"{broken} of {len(library.results)} deck file(s) invalid", file=sys.stderr)
        return 1
    print(f"{len(library.decks)} deck(s), {cards} card(s): valid")
    return 0


def schema() -> dict[str, Any]:
    return json_schema()


def decks(config: Config, as_json: bool) -> int:
    from techquiz.store.overview import deck_overview

    library = load_library(config.deck_dirs)
    rows = deck_overview(config, library)
    broken = [{"path": str(r.path), "errors": [str(p) for p in r.errors]} for r in library.broken]
    if as_json:
        print(json.dumps({"decks": rows, "broken": broken}, indent=2, ensure_ascii=False))
        return 0
    if not rows and not broken:
        print("No decks found.")
        return 0
    width = max([len(r["id"]) for r in rows] + [4])
    print(f"{'DECK':<{width}}  {'CARDS':>5}  {'NEW':>5}  {'LEARN':>5}  {'DUE':>5}  TITLE")
    for r in rows:
        print(
            f"{r['id']:<{width}}  {r['cards']:>5}  {r['new']:>5}  {r['learning']:>5}  {r['due_today']:>5}  {r['title']}"
        )
    for b in broken:
        print(f"broken: {b['path']}", file=sys.stderr)
        for line in b["errors"]:
            print(f"  {line}", file=sys.stderr)
    return 0


def restore(config: Config, chosen: Path | None) -> int:
    from techquiz.store.restore import restore as restore_store

    used, kept = restore_store(config.store_path, chosen)
    print(f"Restored {config.store_path} from {used}.")
    if kept is not None:
        print(f"The file it replaced is kept as {kept}.")
    return 0
