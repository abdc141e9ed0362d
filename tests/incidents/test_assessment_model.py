"""The assessment model's factors, each on its own: where it applies, what it contributes, its default.

Expected scores are worked out by hand from ENISA 2013 (SE = DPC × EI + CB) in the comments. No AWS.
"""
from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.errors import InvalidInputError
from chalicelib.incidents import risk as risk_model
from chalicelib.incidents import rules
from tests.incidents.builders import facts

# identity + financial (DPC 3), identifiability maximum (EI 1), not malicious, one country.
BASE = {"countries": ["NO"]}


def assess(**overrides: Any) -> rules.Verdict:
    return rules.assess(facts(**{**BASE, **overrides}))


def factor(verdict: rules.Verdict, name: str) -> dict[str, Any]:
    return next(f for f in verdict.factors if f["factor"] == name)


def kinds(verdict: rules.Verdict) -> list[str]:
    return [o["kind"] for o in verdict.obligations]


# -- encryption counts for confidentiality only ---------------------------------------------------------

@pytest.mark.parametrize("types", [["availability"], ["integrity"]])
def test_encrypted_data_lost_without_backup_still_reaches_the_authority(types: list[str]) -> None:
    # 3 × 1 (EI unchanged: encryption does not bring data back) + 0.5 or 0.25 (not recoverable)
    verdict = assess(breach_types=types, encrypted=True, backup_available=False, recipients=None)
    assert verdict.score == (3.5 if types == ["availability"] else 3.25)
    assert verdict.risk == "high"
    assert kinds(verdict) == ["authority", "data_subjects"]  # Art. 34(3)(a) answers confidentiality only


def test_encrypted_availability_breach_of_low_severity_is_still_a_risk() -> None:
    # EDPB 01/2021 case 2: 1 × 1 + 0.25 (rebuilt by hand over 5 days) + 0.5 = 1.75 low, yet notified.
    verdict = assess(breach_types=["availability"], data_categories=["contact"], encrypted=True,
                     backup_available=False, restored_within_hours=120, malicious=True, recipients=None)
    assert (verdict.score, verdict.level, verdict.risk) == (1.75, "low", "risk")
    assert kinds(verdict) == ["authority"]
    assert "confidentiality only" in factor(verdict, "encryption")["contributes"]


def test_encryption_with_a_compromised_key_protects_nothing() -> None:
    safe = assess(encrypted=True, key_compromised=False, recipients="unknown")
    broken = assess(encrypted=True, key_compromised=True, recipients="unknown")
    assert safe.score == 0.75 and safe.risk == "none"          # 3 × 0.25 + 0
    assert broken.score == 3.5 and broken.risk == "high"       # 3 × 1 + 0.5


def test_encryption_protects_the_confidentiality_part_of_a_mixed_breach_only() -> None:
    # Stolen encrypted device: confidentiality CB 0, but EI stays 1 for the lost data: 3 × 1 + 0.5 (no backup)
    verdict = assess(breach_types=["confidentiality", "availability"], encrypted=True, backup_available=False,
                     recipients="unknown")
    assert verdict.score == 3.5
    assert "data_subjects" in kinds(verdict)


# -- backup and restore time count for availability (and integrity) only -------------------------------

def test_backup_and_restore_time_do_not_change_a_confidentiality_breach() -> None:
    with_backup = assess(backup_available=True, restored_within_hours=1)
    without = assess(backup_available=False)
    assert with_backup.score == without.score == 3.25
    assert with_backup.risk == without.risk == "high"


@pytest.mark.parametrize(("backup", "hours", "cb", "risk"), [
    (True, 3, 0.0, "none"),        # restored from backup within 24 h: recovered without difficulty
    (True, 24, 0.0, "none"),       # the boundary is inclusive
    (True, 25, 0.25, "risk"),      # temporary unavailability
    (True, None, 0.25, "risk"),    # not stated: not restored yet (conservative)
    (False, 120, 0.25, "risk"),    # rebuilt by hand (EDPB 01/2021 case 2)
    (False, None, 0.5, "risk"),    # lost for good
])
def test_availability_circumstances(backup: bool, hours: float | None, cb: float, risk: str) -> None:
    verdict = assess(breach_types=["availability"], data_categories=["contact"], backup_available=backup,
                     restored_within_hours=hours, recipients=None)
    assert verdict.score == 1 + cb
    assert verdict.risk == risk


# -- recipients, how many, and whether the data came back ----------------------------------------------

@pytest.mark.parametrize(("recipients", "count", "cb"), [
    ("none", None, 0.0), ("trusted", 1, 0.0), ("known", 3, 0.25),
    ("known", None, 0.5),  # a known recipient but no known number: ENISA's "unknown number"
    ("unknown", None, 0.5), ("unknown", 7, 0.5), ("public", None, 0.5),
    (None, None, 0.5),     # not stated: conservative, anyone may have seen it
])
def test_confidentiality_circumstances_follow_the_recipients(recipients: str | None, count: int | None,
                                                             cb: float) -> None:
    verdict = assess(data_categories=["contact"], recipients=recipients, recipients_count=count)
    assert verdict.score == 1 + cb


def test_a_trusted_recipient_who_deleted_it_settles_even_a_high_severity() -> None:
    # EDPB 01/2021 case 9: SE 3 × 1 + 0 = 3 (high), yet contained: no notification.
    verdict = assess(recipients="trusted", recipients_count=1, data_recovered=True)
    assert (verdict.score, verdict.level, verdict.risk) == (3.0, "high", "none")
    assert kinds(verdict) == []


@pytest.mark.parametrize("overrides", [
    {"data_recovered": False},                                       # deletion not confirmed
    {"data_recovered": True, "data_categories": ["health"]},         # special categories (case 9's caveat)
    {"data_recovered": True, "special_categories": True},
])
def test_a_trusted_recipient_is_not_enough_on_its_own(overrides: dict[str, Any]) -> None:
    verdict = assess(recipients="trusted", recipients_count=1, **overrides)
    assert verdict.risk == "high"


def test_recovery_counts_for_known_recipients_but_never_for_unknown_ones() -> None:
    known = assess(data_categories=["contact"], recipients="known", recipients_count=1, data_recovered=True)
    unknown = assess(data_categories=["contact"], recipients="unknown", data_recovered=True)
    assert (known.score, known.risk) == (1.25, "none")
    assert (unknown.score, unknown.risk) == (1.5, "risk")  # low severity, data in unknown hands


def test_a_known_recipient_keeping_the_data_is_a_risk_unless_no_harm_is_likely() -> None:
    keeps = assess(data_categories=["contact"], recipients="known", recipients_count=1)
    harmless = assess(data_categories=["contact"], recipients="known", recipients_count=1, consequences=[])
    assert keeps.risk == "risk"       # consequences not assessed: conservative
    assert harmless.risk == "none"    # the assessor found no harm likely


# -- consequences and the number of subjects -----------------------------------------------------------

@pytest.mark.parametrize(("consequences", "risk"), [
    (["identity_theft"], "high"), (["financial_loss"], "high"), (["discrimination"], "high"),
    (["physical_harm"], "high"), (["reputational_damage"], "risk"), (["distress"], "risk"),
    (["loss_of_control"], "risk"), (["service_disruption"], "risk"), ([], "none"),
])
def test_likely_consequences_raise_the_risk(consequences: list[str], risk: str) -> None:
    verdict = assess(data_categories=["contact"], recipients="known", recipients_count=1, data_recovered=True,
                     consequences=consequences)
    assert verdict.score == 1.25  # consequences weigh on the risk, not on ENISA's score
    assert verdict.risk == risk


def test_severe_consequences_override_a_contained_breach() -> None:
    verdict = assess(recipients="trusted", recipients_count=1, data_recovered=True, consequences=["identity_theft"])
    assert verdict.risk == "high"


@pytest.mark.parametrize(("subjects", "recipients", "risk"), [
    (9_999, "unknown", "risk"), (10_000, "unknown", "high"), (10_000, "public", "high"),
    (10_000, "known", "risk"),
])
def test_large_scale_in_unknown_hands_is_high_risk(subjects: int, recipients: str, risk: str) -> None:
    verdict = assess(data_categories=["contact"], subjects_count=subjects, recipients=recipients,
                     recipients_count=5 if recipients == "known" else None)
    assert verdict.level == "low"
    assert verdict.risk == risk


# -- the answer: every factor with what it contributed, the articles' thresholds ------------------------

def test_the_articles_state_their_threshold_and_whether_it_is_reached() -> None:
    medium = assess(data_categories=["location"])
    assert medium.articles["art33"] | {"why": ""} == {"threshold": "risk", "risk": "risk", "applies": True,
                                                      "why": ""}
    assert medium.articles["art34"]["threshold"] == "high" and medium.articles["art34"]["applies"] is False
    assert "below high risk" in medium.articles["art34"]["why"]
    removed = assess(risk_removed_by_measures=True)
    assert removed.articles["art34"]["applies"] is False and "34(3)" in removed.articles["art34"]["why"]


def test_factors_record_the_value_each_fact_had() -> None:
    verdict = assess(recipients="known", recipients_count=3, malicious=True, consequences=["distress"],
                     subjects_count=120)
    assert factor(verdict, "recipients")["value"] == "known (3)"
    assert factor(verdict, "recipients")["contributes"].startswith("CB +0.25")
    assert factor(verdict, "malicious")["contributes"] == "CB +0.5"
    assert factor(verdict, "data_categories")["contributes"].startswith("DPC 3")
    assert factor(verdict, "severity")["value"] == 3.75  # 3 × 1 + 0.25 + 0.5
    assert factor(verdict, "consequences")["value"] == ["distress"]
    assert factor(verdict, "subjects_count")["value"] == 120
    assert verdict.as_dict()["factors"] == verdict.factors


# -- contradictions are refused, naming the field -------------------------------------------------------

@pytest.mark.parametrize(("overrides", "field"), [
    ({"recipients": "none", "recipients_count": 2}, "recipients_count"),
    ({"recipients": "trusted", "recipients_count": 0}, "recipients_count"),
    ({"recipients": "known", "recipients_count": 0}, "recipients_count"),
    ({"recipients": "none", "recipients_count": None, "exfiltrated": True}, "recipients"),
    ({"breach_types": ["availability"], "recipients": "unknown"}, "recipients"),
])
def test_contradicting_facts_are_refused(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        rules.check_facts(facts(**overrides))
    assert raised.value.field == field


def test_consistent_facts_pass() -> None:
    for overrides in ({}, {"recipients": "none", "recipients_count": 0},
                      {"breach_types": ["availability"], "recipients": "none", "recipients_count": 0}):
        rules.check_facts(facts(**overrides))


# -- no mitigation ever raises the risk, no aggravation ever lowers it ----------------------------------

RANK = {"none": 0, "risk": 1, "high": 2}
ORDER = ["none", "trusted", "known", "unknown", "public"]


@st.composite
def any_facts(draw: st.DrawFn) -> dict[str, Any]:
    types = draw(st.lists(st.sampled_from(["confidentiality", "integrity", "availability"]), min_size=1,
                          unique=True))
    return facts(
        breach_types=types, countries=["NO"],
        data_categories=draw(st.lists(st.sampled_from(risk_model.DATA_CATEGORIES), unique=True, max_size=4)),
        special_categories=draw(st.booleans()), vulnerable_subjects=draw(st.booleans()),
        identifiability=draw(st.sampled_from(list(risk_model.EI_SCORE))),
        encrypted=draw(st.booleans()), key_compromised=draw(st.booleans()),
        backup_available=draw(st.booleans()), malicious=draw(st.booleans()),
        restored_within_hours=draw(st.one_of(st.none(), st.integers(0, 200))),
        recipients=draw(st.sampled_from(ORDER)) if "confidentiality" in types else None,
        recipients_count=draw(st.one_of(st.none(), st.integers(1, 50))),
        data_recovered=draw(st.one_of(st.none(), st.booleans())),
        consequences=draw(st.one_of(st.none(), st.lists(st.sampled_from(risk_model.CONSEQUENCES), unique=True))),
        subjects_count=draw(st.integers(0, 50_000)))


def _risk(values: dict[str, Any]) -> int:
    return RANK[rules.assess(values).risk]


@given(any_facts(), st.data())
def test_mitigations_never_raise_the_risk(values: dict[str, Any], data: st.DataObject) -> None:
    before = _risk(values)
    hours = values.get("restored_within_hours")
    better = [
        {"encrypted": True, "key_compromised": False},
        {"data_recovered": True},
        {"backup_available": True},
        {"restored_within_hours": data.draw(st.integers(0, 200 if hours is None else hours))},
        {"consequences": (values.get("consequences") or [])[1:]},
    ]
    if values.get("recipients"):
        better.append({"recipients": data.draw(st.sampled_from(ORDER[:ORDER.index(values["recipients"]) + 1]))})
    for change in better:
        assert _risk({**values, **change}) <= before, change


@given(any_facts())
def test_aggravations_never_lower_the_risk(values: dict[str, Any]) -> None:
    before = _risk(values)
    worse = [{"malicious": True}, {"vulnerable_subjects": True}, {"special_categories": True},
             {"key_compromised": True}, {"identifiability": "maximum"},
             {"subjects_count": (values.get("subjects_count") or 0) * 10}]
    for change in worse:
        assert _risk({**values, **change}) >= before, change
