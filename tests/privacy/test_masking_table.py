"""Every masking kind, valid and near-miss, with the exact text it gives (written by hand, no AWS).

The rule (chalicelib/privacy/masking.py, docs/privacy.md): e-mails, card numbers (Luhn), national
ids (their check digits or date) become placeholders; any other run of 8 to 15 digits that looks
like a phone number becomes [phone]; anything else is left exactly as written.
The ids are published examples (Skatteverket, DVV, the Dutch 11-test) or built by hand from their
check-digit definition (the Norwegian ones below).
"""
from __future__ import annotations

import pytest

from chalicelib.privacy import masking

# Found by this table: a run of more than 15 grouped digits that is no card lost its first 12-15
# digits to [phone] ("[phone] 1112"). By the rule it is no phone number (over 15 digits) and is
# left whole: the phone pattern matches whole digit runs only.

CASES = [
    # --- e-mail: local part of letters, digits and . + -, a domain with at least one dot
    ("email", "write to ada@example.com today", "write to [email] today", ["email"]),
    ("email plus", "ada+news@example.com is mine", "[email] is mine", ["email"]),
    ("email dots", "Ada.Lovelace-1@mail.example.co.uk.", "[email].", ["email"]),
    ("email two", "a@b.no, c@d.se", "[email], [email]", ["email"]),
    ("email no dot in domain", "ada@localhost is down", "ada@localhost is down", []),
    ("email no local part", "mail @example.com now", "mail @example.com now", []),
    ("email spelled out", "ada at example dot com", "ada at example dot com", []),
    ("email handle", "ping @ada on chat", "ping @ada on chat", []),
    # --- cards: 13 to 19 digits, grouped by single spaces or dashes, passing Luhn
    ("visa spaced", "card 4111 1111 1111 1111 declined", "card [card] declined", ["card"]),
    ("mastercard dashed", "5555-5555-5555-4444", "[card]", ["card"]),
    ("card plain", "4111111111111111", "[card]", ["card"]),
    pytest.param("card Luhn off by one", "card 4111 1111 1111 1112 declined", "card 4111 1111 1111 1112 declined",
                 []),
    ("card inside a word", "ref4111111111111111x", "ref4111111111111111x", []),
    # --- national ids
    ("SE personnummer", "my id 811228-9874 ok", "my id [national-id] ok", ["national_id"]),
    ("SE personnummer 12 digits", "19811228-9874", "[national-id]", ["national_id"]),
    ("SE personnummer plain", "8112289874", "[national-id]", ["national_id"]),
    ("SE check digit wrong: 10 digits, so a phone", "811228-9875 here", "[phone] here", ["phone"]),
    ("FI HETU", "HETU 131052-308T", "HETU [national-id]", ["national_id"]),
    ("FI HETU check wrong", "HETU 131052-308U", "HETU 131052-308U", []),
    ("DK CPR", "cpr 070761-4285", "cpr [national-id]", ["national_id"]),
    ("DK CPR day 32", "cpr 320761-4285", "cpr [phone]", ["phone"]),
    ("NO fodselsnummer", "fnr 15038510190", "fnr [national-id]", ["national_id"]),
    ("NO D-number", "d-nr 55038510184", "d-nr [national-id]", ["national_id"]),
    ("NO check digit wrong", "fnr 15038510191", "fnr [phone]", ["phone"]),
    ("NL BSN", "bsn 111222333", "bsn [national-id]", ["national_id"]),
    ("NL BSN 11-test fails", "bsn 111222334", "bsn [phone]", ["phone"]),
    # --- phone: 8 to 15 digits, optionally with +, spaces, dots, dashes, brackets
    ("NO mobile", "call +47 912 34 567", "call [phone]", ["phone"]),
    ("eight digits", "ring 22 33 44 55 now", "ring [phone] now", ["phone"]),
    ("eight digits plain", "22334455", "[phone]", ["phone"]),
    ("brackets", "(030) 1234-5678", "[phone]", ["phone"]),
    ("dotted", "+1.202.555.0173", "[phone]", ["phone"]),
    ("fifteen digits", "+123 456 789 012 345", "[phone]", ["phone"]),
    ("seven digits", "order 1234567 shipped", "order 1234567 shipped", []),
    pytest.param("sixteen digits not Luhn", "1234 5678 9012 3456", "1234 5678 9012 3456", []),
    ("version", "v1.2.3 broke", "v1.2.3 broke", []),
    # --- several kinds at once, order of the text kept
    ("mixed", "ada@example.com, +47 912 34 567, 4111 1111 1111 1111",
     "[email], [phone], [card]", ["card", "email", "phone"]),
]


@pytest.mark.parametrize(("name", "text", "expected", "kinds"), CASES,
                         ids=[str(getattr(c, "values", c)[0]) for c in CASES])
def test_mask_gives_exactly_the_expected_text(name: str, text: str, expected: str, kinds: list[str]) -> None:
    assert masking.mask(text) == (expected, kinds)


@pytest.mark.parametrize(("only", "expected"), [
    (("email",), "[email], tel +47 912 34 567, card 4111 1111 1111 1111"),
    pytest.param(("phone",), "ada@example.com, tel [phone], card 4111 1111 1111 1111"),
    (("card",), "ada@example.com, tel +47 912 34 567, card [card]"),
    ((), "ada@example.com, tel +47 912 34 567, card 4111 1111 1111 1111"),
])
def test_mask_only_the_kinds_asked_for(only: tuple[str, ...], expected: str) -> None:
    assert masking.mask("ada@example.com, tel +47 912 34 567, card 4111 1111 1111 1111", only)[0] == expected


def test_mask_national_id_off_leaves_the_id_to_the_phone_rule() -> None:
    assert masking.mask("fnr 15038510190", ("phone",)) == ("fnr [phone]", ["phone"])
    assert masking.mask("fnr 15038510190", ("email", "card")) == ("fnr 15038510190", [])


ALL = ("email", "card", "national_id", "phone")


@pytest.mark.parametrize(("config", "product", "kinds"), [
    ("", "demo", ALL),
    ("   ", "demo", ALL),
    ('{"default": ["email", "phone"]}', "demo", ("email", "phone")),
    ('{"default": ["email"], "products": {"demo": []}}', "demo", ()),
    ('{"default": ["email"], "products": {"demo": []}}', "other", ("email",)),
    ('{"products": {"demo": ["card", "bogus"]}}', "demo", ("card",)),
    ('{"products": {}}', "demo", ALL),
    ("{not json", "demo", ALL),
    ("[1, 2]", "demo", ALL),
    ('{"products": [1]}', "demo", ALL),
])
def test_kinds_for_reads_the_setting_and_masks_more_when_broken(config: str, product: str,
                                                                 kinds: tuple[str, ...]) -> None:
    assert masking.kinds_for(product, config) == kinds


@pytest.mark.parametrize(("digits", "ok"), [("4111111111111111", True), ("4111111111111112", False),
                                            ("79927398713", True), ("79927398710", False), ("0", True)])
def test_luhn_ok_by_the_published_examples(digits: str, ok: bool) -> None:
    assert masking.luhn_ok(digits) is ok
