"""Card types Anki has no note type for, as a front and a back (the answer written out)."""

from __future__ import annotations

from techquiz.deck.cards import BasicCard, Card, ChoiceCard, OrderCard, TrueFalseCard, TypedCard


def front_back(card: Card) -> tuple[str, str]:
    """The card as a question and its answer in plain text; the explanation follows the answer."""
    if isinstance(card, ChoiceCard):
        front = card.question + "\n" + "\n".join(f"- {c}" for c in card.choices)
        back = ", ".join(card.answers)
    elif isinstance(card, OrderCard):  # the items alphabetically, so the front does not give the order away
        front = card.question + "\n" + "\n".join(f"- {item}" for item in sorted(card.items, key=str.casefold))
        back = card.answer_text()
    elif isinstance(card, TypedCard):
        front = card.question
        back = card.answer + (f"\n(also: {', '.join(card.accept)})" if card.accept else "")
    elif isinstance(card, TrueFalseCard):
        front, back = f"True or false? {card.statement}", card.answer_text()
    elif isinstance(card, BasicCard):
        front, back = card.front, card.back
    else:
        front, back = card.prompt(), card.answer_text()
    if card.explain:
        back += "\n\n" + card.explain
    return front, back
