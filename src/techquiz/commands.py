"""What each subcommand does, as `run(args, config) -> exit code`; printing lives here, parsing in cli.py."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from techquiz.config import Config
from techquiz.deck.cache import DeckCache
from techquiz.deck.discovery import Library, deck_files, load_library
from techquiz.deck.model import Deck
from techquiz.errors import UserError

if TYPE_CHECKING:
    from techquiz.card_search import CardRow
    from techquiz.memory_model import MemoryModel
    from techquiz.stats import Stats


def _count(n: int, word: str) -> str:
    """`1 review`, `2 reviews`: a report that says "1 reviews" reads as a bug."""
    return f"{n} {word}" + ("" if n == 1 else "s")


def validate(args: argparse.Namespace, config: Config) -> int:
    paths = [Path(p) for p in args.paths]
    if args.add_ids:
        return _add_ids(config, paths)
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


def _add_ids(config: Config, paths: list[Path]) -> int:
    from techquiz.authoring.ids import add_ids as write_ids
    from techquiz.authoring.ids import carry_progress, removed_card_ids
    from techquiz.deck.loader import load_deck
    from techquiz.store import db

    for path in paths:
        if not path.is_file():
            raise UserError(f"{path}: --add-ids takes deck files, not folders or missing paths")
    store = db.connect(config.store_path) if config.store_path.exists() else None
    try:
        for path in paths:
            # Ids of removed cards are refused: their history would silently come back on another card.
            added = write_ids(path, lambda deck_id: removed_card_ids(store, deck_id) if store else set())
            if not added:
                print(f"{path}: every card already has an id")
                continue
            for item in added:
                print(f"{path}:{item.line}: added id: {item.new}")
            deck = load_deck(path).deck
            if deck is not None and store is not None:
                moved = carry_progress(store, deck, added)
                if moved:
                    print(f"{path}: progress of {moved} card(s) kept under their new ids")
            print(f"{path}: {len(added)} id(s) added")
    finally:
        if store is not None:
            store.close()
    return 0


def new(args: argparse.Namespace, config: Config) -> int:
    path = Path(args.path)
    from techquiz.authoring.starter import new_deck

    folder_existed = path.parent.is_dir()
    new_deck(path, config)
    if not folder_existed:
        print(f"Created the folder {path.parent}")
    print(f"Wrote {path}: a starter deck with one card of each type.")
    print(f"Edit it, then: techquiz validate {path} && techquiz study {path}")
    return 0


def draft(args: argparse.Namespace, config: Config) -> int:
    article_path = Path(args.article)
    output = Path(args.output) if args.output else None
    from techquiz.authoring.draft import deck_text, draft_cards, read_article
    from techquiz.authoring.starter import schema_line, write_exclusively
    from techquiz.deck.loader import load_deck
    from techquiz.deck.result import read_deck_text
    from techquiz.deck.text import strip_controls

    if article_path.is_dir():
        raise UserError(f"{article_path} is a folder; draft reads one plain-text article")
    if not article_path.is_file():
        raise UserError(f"{article_path}: no such file")
    _refuse_non_article(article_path)
    raw, problem = read_deck_text(article_path)  # the same size limit and UTF-8 check as a deck
    if raw is None:
        raise UserError(str(problem))
    if re.search(r"(?m)^format:\s*\d+\s*$", raw[:4000]):  # a deck saved as .txt
        raise UserError(f"{article_path} is a deck, not an article; draft reads plain text (check a deck with: "
                        f"techquiz validate {article_path})")  # fmt: skip
    text, _ = strip_controls(raw.replace("\r\n", "\n").replace("\r", "\n"))
    article = read_article(text)
    cards = draft_cards(article)
    if not cards:
        raise UserError(f"{article_path}: found no sentences with figures, years or names to ask about")
    out = output or article_path.with_suffix(".yaml")
    deck = deck_text(article, cards, article_path, schema_line(config))
    check = load_deck(out, deck)
    if check.deck is None:  # a bug in draft, never the article's fault: say so rather than write junk
        raise RuntimeError("draft produced an invalid deck: " + "; ".join(str(p) for p in check.errors[:3]))
    write_exclusively(out, deck)
    kinds = {kind: sum(1 for c in cards if c.type == kind) for kind in ("cloze", "typed")}
    print(f"Wrote {out}: {_count(len(cards), 'card')} ({kinds['cloze']} cloze, {kinds['typed']} typed) "
          f"from {_count(len(article.sentences), 'sentence')}.")  # fmt: skip
    print(f"Read it through and edit it, then: techquiz validate {out} && techquiz study {out}")
    return 0


def _refuse_non_article(path: Path) -> None:
    """A deck file or a binary file is a mistake for `draft`: say which, rather than draft from it."""
    if path.suffix.lower() in (".yaml", ".yml"):
        raise UserError(f"{path} is a YAML file; draft reads a plain-text article (check a deck with: "
                        f"techquiz validate {path})")  # fmt: skip
    try:
        with path.open("rb") as file:
            head = file.read(8192)
    except OSError as exc:
        raise UserError(f"{path}: cannot read the file: {exc.strerror or exc}") from exc
    if b"\0" in head:
        raise UserError(f"{path} is a binary file, not a plain-text article (save it as .txt first)")


def schema(args: argparse.Namespace, config: Config) -> int:
    from techquiz.deck.schema import json_schema

    print(json.dumps(json_schema(), indent=2))
    return 0


class BrokenFile(TypedDict):
    """A deck file that could not be loaded, in `techquiz decks --json`: where, and every error."""

    path: str
    errors: list[str]


def decks(args: argparse.Namespace, config: Config) -> int:
    as_json: bool = args.json
    from techquiz.store.overview import deck_overview

    library = load_library(config.deck_dirs, cache=DeckCache(config.cache_dir / "decks", _say_first_parse))
    rows = deck_overview(config, library)
    broken = [BrokenFile(path=str(r.path), errors=[str(p) for p in r.errors]) for r in library.broken]
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


def restore(args: argparse.Namespace, config: Config) -> int:
    chosen = Path(args.backup) if args.backup else None
    from techquiz.store.restore import plan
    from techquiz.store.restore import restore as restore_store

    what = plan(config.store_path, chosen)
    print(f"Restore   {what.backup.describe()}")
    if what.current is None:
        print(f"into      {config.store_path} (there is no store yet)")
    else:
        print(f"replacing {what.current.describe()} (kept beside it, not deleted)")
        fewer = (what.current.reviews or 0) - (what.backup.reviews or 0)
        if what.backup.reviews is not None and fewer > 0:
            print(f"The backup has {fewer} review(s) fewer than the current store.")
    if not args.yes:
        if not sys.stdin.isatty():
            raise UserError("restore asks before replacing the store; add --yes to confirm from a script")
        try:
            answer = input("Restore it? [y/N] ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing was changed.")
            return 1
    used, kept = restore_store(config.store_path, what.backup.path)
    print(f"Restored {config.store_path} from {used}.")
    if kept is not None:
        print(f"The file it replaced is kept as {kept}.")
    return 0


def _say_first_parse(path: Path, size: int) -> None:
    # Before the TUI takes the screen, so a first start with a big deck is not a silent wait.
    print(f"techquiz: reading {path.name} ({size / 1e6:.1f} MB) for the first time; later starts use a cache",
          file=sys.stderr, flush=True)  # fmt: skip


def library_for(config: Config, refs: list[str], budget: float | None = None) -> tuple[Library, list[Deck]]:
    """The library with any deck files named on the command line, and the decks the refs name.
    With a time budget, decks still being read after it are left pending (the home screen)."""
    files = [Path(r) for r in refs if Path(r).suffix in (".yaml", ".yml") or Path(r).is_file()]
    cache = DeckCache(config.cache_dir / "decks", _say_first_parse)
    library = load_library(config.deck_dirs, files, cache, budget)
    chosen: list[Deck] = []
    for ref in refs:
        deck = library.find(ref)
        if deck is None:
            broken = next((r for r in library.broken if r.path.resolve() == Path(ref).resolve()), None)
            if broken is not None:
                raise UserError("\n".join(str(p) for p in broken.errors))
            known = ", ".join(d.id for d in library.decks) or "none"
            raise UserError(f"unknown deck '{ref}' (decks found: {known})")
        if all(d.id != deck.id for d in chosen):  # named twice (or by id and by file): once, or export doubles it
            chosen.append(deck)
    return library, chosen or list(library.decks)


def stats(args: argparse.Namespace, config: Config) -> int:
    refs: list[str] = args.deck_refs
    as_json: bool = args.json
    from techquiz.stats import collect
    from techquiz.store import db

    library, chosen = library_for(config, refs)
    from techquiz.store.progress import sync_decks

    conn = db.connect(config.store_path, check=False)
    try:
        sync_decks(conn, chosen, config.now())
        data = collect(conn, library, [d.id for d in chosen], config.now(), config.cache_dir)
    finally:
        conn.close()
    if as_json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    print(_stats_report(data))
    return 0


def _stats_report(data: Stats) -> str:
    """`techquiz stats` for people: the screen's numbers as plain-text tables."""
    from techquiz.stats import pct, retention_cells

    c, k = data["cards"], data["knowledge"]
    lines = [
        f"Today ({data['today']}): {data['reviews_today']} reviews, {data['time_today_seconds'] // 60} min, "
        f"{data['due_today']} due, {data['learning_today']} learning. "
        f"Streak {data['streak_days']} day(s), longest {data['longest_streak_days']}.",
        f"Knowledge: about {k['estimated_recalled_now']:g} of {k['cards_studied']} studied cards recallable now "
        f"(average retrievability {pct(k['average_retrievability'])}).",
        "",
        f"{'RETENTION':<13}{'YOUNG':>14}{'MATURE':>14}{'ALL':>14}",
    ]
    for row in data["retention_table"]:
        cells = "".join(f"{cell:>14}" for cell in retention_cells(row))
        lines.append(f"{row['period'].replace('_', ' '):<13}{cells}")  # 'last 30 days' fits
    lines += [
        "",
        "CARDS  "
        + f"{c['total']} total, {c['new']} new, {c['learning']} learning, {c['young']} young, {c['mature']} mature, "
        f"{c['relearning']} relearning, {c['suspended']} suspended, {c['leeches']} leeches",
        "DUE    " + ", ".join(f"{f['date'][5:]} {f['due']}" for f in data["forecast"][:7]) + " (next 7 days)",
        "LAST 7 DAYS  " + ", ".join(f"{d['date'][5:]} {d['reviews']}" for d in data["recent_days"][-7:]),
    ]
    if data["hardest"]:
        lines += ["", "HARDEST CARDS (lapses)"]
        lines += [
            f"  {h['lapses']:>3}{' leech' if h['leech'] else '      '}  {h['deck']}: {h['text']}"
            for h in data["hardest"]
        ]
    if data["quizzes"]:
        last = data["quizzes"][-1]
        lines += [
            "",
            f"QUIZZES  {len(data['quizzes'])} taken; last {last['date']}: {last['correct']}/{last['questions']}"
            + ("" if last["finished"] else f" answered (ended early, of {last['planned']})"),
        ]
    lines += _memory_report(data["fsrs"])
    width = max([len(d["id"]) for d in data["decks"]] + [4])
    lines += ["", f"{'DECK':<{width}}  {'CARDS':>5}  {'NEW':>5}  {'DUE':>5}"]
    lines += [f"{d['id']:<{width}}  {d['cards']:>5}  {d['new']:>5}  {d['due_today']:>5}" for d in data["decks"]]
    return "\n".join(lines)


def cards(args: argparse.Namespace, config: Config) -> int:
    """`techquiz cards`: the cards a search finds, as a table or JSON, or one action on all of them."""
    query: str = " ".join(args.query)
    as_json: bool = args.json
    due_days: str | None = args.due
    action: str | None = "due" if due_days is not None else args.action
    from techquiz.card_search import CardSearch
    from techquiz.config import study_day
    from techquiz.model import CardState, Rating
    from techquiz.search import SearchError
    from techquiz.srs import scheduler
    from techquiz.store import card_actions, db
    from techquiz.store.progress import sync_decks

    due = None
    if due_days is not None:
        try:
            due = card_actions.DueDays.parse(due_days)
        except ValueError as exc:
            raise UserError(str(exc)) from None
    cache = DeckCache(config.cache_dir / "decks", _say_first_parse)
    library = load_library(config.deck_dirs, cache=cache)
    conn = db.connect(config.store_path, check=False)
    search = CardSearch(config.store_path, library.decks, cache, config.now)
    try:
        sync_decks(conn, library.decks, config.now())
        try:
            if action is not None:
                now = config.now()
                ids = search.ids(query)
                first = scheduler.review(CardState(), Rating.Good, now, fuzz=False)
                print(card_actions.apply(conn, ids, action, now, study_day(now), due, first))
                return 0
            if as_json:  # records built by SQLite: 100,000 cost no Python objects (card_search.py)
                print("[" + ",\n".join(search.json_records(query)) + "]")
                return 0
            rows = search.rows(query)
        except SearchError as exc:
            raise UserError(f"search {query!r}: {exc}") from None
    finally:
        search.close()
        conn.close()
    print(_cards_table(rows, config))
    return 0


def _cards_table(rows: list[CardRow], config: Config) -> str:
    import shutil
    from datetime import timedelta

    from techquiz.srs.scheduler import format_interval

    if not rows:
        return "No cards match."
    today = config.now().astimezone().date()

    def due(row: CardRow) -> str:
        if row.due is None:
            return "-"
        day = row.due.astimezone().date()
        return "today" if day <= today else day.isoformat()

    cells = [
        (row.label, row.deck_id, row.card_type, row.state_name, due(row),
         format_interval(timedelta(days=row.interval)) if row.interval is not None else "-", str(row.lapses))
        for row in rows
    ]  # fmt: skip
    heads = ("ID", "DECK", "TYPE", "STATE", "DUE", "IVL", "LAPSES")
    widths = [min(max(len(h), *(len(c[i]) for c in cells)), 28) for i, h in enumerate(heads)]
    room = max(shutil.get_terminal_size((120, 24)).columns - sum(widths) - 2 * len(widths), 20)

    def line(values: tuple[str, ...], text: str) -> str:
        fitted = [v if len(v) <= w else v[: w - 1] + "…" for v, w in zip(values, widths, strict=True)]
        first = text.split("\n", 1)[0]
        return "  ".join(f"{v:<{w}}" for v, w in zip(fitted, widths, strict=True)) + "  " + first[:room]

    out = [line(heads, "FRONT")]
    out += [line(c, row.front) for c, row in zip(cells, rows, strict=True)]
    out.append(f"{len(rows)} card{'s' if len(rows) != 1 else ''}")
    return "\n".join(out)


def _memory_report(fsrs: MemoryModel) -> list[str]:
    """The memory model's figures: how well it predicts, its parameters, and the retention simulator."""
    from techquiz.stats import pct

    lines = ["", f"MEMORY MODEL  on the newest {fsrs['reviews']} reviews: log loss {fsrs['log_loss'] or '-'}, "
             f"RMSE (bins) {fsrs['rmse_bins'] or '-'}"]  # fmt: skip
    lines += [
        f"  predicted {b['from']:.0%}-{b['to']:.0%}: recalled {pct(b['actual'])} of {b['reviews']}"
        for b in fsrs["calibration"]
        if b["reviews"]
    ]
    for d in fsrs["decks"]:
        fitted = f", fitted {d['fitted_at'][:10]}" if d["fitted_at"] else ""
        hint = (
            f"; {d['new_reviews_since_optimize']} new reviews: try `techquiz optimize {d['id']}`"
            if d["suggest_optimize"]
            else ""
        )
        lines.append(
            f"  {d['id']}: {d['parameters_source']} parameters{fitted}; desired retention "
            f"{d['desired_retention']:.2f} ({d['retention_source']}){hint}"
        )
    simulation = fsrs["simulation"]
    if simulation:
        lines += ["", f"RETENTION SIMULATOR  {simulation['cards']} cards over {simulation['days']} days"]
        lines.append(f"  {'RETENTION':>9}  {'REVIEWS/DAY':>11}  {'MIN/DAY':>7}  {'KNOWN':>6}  {'S/CARD KNOWN':>12}")
        for r in simulation["rows"]:
            mark = "  <- least work per card known" if r["best"] else ""
            lines.append(
                f"  {r['retention']:>9.2f}  {r['reviews_per_day']:>11}  {r['minutes_per_day']:>7}  "
                f"{r['cards_known']:>6}  {r['seconds_per_card_known'] or '-':>12}{mark}"
            )
    return lines


def optimize(args: argparse.Namespace, config: Config) -> int:
    """Fit each chosen deck's FSRS parameters to its review log; adopt only fits that predict better."""
    refs: list[str] = args.deck_refs
    as_json: bool = args.json
    dry_run: bool = args.dry_run
    from techquiz.optimize import optimize_deck
    from techquiz.store import db
    from techquiz.store.progress import sync_decks

    _, chosen = library_for(config, refs)
    conn = db.connect(config.store_path, check=False)
    try:
        sync_decks(conn, chosen, config.now())
        outcomes = []
        for deck in chosen:
            if sys.stderr.isatty():  # a deck with a million reviews takes a while: say what is happening
                print(f"techquiz: fitting {deck.id}…", file=sys.stderr, flush=True)
            outcomes.append(optimize_deck(conn, deck, config.now(), dry_run))
    finally:
        conn.close()
    if as_json:
        print(json.dumps({"dry_run": dry_run, "decks": [o.as_json() for o in outcomes]}, indent=2))
        return 0
    for o in outcomes:
        # o.cards counts only cards with a day-level review to learn from, not every card studied
        print(
            f"{o.deck}: {_count(o.reviews, 'review')}, {_count(o.cards, 'card')} with a history to learn from"
            + (f"; judged on the newest {o.held_out}" if o.fitted else "")
        )
        for label, figures in (("current", o.current), ("fitted", o.fitted)):
            if figures is not None:
                print(f"  {label:<8} log loss {figures.log_loss:.4f}  RMSE (bins) {figures.rmse_bins:.4f}")
        verdict = "adopted" if o.applied else "kept the current parameters"
        print(f"  {verdict}{' (dry run: nothing saved)' if dry_run and o.applied else ''}: {o.reason}")
    return 0


def import_file(args: argparse.Namespace, config: Config) -> int:
    from techquiz.interop import importer

    return importer.run(config, Path(args.file), Path(args.into) if args.into else None, args.json)


def export(args: argparse.Namespace, config: Config) -> int:
    from techquiz.interop import exporter

    if args.no_history and not args.anki:
        raise UserError("--no-history goes with --anki (a CSV file has no history)")
    _, chosen = library_for(config, args.deck_refs)
    fmt = "anki" if args.anki else "csv"
    return exporter.run(config, chosen, Path(args.anki or args.csv), fmt, not args.no_history)
