"""Incident rules: ENISA severity, risk, crisis and GDPR obligations. Pure: no AWS, `now` passed in.

Severity follows ENISA's "Recommendations for a methodology of the assessment of severity of
personal data breaches" (2013): SE = DPC × EI + CB. Obligations follow Art. 33/34 GDPR and the
EDPB Guidelines 9/2022 (which authority) and 01/2021 (examples).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib.clock import iso
from chalicelib.clock import parse_iso as parse
from chalicelib.errors import InvalidInputError
from chalicelib.incidents.authorities import authority_for

# Data processing context (DPC) base score per category of the fixed vocabulary.
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

# Art. 33(1): 72 hours from awareness. "Without undue delay" (Art. 33(2), 34(1)) is tracked with
# our own deadlines so reminders and escalations work for every kind alike.
AUTHORITY_HOURS = 72
CONTROLLER_HOURS = 24
DATA_SUBJECT_HOURS = 72
REMINDERS_BEFORE_DUE = (timedelta(hours=24), timedelta(hours=6))  # 48 h and 66 h of 72


@dataclass(frozen=True)
class Verdict:
    score: float
    level: str
    risk: str
    crisis: bool
    obligations: list[dict[str, Any]]
    reasons: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"severity": {"score": self.score, "level": self.level}, "risk": self.risk,
                "crisis": self.crisis, "obligations": self.obligations, "reasons": self.reasons}


def data_processing_context(facts: dict[str, Any], reasons: list[str]) -> int:
    """DPC 1–4: the most sensitive category decides; vulnerable subjects raise it by one."""
    categories = list(facts.get("data_categories") or [])
    base = max((DPC_SCORE[c] for c in categories), default=1)
    if facts.get("special_categories"):
        base = 4
    top = [c for c in categories if DPC_SCORE[c] == base] or ["special categories"]
    reasons.append(f"DPC {base}: most sensitive data is {', '.join(top)}")
    if facts.get("vulnerable_subjects") and base < 4:
        base += 1
        reasons.append(f"DPC raised to {base}: the data subjects are vulnerable")
    return base


def ease_of_identification(facts: dict[str, Any], reasons: list[str]) -> float:
    """EI 0.25–1; data unintelligible to the recipient (encrypted, key safe) is negligible."""
    level = facts.get("identifiability", "maximum")
    if facts.get("encrypted") and not facts.get("key_compromised"):
        reasons.append("EI 0.25: data encrypted and the key not compromised")
        return EI_SCORE["negligible"]
    reasons.append(f"EI {EI_SCORE[level]}: identifiability {level}")
    return EI_SCORE[level]


def circumstances(facts: dict[str, Any], reasons: list[str]) -> float:
    """CB: loss of confidentiality, integrity, availability, and malicious intent, added up."""
    types = set(facts.get("breach_types") or [])
    cb = 0.0
    if "confidentiality" in types:
        wide = bool(facts.get("exfiltrated") or facts.get("malicious"))
        cb += 0.5 if wide else 0.25
        reasons.append(f"CB +{0.5 if wide else 0.25}: confidentiality lost "
                       f"({'to unknown recipients' if wide else 'to known recipients'})")
    recoverable = bool(facts.get("backup_available"))
    for kind in ("integrity", "availability"):
        if kind in types:
            cb += 0.25 if recoverable else 0.5
            reasons.append(f"CB +{0.25 if recoverable else 0.5}: {kind} lost "
                           f"({'recoverable' if recoverable else 'not recoverable'})")
    if facts.get("malicious"):
        cb += 0.5
        reasons.append("CB +0.5: malicious intent")
    return cb


def level_for(score: float) -> str:
    return next(name for floor, name in LEVELS if score >= floor)


def risk_for(level: str, facts: dict[str, Any], reasons: list[str]) -> str:
    """Risk to the data subjects: low severity is unlikely to result in a risk (Art. 33(1))."""
    if level == "low":
        reasons.append("risk none: severity low, unlikely to result in a risk (Art. 33(1))")
        return "none"
    if level in ("high", "very high"):
        reasons.append(f"risk high: severity {level} (Art. 34(1))")
        return "high"
    reasons.append("risk: severity medium")
    return "risk"


def assess(facts: dict[str, Any], lead_authority: str | None = None,
           eu_establishment: bool = True) -> Verdict:
    """The whole verdict for one assessment: severity, risk, crisis and obligations."""
    reasons: list[str] = []
    dpc = data_processing_context(facts, reasons)
    ei = ease_of_identification(facts, reasons)
    cb = circumstances(facts, reasons)
    score = round(dpc * ei + cb, 2)
    level = level_for(score)
    reasons.append(f"SE = {dpc} × {ei} + {cb} = {score}: {level}")
    risk = risk_for(level, facts, reasons)
    crisis = bool(facts.get("crisis")) or level == "very high"
    if crisis:
        reasons.append("crisis: " + ("declared in the assessment" if facts.get("crisis")
                                     else "severity very high"))
    obligations = decide_obligations(facts, risk, lead_authority, eu_establishment, reasons)
    return Verdict(score, level, risk, crisis, obligations, reasons)


def decide_obligations(facts: dict[str, Any], risk: str, lead_authority: str | None,
                       eu_establishment: bool, reasons: list[str]) -> list[dict[str, Any]]:
    """Who must be told, by when (due_at counts from awareness)."""
    aware = parse(facts["aware_at"])
    if facts["role"] == "processor":
        reasons.append("processor: inform the controller without undue delay (Art. 33(2)); "
                       "the controller decides the rest")
        return [_obligation("controller", None, aware, CONTROLLER_HOURS)]
    out: list[dict[str, Any]] = []
    if risk == "none":
        reasons.append("controller, no risk: document only, no notification (Art. 33(1), 33(5))")
        return out
    countries = sorted({c.upper() for c in facts.get("countries") or []})
    lead = (lead_authority or "").upper()
    if lead and eu_establishment:
        others = [c for c in countries if c != lead]
        reasons.append(f"controller, risk: notify the lead authority {lead} within 72 h (Art. 33(1), "
                       f"56), naming {', '.join(others) or 'no other country'}")
        out.append({**_obligation("authority", lead, aware, AUTHORITY_HOURS), "countries": countries})
    else:
        why = "no EU establishment: every authority concerned" if lead else "one per country"
        reasons.append(f"controller, risk: notify the authority of {', '.join(countries)} within 72 h "
                       f"(Art. 33(1); {why}, EDPB 9/2022)")
        out += [_obligation("authority", c, aware, AUTHORITY_HOURS) for c in countries]
    if risk == "high":
        exception = art34_exception(facts)
        if exception:
            reasons.append(f"data subjects not informed: Art. 34(3) exception, {exception}")
        else:
            channel = "public_notice" if facts.get("disproportionate_effort") else "direct"
            public = " by public communication (Art. 34(3)(c))" if channel == "public_notice" else ""
            reasons.append(f"high risk: inform the data subjects without undue delay (Art. 34(1)){public}")
            out.append({**_obligation("data_subjects", None, aware, DATA_SUBJECT_HOURS), "channel": channel})
    return out


def art34_exception(facts: dict[str, Any]) -> str | None:
    """The Art. 34(3)(a)/(b) exceptions that remove the duty to tell the data subjects."""
    if facts.get("encrypted") and not facts.get("key_compromised"):
        return "(a) data unintelligible (encrypted, key not compromised)"
    if facts.get("risk_removed_by_measures"):
        return "(b) later measures ensure the high risk is no longer likely"
    return None


def _obligation(kind: str, country: str | None, aware: datetime, hours: int) -> dict[str, Any]:
    item: dict[str, Any] = {"key": obligation_key(kind, country), "kind": kind,
                            "due_at": iso(aware + timedelta(hours=hours)), "status": "open"}
    if country:
        item["country"] = country
        item["authority"] = authority_for(country)
    return item


def obligation_key(kind: str, country: str | None) -> str:
    return f"{kind}#{country.upper()}" if country else kind


def deadline_events(obligation: dict[str, Any], now: datetime) -> list[str]:
    """Reminders and escalation due now for one open obligation and not yet sent."""
    if obligation.get("status") != "open":
        return []
    due = parse(obligation["due_at"])
    sent = set(obligation.get("alerts_sent") or [])
    due_events = [f"reminder_{int(before.total_seconds() // 3600)}h" for before in REMINDERS_BEFORE_DUE
                  if now >= due - before]
    if now > due:
        due_events.append("escalation_overdue")
    return [e for e in due_events if e not in sent]


def deadline_gauges(open_incidents: list[dict[str, Any]], now: datetime,
                    window: timedelta) -> dict[str, int]:
    """The dashboard's gauges: open incidents, and obligations not met that are overdue or due soon."""
    horizon = now + window
    at_risk = sum(1 for incident in open_incidents for o in (incident.get("obligations") or {}).values()
                  if o.get("status") != "met" and parse(o["due_at"]) <= horizon)
    return {"OpenIncidents": len(open_incidents), "DeadlinesAtRisk": at_risk}


def check_notification(obligation: dict[str, Any], sent_at: datetime,
                       late_reason: str | None) -> bool:
    """True when on time; a late one must give its reasons (Art. 33(1)). Raises ValueError."""
    on_time = sent_at <= parse(obligation["due_at"])
    if not on_time and not (late_reason or "").strip():
        raise ValueError("late_reason")
    return on_time


def client_time(text: str, field: str, now: datetime | None = None) -> datetime:
    """A client's timestamp as a datetime: a real date (not month 13, not year 0), not after `now`."""
    try:
        at = parse(text)
    except ValueError:
        raise InvalidInputError(field, "is not a valid date and time") from None
    if now is not None and at > now:
        raise InvalidInputError(field, "is in the future")
    return at


def check_action_times(actions: list[dict[str, Any]]) -> None:
    """Every due_at/done_at of recorded actions is a real date and time."""
    for i, action in enumerate(actions):
        for name in ("due_at", "done_at"):
            if name in action:
                client_time(action[name], f"actions.{i}.{name}")
