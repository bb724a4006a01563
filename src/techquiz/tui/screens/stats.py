"""`s`: today, streaks, a review heatmap, forecast, reviews by rating, retention, card states,
memory distributions, the hardest cards and quiz history; for all decks or one (`d`).

The numbers come from `techquiz.stats.collect`, the same as `techquiz stats --json`. They are read
in a thread worker with its own connection, so a big collection never freezes the screen.
"""

from __future__ import annotations

import math
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, LoadingIndicator, Static
from textual_plotext import PlotextPlot

from techquiz.deck.model import Deck
from techquiz.stats import Heatmap, collect
from techquiz.store import db
from techquiz.tui.widgets.heatmap import HeatmapView

if TYPE_CHECKING:
    from techquiz.tui.app import TechquizApp

RATING_COLOURS = {"again": "red", "hard": "orange", "good": "green", "easy": "blue"}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _panel(title: str, *children: Any, classes: str = "panel") -> Vertical:
    panel = Vertical(*children, classes=classes)
    panel.border_title = title
    return panel


def _counts_axis(plt: Any, values: list[int]) -> None:
    """Whole-number ticks on a count axis (plotext would label 1 card as 0.67, 1.00, 1.33)."""
    top = max(values, default=0) or 1
    step = max(1, math.ceil(top / 4))
    plt.yticks(list(range(0, top + step, step)))


def _pair(left: Vertical, right: Vertical) -> Container:
    """Two panels: stacked on a narrow terminal, side by side on a wide one (see the .tcss)."""
    return Container(left, right, classes="pair")


class StatsScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("d", "scope(True)", "This deck"),
        Binding("d", "scope(False)", "All decks"),
        Binding("q", "back", "Back", show=False),
        Binding("s", "back", "Back", show=False),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]  # charts side by side on wide terminals

    def __init__(self, selected: Deck | None = None) -> None:
        super().__init__()
        self.selected = selected  # the deck highlighted or being studied when `s` was pressed
        self.one_deck = False
        self.data: dict[str, Any] | None = None

    @property
    def tq(self) -> TechquizApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        yield LoadingIndicator(id="stats-loading")
        yield VerticalScroll(id="stats")
        yield Footer(compact=True)  # every key fits in 80 columns

    def on_mount(self) -> None:
        self.sub_title = "Stats"
        self.query_one("#stats").display = False
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "scope":
            # One `d` key: the footer shows whichever switch applies now.
            can = self.selected is not None and len(self.tq.library.decks) > 1
            return can and parameters[0] != self.one_deck
        return True

    def action_scope(self, one_deck: bool) -> None:
        self.one_deck = one_deck
        self.refresh_bindings()
        self.load()

    @property
    def deck_ids(self) -> list[str]:
        if self.one_deck and self.selected is not None:
            return [self.selected.id]
        return [d.id for d in self.tq.library.decks]

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        # sqlite3 connections stay in their thread: the worker opens its own (cheap, no check).
        conn = db.connect(self.tq.config.store_path, check=False)
        try:
            data = collect(conn, self.tq.library, self.deck_ids, self.tq.config.now())
        finally:
            conn.close()
        self.app.call_from_thread(self._show, data)  # type: ignore[arg-type]  # its overloads miss async callables

    async def _show(self, data: dict[str, Any]) -> None:
        self.data = data
        container = self.query_one("#stats", VerticalScroll)
        await container.remove_children()
        await container.mount_all(self._widgets(data))
        self._plot_all(data)
        self.query_one("#stats-loading").display = False
        container.display = True

    # ---- building -----------------------------------------------------------------------------
    def _widgets(self, data: dict[str, Any]) -> list[Any]:
        grid = data["heatmap"]
        heat = Heatmap(date.fromisoformat(grid["start"]), grid["weeks"], grid["levels"])
        scope = self.selected.title if self.one_deck and self.selected else "All decks"
        return [
            Static(self._summary(data, scope), id="stats-summary"),
            _panel("Reviews per day, last 26 weeks", HeatmapView(heat, id="heatmap"), classes="panel heat"),
            _pair(
                _panel("Due in the next 30 days", PlotextPlot(id="plot-forecast")),
                _panel("Reviews per day by rating, last 30 days", PlotextPlot(id="plot-ratings")),
            ),
            _pair(
                _panel("True retention", Static(self._retention(data), id="retention"), classes="panel text"),
                _panel("Cards", Static(self._card_counts(data), id="card-counts"), classes="panel text"),
            ),
            _pair(
                _panel("Stability (days until recall drops to 90%)", PlotextPlot(id="plot-stability")),
                _panel("Difficulty (1 easy - 10 hard)", PlotextPlot(id="plot-difficulty")),
            ),
            _pair(
                _panel("Retrievability now (chance of recall)", PlotextPlot(id="plot-retrievability")),
                _panel("Quiz scores", self._quiz_widget(data)),
            ),
            _panel("Hardest cards (most lapses)", self._hardest(data), classes="panel table"),
        ]

    def _summary(self, data: dict[str, Any], scope: str) -> Content:
        retention, knowledge = data["retention"], data["knowledge"]
        minutes = data["time_today_seconds"] // 60
        recalled = knowledge["estimated_recalled_now"]
        return Content.assemble(
            (scope, "bold"),
            (f"  {data['today']}\n", "dim"),
            ("Today  ", "bold $accent"),
            f"{data['reviews_today']} reviews · {minutes} min · right {_pct(retention['today'])} · "
            f"{data['due_today']} due\n",
            ("Streak  ", "bold $accent"),
            f"{data['streak_days']} day{'s' if data['streak_days'] != 1 else ''} "
            f"(longest {data['longest_streak_days']})\n",
            ("Knowledge  ", "bold $accent"),
            f"about {recalled:g} of {knowledge['cards_studied']} studied cards recallable now "
            f"(average {_pct(knowledge['average_retrievability'])})",
        )

    @staticmethod
    def _retention(data: dict[str, Any]) -> Content:
        labels = {"today": "Today", "last_7_days": "7 days", "last_30_days": "30 days"}
        parts: list[Content | str | tuple[str, str]] = [(f"{'':<8}{'young':>12}{'mature':>12}{'all':>12}\n", "bold")]
        for row in data["retention_table"]:
            cells = "".join(
                f"{_pct(row[k]) + ' (' + str(row[k + '_reviews']) + ')':>12}" for k in ("young", "mature", "all")
            )
            parts.append(f"{labels[row['period']]:<8}{cells}\n")
        parts.append(("share of review answers not Again (reviews)", "dim"))
        return Content.assemble(*parts)

    @staticmethod
    def _card_counts(data: dict[str, Any]) -> Content:
        cards = data["cards"]
        rows = [("New", "new"), ("Learning", "learning"), ("Young", "young"), ("Mature", "mature"),
                ("Relearning", "relearning"), ("Suspended", "suspended"), ("Leeches", "leeches")]  # fmt: skip
        total = max(cards["total"], 1)
        parts: list[Content | str | tuple[str, str]] = []
        for label, key in rows:
            count = cards[key]
            bar = "█" * round(20 * count / total)
            parts += [f"{label:<11}{count:>7} ", (bar, "$primary"), "\n"]
        parts.append((f"{'Total':<11}{cards['total']:>7}", "bold"))
        return Content.assemble(*parts)

    @staticmethod
    def _quiz_widget(data: dict[str, Any]) -> Any:
        if not data["quizzes"]:
            return Static(Content("No quizzes yet: press t on the home screen to take one."), classes="empty")
        return PlotextPlot(id="plot-quizzes")

    @staticmethod
    def _hardest(data: dict[str, Any]) -> Any:
        if not data["hardest"]:
            return Static(Content("No lapses yet: no card has been forgotten after it was learned."), classes="empty")
        table: DataTable[Any] = DataTable(id="hardest", cursor_type="row", zebra_stripes=True)
        table.add_columns("Lapses", "Deck", "Card")
        for card in data["hardest"]:
            mark = " (leech)" if card["leech"] else ""
            # Deck text is untrusted: rich Text cells are never parsed as markup.
            table.add_row(Text(f"{card['lapses']}{mark}"), Text(card["deck"]), Text(card["text"] or card["card"]))
        return table

    # ---- plots --------------------------------------------------------------------------------
    def _plot(self, selector: str) -> Any:
        # plotext's annotations are narrower than what it accepts (lists of colours, `labels=`).
        return self.query_one(selector, PlotextPlot).plt

    def _plot_all(self, data: dict[str, Any]) -> None:
        forecast = data["forecast"]
        plt = self._plot("#plot-forecast")
        plt.bar(list(range(len(forecast))), [f["due"] for f in forecast], marker="hd")
        _counts_axis(plt, [f["due"] for f in forecast])
        plt.xticks([0, 7, 14, 21, 29], ["today", "+7d", "+14d", "+21d", "+29d"])
        recent = data["recent_days"]
        plt = self._plot("#plot-ratings")
        days = list(range(-len(recent) + 1, 1))
        plt.stacked_bar(
            days,
            [[d[k] for d in recent] for k in RATING_COLOURS],
            labels=[k.capitalize() for k in RATING_COLOURS],
            color=list(RATING_COLOURS.values()),
            marker="hd",
        )
        plt.xticks([-29, -21, -14, -7, 0], ["-29d", "-21d", "-14d", "-7d", "today"])
        _counts_axis(plt, [d["reviews"] for d in recent])
        for name in ("stability", "difficulty", "retrievability"):
            buckets = data["distributions"][name]
            plt = self._plot(f"#plot-{name}")
            plt.bar([b["label"] for b in buckets], [b["cards"] for b in buckets], marker="hd")
            _counts_axis(plt, [b["cards"] for b in buckets])
        if data["quizzes"]:
            quizzes = data["quizzes"][-30:]
            plt = self._plot("#plot-quizzes")
            scores = [round(100 * (q["score"] or 0)) for q in quizzes]
            numbers = list(range(1, len(scores) + 1))
            plt.plot(numbers, scores, marker="braille")
            plt.scatter(numbers, scores)
            plt.ylim(0, 100)
            plt.yticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
            plt.xticks(
                numbers[:: max(1, len(numbers) // 6)], [q["date"][5:] for q in quizzes][:: max(1, len(numbers) // 6)]
            )

    def action_back(self) -> None:
        self.app.pop_screen()
