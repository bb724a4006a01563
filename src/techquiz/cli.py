"""The `techquiz` command: argparse subcommands. The only place that reads argv and the environment."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from techquiz import __version__
from techquiz.config import Config, ConfigError
from techquiz.errors import UserError
from techquiz.store.db import StoreError

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def _common() -> argparse.ArgumentParser:
    # Options accepted before or after the subcommand; SUPPRESS keeps a later default from
    # overwriting a value given earlier.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="where progress is stored (TECHQUIZ_DATA_DIR)",
    )
    common.add_argument(
        "--decks",
        metavar="DIR",
        action="append",
        default=argparse.SUPPRESS,
        help="also load the decks in DIR (repeatable; TECHQUIZ_DECKS)",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="techquiz",
        description="Terminal flashcards and quizzes with FSRS spaced repetition and plain-text YAML decks.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"techquiz {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("study", parents=[common], help="study these decks (default: all) with spaced repetition")
    p.add_argument("deck_refs", nargs="*", metavar="DECK", help="deck id or deck file")

    p = sub.add_parser("quiz", parents=[common], help="a scored quiz that leaves the schedule untouched")
    p.add_argument("deck_refs", nargs="*", metavar="DECK", help="deck id or deck file")
    p.add_argument("-n", type=int, default=10, metavar="N", help="number of questions (default 10)")

    p = sub.add_parser("stats", parents=[common], help="statistics, as a table or as JSON")
    p.add_argument("deck_refs", nargs="*", metavar="DECK", help="deck id or deck file")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("decks", parents=[common], help="list the decks found, with card / new / due counts")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("validate", parents=[common], help="check deck files or folders")
    p.add_argument("paths", nargs="+", metavar="PATH", help="deck files or folders of decks")
    p.add_argument(
        "--add-ids",
        action="store_true",
        help="write an id into every card that lacks one (comments and layout kept; progress carried over)",
    )

    sub.add_parser("schema", parents=[common], help="print the JSON Schema of the deck format")

    p = sub.add_parser("new", parents=[common], help="write a commented starter deck to PATH (never overwrites)")
    p.add_argument("path", metavar="PATH", help="the deck file to create, e.g. my-deck.yaml")

    p = sub.add_parser("draft", parents=[common], help="draft a deck (cloze and typed cards) from a plain-text article")
    p.add_argument("article", metavar="ARTICLE.txt", help="the article, as plain text")
    p.add_argument("-o", "--output", metavar="OUT", help="the deck file to write (default: ARTICLE.yaml beside it)")

    p = sub.add_parser("cards", parents=[common], help="find cards with Anki's search syntax, and act on them")
    p.add_argument("query", nargs="*", metavar="QUERY", help="an Anki-style search (see docs/search.md); none: all")
    p.add_argument("--json", action="store_true", help="print JSON records")
    actions = p.add_mutually_exclusive_group()
    for name, what in (
        ("suspend", "suspend every match"),
        ("unsuspend", "unsuspend every match"),
        ("bury", "bury every match until tomorrow"),
        ("forget", "reset every match to new (its history is kept)"),
    ):
        actions.add_argument(f"--{name}", dest="action", action="store_const", const=name, help=what)
    actions.add_argument("--due", metavar="DAYS", help="set the due date: 0 today, 3, or 3-7 (random in range)")

    p = sub.add_parser("restore", parents=[common], help="restore the progress store from a backup")
    p.add_argument("backup", nargs="?", metavar="BACKUP", help="a backup file (default: the newest)")
    return parser


def _parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """Parse argv; a search term like `-is:new` is part of the `cards` query, not an unknown option."""
    args, extra = parser.parse_known_args(argv)
    if not extra:
        return args
    if args.command != "cards" or any(e.startswith("--") or not e.startswith("-") for e in extra):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    wanted = [*args.query, *extra]
    query = []
    for word in argv[argv.index("cards") + 1 :]:  # in the order typed: `a or -b` is not `-b a or`
        if word in wanted:
            wanted.remove(word)
            query.append(word)
    args.query = query
    return args


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = _parse(parser, list(sys.argv[1:] if argv is None else argv))
    try:
        config = Config.from_env(data_dir=getattr(args, "data_dir", None), deck_dirs=getattr(args, "decks", []))
        return _dispatch(parser, args, config)
    except (UserError, ConfigError, StoreError) as exc:
        print(f"techquiz: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except sqlite3.DatabaseError as exc:  # damage found while reading, past the open-time check
        from techquiz.store.db import corrupt_message

        store = Config.from_env(data_dir=getattr(args, "data_dir", None)).store_path
        print(f"techquiz: {corrupt_message(store, str(exc))}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # the promise: never a traceback, always somewhere to look
        from techquiz.crashlog import write_crash_log

        log = write_crash_log(exc)
        print(f"techquiz: unexpected error: {exc!r}. Details are in {log}", file=sys.stderr)
        return EXIT_ERROR


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace, config: Config) -> int:
    from techquiz import commands

    command = args.command
    if command == "validate" and args.add_ids:
        return commands.add_ids(config, [Path(p) for p in args.paths])
    if command == "validate":
        return commands.validate([Path(p) for p in args.paths])
    if command == "schema":
        print(json.dumps(commands.schema(), indent=2))
        return EXIT_OK
    if command == "new":
        return commands.new(config, Path(args.path))
    if command == "draft":
        return commands.draft(config, Path(args.article), Path(args.output) if args.output else None)
    if command == "restore":
        return commands.restore(config, Path(args.backup) if args.backup else None)
    if command == "cards":
        action = "due" if args.due is not None else args.action
        return commands.cards(config, " ".join(args.query), args.json, action, args.due)
    if command == "decks":
        return commands.decks(config, as_json=args.json)
    if command == "stats":
        return commands.stats(config, args.deck_refs, as_json=args.json)
    if command in (None, "study", "quiz"):
        if command == "quiz" and args.n < 1:
            parser.error("-n must be at least 1")
        return commands.tui(config, command or "home", getattr(args, "deck_refs", []), getattr(args, "n", 10))
    parser.print_help()
    return EXIT_OK
