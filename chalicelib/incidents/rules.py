"""Incident rules: the verdict (severity, risk, crisis) and GDPR obligations. Pure: no AWS, `now` passed in.

The assessment model (ENISA severity, EDPB risk factors) is `risk.py`; obligations follow Art. 33/34
GDPR and the EDPB Guidelines 9/2022 (which authority) and 01/2021 (examples).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib.clock import iso
from chalicelib.clock import parse_iso as parse
from chalicelib.errors import InvalidInputError
from chalicelib.incidents import risk as model
from chalicelib.incidents.authorities import authority_for
from chalicelib.incidents.risk import DATA_CATEGORIES, level_for

__all__ = ["DATA_CATEGORIES", "Verdict", "assess", "level_for"]

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
    factors: list[dict[str, Any]]
    articles: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"severity": {"score": self.score, "level": self.level}, "risk": self.risk,
                "crisis": self.crisis, "articles": self.articles, "obligations": self.obligations,
                "reasons": self.reasons, "factors": self.factors}


def assess(facts: dict[str, Any], lead_authority: str | None = None,
           eu_establishment: bool = True) -> Verdict:
    """The whole verdict for one assessment: severity, risk, crisis, the articles and obligations."""
    a = model.Assessment(facts)
    score, level = model.severity(a)
    risk = model.risk(a, level)
    crisis = bool(facts.get("crisis")) or level == "very high"
    a.note("crisis", crisis, "crisis team mobilised" if crisis else "no crisis",
           "declared in the assessment" if facts.get("crisis") else "seed 001: severity very high")
    notes: list[str] = []
    obligations = decide_obligations(facts, risk, lead_authority, eu_establishment, notes)
    articles = _articles(a, risk, obligations)
    reasons = model.reasons_of(a.factors) + notes
    return Verdict(score, level, risk, crisis, obligations, reasons, a.factors, articles)


def _articles(a: model.Assessment, risk: str, obligations: list[dict[str, Any]]) -> dict[str, Any]:
    """Which risk level triggers Art. 33 and Art. 34, whether it is reached, and why."""
    kinds = {o["kind"] for o in obligations}
    controller = a.facts["role"] == "controller"
    found = {"none": "no risk", "risk": "a risk", "high": "a high risk"}[risk]
    art33: dict[str, Any] = {"threshold": "risk", "risk": risk, "applies": "authority" in kinds,
             "why": ("processor: the controller decides (Art. 33(2))" if not controller else
                     f"{found} reaches the threshold: notify the authority within 72 h (Art. 33(1))"
                     if risk != "none" else "unlikely to result in a risk: document only (Art. 33(1), 33(5))")}
    exception = art34_exception(a.facts) if risk == "high" and controller else None
    art34: dict[str, Any] = {"threshold": "high", "risk": risk, "applies": "data_subjects" in kinds,
             "why": ("processor: the controller decides (Art. 33(2))" if not controller else
                     f"Art. 34(3) exception {exception}" if exception else
                     "high risk: inform the data subjects without undue delay (Art. 34(1))" if risk == "high"
                     else f"{found} is below high risk: the data subjects need not be told (Art. 34(1))")}
    a.note("art33", art33["applies"], str(art33["why"]), "Art. 33 GDPR: threshold risk")
    a.note("art34", art34["applies"], str(art34["why"]), "Art. 34 GDPR: threshold high risk")
    return {"art33": art33, "art34": art34}


def decide_obligations(facts: dict[str, Any], risk: str, lead_authority: str | None,
                       eu_establishment: bool, reasons: list[str]) -> list[dict[str, Any]]:
    """Who must be told, by when (due_at counts from awareness)."""
    aware = parse(facts["aware_at"])
    if facts["role"] == "processor":
        reasons.append("obligations: processor → inform the controller without undue delay (Art. 33(2)); "
                       "the controller decides the rest (seed 001)")
        return [_obligation("controller", None, aware, CONTROLLER_HOURS)]
    out: list[dict[str, Any]] = []
    if risk == "none":
        reasons.append("obligations: controller, no risk → document only, no notification (Art. 33(1), 33(5))")
        return out
    countries = sorted({c.upper() for c in facts.get("countries") or []})
    lead = (lead_authority or "").upper()
    if lead and eu_establishment:
        others = [c for c in countries if c != lead]
        reasons.append(f"obligations: controller, risk → notify the lead authority {lead} within 72 h (Art. 33(1), "
                       f"56), naming {', '.join(others) or 'no other country'}")
        out.append({**_obligation("authority", lead, aware, AUTHORITY_HOURS), "countries": countries})
    else:
        why = "no EU establishment: every authority concerned" if lead else "one per country"
        reasons.append(f"obligations: controller, risk → notify the authority of {', '.join(countries)} within 72 h "
                       f"(Art. 33(1); {why}, EDPB 9/2022)")
        out += [_obligation("authority", c, aware, AUTHORITY_HOURS) for c in countries]
    if risk == "high":
        exception = art34_exception(facts)
        if exception:
            reasons.append(f"obligations: data subjects not informed: Art. 34(3) exception, {exception}")
        else:
            channel = "public_notice" if facts.get("disproportionate_effort") else "direct"
            public = " by public communication (Art. 34(3)(c))" if channel == "public_notice" else ""
            reasons.append("obligations: high risk → inform the data subjects without undue delay "
                           f"(Art. 34(1)){public}")
            out.append({**_obligation("data_subjects", None, aware, DATA_SUBJECT_HOURS), "channel": channel})
    return out


def art34_exception(facts: dict[str, Any]) -> str | None:
    """The Art. 34(3)(a)/(b) exceptions that remove the duty to tell the data subjects. Unintelligible
    data (a) answers a loss of confidentiality only: it does not give back lost or altered data."""
    confidentiality_only = set(facts.get("breach_types") or []) == {"confidentiality"}
    if facts.get("encrypted") and not facts.get("key_compromised") and confidentiality_only:
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


def reassess_obligations(current: dict[str, dict[str, Any]], decided: list[dict[str, Any]]
                         ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """What a later assessment changes: obligations to add, ones to re-time or reopen, open ones to
    withdraw. A met obligation stays met: a notice sent cannot be unsent (it stays in the report)."""
    wanted = {o["key"]: o for o in decided}
    added = [o for key, o in wanted.items() if key not in current]
    changed = [o for key, o in wanted.items() if key in current and (
        current[key]["status"] == "withdrawn" or current[key]["due_at"] != o["due_at"])]
    withdrawn = sorted(key for key, o in current.items() if key not in wanted and o["status"] == "open")
    return added, changed, withdrawn


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
    """The dashboard's gauges: open incidents, and open obligations (neither met nor withdrawn) that
    are overdue or due soon."""
    horizon = now + window
    at_risk = sum(1 for incident in open_incidents for o in (incident.get("obligations") or {}).values()
                  if o.get("status", "open") == "open" and parse(o["due_at"]) <= horizon)
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


def check_facts(facts: dict[str, Any]) -> None:
    """Facts that contradict each other are refused, naming the field (the schema checks each alone)."""
    recipients, count = facts.get("recipients"), facts.get("recipients_count")
    if recipients == "none" and count:
        raise InvalidInputError("recipients_count", "must be 0 when recipients is none")
    if recipients in ("trusted", "known") and count == 0:
        raise InvalidInputError("recipients_count", f"must be at least 1 when recipients is {recipients}")
    if recipients == "none" and facts.get("exfiltrated"):
        raise InvalidInputError("recipients", "cannot be none when the data was exfiltrated")
    if recipients not in (None, "none") and "confidentiality" not in (facts.get("breach_types") or []):
        raise InvalidInputError("recipients", "applies to a loss of confidentiality: add it to breach_types")
