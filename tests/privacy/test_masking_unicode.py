"""Masking holds against Unicode: what a reader sees as an identifier is masked, and the text kept
is the normalised one. Exact expected outputs, written by hand."""
from __future__ import annotations

import pytest

from chalicelib.normalise import normalise, skeleton
from chalicelib.privacy.masking import mask

ZWSP, ZWJ, SHY, BOM, NBSP, WJ, RLO = "\u200b", "\u200d", "\u00ad", "\ufeff", "\u00a0", "\u2060", "\u202e"


@pytest.mark.parametrize(("text", "masked", "kinds"), [
    (f"card 4111{ZWSP}1111{ZWSP}1111{ZWSP}1111 thanks", "card [card] thanks", ["card"]),
    (f"card 4111 1111{ZWJ} 1111 1111", "card [card]", ["card"]),
    (f"4{SHY}1{SHY}1{SHY}1 1111 1111 1111", "[card]", ["card"]),
    ("４１１１\u3000１１１１\u3000１１１１\u3000１１１１", "[card]", ["card"]),  # full-width, ideographic spaces
    ("4111\u20111111\u20111111\u20111111", "[card]", ["card"]),                 # non-breaking hyphens
    ("4111\u20131111\u20131111\u20131111", "[card]", ["card"]),                 # en dashes
    ("write to ada＠example.com", "write to [email]", ["email"]),               # full-width at
    ("ada﹫example．com", "[email]", ["email"]),                                  # small at, full-width stop
    (f"ada{ZWSP}@{ZWSP}example.com", "[email]", ["email"]),
    (f"{BOM}ada@exa{WJ}mple.com{RLO}", "[email]", ["email"]),
    (f"call +47{NBSP}912{NBSP}34{NBSP}567", "call [phone]", ["phone"]),
    ("call +47\u2009912\u200934\u2009567", "call [phone]", ["phone"]),            # thin spaces
    (f"ref 12{ZWSP}-34 ok", "ref 12-34 ok", []),                                # nothing to mask: kept, normalised
    (f"fnr 0101{ZWSP}9000{ZWSP}083", "fnr [national-id]", ["national_id"]),     # a valid fødselsnummer (made up)
    ("ﬁne, ｔｈａｎｋｓ", "fine, thanks", []),                                     # compatibility forms
    ("e\u0301 and cafe\u0301", "é and café", []),                               # composed
])
def test_mask_unicode_disguised_identifiers_exact_output(text: str, masked: str, kinds: list[str]) -> None:
    assert mask(text) == (masked, kinds)


@pytest.mark.parametrize(("text", "expected"), [
    (f"nev{SHY}er", "never"),
    (f"a{ZWSP}b{ZWJ}c{BOM}d{WJ}e{RLO}f", "abcdef"),
    ("ＡＢＣ１２３＠", "ABC123@"),
    ("a\u2014b\u2212c\u2010d", "a-b\u2212c-d"),  # dashes (Pd) become "-"; the minus sign (Sm) stays
    (f"line one{NBSP}\nline two", "line one \nline two"),
    ("", ""),
])
def test_normalise_exact_output(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("NEVER", "never"),
    ("n\u0435v\u0435r", "never"),                # Cyrillic е
    ("\u0430lw\u0430ys", "always"),              # Cyrillic а
    (f"legal{NBSP}{NBSP}action", "legal action"),
    ("gar\u00e1nt", "gar\u00e1nt"),              # real accents stay
])
def test_skeleton_exact_output(text: str, expected: str) -> None:
    assert skeleton(text) == expected
