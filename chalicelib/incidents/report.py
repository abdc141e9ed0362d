"""The incident report (Art. 33(5) register entry): JSON for machines, Markdown for people. Pure."""
from __future__ import annotations

from typing import Any

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
        "product": facts.get("product") or incident.get("product"),
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


def markdown(report: dict[str, Any]) -> str:
    """The readable rendering administrators open in the S3 console."""
    sev = report.get("severity") or {}
    lines = [
        f"# Incident report {report['incident_id']}", "",
        f"- Product: {report.get('product') or 'n/a'}",
        f"- Opened: {report.get('created_at')} — closed: {report.get('closed_at')}",
        f"- Coordinator: {report.get('coordinator') or 'n/a'}",
        f"- Severity: {sev.get('level', 'n/a')} (score {sev.get('score', 'n/a')}), "
        f"risk {report.get('risk')}, "
        f"crisis: {'yes' if report.get('crisis') else 'no'}",
        f"- Data categories: {', '.join(report.get('categories') or []) or 'n/a'}", "",
        "## Details", "", str((report.get("assessment") or {}).get("description") or ""), "",
        "## Root cause", "", f"{report.get('root_cause') or 'n/a'} "
        f"(confirmed: {'yes' if report.get('root_cause_confirmed') else 'no'})", "",
        "## Consequences for data subjects", "", str(report.get("consequences") or "n/a"), "",
        "## Severity reasons", "", *[f"- {r}" for r in report.get("reasons") or []], "",
        "## Assessments", "",
        *[f"- {a['at']}: severity {a['verdict']['severity']['level']} (score {a['verdict']['severity']['score']}), "
          f"risk {a['verdict']['risk']}; obligations {', '.join(a['obligations']) or 'none'}"
          + "".join(f"; {what} {', '.join(a[what])}" for what in ("added", "withdrawn") if a.get(what))
          for a in report.get("assessments") or []], "",
        "## Notifications", "",
    ]
    for n in report["notifications"]:
        where = f" {n['country']}" if n.get("country") else ""
        late = f"; late: {n['late_reason']}" if n.get("late_reason") else ""
        lines.append(f"- {n['kind']}{where}: due {n['due_at']}, {n['status']}, "
                     f"sent {n.get('sent_at') or '-'} "
                     f"(on time: {n.get('on_time')}){late}; reference {n.get('reference') or '-'}")
    if not report["notifications"]:
        lines.append("- none required (documented only, Art. 33(5))")
    lines += ["", "## Mitigating actions", ""]
    lines += [f"- {a['description']} (owner {a.get('owner') or '-'}, due {a.get('due_at') or '-'}, "
              f"done {a.get('done_at') or 'open'})" for a in report["actions"]] or ["- none"]
    review = report.get("review") or {}
    lines += ["", "## Review meeting", "",
              f"- Held: {review.get('held_at')}; attendees: {', '.join(review.get('attendees') or [])}",
              f"- Process adherence: {review.get('process_adherence')}",
              f"- Lessons: {review.get('lessons')}", "", "## Timeline", ""]
    lines += [f"- {e['at']} {e['event']} ({e['actor']})" for e in report["timeline"]]
    return "\n".join(lines) + "\n"
