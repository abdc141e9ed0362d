"""The response policy's checks of reply drafts (no AWS)."""

from __future__ import annotations

import pytest

from chalicelib.insight import policy

SIGNED = "\n\nKari Nordmann\nCustomer Success Manager"


def _rules(text: str, language: str = "en", comment: str | None = None, **kw: object) -> set[str]:
    draft = policy.Draft(
        text,
        kw.get("name", "Kari Nordmann"),
        kw.get("title", "Customer Success Manager"),  # type: ignore[arg-type]
        language,
        customer_comment=comment,
    )
    return {f["rule"] for f in policy.check_draft(draft)}


def test_check_draft_clean_signed_reply_has_no_findings() -> None:
    assert _rules("Thank you for telling us. We have passed it to the team." + SIGNED) == set()


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "This will never happen again."),
        ("nb", "Dette skal aldri skje igjen."),
        ("sv", "Det kommer aldrig att hända igen."),
    ],
)
def test_check_draft_never_promise_is_blocked_in_each_language(language: str, text: str) -> None:
    assert "absolute_promise" in _rules(text + SIGNED, language)


@pytest.mark.parametrize(
    ("language", "text", "rule"),
    [
        ("en", "About the rumour of an acquisition: no comment.", "off_limits_acquisitions"),
        ("nb", "Vi har et veikart med kommende funksjoner.", "off_limits_future_products"),
        ("sv", "Vår omsättning är stabil.", "off_limits_figures"),
        ("nb", "Omorganisering pågår.", "off_limits_organisation"),
        ("sv", "Det är vår strategi.", "off_limits_strategy"),
    ],
)
def test_check_draft_off_limits_topics_are_found(language: str, text: str, rule: str) -> None:
    assert rule in _rules(text + SIGNED, language)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Our competitor is worse than us."),
        ("nb", "Det var kollegaens feil, han er inkompetent."),
        ("sv", "Supporten var lat den dagen."),
    ],
)
def test_check_draft_speaking_badly_is_blocked(language: str, text: str) -> None:
    assert "speaks_badly" in _rules(text + SIGNED, language)


def test_check_draft_missing_name_and_title_found() -> None:
    assert {"missing_name", "missing_title"} <= _rules("Thanks for the feedback.", name="", title="")


def test_check_draft_title_not_in_text_found() -> None:
    assert _rules("Thanks.\nKari Nordmann") == {"missing_title"}


def test_check_draft_legal_threat_in_comment_routes_to_management() -> None:
    draft = policy.Draft(
        "Thanks." + SIGNED,
        "Kari Nordmann",
        "Customer Success Manager",
        "nb",
        customer_comment="Jeg kontakter advokat og Datatilsynet.",
    )
    findings = policy.check_draft(draft)
    assert policy.route_of(findings, {}) == "management"
    assert not policy.may_send(findings, approved=False)
    assert policy.may_send(findings, approved=True)


def test_check_draft_press_routes_to_corporate_communication() -> None:
    findings = policy.check_draft(
        policy.Draft(
            "Thanks." + SIGNED,
            "Kari Nordmann",
            "Customer Success Manager",
            "en",
            customer_comment="I will tell a journalist",
        )
    )
    assert policy.route_of(findings, {"corporate_communication": "comms-desk"}) == "comms-desk"


def test_may_send_blocking_finding_even_when_approved_is_false() -> None:
    findings = policy.check_draft(policy.Draft("We always fix it.", None, None))
    assert not policy.may_send(findings, approved=True)
