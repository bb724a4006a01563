"""Whatever text a deck file holds, the loader answers with problems, never an exception."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from techquiz.deck.loader import load_deck

from ..conftest import BUNDLED

SAMPLE = (BUNDLED / "tech-opening-up-figures.yaml").read_text(encoding="utf-8")
TOKENS = st.sampled_from([*list("{}[]:-,&*!|>'\"#%@`?\n\t ~"), "c1::", "{{", "}}", "\\e", "\\x9b", "no", "0777"])
YAMLISH = st.lists(st.one_of(TOKENS, st.characters()), max_size=60).map("".join)


def _load(text: str) -> None:
    result = load_deck(Path("fuzz.yaml"), text)
    assert (result.deck is None) == bool(result.errors)
    for problem in result.problems:
        assert problem.line >= 1 and problem.column >= 1 and problem.message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(YAMLISH)
def test_arbitrary_text_never_raises(text: str) -> None:
    _load(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_bundled_deck_never_raises(data: st.DataObject) -> None:
    text = SAMPLE
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 20))
        insert = data.draw(st.lists(TOKENS, max_size=6).map("".join))
        text = text[:at] + insert + text[at + cut :]
    _load(text)
