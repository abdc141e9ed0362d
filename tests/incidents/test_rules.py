"""Severity and obligation rules on worked examples (ENISA 2013, EDPB 01/2021 and 9/2022). No AWS."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.incidents import risk, rules
from tests.incidents.builders import facts

AWARE = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_assess_mail_to_known_recipient_who_returned_it_is_low_and_documented_only() -> None:
    # EDPB 01/2021 case 13-like: contact data sent to one wrong, known recipient, who sent it back.
    verdict = rules.assess(facts(data_categories=["identity", "contact"], countries=["NO"], recipients_count=1,
                                 data_recovered=True))
    assert (verdict.score, verdict.level, verdict.risk) == (1.25, "low", "none")
    assert verdict.obligations == []
    assert any("document only" in r for r in verdict.reasons)


def test_assess_mail_to_known_recipient_who_keeps_it_goes_to_the_authority_only() -> None:
    # EDPB 01/2021 case 16: the same severity, but the recipient keeps the letter.
    verdict = rules.assess(facts(data_categories=["identity", "contact"], countries=["NO"], recipients_count=1,
                                 data_recovered=False))
    assert (verdict.score, verdict.level, verdict.risk) == (1.25, "low", "risk")
    assert [o["key"] for o in verdict.obligations] == ["authority#NO"]


def test_assess_financial_data_seen_by_colleagues_is_high_with_authorities_and_subjects() -> None:
    verdict = rules.assess(facts())
    assert (verdict.score, verdict.level, verdict.risk) == (3.25, "high", "high")
    assert [o["key"] for o in verdict.obligations] == ["authority#NO", "authority#SE", "data_subjects"]
    assert all(o["due_at"] == "2026-11-26T08:00:00Z" for o in verdict.obligations)
    assert verdict.obligations[0]["authority"]["name"] == "Datatilsynet"


def test_assess_ransomware_restored_from_backup_within_hours_needs_no_notification() -> None:
    # EDPB 01/2021 case 1: encrypted by ransomware, backup restored within hours, no exfiltration.
    verdict = rules.assess(facts(breach_types=["availability"], data_categories=["identity", "contact"],
                                 malicious=True, backup_available=True, restored_within_hours=3))
    assert verdict.score == 1.5  # DPC 1 × EI 1 + availability 0 + malice 0.5
    assert verdict.risk == "none"
    assert verdict.obligations == []


def test_assess_ransomware_with_a_backup_not_yet_restored_is_a_risk() -> None:
    # Conservative default: no restore time stated means not restored yet (temporary unavailability).
    verdict = rules.assess(facts(breach_types=["availability"], data_categories=["identity", "contact"],
                                 malicious=True, backup_available=True, countries=["NO"]))
    assert (verdict.score, verdict.risk) == (1.75, "risk")
    assert [o["key"] for o in verdict.obligations] == ["authority#NO"]


def test_assess_stolen_encrypted_laptop_with_safe_key_is_low() -> None:
    verdict = rules.assess(facts(encrypted=True, key_compromised=False, exfiltrated=True))
    assert verdict.score == 3 * 0.25  # EI negligible, and no confidentiality CB: unintelligible
    assert (verdict.level, verdict.risk) == ("low", "none")
    assert any(r.startswith("encryption: ") and "EI 0.25" in r for r in verdict.reasons)


def test_assess_exfiltrated_health_data_is_very_high_and_a_crisis() -> None:
    verdict = rules.assess(facts(data_categories=["health"], special_categories=True, exfiltrated=True,
                                 malicious=True, countries=["NL"], recipients="unknown"))
    assert verdict.score == 5.0
    assert verdict.level == "very high"
    assert verdict.crisis is True
    assert [o["key"] for o in verdict.obligations] == ["authority#NL", "data_subjects"]


def test_assess_crisis_declared_in_facts_is_a_crisis_at_any_level() -> None:
    assert rules.assess(facts(data_categories=["contact"], crisis=True)).crisis is True


def test_assess_processor_informs_the_controller_only_within_24h() -> None:
    verdict = rules.assess(facts(role="processor", data_categories=["health"], exfiltrated=True))
    assert [(o["kind"], o["due_at"]) for o in verdict.obligations] == [("controller", "2026-11-24T08:00:00Z")]
    assert any("processor" in r for r in verdict.reasons)
    assert verdict.articles["art33"]["applies"] is False and "controller decides" in verdict.articles["art33"]["why"]


def test_assess_lead_authority_is_notified_once_naming_the_other_countries() -> None:
    verdict = rules.assess(facts(countries=["NO", "SE", "DK"]), lead_authority="SE")
    authority = [o for o in verdict.obligations if o["kind"] == "authority"]
    assert [o["key"] for o in authority] == ["authority#SE"]
    assert authority[0]["countries"] == ["DK", "NO", "SE"]


def test_assess_lead_authority_without_eu_establishment_notifies_every_authority() -> None:
    verdict = rules.assess(facts(countries=["NO", "SE"]), lead_authority="SE", eu_establishment=False)
    keys = [o["key"] for o in verdict.obligations if o["kind"] == "authority"]
    assert keys == ["authority#NO", "authority#SE"]


def test_assess_high_risk_removed_by_measures_skips_data_subjects() -> None:
    verdict = rules.assess(facts(risk_removed_by_measures=True))
    assert "data_subjects" not in [o["key"] for o in verdict.obligations]
    assert any("34(3)" in r and "(b)" in r for r in verdict.reasons)


def test_assess_disproportionate_effort_means_public_notice() -> None:
    verdict = rules.assess(facts(disproportionate_effort=True))
    subjects = [o for o in verdict.obligations if o["kind"] == "data_subjects"]
    assert subjects[0]["channel"] == "public_notice"


def test_assess_vulnerable_subjects_raise_the_context_score() -> None:
    plain = rules.assess(facts(data_categories=["contact"]))
    vulnerable = rules.assess(facts(data_categories=["contact"], vulnerable_subjects=True))
    assert vulnerable.score == plain.score + 1


def test_assess_medium_severity_is_a_risk_without_data_subjects() -> None:
    verdict = rules.assess(facts(data_categories=["location"], identifiability="maximum"))
    assert (verdict.level, verdict.risk) == ("medium", "risk")
    assert [o["kind"] for o in verdict.obligations] == ["authority", "authority"]


@pytest.mark.parametrize(("hours", "expected"), [
    (47, []), (48, ["reminder_24h"]), (66, ["reminder_24h", "reminder_6h"]),
    (73, ["reminder_24h", "reminder_6h", "escalation_overdue"]),
])
def test_deadline_events_at_hours_after_awareness_are_due(hours: int, expected: list[str]) -> None:
    obligation = {"due_at": "2026-11-26T08:00:00Z", "status": "open"}
    assert rules.deadline_events(obligation, AWARE + timedelta(hours=hours)) == expected


def test_deadline_events_already_sent_or_met_are_not_repeated() -> None:
    later = AWARE + timedelta(hours=80)
    sent = {"due_at": "2026-11-26T08:00:00Z", "status": "open",
            "alerts_sent": ["reminder_24h", "reminder_6h"]}
    assert rules.deadline_events(sent, later) == ["escalation_overdue"]
    assert rules.deadline_events({"due_at": "2026-11-26T08:00:00Z", "status": "met"}, later) == []


def _incident(*obligations: tuple[str, str]) -> dict[str, object]:
    """An open incident whose obligations are (due_at, status) pairs."""
    return {"obligations": {f"o{n}": {"due_at": due, "status": status}
                            for n, (due, status) in enumerate(obligations)}}


def test_deadline_gauges_count_open_incidents_and_unmet_obligations_due_within_the_window() -> None:
    now = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    incidents = [
        _incident(("2026-11-26T08:00:00Z", "open"),    # due in exactly 24 h: at risk
                  ("2026-11-26T08:00:01Z", "open"),    # 1 s beyond the window: not yet
                  ("2026-11-25T09:00:00Z", "met")),    # met: never at risk
        _incident(("2026-11-24T08:00:00Z", "open")),   # overdue: at risk
        {"obligations": {}},                           # not assessed yet: open, nothing due
        {},
    ]
    assert rules.deadline_gauges(incidents, now, timedelta(hours=24)) == {
        "OpenIncidents": 4, "DeadlinesAtRisk": 2}
    assert rules.deadline_gauges(incidents, now, timedelta(hours=48))["DeadlinesAtRisk"] == 3
    assert rules.deadline_gauges([], now, timedelta(hours=24)) == {"OpenIncidents": 0, "DeadlinesAtRisk": 0}


def test_check_notification_late_without_reason_is_refused() -> None:
    obligation = {"due_at": "2026-11-26T08:00:00Z"}
    with pytest.raises(ValueError, match="late_reason"):
        rules.check_notification(obligation, AWARE + timedelta(hours=73), None)
    assert rules.check_notification(obligation, AWARE + timedelta(hours=73), "forensics took 4 days") is False
    assert rules.check_notification(obligation, AWARE + timedelta(hours=71), None) is True


def _enisa_level(score: float) -> str:
    """ENISA 2013, table 4: SE < 2 low, 2 ≤ SE < 3 medium, 3 ≤ SE < 4 high, SE ≥ 4 very high."""
    return "low" if score < 2 else "medium" if score < 3 else "high" if score < 4 else "very high"


@pytest.mark.parametrize(("score", "level"), [(0.25, "low"), (1.99, "low"), (2.0, "medium"), (2.99, "medium"),
                                              (3.0, "high"), (3.99, "high"), (4.0, "very high"),
                                              (5.5, "very high")])
def test_level_for_enisa_thresholds_at_their_edges(score: float, level: str) -> None:
    assert rules.level_for(score) == level == _enisa_level(score)


@given(categories=st.lists(st.sampled_from(rules.DATA_CATEGORIES), unique=True, max_size=5),
       identifiability=st.sampled_from(list(risk.EI_SCORE)),
       types=st.lists(st.sampled_from(["confidentiality", "integrity", "availability"]), min_size=1,
                      unique=True),
       flags=st.lists(st.booleans(), min_size=4, max_size=4))
def test_assess_any_facts_give_a_consistent_verdict(categories: list[str], identifiability: str,
                                                    types: list[str], flags: list[bool]) -> None:
    verdict = rules.assess(facts(data_categories=categories, identifiability=identifiability,
                                 breach_types=types, malicious=flags[0],
                                 exfiltrated=flags[1], encrypted=flags[2],
                                 backup_available=flags[3]))
    assert verdict.level == _enisa_level(verdict.score)
    kinds = [o["kind"] for o in verdict.obligations]
    assert ("data_subjects" in kinds) <= (verdict.risk == "high")
    assert bool(kinds) == (verdict.risk != "none")
