"""Card ids from Anki note guids, and back: a re-import updates the same cards, and an export
gives Anki the guid it knows, so Anki updates its note instead of adding a copy."""

from __future__ import annotations

import base64
import hashlib
import re

PREFIX = "anki-"
_KEEP = re.compile(r"[A-Za-z0-9]")
_ESCAPE = re.compile(r"_([0-9a-f]{2})")
_MAX_ID = 100


def card_id(guid: str) -> str:
    """'LoREYb)t:y' -> 'anki-LoREYb_29t_3ay': letters and digits kept, every other byte as _hex."""
    out = "".join(ch if _KEEP.fullmatch(ch) else "".join(f"_{b:02x}" for b in ch.encode()) for ch in guid)
    if len(PREFIX) + len(out) > _MAX_ID:  # an unusually long guid: a stable digest instead
        return PREFIX + "h" + hashlib.sha1(guid.encode()).hexdigest()[:24]
    return PREFIX + out


def guid_for(deck_id: str, card: str) -> str:
    """The guid an exported card gets: the Anki guid it came from, else one derived from its key."""
    if card.startswith(PREFIX):
        try:
            return _decode(card[len(PREFIX) :])
        except UnicodeDecodeError:
            pass
    digest = hashlib.sha1(f"{deck_id}\t{card}".encode()).digest()
    return base64.b85encode(digest)[:10].decode()


def _decode(raw: str) -> str:
    data = bytearray()
    i = 0
    while i < len(raw):
        match = _ESCAPE.match(raw, i)
        if match:
            data.append(int(match[1], 16))
            i = match.end()
        else:
            data += raw[i].encode()
            i += 1
    return data.decode()
