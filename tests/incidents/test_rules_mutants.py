"""Incident rules and the assessment model, input by input: tables with expected values written by hand.

Written to kill the mutants `make mutation` found surviving (docs/TESTING.md). Pure: no AWS.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
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
    assert caught.value.problem == message


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
    assert caught.value.problem == message


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


# -- the assessment model: boundaries, scores and the words of each factor ----------------------------

def _a(**overrides: Any) -> model.Assessment:
    return model.Assessment(facts(**overrides))


@pytest.mark.parametrize(("hours", "backup", "promptly"), [
    (0, True, True), (24, True, True), (25, True, False), (24, False, False), (None, True, False),
])
def test_restored_promptly_is_within_24_hours_from_a_backup(hours: int | None, backup: bool, promptly: bool) -> None:
    a = _a(breach_types=["availability"], restored_within_hours=hours, backup_available=backup)
    assert a.restored_promptly is promptly


@pytest.mark.parametrize(("subjects", "recipients", "risk"), [
    (9_999, "unknown", "risk"), (10_000, "unknown", "high"), (10_001, "public", "high"),
    (10_000, "known", "risk"),
])
def test_large_scale_from_10000_subjects_in_unknown_hands(subjects: int, recipients: str, risk: str) -> None:
    # identity only (DPC 1), EI 0.25: SE = 0.25 + 0.5 = 0.75, low; data in unknown hands floors it at risk
    verdict = rules.assess(facts(data_categories=["identity"], identifiability="negligible", recipients=recipients,
                                 recipients_count=None if recipients != "known" else 5,
                                 subjects_count=subjects, consequences=None))
    assert verdict.risk == risk


@pytest.mark.parametrize(("value", "shown"), [
    (None, "not stated"), (True, "true"), (False, "false"), ([], "none listed"), (["a", "b"], "a, b"),
    ({"x": True, "y": None}, "x true, y not stated"), (3.5, "3.5"), ("Known", "Known"),
])
def test_reasons_of_shows_each_value(value: Any, shown: str) -> None:
    assert model.reasons_of([{"factor": "f", "value": value, "contributes": "c", "basis": "b"}]) == [
        f"f: {shown} → c (b)"]


@pytest.mark.parametrize(("categories", "special", "vulnerable", "dpc", "top", "raised"), [
    ([], False, False, 1, "special categories", "DPC +0"),
    (["identity"], False, True, 2, "identity", "DPC +1"),
    (["contact", "location"], False, False, 2, "location", "DPC +0"),
    (["traffic", "credentials", "family"], False, False, 3, "credentials", "DPC +0"),
    (["identity", "health"], False, True, 4, "health", "DPC +0"),
    (["identity"], True, False, 4, "special categories", "DPC +0"),
    (["financial", "identity_documents"], False, False, 3, "financial, identity_documents", "DPC +0"),
])
def test_data_processing_context(categories: list[str], special: bool, vulnerable: bool, dpc: int, top: str,
                                 raised: str) -> None:
    a = _a(data_categories=categories, special_categories=special, vulnerable_subjects=vulnerable)
    assert model.data_processing_context(a) == dpc
    base = 4 if dpc == 4 else dpc - (raised == "DPC +1")
    assert a.factors[0]["contributes"] == f"DPC {base}: most sensitive is {top}"
    assert a.factors[1]["contributes"] == raised
    assert a.factors[1]["value"] is vulnerable


@pytest.mark.parametrize(("overrides", "ei", "contributes"), [
    ({"identifiability": "negligible"}, 0.25, "none: the data is intelligible"),
    ({"identifiability": "limited"}, 0.5, "none: the data is intelligible"),
    ({"identifiability": "significant"}, 0.75, "none: the data is intelligible"),
    ({}, 1.0, "none: the data is intelligible"),
    ({"encrypted": True, "key_compromised": True}, 1.0, "none: the data is intelligible"),
    ({"encrypted": True, "breach_types": ["availability"]}, 1.0,
     "none: it protects confidentiality only, and none was lost"),
    ({"encrypted": True, "identifiability": "limited"}, 0.25,
     "EI 0.25 and confidentiality CB 0: unintelligible to the recipient"),
    ({"encrypted": True, "breach_types": ["confidentiality", "integrity"], "identifiability": "significant"},
     0.75, "confidentiality CB 0; EI unchanged: it does not restore availability or integrity"),
])
def test_ease_of_identification(overrides: dict[str, Any], ei: float, contributes: str) -> None:
    a = model.Assessment({k: v for k, v in facts(**overrides).items() if k != "identifiability" or overrides.get(k)})
    assert model.ease_of_identification(a) == ei
    assert a.factors[-1]["factor"] == "encryption"
    assert a.factors[-1]["contributes"] == contributes
    written = {"negligible": "EI 0.25", "limited": "EI 0.5", "significant": "EI 0.75", "maximum": "EI 1.0"}
    assert a.factors[0]["contributes"] == written[overrides.get("identifiability", "maximum")]


@pytest.mark.parametrize(("overrides", "cb", "shown", "contributes"), [
    ({"breach_types": ["availability"], "recipients": None, "restored_within_hours": 2}, 0.0, "none",
     "CB +0: no loss of confidentiality"),
    ({"encrypted": True, "recipients": "public"}, 0.0, "public", "CB +0: the data is unintelligible to them"),
    ({"recipients": "none", "recipients_count": 0}, 0.0, "none",
     "CB +0: no one, or only someone bound to confidentiality"),
    ({"recipients": "trusted", "recipients_count": 1}, 0.0, "trusted",
     "CB +0: no one, or only someone bound to confidentiality"),
    ({"recipients": "known", "recipients_count": 40}, 0.25, "known (40)",
     "CB +0.25: a known number of known recipients"),
    ({"recipients": "known", "recipients_count": None}, 0.5, "known", "CB +0.5: an unknown number of recipients"),
    ({"recipients": "unknown", "recipients_count": 7}, 0.5, "unknown (7)",
     "CB +0.5: an unknown number of recipients"),
    ({"recipients": None, "recipients_count": None}, 0.5, "unknown", "CB +0.5: an unknown number of recipients"),
    ({"recipients": "public", "recipients_count": None}, 0.5, "public", "CB +0.5: published"),
])
def test_circumstances_confidentiality(overrides: dict[str, Any], cb: float, shown: str, contributes: str) -> None:
    a = _a(**overrides)
    assert model.circumstances(a) == cb
    assert a.factors[0] == {"factor": "recipients", "value": shown, "contributes": contributes,
                            "basis": a.factors[0]["basis"]}


@pytest.mark.parametrize(("overrides", "cb", "contributes"), [
    ({"breach_types": ["confidentiality"]}, 0.0, "CB +0: not lost"),
    ({"restored_within_hours": 24}, 0.0, "CB +0: restored from backup within 24 h"),
    ({"restored_within_hours": 48}, 0.25, "CB +0.25: temporary unavailability"),
    ({"restored_within_hours": None}, 0.25, "CB +0.25: temporary unavailability"),
    ({"backup_available": False, "restored_within_hours": 30}, 0.25, "CB +0.25: temporary unavailability"),
    ({"backup_available": False, "restored_within_hours": None}, 0.5, "CB +0.5: lost, no backup (permanent)"),
])
def test_availability(overrides: dict[str, Any], cb: float, contributes: str) -> None:
    a = _a(**{"breach_types": ["availability"], "recipients": None, **overrides})
    assert model._availability(a) == cb
    assert a.factors[-1]["contributes"] == contributes
    assert a.factors[-1]["value"] == {"backup_available": a.facts["backup_available"],
                                      "restored_within_hours": a.facts.get("restored_within_hours")}


@pytest.mark.parametrize(("types", "backup", "cb", "contributes"), [
    (["confidentiality"], True, 0.0, "CB +0: not lost"),
    (["integrity"], True, 0.0, "CB +0.0: altered, recoverable"),
    (["integrity"], False, 0.25, "CB +0.25: altered, not recoverable (permanent)"),
])
def test_integrity(types: list[str], backup: bool, cb: float, contributes: str) -> None:
    a = _a(breach_types=types, backup_available=backup)
    assert model._integrity(a) == cb
    assert a.factors[-1]["contributes"] == contributes
    assert a.factors[-1]["value"] == {"backup_available": backup}


@pytest.mark.parametrize(("malicious", "cb", "contributes"), [(True, 0.5, "CB +0.5"), (False, 0.0, "CB +0"),
                                                              (None, 0.0, "CB +0")])
def test_malice(malicious: bool | None, cb: float, contributes: str) -> None:
    a = _a(malicious=malicious)
    assert model._malice(a) == cb
    assert a.factors[-1]["contributes"] == contributes
    assert a.factors[-1]["value"] is bool(malicious)


def _factor(a: model.Assessment, name: str) -> dict[str, Any]:
    return next(f for f in a.factors if f["factor"] == name)


@pytest.mark.parametrize(("overrides", "floors", "why"), [
    ({"recipients": "trusted", "recipients_count": 1, "data_recovered": True}, [],
     "the trusted recipient returned or deleted it: contained"),
    ({"recipients": "trusted", "recipients_count": 1, "data_recovered": False}, [],
     "not confirmed: a trusted recipient still holds it"),
    ({"recipients": "unknown", "data_recovered": True}, [("risk", "data in unknown hands")],
     "counts not: data in unknown hands is never safely back (a criminal's promise)"),
    ({"recipients": "public"}, [("risk", "data in unknown hands")],
     "counts not: data in unknown hands is never safely back (a criminal's promise)"),
    ({"recipients": "known", "data_recovered": True}, [],
     "lifts the floor: the known recipient gave it back or deleted it"),
    ({"recipients": "known", "consequences": []}, [], "not recovered, but no harm is found likely"),
    ({"recipients": "known", "consequences": None}, [("risk", "a known recipient keeps the data")],
     "not recovered: a known recipient keeps it"),
    ({"recipients": "known", "consequences": ["distress"]}, [("risk", "a known recipient keeps the data")],
     "not recovered: a known recipient keeps it"),
    ({"recipients": "none", "recipients_count": 0}, [], "counts for trusted or known recipients only"),
    ({"recipients": "unknown", "encrypted": True}, [], "counts for trusted or known recipients only"),
    ({"recipients": "trusted", "encrypted": True, "data_recovered": True}, [],
     "counts for trusted or known recipients only"),
    ({"breach_types": ["availability"], "recipients": None}, [], "counts for trusted or known recipients only"),
])
def test_kept_data(overrides: dict[str, Any], floors: list[tuple[str, str]], why: str) -> None:
    a = _a(**overrides)
    assert model._kept_data(a) == floors
    assert _factor(a, "data_recovered")["contributes"] == why


@pytest.mark.parametrize(("overrides", "floors"), [
    ({"breach_types": ["availability"], "restored_within_hours": 24}, []),
    ({"breach_types": ["availability"], "restored_within_hours": 25},
     [("risk", "availability not restored from backup within 24 h")]),
    ({"breach_types": ["integrity"], "backup_available": True}, []),
    ({"breach_types": ["integrity"], "backup_available": False}, [("risk", "integrity lost without a way back")]),
    ({"breach_types": ["availability", "integrity"], "backup_available": False},
     [("risk", "availability not restored from backup within 24 h"), ("risk", "integrity lost without a way back")]),
    ({"breach_types": ["confidentiality"], "backup_available": False}, []),
])
def test_lost_data(overrides: dict[str, Any], floors: list[tuple[str, str]]) -> None:
    assert model._lost_data(_a(recipients=None, **overrides)) == floors


@pytest.mark.parametrize(("consequences", "floors", "contributes"), [
    (None, [], "not assessed: severity decides"),
    ([], [], "none raised: no harm found likely"),
    (["distress", "loss_of_control"], [("risk", "harm likely (distress, loss_of_control)")], "risk ≥ risk"),
    (["distress", "identity_theft", "physical_harm"], [("high", "severe harm likely (identity_theft, physical_harm)")],
     "risk ≥ high"),
    (["financial_loss"], [("high", "severe harm likely (financial_loss)")], "risk ≥ high"),
    (["discrimination"], [("high", "severe harm likely (discrimination)")], "risk ≥ high"),
])
def test_harms(consequences: list[str] | None, floors: list[tuple[str, str]], contributes: str) -> None:
    a = _a(consequences=consequences)
    assert model._harms(a) == floors
    assert _factor(a, "consequences") == {"factor": "consequences", "value": consequences, "contributes": contributes,
                                          "basis": _factor(a, "consequences")["basis"]}


@pytest.mark.parametrize(("overrides", "floors", "contributes"), [
    ({"subjects_count": 10_000, "recipients": "unknown"}, [("high", "10000 subjects, data in unknown hands")],
     "risk ≥ high: large scale, data in unknown hands"),
    ({"subjects_count": 9_999, "recipients": "public"}, [], "none"),
    ({"subjects_count": None, "recipients": "public"}, [], "none"),
    ({"subjects_count": 50_000, "recipients": "public", "encrypted": True}, [], "none"),
    ({"subjects_count": 50_000, "recipients": "known"}, [], "none"),
    ({"subjects_count": 50_000, "recipients": "trusted"}, [], "none"),
])
def test_scale(overrides: dict[str, Any], floors: list[tuple[str, str]], contributes: str) -> None:
    a = _a(**overrides)
    assert model._scale(a) == floors
    assert _factor(a, "subjects_count")["contributes"] == contributes
    assert _factor(a, "subjects_count")["value"] == (overrides["subjects_count"] or 0)
    assert _factor(a, "records_count")["value"] == 120


@pytest.mark.parametrize(("overrides", "contained"), [
    ({"breach_types": []}, False),
    ({"breach_types": None}, False),
    ({"encrypted": True}, True),
    ({"recipients": "none", "recipients_count": 0}, True),
    ({"recipients": "trusted", "recipients_count": 1, "data_recovered": True}, True),
    ({"recipients": "trusted", "recipients_count": 1, "data_recovered": False}, False),
    ({"recipients": "trusted", "data_recovered": True, "data_categories": ["health"]}, False),
    ({"recipients": "trusted", "data_recovered": True, "special_categories": True}, False),
    ({"recipients": "trusted", "data_recovered": True, "data_categories": ["credentials"]}, True),
    ({"recipients": "known", "data_recovered": True}, False),
    ({"breach_types": ["availability"], "recipients": None, "restored_within_hours": 3}, True),
    ({"breach_types": ["availability"], "recipients": None, "restored_within_hours": 30}, False),
    ({"breach_types": ["integrity"], "recipients": None, "restored_within_hours": 3}, True),
    ({"breach_types": ["integrity"], "recipients": None, "restored_within_hours": None}, False),
    ({"breach_types": ["integrity"], "recipients": None, "restored_within_hours": 3, "backup_available": False},
     False),
    ({"breach_types": ["confidentiality", "availability"], "encrypted": True, "restored_within_hours": 3}, True),
    ({"breach_types": ["confidentiality", "availability"], "encrypted": True, "restored_within_hours": 30}, False),
])
def test_contained(overrides: dict[str, Any], contained: bool) -> None:
    assert model._contained(_a(**overrides)) is contained


@pytest.mark.parametrize(("level", "overrides", "found", "floor_note"), [
    ("low", {"recipients": "none", "recipients_count": 0, "consequences": None}, "none",
     "risk none → none: every loss is contained"),
    ("medium", {"recipients": "none", "recipients_count": 0}, "none", "risk risk → none: every loss is contained"),
    ("high", {"encrypted": True}, "none", "risk high → none: every loss is contained"),
    ("high", {"encrypted": True, "consequences": ["physical_harm"]}, "high", None),
    ("low", {"encrypted": True, "consequences": ["identity_theft"]}, "high", "risk none → high"),
    ("low", {"recipients": "unknown"}, "risk", "risk none → risk"),
    ("medium", {"recipients": "unknown"}, "risk", None),
    ("very high", {"recipients": "unknown"}, "high", None),
    ("low", {"recipients": "public", "subjects_count": 20_000}, "high", "risk risk → high"),
])
def test_risk_floors_and_containment(level: str, overrides: dict[str, Any], found: str,
                                     floor_note: str | None) -> None:
    a = _a(**overrides)
    assert model.risk(a, level) == found
    notes = [f["contributes"] for f in a.factors if f["factor"] in ("floor", "contained")]
    assert (notes[-1] if notes else None) == floor_note


# -- the verdict's articles and the obligations' reasons -------------------------------------------

@pytest.mark.parametrize(("overrides", "lead", "eu", "art33", "art34", "notes"), [
    ({"role": "processor"}, None, True,
     (False, "processor: the controller decides (Art. 33(2))"),
     (False, "processor: the controller decides (Art. 33(2))"),
     ["obligations: processor → inform the controller without undue delay (Art. 33(2)); "
      "the controller decides the rest (seed 001)"]),
    ({"recipients": "none", "recipients_count": 0}, None, True,
     (False, "unlikely to result in a risk: document only (Art. 33(1), 33(5))"),
     (False, "no risk is below high risk: the data subjects need not be told (Art. 34(1))"),
     ["obligations: controller, no risk → document only, no notification (Art. 33(1), 33(5))"]),
    ({"data_categories": ["identity"], "countries": ["se", "NO", "no"]}, None, True,
     (True, "a risk reaches the threshold: notify the authority within 72 h (Art. 33(1))"),
     (False, "a risk is below high risk: the data subjects need not be told (Art. 34(1))"),
     ["obligations: controller, risk → notify the authority of NO, SE within 72 h (Art. 33(1); one per country, "
      "EDPB 9/2022)"]),
    ({"data_categories": ["identity"], "countries": ["NO"]}, "no", True,
     (True, "a risk reaches the threshold: notify the authority within 72 h (Art. 33(1))"),
     (False, "a risk is below high risk: the data subjects need not be told (Art. 34(1))"),
     ["obligations: controller, risk → notify the lead authority NO within 72 h (Art. 33(1), 56), "
      "naming no other country"]),
    ({"data_categories": ["identity"], "countries": ["NO", "SE", "DK"]}, "SE", False,
     (True, "a risk reaches the threshold: notify the authority within 72 h (Art. 33(1))"),
     (False, "a risk is below high risk: the data subjects need not be told (Art. 34(1))"),
     ["obligations: controller, risk → notify the authority of DK, NO, SE within 72 h (Art. 33(1); "
      "no EU establishment: every authority concerned, EDPB 9/2022)"]),
    ({"countries": ["NO"], "consequences": ["identity_theft"]}, None, True,
     (True, "a high risk reaches the threshold: notify the authority within 72 h (Art. 33(1))"),
     (True, "high risk: inform the data subjects without undue delay (Art. 34(1))"),
     ["obligations: controller, risk → notify the authority of NO within 72 h (Art. 33(1); one per country, "
      "EDPB 9/2022)",
      "obligations: high risk → inform the data subjects without undue delay (Art. 34(1))"]),
    ({"countries": ["NO"], "consequences": ["identity_theft"], "disproportionate_effort": True}, None, True,
     (True, "a high risk reaches the threshold: notify the authority within 72 h (Art. 33(1))"),
     (True, "high risk: inform the data subjects without undue delay (Art. 34(1))"),
     ["obligations: controller, risk → notify the authority of NO within 72 h (Art. 33(1); one per country, "
      "EDPB 9/2022)",
      "obligations: high risk → inform the data subjects without undue delay (Art. 34(1)) "
      "by public communication (Art. 34(3)(c))"]),
    ({"countries": ["NO"], "consequences": ["identity_theft"], "risk_removed_by_measures": True}, None, True,
     (True, "a high risk reaches the threshold: notify the authority within 72 h (Art. 33(1))"),
     (False, "Art. 34(3) exception (b) later measures ensure the high risk is no longer likely"),
     ["obligations: controller, risk → notify the authority of NO within 72 h (Art. 33(1); one per country, "
      "EDPB 9/2022)",
      "obligations: data subjects not informed: Art. 34(3) exception, (b) later measures ensure the high risk "
      "is no longer likely"]),
])
def test_assess_articles_and_obligation_reasons(overrides: dict[str, Any], lead: str | None, eu: bool,
                                                art33: tuple[bool, str], art34: tuple[bool, str],
                                                notes: list[str]) -> None:
    verdict = rules.assess(facts(**overrides), lead, eu)
    risk = verdict.risk
    assert verdict.articles == {
        "art33": {"threshold": "risk", "risk": risk, "applies": art33[0], "why": art33[1]},
        "art34": {"threshold": "high", "risk": risk, "applies": art34[0], "why": art34[1]}}
    assert [r for r in verdict.reasons if r.startswith("obligations: ")] == notes
    by_name = {f["factor"]: f for f in verdict.factors}
    assert (by_name["art33"]["value"], by_name["art33"]["contributes"]) == art33
    assert (by_name["art34"]["value"], by_name["art34"]["contributes"]) == art34
    assert by_name["art33"]["basis"] == "Art. 33 GDPR: threshold risk"
    assert by_name["art34"]["basis"] == "Art. 34 GDPR: threshold high risk"


@pytest.mark.parametrize(("overrides", "crisis", "contributes", "basis"), [
    ({}, False, "no crisis", "seed 001: severity very high"),
    ({"crisis": True}, True, "crisis team mobilised", "declared in the assessment"),
    ({"data_categories": ["health"], "malicious": True, "recipients": "public"}, True, "crisis team mobilised",
     "seed 001: severity very high"),
])
def test_assess_crisis_factor(overrides: dict[str, Any], crisis: bool, contributes: str, basis: str) -> None:
    verdict = rules.assess(facts(**overrides))
    assert verdict.crisis is crisis
    assert {"factor": "crisis", "value": crisis, "contributes": contributes, "basis": basis} in verdict.factors


def test_assess_obligation_items_name_the_authority_and_channel() -> None:
    verdict = rules.assess(facts(countries=["no"], consequences=["financial_loss"]))
    assert verdict.obligations == [
        {"key": "authority#NO", "kind": "authority", "due_at": "2026-11-26T08:00:00Z", "status": "open",
         "country": "NO", "authority": verdict.obligations[0]["authority"]},
        {"key": "data_subjects", "kind": "data_subjects", "due_at": "2026-11-26T08:00:00Z", "status": "open",
         "channel": "direct"}]
    assert verdict.obligations[0]["authority"]["name"]
    lead = rules.assess(facts(countries=["SE", "no"]), "se")
    assert lead.obligations[0]["countries"] == ["NO", "SE"]
    assert lead.obligations[0]["key"] == "authority#SE"
    processor = rules.assess(facts(role="processor"))
    assert processor.obligations == [{"key": "controller", "kind": "controller", "due_at": "2026-11-24T08:00:00Z",
                                      "status": "open"}]


def test_severity_notes_the_role_types_and_sum() -> None:
    a = _a(role="processor", breach_types=["integrity", "confidentiality"], recipients="known",
           recipients_count=3, backup_available=False)
    # DPC 3 (financial) × EI 1 + CB (0.25 known + 0.25 integrity lost) = 3.5: high
    assert model.severity(a) == (3.5, "high")
    assert _factor(a, "role")["contributes"] == "the controller decides: we tell it without undue delay (Art. 33(2))"
    assert _factor(a, "breach_types")["value"] == ["confidentiality", "integrity"]
    assert _factor(a, "severity")["contributes"] == "SE = 3 × 1.0 + 0.5 = 3.5: high"
    b = _a()
    model.severity(b)
    assert _factor(b, "role")["contributes"] == "we decide, as controller"


# -- every factor names its basis in the guidance (the report cites it) -------------------------------

COMMON_BASIS = {
    "role": "EDPB 9/2022 characteristics of the controller; seed 001",
    "breach_types": "EDPB 9/2022 type of breach",
    "data_categories": "ENISA 2013 DPC; EDPB 9/2022 nature and sensitivity of the data",
    "vulnerable_subjects": "EDPB 9/2022 special characteristics of the individual (children, vulnerable)",
    "identifiability": "ENISA 2013 EI; EDPB 9/2022 ease of identification",
    "integrity": "ENISA 2013 CB",
    "malicious": "ENISA 2013 CB: intentional action to harm",
    "severity": "ENISA 2013",
    "data_recovered": "EDPB 01/2021 cases 4, 9, 13, 16",
    "consequences": "EDPB 9/2022 severity and permanence of consequences; GDPR recitals 75, 85",
    "records_count": "EDPB 9/2022 volume of personal data",
    "subjects_count": "EDPB 9/2022 number of individuals (from 10000 with data in unknown hands)",
}


@pytest.mark.parametrize(("overrides", "basis"), [
    ({}, {"encryption": "EDPB 01/2021 case 11", "recipients": "ENISA 2013 CB", "availability": "ENISA 2013 CB"}),
    ({"encrypted": True},
     {"encryption": "ENISA 2013 EI; EDPB 01/2021 case 6, Art. 34(3)(a)", "recipients": "ENISA 2013 CB",
      "contained": "EDPB 01/2021 cases 1, 6, 9, 10"}),
    ({"encrypted": True, "breach_types": ["availability"], "recipients": None, "restored_within_hours": 2},
     {"encryption": "EDPB 01/2021 case 2", "availability": "ENISA 2013 CB; EDPB 01/2021 case 1"}),
    ({"encrypted": True, "breach_types": ["confidentiality", "integrity"]},
     {"encryption": "EDPB 01/2021 cases 2 and 10"}),
    ({"recipients": "none", "recipients_count": 0}, {"recipients": "ENISA 2013 CB; EDPB 01/2021 case 9"}),
    ({"recipients": "unknown", "data_categories": ["identity"], "identifiability": "negligible"},
     {"recipients": "ENISA 2013 CB; EDPB 01/2021 circumstances", "floor": "EDPB 01/2021, 9/2022"}),
    ({"breach_types": ["availability"], "recipients": None, "restored_within_hours": 48},
     {"availability": "ENISA 2013 CB; EDPB 01/2021 cases 2 and 3"}),
    ({"breach_types": ["availability"], "recipients": None, "backup_available": False},
     {"availability": "ENISA 2013 CB; EDPB 01/2021 case 4"}),
])
def test_every_factor_names_its_basis(overrides: dict[str, Any], basis: dict[str, str]) -> None:
    factors = rules.assess(facts(**overrides)).factors
    got = {f["factor"]: f["basis"] for f in factors}
    assert {k: got.get(k) for k in {**COMMON_BASIS, **basis}} == {**COMMON_BASIS, **basis}


def test_lead_authority_reason_names_every_other_country() -> None:
    verdict = rules.assess(facts(data_categories=["identity"], countries=["NO", "SE", "DK"]), "NO", True)
    assert [r for r in verdict.reasons if r.startswith("obligations: ")] == [
        "obligations: controller, risk → notify the lead authority NO within 72 h (Art. 33(1), 56), naming DK, SE"]


def test_art34_exception_is_not_cited_below_high_risk() -> None:
    # a risk (not high) with measures taken: Art. 34 is not reached, so no exception is cited
    verdict = rules.assess(facts(data_categories=["identity"], risk_removed_by_measures=True))
    assert verdict.risk == "risk"
    assert verdict.articles["art34"]["why"] == (
        "a risk is below high risk: the data subjects need not be told (Art. 34(1))")


def test_verdict_as_dict_keys() -> None:
    verdict = rules.Verdict(2.5, "medium", "risk", False, [{"kind": "authority"}], ["r"], [{"factor": "f"}],
                            {"art33": {}})
    assert verdict.as_dict() == {"severity": {"score": 2.5, "level": "medium"}, "risk": "risk", "crisis": False,
                                 "articles": {"art33": {}}, "obligations": [{"kind": "authority"}], "reasons": ["r"],
                                 "factors": [{"factor": "f"}]}


def test_deadline_gauges_counts_an_obligation_without_status_as_open() -> None:
    incidents = [{"obligations": {"authority#NO": {"due_at": "2026-11-23T13:00:00Z"},
                                  "data_subjects": {"due_at": "2026-11-23T13:00:00Z", "status": "met"}}}, {}]
    assert rules.deadline_gauges(incidents, NOW, timedelta(hours=1)) == {"OpenIncidents": 2, "DeadlinesAtRisk": 1}


def test_check_notification_late_without_reason_names_late_reason() -> None:
    with pytest.raises(ValueError, match=r"^late_reason$"):
        rules.check_notification({"due_at": "2026-11-23T11:00:00Z"}, NOW, "  ")


@pytest.mark.parametrize(("overrides", "values"), [
    ({}, {"role": "controller", "breach_types": ["confidentiality"], "data_categories": ["identity", "financial"],
          "vulnerable_subjects": False, "identifiability": "maximum", "recipients": "known (40)",
          "encryption": {"encrypted": False, "key_compromised": False}, "records_count": 120, "subjects_count": 120}),
    ({"encrypted": True, "role": "processor"},
     {"role": "processor", "encryption": {"encrypted": True, "key_compromised": False}, "contained": True}),
    ({"encrypted": True, "key_compromised": True}, {"encryption": {"encrypted": True, "key_compromised": True}}),
    ({"recipients": "known", "data_recovered": True}, {"data_recovered": True}),
    ({"data_recovered": False}, {"data_recovered": False}),
    ({"encrypted": True, "breach_types": ["availability"], "recipients": None, "restored_within_hours": 2},
     {"encryption": {"encrypted": True, "key_compromised": False}, "breach_types": ["availability"]}),
    ({"encrypted": True, "breach_types": ["integrity", "confidentiality"]},
     {"encryption": {"encrypted": True, "key_compromised": False},
      "breach_types": ["confidentiality", "integrity"]}),
    ({"recipients": "unknown", "data_categories": ["identity"], "identifiability": "negligible"},
     {"floor": "data in unknown hands", "identifiability": "negligible"}),
])
def test_every_factor_records_its_value(overrides: dict[str, Any], values: dict[str, Any]) -> None:
    factors = rules.assess(facts(**overrides)).factors
    got = {f["factor"]: f["value"] for f in factors}
    assert {k: got.get(k, "absent") for k in values} == values


def test_fixed_contributions_and_the_no_confidentiality_basis() -> None:
    factors = rules.assess(facts(breach_types=["availability"], recipients=None, restored_within_hours=2)).factors
    by_name = {f["factor"]: f for f in factors}
    assert by_name["breach_types"]["contributes"] == "which CB terms and mitigations apply"
    assert by_name["records_count"]["contributes"] == "none: volume weighs through the categories and subjects"
    assert (by_name["recipients"]["contributes"], by_name["recipients"]["basis"]) == (
        "CB +0: no loss of confidentiality", "ENISA 2013 CB")
