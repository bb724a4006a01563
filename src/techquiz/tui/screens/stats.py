"""`s`: today, streak, retention, card states, the 30-day forecast and review history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Sparkline, Static

from techquiz.stats import collect

if TYPE_CHECKING:
    from techquiz.tui.app import TechquizApp


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


class StatsScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("q", "back", "Back", show=False),
        Binding("s", "back", "Back", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="stats"):
            yield Static(id="stats-text")
            yield Static(Content.assemble(("Due in the next 30 days", "bold")), classes="chart-title")
            yield Sparkline([], id="forecast")
            yield Static(id="forecast-axis", classes="axis")
            yield Static(Content.assemble(("Reviews per day, last 30 days", "bold")), classes="chart-title")
            yield Sparkline([], id="history")
        yield Footer(compact=True)  # every key fits in 80 columns

    def on_mount(self) -> None:
        self.sub_title = "Stats"
        app: TechquizApp = self.app  # type: ignore[assignment]
        data = collect(app.conn, app.library, [d.id for d in app.library.decks], app.config.now())
        self._paint(data)

    def _paint(self, data: dict[str, Any]) -> None:
        cards, retention = data["cards"], data["retention"]
        minutes = data["time_today_seconds"] // 60
        parts: list[Content | str | tuple[str, str]] = [
            ("Today  ", "bold $accent"),
            f"{data['reviews_today']} reviews · {minutes} min · right {_pct(retention['today'])} · ",
            f"{data['due_today']} due\n",
            ("Streak ", "bold $accent"),
            f"{data['streak_days']} day(s) (longest {data['longest_streak_days']})\n",
            ("Retention  ", "bold $accent"),
            f"last 7 days {_pct(retention['last_7_days'])} · last 30 days {_pct(retention['last_30_days'])}\n",
            ("Cards  ", "bold $accent"),
            f"{cards['total']} total · {cards['new']} new · {cards['learning']} learning · {cards['review']} review · "
            f"{cards['relearning']} relearning · {cards['suspended']} suspended · {cards['leeches']} leeches\n",
        ]
        if data["quizzes"]:
            last = data["quizzes"][-1]
            parts += [("Last quiz  ", "bold $accent"), f"{last['correct']} / {last['questions']}\n"]
        self.query_one("#stats-text", Static).update(Content.assemble(*parts))
        forecast = [f["due"] for f in data["forecast"]]
        self.query_one("#forecast", Sparkline).data = forecast
        self.query_one("#forecast-axis", Static).update(
            Content(f"today {forecast[0]} due · busiest day {max(forecast)} · {sum(forecast)} in 30 days")
        )
        history = {h["date"]: h["reviews"] for h in data["history"]}
        from datetime import date, timedelta

        today = date.fromisoformat(data["today"])
        self.query_one("#history", Sparkline).data = [
            history.get((today - timedelta(days=i)).isoformat(), 0) for i in range(29, -1, -1)
        ]

    def action_back(self) -> None:
        self.app.pop_screen()
