"""`techquiz draft ARTICLE.txt`: a first deck from a plain-text article, for an author to edit.

Plain heuristics over English prose, no language model: the article's prose sentences are found
(headers, bylines and boilerplate skipped), and in each the facts a learner would be asked about:
figures (percentages, counts, amounts, number words and fractions), years, and names (capitalised
multi-word names, acronyms introduced in parentheses or as ", or ABC,"). Each sentence with facts
becomes a cloze card; an acronym becomes a typed "What does ABC stand for?" card; a name launched,
founded, signed... in a year becomes a typed "When was ...?" card. Near-duplicate sentences are
merged. Ids come from the sentence text, so drafting the same article again gives the same ids.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from techquiz.authoring.ids import slug, unique

# ---- reading the article -------------------------------------------------------------------------

_BOILERPLATE = re.compile(
    r"^\s*(home\b|source\s*:|published\s*:|updated\s*:|editor\s*:|by\s+\S|copyright|©|all rights reserved|"
    r"share\b|related\b|read more|advertisement|photo\b|image\b|caption\b|subscribe|follow us|print\b|"
    r"e-?mail\b|tags?\s*:|filed under|posted\b|written by|reporter|contact\b)",
    re.IGNORECASE,
)
_ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
_MONTHS = ("january february march april may june july august september october november december").split()
_LONG_DATE = re.compile(r"\b(" + "|".join(m.capitalize() for m in _MONTHS) + r")\.?\s+(\d{1,2}),?\s+(\d{4})\b")
_PUBLISHER = re.compile(
    r"^(?:source\s*:\s*(?P<source>.+?)(?:\s+published\s*:|\s*$)|by\s+[^|/—]+?\s*[|/—]\s*(?P<byline>.+))",
    re.IGNORECASE,
)
_NAVIGATION = re.compile(r">>|»|›| \| ")  # breadcrumbs and menus: "Home >> World", "Newsroom | Press"
# "SAN DIEGO, Calif., Jan. 9, 2025 -- " opens a press release: where and when, not a fact to learn.
_DATELINE = re.compile(r"^[A-Z]{2}[A-Z .'-]*,[^—–]{0,60}?\d{4}\s*(?:--|—|–)\s*")
_BULLET = re.compile(r"^\s*(?:[-*•–]|\d{1,2}[.)])\s+")
# A full stop after these is not the end of a sentence.
_ABBREVIATIONS = re.compile(
    r"\b(Mr|Mrs|Ms|Dr|Prof|St|Jr|Sr|vs|etc|e\.g|i\.e|U\.S|U\.K|U\.N|E\.U|No|Inc|Ltd|Co|Corp|Gen|Gov|Sen|Rep|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|a\.m|p\.m|approx|fig|vol)\.",
)
_INITIAL = re.compile(r"\b([A-Z])\.(?=\s*[A-Z])")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])")
_DOT = "\u2024"  # a stand-in for protected full stops while splitting


@dataclass
class Article:
    title: str | None = None
    publisher: str | None = None
    date: str | None = None
    sentences: list[str] = field(default_factory=list)


def _is_prose(paragraph: str) -> bool:
    return len(paragraph.split()) >= 12 and bool(re.search(r"[.!?][\"”’)]?$", paragraph.strip()))


def split_sentences(paragraph: str) -> list[str]:
    protected = _ABBREVIATIONS.sub(lambda m: m[0][:-1].replace(".", _DOT) + _DOT, paragraph)
    protected = _INITIAL.sub(lambda m: m[1] + _DOT, protected)
    parts = _SENTENCE_END.split(" ".join(protected.split()))
    return [p.replace(_DOT, ".").strip() for p in parts if p.strip()]


def _iso(text: str) -> str | None:
    if m := _ISO_DATE.search(text):
        return m[1]
    if m := _LONG_DATE.search(text):
        return f"{m[3]}-{_MONTHS.index(m[1].lower()) + 1:02d}-{int(m[2]):02d}"
    return None


def read_article(text: str) -> Article:
    """The article's title, publisher and date where its header says them, and its prose sentences.
    `text` has "\n" line ends (the caller normalises them before removing control characters)."""
    lines = [line.strip() for line in text.split("\n")]
    paragraphs: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        heading = bool(line) and len(line.split()) < 8 and not re.search(r"[.!?:;,\"”]$", line)
        if _BULLET.match(line) or heading:  # a list item or a heading stands on its own
            if current:
                paragraphs.append(" ".join(current))
            current = []
            paragraphs.append(_BULLET.sub("", line))
        elif line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    first_prose = next((i for i, p in enumerate(paragraphs) if _is_prose(p)), len(paragraphs))
    article = Article()
    for line in paragraphs[:first_prose]:
        article.date = article.date or _iso(line)
        if m := _PUBLISHER.search(line):
            article.publisher = article.publisher or (m["source"] or m["byline"]).strip()
        is_credit = "/" in line or (line.isupper() and len(line) > 3)
        words = len(line.split())
        skip = _BOILERPLATE.match(line) or _NAVIGATION.search(line) or is_credit or _iso(line) == line.strip()
        if article.title is None and not skip and 3 <= words <= 25:
            article.title = line.rstrip(".")
    for paragraph in paragraphs[first_prose:]:
        if _BOILERPLATE.match(paragraph) or len(paragraph.split()) < 4:
            continue
        paragraph = _DATELINE.sub("", paragraph)
        article.sentences += [s for s in split_sentences(paragraph) if len(s.split()) >= 5]
    return article


# ---- finding facts -------------------------------------------------------------------------------

_NUMBER_WORDS = (
    "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred dozen "
    "half"
).split()
_FRACTIONS = r"(?:one|two|three)-(?:third|quarter|fifth|tenth)s?"
_YEAR = r"(?:1[0-9]{3}|20[0-9]{2})"
_FACT = re.compile(
    rf"(?P<percent>\b\d+(?:[.,]\d+)?\s?(?:percent\b|per cent\b|%))"
    rf"|(?P<year>\b{_YEAR}s?\b)"
    rf"|(?P<number>\b\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?\b|\b\d+(?:\.\d+)?\b)(?P<scale>\s(?:million|billion|trillion|thousand)\b)?"
    rf"|(?P<words>(?<![\w-])(?:{_FRACTIONS}|{'|'.join(_NUMBER_WORDS)})(?![\w-]))",
    re.IGNORECASE,
)
_CAP = r"[A-Z][\w&'’.-]*[\w&]"
# "and" joins a name ("Belt and Road Initiative") but not two names ("the X and the Y").
_NAME = re.compile(rf"{_CAP}(?:\s+(?:(?:of|and(?!\s+the\b)|for|the|on|in|de|du|von|van)\s+)*{_CAP})+")
_ACRONYM = re.compile(
    rf"(?P<name>{_CAP}(?:\s+(?:of|and|for|the|on|in|{_CAP}))+)\s*(?:\((?P<a1>[A-Z][A-Z0-9&]{{1,9}}s?)\)|,\s+or\s+(?P<a2>[A-Z][A-Z0-9&]{{1,9}}s?),)"
)
_EVENT = re.compile(
    r"\b(launched|founded|established|initiated|created|signed|built|opened|started|began|introduced|announced|"
    r"released|discovered|invented|published|adopted|formed|completed|ratified|proclaimed|abolished|elected)\b"
)
_OWN_VERB = re.compile(r",\s*(?:or\s+[A-Z][A-Z0-9&]+s?,\s*)?|\s+(?:was|were|had been|has been|is|are)\s+")
# Words capitalised only because they start the sentence, or too common to be a name on their own.
_NOT_NAME_START = frozenset(
    (
        "the a an in on at for since after before during according but and or so while although though when "
        "this that these those it its as by from to with through however also additionally second third "
        "first finally moreover meanwhile today yesterday last next"
    ).split()
)


@dataclass(frozen=True)
class Fact:
    start: int
    end: int
    text: str
    kind: str  # "percent", "year", "number", "name"

    @property
    def hint(self) -> str | None:
        return {"year": "year", "percent": "%"}.get(self.kind)


def _names(sentence: str) -> list[Fact]:
    out = []
    for m in _NAME.finditer(sentence):
        words = m[0].split()
        start = m.start()
        while words and words[0].lower() in _NOT_NAME_START:  # "The World Bank" -> "World Bank"
            start += len(words[0]) + 1
            words = words[1:]
        while words and words[-1].lower() in ("of", "and", "for", "the", "on", "in"):
            words = words[:-1]
        if sum(w == "and" for w in words) > 1:  # "China and Belt and Road": a list, keep its last name
            cut = words.index("and") + 1
            start += len(" ".join(words[:cut])) + 1
            words = words[cut:]
        if len(words) >= 2:
            text = " ".join(words)
            out.append(Fact(start, start + len(text), text.rstrip(".,"), "name"))
    return out


def facts(sentence: str) -> list[Fact]:
    """The askable facts of a sentence, in order, not overlapping (figures win over names)."""
    found: list[Fact] = []
    for m in _FACT.finditer(sentence):
        kind = next(k for k in ("percent", "year", "number", "words") if m[k])
        if kind == "number" and not re.search(r"[1-9]", m[0]):
            continue
        if kind == "number" and re.search(r"\b[A-Z][\w.]*\s$", sentence[: m.start()]):
            continue  # "HomeCell 2", "Windows 11", "Jan. 9": part of a name or a date
        if kind == "words" and m[0].lower() == "half" and "half of" not in sentence.lower():
            continue
        text = m[0].strip()
        found.append(Fact(m.start(), m.start() + len(text), text, "number" if kind == "words" else kind))
    for name in _names(sentence):
        if not any(f.start < name.end and name.start < f.end for f in found):
            found.append(name)
    return sorted(found, key=lambda f: f.start)


# ---- cards ---------------------------------------------------------------------------------------

_SIMILAR = 0.7
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


def _cloze_text(sentence: str, chosen: list[Fact]) -> str:
    out, last = [], 0
    for n, fact in enumerate(chosen, 1):
        out.append(sentence[last : fact.start])
        hint = f"::{fact.hint}" if fact.hint else ""
        out.append(f"{{{{c{n}::{fact.text}{hint}}}}}")
        last = fact.end
    out.append(sentence[last:])
    return "".join(out)


def _accept(figure: str) -> list[str]:
    """Other ways to type a figure: 'nine' -> '9', '20.4 percent' -> '20.4%', '20.4'."""
    lower = figure.lower()
    out = []
    if lower in _DIGITS:
        out.append(_DIGITS[lower])
    if lower in _FRACTION_DIGITS:
        out.append(_FRACTION_DIGITS[lower])
    percent = re.match(r"([\d.,]+)\s?(?:percent|per cent|%)$", lower)
    if percent:
        out += [f"{percent[1]}%", f"{percent[1]} percent", percent[1]]
    return [a for a in dict.fromkeys(out) if a.lower() != lower]


def _event_questions(sentence: str) -> list[tuple[str, str]]:
    """(question, year) for 'NAME, launched by X in 2019' and 'In 1648, the NAME was signed'."""
    out = []
    for name in _names(sentence):
        after = sentence[name.end : name.end + 90]
        verb = _EVENT.search(after)
        year = re.search(rf"\bin ({_YEAR})\b", after)
        # The verb must be the name's own: "X, launched", "X, or ABC, launched", "X was signed";
        # not "X, who had completed Y in 1869" (that was Y).
        if not (verb and year and verb.start() < year.start() and _OWN_VERB.fullmatch(after[: verb.start()])):
            continue
        if "." not in after[: year.end()]:
            article = "the " if sentence[max(0, name.start - 4) : name.start].lower() == "the " else ""
            be = "were" if re.search(r"[^s]s$", name.text) else "was"
            out.append((f"When {be} {article}{name.text} {verb[1]}?", year[1]))
    lead = re.match(rf"In ({_YEAR}), (the )?(.+?) (?:was|were) (\w+)", sentence)
    if lead and _EVENT.fullmatch(lead[4]) and _NAME.fullmatch(lead[3]):
        be = "were" if re.search(r"[^s]s$", lead[3]) else "was"
        out.append((f"When {be} {lead[2] or ''}{lead[3]} {lead[4]}?", lead[1]))
    return out


def _acronyms(sentence: str) -> list[tuple[str, str]]:
    """(acronym, name) for 'the Deep-time Digital Earth, or DDE,' and 'World Health Organization (WHO)'."""
    out = []
    for m in _ACRONYM.finditer(sentence):
        words = m["name"].split()
        while words and words[0].lower() in _NOT_NAME_START:
            words = words[1:]
        if len(words) >= 2:
            out.append((m["a1"] or m["a2"], " ".join(words)))
    return out


def draft_cards(article: Article) -> list[DraftCard]:
    """Per sentence: a typed fill-in card per figure (exact answers are worth typing), one cloze card
    for its years and names, and typed cards for acronyms and for when named things happened."""
    cards: list[DraftCard] = []
    taken: set[str] = set()
    kept: list[set[str]] = []
    asked: set[str] = set()

    def add(base: str, fallback: str, card_type: str, fields: dict[str, object]) -> None:
        cards.append(DraftCard(unique(base, taken, fallback), card_type, fields))

    seen: set[tuple[str, str]] = set()

    def fresh(fact: Fact, sentence: str) -> bool:
        """Not asked already: the same figure or name before the same next word (a repeated fact)."""
        following = re.findall(r"[a-z]+", sentence[fact.end :].lower())[:1]
        key = (fact.text.lower(), following[0] if following else "")
        if key in seen:
            return False
        seen.add(key)
        return True

    for sentence in article.sentences:
        if "{{" in sentence or "}}" in sentence or "::" in sentence:
            continue  # would read as cloze syntax
        found = [f for f in facts(sentence) if fresh(f, sentence)]
        if not found:
            continue
        words = _tokens(sentence)
        if any(len(words & k) / max(len(words | k), 1) >= _SIMILAR for k in kept):
            continue  # a near-duplicate of a sentence already drafted
        kept.append(words)
        names = [f for f in found if f.kind == "name"]
        topic = slug(names[0].text, 24) if names else slug(sentence, 24)
        for figure in (f for f in found if f.kind in ("number", "percent")):
            question = f"{sentence[: figure.start]}___{sentence[figure.end :]}"
            fields: dict[str, object] = {"question": f"Fill in the blank: {question}", "answer": figure.text}
            if accept := _accept(figure.text):
                fields["accept"] = accept
            add(f"{topic}-{slug(figure.text, 12)}", "figure", "typed", {**fields, "source": sentence})
        deletions = [f for f in found if f.kind in ("year", "name")]
        if deletions:
            add(topic, "fact", "cloze", {"text": _cloze_text(sentence, deletions), "source": sentence})
        for acronym, name in _acronyms(sentence):
            if acronym not in asked:
                asked.add(acronym)
                question = f"What does {acronym} stand for?"
                add(slug(acronym, 12) + "-stands-for", "acronym", "typed",
                    {"question": question, "answer": name, "source": sentence})  # fmt: skip
        for question, year in _event_questions(sentence):
            if question not in asked:
                asked.add(question)
                add(slug(question, 32) + "-year", "year", "typed",
                    {"question": question, "answer": year, "source": sentence})  # fmt: skip
    return cards


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
    return "\n".join(lines) + "\n"
