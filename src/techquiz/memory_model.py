"""How well FSRS predicts this learner's memory, and what a desired retention would cost them.

Shared by the stats screen and `techquiz stats --json`:
- the parameters each deck is scheduled with, where they come from and when they were fitted;
- calibration: the newest reviews grouped by the recall FSRS predicted for them (each with its deck's
  parameters), against the share actually recalled; with log loss and RMSE (bins) over the same reviews;
- a retention simulator: for desired retention 0.70 to 0.97, a year of study simulated by
  fsrs-rs-python (the simulator of Anki), marking the retention with the least work per card known.

The calibration reads only the cards answered in the newest CALIBRATION_REVIEWS answers (their whole
histories), and is cached until the log changes.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TypedDict

import fsrs_rs_python as fsrs_rs

from techquiz.deck.model import Deck
from techquiz.optimize import CardHistory, Prediction, Review, histories, log_loss, predict, rmse_bins
from techquiz.srs import parameters as fsrs_parameters
from techquiz.store import deck_fsrs

CALIBRATION_REVIEWS = 2000  # enough for ten bins; their histories take ~0.5 s to read from a 1M-review log
CALIBRATION_BINS = 10
RETENTIONS = tuple(round(0.70 + 0.03 * i, 2) for i in range(10))  # 0.70 .. 0.97
SIMULATED_DAYS = 365
SIMULATION_SEED = 42  # the same figures on every run
SIMULATED_CARDS = 1000
CACHE_FILE = "memory-model.json"
CACHE_ENTRIES = 8  # a few scopes (all decks, each deck looked at) stay cached
CACHE_VERSION = 1  # bump when what is cached changes


class MemoryDeck(TypedDict):
    """One deck's scheduling: its FSRS weights, where they and its desired retention come from."""

    id: str
    parameters: list[float]
    parameters_source: str  # default, fitted, deck file
    fitted_at: str | None
    fit_log_loss: float | None  # the held-out figures the adopted fit won with
    fit_rmse_bins: float | None
    desired_retention: float
    retention_source: str  # default, deck file, app
    reviews: int
    new_reviews_since_optimize: int
    suggest_optimize: bool


# "from" is a Python keyword: the functional form keeps the JSON key as it reads best
CalibrationRow = TypedDict(
    "CalibrationRow", {"from": float, "to": float, "reviews": int, "predicted": float | None, "actual": float | None}
)


class SimulationRow(TypedDict):
    retention: float
    reviews_per_day: float
    minutes_per_day: float
    cards_known: int
    seconds_per_card_known: float | None
    best: bool  # the least work per card known


class Simulation(TypedDict):
    deck: str  # whose weights were simulated (the selection's most-reviewed deck)
    days: int
    cards: int
    rows: list[SimulationRow]


class MemoryModel(TypedDict):
    """The `fsrs` part of `techquiz stats --json`."""

    decks: list[MemoryDeck]
    reviews: int  # judged reviews the figures below are computed on
    log_loss: float | None
    rmse_bins: float | None
    calibration: list[CalibrationRow]
    simulation: Simulation | None


def _recent_histories(
    conn: sqlite3.Connection, deck_ids: Sequence[str], newest: int
) -> tuple[list[CardHistory], int | None]:
    """Histories of the cards answered in the newest `newest` answers of these decks, and the time of
    the oldest of those answers (the window whose reviews are judged)."""
    marks = ",".join("?" * len(deck_ids))
    # CROSS JOIN keeps SQLite walking the log backwards from the newest row (a few thousand steps);
    # left to itself it collects every review of the decks through the card index and sorts them all.
    window = (
        "SELECT r.card, r.reviewed_at FROM review_log r CROSS JOIN cards c ON c.id = r.card "
        f"WHERE c.deck_id IN ({marks}) ORDER BY r.id DESC LIMIT ?"
    )
    since = conn.execute(f"SELECT MIN(reviewed_at) FROM ({window})", [*deck_ids, newest]).fetchone()[0]
    if since is None:
        return [], None
    rows = conn.execute(
        f"WITH w AS (SELECT DISTINCT card FROM ({window})) "
        "SELECT r.card, c.deck_id, r.reviewed_at, r.day, r.rating, r.state_before = 0 "
        "FROM w JOIN review_log r ON r.card = w.card JOIN cards c ON c.id = r.card "
        "ORDER BY r.card, r.reviewed_at, r.id",
        [*deck_ids, newest],
    )
    by_deck: dict[str, list[Review]] = defaultdict(list)
    for card, deck_id, at, day, rating, starts in rows:
        by_deck[deck_id].append(Review(card, at, date.fromisoformat(day), rating, bool(starts)))
    return [h for deck_id, reviews in by_deck.items() for h in histories(reviews, deck_id)], since


def calibration(found: Sequence[Prediction], bins: int = CALIBRATION_BINS) -> list[CalibrationRow]:
    """Predicted recall in `bins` equal bins against the share actually recalled."""
    groups: list[list[Prediction]] = [[] for _ in range(bins)]
    for p in found:
        groups[min(int(p.recall * bins), bins - 1)].append(p)
    return [
        CalibrationRow(
            {
                "from": round(i / bins, 2),
                "to": round((i + 1) / bins, 2),
                "reviews": len(group),
                "predicted": round(sum(p.recall for p in group) / len(group), 4) if group else None,
                "actual": round(sum(p.recalled for p in group) / len(group), 4) if group else None,
            }
        )
        for i, group in enumerate(groups)
    ]


def _judged(
    cards: Sequence[CardHistory], scheduling: dict[str, fsrs_parameters.Scheduling], since_ms: int
) -> list[Prediction]:
    """Predictions for the judged reviews since `since_ms`, each card with its deck's parameters."""
    groups: dict[tuple[float, ...], list[CardHistory]] = defaultdict(list)
    for history in cards:
        groups[scheduling.get(history.deck, fsrs_parameters.Scheduling()).parameters].append(history)
    return [p for params, members in groups.items() for p in predict(members, params, since_ms)]


def _rating_shares(cards: Sequence[CardHistory]) -> tuple[list[float], list[float]] | None:
    """The learner's own shares of first answers (Again .. Easy) and of passed day-level reviews (Hard,
    Good, Easy) for the simulator, from the recent histories, when they hold enough of both (else the
    simulator's defaults, measured on Anki users, are used)."""
    first = [0] * 4
    passed = [0] * 3
    for history in cards:
        first[history.ratings[0] - 1] += 1
        for index in history.targets:
            if history.ratings[index] > 1:
                passed[history.ratings[index] - 2] += 1
    if sum(first) < 50 or sum(passed) < 50:
        return None
    return [n / sum(first) for n in first], [n / sum(passed) for n in passed]


def simulate(
    parameters: Sequence[float],
    deck_size: int,
    new_per_day: int,
    reviews_per_day: int,
    shares: tuple[list[float], list[float]] | None = None,
) -> list[SimulationRow]:
    """A year of study at each desired retention: reviews per day, minutes per day and cards known at
    the end; `best` marks the least work (time) per card known, as Anki's minimum recommended retention.

    A big deck is simulated as a smaller one with the same limits per card (SIMULATED_CARDS cards at
    most, new cards per day scaled to a whole number), and the counts scaled back: the simulator's time
    grows with the cards, and the shape of the year does not."""
    # Cards beyond what the new-card limit can introduce in a year change nothing but the run time.
    size = max(min(deck_size, new_per_day * SIMULATED_DAYS), 1)
    learn = max(round(new_per_day * min(SIMULATED_CARDS / size, 1.0)), 1) if new_per_day else 0
    scale = new_per_day / learn if learn else 1.0
    config = fsrs_rs.default_simulator_config()
    config.deck_size = max(round(size / scale), 1)
    config.learn_span = SIMULATED_DAYS
    config.learn_limit = learn
    config.review_limit = max(round(reviews_per_day / scale), 1) if reviews_per_day else 0
    if shares is not None:
        config.first_rating_prob, config.review_rating_prob = shares
    # A small deck's year is noisy: average a few runs.
    runs = min(max(2 * SIMULATED_CARDS // config.deck_size, 1), 5)
    rows: list[SimulationRow] = []
    for retention in RETENTIONS:
        known = seconds = reviews = 0.0
        for seed in range(SIMULATION_SEED, SIMULATION_SEED + runs):
            result = fsrs_rs.simulate(list(parameters), retention, config, seed)
            known += float(result.memorized_cnt_per_day[-1]) * scale / runs if result.memorized_cnt_per_day else 0.0
            seconds += float(sum(result.cost_per_day)) * scale / runs
            reviews += sum(result.review_cnt_per_day) * scale / runs
        rows.append(
            SimulationRow(
                retention=retention,
                reviews_per_day=round(reviews / SIMULATED_DAYS, 1),
                minutes_per_day=round(seconds / 60 / SIMULATED_DAYS, 1),
                cards_known=round(known),
                seconds_per_card_known=round(seconds / known, 1) if known else None,
                best=False,
            )
        )
    costs = [r["seconds_per_card_known"] for r in rows if r["seconds_per_card_known"] is not None]
    if costs:
        best = min(costs)
        next(r for r in rows if r["seconds_per_card_known"] == best)["best"] = True
    return rows


def _log_mark(conn: sqlite3.Connection) -> list[int] | None:
    """The newest review-log row (id and time): any answer or undo since changes it. (An undo frees its
    id for the next answer, which comes later: so the time is part of the mark.)"""
    row = conn.execute("SELECT id, reviewed_at FROM review_log ORDER BY id DESC LIMIT 1").fetchone()
    return None if row is None else [row[0], row[1]]


class _Judged(TypedDict):
    """What is cached: everything but the per-deck rows, which are cheap and change with settings."""

    reviews: int
    log_loss: float | None
    rmse_bins: float | None
    calibration: list[CalibrationRow]
    simulation: Simulation


def _cached(cache_dir: Path | None, key: str) -> _Judged | None:
    if cache_dir is None:
        return None
    try:
        entries = json.loads((cache_dir / CACHE_FILE).read_text(encoding="utf-8"))
        found: _Judged | None = next((value for k, value in entries if k == key), None)  # written by _remember
        return found
    except (OSError, ValueError, TypeError):
        return None  # a missing or damaged cache is a miss


def _remember(cache_dir: Path | None, key: str, value: _Judged) -> None:
    if cache_dir is None:
        return
    path = cache_dir / CACHE_FILE
    try:
        entries = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    except (OSError, ValueError):
        entries = []
    entries = [[key, value], *[e for e in entries if isinstance(e, list) and e and e[0] != key]][:CACHE_ENTRIES]
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        spare = path.with_suffix(f".{os.getpid()}.tmp")
        spare.write_text(json.dumps(entries), encoding="utf-8")
        os.replace(spare, path)  # whole or not at all, even with two techquiz at once
    except OSError:
        pass  # a cache that cannot be written costs time, never correctness


def collect(
    conn: sqlite3.Connection, decks: Sequence[Deck], newest: int = CALIBRATION_REVIEWS, cache_dir: Path | None = None
) -> MemoryModel:
    """The `fsrs` part of the stats for these decks (see the module docstring). The judged reviews and
    the simulation are kept in `cache_dir` until an answer, an undo or a change of parameters, deck
    size or limits: on a million-review log they take about a second, and the stats open often."""
    deck_ids = [d.id for d in decks]
    if not deck_ids:
        return MemoryModel(decks=[], reviews=0, log_loss=None, rmse_bins=None, calibration=calibration([]),
                           simulation=None)  # fmt: skip
    stored = deck_fsrs.load(conn, deck_ids)
    reviews = deck_fsrs.review_counts(conn, deck_ids)
    scheduling = {d.id: fsrs_parameters.resolve(d.settings, stored.get(d.id)) for d in decks}
    rows: list[MemoryDeck] = []
    for deck in decks:
        chosen, row, count = scheduling[deck.id], stored.get(deck.id), reviews.get(deck.id, 0)
        fitted = row is not None and chosen.parameters_source == fsrs_parameters.FITTED
        rows.append(
            MemoryDeck(
                id=deck.id,
                parameters=[round(w, 4) for w in chosen.parameters],
                parameters_source=chosen.parameters_source,
                fitted_at=chosen.fitted_at.isoformat() if chosen.fitted_at else None,
                fit_log_loss=row.log_loss if row is not None and fitted else None,
                fit_rmse_bins=row.rmse_bins if row is not None and fitted else None,
                desired_retention=chosen.retention,
                retention_source=chosen.retention_source,
                reviews=count,
                new_reviews_since_optimize=deck_fsrs.new_reviews_since_check(row, count),
                suggest_optimize=deck_fsrs.should_suggest(deck.settings, row, count),
            )
        )
    # The simulator runs once for the whole selection, with the parameters of its most-reviewed deck.
    lead = max(decks, key=lambda d: reviews.get(d.id, 0))
    limits = [d.settings.daily_limits() for d in decks]
    size = sum(d.subcard_count for d in decks)
    key = json.dumps(
        [CACHE_VERSION, _log_mark(conn), newest, lead.id]
        + [[d.id, scheduling[d.id].parameters, d.subcard_count, d.settings.daily_limits()] for d in decks]
    )
    judged = _cached(cache_dir, key)
    if judged is None:
        cards, since = _recent_histories(conn, deck_ids, newest)
        found = _judged(cards, scheduling, since) if since is not None else []
        judged = _Judged(
            reviews=len(found),
            log_loss=round(log_loss(found), 4) if found else None,
            rmse_bins=round(rmse_bins(found), 4) if found else None,
            calibration=calibration(found),
            simulation=Simulation(
                deck=lead.id,
                days=SIMULATED_DAYS,
                cards=size,
                rows=simulate(
                    scheduling[lead.id].parameters,
                    size,
                    sum(n for n, _ in limits),
                    sum(r for _, r in limits),
                    _rating_shares(cards),
                ),
            ),
        )
        _remember(cache_dir, key, judged)
    return MemoryModel(decks=rows, **judged)
