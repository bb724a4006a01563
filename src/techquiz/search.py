"""Anki's search language, the part an Anki user types without reading: parsed here, compiled to SQL.

    dog "exact phrase" d*g          free text over every field (case-insensitive; * any run, _ one char)
    deck:ID  deck:tech-*            tag:T  tag:none  type:cloze
    is:new|learn|review|due|suspended|buried|leech
    prop:ivl>=10 prop:due<=3 prop:lapses>2 prop:reps=0 prop:s>30 prop:d>7 prop:r<0.8
    rated:N  rated:N:1-4  introduced:N  added:N
    -term  a or b  (a or b) c       negation, or, grouping; terms side by side must all match

A query becomes one WHERE clause whose every value is a bound parameter: the query's text never
becomes SQL. A query that does not parse raises SearchError with the 1-based column at fault.
Running the SQL is `store/browse.py`'s job; this module knows only the language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from techquiz.config import day_start
from techquiz.store.timeutil import to_ms

DAY_MS = 86_400_000
CARD_TYPES = ("basic", "cloze", "choice", "typed", "truefalse", "order")
_IS = {
    "new": "c.state = 0",
    "learn": "c.state IN (1, 3)",
    "review": "c.state IN (2, 3)",
    "suspended": "c.suspended = 1",
    "leech": "c.leech = 1",
}
_IS_DATED = ("due", "buried")
_PROPS = ("ivl", "due", "lapses", "reps", "s", "d", "r")
_OPS = ("<=", ">=", "!=", "=", "<", ">")
_FIELDS = ("deck", "tag", "type", "is", "prop", "rated", "introduced", "added")
_FIELD = re.compile(r'"?([A-Za-z]+):')


class SearchError(ValueError):
    """A query that does not parse: the message says what, `column` (1-based) says where."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(f"column {column}: {message}")
        self.message = message
        self.column = column


# ---- the syntax tree ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    field: str  # "" for free text
    value: str  # with the quotes taken off; backslash escapes still in (they matter to wildcards)
    column: int  # where the term starts
    value_column: int  # where its value starts


@dataclass(frozen=True)
class Not:
    node: Node


@dataclass(frozen=True)
class And:
    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    nodes: tuple[Node, ...]


Node = Term | Not | And | Or


@dataclass(frozen=True)
class _Token:
    kind: str  # "(", ")", "-", "or", "and", "term"
    text: str
    column: int


def _tokens(query: str) -> list[_Token]:
    out: list[_Token] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "()":
            out.append(_Token(ch, ch, i + 1))
            i += 1
            continue
        if ch == "-" and i + 1 < n and not query[i + 1].isspace():
            out.append(_Token("-", ch, i + 1))
            i += 1
            continue
        start, quoted = i, False
        while i < n:
            ch = query[i]
            if ch == "\\" and i + 1 < n:
                i += 2
                continue
            if ch == '"':
                quoted = not quoted
            elif not quoted and (ch.isspace() or ch in "()"):
                break
            i += 1
        if quoted:
            raise SearchError('this quote is never closed (add a " at the end)', start + 1 + query[start:].index('"'))
        text = query[start:i]
        word = text.lower()
        out.append(_Token(word if word in ("or", "and") else "term", text, start + 1))
    return out


def _unquote(raw: str) -> str:
    """Take off the quotes, keep the escapes (a wildcard escaped as \\* stays escaped)."""
    out, i = [], 0
    while i < len(raw):
        if raw[i] == "\\" and i + 1 < len(raw):
            out.append(raw[i : i + 2])
            i += 2
        elif raw[i] == '"':
            i += 1
        else:
            out.append(raw[i])
            i += 1
    return "".join(out)


def _term(token: _Token) -> Term:
    match = _FIELD.match(token.text)
    if match is None:
        return Term("", _unquote(token.text), token.column, token.column)
    name = match[1].lower()
    if name not in _FIELDS:
        raise SearchError(
            f"unknown search field '{match[1]}:' (known: {', '.join(f + ':' for f in _FIELDS)}; "
            "write \\: to search for a colon)",
            token.column,
        )
    value = _unquote(token.text[: match.start(1)] + token.text[match.end() :])
    return Term(name, value, token.column, token.column + match.end())


class _Parser:
    def __init__(self, query: str) -> None:
        self.tokens = _tokens(query)
        self.at = 0
        self.end = len(query) + 1

    def peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def parse(self) -> Node:
        if not self.tokens:
            return And(())
        node = self.expression()
        extra = self.peek()
        if extra is not None:
            raise SearchError("this ')' has no '(' before it", extra.column)
        return node

    def expression(self) -> Node:
        nodes = [self.conjunction()]
        while (token := self.peek()) is not None and token.kind == "or":
            self.take()
            nodes.append(self.conjunction(after=token))
        return nodes[0] if len(nodes) == 1 else Or(tuple(nodes))

    def conjunction(self, after: _Token | None = None) -> Node:
        nodes: list[Node] = []
        while (token := self.peek()) is not None and token.kind not in ("or", ")"):
            if token.kind == "and":
                self.take()
                if not nodes:
                    raise SearchError("'and' needs a search term before it", token.column)
                after = token
                continue
            nodes.append(self.unary())
            after = None
        if after is not None:
            raise SearchError(f"'{after.text}' needs a search term after it", after.column)
        if not nodes:
            token = self.peek()
            column = token.column if token is not None else self.end
            raise SearchError("a search term is missing here", column)
        return nodes[0] if len(nodes) == 1 else And(tuple(nodes))

    def unary(self) -> Node:
        token = self.take()
        if token.kind == "-":
            following = self.peek()
            if following is None or following.kind in ("or", "and", ")"):
                raise SearchError("'-' needs a search term right after it", token.column)
            return Not(self.unary())
        if token.kind == "(":
            if (following := self.peek()) is not None and following.kind == ")":
                raise SearchError("empty parentheses", following.column)
            node = self.expression()
            close = self.peek()
            if close is None or close.kind != ")":
                raise SearchError("this '(' is never closed", token.column)
            self.take()
            return node
        return _term(token)


def deck_term(deck_id: str) -> str:
    """A `deck:` term that matches exactly this deck id, whatever characters it holds."""
    escaped = "".join("\\" + ch if ch in '\\"*_' else ch for ch in deck_id)
    return f'deck:"{escaped}"'


def parse(query: str) -> Node:
    """The query's syntax tree (an empty query is an empty And: every card)."""
    node = _Parser(query).parse()
    _check(node)
    return node


def _check(node: Node) -> None:
    """Compile against a fixed day so that every mistake in a value is found when parsing."""
    compile_where(node, SearchContext(datetime(2000, 1, 1, 12, tzinfo=UTC), date(2000, 1, 1)))


# ---- compiling ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchContext:
    now: datetime
    today: date  # the study day (04:00 boundary) of `now`

    @property
    def today_start_ms(self) -> int:
        return to_ms(day_start(self.today))


@dataclass(frozen=True)
class Where:
    """A WHERE clause over the store's card table as `c`. Text terms read the deck text through
    `idx.card_text` (the deck cache) and `temp.search_decks` (deck id -> cache entry), and
    `prop:r` each deck's forgetting curve from `s` (that table, joined on the card's deck): the
    caller provides them (card_search.py)."""

    sql: str
    params: tuple[object, ...]


# Text terms: the cards whose deck text matches, found once by a scan of the (small) text table,
# then each card of the store is checked against that set.
_TEXT = (
    "((c.deck_id, c.card_id) IN (SELECT d.deck_id, t.card_id FROM idx.card_text t "
    "JOIN temp.search_decks d ON d.generation = t.generation WHERE {}))"
)


def like_pattern(value: str) -> str:
    """Anki's wildcards as a LIKE pattern (ESCAPE '\\'): * any run, _ one character, \\x a literal x.
    Lower-cased: the indexed text is, and LIKE folds ASCII case only."""
    out, i = [], 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            ch = value[i + 1]
            out.append("\\" + ch if ch in "%_\\" else ch.lower())
            i += 2
            continue
        out.append("%" if ch == "*" else "\\%" if ch == "%" else "\\\\" if ch == "\\" else ch.lower())
        i += 1
    return "".join(out)


def compile_where(node: Node, context: SearchContext) -> Where:
    params: list[object] = []

    def walk(node: Node) -> str:
        if isinstance(node, Term):
            sql, values = _compile_term(node, context)
            params.extend(values)
            return sql
        if isinstance(node, Not):
            # COALESCE: a NULL (an unset interval, say) counts as not matching, so a query and its
            # negation always split the cards in two.
            return f"NOT COALESCE({walk(node.node)}, 0)"
        if not node.nodes:
            return "1"
        joiner = " AND " if isinstance(node, And) else " OR "
        return "(" + joiner.join(walk(n) for n in node.nodes) + ")"

    sql = walk(node)
    return Where(sql, tuple(params))


Compiled = tuple[str, tuple[object, ...]]


def _compile_term(term: Term, ctx: SearchContext) -> Compiled:
    if term.field == "":
        if not term.value:
            raise SearchError("empty search term", term.column)
        return _TEXT.format("t.text LIKE ? ESCAPE '\\'"), (f"%{like_pattern(term.value)}%",)
    value = term.value
    if not value:
        raise SearchError(f"'{term.field}:' needs a value", term.value_column)
    if term.field == "deck":
        return "c.deck_id LIKE ? ESCAPE '\\'", (like_pattern(value),)
    if term.field == "tag":
        if value.lower() == "none":
            return _TEXT.format("t.tags = ''"), ()
        pattern = like_pattern(value)
        tags = "t.tags LIKE ? ESCAPE '\\' OR t.tags LIKE ? ESCAPE '\\'"
        return _TEXT.format(tags), (f"% {pattern} %", f"% {pattern}::%")
    if term.field == "type":
        if value.lower() not in CARD_TYPES:
            raise SearchError(f"unknown card type '{value}' (one of {', '.join(CARD_TYPES)})", term.value_column)
        return "c.card_type = ?", (value.lower(),)
    if term.field == "is":
        return _is(value.lower(), term, ctx)
    if term.field == "prop":
        return _prop(term, ctx)
    if term.field == "added":
        return _added(term, ctx)
    return _rated(term, ctx)


def _is(value: str, term: Term, ctx: SearchContext) -> Compiled:
    if value in _IS:
        return _IS[value], ()
    if value == "due":
        end = to_ms(day_start(ctx.today + timedelta(days=1)))
        return "(c.state > 0 AND c.due < ?)", (end,)
    if value == "buried":
        return "COALESCE(c.buried_until > ?, 0)", (ctx.today.isoformat(),)
    known = ", ".join((*_IS, *_IS_DATED))
    raise SearchError(f"unknown 'is:{value}' (one of {known})", term.value_column)


def _number(text: str, column: int, what: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise SearchError(f"{what} needs a number, not '{text}'", column) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise SearchError(f"{what} needs a finite number, not '{text}'", column)
    return number


def _prop(term: Term, ctx: SearchContext) -> Compiled:
    match = re.fullmatch(r"([a-zA-Z]+)(<=|>=|!=|==|=|<|>)(.*)", term.value)
    if match is None:
        raise SearchError("write prop:NAME, a comparison and a number, e.g. prop:ivl>=10", term.value_column)
    name, op, raw = match[1].lower(), match[2].replace("==", "="), match[3]
    if name not in _PROPS:
        raise SearchError(f"unknown property '{match[1]}' (one of {', '.join(_PROPS)})", term.value_column)
    value_column = term.value_column + match.start(3)
    number = _number(raw, value_column, f"prop:{name}")
    studied = "c.state > 0"
    if name in ("lapses", "reps"):
        return f"c.{name} {op} ?", (number,)
    if name in ("s", "d"):
        column = "stability" if name == "s" else "difficulty"
        return f"({studied} AND c.{column} {op} ?)", (number,)
    if name == "ivl":
        interval = f"ROUND((c.due - c.last_review) / {DAY_MS}.0)"
        return f"(c.state IN (2, 3) AND {interval} {op} ?)", (number,)
    if name == "due":
        if number != int(number):
            raise SearchError("prop:due counts whole days from today, e.g. prop:due<=3", value_column)
        return _due(op, int(number), ctx)
    return _retrievability(op, number, ctx)


def _due(op: str, days: int, ctx: SearchContext) -> Compiled:
    """Due on day `days` from today means due in [start of that day, start of the next)."""
    start = ctx.today_start_ms
    at, after = start + days * DAY_MS, start + (days + 1) * DAY_MS
    bounds = {
        "<": ("c.due < ?", (at,)),
        "<=": ("c.due < ?", (after,)),
        ">": ("c.due >= ?", (after,)),
        ">=": ("c.due >= ?", (at,)),
        "=": ("(c.due >= ? AND c.due < ?)", (at, after)),
        "!=": ("(c.due < ? OR c.due >= ?)", (at, after)),
    }
    sql, params = bounds[op]
    return f"(c.state > 0 AND {sql})", params


def _retrievability(op: str, r: float, ctx: SearchContext) -> Compiled:
    """FSRS's forgetting curve R = (1 + FACTOR * t / S) ** -DECAY with each deck's own DECAY and
    FACTOR (its fitted or pinned parameters), which the caller provides as `s.decay`, `s.factor`."""
    studied = "c.state > 0 AND c.stability > 0 AND c.last_review IS NOT NULL"
    r_now = f"pow(1 + s.factor * MAX(? - c.last_review, 0) / {DAY_MS}.0 / c.stability, -s.decay)"
    return f"({studied} AND {r_now} {op} ?)", (to_ms(ctx.now), r)


def _since(days: int, ctx: SearchContext) -> date:
    """The first study day of `rated:N`, `introduced:N` or `added:N`: today is day 1."""
    return ctx.today - timedelta(days=min(days, 36500) - 1)


def _added(term: Term, ctx: SearchContext) -> Compiled:
    # Added on or after the start of that study day. Cards from stores older than v7 have no date
    # and never match (as in the docs): a guess would put them all on the day of the upgrade.
    if not term.value.isdigit() or int(term.value) < 1:
        raise SearchError("write a number of days from 1, e.g. added:1 (today) or added:7", term.value_column)
    since = _since(int(term.value), ctx)
    return "COALESCE(c.added >= ?, 0)", (to_ms(day_start(since)),)  # no date: false, so -added:N has it


def _rated(term: Term, ctx: SearchContext) -> Compiled:
    # `+c.id`: the unary plus keeps SQLite from looking a card up by id for every log row of the
    # period (365,000 for rated:365:1); it builds the set of cards once from the covering day index.
    parts = term.value.split(":")
    if len(parts) > (2 if term.field == "rated" else 1) or not parts[0].isdigit() or int(parts[0]) < 1:
        example = "rated:7 or rated:1:1 (Again today)" if term.field == "rated" else "introduced:7"
        raise SearchError(f"write a number of days from 1, e.g. {example}", term.value_column)
    since = _since(int(parts[0]), ctx)
    if term.field == "introduced":
        # First answered on or after `since`: a first answer then, and none before.
        return (
            "(+c.id IN (SELECT card FROM review_log WHERE day >= ? AND state_before = 0) AND NOT EXISTS "
            "(SELECT 1 FROM review_log r WHERE r.card = c.id AND r.reviewed_at < ?))",
            (since.isoformat(), to_ms(day_start(since))),
        )
    if len(parts) == 1:
        # A card answered since then has its latest review since then, unless it was made new again
        # (forgotten, retyped): a column test leaves few cards to look up in the log, each by the
        # covering (card, reviewed_at) index (rated:365 on 1,000,000 reviews: 460 -> 200 ms).
        start = to_ms(day_start(since))
        return (
            "((c.last_review >= ? OR c.state = 0) AND EXISTS "
            "(SELECT 1 FROM review_log r WHERE r.card = c.id AND r.reviewed_at >= ?))",
            (start, start),
        )
    if parts[1] not in ("1", "2", "3", "4"):
        column = term.value_column + len(parts[0]) + 1
        raise SearchError("the grade is 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)", column)
    return (
        "+c.id IN (SELECT card FROM review_log WHERE day >= ? AND rating = ?)",
        (since.isoformat(), int(parts[1])),
    )
