"""The `techquiz` command: argparse subcommands. The only place that reads argv and the environment."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path

from techquiz import __version__, commands
from techquiz.cli_help import HELP
from techquiz.config import Config
from techquiz.errors import TechquizError, UserError
from techquiz.safe_output import cleaned_output
from techquiz.tui import launch  # Textual loads only when one of its commands runs

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


Run = Callable[[argparse.Namespace, Config], int]


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="techquiz",
        description="Terminal flashcards and quizzes with FSRS spaced repetition and plain-text YAML decks.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"techquiz {__version__}")
    parser.set_defaults(run=launch.home)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("study", parents=[common], help="study these decks (default: all) with spaced repetition")
    p.add_argument("deck_refs", nargs="*", metavar="DECK", help="deck id or deck file")
    p.add_argument("--search", metavar="QUERY", help="study the cards this search finds (custom study; docs/search.md)")
    p.add_argument(
        "--reschedule",
        action="store_true",
        help="with --search: answers of cards not yet due change their schedule (default: a preview)",
    )
    p.set_defaults(run=launch.study)

    p = sub.add_parser("quiz", parents=[common], help="a scored quiz that leaves the schedule untouched")
    p.add_argument("deck_refs", nargs="*", metavar="DECK", help="deck id or deck file")
    p.add_argument("-n", type=_at_least_one, default=10, metavar="N", help="number of questions (default 10)")
    p.set_defaults(run=launch.quiz)

    p = sub.add_parser("stats", parents=[common], help="statistics, as a table or as JSON")
    p.add_argument("deck_refs", nargs="*", metavar="DECK", help="deck id or deck file")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=commands.stats)

    p = sub.add_parser(
        "optimize", parents=[common], help="fit each deck's FSRS parameters to its reviews (adopted only if better)"
    )
    p.add_argument("deck_refs", nargs="*", metavar="DECK", help="deck id or deck file")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--dry-run", action="store_true", help="report the fit without saving it")
    p.set_defaults(run=commands.optimize)

    p = sub.add_parser("decks", parents=[common], help="list the decks found, with card / new / due counts")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=commands.decks)

    p = sub.add_parser("validate", parents=[common], help="check deck files or folders")
    p.add_argument("paths", nargs="+", metavar="PATH", help="deck files or folders of decks")
    p.add_argument(
        "--add-ids",
        action="store_true",
        help="write an id into every card that lacks one (comments and layout kept; progress carried over)",
    )
    p.set_defaults(run=commands.validate)

    p = sub.add_parser("schema", parents=[common], help="print the JSON Schema of the deck format")
    p.set_defaults(run=commands.schema)

    p = sub.add_parser("new", parents=[common], help="write a commented starter deck to PATH (never overwrites)")
    p.add_argument("path", metavar="PATH", help="the deck file to create, e.g. my-deck.yaml")
    p.set_defaults(run=commands.new)

    p = sub.add_parser("draft", parents=[common], help="draft a deck (cloze and typed cards) from a plain-text article")
    p.add_argument("article", metavar="ARTICLE.txt", help="the article, as plain text")
    p.add_argument("-o", "--output", metavar="OUT", help="the deck file to write (default: ARTICLE.yaml beside it)")
    p.set_defaults(run=commands.draft)

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
    p.set_defaults(run=commands.cards)

    p = sub.add_parser(
        "import", parents=[common], help="import an Anki .apkg/.colpkg (with history) or a Quizlet/CSV/TSV file"
    )
    p.add_argument("file", metavar="FILE", help="the package or text file")
    p.add_argument("--into", metavar="DIR", help="where to write the decks (default: your deck folder)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(run=commands.import_file)

    p = sub.add_parser("export", parents=[common], help="export decks (and their history) to Anki or CSV")
    p.add_argument("deck_refs", nargs="+", metavar="DECK", help="deck id or deck file")
    out = p.add_mutually_exclusive_group(required=True)
    out.add_argument("--anki", metavar="OUT.apkg", help="write an Anki package")
    out.add_argument("--csv", metavar="OUT.csv", help="write front,back,tags rows")
    p.add_argument("--no-history", action="store_true", help="Anki: notes only, without scheduling and review log")
    p.set_defaults(run=commands.export)

    p = sub.add_parser(
        "restore", parents=[common], help="restore the progress store from a backup (shows both, asks first)"
    )
    p.add_argument("backup", nargs="?", metavar="BACKUP", help="a backup file (default: the newest)")
    p.add_argument("--yes", action="store_true", help="do not ask (for scripts)")
    p.set_defaults(run=commands.restore)

    p = sub.add_parser("serve", parents=[common], help="the app in a browser: a URL with a secret token ([web] extra)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1, this computer only; 0.0.0.0 = every network, with a warning)",
    )
    p.add_argument("--port", type=_port, default=8000, help="port to listen on (default 8000; 0 picks a free one)")
    p.add_argument(
        "--max-sessions",
        type=_at_least_one,
        default=4,
        metavar="N",
        help="browser sessions (one app process each) allowed at once (default 4)",
    )
    p.set_defaults(run=_serve)

    for name, command in sub.choices.items():  # a description and examples under every --help
        description, examples = HELP[name]
        command.description = textwrap.fill(description, 78)
        command.epilog = f"examples:\n{examples}"
        command.formatter_class = argparse.RawDescriptionHelpFormatter
    return parser


def _at_least_one(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


# What the parser gives for no arguments: `techquiz` alone, the usual start.
NO_ARGUMENTS = {"command": None, "run": launch.home}


def parse_args(argv: list[str]) -> argparse.Namespace:
    if not argv:  # without building the parser of every command: ~3 ms of the first paint (a test compares)
        return argparse.Namespace(**NO_ARGUMENTS)
    return _parse(build_parser(), argv)


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


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid port: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("must be between 0 and 65535")
    return value


def _serve(args: argparse.Namespace, config: Config) -> int:
    # Imported here: textual-serve is the optional [web] extra, and aiohttp is not cheap to load.
    try:
        from techquiz import web
    except ModuleNotFoundError as exc:
        raise UserError(
            f"techquiz serve needs the web extra ({exc.name} is missing): pip install 'techquiz[web]'"
        ) from None
    return web.serve(config, args.host, args.port, args.max_sessions, getattr(args, "decks", []))


def main(argv: Sequence[str] | None = None) -> int:
    with cleaned_output():  # whatever a command echoes from a file, no control sequence is printed
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        config = Config.from_env(data_dir=getattr(args, "data_dir", None), deck_dirs=getattr(args, "decks", []))
        for folder in getattr(args, "decks", []):
            if not Path(folder).expanduser().is_dir():
                why = "not a folder" if Path(folder).expanduser().exists() else "no such folder"
                print(f"techquiz: warning: --decks {folder}: {why}; no decks loaded from it", file=sys.stderr)
        run: Run = args.run
        code = run(args, config)
        sys.stdout.flush()  # here, so a closed pipe is noticed below and not at exit
        return code
    except BrokenPipeError:
        # The reader went away (`techquiz stats | head -1`): what it wanted it got. Quiet, like cat;
        # stdout goes to devnull so the flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except TechquizError as exc:
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
