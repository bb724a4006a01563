"""Which FSRS parameters and desired retention schedule a deck, and which weights are usable at all.

Precedence, for each of the two: the deck file's `settings` pin wins; then what the store holds (the
optimizer's adopted fit; the retention chosen in the app); then FSRS's defaults.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from techquiz.deck.model import Deck, Settings
from techquiz.deck.weights import weight_problems
from techquiz.srs.scheduler import DEFAULT_PARAMETERS, DEFAULT_RETENTION
from techquiz.store import deck_fsrs
from techquiz.store.deck_fsrs import DeckFsrs

# Where a setting comes from, as shown to the learner.
DEFAULT, FITTED, DECK_FILE, APP = "default", "fitted", "deck file", "app"


problems = weight_problems  # one check for deck files, stored fits and the optimizer's output


@dataclass(frozen=True)
class Scheduling:
    """What one deck is scheduled with, and where each part comes from."""

    parameters: tuple[float, ...] = DEFAULT_PARAMETERS
    retention: float = DEFAULT_RETENTION
    parameters_source: str = DEFAULT
    retention_source: str = DEFAULT
    fitted_at: datetime | None = None


def resolve(settings: Settings, stored: DeckFsrs | None) -> Scheduling:
    parameters, parameters_source = DEFAULT_PARAMETERS, DEFAULT
    fitted_at = None
    if settings.fsrs_parameters is not None:
        parameters, parameters_source = settings.fsrs_parameters, DECK_FILE
    elif stored is not None and stored.parameters is not None and not problems(stored.parameters):
        parameters, parameters_source, fitted_at = stored.parameters, FITTED, stored.fitted_at
    retention, retention_source = DEFAULT_RETENTION, DEFAULT
    if settings.desired_retention is not None:
        retention, retention_source = settings.desired_retention, DECK_FILE
    elif stored is not None and stored.desired_retention is not None:
        retention, retention_source = stored.desired_retention, APP
    return Scheduling(parameters, retention, parameters_source, retention_source, fitted_at)


def scheduling_for(conn: sqlite3.Connection, decks: Sequence[Deck]) -> dict[str, Scheduling]:
    """Each deck's parameters and desired retention (see the module docstring for the precedence)."""
    stored = deck_fsrs.load(conn, [d.id for d in decks])
    return {d.id: resolve(d.settings, stored.get(d.id)) for d in decks}
