"""The reply checker holds against Unicode: invisible characters, full-width and look-alike letters
inside a word do not hide it. Exact findings, written by hand (no AWS)."""

from __future__ import annotations

import pytest

from chalicelib.insight import policy

SIGNED = "\n\nKari Nordmann\nCustomer Success Manager"


def _findings(text: str, language: str = "en", comment: str | None = None) -> list[tuple[str, str | None]]:
    draft = policy.Draft(text + SIGNED, "Kari Nordmann", "Customer Success Manager", language,
                         customer_comment=comment)
    return [(f["rule"], f["match"]) for f in policy.check_draft(draft)]


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("This will nev\u00ader happen again.", "en", [("absolute_promise", "never")]),       # soft hyphen
    ("This will n\u200bever happen again.", "en", [("absolute_promise", "never")]),       # zero-width space
    ("We al\u200dways \u2060reply.", "en", [("absolute_promise", "always")]),             # joiner, word joiner
    ("We ｇｕａｒａｎｔｅｅ it.", "en", [("absolute_promise", "guarantee")]),               # full-width
    ("This will n\u0435v\u0435r happen.", "en", [("absolute_promise", "never")]),          # Cyrillic е
    ("Det skjer al\u00addri igjen.", "nb", [("absolute_promise", "aldri")]),
    ("Our road\ufeffmap is secret.", "en", [("off_limits_future_products", "roadmap")]),
    ("That was their\u00a0\u00a0fault.", "en", [("speaks_badly", "their fault")]),         # two no-break spaces
    ("Thanks for writing.", "en", []),
])
def test_check_draft_disguised_words_found_exact(text: str, language: str,
                                                 expected: list[tuple[str, str | None]]) -> None:
    assert _findings(text, language) == expected


def test_check_draft_disguised_legal_threat_in_comment_routes_to_management() -> None:
    assert _findings("Thanks for writing.", comment="I will call my law\u00adyer") == [
        ("difficult_case", "lawyer")]


def test_check_draft_signature_with_invisible_characters_still_counts() -> None:
    draft = policy.Draft("Thanks.\n\nKari\u200b Nordmann\nCustomer Success Man\u00adager",
                         "Kari Nordmann", "Customer Success Manager")
    assert policy.check_draft(draft) == []
