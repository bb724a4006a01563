"""Card Info (as in Anki): the highlighted card as it is shown, its numbers, its whole history, and
a small chart of its retrievability over time. Deck text is plain `Content`, never markup."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from techquiz.card_search import CardRow, Review
from techquiz.deck.cards import Card
from techquiz.deck.model import Deck
from techquiz.srs.scheduler import format_interval

GRADES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
BARS = " ▁▂▃▄▅▆▇█"
Part = Content | str | tuple[str, str]


@dataclass(frozen=True)
class CardDetails:
    """Everything the pane shows of one card (gathered by the screen, drawn here)."""

    row: CardRow
    card: Card | None  # None: the deck file no longer has it
    deck: Deck | None
    history: list[Review]
    curve: list[float]  # retrievability from the first answer to now


def _local(moment: datetime | None) -> str:
    return "-" if moment is None else f"{moment.astimezone():%Y-%m-%d %H:%M}"


def _number(value: float | None, unit: str = "", digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}{unit}"


def describe(details: CardDetails, now: datetime) -> Content:
    """The card's text and its figures, as one block."""
    row, card, deck = details.row, details.card, details.deck
    parts: list[Part] = []
    if card is not None:
        parts += [(card.prompt(row.sub) + "\n", "bold"), (card.answer_text(row.sub) + "\n", "$success")]
    else:
        parts.append(("This card is no longer in its deck file.\n", "$warning"))
    where = f"{card.position.path}:{card.position.line}" if card is not None else "-"
    history = details.history
    timed = [r.duration_ms for r in history if r.duration_ms]
    average = f"{sum(timed) / len(timed) / 1000:.1f}s" if timed else "-"
    r = row.retrievability
    fields: list[tuple[str, str]] = [
        ("Deck", f"{deck.title} ({row.deck_id})" if deck is not None else row.deck_id),
        ("File", where),
        ("Card", f"{row.label}  {row.card_type}, {row.state_name}"),
        ("Due", _local(row.due)),
        ("Interval", "-" if row.interval is None else format_interval(timedelta(days=row.interval))),
        ("Stability", _number(row.stability, " days")),
        ("Difficulty", _number(row.difficulty, " / 10")),
        ("Recall now", "-" if r is None else f"{r:.0%}"),
        ("Reviews", f"{row.reps}, {row.lapses} lapse{'s' if row.lapses != 1 else ''}, average {average}"),
        ("Added", _local(row.added) if row.added is not None else "not recorded (an older store)"),
        ("First review", _local(history[0].at) if history else "-"),
        ("Latest review", _local(history[-1].at) if history else "-"),
    ]
    if row.tags:
        fields.append(("Tags", " ".join(row.tags)))
    for name, value in fields:
        parts += [(f"{name:<14}", "dim"), f"{value}\n"]
    return Content.assemble(*parts)


def history_table(history: list[Review]) -> Content:
    if not history:
        return Content.styled("Not reviewed yet.", "dim")
    parts: list[Part] = [(f"{'Date':<17}{'Grade':<7}{'Ivl':>6}{'Stab.':>7}{'Diff.':>6}{'Time':>7}\n", "bold")]
    for review in reversed(history):  # newest first, as Anki lists them
        interval = format_interval(timedelta(days=review.interval))
        seconds = "-" if review.duration_ms is None else f"{review.duration_ms / 1000:.1f}s"
        grade = GRADES.get(review.rating, "?")
        parts += [
            f"{_local(review.at):<17}",
            (f"{grade:<7}", "$error" if review.rating == 1 else ""),
            f"{interval:>6}{_number(review.stability):>7}{_number(review.difficulty):>6}{seconds:>7}\n",
        ]
    return Content.assemble(*parts)


def recall_chart(curve: list[float]) -> Content:
    """Retrievability from the first review to now, one bar per moment, on a fixed 0-100% scale
    (a chart scaled to its own range would draw a fall from 100% to 99% as a plunge)."""
    bars = "".join(BARS[round(min(max(r, 0.0), 1.0) * (len(BARS) - 1))] for r in curve)
    return Content.assemble(("Recall over time ", "dim"), (bars, "$accent"), (f" {curve[-1]:.0%} now", "dim"))


class CardInfo(VerticalScroll):
    def compose(self) -> ComposeResult:
        yield Static(id="info-card")
        yield Static(id="info-chart")
        yield Static(id="info-history")

    def show(self, details: CardDetails | None, now: datetime) -> None:
        card = self.query_one("#info-card", Static)
        chart = self.query_one("#info-chart", Static)
        if details is None:
            card.update(Content.styled("No card is highlighted.", "dim"))
            self.query_one("#info-history", Static).update("")
            self.set_class(True, "-empty")
            return
        self.set_class(not details.curve, "-empty")
        card.update(describe(details, now))
        if details.curve:
            chart.update(recall_chart(details.curve))
        self.query_one("#info-history", Static).update(history_table(details.history))
        self.scroll_home(animate=False)
