"""Unicode normalisation of free text before it is matched against patterns or word lists (pure).

A zero-width space inside a card number, a full-width `＠` or a soft hyphen inside `never` look
the same to a reader and defeat a pattern. So text is matched (and masked text stored) in one
canonical form: NFKC (full-width and compatibility forms to their plain letters, digits and
spaces), format characters (category Cf: zero-width spaces and joiners, soft hyphen, BOM,
bidirectional controls, tags) removed, and every dash (category Pd) spelled "-".
"""
from __future__ import annotations

import re
import unicodedata

# Letters of other scripts drawn like Latin ones (Unicode confusables, the common part): for
# matching words only, never stored, since they are real letters in Cyrillic and Greek text.
_LOOKALIKES = str.maketrans({
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j",
    "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ɡ": "g", "ο": "o", "α": "a",
    "ν": "v", "ρ": "p", "ι": "i", "κ": "k", "τ": "t", "υ": "u", "ѵ": "v", "ɑ": "a", "ı": "i",
})
_SPACES = re.compile(r"[^\S\n]+")


def normalise(text: str) -> str:
    """`text` in the form it is matched and stored in: NFKC, no format characters, ASCII dashes.

    NFKC runs again after the removal: a format character between a letter and a combining mark
    would otherwise keep them apart."""
    kept = []
    for char in unicodedata.normalize("NFKC", text):
        category = unicodedata.category(char)
        if category != "Cf":
            kept.append("-" if category == "Pd" else char)
    return unicodedata.normalize("NFKC", "".join(kept))


def skeleton(text: str) -> str:
    """`text` for matching words: normalised, lowercased, look-alike letters folded, runs of spaces
    made one (words split by odd spaces still match)."""
    return _SPACES.sub(" ", normalise(text).lower().translate(_LOOKALIKES))
