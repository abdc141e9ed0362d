"""The assessment against the EDPB's worked examples: Guidelines 01/2021 on Examples regarding Personal
Data Breach Notification, version 2.0 (adopted 14 December 2021). No AWS.

Each row is one case of the guidelines: the facts as its text states them, in our vocabulary, and the
outcome its "Actions necessary based on the identified risks" table gives (notification to the
supervisory authority, communication to the data subjects). The expected outcomes are written by hand
from the guidance, never computed by the code. The citation is the section holding that table
("Mitigation and obligations", or for cases 17 and 18 "Risk assessment, mitigation and obligations")
and its page in the adopted PDF. docs/incidents.md explains how each fact maps to the guidance.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from chalicelib.incidents import rules


@dataclass(frozen=True)
class Case:
    number: int
    title: str
    cite: str            # where the guidance gives the outcome
    authority: bool      # Art. 33: notify the supervisory authority
    data_subjects: bool  # Art. 34: communicate to the data subjects
    facts: dict[str, Any] = field(default_factory=dict)
    undecidable: str = ""  # why the facts alone cannot reach the guidance's outcome (docs/incidents.md)


def _facts(**overrides: Any) -> dict[str, Any]:
    """A controller's breach with every required fact neutral; each case states what it is about."""
    base: dict[str, Any] = {
        "role": "controller", "breach_types": ["confidentiality"], "data_categories": ["identity"],
        "special_categories": False, "subjects_count": 10, "countries": ["NO"], "vulnerable_subjects": False,
        "encrypted": False, "key_compromised": False, "backup_available": True, "exfiltrated": False,
        "malicious": False, "identifiability": "maximum", "aware_at": "2026-11-23T08:00:00Z",
        "description": "EDPB 01/2021 example", "likely_consequences": "", "measures_taken": "",
    }
    return {**base, **overrides}


CASES = [
    # 2 Ransomware
    Case(1, "Ransomware with proper backup and without exfiltration", "§2.1.2 para. 25, p. 9",
         authority=False, data_subjects=False, facts=_facts(
             breach_types=["availability"], data_categories=["identity", "contact", "professional"],
             subjects_count=40, encrypted=True, backup_available=True, restored_within_hours=4, malicious=True,
             recipients="none", consequences=[])),
    Case(2, "Ransomware without proper backup", "§2.2.2, p. 11", authority=True, data_subjects=False,
         facts=_facts(
             breach_types=["availability"], data_categories=["identity", "contact", "professional"],
             subjects_count=40, encrypted=True, backup_available=False, restored_within_hours=120,
             malicious=True, recipients="none", consequences=["service_disruption"])),
    Case(3, "Ransomware with backup and without exfiltration in a hospital", "§2.3.2, p. 12",
         authority=True, data_subjects=True, facts=_facts(
             breach_types=["availability"], data_categories=["identity", "health"], special_categories=True,
             subjects_count=5000, vulnerable_subjects=True, backup_available=True, restored_within_hours=48,
             malicious=True, recipients="none", consequences=["physical_harm", "service_disruption"])),
    Case(4, "Ransomware without backup and with exfiltration", "§2.4.2, p. 14", authority=True,
         data_subjects=True, facts=_facts(
             breach_types=["confidentiality", "availability"],
             data_categories=["identity", "contact", "identity_documents", "financial"], subjects_count=5000,
             backup_available=False, exfiltrated=True, malicious=True, recipients="unknown",
             consequences=["identity_theft", "financial_loss"])),
    # 3 Data exfiltration attacks
    Case(5, "Exfiltration of job application data from a website", "§3.1.2, p. 16", authority=True,
         data_subjects=True, facts=_facts(
             data_categories=["identity", "contact", "professional"], subjects_count=213, exfiltrated=True,
             malicious=True, recipients="unknown", consequences=["identity_theft", "loss_of_control"])),
    Case(6, "Exfiltration of hashed password from a website", "§3.2.2, p. 17", authority=False,
         data_subjects=False, facts=_facts(
             data_categories=["credentials"], subjects_count=1200, encrypted=True, identifiability="limited",
             exfiltrated=True, malicious=True, recipients="unknown", consequences=[])),
    Case(7, "Credential stuffing attack on a banking website", "§3.3.2, p. 18", authority=True,
         data_subjects=True, facts=_facts(
             data_categories=["identity", "credentials", "financial"], subjects_count=100_000,
             malicious=True, recipients="unknown", consequences=["identity_theft", "financial_loss"])),
    # 4 Internal human risk source
    Case(8, "Exfiltration of business data by an employee", "§4.1.2 (paras. 72, 74, 77), p. 21", authority=True,
         data_subjects=False, facts=_facts(
             data_categories=["identity", "contact"], subjects_count=300, exfiltrated=True, malicious=True,
             recipients="known", recipients_count=1, data_recovered=False, consequences=["loss_of_control"])),
    Case(9, "Accidental transmission of data to a trusted third party", "§4.2.2, p. 22", authority=False,
         data_subjects=False, facts=_facts(
             data_categories=["identity", "contact", "financial"], subjects_count=24, recipients="trusted",
             recipients_count=1, data_recovered=True, consequences=[])),
    # 5 Lost or stolen devices and paper documents
    Case(10, "Stolen material storing encrypted personal data", "§5.1.2, p. 24", authority=False,
         data_subjects=False, facts=_facts(
             breach_types=["confidentiality", "availability"], data_categories=["identity"],
             subjects_count=30, vulnerable_subjects=True, encrypted=True, backup_available=True,
             restored_within_hours=0, malicious=True, recipients="unknown", consequences=[])),
    Case(11, "Stolen material storing non-encrypted personal data", "§5.2.2, p. 25", authority=True,
         data_subjects=True, facts=_facts(
             breach_types=["confidentiality", "availability"], data_categories=["identity", "contact"],
             subjects_count=100_000, backup_available=True, restored_within_hours=24, malicious=True,
             recipients="unknown", consequences=["identity_theft"])),
    Case(12, "Stolen paper files with sensitive data", "§5.3.2, p. 26", authority=True, data_subjects=True,
         facts=_facts(
             breach_types=["confidentiality", "availability"], data_categories=["identity", "health"],
             special_categories=True, subjects_count=50, vulnerable_subjects=True, backup_available=False,
             malicious=True, recipients="unknown",
             consequences=["discrimination", "reputational_damage", "service_disruption"])),
    # 6 Mispostal
    Case(13, "Postal mail mistake (orders and packing bills swapped)", "§6.1.2, p. 27", authority=False,
         data_subjects=False, facts=_facts(
             data_categories=["identity", "contact"], subjects_count=2, recipients="known", recipients_count=2,
             data_recovered=True, consequences=[])),
    Case(14, "Highly confidential personal data sent by mail by mistake", "§6.2.2, p. 28", authority=True,
         data_subjects=True, facts=_facts(
             data_categories=["identity", "contact", "identity_documents"], subjects_count=60_000,
             recipients="known", recipients_count=60_000, data_recovered=False,
             consequences=["identity_theft"])),
    Case(15, "Personal data sent by mail by mistake (participant list)", "§6.3.2, p. 29", authority=False,
         data_subjects=False, facts=_facts(
             data_categories=["identity", "contact", "preferences"], subjects_count=15, recipients="known",
             recipients_count=15, data_recovered=False, consequences=[]),
         undecidable="whether two food preferences reveal enough to matter is a judgement the facts do "
                     "not carry: preferences are behavioural data (DPC 2), so the model notifies"),
    Case(16, "Postal mail mistake (insurance letter in the wrong envelope)", "§6.4.2, p. 30",
         authority=True, data_subjects=False, facts=_facts(
             data_categories=["identity", "contact"], subjects_count=1, recipients="known", recipients_count=1,
             data_recovered=False, consequences=["loss_of_control"])),
    # 7 Social engineering
    Case(17, "Identity theft (contact centre)", "§7.1.1, p. 31", authority=True, data_subjects=True,
         facts=_facts(
             breach_types=["confidentiality", "integrity"], data_categories=["identity", "contact", "financial",
                                                                             "traffic"],
             subjects_count=1, malicious=True, recipients="unknown", recipients_count=1,
             consequences=["identity_theft", "financial_loss"])),
    Case(18, "Email exfiltration", "§7.2.1, p. 32", authority=True, data_subjects=True, facts=_facts(
        data_categories=["identity", "contact", "financial"], subjects_count=500, exfiltrated=True,
        malicious=True, recipients="unknown", consequences=["financial_loss", "identity_theft"])),
]


def _outcome(verdict: rules.Verdict) -> tuple[bool, bool]:
    kinds = {o["kind"] for o in verdict.obligations}
    return "authority" in kinds, "data_subjects" in kinds


def _param(case: Case) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=case.undecidable)] if case.undecidable else []
    return pytest.param(case, id=f"case{case.number:02d}", marks=marks)


def test_the_table_covers_the_eighteen_cases_once() -> None:
    assert [c.number for c in CASES] == list(range(1, 19))


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_controller_decides_as_the_edpb_example(case: Case) -> None:
    verdict = rules.assess(case.facts)
    assert _outcome(verdict) == (case.authority, case.data_subjects), (case.cite, verdict.reasons)


@pytest.mark.parametrize("case", [_param(c) for c in CASES if not c.authority])
def test_no_notification_is_still_documented(case: Case) -> None:
    # Para. 15: internal documentation (Art. 33(5)) is due in every case, notified or not.
    verdict = rules.assess(case.facts)
    assert verdict.risk == "none"
    assert any("33(5)" in r for r in verdict.reasons)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"case{c.number:02d}")
def test_as_processor_we_tell_the_controller_who_decides(case: Case) -> None:
    # Seed 001: "where we are the data processor, we will inform the data controller (our customer) and
    # they will decide if it is necessary to file a report or not" (Art. 33(2)): at any risk.
    verdict = rules.assess({**case.facts, "role": "processor"})
    assert [o["kind"] for o in verdict.obligations] == ["controller"]
    assert any("controller decides" in r for r in verdict.reasons)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"case{c.number:02d}")
def test_every_factor_is_in_the_reasons_with_what_it_contributed(case: Case) -> None:
    verdict = rules.assess(case.facts)
    named = {f["factor"] for f in verdict.factors}
    assert {"role", "breach_types", "data_categories", "vulnerable_subjects", "identifiability", "encryption",
            "recipients", "data_recovered", "availability", "integrity", "malicious", "severity",
            "consequences", "subjects_count", "art33", "art34"} <= named
    for f in verdict.factors:
        assert f["contributes"], f
        assert any(r.startswith(f"{f['factor']}: ") for r in verdict.reasons), f
