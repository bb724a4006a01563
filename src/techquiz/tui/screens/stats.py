"""`s`: today, streaks, a review heatmap, forecast, reviews by rating, retention, card states,
memory distributions, the hardest cards and quiz history; for all decks or one (`d`).

The numbers come from `techquiz.stats.collect`, the same as `techquiz stats --json`. They are read
in a thread worker with its own connection, so a big collection never freezes the screen.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, LoadingIndicator, Static

from techquiz.deck.model import Deck
from techquiz.stats import Heatmap, collect
from techquiz.store import db
from techquiz.tui.widgets.barchart import BarChart, Series
from techquiz.tui.widgets.heatmap import HeatmapView

if TYPE_CHECKING:
    from techquiz.tui.app import TechquizApp

RATING_COLOURS = {"again": "error", "hard": "warning", "good": "success", "easy": "primary"}  # as Anki's buttons


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _panel(title: str, *children: Any, classes: str = "panel") -> Vertical:
    panel = Vertical(*children, classes=classes)
    panel.border_title = title
    return panel


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
                _panel("Due in the next 30 days", self._forecast(data)),
                _panel("Reviews per day by rating, last 30 days", self._ratings(data)),
            ),
            _pair(
                _panel("True retention", Static(self._retention(data), id="retention"), classes="panel text"),
                _panel("Cards", Static(self._card_counts(data), id="card-counts"), classes="panel text"),
            ),
            _pair(
                _panel("Stability (days until recall drops to 90%)", self._distribution(data, "stability")),
                _panel("Difficulty (1 easy - 10 hard)", self._distribution(data, "difficulty")),
            ),
            _pair(
                _panel("Retrievability now (chance of recall)", self._distribution(data, "retrievability")),
                _panel(self._quiz_title(data), self._quiz_widget(data)),
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
            # One label per line, in a column: nothing runs together when a line wraps at 60 columns.
            ("Today      ", "bold $accent"),
            f"{data['reviews_today']} reviews · {minutes} min · right {_pct(retention['today'])}\n",
            ("Due        ", "bold $accent"),
            f"{data['due_today']} today · {data['learning_today']} in learning\n",
            ("Streak     ", "bold $accent"),
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
    def _forecast(data: dict[str, Any]) -> BarChart:
        due = [f["due"] for f in data["forecast"]]
        labels = ["today"] + [f"+{i}d" for i in range(1, len(due))]
        return BarChart(labels, [Series("due", due, "accent")], ticks=[0, 7, 14, 21, 28], id="chart-forecast")

    @staticmethod
    def _ratings(data: dict[str, Any]) -> BarChart:
        recent = data["recent_days"]
        labels = [f"{i - len(recent) + 1}d" for i in range(len(recent) - 1)] + ["today"]
        series = [Series(k.capitalize(), [d[k] for d in recent], colour) for k, colour in RATING_COLOURS.items()]
        return BarChart(labels, series, ticks=[0, 7, 14, 21, len(recent) - 1], id="chart-ratings")

    @staticmethod
    def _distribution(data: dict[str, Any], name: str) -> BarChart:
        buckets = data["distributions"][name]
        values = [b["cards"] for b in buckets]
        return BarChart([b["label"] for b in buckets], [Series("cards", values, "primary")], id=f"chart-{name}")

    @staticmethod
    def _quiz_title(data: dict[str, Any]) -> str:
        early = any(not q["finished"] for q in data["quizzes"][-20:])
        return "Quiz scores (* ended early: of the questions answered)" if early else "Quiz scores"

    @staticmethod
    def _quiz_widget(data: dict[str, Any]) -> Any:
        if not data["quizzes"]:
            return Static(Content("No quizzes yet: press t on the home screen to take one."), classes="empty")
        quizzes = data["quizzes"][-20:]
        scores = [round(100 * (q["score"] or 0)) for q in quizzes]
        # A quiz ended early is marked: its score is of the questions answered, not of all it had.
        labels = [q["date"][5:] + ("" if q["finished"] else "*") for q in quizzes]
        every = max(1, len(quizzes) // 4)
        return BarChart(
            labels, [Series("score", scores, "success")], ticks=list(range(0, len(quizzes), every)), percent=True,
            id="chart-quizzes",
        )  # fmt: skip

    @staticmethod
    def _hardest(data: dict[str, Any]) -> Static:
        if not data["hardest"]:
            return Static(Content("No lapses yet: no card has been forgotten after it was learned."), classes="empty")
        width = max(len(card["deck"]) for card in data["hardest"])
        parts: list[Content | str | tuple[str, str]] = [(f"{'lapses':>6}  {'deck':<{width}}  card", "bold")]
        for card in data["hardest"]:
            mark = ("leech ", "bold $error") if card["leech"] else "      "
            # Deck text is untrusted: Content(...) is plain text, never parsed as markup.
            parts += ["\n", f"{card['lapses']:>6}  ", (f"{card['deck']:<{width}}", "dim"), "  ", mark]
            parts.append(Content(card["text"] or card["card"]))
        return Static(Content.assemble(*parts), id="hardest")

    def action_back(self) -> None:
        self.app.pop_screen()
