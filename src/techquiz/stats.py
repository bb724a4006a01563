"""Statistics, shared by the stats screen and `techquiz stats --json` (SPEC §6).

Every number is SQL over the store: day-level figures (history, streaks, retention, time) come from
`review_days`, the per-deck, per-day tally of the review log that each answer and undo keep in
their own transaction; card-level figures (states, distributions, knowledge, forecast) come from
one scan of the card table. That keeps a million-review collection under a few hundred ms.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Literal, TypedDict

from techquiz import memory_model
from techquiz.config import day_start, study_day
from techquiz.deck.discovery import Library
from techquiz.deck.model import CardKey
from techquiz.model import MATURE_DAYS
from techquiz.srs.parameters import scheduling_for
from techquiz.srs.scheduler import curve
from techquiz.store.overview import DeckCounts, deck_counts
from techquiz.store.timeutil import to_ms

FORECAST_DAYS = 30
RECENT_DAYS = 30  # reviews per day split by rating
HEATMAP_WEEKS = 53  # a year; the screen shows the newest weeks that fit its width
HARDEST = 10
DAY_MS = 86_400_000

# Stability buckets double in width: <1d, 1-2d, 2-4d ... (log2 of the stability, in days).
STABILITY_LABELS = ("<1d", "1-2d", "2-4d", "4-8d", "8-16d", "16-32d", "1-2mo", "2-4mo", "4-8mo", ">8mo")
RETENTION_PERIODS = (("today", 1), ("last_7_days", 7), ("last_30_days", 30))

# ---- the data, as `stats --json` writes it and the stats screen reads it --------------------------

RatingName = Literal["again", "hard", "good", "easy"]
RATINGS: tuple[RatingName, ...] = ("again", "hard", "good", "easy")


class HistoryDay(TypedDict):
    date: str
    reviews: int
    again: int
    hard: int
    good: int
    easy: int
    new: int
    seconds: int


class RetentionRow(TypedDict):
    """True retention over one period: the share of review answers that were not Again, and how many."""

    period: str  # today, last_7_days, last_30_days
    young: float | None
    young_reviews: int
    mature: float | None
    mature_reviews: int
    all: float | None
    all_reviews: int


class CardCounts(TypedDict):
    total: int
    new: int
    learning: int
    review: int
    young: int
    mature: int
    relearning: int
    suspended: int
    leeches: int


class Bucket(TypedDict):
    label: str
    cards: int


class Distributions(TypedDict):
    stability: list[Bucket]
    difficulty: list[Bucket]
    retrievability: list[Bucket]


class Knowledge(TypedDict):
    cards_studied: int
    estimated_recalled_now: float
    average_retrievability: float | None


class ForecastDay(TypedDict):
    date: str
    due: int


class HeatmapData(TypedDict):
    start: str
    weeks: list[list[int | None]]
    levels: list[list[int | None]]


class HardCard(TypedDict):
    deck: str
    card: str
    sub: str
    lapses: int
    leech: bool
    suspended: bool
    text: str


class QuizResult(TypedDict):
    taken_at: str
    date: str
    decks: list[str]
    questions: int
    correct: int
    score: float | None  # of the questions answered
    finished: bool  # False: ended early
    planned: int  # the quiz's size (more than `questions` when ended early)


class DeckSummary(TypedDict):
    id: str
    title: str
    cards: int
    new: int
    due_today: int


class Stats(TypedDict):
    """Everything the stats screen shows; `techquiz stats --json` prints exactly this (docs/stats.md)."""

    generated_at: str
    today: str
    cards: CardCounts
    due_today: int  # reviews, as home and `decks` count them (buried siblings out, within the limit)
    learning_today: int
    reviews_today: int
    time_today_seconds: int
    streak_days: int
    longest_streak_days: int
    retention: dict[str, float | None]
    retention_table: list[RetentionRow]
    forecast: list[ForecastDay]
    history: list[HistoryDay]
    recent_days: list[HistoryDay]
    heatmap: HeatmapData
    distributions: Distributions
    knowledge: Knowledge
    hardest: list[HardCard]
    decks: list[DeckSummary]
    quizzes: list[QuizResult]
    fsrs: memory_model.MemoryModel


class _CardFigures(TypedDict):
    cards: CardCounts
    distributions: Distributions
    knowledge: Knowledge


# ---- formatting shared by `techquiz stats` and the stats screen -----------------------------------


def pct(value: float | None) -> str:
    """A share as a whole percentage; a dash when there was nothing to count."""
    return "—" if value is None else f"{value:.0%}"


def retention_cells(row: RetentionRow) -> tuple[str, str, str]:
    """Young, mature and all as `92% (130)`: the share, then how many review answers it is of."""
    return (
        f"{pct(row['young'])} ({row['young_reviews']})",
        f"{pct(row['mature'])} ({row['mature_reviews']})",
        f"{pct(row['all'])} ({row['all_reviews']})",
    )


def _ensure_math(conn: sqlite3.Connection) -> None:
    """SQLite's math functions are a compile-time option; supply the ones we use where a build lacks them."""
    try:
        conn.execute("SELECT pow(2, 2), log2(2), floor(1.5)")
    except sqlite3.OperationalError:
        conn.create_function("pow", 2, math.pow, deterministic=True)
        conn.create_function("log2", 1, math.log2, deterministic=True)
        conn.create_function("floor", 1, math.floor, deterministic=True)


def _in(deck_ids: Sequence[str]) -> str:
    return f"IN ({','.join('?' * len(deck_ids))})"


# ---- day-level figures ---------------------------------------------------------------------------


def _history(conn: sqlite3.Connection, deck_ids: Sequence[str]) -> list[HistoryDay]:
    rows = conn.execute(
        "SELECT day, SUM(reviews), SUM(again), SUM(hard), SUM(good), SUM(easy), SUM(new_cards), "
        f"SUM(duration_ms) FROM review_days WHERE deck_id {_in(deck_ids)} GROUP BY day HAVING SUM(reviews) > 0 "
        "ORDER BY day",
        list(deck_ids),
    )
    return [
        HistoryDay(date=d, reviews=n, again=a, hard=h, good=g, easy=e, new=new, seconds=round(ms / 1000))
        for d, n, a, h, g, e, new, ms in rows
    ]


def _share(passed: int, total: int) -> float | None:
    return None if not total else round(passed / total, 4)


def _retention_table(conn: sqlite3.Connection, deck_ids: Sequence[str], today: date) -> list[RetentionRow]:
    """True retention (review answers that were not Again), young vs mature, over each period."""
    out: list[RetentionRow] = []
    for period, days in RETENTION_PERIODS:
        since = (today - timedelta(days=days - 1)).isoformat()
        young, young_passed, mature, mature_passed = (
            v or 0
            for v in conn.execute(
                "SELECT SUM(young), SUM(young_passed), SUM(mature), SUM(mature_passed) FROM review_days "
                f"WHERE deck_id {_in(deck_ids)} AND day >= ? AND day <= ?",
                [*deck_ids, since, today.isoformat()],
            ).fetchone()
        )
        out.append(
            RetentionRow(
                period=period,
                young=_share(young_passed, young),
                young_reviews=young,
                mature=_share(mature_passed, mature),
                mature_reviews=mature,
                all=_share(young_passed + mature_passed, young + mature),
                all_reviews=young + mature,
            )
        )
    return out


def streak(days: Sequence[str], today: date) -> int:
    """Days in a row with reviews, ending today (or yesterday: today is not over yet)."""
    seen = set(days)
    day = today if today.isoformat() in seen else today - timedelta(days=1)
    count = 0
    while day.isoformat() in seen:
        count += 1
        day -= timedelta(days=1)
    return count


def longest_streak(days: Sequence[str]) -> int:
    best = run = 0
    previous: date | None = None
    for text in sorted(days):
        day = date.fromisoformat(text)
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        best = max(best, run)
        previous = day
    return best


@dataclass(frozen=True)
class Heatmap:
    """Reviews per day laid out as a calendar: one column per week (Monday first), as Anki and GitHub."""

    start: date  # the Monday of the first column
    weeks: list[list[int | None]]  # weeks[w][weekday]; None after today
    levels: list[list[int | None]]  # 0 (no reviews) .. 4 (busiest quarter), None after today


def heatmap(history: Sequence[HistoryDay], today: date, weeks: int = HEATMAP_WEEKS) -> Heatmap:
    counts = {h["date"]: h["reviews"] for h in history}
    start = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    grid: list[list[int | None]] = []
    for w in range(weeks):
        column: list[int | None] = []
        for weekday in range(7):
            day = start + timedelta(days=7 * w + weekday)
            column.append(None if day > today else counts.get(day.isoformat(), 0))
        grid.append(column)
    busiest = max((c for column in grid for c in column if c), default=0)

    def level(count: int | None) -> int | None:
        if count is None or count == 0:
            return count
        return max(1, math.ceil(4 * count / busiest))

    return Heatmap(start, grid, [[level(c) for c in column] for column in grid])


def recent_days(history: Sequence[HistoryDay], today: date, days: int = RECENT_DAYS) -> list[HistoryDay]:
    """The last `days` days, oldest first, with zeros on days without reviews."""
    by_day = {h["date"]: h for h in history}
    out: list[HistoryDay] = []
    for i in range(days - 1, -1, -1):
        day = (today - timedelta(days=i)).isoformat()
        empty = HistoryDay(date=day, reviews=0, again=0, hard=0, good=0, easy=0, new=0, seconds=0)
        out.append(by_day.get(day, empty))
    return out


# ---- card-level figures --------------------------------------------------------------------------


KINDS = ("new", "learning", "review", "relearning", "suspended")  # by state; suspended first; review splits by age


def _curve_sql(curves: dict[str, tuple[float, float]]) -> str:
    """Each card's retrievability, with its deck's forgetting curve (one literal when decks share one)."""
    t = f"MAX((:now - last_review) / {DAY_MS}, 0) / stability"
    if len(set(curves.values())) <= 1:
        decay, factor = next(iter(curves.values()), curve())
        return f"pow(1 + {factor!r} * {t}, {-decay!r})"
    branches = "".join(
        f" WHEN :d{i} THEN pow(1 + {factor!r} * {t}, {-decay!r})" for i, (decay, factor) in enumerate(curves.values())
    )
    return f"CASE deck_id{branches} END"


def _cards(
    conn: sqlite3.Connection, deck_ids: Sequence[str], now: datetime, curves: dict[str, tuple[float, float]]
) -> _CardFigures:
    """One scan of the card table. The inner query works out each card's kind, maturity, stability
    and difficulty buckets and retrievability once (LIMIT -1 keeps SQLite from inlining it, which
    would evaluate the forgetting curve twice); rows are grouped on one integer packing the parts,
    each +1 so 0 means none: much cheaper than grouping on five columns."""
    _ensure_math(conn)
    studied = "state > 0 AND stability > 0 AND last_review IS NOT NULL"
    marks = ",".join(f":d{i}" for i in range(len(deck_ids)))
    r = _curve_sql({deck_id: curves.get(deck_id, curve()) for deck_id in deck_ids})
    per_card = (
        "SELECT CASE WHEN suspended THEN 4 ELSE state END AS kind, "
        f"state = 2 AND due - last_review >= {MATURE_DAYS * DAY_MS} AS mature, "
        "CASE WHEN stability > 0 THEN MIN(MAX(CAST(floor(log2(stability)) AS INTEGER) + 2, 1), 10) ELSE 0 END AS sb, "
        "COALESCE(MIN(MAX(CAST(difficulty AS INTEGER), 1), 10), 0) AS db, "
        f"CASE WHEN {studied} THEN {r} END AS r, leech "
        f"FROM cards NOT INDEXED WHERE in_deck = 1 AND deck_id IN ({marks}) LIMIT -1"
    )  # NOT INDEXED: a full scan beats 100,000 lookups through the queue index
    rows = conn.execute(
        "SELECT kind * 100000000 + mature * 1000000 + sb * 10000 + db * 100 "
        "+ COALESCE(MIN(CAST(r * 10 AS INTEGER), 9) + 1, 0) AS k, COUNT(*), SUM(r), SUM(leech) "
        f"FROM ({per_card}) GROUP BY k",
        {"now": to_ms(now), **{f"d{i}": deck_id for i, deck_id in enumerate(deck_ids)}},
    )
    kinds = dict.fromkeys((*KINDS, "young", "mature"), 0)
    stability = [0] * len(STABILITY_LABELS)
    difficulty = [0] * 10
    recall = [0] * 10
    knowledge = 0.0
    leeches = 0
    for packed, count, r_sum, leech in rows:
        kind, rest = divmod(packed, 100_000_000)
        mature, rest = divmod(rest, 1_000_000)
        sb, rest = divmod(rest, 10_000)
        db_, rb = divmod(rest, 100)
        kinds[KINDS[kind]] += count
        if KINDS[kind] == "review":
            kinds["mature" if mature else "young"] += count
        leeches += leech or 0
        if sb:
            stability[sb - 1] += count
        if db_:
            difficulty[db_ - 1] += count
        if rb:
            recall[rb - 1] += count
            knowledge += r_sum or 0.0
    total = sum(kinds[k] for k in KINDS)
    known = sum(recall)
    return _CardFigures(
        cards=CardCounts(
            total=total,
            new=kinds["new"],
            learning=kinds["learning"],
            review=kinds["review"],
            young=kinds["young"],
            mature=kinds["mature"],
            relearning=kinds["relearning"],
            suspended=kinds["suspended"],
            leeches=leeches,
        ),
        distributions=Distributions(
            stability=[Bucket(label=label, cards=n) for label, n in zip(STABILITY_LABELS, stability, strict=True)],
            difficulty=[Bucket(label=f"{i + 1}", cards=n) for i, n in enumerate(difficulty)],
            retrievability=[Bucket(label=f"{i * 10}%+", cards=n) for i, n in enumerate(recall)],
        ),
        knowledge=Knowledge(
            cards_studied=known,
            estimated_recalled_now=round(knowledge, 1),
            average_retrievability=None if not known else round(knowledge / known, 4),
        ),
    )


def _forecast(conn: sqlite3.Connection, deck_ids: Sequence[str], today: date) -> list[ForecastDay]:
    start = to_ms(day_start(today))
    end = to_ms(day_start(today + timedelta(days=FORECAST_DAYS)))
    counts = dict(
        conn.execute(
            f"SELECT MAX((due - ?) / {DAY_MS}, 0) AS d, COUNT(*) FROM cards "
            f"WHERE deck_id {_in(deck_ids)} AND in_deck = 1 AND state > 0 AND suspended = 0 AND due < ? GROUP BY d",
            [start, *deck_ids, end],
        ).fetchall()
    )
    days = (today + timedelta(days=i) for i in range(FORECAST_DAYS))
    return [ForecastDay(date=day.isoformat(), due=counts.get(i, 0)) for i, day in enumerate(days)]


def _hardest(conn: sqlite3.Connection, library: Library, deck_ids: Sequence[str]) -> list[HardCard]:
    decks = {deck.id: deck for deck in library.decks if deck.id in set(deck_ids)}
    out: list[HardCard] = []
    for deck_id, card_id, sub, lapses, leech, suspended in conn.execute(
        "SELECT deck_id, card_id, sub, lapses, leech, suspended FROM cards INDEXED BY cards_lapses "
        f"WHERE lapses > 0 AND in_deck = 1 AND deck_id {_in(deck_ids)} ORDER BY lapses DESC, id DESC LIMIT {HARDEST}",
        list(deck_ids),
    ):
        deck = decks.get(deck_id)
        card = deck.card_for(CardKey(deck_id, card_id, sub)) if deck is not None else None
        out.append(
            HardCard(
                deck=deck_id,
                card=card_id,
                sub=sub,
                lapses=lapses,
                leech=bool(leech),
                suspended=bool(suspended),
                text=card.prompt(sub) if card is not None else "",
            )
        )
    return out


def _quizzes(conn: sqlite3.Connection, deck_ids: Sequence[str]) -> list[QuizResult]:
    wanted = set(deck_ids)
    out: list[QuizResult] = []
    for taken_at, day, decks, questions, correct, planned in conn.execute(
        "SELECT taken_at, day, decks, questions, correct, planned FROM quiz_results ORDER BY taken_at"
    ):
        if set(decks.split(",")) & wanted:
            out.append(
                QuizResult(
                    taken_at=datetime.fromtimestamp(taken_at / 1000).astimezone().isoformat(),
                    date=day,
                    decks=decks.split(","),
                    questions=questions,
                    correct=correct,
                    score=round(correct / questions, 4) if questions else None,
                    finished=planned is None,
                    planned=planned or questions,
                )
            )
    return out


def _deck_summary(row: DeckCounts) -> DeckSummary:
    return DeckSummary(id=row["id"], title=row["title"], cards=row["cards"], new=row["new"], due_today=row["due_today"])


def collect(
    conn: sqlite3.Connection,
    library: Library,
    deck_ids: Sequence[str],
    now: datetime,
    cache_dir: Path | None = None,
) -> Stats:
    """Everything the stats screen shows, as plain JSON-ready data (`cache_dir`: see memory_model)."""
    today = study_day(now)
    history = _history(conn, deck_ids)
    days = [h["date"] for h in history]
    # Looked up, not taken from the end: a clock set back (or TECHQUIZ_NOW) leaves later days in the log.
    today_row = next((h for h in reversed(history) if h["date"] == today.isoformat()), None)
    table = _retention_table(conn, deck_ids, today)
    chosen_decks = [d for d in library.decks if d.id in set(deck_ids)]
    scheduling = scheduling_for(conn, chosen_decks)  # each deck's forgetting curve: its own parameters
    cards = _cards(conn, deck_ids, now, {deck_id: curve(s.parameters) for deck_id, s in scheduling.items()})
    forecast = _forecast(conn, deck_ids, today)
    grid = heatmap(history, today)
    chosen = Library(tuple(chosen_decks), ())
    # What is due today is what home, `decks` and a study session offer: the same per-deck counts
    # (buried siblings out until their day, within each deck's daily review limit).
    per_deck = deck_counts(conn, chosen, now)
    return Stats(
        generated_at=now.isoformat(),
        today=today.isoformat(),
        cards=cards["cards"],
        due_today=sum(r["due_today"] for r in per_deck),
        learning_today=sum(r["learning"] for r in per_deck),
        reviews_today=today_row["reviews"] if today_row else 0,
        time_today_seconds=today_row["seconds"] if today_row else 0,
        streak_days=streak(days, today),
        longest_streak_days=longest_streak(days),
        retention={row["period"]: row["all"] for row in table},
        retention_table=table,
        forecast=forecast,
        history=history,
        recent_days=recent_days(history, today),
        heatmap=HeatmapData(start=grid.start.isoformat(), weeks=grid.weeks, levels=grid.levels),
        distributions=cards["distributions"],
        knowledge=cards["knowledge"],
        hardest=_hardest(conn, library, deck_ids),
        decks=[_deck_summary(r) for r in per_deck],
        quizzes=_quizzes(conn, deck_ids),
        fsrs=memory_model.collect(conn, chosen_decks, cache_dir=cache_dir),
    )
