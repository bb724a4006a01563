"""Each deck's FSRS settings in the progress store: fitted parameters with the figures of their fit,
the last optimizer run, and the desired retention chosen in the app (table `deck_fsrs`, schema v4)."""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from techquiz.deck.model import Deck, Settings
from techquiz.store.db import transaction
from techquiz.store.timeutil import from_ms, to_ms

# After this many new reviews since the last optimizer run, suggest running it again (about a month
# of daily study, as Anki suggests monthly).
SUGGEST_AFTER_REVIEWS = 1000


@dataclass(frozen=True)
class DeckFsrs:
    """One deck's row; every field None (or 0) when the deck was never optimized or adjusted."""

    deck_id: str
    parameters: tuple[float, ...] | None = None
    fitted_at: datetime | None = None
    fit_reviews: int = 0
    log_loss: float | None = None
    rmse_bins: float | None = None
    checked_at: datetime | None = None
    checked_reviews: int = 0
    desired_retention: float | None = None


def _parameters(text: str | None) -> tuple[float, ...] | None:
    """The stored weights, or None when absent or not a list of finite numbers (a hand-edited store
    falls back to the defaults rather than breaking every schedule)."""
    if text is None:
        return None
    try:
        values = json.loads(text)
    except ValueError:
        return None
    if not isinstance(values, list) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in values
    ):
        return None
    return tuple(float(v) for v in values)


def load(conn: sqlite3.Connection, deck_ids: Sequence[str]) -> dict[str, DeckFsrs]:
    """The rows of these decks (decks without one are absent)."""
    marks = ",".join("?" * len(deck_ids))
    rows = conn.execute(
        "SELECT deck_id, parameters, fitted_at, fit_reviews, log_loss, rmse_bins, checked_at, checked_reviews, "
        f"desired_retention FROM deck_fsrs WHERE deck_id IN ({marks})",
        list(deck_ids),
    )
    out = {}
    for deck_id, params, fitted_at, fit_reviews, log_loss, rmse, checked_at, checked_reviews, retention in rows:
        out[deck_id] = DeckFsrs(
            deck_id,
            _parameters(params),
            from_ms(fitted_at) if fitted_at is not None else None,
            fit_reviews or 0,
            log_loss,
            rmse,
            from_ms(checked_at) if checked_at is not None else None,
            checked_reviews or 0,
            retention,
        )
    return out


def _upsert(conn: sqlite3.Connection, deck_id: str, assignments: dict[str, object]) -> None:
    columns = ", ".join(assignments)
    marks = ", ".join("?" * len(assignments))
    updates = ", ".join(f"{c} = excluded.{c}" for c in assignments)
    conn.execute(
        f"INSERT INTO deck_fsrs (deck_id, {columns}) VALUES (?, {marks}) ON CONFLICT (deck_id) DO UPDATE SET {updates}",
        (deck_id, *assignments.values()),
    )


def save_fit(
    conn: sqlite3.Connection,
    deck_id: str,
    parameters: Sequence[float],
    now: datetime,
    reviews: int,
    log_loss: float,
    rmse_bins: float,
) -> None:
    """Adopt fitted parameters for a deck (the optimizer has shown they beat the current ones)."""
    values = {
        "parameters": json.dumps([float(v) for v in parameters]),
        "fitted_at": to_ms(now),
        "fit_reviews": reviews,
        "log_loss": log_loss,
        "rmse_bins": rmse_bins,
        "checked_at": to_ms(now),
        "checked_reviews": reviews,
    }
    transaction(conn, lambda c: _upsert(c, deck_id, values))


def record_check(conn: sqlite3.Connection, deck_id: str, now: datetime, reviews: int) -> None:
    """Remember an optimizer run that kept the current parameters, so the suggestion to optimize waits
    for new reviews again."""
    transaction(conn, lambda c: _upsert(c, deck_id, {"checked_at": to_ms(now), "checked_reviews": reviews}))


def set_desired_retention(conn: sqlite3.Connection, deck_id: str, retention: float | None) -> None:
    transaction(conn, lambda c: _upsert(c, deck_id, {"desired_retention": retention}))


def review_counts(conn: sqlite3.Connection, deck_ids: Sequence[str]) -> dict[str, int]:
    """Reviews in each deck's log, from the per-day tally (cheap even for a large log)."""
    marks = ",".join("?" * len(deck_ids))
    rows = conn.execute(
        f"SELECT deck_id, SUM(reviews) FROM review_days WHERE deck_id IN ({marks}) GROUP BY deck_id", list(deck_ids)
    )
    return {deck_id: n or 0 for deck_id, n in rows}


def new_reviews_since_check(stored: DeckFsrs | None, reviews: int) -> int:
    """Reviews gathered since the optimizer last looked at this deck (all of them if it never did)."""
    return reviews - (stored.checked_reviews if stored is not None else 0)


def should_suggest(settings: Settings, stored: DeckFsrs | None, reviews: int) -> bool:
    """Whether enough new reviews have gathered to make optimizing worth a try (never for a deck whose
    file pins its parameters)."""
    return settings.fsrs_parameters is None and new_reviews_since_check(stored, reviews) >= SUGGEST_AFTER_REVIEWS


def due_for_optimizing(conn: sqlite3.Connection, decks: Sequence[Deck]) -> list[tuple[Deck, int]]:
    """Decks with enough new reviews since the optimizer last looked, with how many (for a suggestion).
    Two small queries: the home screen asks at every refresh."""
    if not decks:
        return []
    stored = load(conn, [d.id for d in decks])
    counts = review_counts(conn, [d.id for d in decks])
    out = []
    for deck in decks:
        row, count = stored.get(deck.id), counts.get(deck.id, 0)
        if should_suggest(deck.settings, row, count):
            out.append((deck, new_reviews_since_check(row, count)))
    return out
