"""The breach assessment model: ENISA's severity and the EDPB's risk factors. Pure: facts in, verdict out.

Severity follows ENISA's "Recommendations for a methodology of the assessment of severity of personal
data breaches" (2013): SE = DPC × EI + CB. The risk to the data subjects then weighs the factors of the
EDPB Guidelines 9/2022 (§ risk assessment) and 01/2021 (worked examples): type of breach, nature,
sensitivity and volume of the data, ease of identification, severity and permanence of the consequences,
special characteristics of the subjects and of the controller, number of subjects. Every factor is one
entry of `factors` (and one line of `reasons`) with the value it contributed. docs/incidents.md maps
each fact to the guidance.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Data processing context (DPC) base score per category of the fixed vocabulary (ENISA 2013, §4.1).
SIMPLE = ("identity", "contact", "professional", "family")
BEHAVIOURAL = ("preferences", "location", "traffic")
FINANCIAL = ("financial", "credentials", "identity_documents")
SPECIAL = ("health", "genetic", "biometric", "racial_ethnic", "political", "religious",
           "trade_union", "sex_life", "criminal")
DATA_CATEGORIES = SIMPLE + BEHAVIOURAL + FINANCIAL + SPECIAL
DPC_SCORE = {**dict.fromkeys(SIMPLE, 1), **dict.fromkeys(BEHAVIOURAL, 2),
             **dict.fromkeys(FINANCIAL, 3), **dict.fromkeys(SPECIAL, 4)}
EI_SCORE = {"negligible": 0.25, "limited": 0.5, "significant": 0.75, "maximum": 1.0}
LEVELS = ((4.0, "very high"), (3.0, "high"), (2.0, "medium"), (0.0, "low"))

# Who received the data (confidentiality), from no one to everyone.
RECIPIENTS = ("none", "trusted", "known", "unknown", "public")
# Harms the assessor finds likely (GDPR recitals 75 and 85). The first four are severe and, when
# likely, make the risk high (EDPB 01/2021 cases 3, 4, 5, 7, 11, 14, 17, 18).
SEVERE_CONSEQUENCES = ("identity_theft", "financial_loss", "discrimination", "physical_harm")
CONSEQUENCES = (*SEVERE_CONSEQUENCES, "reputational_damage", "distress", "loss_of_control",
                "service_disruption")
RISKS = ("none", "risk", "high")
# Data back from a backup within this many hours counts as "recovered without difficulty" (ENISA CB 0);
# EDPB 01/2021 case 1 (a few hours) needed no notification, cases 2 (5 days) and 3 (2 days) did.
PROMPT_RESTORE_HOURS = 24
# From this many subjects, data in unknown hands is high risk (EDPB 9/2022: the number of individuals).
LARGE_SCALE_SUBJECTS = 10_000


@dataclass
class Assessment:
    """The factors as they are weighed; `factors` is the record of what each contributed."""

    facts: dict[str, Any]
    factors: list[dict[str, Any]] = field(default_factory=list)

    def note(self, factor: str, value: Any, contributes: str, basis: str) -> None:
        self.factors.append({"factor": factor, "value": value, "contributes": contributes, "basis": basis})

    @property
    def types(self) -> set[str]:
        return set(self.facts.get("breach_types") or [])

    @property
    def unintelligible(self) -> bool:
        """Encrypted (or hashed) with a state-of-the-art algorithm and the key (or salt) safe."""
        return bool(self.facts.get("encrypted")) and not self.facts.get("key_compromised")

    @property
    def recipients(self) -> str:
        """Stated, or the conservative default: without it, anyone may have seen the data."""
        if "confidentiality" not in self.types:
            return "none"
        return str(self.facts.get("recipients") or "unknown")

    @property
    def restored_promptly(self) -> bool:
        hours = self.facts.get("restored_within_hours")
        return bool(self.facts.get("backup_available")) and hours is not None and hours <= PROMPT_RESTORE_HOURS


def reasons_of(factors: list[dict[str, Any]]) -> list[str]:
    """One readable line per factor: `factor: value → contribution (basis)`."""
    return [f"{f['factor']}: {_show(f['value'])} → {f['contributes']} ({f['basis']})" for f in factors]


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {_show(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "none listed"
    return "not stated" if value is None else str(value).lower() if isinstance(value, bool) else str(value)


def data_processing_context(a: Assessment) -> int:
    """DPC 1–4: the most sensitive category decides; vulnerable subjects raise it by one."""
    categories = list(a.facts.get("data_categories") or [])
    base = max((DPC_SCORE[c] for c in categories), default=1)
    if a.facts.get("special_categories"):
        base = 4
    top = [c for c in categories if DPC_SCORE[c] == base] or ["special categories"]
    a.note("data_categories", categories, f"DPC {base}: most sensitive is {', '.join(top)}",
           "ENISA 2013 DPC; EDPB 9/2022 nature and sensitivity of the data")
    vulnerable = bool(a.facts.get("vulnerable_subjects"))
    raised = vulnerable and base < 4
    a.note("vulnerable_subjects", vulnerable, "DPC +1" if raised else "DPC +0",
           "EDPB 9/2022 special characteristics of the individual (children, vulnerable)")
    return base + 1 if raised else base


def ease_of_identification(a: Assessment) -> float:
    """EI 0.25–1. Unintelligible data lowers it only when confidentiality is all that was lost."""
    level = a.facts.get("identifiability", "maximum")
    ei = EI_SCORE[level]
    a.note("identifiability", level, f"EI {ei}", "ENISA 2013 EI; EDPB 9/2022 ease of identification")
    value = {"encrypted": bool(a.facts.get("encrypted")), "key_compromised": bool(a.facts.get("key_compromised"))}
    if not a.unintelligible:
        a.note("encryption", value, "none: the data is intelligible", "EDPB 01/2021 case 11")
    elif "confidentiality" not in a.types:
        a.note("encryption", value, "none: it protects confidentiality only, and none was lost",
               "EDPB 01/2021 case 2")
    elif a.types == {"confidentiality"}:
        a.note("encryption", value, "EI 0.25 and confidentiality CB 0: unintelligible to the recipient",
               "ENISA 2013 EI; EDPB 01/2021 case 6, Art. 34(3)(a)")
        return EI_SCORE["negligible"]
    else:
        a.note("encryption", value, "confidentiality CB 0; EI unchanged: it does not restore availability "
               "or integrity", "EDPB 01/2021 cases 2 and 10")
    return ei


def circumstances(a: Assessment) -> float:
    """CB: loss of confidentiality, integrity and availability, and malicious intent, added up."""
    facts = a.facts
    conf = 0.0
    recipients, count = a.recipients, facts.get("recipients_count")
    if "confidentiality" not in a.types:
        a.note("recipients", recipients, "CB +0: no loss of confidentiality", "ENISA 2013 CB")
    elif a.unintelligible:
        a.note("recipients", recipients, "CB +0: the data is unintelligible to them", "ENISA 2013 CB")
    elif recipients in ("none", "trusted"):
        a.note("recipients", recipients, "CB +0: no one, or only someone bound to confidentiality",
               "ENISA 2013 CB; EDPB 01/2021 case 9")
    elif recipients == "known" and count is not None:
        conf = 0.25
        a.note("recipients", f"known ({count})", "CB +0.25: a known number of known recipients",
               "ENISA 2013 CB")
    else:
        conf = 0.5
        why = "an unknown number of recipients" if recipients != "public" else "published"
        shown = f"{recipients} ({count})" if count is not None else recipients
        a.note("recipients", shown, f"CB +0.5: {why}", "ENISA 2013 CB; EDPB 01/2021 circumstances")
    return conf + _availability(a) + _integrity(a) + _malice(a)


def _availability(a: Assessment) -> float:
    hours, backup = a.facts.get("restored_within_hours"), bool(a.facts.get("backup_available"))
    value = {"backup_available": backup, "restored_within_hours": hours}
    if "availability" not in a.types:
        a.note("availability", value, "CB +0: not lost", "ENISA 2013 CB")
        return 0.0
    if a.restored_promptly:
        a.note("availability", value, f"CB +0: restored from backup within {PROMPT_RESTORE_HOURS} h",
               "ENISA 2013 CB; EDPB 01/2021 case 1")
        return 0.0
    if backup or hours is not None:
        a.note("availability", value, "CB +0.25: temporary unavailability", "ENISA 2013 CB; EDPB 01/2021 "
               "cases 2 and 3")
        return 0.25
    a.note("availability", value, "CB +0.5: lost, no backup (permanent)", "ENISA 2013 CB; EDPB 01/2021 case 4")
    return 0.5


def _integrity(a: Assessment) -> float:
    backup = bool(a.facts.get("backup_available"))
    if "integrity" not in a.types:
        a.note("integrity", {"backup_available": backup}, "CB +0: not lost", "ENISA 2013 CB")
        return 0.0
    cb = 0.0 if backup else 0.25
    a.note("integrity", {"backup_available": backup},
           f"CB +{cb}: altered, " + ("recoverable" if backup else "not recoverable (permanent)"), "ENISA 2013 CB")
    return cb


def _malice(a: Assessment) -> float:
    malicious = bool(a.facts.get("malicious"))
    a.note("malicious", malicious, "CB +0.5" if malicious else "CB +0",
           "ENISA 2013 CB: intentional action to harm")
    return 0.5 if malicious else 0.0


def level_for(score: float) -> str:
    return next(name for floor, name in LEVELS if score >= floor)


def severity(a: Assessment) -> tuple[float, str]:
    """ENISA: SE = DPC × EI + CB and its level."""
    a.note("role", a.facts["role"], "we decide, as controller" if a.facts["role"] == "controller" else
           "the controller decides: we tell it without undue delay (Art. 33(2))",
           "EDPB 9/2022 characteristics of the controller; seed 001")
    a.note("breach_types", sorted(a.types), "which CB terms and mitigations apply",
           "EDPB 9/2022 type of breach")
    dpc = data_processing_context(a)
    ei = ease_of_identification(a)
    cb = circumstances(a)
    score = round(dpc * ei + cb, 2)
    level = level_for(score)
    a.note("severity", score, f"SE = {dpc} × {ei} + {cb} = {score}: {level}", "ENISA 2013")
    return score, level


def risk(a: Assessment, level: str) -> str:
    """The risk to rights and freedoms: severity, then the EDPB's factors raise or settle it."""
    found = {"low": "none", "medium": "risk"}.get(level, "high")
    floors = [*_kept_data(a), *_lost_data(a), *_harms(a), *_scale(a)]
    severe = any(c in SEVERE_CONSEQUENCES for c in a.facts.get("consequences") or [])
    if _contained(a) and not severe:
        a.note("contained", True, f"risk {found} → none: every loss is contained",
               "EDPB 01/2021 cases 1, 6, 9, 10")
        return "none"
    for floor, why in floors:
        if RISKS.index(floor) > RISKS.index(found):
            a.note("floor", why, f"risk {found} → {floor}", "EDPB 01/2021, 9/2022")
            found = floor
    return found


def _kept_data(a: Assessment) -> list[tuple[str, str]]:
    """Confidentiality: data still in someone's hands is a risk, unless a known recipient gave it back."""
    recovered = a.facts.get("data_recovered")
    floors: list[tuple[str, str]] = []
    why = "counts for trusted or known recipients only"
    if a.recipients == "trusted" and "confidentiality" in a.types and not a.unintelligible:
        why = ("the trusted recipient returned or deleted it: contained" if recovered else
               "not confirmed: a trusted recipient still holds it")
    elif "confidentiality" in a.types and not a.unintelligible and a.recipients in ("known", "unknown", "public"):
        if a.recipients != "known":
            why = "counts not: data in unknown hands is never safely back (a criminal's promise)"
            floors.append(("risk", "data in unknown hands"))
        elif recovered:
            why = "lifts the floor: the known recipient gave it back or deleted it"
        elif a.facts.get("consequences") == []:
            why = "not recovered, but no harm is found likely"
        else:
            why = "not recovered: a known recipient keeps it"
            floors.append(("risk", "a known recipient keeps the data"))
    a.note("data_recovered", recovered, why, "EDPB 01/2021 cases 4, 9, 13, 16")
    return floors


def _lost_data(a: Assessment) -> list[tuple[str, str]]:
    """Availability and integrity: data not back in time is a risk whatever else protects it."""
    floors: list[tuple[str, str]] = []
    if "availability" in a.types and not a.restored_promptly:
        floors.append(("risk", f"availability not restored from backup within {PROMPT_RESTORE_HOURS} h"))
    if "integrity" in a.types and not a.facts.get("backup_available"):
        floors.append(("risk", "integrity lost without a way back"))
    return floors


def _harms(a: Assessment) -> list[tuple[str, str]]:
    consequences = a.facts.get("consequences")
    listed = list(consequences or [])
    severe = [c for c in listed if c in SEVERE_CONSEQUENCES]
    contributes = ("risk ≥ high" if severe else "risk ≥ risk" if listed else
                   "none raised: no harm found likely" if consequences == [] else "not assessed: severity decides")
    a.note("consequences", consequences, contributes,
           "EDPB 9/2022 severity and permanence of consequences; GDPR recitals 75, 85")
    if severe:
        return [("high", f"severe harm likely ({', '.join(severe)})")]
    return [("risk", f"harm likely ({', '.join(listed)})")] if listed else []


def _scale(a: Assessment) -> list[tuple[str, str]]:
    subjects = int(a.facts.get("subjects_count") or 0)
    large = subjects >= LARGE_SCALE_SUBJECTS and a.recipients in ("unknown", "public") and not a.unintelligible
    a.note("records_count", a.facts.get("records_count"), "none: volume weighs through the categories and subjects",
           "EDPB 9/2022 volume of personal data")
    a.note("subjects_count", subjects, "risk ≥ high: large scale, data in unknown hands" if large else "none",
           f"EDPB 9/2022 number of individuals (from {LARGE_SCALE_SUBJECTS} with data in unknown hands)")
    return [("high", f"{subjects} subjects, data in unknown hands")] if large else []


def _contained(a: Assessment) -> bool:
    """Every loss is undone or harmless: unintelligible or trusted and returned, restored in time."""
    facts, types = a.facts, a.types
    if not types:
        return False
    categories = facts.get("data_categories") or []
    special = bool(facts.get("special_categories")) or any(DPC_SCORE[c] == 4 for c in categories)
    trusted_back = a.recipients == "trusted" and bool(facts.get("data_recovered")) and not special
    confidentiality = "confidentiality" not in types or a.unintelligible or a.recipients == "none" or trusted_back
    availability = "availability" not in types or a.restored_promptly
    integrity = "integrity" not in types or (bool(facts.get("backup_available")) and a.restored_promptly)
    return confidentiality and availability and integrity
