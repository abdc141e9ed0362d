"""How long a human step of the workflow waits before a reminder, who is told, and what it waits for.

Pure rules (no AWS): the ASL reads each wait's timeout from its input (`TimeoutSecondsPath`), the
Catch of `States.Timeout` runs the `remind` task, which posts the reminder (escalating) and
returns the next timeout, and the state waits again with a fresh token. No wait lasts forever.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

# When each human step is due, counted from when the workflow starts waiting for it (our policy;
# the legal clock is the obligation's own due_at, Art. 33(1): 72 h from awareness). The assessment
# is due within 24 h of the alert so that 48 h remain to notify.
DUE_AFTER = {"assessment": timedelta(hours=24), "actions": timedelta(days=7), "review": timedelta(days=14)}
# Once due, the step is reminded again every interval, one escalation level higher each time.
INTERVAL = {"assessment": timedelta(hours=6), "notification": timedelta(hours=6),
            "actions": timedelta(days=1), "review": timedelta(days=2)}
LEVELS = ("room", "security_ops", "crisis")  # 1st reminder, 2nd, 3rd and later
MIN_SECONDS = 60
WAITING = {
    "assessment": "the assessment: POST /v1/admin/incidents/{id}/assessment",
    "obligations": "the notifications still open: POST /v1/admin/incidents/{id}/notifications",
    "actions": "the mitigating actions, complete=true: POST /v1/admin/incidents/{id}/actions",
    "actions_done": "the review meeting: POST /v1/admin/incidents/{id}/review",
    "review": "the review meeting: POST /v1/admin/incidents/{id}/review",
}
AUTOMATIC = {"registered": "AppointCoordinator", "appointed": "WaitForAssessment (token being stored)",
             "scoring": "ScoreSeverity", "scored": "MeetObligations or MobiliseCrisisTeam",
             "crisis": "MeetObligations", "closing": "CloseIncident"}


def initial() -> dict[str, int]:
    """The execution input's `waits`: each human step's first timeout, in seconds."""
    return {step: int(due.total_seconds()) for step, due in DUE_AFTER.items()}


def seconds_until(due_at: datetime, now: datetime) -> int:
    """A timeout that ends at `due_at` (at least a minute: Step Functions needs a positive integer)."""
    return max(MIN_SECONDS, int((due_at - now).total_seconds()))


def next_seconds(step: str) -> int:
    return int(INTERVAL[step].total_seconds())


def level(reminders: int) -> str:
    """Who the n-th reminder (1-based) goes to: the incident room, then security ops, then the crisis team."""
    return LEVELS[min(max(reminders, 1), len(LEVELS)) - 1]


def waiting_for(incident: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Where an incident waits and why, for the admin view (the console graph shows the same state)."""
    step = incident.get("step", "")
    reminders = dict(incident.get("reminders") or {})
    if step == "closed":
        return {"who": "nobody", "what": "closed"}
    if step in AUTOMATIC:
        return {"who": "workflow", "what": AUTOMATIC[step], "reminders": reminders}
    open_obligations = sorted((o["due_at"], k) for k, o in (incident.get("obligations") or {}).items()
                              if o.get("status") == "open")
    found: dict[str, Any] = {"who": "administrator",
                             "what": WAITING.get(step, step).replace("{id}", incident.get("incident_id", "")),
                             "reminders": reminders}
    if step == "obligations":
        found["open"] = [{"key": k, "due_at": due, "overdue": due < now.strftime("%Y-%m-%dT%H:%M:%SZ")}
                         for due, k in open_obligations]
    return found
