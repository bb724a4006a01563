"""`techquiz draft ARTICLE.txt`: a first deck from a plain-text document, for an author to edit.

Plain heuristics over English prose, no language model. The document is read as prose (reading.py:
hard-wrapped lines joined, headings, lists markers, tables, code, URLs and boilerplate left out), and
in each sentence the facts a learner would be asked about are found: figures (percentages, counts,
amounts with their units, number words and fractions), years, dates and versions (always whole:
'0.9.0', '2017-05-31', '530 MB/s'), and names (capitalised multi-word names, acronyms introduced in
parentheses or as ", or ABC,"). Figures become typed fill-in cards; years, dates, versions and names
cloze deletions; an acronym a typed "What does ABC stand for?" card; a name launched, founded,
signed... in a year a typed "When was ...?" card. Each prompt is the clause that holds its fact, not
the whole sentence; a fact is asked once, and never shown in its own prompt. Ids come from the
sentence text, so drafting the same document again gives the same ids.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from techquiz.authoring.ids import slug, unique
from techquiz.authoring.reading import is_prose_sentence, paragraphs, split_sentences
from techquiz.deck import cloze

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


# ---- finding facts -------------------------------------------------------------------------------

_NUMBER_WORDS = (
    "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred dozen "
    "half"
).split()
_FRACTIONS = r"(?:one|two|three)-(?:third|quarter|fifth|tenth)s?"
_YEAR = r"(?:1[0-9]{3}|20[0-9]{2})"
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t|tember)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_UNIT = (
    r"(?:%|[kKMGTP]i?B(?:/s)?|[kMGT]?Hz|[kMG]?bps|ms|µs|ns|mm|cm|km|kg|mg|kWh|kW|MW|GW|°C|°F|x\b|"
    r"(?:kilo|mega|giga|tera)?(?:bytes?|bits?|watts?|watt-hours|metres?|meters?|grams?)|kilowatt-hours|"
    r"kilowatts?|kilometres?|kilometers?|kilograms?|miles?|tonnes?|tons?|litres?|liters?|degrees?|"
    r"seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|centuries|times|fold)"
)
_SCALE = r"\b(?:million|billion|trillion|thousand)\b"
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# A fact is a whole token: never a piece of "0.9.0", "2017-05-31", "x86", "--fast=1" or "i7-9700K".
_BEFORE = r"(?<![\w.\-/:=+#@])"
_AFTER = r"(?![\w\-/=+@]|[.,]\d)"
_FACT = re.compile(
    rf"{_BEFORE}(?P<date>\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}-{_MONTH}-\d{{4}}|{_MONTH}\.? \d{{1,2}}, \d{{4}}"
    rf"|\d{{1,2}} {_MONTH} \d{{4}}){_AFTER}"
    rf"|{_BEFORE}(?P<version>v?\d+\.\d+(?:\.\d+)+(?:[a-z]+\d*)?){_AFTER}"
    rf"|{_BEFORE}(?P<percent>(?:{_NUM})\s?(?:percent\b|per cent\b|%)){_AFTER}"
    rf"|{_BEFORE}(?P<year>{_YEAR}(?:[-–]{_YEAR})?s?){_AFTER}"
    rf"|(?<![\w.\-/:=+#@$])(?P<number>\$?(?:{_NUM})(?:\s{_SCALE})?"
    rf"(?:\s?{_UNIT})?){_AFTER}"
    rf"|(?P<words>(?<![\w+/-])(?:{_FRACTIONS}|{'|'.join(_NUMBER_WORDS)})(?![\w+/-]))",
    re.IGNORECASE,
)
_CAP = r"(?:[A-Z][\w&'’./-]*[\w&]|[A-Z]\.)"
_WORD_START = r"(?<![\w&'’./-])"  # "Link" of "travisLink" is not a word
# "and" joins a name ("Belt and Road Initiative") but not two names ("the X and the Y").
_NAME = re.compile(rf"{_WORD_START}{_CAP}(?:\s+(?:(?:of|and(?!\s+the\b)|for|the|on|in|de|du|von|van|der)\s+)*{_CAP})+")
_ACRONYM = re.compile(
    rf"(?P<name>{_WORD_START}{_CAP}(?:\s+(?:of|and|for|the|on|in|{_CAP}))+)\s*(?:\((?P<a1>[A-Z][A-Z0-9&]{{1,9}}s?)\)"
    rf"|,\s+or\s+(?P<a2>[A-Z][A-Z0-9&]{{1,9}}s?),)"
)
_ACRONYM_FIRST = re.compile(
    rf"\b(?P<a1>[A-Z][A-Z0-9&]{{1,9}}s?)\s+\((?P<name>{_CAP}(?:\s+(?:of|and|for|the|on|in|{_CAP}))+)\)"
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
        "first finally moreover meanwhile today yesterday last next all some most many each every both see "
        "if unless until because note thanks add added fix fixed bind use make set change update allow "
        "support move rename improve remove run install build read check xxx todo fixme"
    ).split()
)
_REFERENCE = re.compile(
    r"\b(?:sections?|paragraphs?|chapters?|articles?|clauses?|items?|pages?|figures?|tables?|lines?|steps?|"
    r"appendix|parts?|rules?|bullets?|points?|§)\s+(?:\d+[a-z]?(?:\([a-z0-9]+\))?,?\s+(?:and\s+|or\s+|to\s+)?)*$",
    re.IGNORECASE,
)
_COUNTED_PARTS = re.compile(r"\s+(?:paragraphs|sections|chapters|pages|items|steps|lines|examples|subsections)\b")
_STREET = re.compile(r"(?:\s+[A-Z][\w.]*){1,3}\s+(?:Street|St|Drive|Road|Avenue|Ave|Lane|Boulevard|Way|Suite|Plaza)\b")
_HEADS = frozenset(
    (
        "Administration Agency Agreement Association Authority Bank Board Centre Center College Commission Committee "
        "Company Corporation Council Department Foundation Fund Group Initiative Institute Laboratory League Library "
        "Ministry Museum Office Organization Organisation Party Partnership Program Programme Project School Society "
        "Sciences Technology Trust Union University"
    ).split()
)
_JOINERS = ("of", "and", "for", "the", "on", "in", "de", "du", "von", "van", "der")


@dataclass(frozen=True)
class Fact:
    start: int
    end: int
    text: str
    kind: str  # "percent", "year", "date", "version", "number", "name"

    @property
    def hint(self) -> str | None:
        return {"year": "year", "percent": "%", "date": "date", "version": "version"}.get(self.kind)


def _opening_word(word: str, common: frozenset[str]) -> bool:
    """A word capitalised because it opens the sentence: the document also writes it in lower case, or
    it reads as a verb, adverb or adjective ('Pressing', 'Installable', 'Historically')."""
    lower = word.lower()
    return lower in common or lower.endswith(("ing", "able", "ible", "ed", "ly", "ive"))


def _one_name(words: list[str]) -> bool:
    """'Belt and Road Initiative', 'National Oceanic and Atmospheric Administration': one name; 'Werner
    Koch and Gpg4win', 'China and Belt and Road': two. One 'and', two words or more after it, and one
    word before it or a last word that heads the names of bodies."""
    cut = words.index("and")
    return words.count("and") == 1 and len(words) - cut > 2 and (cut == 1 or words[-1] in _HEADS)


def _names(sentence: str, common: frozenset[str]) -> list[Fact]:
    """Capitalised names of two words or more. Not part of a name: a first word that is only capitalised
    because it opens the sentence, a shouted common word ('Tools MUST'), and an 'and' between two names
    ('Werner Koch and Gpg4win'; but 'Belt and Road Initiative' is one)."""
    out = []
    for m in _NAME.finditer(sentence):
        if sentence[m.end() : m.end() + 1] in ("*", "/") or sentence[m.start() - 1 : m.start()] in ("*", "/"):
            continue  # "Un*x": a word the pattern cut
        words, start = m[0].split(), m.start()
        opening = not sentence[:start].strip(' "“‘(')
        while words and (words[0].lower() in _NOT_NAME_START or (opening and _opening_word(words[0], common))):
            start += len(words[0]) + 1
            words = words[1:]
            opening = False
        runs = []
        while "and" in words and not _one_name(words):
            cut = words.index("and")
            runs.append((start, words[:cut]))
            start += len(" ".join(words[: cut + 1])) + 1
            words = words[cut + 1 :]
        runs.append((start, words))
        for start, words in runs:
            while words and words[0].lower() in _JOINERS:
                start += len(words[0]) + 1
                words = words[1:]
            shouted = [i for i, w in enumerate(words) if w.isupper() and len(w) > 2 and w.lower() in common]
            words = words[: shouted[0]] if shouted else words
            while words and (words[-1].lower() in _JOINERS or words[-1] in ("Version", "Release", "Edition")):
                words = words[:-1]
            quoted = sentence[start - 1 : start] in ('"', "“", "'", "‘")
            if all(w.lower() in common for w in words) and not quoted:
                continue  # "This License Agreement", "Open Source": common words capitalised, unless defined
            if 2 <= len(words) <= 8:
                text = " ".join(words).rstrip(".,")
                out.append(Fact(start, start + len(text), text, "name"))
    return out


def facts(sentence: str, common: frozenset[str] = frozenset()) -> list[Fact]:
    """The askable facts of a sentence, in order, not overlapping (figures win over names).
    `common`: the words the document writes in lower case, to tell a name from a sentence's first word."""
    found: list[Fact] = []
    for m in _FACT.finditer(sentence):
        kind = next(k for k in ("date", "version", "percent", "year", "number", "words") if m[k])
        text = m[0].strip()
        if kind == "number" and not re.search(r"[1-9]", text):
            continue
        if kind in ("number", "version") and re.search(r"\b[A-Z][\w.]*\s$", sentence[: m.start()]):
            if kind == "number" and not re.match(r"\d+\.\d", text):
                continue  # "HomeCell 2", "Windows 11", "RFC 5322": part of a name
            kind = "version"  # "Python 2.1", "IDLE 0.5": a release
        if kind == "number" and re.match(r"\(\d+\)", sentence[m.start() - 1 : m.end() + 1]):
            continue  # a footnote mark "(1)"
        if kind == "number" and re.match(r"\.\s+[a-z]", sentence[m.end() :]):
            continue  # "only 1. when ... or 2. when ...": an enumeration inside the sentence
        if text.startswith("$") and sentence[m.start() - 1 : m.start()] in ('"', "'", "`"):
            continue  # "$2" in quotes: a shell argument, not an amount
        if kind in ("number", "year", "words") and _REFERENCE.search(sentence[: m.start()]):
            continue  # "section 10", "Paragraphs 4, 5, and 7": where something is, not a fact
        if kind == "words" and re.search(r":\s*\w", sentence[m.end() :]):
            continue  # "one of two things: data, or a list": the sentence lists what it counts
        if kind in ("number", "words") and _COUNTED_PARTS.match(sentence[m.end() :]):
            continue  # "the following three paragraphs": the document's own structure
        if kind in ("year", "number") and _STREET.match(sentence[m.end() :]):
            continue  # "1895 Preston White Drive": an address
        if kind == "words" and m[0].lower() == "half" and "half of" not in sentence.lower():
            continue
        found.append(Fact(m.start(), m.start() + len(text), text, "number" if kind == "words" else kind))
    for name in _names(sentence, common):
        if not any(f.start < name.end and name.start < f.end for f in found):
            found.append(name)
    return sorted(found, key=lambda f: f.start)


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
    elif (bare := re.match(rf"\$?({_NUM})(?:\s?[a-zµ°/%-]+)?$", lower)) and not re.search(_SCALE, lower):
        out.append(bare[1])
    return [a for a in dict.fromkeys(out) if a.lower() != lower]


def _event_questions(sentence: str, common: frozenset[str]) -> list[tuple[str, str, str]]:
    """(question, year, name) for 'NAME, launched by X in 2019' and 'In 1648, the NAME was signed'."""
    out = []
    for name in _names(sentence, common):
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
            out.append((f"When {be} {article}{name.text} {verb[1]}?", year[1], name.text))
    lead = re.match(rf"In ({_YEAR}), (the )?(.+?) (?:was|were) (\w+)", sentence)
    if lead and _EVENT.fullmatch(lead[4]) and _NAME.fullmatch(lead[3]):
        be = "were" if re.search(r"[^s]s$", lead[3]) else "was"
        out.append((f"When {be} {lead[2] or ''}{lead[3]} {lead[4]}?", lead[1], lead[3]))
    return out


def _acronyms(sentence: str) -> list[tuple[str, str]]:
    """(acronym, name) for 'the Deep-time Digital Earth, or DDE,', 'World Health Organization (WHO)' and
    'GDM (GNOME Display Manager)'."""
    out = []
    for m in [*_ACRONYM.finditer(sentence), *_ACRONYM_FIRST.finditer(sentence)]:
        words = m["name"].split()
        while words and words[0].lower() in _NOT_NAME_START:
            words = words[1:]
        acronym = m.groupdict().get("a2") or m["a1"]
        if len(words) >= 2 and _abbreviates(acronym, words):
            out.append((acronym, " ".join(words)))
    return out


def _abbreviates(acronym: str, words: list[str]) -> bool:
    """'CNRI' abbreviates 'Corporation for National Research Initiatives'; 'CWI' does not abbreviate
    'Stichting Mathematisch Centrum' (it is another name for it, not what it stands for)."""
    initials = "".join(c for w in words for c in re.findall(r"(?:^|(?<=-))\w|(?<=[a-z])[A-Z]", w)).upper()
    letters = [c for c in acronym.rstrip("s") if c.isalpha()]
    if not letters or not initials.startswith(letters[0]):
        return False
    rest = iter(initials)
    return all(c in rest for c in letters)


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
        events = _event_questions(shown, common)
        acronyms = [(a, n) for a, n in _acronyms(shown) if not _gives_away(shown.replace(n, ""), n)]
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
        elsewhere = {year for _, year, _ in events} | {name for _, name in acronyms}
        deletions = [f for f in found if f.kind in ("year", "date", "version", "name") and f.text not in elsewhere]
        if deletions:
            _cloze_cards(deck, sentence, shown, deletions, topic)
        for acronym, name in acronyms:
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
    return "\n".join(lines) + "\n"
