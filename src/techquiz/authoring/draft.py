"""`techquiz draft ARTICLE.txt`: a first deck from a plain-text document, for an author to edit.

Plain heuristics over English prose, no language model. The document is read as prose (reading.py:
hard-wrapped lines joined, headings, lists markers, tables, code, URLs and boilerplate left out), and
in each sentence the facts a learner would be asked about are found (facts.py): figures (percentages, counts,
amounts with their units, number words and fractions), years, dates and versions (always whole:
'0.9.0', '2017-05-31', '530 MB/s'), and names (capitalised multi-word names, acronyms introduced in
parentheses or as ", or ABC,"). Figures become typed fill-in cards; years, dates, versions and names
cloze deletions; an acronym a typed "What does ABC stand for?" card; a name launched, founded,
signed... in a year a typed "When was ...?" card. Each prompt is the clause that holds its fact, not
the whole sentence, with the heading above it as a hint; a fact is asked once, and never shown in its
own prompt. Ids come from the sentence text, so drafting the same document again gives the same ids.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from techquiz.authoring.facts import NUMBER, SCALE, Fact, acronyms, event_questions, facts
from techquiz.authoring.ids import slug, unique
from techquiz.authoring.reading import is_prose_sentence, paragraphs, split_sentences
from techquiz.deck import cloze
from techquiz.deck.result import MAX_FILE_BYTES
from techquiz.errors import UserError

# ---- the article's header and sentences ----------------------------------------------------------

_BOILERPLATE = re.compile(
    r"^\s*(home\b|source\s*:|published\s*:|updated\s*:|editor\s*:|by\s+\S|copyright|©|all rights reserved|"
    r"share\b|related\b|read more|advertisement|photo\b|image\b|caption\b|subscribe|follow us|print\b|"
    r"e-?mail\s*:|tags?\s*:|filed under|posted\b|written by|reporter|contact\b|media contact|for more information)",
    re.IGNORECASE,
)
_ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
_MONTHS = ("january february march april may june july august september october november december").split()
_LONG_DATE = re.compile(r"\b(" + "|".join(m.capitalize() for m in _MONTHS) + r")\.?\s+(\d{1,2}),?\s+(\d{4})\b")
_DAY_FIRST_DATE = re.compile(r"\b(\d{1,2})\s+(" + "|".join(m.capitalize() for m in _MONTHS) + r")\s+(\d{4})\b")
_PUBLISHER = re.compile(
    r"^(?:source\s*:\s*(?P<source>.+?)(?:\s+published\s*:|\s*$)|by\s+[^|/—]+?\s*[|/—]\s*(?P<byline>.+))",
    re.IGNORECASE,
)
_NAVIGATION = re.compile(r">>|»|›| \| ")  # breadcrumbs and menus: "Home >> World", "Newsroom | Press"


@dataclass
class Article:
    title: str | None = None
    publisher: str | None = None
    date: str | None = None
    sentences: list[str] = field(default_factory=list)
    # Every word the document writes in lower case somewhere: "License" in "This License Agreement" is one.
    lowercase_words: frozenset[str] = frozenset()
    # The heading of the section a sentence is in: context for a learner who asks for a hint.
    sections: dict[str, str] = field(default_factory=dict)


def _iso(text: str) -> str | None:
    if m := _ISO_DATE.search(text):
        return m[1]
    if m := _LONG_DATE.search(text):
        return f"{m[3]}-{_MONTHS.index(m[1].lower()) + 1:02d}-{int(m[2]):02d}"
    if m := _DAY_FIRST_DATE.search(text):  # "29 June 2007"
        return f"{m[3]}-{_MONTHS.index(m[2].lower()) + 1:02d}-{int(m[1]):02d}"
    return None


def read_article(text: str) -> Article:
    """The article's title, publisher and date where its header says them, and its prose sentences."""
    read = paragraphs(text)
    lower = re.findall(r"(?<![\w./@-])[a-z][a-z'-]*\b(?![./@]\w)", text)  # not "gnu" of "www.gnu.org"
    article = Article(lowercase_words=frozenset(lower))
    for line in (line.strip() for line in read.header):
        article.date = article.date or _iso(line)
        if m := _PUBLISHER.search(line):
            article.publisher = article.publisher or (m["source"] or m["byline"]).strip()
        is_credit = "/" in line or (line.isupper() and len(line.split()) < 3)  # "LI MIN/CHINA DAILY", "SCIENCE NEWS"
        words = len(line.split())
        skip = _BOILERPLATE.match(line) or _NAVIGATION.search(line) or is_credit or _iso(line) == line
        if article.title is None and not skip and 3 <= words <= 25:
            article.title = line.rstrip(".")
    for paragraph in read.prose:
        if _BOILERPLATE.match(paragraph.text):
            continue
        for sentence in (s for s in split_sentences(paragraph.text) if is_prose_sentence(s)):
            article.sentences.append(sentence)
            if paragraph.heading and paragraph.heading != article.title:
                article.sections.setdefault(sentence, paragraph.heading)
    return article


# ---- prompts -------------------------------------------------------------------------------------

MAX_PROMPT_WORDS = 25  # read at a glance
_MIN_PROMPT_WORDS = 8
_CLAUSE_BREAK = re.compile(r"[,;:]\s+|\s+[—–]\s+|\s+--\s+|\s+\(|\)\s+")
_URL_ASIDE = re.compile(r"\s*\((?:([A-Z][A-Z0-9&]{1,9}s?),)?[^()]*(?:https?://|www\.)[^()]*\)")


def _without_urls(sentence: str) -> str:
    """'(CWI, see https://www.cwi.nl)' -> ' (CWI)', '(see https://opensource.org for ...)' -> '':
    a URL is not read in a prompt."""
    return _URL_ASIDE.sub(lambda m: f" ({m[1]})" if m[1] else "", sentence)


def _window(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The span of the sentence to show for a fact at [start, end): the whole sentence when short,
    else the clauses around the fact, at least a few words and at most MAX_PROMPT_WORDS."""
    if len(sentence.split()) <= MAX_PROMPT_WORDS:
        return 0, len(sentence)
    cuts = [0] + [m.end() for m in _CLAUSE_BREAK.finditer(sentence)] + [len(sentence)]
    a = max(c for c in cuts if c <= start)
    b = min((c for c in cuts if c >= end), default=len(sentence))

    def size(x: int, y: int) -> int:
        return len(sentence[x:y].split())

    while size(a, b) < _MIN_PROMPT_WORDS and (a > 0 or b < len(sentence)):
        before = max((c for c in cuts if c < a), default=None)
        after = min((c for c in cuts if c > b), default=None)
        if before is not None and (after is None or size(before, b) <= size(a, after)):
            a = before
        elif after is not None:
            b = after
        else:
            break
    if size(a, b) > MAX_PROMPT_WORDS:  # one long clause: the words around the fact
        words = [m.span() for m in re.finditer(r"\S+", sentence)]
        first = next(i for i, (s, e) in enumerate(words) if e > start)
        last = next(i for i, (s, e) in enumerate(words) if e >= end)
        spare = max(0, MAX_PROMPT_WORDS - (last - first + 1)) // 2
        lo, hi = max(0, first - spare), min(len(words) - 1, last + spare)
        a, b = words[lo][0], words[hi][1]
    return a, b


def _shown(sentence: str, a: int, b: int, text: str) -> str:
    """The window's text with '…' where the sentence was cut."""
    text = text.strip()
    if a > 0:
        text = "…" + text.lstrip(" ,;:—–(")
    if b < len(sentence):
        text = text.rstrip(" ,;:—–(") + "…"
    return text


# ---- cards ---------------------------------------------------------------------------------------

_SIMILAR = 0.7
_POINTER = re.compile(r"(?:See|Refer to|Please see|Please refer to|For more|For further)\b")
_MAX_DELETIONS = 3
_DIGITS = {
    w: str(i)
    for i, w in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
    )
}
_FRACTION_DIGITS = {"one-third": "1/3", "two-thirds": "2/3", "one-quarter": "1/4", "half": "1/2", "one-fifth": "1/5"}


@dataclass(frozen=True)
class DraftCard:
    id: str
    type: str
    fields: dict[str, object]


def _tokens(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def _accept(figure: str) -> list[str]:
    """Other ways to type a figure: 'nine' -> '9', '20.4 percent' -> '20.4%', '20.4'; '530 MB/s' -> '530'."""
    lower = figure.lower()
    out = []
    if lower in _DIGITS:
        out.append(_DIGITS[lower])
    if lower in _FRACTION_DIGITS:
        out.append(_FRACTION_DIGITS[lower])
    percent = re.match(r"([\d.,]+)\s?(?:percent|per cent|%)$", lower)
    if percent:
        out += [f"{percent[1]}%", f"{percent[1]} percent", percent[1]]
    elif (bare := re.match(rf"\$?({NUMBER})(?:\s?[a-zµ°/%-]+)?$", lower)) and not re.search(SCALE, lower):
        out.append(bare[1])
    return [a for a in dict.fromkeys(out) if a.lower() != lower]


def _gives_away(prompt: str, answer: str) -> bool:
    words = re.findall(r"[a-z0-9]+", answer.lower())
    return bool(words) and f" {' '.join(words)} " in f" {' '.join(re.findall(r'[a-z0-9]+', prompt.lower()))} "


class _Deck:
    """The cards drafted so far, and what they ask: a fact is asked once."""

    def __init__(self) -> None:
        self.cards: list[DraftCard] = []
        self.ids: set[str] = set()
        self.asked: list[tuple[str, set[str]]] = []  # (answer, prompt words) of every card
        self.section: str | None = None  # the heading above the sentence being drafted: the cards' hint

    def add(self, base: str, fallback: str, card_type: str, fields: dict[str, object], answers: list[str]) -> None:
        prompt = _tokens(str(fields.get("question") or fields.get("text") or ""))
        for answer in answers:
            key = answer.lower()
            if any(k == key and len(prompt & p) >= 0.5 * min(len(prompt), len(p)) for k, p in self.asked):
                return  # the same answer to much the same prompt: asked already
        self.asked += [(a.lower(), prompt) for a in answers]
        if self.section and not any(_gives_away(self.section, a) for a in answers):
            source = fields.pop("source")
            fields = {**fields, "hint": f"In: {self.section}", "source": source}
        self.cards.append(DraftCard(unique(base, self.ids, fallback), card_type, fields))


def _delete_every(window: str, numbers: dict[str, int], hints: dict[str, str | None]) -> str:
    """Every occurrence of an answer in the window as its deletion, so the text never gives it away."""

    def delete(m: re.Match[str]) -> str:
        hint = f"::{hints[m[0]]}" if hints[m[0]] else ""
        return f"{{{{c{numbers[m[0]]}::{m[0]}{hint}}}}}"

    pattern = "|".join(re.escape(t) for t in sorted(numbers, key=len, reverse=True))
    return re.sub(rf"(?<![\w-])(?:{pattern})(?![\w-])", delete, window)


def _cloze_cards(deck: _Deck, sentence: str, shown: str, deletions: list[Fact], topic: str) -> None:
    """Cloze cards for the deletions, grouped so that each card's text is one short window."""
    groups: list[list[Fact]] = []
    for fact in deletions:
        if groups and len(groups[-1]) < _MAX_DELETIONS:
            a, b = _window(shown, groups[-1][0].start, fact.end)
            if len(shown[a:b].split()) <= MAX_PROMPT_WORDS:
                groups[-1].append(fact)
                continue
        groups.append([fact])
    for group in groups:
        a, b = _window(shown, group[0].start, group[-1].end)
        numbers = {text: n for n, text in enumerate(dict.fromkeys(f.text for f in group), 1)}
        text = _shown(shown, a, b, _delete_every(shown[a:b], numbers, {f.text: f.hint for f in group}))
        # 'Open Source' is given away by a visible 'Open Source Definition': such a deletion is shown instead.
        for answer, n in list(numbers.items()):
            if f"{{{{c{n}::" not in text:  # the fact's edges are not a word's: nothing to delete
                del numbers[answer]
            elif _gives_away(cloze.render(text, n, revealed=False), answer):
                text = re.sub(rf"\{{\{{c{n}::(.*?)(?:::[^}}]*)?\}}\}}", r"\1", text)
                del numbers[answer]
        if numbers:
            deck.add(topic, "fact", "cloze", {"text": text, "source": sentence}, list(numbers))


def draft_cards(article: Article) -> list[DraftCard]:
    """Per sentence: a typed fill-in card per figure (exact answers are worth typing), cloze cards for
    its years, dates, versions and names, and typed cards for acronyms and for when named things happened."""
    deck = _Deck()
    kept: list[set[str]] = []
    seen: set[tuple[str, str]] = set()
    common = article.lowercase_words

    def fresh(fact: Fact, sentence: str) -> bool:
        """Not asked already: the same name, or the same figure before the same next word."""
        following = re.findall(r"[a-z]+", sentence[fact.end :].lower())[:1]
        key = (fact.text.lower(), "" if fact.kind == "name" or not following else following[0])
        if key in seen:
            return False
        seen.add(key)
        return True

    for sentence in article.sentences:
        if "{{" in sentence or "}}" in sentence or "::" in sentence:
            continue  # would read as cloze syntax
        if _POINTER.match(sentence):
            continue  # "See the Developer Guide for more": where to read, not a fact
        shown = _without_urls(sentence)
        deck.section = article.sections.get(sentence)
        words = _tokens(shown)
        if any(len(words & k) / max(len(words | k), 1) >= _SIMILAR for k in kept):
            continue  # a near-duplicate of a sentence already drafted
        found = [f for f in facts(shown, common) if fresh(f, shown)]
        if not found:
            continue
        kept.append(words)
        names = [f for f in found if f.kind == "name"]
        topic = slug(names[0].text, 24) if names else slug(shown, 24)
        events = event_questions(shown, common)
        introduced = [(a, n) for a, n in acronyms(shown) if not _gives_away(shown.replace(n, ""), n)]
        for figure in (f for f in found if f.kind in ("number", "percent")):
            if shown.count(figure.text) > 1:
                continue  # it would stay in the prompt
            a, b = _window(shown, figure.start, figure.end)
            question = _shown(shown, a, b, f"{shown[a : figure.start]}___{shown[figure.end : b]}")
            fields: dict[str, object] = {"question": f"Fill in the blank: {question}", "answer": figure.text}
            if accept := _accept(figure.text):
                fields["accept"] = accept
            deck.add(f"{topic}-{slug(figure.text, 12)}", "figure", "typed", {**fields, "source": sentence},
                     [figure.text])  # fmt: skip
        # A year asked by "When was X launched?" and a name asked by "What does X stand for?" are
        # not asked again as deletions.
        elsewhere = {year for _, year, _ in events} | {name for _, name in introduced}
        deletions = [f for f in found if f.kind in ("year", "date", "version", "name") and f.text not in elsewhere]
        if deletions:
            _cloze_cards(deck, sentence, shown, deletions, topic)
        for acronym, name in introduced:
            deck.add(slug(acronym, 12) + "-stands-for", "acronym", "typed",
                     {"question": f"What does {acronym} stand for?", "answer": name, "source": sentence},
                     [name])  # fmt: skip
        for question, year, _ in events:
            deck.add(slug(question, 32) + "-year", "year", "typed",
                     {"question": question, "answer": year, "source": sentence}, [year])  # fmt: skip
    return deck.cards


# ---- writing the deck ----------------------------------------------------------------------------


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is a subset of YAML's)."""
    return json.dumps(text, ensure_ascii=False)


def deck_text(article: Article, cards: list[DraftCard], article_path: Path, schema_line: str) -> str:
    title = article.title or article_path.stem.replace("-", " ").replace("_", " ").capitalize()
    deck_id = slug(title, 60) or "draft"
    lines = [
        schema_line,
        f"# Drafted by `techquiz draft` from {article_path.name}: {len(cards)} cards.",
        "# A draft, not a finished deck: read every card, delete the weak ones, fix wording, add explain:",
        "# and hints. Keep the ids: your progress is stored under them.",
        "",
        "format: 1",
        f"id: {deck_id}",
        f"title: {_q(title)}",
        f"description: {_q('Drafted from ' + (article.title or article_path.name) + '.')}",
    ]
    source = {"publisher": article.publisher, "title": article.title, "date": article.date}
    given = {k: v for k, v in source.items() if v}
    if given:
        lines.append("source: {" + ", ".join(f"{k}: {_q(v)}" for k, v in given.items()) + "}")
    lines += ["tags: [draft]", "cards:"]
    for card in cards:
        lines.append(f"  - id: {card.id}")
        lines.append(f"    type: {card.type}")
        for key, value in card.fields.items():
            shown = "[" + ", ".join(_q(v) for v in value) + "]" if isinstance(value, list) else _q(str(value))
            lines.append(f"    {key}: {shown}")
    text = "\n".join(lines) + "\n"
    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:  # a deck `validate` would refuse is never written
        raise UserError(
            f"{article_path}: the drafted deck would be {size / 1e6:.1f} MB, over the 10 MB deck limit; "
            "split the article into parts and draft each"
        )
    return text
