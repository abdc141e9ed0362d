"""Incident rules and the assessment model, input by input: tables with expected values written by hand.

Written to kill the mutants `make mutation` found surviving (docs/TESTING.md). Pure: no AWS.
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.errors import InvalidInputError
from chalicelib.incidents import risk as model
from chalicelib.incidents import rules
from tests.incidents.builders import facts

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


# -- check_facts: contradictions refused, naming the field ---------------------------------------------

@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"recipients": "none", "recipients_count": 1}, "recipients_count", "must be 0 when recipients is none"),
    ({"recipients": "trusted", "recipients_count": 0}, "recipients_count",
     "must be at least 1 when recipients is trusted"),
    ({"recipients": "known", "recipients_count": 0}, "recipients_count",
     "must be at least 1 when recipients is known"),
    ({"recipients": "none", "recipients_count": 0, "exfiltrated": True}, "recipients",
     "cannot be none when the data was exfiltrated"),
    ({"recipients": "known", "breach_types": ["availability"]}, "recipients",
     "applies to a loss of confidentiality: add it to breach_types"),
    ({"recipients": "public", "recipients_count": None, "breach_types": None}, "recipients",
     "applies to a loss of confidentiality: add it to breach_types"),
])
def test_check_facts_refuses_contradictions_naming_the_field(overrides: dict[str, Any], field: str,
                                                              message: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        rules.check_facts(facts(**overrides))
    assert caught.value.field == field
    assert message in str(caught.value)


@pytest.mark.parametrize("overrides", [
    {"recipients": "none", "recipients_count": 0},
    {"recipients": "none", "recipients_count": None},
    {"recipients": "unknown", "recipients_count": 0},
    {"recipients": "public", "recipients_count": 0},
    {"recipients": "trusted", "recipients_count": 1},
    {"recipients": "known", "recipients_count": None},
    {"recipients": None, "breach_types": ["availability"]},
    {"recipients": "none", "recipients_count": 0, "breach_types": ["availability"]},
    {"recipients": "unknown", "exfiltrated": True},
])
def test_check_facts_accepts_consistent_facts(overrides: dict[str, Any]) -> None:
    assert rules.check_facts(facts(**overrides)) is None


# -- client_time and check_action_times -------------------------------------------------------------

@pytest.mark.parametrize(("text", "message"), [
    ("2026-13-01T00:00:00Z", "is not a valid date and time"),
    ("yesterday", "is not a valid date and time"),
    ("2026-11-23T12:00:01Z", "is in the future"),
])
def test_client_time_refuses_naming_the_field(text: str, message: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        rules.client_time(text, "aware_at", NOW)
    assert caught.value.field == "aware_at"
    assert message in str(caught.value)


@pytest.mark.parametrize(("text", "now", "expected"), [
    ("2026-11-23T12:00:00Z", NOW, datetime(2026, 11, 23, 12, 0, tzinfo=UTC)),
    ("2026-11-23T11:59:59Z", NOW, datetime(2026, 11, 23, 11, 59, 59, tzinfo=UTC)),
    ("2030-01-01T00:00:00Z", None, datetime(2030, 1, 1, tzinfo=UTC)),
])
def test_client_time_accepts_now_and_earlier(text: str, now: datetime | None, expected: datetime) -> None:
    assert rules.client_time(text, "aware_at", now) == expected


@pytest.mark.parametrize(("actions", "field"), [
    ([{"due_at": "2026-02-30T00:00:00Z"}], "actions.0.due_at"),
    ([{"due_at": "2026-11-23T00:00:00Z"}, {"done_at": "not a date"}], "actions.1.done_at"),
    ([{"due_at": "2026-11-23T00:00:00Z", "done_at": "2026-11-23T25:00:00Z"}], "actions.0.done_at"),
])
def test_check_action_times_names_the_bad_field(actions: list[dict[str, Any]], field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        rules.check_action_times(actions)
    assert caught.value.field == field


def test_check_action_times_accepts_real_times_and_missing_ones() -> None:
    assert rules.check_action_times([{"title": "x"}, {"due_at": "2099-01-01T00:00:00Z"}]) is None


# -- obligations: keys, reassessment, exceptions ------------------------------------------------------

@pytest.mark.parametrize(("kind", "country", "key"), [
    ("authority", "no", "authority#NO"), ("authority", "SE", "authority#SE"),
    ("data_subjects", None, "data_subjects"), ("controller", "", "controller"),
])
def test_obligation_key(kind: str, country: str | None, key: str) -> None:
    assert rules.obligation_key(kind, country) == key


def _ob(key: str, status: str = "open", due: str = "2026-11-26T08:00:00Z") -> dict[str, Any]:
    return {"key": key, "status": status, "due_at": due}


def test_reassess_obligations_adds_retimes_reopens_and_withdraws_only_open_ones() -> None:
    current = {"authority#NO": _ob("authority#NO"), "authority#SE": _ob("authority#SE", "withdrawn"),
               "data_subjects": _ob("data_subjects"), "authority#DK": _ob("authority#DK", "met"),
               "authority#FI": _ob("authority#FI", "withdrawn"), "controller": _ob("controller"),
               "authority#IS": _ob("authority#IS", "met", "2026-11-25T08:00:00Z")}
    decided = [_ob("authority#NO"), _ob("authority#SE"), _ob("data_subjects", due="2026-11-27T08:00:00Z"),
               _ob("authority#DE"), _ob("authority#IS")]
    added, changed, withdrawn = rules.reassess_obligations(current, decided)
    assert [o["key"] for o in added] == ["authority#DE"]
    assert [o["key"] for o in changed] == ["authority#SE", "data_subjects", "authority#IS"]
    assert withdrawn == ["controller"]


@pytest.mark.parametrize(("overrides", "expected"), [
    ({"encrypted": True, "key_compromised": False}, "(a) data unintelligible (encrypted, key not compromised)"),
    ({"encrypted": True, "key_compromised": True}, None),
    ({"encrypted": False}, None),
    ({"encrypted": True, "breach_types": ["confidentiality", "availability"]}, None),
    ({"encrypted": True, "breach_types": None}, None),
    ({"encrypted": True, "key_compromised": True, "risk_removed_by_measures": True},
     "(b) later measures ensure the high risk is no longer likely"),
    ({"risk_removed_by_measures": True}, "(b) later measures ensure the high risk is no longer likely"),
])
def test_art34_exception(overrides: dict[str, Any], expected: str | None) -> None:
    assert rules.art34_exception(facts(**overrides)) == expected
