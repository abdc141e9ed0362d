"""The incident report (Art. 33(5) register entry): JSON for machines, Markdown for people. Pure.

The Markdown holds only assessed fields (what administrators recorded, never what a reporter
wrote), and every value is escaped as it is interpolated (`md`): free text cannot add a link, an
image, HTML or a heading; a value from a vocabulary (`word`) is shown only if it is one.
"""
from __future__ import annotations

import html
import re
from typing import Any

from chalicelib.incidents.rules import DATA_CATEGORIES

REPORT_VERSION = 1
_FACTS = ("role", "breach_types", "data_categories", "special_categories", "subjects_count", "records_count",
          "countries", "vulnerable_subjects", "encrypted", "key_compromised", "backup_available",
          "restored_within_hours", "exfiltrated", "malicious", "identifiability", "recipients", "recipients_count",
          "data_recovered", "consequences", "aware_at", "description", "likely_consequences", "measures_taken")


def build(incident: dict[str, Any]) -> dict[str, Any]:
    """Everything the review went through, without the reporter's contact details."""
    facts = incident.get("assessment") or {}
    verdict = incident.get("verdict") or {}
    review = incident.get("review") or {}
    actions = incident.get("actions") or []
    # Reports may be object-locked for 3 years, beyond the reach of an erasure request: nothing the
    # reporter wrote or is named by goes in (no address, subject or summary; the assessment describes it).
    source = {k: v for k, v in (incident.get("source") or {}).items() if k not in ("sender", "subject")}
    return {
        "report_version": REPORT_VERSION,
        "incident_id": incident["incident_id"],
        "alert_id": incident.get("alert_id"),
        # Assessed only: the alert's product is what a reporter typed on a public form.
        "product": facts.get("product"),
        "created_at": incident.get("created_at"),
        "closed_at": incident.get("closed_at"),
        "created_month": (incident.get("created_at") or "")[:7],
        "closed_month": (incident.get("closed_at") or "")[:7],
        "source": source,
        "flags": incident.get("flags", []),
        "coordinator": (incident.get("coordinator") or {}).get("name"),
        "assessment": {k: facts[k] for k in _FACTS if k in facts},
        "categories": facts.get("data_categories", []),
        "severity": verdict.get("severity"),
        "risk": verdict.get("risk"),
        "crisis": bool(verdict.get("crisis")),
        "reasons": verdict.get("reasons", []),
        "articles": verdict.get("articles"),
        "assessments": incident.get("assessments", []),
        "root_cause": review.get("root_cause"),
        "root_cause_confirmed": review.get("root_cause_confirmed"),
        "consequences": facts.get("likely_consequences"),
        "dpo_contact": incident.get("dpo_contact"),
        "notifications": [notification_entry(o, facts, incident.get("dpo_contact")) for o in
                          sorted((incident.get("obligations") or {}).values(), key=lambda o: o["key"])],
        "actions": actions,
        "open_actions": sum(1 for a in actions if not a.get("done_at")),
        "review": review,
        "timeline": incident.get("timeline", []),
    }


def notification_entry(obligation: dict[str, Any], facts: dict[str, Any],
                       dpo_contact: str | None = None) -> dict[str, Any]:
    """One obligation with the Art. 33(3) content it carried and whether it was on time."""
    phases = obligation.get("notifications") or []
    first = phases[0] if phases else {}
    return {
        "kind": obligation["kind"],
        "country": obligation.get("country"),
        "authority": obligation.get("authority"),
        "due_at": obligation["due_at"],
        "status": obligation["status"],
        "withdrawn_at": obligation.get("withdrawn_at"),
        "sent_at": first.get("sent_at"),
        "on_time": first.get("on_time"),
        "late_reason": first.get("late_reason"),
        "reference": first.get("reference"),
        "phases": phases,
        "art33_3": {
            "nature": facts.get("description"),
            "categories": facts.get("data_categories", []),
            "approx_subjects": facts.get("subjects_count"),
            "approx_records": facts.get("records_count"),
            "dpo_contact": dpo_contact,
            "likely_consequences": facts.get("likely_consequences"),
            "measures": facts.get("measures_taken"),
        },
    }


# Every ASCII punctuation mark CommonMark gives a meaning to (links, images, emphasis, code, headings,
# lists, tables, quotes, setext underlines); backslash-escaped, which CommonMark allows for any of them.
_MARKDOWN_SIGNS = re.compile(r"([\\`*_{}\[\]()#+\-!|~=:])")
_SPACES = re.compile(r"\s+")
# Our own formats, shown as they are when (and only when) a value has exactly that form.
_PLAIN = re.compile(r"INC-\d{4}-\d{6,}|\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?")
# Vocabulary values are our own identifiers: lowercase words, digits, "_", "-", spaces.
_TOKEN = re.compile(r"[a-z0-9][a-z0-9_ -]{0,39}")
_COUNTRY = re.compile(r"[A-Z]{2}")
# An obligation key (rules.obligation_key): inert in Markdown as it is (an intraword "_" or "#" is text).
_OBLIGATION_KEY = re.compile(r"[a-z]+(_[a-z]+)*(#[A-Z]{2})?")


def md(value: Any) -> str:
    """`value` as inert Markdown text on one line: HTML characters as entities, Markdown signs
    backslash-escaped, line breaks as spaces (a value never starts a new block)."""
    text = _SPACES.sub(" ", str(value)).strip()
    if _PLAIN.fullmatch(text):
        return text
    return _MARKDOWN_SIGNS.sub(r"\\\1", html.escape(text, quote=False))


def word(value: Any, allowed: tuple[str, ...] | None = None) -> str:
    """A vocabulary value, shown only if it is one (`allowed`, or the shape of our identifiers)."""
    text = str(value)
    ok = text in allowed if allowed is not None else bool(_TOKEN.fullmatch(text) or _COUNTRY.fullmatch(text))
    return md(text) if ok else "(not in the vocabulary)"


def _or(value: Any, default: str = "n/a") -> str:
    return md(value) if value not in (None, "", []) else default


def _assessment_line(a: dict[str, Any]) -> str:
    """One assessment of the incident's history: when, the verdict, what it added or withdrew."""
    severity = (a.get("verdict") or {}).get("severity") or {}
    line = (f"- {_or(a.get('at'))}: severity {word(severity.get('level'))} (score {_or(severity.get('score'))}), "
            f"risk {word((a.get('verdict') or {}).get('risk'))}; "
            f"obligations {', '.join(_obligation(o) for o in a.get('obligations') or []) or 'none'}")
    for what in ("added", "withdrawn"):
        if a.get(what):
            line += f"; {what} {', '.join(_obligation(o) for o in a[what])}"
    return line


def _obligation(key: Any) -> str:
    return str(key) if _OBLIGATION_KEY.fullmatch(str(key)) else "(not in the vocabulary)"


def markdown(report: dict[str, Any]) -> str:
    """The readable rendering administrators open in the S3 console; every value escaped."""
    sev = report.get("severity") or {}
    categories = [word(c, DATA_CATEGORIES) for c in report.get("categories") or []]
    lines = [
        f"# Incident report {md(report['incident_id'])}", "",
        f"- Product: {_or(report.get('product'))}",
        f"- Opened: {_or(report.get('created_at'))} — closed: {_or(report.get('closed_at'))}",
        f"- Coordinator: {_or(report.get('coordinator'))}",
        f"- Severity: {word(sev['level']) if sev.get('level') else 'n/a'} (score {_or(sev.get('score'))}), "
        f"risk {word(report.get('risk'))}, "
        f"crisis: {'yes' if report.get('crisis') else 'no'}",
        f"- Data categories: {', '.join(categories) or 'n/a'}", "",
        "## Details", "", md((report.get("assessment") or {}).get("description") or ""), "",
        "## Root cause", "", f"{_or(report.get('root_cause'))} "
        f"(confirmed: {'yes' if report.get('root_cause_confirmed') else 'no'})", "",
        "## Consequences for data subjects", "", _or(report.get("consequences")), "",
        "## Severity reasons", "", *[f"- {md(r)}" for r in report.get("reasons") or []], "",
        "## Assessments", "",
        *[_assessment_line(a) for a in report.get("assessments") or []], "",
        "## Notifications", "",
    ]
    for n in report["notifications"]:
        where = f" {word(n['country'])}" if n.get("country") else ""
        late = f"; late: {md(n['late_reason'])}" if n.get("late_reason") else ""
        lines.append(f"- {word(n['kind'])}{where}: due {md(n['due_at'])}, {word(n['status'])}, "
                     f"sent {_or(n.get('sent_at'), '-')} "
                     f"(on time: {md(n.get('on_time'))}){late}; reference {_or(n.get('reference'), '-')}")
    if not report["notifications"]:
        lines.append("- none required (documented only, Art. 33(5))")
    lines += ["", "## Mitigating actions", ""]
    lines += [f"- {md(a['description'])} (owner {_or(a.get('owner'), '-')}, due {_or(a.get('due_at'), '-')}, "
              f"done {_or(a.get('done_at'), 'open')})" for a in report["actions"]] or ["- none"]
    review = report.get("review") or {}
    lines += ["", "## Review meeting", "",
              f"- Held: {md(review.get('held_at'))}; attendees: "
              f"{', '.join(md(a) for a in review.get('attendees') or [])}",
              f"- Process adherence: {md(review.get('process_adherence'))}",
              f"- Lessons: {md(review.get('lessons'))}", "", "## Timeline", ""]
    lines += [f"- {md(e['at'])} {md(e['event'])} ({md(e['actor'])})" for e in report["timeline"]]
    return "\n".join(lines) + "\n"
