"""The reply checker's findings as whole dicts (rule, severity, match, message, route), written by hand.

Written to kill the mutants `make mutation` found surviving in chalicelib/insight/policy.py: the
other policy tests check rules and matches; these pin the messages, the language fallback, the
order of routing and de-duplication. Pure.
"""
from __future__ import annotations

from typing import Any

import pytest

from chalicelib.insight import policy

SIGNED = " Kind regards, Ada Lovelace, Support Lead"


def draft(text: str, language: str = "en", **kw: Any) -> policy.Draft:
    return policy.Draft(text=text + SIGNED, sender_name=kw.pop("name", "Ada Lovelace"),
                        sender_title=kw.pop("title", "Support Lead"), language=language, **kw)


def test_each_kind_of_finding_is_the_whole_expected_dict() -> None:
    findings = policy.check_draft(draft(
        "We always fix it. No comment on the new_feature roadmap or our strategy. Their fault. A journalist called."))
    assert findings == [
        {"rule": "absolute_promise", "severity": "block", "match": "always",
         "message": "avoid never/always and promises: promise only what can be delivered"},
        {"rule": "off_limits_future_products", "severity": "block", "match": "roadmap",
         "message": "no comment on future products (rumours and speculation)"},
        {"rule": "off_limits_strategy", "severity": "block", "match": "strategy",
         "message": "no comment on strategy (rumours and speculation)"},
        {"rule": "speaks_badly", "severity": "block", "match": "their fault",
         "message": "never speak badly of customers, employees or competitors"},
        {"rule": "difficult_case", "severity": "route", "match": "journalist",
         "message": "discuss with corporate communication before sending", "route_to": "corporate_communication"},
    ]


def test_signature_findings_are_whole_dicts() -> None:
    assert policy.check_draft(draft("Hello.", name="  ", title="CEO")) == [
        {"rule": "missing_name", "severity": "block", "match": None, "message": "sign the reply with your name"},
        {"rule": "missing_title", "severity": "block", "match": "CEO",
         "message": "the reply text does not carry your title"},
    ]
    assert policy.check_draft(draft("Hello.", name="Grace", title=None)) == [
        {"rule": "missing_name", "severity": "block", "match": "Grace",
         "message": "the reply text does not carry your name"},
        {"rule": "missing_title", "severity": "block", "match": None, "message": "sign the reply with your title"},
    ]


def test_crisis_finding_is_the_whole_expected_dict() -> None:
    assert policy.check_draft(draft("Thanks.", in_crisis=True)) == [
        {"rule": "difficult_case", "severity": "route", "match": None,
         "message": "in a crisis corporate communication handles all communication",
         "route_to": "corporate_communication"}]


@pytest.mark.parametrize(("text", "comment", "match", "route_to", "message"), [
    ("Your lawyer wrote; a journalist too.", None, "journalist", "corporate_communication",
     "discuss with corporate communication before sending"),
    ("Thanks.", "I will sue, and call a lawyer", "lawyer", "management", "discuss with management before sending"),
    ("Thanks.", "refund or court", "court", "management", "discuss with management before sending"),
    ("Thanks.", None, None, None, None),
])
def test_routing_order_and_first_hit(text: str, comment: str | None, match: str | None, route_to: str | None,
                                     message: str | None) -> None:
    routed = [f for f in policy.check_draft(draft(text, customer_comment=comment)) if f["severity"] == "route"]
    expected = [] if match is None else [{"rule": "difficult_case", "severity": "route", "match": match,
                                          "message": message, "route_to": route_to}]
    assert routed == expected


def test_comment_none_is_not_read_as_text() -> None:
    # "None" would be a word if the missing comment were shown as text; "XXXX" neither hits
    assert policy.check_draft(draft("Thanks.", customer_comment=None)) == []


@pytest.mark.parametrize(("language", "text", "matches"), [
    ("nb-NO", "Vi lover det.", ["lover"]),
    ("NB", "Vi lover det.", ["lover"]),
    ("sv-SE", "Vi lovar det, always.", ["lovar", "always"]),
    ("en-GB", "Vi lover det.", []),
    ("de", "Wir lover, always.", ["always"]),
    ("nb", "We promise.", ["promise"]),
    ("", "We promise.", ["promise"]),
])
def test_language_tag_and_the_english_fallback(language: str, text: str, matches: list[str]) -> None:
    findings = policy.check_draft(draft(text, language=language))
    assert [f["match"] for f in findings] == matches


def test_language_list() -> None:
    assert policy._languages("nb-NO") == ["nb", "en"]
    assert policy._languages("SV") == ["sv", "en"]
    assert policy._languages("en-US") == ["en"]
    assert policy._languages("fi") == ["en"]
    assert policy._languages("no-nb") == ["en"]


def test_a_word_in_two_checked_languages_is_one_finding() -> None:
    # "idiot" is in the nb and en lists: one finding per (rule, match)
    findings = policy.check_draft(draft("Ikke idiot.", language="nb"))
    assert [(f["rule"], f["match"]) for f in findings] == [("speaks_badly", "idiot")]


@pytest.mark.parametrize(("findings", "routing", "route"), [
    ([], {"management": "m@x"}, None),
    ([{"severity": "block"}], {"management": "m@x"}, None),
    ([{"severity": "block"}, {"severity": "route", "route_to": "management"}], {"management": "m@x"}, "m@x"),
    ([{"severity": "route"}], {"management": "m@x"}, "m@x"),
    ([{"severity": "route", "route_to": "corporate_communication"}], {"management": "m@x"},
     "corporate_communication"),
    ([{"severity": "route", "route_to": "management"}, {"severity": "route", "route_to": "corporate_communication"}],
     {"management": "m@x", "corporate_communication": "c@x"}, "m@x"),
])
def test_route_of(findings: list[dict[str, Any]], routing: dict[str, str], route: str | None) -> None:
    assert policy.route_of(findings, routing) == route
