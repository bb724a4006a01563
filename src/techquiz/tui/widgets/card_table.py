"""The browse table: every card a search found, however many, drawn a screen's worth at a time.

A DataTable holds a row object per row; 100,000 of them take seconds to add and a lot of memory.
This table holds only the matching ids, in order, and asks `fetch` for the rows it is about to
draw (a page at a time), so opening it and scrolling it cost the same for ten cards or 100,000.
Deck text is drawn as `rich.text.Text`, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from techquiz.card_search import CardRow
from techquiz.srs.scheduler import format_interval

PAGE = 100  # rows fetched at once


@dataclass(frozen=True)
class Column:
    key: str  # the sort key (card_search.SORTS)
    title: str
    width: int  # 0: takes the room left
    cell: Callable[[CardRow, datetime], str]


def _due(row: CardRow, now: datetime) -> str:
    if row.due is None:
        return "-"
    day = row.due.astimezone().date()
    return "today" if day <= now.astimezone().date() else day.isoformat()


COLUMNS = (
    Column("deck", "Deck", 14, lambda r, _: r.deck_id),
    Column("type", "Type", 9, lambda r, _: r.card_type),
    Column("state", "State", 10, lambda r, _: r.state_name),
    Column("due", "Due", 10, _due),
    Column("interval", "Ivl", 5, lambda r, _: "-" if r.interval is None else format_interval(timedelta(r.interval))),
    Column("lapses", "Lap", 3, lambda r, _: str(r.lapses)),
    Column("front", "Front", 0, lambda r, _: r.front.replace("\n", " ")),
)


class CardTable(ScrollView, can_focus=True):
    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("space", "mark", "Mark"),
    ]
    COMPONENT_CLASSES = {"card-table--header", "card-table--cursor", "card-table--marked"}

    class Highlighted(Message):
        """The cursor is on another card (None: the table is empty)."""

        def __init__(self, rowid: int | None) -> None:
            super().__init__()
            self.rowid = rowid

    class SortChanged(Message):
        def __init__(self, sort: str, descending: bool) -> None:
            super().__init__()
            self.sort = sort
            self.descending = descending

    def __init__(self, fetch: Callable[[Sequence[int]], list[CardRow]], clock: Callable[[], datetime], *,
                 id: str | None = None) -> None:  # fmt: skip
        super().__init__(id=id)
        self.fetch = fetch
        self.clock = clock
        self.ids: list[int] = []
        self.cursor = 0
        self.marked: set[int] = set()
        self.sort = "deck"
        self.descending = False
        self._rows: dict[int, CardRow] = {}

    # ---- content --------------------------------------------------------------------------------
    def show(self, ids: list[int], keep: int | None = None) -> None:
        """Show these cards; the cursor stays on card `keep` when it is still there, else at the top."""
        self.ids = ids
        self._rows.clear()
        self.marked &= set(ids)
        position = {rowid: i for i, rowid in enumerate(ids)}.get(keep, 0) if keep is not None else 0
        self.virtual_size = Size(self.size.width, len(ids) + 1)
        self._move_to(position, force=True)
        self.refresh()

    def forget_rows(self) -> None:
        """Rows changed in the store (an action): read them again when drawn."""
        self._rows.clear()
        self.refresh()

    @property
    def current(self) -> int | None:
        return self.ids[self.cursor] if self.ids else None

    def chosen(self) -> list[int]:
        """The marked cards, in table order, or the highlighted one."""
        if self.marked:
            return [rowid for rowid in self.ids if rowid in self.marked]
        return [] if self.current is None else [self.current]

    def _row(self, index: int) -> CardRow | None:
        rowid = self.ids[index]
        if rowid not in self._rows:
            start = index - index % PAGE
            for row in self.fetch(self.ids[start : start + PAGE]):
                self._rows[row.rowid] = row
        return self._rows.get(rowid)

    # ---- drawing ----------------------------------------------------------------------------------
    def _widths(self, width: int) -> list[int]:
        fixed = sum(c.width for c in COLUMNS) + len(COLUMNS) + 1  # a space between columns, one for marks
        return [c.width or max(width - fixed, 8) for c in COLUMNS]

    def _line(self, cells: list[Text], width: int, style: Style) -> Strip:
        line = Text(" ", end="")
        for cell, cell_width in zip(cells, self._widths(width), strict=True):
            cell.truncate(cell_width, overflow="ellipsis", pad=True)
            line.append_text(cell)
            line.append(" ")
        segments = [Segment(s.text, style + s.style if s.style else style) for s in line.render(self.app.console)]
        return Strip(segments).adjust_cell_length(width, style)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y == 0:
            header = base + self.get_component_rich_style("card-table--header")
            titles = []
            for column in COLUMNS:
                arrow = ("▼" if self.descending else "▲") if column.key == self.sort else ""
                titles.append(Text(column.title + arrow))
            return self._line(titles, width, header)
        index = round(self.scroll_offset.y) + y - 1
        if index >= len(self.ids):
            return Strip.blank(width, base)
        row = self._row(index)
        style = base
        if index == self.cursor:
            style += self.get_component_rich_style("card-table--cursor")
        elif self.ids[index] in self.marked:
            style += self.get_component_rich_style("card-table--marked")
        if row is None:  # gone from the store since the search ran
            return self._line([Text("") for _ in COLUMNS], width, style)
        now = self.clock()
        cells = [Text(column.cell(row, now)) for column in COLUMNS]
        strip = self._line(cells, width, style)
        if self.ids[index] in self.marked:
            strip = Strip.join([Strip([Segment("●", style)]), strip.crop(1, width)])
        return strip

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.ids) + 1)

    # ---- moving -----------------------------------------------------------------------------------
    @property
    def _visible_rows(self) -> int:
        return max(self.size.height - 1, 1)

    def _move_to(self, index: int, force: bool = False) -> None:
        index = max(0, min(index, len(self.ids) - 1)) if self.ids else 0
        changed = index != self.cursor or force
        self.cursor = index
        top = round(self.scroll_offset.y)
        if index < top:
            self.scroll_to(y=index, animate=False, force=True)
        elif index >= top + self._visible_rows:
            self.scroll_to(y=index - self._visible_rows + 1, animate=False, force=True)
        self.refresh()
        if changed:
            self.post_message(self.Highlighted(self.current))

    def action_move(self, step: int) -> None:
        self._move_to(self.cursor + step)

    def action_page(self, step: int) -> None:
        self._move_to(self.cursor + step * self._visible_rows)

    def action_jump(self, index: int) -> None:
        self._move_to(len(self.ids) - 1 if index < 0 else index)

    def action_mark(self) -> None:
        rowid = self.current
        if rowid is None:
            return
        self.marked ^= {rowid}
        self._move_to(self.cursor + 1)
        self.refresh()

    def set_sort(self, key: str) -> None:
        """Sort by this column; again on the same column reverses the order."""
        self.descending = not self.descending if key == self.sort else False
        self.sort = key
        self.refresh()
        self.post_message(self.SortChanged(self.sort, self.descending))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            x = 1
            for column, width in zip(COLUMNS, self._widths(self.size.width), strict=True):
                if x <= offset.x < x + width + 1:
                    self.set_sort(column.key)
                    return
                x += width + 1
            return
        self._move_to(round(self.scroll_offset.y) + offset.y - 1)
