"""The distractor index draws from exactly the candidates the rule names, whatever the deck."""

from __future__ import annotations

import math
import random
import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from techquiz.srs import grading
from techquiz.srs.distractors import DistractorIndex

WANTED = 3


def _rule(pool: list[tuple[str, str]], card_type: str, prompt: str, right: str) -> set[str] | None:
    """The rule as first written, one candidate at a time: every valid answer ranked by
    (other type, shape mismatch, length spread), and all those as close as the WANTED-th."""

    def shape(text: str) -> tuple[bool, bool, int]:
        return bool(re.match(r"^[\d\s.,:%/+-]+$", text)), text[:1].isupper(), min(len(text.split()), 4)

    def in_prompt(candidate: str) -> bool:
        return re.search(rf"(?<!\w){re.escape(candidate.casefold())}(?!\w)", prompt.casefold()) is not None

    taken = {grading.normalize(right)}
    ranked = []
    for type_name, answer in pool:
        norm = grading.normalize(answer)
        if not norm or norm in taken or in_prompt(answer):
            continue
        taken.add(norm)
        a, b = shape(answer), shape(right)
        mismatch = 3 * (a[0] != b[0]) + (a[1] != b[1]) + abs(a[2] - b[2])
        spread = round(2 * abs(math.log((len(answer) + 1) / (len(right) + 1))))
        ranked.append(((int(type_name != card_type), mismatch, spread), answer))
    if len(ranked) < WANTED:
        return None
    ranked.sort(key=lambda pair: pair[0])
    cut = ranked[WANTED - 1][0]
    return {answer for rank, answer in ranked if rank <= cut}


# Few distinct words, so that answers repeat, differ only in case or spacing, and show in prompts.
_WORDS = st.sampled_from(["Paris", "paris", "PARIS ", "Rome", "1,000", "1000", "42", "a b c", "Lyon", "x", "", "Oslo."])
_ANSWER = st.lists(_WORDS, min_size=1, max_size=3).map(" ".join)
_POOL = st.lists(st.tuples(st.sampled_from(["basic", "cloze"]), _ANSWER), max_size=30)


@given(pool=_POOL, card_type=st.sampled_from(["basic", "cloze"]), prompt=_ANSWER, right=_ANSWER, seed=st.integers())
def test_index_draws_from_what_the_rule_names(
    pool: list[tuple[str, str]], card_type: str, prompt: str, right: str, seed: int
) -> None:
    index = DistractorIndex(pool)
    expected = _rule(pool, card_type, prompt, right)
    eligible = index.eligible(card_type, prompt, right, WANTED)
    assert (None if eligible is None else set(eligible)) == expected
    assert eligible is None or len(eligible) == len(set(eligible))  # one spelling per answer
    picks = index.pick(card_type, prompt, right, WANTED, random.Random(seed))
    if expected is None:
        assert picks is None
    else:
        assert picks is not None and len(picks) == WANTED and len(set(picks)) == WANTED
        assert set(picks) <= expected


def test_each_close_candidate_is_drawn() -> None:
    pool = [("basic", f"City{i}") for i in range(10)] + [("cloze", "Elsewhere"), ("basic", "12")]
    index = DistractorIndex(pool)
    drawn: set[str] = set()
    for seed in range(200):
        picks = index.pick("basic", "Capital of France?", "Paris", WANTED, random.Random(seed))
        assert picks is not None
        drawn.update(picks)
    assert drawn == {f"City{i}" for i in range(10)}  # same type, shape and length; never the others


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_needs_no_unicode_normalization(text: str) -> None:
    # grading.normalize skips NFKC and casefold for ASCII text: they would change nothing more.
    assert unicodedata.normalize("NFKC", text).casefold() == text.lower()
