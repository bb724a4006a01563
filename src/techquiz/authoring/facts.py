"""The facts of an English sentence that a learner would be asked: figures, years, dates, versions
and names, each a whole token; acronyms the sentence introduces; and when a named thing happened."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
SCALE = r"\b(?:million|billion|trillion|thousand)\b"
NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# A fact is a whole token: never a piece of "0.9.0", "2017-05-31", "x86", "--fast=1" or "i7-9700K".
_BEFORE = r"(?<![\w.\-/:=+#@])"
_AFTER = r"(?![\w\-/=+@]|[.,]\d)"
_FACT = re.compile(
    rf"{_BEFORE}(?P<date>\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}-{_MONTH}-\d{{4}}|{_MONTH}\.? \d{{1,2}}, \d{{4}}"
    rf"|\d{{1,2}} {_MONTH} \d{{4}}){_AFTER}"
    rf"|{_BEFORE}(?P<version>v?\d+\.\d+(?:\.\d+)+(?:[a-z]+\d*)?){_AFTER}"
    rf"|{_BEFORE}(?P<percent>(?:{NUMBER})\s?(?:percent\b|per cent\b|%)){_AFTER}"
    rf"|{_BEFORE}(?P<year>{_YEAR}(?:[-–]{_YEAR})?s?){_AFTER}"
    rf"|(?<![\w.\-/:=+#@$])(?P<number>\$?(?:{NUMBER})(?:\s{SCALE})?"
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


def event_questions(sentence: str, common: frozenset[str]) -> list[tuple[str, str, str]]:
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


def acronyms(sentence: str) -> list[tuple[str, str]]:
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
