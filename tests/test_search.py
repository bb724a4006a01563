"""The search language: every term's SQL, quoting and hostile input, and that a query and its
negation split the cards in two (run against a real store and deck cache)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from techquiz.card_search import CardSearch
from techquiz.config import Config, day_start
from techquiz.deck.cache import DeckCache
from techquiz.deck.discovery import load_library
from techquiz.model import Rating
from techquiz.search import And, Not, Or, SearchContext, SearchError, Term, compile_where, like_pattern, parse
from techquiz.srs import scheduler
from techquiz.store import db, progress
from techquiz.store.timeutil import to_ms

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
TODAY = date(2026, 12, 1)
CTX = SearchContext(NOW, TODAY)

DECK = """\
format: 1
id: geo
title: Geography
tags: [world]
cards:
  - {id: paris, front: What is the capital of France?, back: Paris, tags: [europe, capitals]}
  - {id: rome, front: "Capital of Italy? (100% sure)", back: Rome, reverse: true, tags: [europe::south]}
  - {id: nile, type: cloze, text: "The {{c1::Nile}} flows into the {{c2::Mediterranean}}."}
  - {id: peaks, type: choice, question: Highest peak?, choices: [Everest, K2], answer: Everest}
  - {id: count, type: typed, question: How many continents?, answer: seven, accept: ["7"]}
  - {id: flat, type: truefalse, statement: "The earth is flat_ish", answer: false}
  - {id: order, type: order, question: Put in order, items: [small, big]}
"""
OTHER = """\
format: 1
id: tech-opening
title: Tech
cards:
  - {id: papers, front: "Share of papers? [bold]x[/]", back: One-third}
  - {id: quote, front: "She said \\"yes\\"", back: "it's"}
"""


def answer(conn: sqlite3.Connection, rowid: int, rating: Rating, now: datetime, today: date) -> None:
    progress.answer(conn, rowid, rating, now, today, 4000, lambda before: scheduler.review(before, rating, now))


def where(query: str) -> tuple[str, tuple[object, ...]]:
    compiled = compile_where(parse(query), CTX)
    return compiled.sql, compiled.params


@pytest.fixture
def search(tmp_path: Path, write_deck: Callable[..., Path]) -> Iterator[CardSearch]:
    write_deck(DECK, "geo.yaml")
    write_deck(OTHER, "other.yaml")
    config = Config(tmp_path / "data", (tmp_path / "decks",), lambda: NOW)
    cache = DeckCache(config.cache_dir / "decks")
    library = load_library(config.deck_dirs, cache=cache)
    conn = db.connect(config.store_path)
    progress.sync_decks(conn, library.decks, NOW)
    rowid = {f"{c}{('#' + s) if s else ''}": i for i, c, s in conn.execute("SELECT id, card_id, sub FROM cards")}
    yesterday = NOW - timedelta(days=1)
    # paris: reviewed twice (Easy a week ago, Again yesterday); rome: learning; nile#c1 review, suspended
    week_ago = NOW - timedelta(days=7)
    answer(conn, rowid["paris"], Rating.Easy, week_ago, TODAY - timedelta(days=7))
    answer(conn, rowid["paris"], Rating.Again, yesterday, TODAY - timedelta(days=1))
    answer(conn, rowid["rome"], Rating.Again, NOW, TODAY)
    conn.execute(
        "UPDATE cards SET state = 2, stability = 40, difficulty = 8, last_review = ?, due = ?, reps = 3, lapses = 3, "
        "suspended = 1, leech = 1 WHERE id = ?",
        (to_ms(NOW - timedelta(days=30)), to_ms(NOW + timedelta(days=10)), rowid["nile#c1"]),
    )
    conn.execute("UPDATE cards SET buried_until = ? WHERE id = ?", ("2026-12-02", rowid["peaks"]))
    # All were added by the sync above (NOW), except paris, ten days ago, and count, from a store
    # older than the added date (NULL).
    conn.execute("UPDATE cards SET added = ? WHERE id = ?", (to_ms(NOW - timedelta(days=10)), rowid["paris"]))
    conn.execute("UPDATE cards SET added = NULL WHERE id = ?", (rowid["count"],))
    conn.close()
    found = CardSearch(config.store_path, library.decks, cache, lambda: NOW)
    yield found
    found.close()


def labels(search: CardSearch, query: str) -> set[str]:
    return {row.label for row in search.rows(query)}


ALL = {"paris", "rome", "rome#reverse", "nile#c1", "nile#c2", "peaks", "count", "flat", "order", "papers", "quote"}


# ---- the SQL of each term ----------------------------------------------------------------------


TEXT = (
    "((c.deck_id, c.card_id) IN (SELECT d.deck_id, t.card_id FROM idx.card_text t "
    "JOIN temp.search_decks d ON d.generation = t.generation WHERE {}))"
)


def test_free_text_is_a_bound_like_pattern_over_the_indexed_text() -> None:
    assert where("Dog") == (TEXT.format("t.text LIKE ? ESCAPE '\\'"), ("%dog%",))
    assert where("d*g")[1] == ("%d%g%",)
    assert where("d_g")[1] == ("%d_g%",)
    assert where('"exact phrase"')[1] == ("%exact phrase%",)
    assert where(r"100\%")[1] == ("%100\\%%",)
    assert where(r"a\*b")[1] == ("%a*b%",)
    assert where("50%")[1] == ("%50\\%%",)


def test_each_field_compiles_to_its_column() -> None:
    assert where("deck:tech-*") == ("c.deck_id LIKE ? ESCAPE '\\'", ("tech-%",))
    assert where("tag:Europe") == (
        TEXT.format("t.tags LIKE ? ESCAPE '\\' OR t.tags LIKE ? ESCAPE '\\'"),
        ("% europe %", "% europe::%"),
    )
    assert where("tag:none") == (TEXT.format("t.tags = ''"), ())
    assert where("type:Cloze") == ("c.card_type = ?", ("cloze",))
    assert where("is:new") == ("c.state = 0", ())
    assert where("is:learn") == ("c.state IN (1, 3)", ())
    assert where("is:review") == ("c.state IN (2, 3)", ())
    assert where("is:suspended") == ("c.suspended = 1", ())
    assert where("is:leech") == ("c.leech = 1", ())
    assert where("is:due") == ("(c.state > 0 AND c.due < ?)", (to_ms(day_start(TODAY + timedelta(days=1))),))
    assert where("is:buried") == ("COALESCE(c.buried_until > ?, 0)", ("2026-12-01",))
    assert where("prop:lapses>2") == ("c.lapses > ?", (2.0,))
    assert where("prop:reps=0") == ("c.reps = ?", (0.0,))
    assert where("prop:s>30") == ("(c.state > 0 AND c.stability > ?)", (30.0,))
    assert where("prop:d>=7") == ("(c.state > 0 AND c.difficulty >= ?)", (7.0,))
    assert where("prop:ivl>=10") == (
        "(c.state IN (2, 3) AND ROUND((c.due - c.last_review) / 86400000.0) >= ?)",
        (10.0,),
    )
    start = to_ms(day_start(TODAY))
    assert where("prop:due<=3") == ("(c.state > 0 AND c.due < ?)", (start + 4 * 86_400_000,))
    assert where("prop:due=-1") == ("(c.state > 0 AND (c.due >= ? AND c.due < ?))", (start - 86_400_000, start))
    assert where("prop:r<0.8") == (
        "(c.state > 0 AND c.stability > 0 AND c.last_review IS NOT NULL AND "
        "pow(1 + s.factor * MAX(? - c.last_review, 0) / 86400000.0 / c.stability, -s.decay) < ?)",
        (to_ms(NOW), 0.8),
    )
    start = to_ms(day_start(date(2026, 11, 29)))
    assert where("rated:3") == (
        "((c.last_review >= ? OR c.state = 0) AND EXISTS "
        "(SELECT 1 FROM review_log r WHERE r.card = c.id AND r.reviewed_at >= ?))",
        (start, start),
    )
    assert where("rated:1:1") == (
        "+c.id IN (SELECT card FROM review_log WHERE day >= ? AND rating = ?)",
        ("2026-12-01", 1),
    )
    assert where("introduced:7")[1] == ("2026-11-25", to_ms(day_start(date(2026, 11, 25))))


def test_combinations_nest_as_written() -> None:
    assert parse("a b or c") == Or((And((Term("", "a", 1, 1), Term("", "b", 3, 3))), Term("", "c", 8, 8)))
    assert parse("a (b or c)") == And((Term("", "a", 1, 1), Or((Term("", "b", 4, 4), Term("", "c", 9, 9)))))
    assert parse("-a and -(b)") == And((Not(Term("", "a", 2, 2)), Not(Term("", "b", 10, 10))))
    assert parse("A OR b") == Or((Term("", "A", 1, 1), Term("", "b", 6, 6)))
    assert where("-is:new") == ("NOT COALESCE(c.state = 0, 0)", ())
    assert where("") == ("1", ())
    assert parse('"deck:a b"') == Term("deck", "a b", 1, 7)
    assert parse('deck:"a b"') == Term("deck", "a b", 1, 6)


@pytest.mark.parametrize(
    ("query", "column", "says"),
    [
        ("a or", 3, "needs a search term after it"),
        ("or a", 1, "search term is missing"),
        ("(a", 1, "never closed"),
        ("a )", 3, "has no '('"),
        ("a ()", 4, "empty parentheses"),
        ('x "abc', 3, "quote is never closed"),
        ("- a", 1, ""),  # a lone '-' is searched for as text
        ("-", 1, ""),
        ("foo:bar", 1, "unknown search field"),
        ("is:nonsense", 4, "unknown 'is:nonsense'"),
        ("type:essay", 6, "unknown card type"),
        ("prop:ivl", 6, "write prop:NAME"),
        ("prop:zz>1", 6, "unknown property"),
        ("prop:ivl>=ten", 11, "needs a number"),
        ("prop:r<nan", 8, "finite"),
        ("prop:due<1.5", 10, "whole days"),
        ("rated:0", 7, "number of days"),
        ("rated:2:5", 9, "the grade is"),
        ("introduced:x", 12, "number of days"),
        ("added:0", 7, "number of days"),
        ("deck:", 6, "needs a value"),
        ("a and", 3, "needs a search term after it"),
        ("and a", 1, "needs a search term before it"),
    ],
)
def test_a_query_that_does_not_parse_points_at_the_column(query: str, column: int, says: str) -> None:
    if not says:
        parse(query)
        return
    with pytest.raises(SearchError) as error:
        parse(query)
    assert error.value.column == column
    assert says in error.value.message


@pytest.mark.parametrize(
    ("hostile", "same_shape"),
    [
        ("'; DROP TABLE cards; --", "a b c d -e"),
        ('" OR 1=1 --', ""),  # a quote never closed
        ("deck:' OR '1'='1", "deck:a or a"),
        ("tag:%' UNION SELECT * FROM review_log --", "tag:a a a a a a -b"),
        ("prop:reps=0;DELETE FROM cards", ""),
        ("\x00\x1b[31m", "a"),
        ("k.text", "a"),
        ("?", "a"),
        (":now", "a"),
    ],
)
def test_hostile_text_is_only_ever_a_parameter(hostile: str, same_shape: str, search: CardSearch) -> None:
    """The SQL is the same as for harmless words in the same places: the text is only in parameters."""
    try:
        compiled = compile_where(parse(hostile), CTX)
    except SearchError:
        assert not same_shape  # expected to fail to parse
        return
    assert compiled.sql == compile_where(parse(same_shape), CTX).sql
    search.rows(hostile)  # runs, finds what it finds, changes nothing
    assert len(search.ids("")) == len(ALL)


def test_like_pattern_escapes_what_like_would_read() -> None:
    assert like_pattern("a%b_c\\") == "a\\%b_c\\\\"
    assert like_pattern("ÄBC*") == "äbc%"


# ---- against a store ---------------------------------------------------------------------------


def test_free_text_searches_every_field_case_insensitively(search: CardSearch) -> None:
    assert labels(search, "CAPITAL") == {"paris", "rome", "rome#reverse"}
    assert labels(search, "seven") == {"count"}  # an answer
    assert labels(search, "7") == {"count"}  # an accepted alternative
    assert labels(search, "k2") == {"peaks"}  # a choice
    assert labels(search, "mediterranean") == {"nile#c1", "nile#c2"}
    assert labels(search, '"fl*s into"') == {"nile#c1", "nile#c2"}
    assert labels(search, "fl_ws") == {"nile#c1", "nile#c2"}
    assert labels(search, '"capital of italy"') == {"rome", "rome#reverse"}
    assert labels(search, "capital italy") == {"rome", "rome#reverse"}
    assert labels(search, "capital or everest") == {"paris", "rome", "rome#reverse", "peaks"}
    assert labels(search, r"flat\_ish") == {"flat"}
    assert labels(search, "100%") == {"rome", "rome#reverse"}
    assert labels(search, '\\"yes\\"') == {"quote"}
    assert labels(search, "[bold]") == {"papers"}
    assert labels(search, "paris*mediterranean") == set()  # never across two cards or fields


def test_fields_find_the_right_cards(search: CardSearch) -> None:
    assert labels(search, "deck:tech-*") == {"papers", "quote"}
    assert labels(search, "deck:GEO") == ALL - {"papers", "quote"}
    assert labels(search, "tag:europe") == {"paris", "rome", "rome#reverse"}  # and its child europe::south
    assert labels(search, "tag:capitals") == {"paris"}
    assert labels(search, "tag:world -tag:europe") == ALL - {"papers", "quote", "paris", "rome", "rome#reverse"}
    assert labels(search, "tag:none") == {"papers", "quote"}
    assert labels(search, "type:cloze") == {"nile#c1", "nile#c2"}
    assert labels(search, "is:learn") == {"paris", "rome"}
    assert labels(search, "is:review") == {"paris", "nile#c1"}  # relearning counts as review, as in Anki
    assert labels(search, "is:suspended") == {"nile#c1"}
    assert labels(search, "is:leech") == {"nile#c1"}
    assert labels(search, "is:buried") == {"peaks", "rome#reverse"}  # rome's answer buried its reverse
    assert labels(search, "is:due") == {"paris", "rome"}
    assert labels(search, "is:new") == ALL - {"paris", "rome", "nile#c1"}
    assert labels(search, "prop:lapses>2") == {"nile#c1"}
    assert labels(search, "prop:lapses=1") == {"paris"}
    assert labels(search, "prop:reps=0") == ALL - {"paris", "rome", "nile#c1"}
    assert labels(search, "prop:ivl>=10") == {"nile#c1"}
    assert labels(search, "prop:due>=5") == {"nile#c1"}
    assert labels(search, "prop:due<=0") == {"paris", "rome"}
    assert labels(search, "prop:s>30") == {"nile#c1"}
    assert labels(search, "prop:d>7.9") == {"nile#c1"}
    assert labels(search, "rated:1") == {"rome"}
    assert labels(search, "rated:2") == {"rome", "paris"}
    assert labels(search, "rated:2:1") == {"rome", "paris"}
    assert labels(search, "rated:7:4") == set()  # a week ago is the 8th day back
    assert labels(search, "rated:8:4") == {"paris"}
    assert labels(search, "introduced:1") == {"rome"}
    assert labels(search, "introduced:8") == {"rome", "paris"}
    assert labels(search, "added:1") == ALL - {"paris", "count"}
    assert labels(search, "added:10") == ALL - {"paris", "count"}  # ten days ago is the 11th day back
    assert labels(search, "added:11") == ALL - {"count"}
    assert labels(search, "-added:11") == {"count"}  # no date: never "added in", so always "not added in"


def test_retrievability_matches_the_scheduler(search: CardSearch) -> None:
    rows = {row.label: row for row in search.rows("-is:new")}
    r = rows["nile#c1"].retrievability  # S = 40 days, 30 days ago
    assert r is not None and 0.9 < r < 0.95
    assert labels(search, f"prop:r<{r + 0.001:.4f} type:cloze") == {"nile#c1"}
    assert labels(search, f"prop:r>{r + 0.001:.4f} type:cloze") == set()
    assert labels(search, "prop:r<=1") == {"paris", "rome", "nile#c1"}
    assert labels(search, "prop:r>1") == set()
    assert labels(search, "prop:r>0") == {"paris", "rome", "nile#c1"}


def test_sorting_by_each_column(search: CardSearch) -> None:
    from techquiz.card_search import SORTS

    for sort in SORTS:
        ascending = search.ids("", sort)
        descending = search.ids("", sort, descending=True)
        assert sorted(ascending) == sorted(descending) == sorted(search.ids(""))
    by_lapses = search.rows("", "lapses", descending=True)
    assert by_lapses[0].label == "nile#c1"
    by_front = [row.front for row in search.rows("deck:geo type:basic", "front")]
    assert by_front == sorted(by_front, key=str.lower)


def test_rows_show_each_sub_card_as_it_is_asked(search: CardSearch) -> None:
    rows = {row.label: row for row in search.rows("")}
    assert rows["nile#c1"].front == "The [...] flows into the Mediterranean."
    assert rows["nile#c2"].front == "The Nile flows into the [...]."
    assert rows["rome#reverse"].front == "Rome"
    assert rows["paris"].tags == ("world", "europe", "capitals")
    records = {f"{r['id']}#{r['sub']}".rstrip("#"): r for r in map(json.loads, search.json_records(""))}
    record = records["nile#c1"]
    assert record["suspended"] is True and record["state"] == "review" and record["interval"] == 40.0
    assert set(record) >= {"id", "sub", "deck", "type", "state", "due", "interval", "stability", "difficulty",
                           "retrievability", "reps", "lapses", "suspended", "tags", "front"}  # fmt: skip


def test_json_records_say_what_the_rows_say(search: CardSearch) -> None:
    """The JSON of `techquiz cards --json` (built in SQL) and the rows the screens show agree."""
    rows = search.rows("")
    records = [json.loads(r) for r in search.json_records("")]
    assert [(r["id"], r["sub"]) for r in records] == [(row.card_id, row.sub) for row in rows]
    for row, record in zip(rows, records, strict=True):
        assert record["deck"] == row.deck_id and record["type"] == row.card_type
        assert record["front"] == row.front and record["tags"] == list(row.tags)
        assert record["state"] == ("new", "learning", "review", "relearning")[row.state]
        assert (record["suspended"], record["buried"], record["leech"]) == (row.suspended, row.buried, row.leech)
        assert (record["reps"], record["lapses"]) == (row.reps, row.lapses)
        assert record["due"] == (None if row.due is None else row.due.replace(microsecond=0).isoformat())
        for name in ("interval", "stability", "difficulty", "retrievability"):
            value = getattr(row, name)
            assert record[name] == (None if value is None else pytest.approx(value, abs=0.01)), name
    ids = search.ids("deck:geo")
    assert [row.rowid for row in search.rows_by_id(ids[::-1])] == ids[::-1]


def test_without_a_cache_entry_the_text_is_indexed_in_memory(
    tmp_path: Path, write_deck: Callable[..., Path], search: CardSearch
) -> None:
    config = Config(tmp_path / "data", (tmp_path / "decks",), lambda: NOW)
    plain = load_library(config.deck_dirs)  # no cache: plain decks
    other = CardSearch(config.store_path, plain.decks, None, lambda: NOW)
    try:
        assert other.ids("capital") == search.ids("capital")
        assert {r.label for r in other.rows("tag:europe")} == labels(search, "tag:europe")
    finally:
        other.close()


def test_a_search_never_writes(search: CardSearch, tmp_path: Path) -> None:
    path = tmp_path / "data" / "progress.sqlite3"
    before = sqlite3.connect(path).execute("SELECT COUNT(*), SUM(state), SUM(suspended) FROM cards").fetchone()
    search.rows("is:due or capital")
    assert sqlite3.connect(path).execute("SELECT COUNT(*), SUM(state), SUM(suspended) FROM cards").fetchone() == before


# ---- a query and its negation ------------------------------------------------------------------

_VALUES = {
    "": ["capital", "c*l", "nile", '"of france"', "xyz", "7", "_"],
    "deck": ["geo", "tech-*", "*"],
    "tag": ["europe", "world", "none", "capitals"],
    "type": ["basic", "cloze", "typed", "order"],
    "is": ["new", "learn", "review", "due", "suspended", "buried", "leech"],
    "prop": ["ivl>=10", "ivl<5", "due<=0", "due>3", "due!=0", "lapses>0", "reps=0", "s>10", "d<5", "r<0.95",
             "r>=0.5", "r=0.9", "r!=0.9"],
    "rated": ["1", "2", "2:1", "8:3"],
    "introduced": ["1", "8"],
    "added": ["1", "11"],
}  # fmt: skip
terms = st.sampled_from(sorted(_VALUES)).flatmap(
    lambda field: st.sampled_from(_VALUES[field]).map(lambda v: f"{field}:{v}" if field else v)
)
queries = st.recursive(
    terms,
    lambda inner: st.one_of(
        st.lists(inner, min_size=2, max_size=3).map(" ".join),
        st.lists(inner, min_size=2, max_size=3).map(" or ".join),
        inner.map(lambda q: f"-({q})"),
        inner.map(lambda q: f"({q})"),
    ),
    max_leaves=6,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=queries)
def test_a_query_and_its_negation_partition_the_cards(search: CardSearch, query: str) -> None:
    found = set(search.ids(query))
    others = set(search.ids(f"-({query})"))
    assert not found & others
    assert found | others == set(search.ids(""))


@settings(max_examples=200, deadline=None)
@given(query=st.text(max_size=30))
def test_any_text_either_parses_or_says_where_it_fails(query: str) -> None:
    try:
        compiled = compile_where(parse(query), CTX)
    except SearchError as exc:
        assert 1 <= exc.column <= len(query) + 1
        return
    assert compiled.sql.count("?") == len(compiled.params)


# ---- plans: what stays fast at 100,000 cards ------------------------------------------------------


def plan(search: CardSearch, query: str, sort: str = "deck", text: bool = False) -> str:
    sql, params = search._statement(query, "c.id", sort, False, text)
    with search._conn() as conn:
        return " / ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))


def test_the_card_table_is_read_in_one_pass(search: CardSearch) -> None:
    found = plan(search, "is:review prop:s>3")
    assert found.startswith("SCAN c") and "INDEX" not in found.split(" / ")[0]


def test_text_is_matched_by_one_scan_of_the_text_table_not_a_lookup_per_card(search: CardSearch) -> None:
    found = plan(search, "capital tag:europe")
    assert "LIST SUBQUERY" in found and "SCAN t" in found


def test_shown_rows_join_their_text_by_its_key(search: CardSearch) -> None:
    assert "SEARCH k USING PRIMARY KEY (generation=? AND card_id=?)" in plan(search, "", "front", text=True)


def test_rated_builds_its_card_set_from_the_day_index(search: CardSearch) -> None:
    found = plan(search, "rated:365:1")
    assert found.startswith("SCAN c") and "COVERING INDEX review_log_day (day>?)" in found
    assert "COVERING INDEX review_log_card (card=? AND reviewed_at>?)" in plan(search, "rated:365")


def test_retrievability_follows_each_decks_fitted_parameters(search: CardSearch, tmp_path: Path) -> None:
    from techquiz.model import CardState, State
    from techquiz.srs.scheduler import DEFAULT_PARAMETERS
    from techquiz.store import deck_fsrs
    from techquiz.store.timeutil import from_ms

    fitted = (*DEFAULT_PARAMETERS[:20], 0.5)  # a steeper forgetting curve than the default's
    conn = db.connect(tmp_path / "data" / "progress.sqlite3")
    deck_fsrs.save_fit(conn, "geo", fitted, NOW, 100, 0.3, 0.05)
    state, stability, last = conn.execute(
        "SELECT state, stability, last_review FROM cards WHERE card_id = 'nile' AND sub = 'c1'"
    ).fetchone()
    conn.close()
    before = {row.label: row.retrievability for row in search.rows("type:cloze")}["nile#c1"]
    refit = CardSearch(search.store_path, search._decks, None, lambda: NOW)
    try:
        after = {row.label: row.retrievability for row in refit.rows("type:cloze")}["nile#c1"]
        card = CardState(State(state), stability=stability, last_review=from_ms(last), due=NOW)
        assert after == pytest.approx(scheduler.retrievability(card, NOW, fitted), abs=1e-6)
        assert after is not None and before is not None and after != pytest.approx(before, abs=1e-3)
        assert {r.label for r in refit.rows(f"prop:r<{after + 0.0005:.4f} type:cloze")} == {"nile#c1"}
        assert {r.label for r in refit.rows(f"prop:r>{after + 0.0005:.4f} type:cloze")} == set()
    finally:
        refit.close()
