"""Administrators' use cases: each records a step and, at a waiting step, lets the workflow go on."""
from __future__ import annotations

from collections import Counter
from typing import Any

from chalicelib import aws, clock
from chalicelib.errors import ConflictError, InvalidInputError
from chalicelib.incidents import rules, service, store, tasks, waits
from chalicelib.incidents.store import StepConflictError

# Each tuple names every step a request is valid at (the write is conditional on it): the
# workflow moves on meanwhile. Steps after scoring allow a reassessment (kept in the timeline).
REASSESSABLE = ("scored", "crisis", "obligations", "actions")
NOTIFIABLE = ("scoring", "scored", "crisis", "obligations", "actions", "actions_done", "review")
BEFORE_ACTIONS = ("scoring", "scored", "crisis", "obligations")
MITIGATED = ("actions_done", *BEFORE_ACTIONS, "actions")
OPEN_STEPS = ("appointed", "assessment", *BEFORE_ACTIONS, "actions", "actions_done", "review", "closing")
ACTIONABLE = ("assessment", "scoring", "scored", "crisis", "obligations", "actions")


def list_incidents(status: str | None) -> list[dict[str, Any]]:
    now = clock.now()
    statuses = [status] if status else ["open", "closed"]
    found = [i for s in statuses for i in store.query_incidents(s, now)]
    fields = ("incident_id", "alert_id", "status", "step", "created_at", "summary", "product")
    return [{k: i.get(k) for k in fields}
            | {"level": (i.get("verdict") or {}).get("severity", {}).get("level"),
               "next_due_at": _next_due(i), "waiting_for": waits.waiting_for(i, now)["what"]} for i in found]


def _next_due(incident: dict[str, Any]) -> str | None:
    due = [o["due_at"] for o in (incident.get("obligations") or {}).values() if o["status"] == "open"]
    return min(due) if due else None


def get_detail(incident_id: str) -> dict[str, Any]:
    """State, current step, deadlines, timeline and the alert (with its e-mail source)."""
    now = clock.now()
    incident = store.get_incident(incident_id, now)
    incident.pop("tokens", None)
    for obligation in (incident.get("obligations") or {}).values():
        obligation.pop("token", None)
        obligation["overdue"] = obligation["status"] == "open" and rules.parse(obligation["due_at"]) < now
    alert = store.get_alert(incident["alert_id"], now) or {}
    incident["alert"] = {k: alert.get(k) for k in ("alert_id", "source", "reporter", "summary", "description",
                                                    "verdicts", "flags", "attachments", "duplicates",
                                                    "received_at") if alert.get(k) is not None}
    obligations = (incident.get("obligations") or {}).values()
    fields = ("key", "due_at", "status", "overdue")
    deadlines = [{k: o[k] for k in fields} for o in obligations]
    incident["deadlines"] = sorted(deadlines, key=lambda d: d["due_at"])
    incident["execution"] = service.describe_execution(incident["alert_id"])
    marks = incident.pop("reminder_marks", None) or []
    incident["reminders"] = dict(Counter(str(m).split("|")[0] for m in marks))
    incident["waiting"] = waits.waiting_for(incident, now)
    return incident


def get_report(incident_id: str, fmt: str) -> tuple[str, str]:
    """The closed incident's report as stored in S3: (content type, body)."""
    incident = store.get_incident(incident_id, clock.now())
    location = incident.get("report")
    if not location:
        raise StepConflictError(f"incident {incident_id} is at step {incident['step']}: no report until "
                                "it is closed", "incident_id")
    if fmt == "markdown":
        return "text/markdown; charset=utf-8", store.get_report_text(location["markdown_key"])
    return "application/json", store.get_report_text(location["json_key"])


# Each assessment is kept with its time (the report lists them); bounded so the item stays small.
MAX_ASSESSMENTS = 20


def record_assessment(incident_id: str, facts: dict[str, Any], actor: str) -> dict[str, Any]:
    """Store the facts, return the verdict; at the assessment step, the workflow scores it. A later
    assessment adds obligations, re-times or reopens others, and withdraws open ones no longer due."""
    now = clock.now()
    rules.client_time(facts["aware_at"], "aware_at", now)
    rules.check_facts(facts)
    incident = store.get_incident(incident_id, now)
    verdict = tasks.assess(facts)
    step = incident["step"]
    if step == "scoring" and incident.get("assessment") == facts:
        # recorded, but the answer to the workflow may have been lost (a crash, a 503): send it again
        _resume(incident_id, incident, "assessment", {"recorded": True})
        return {"incident_id": incident_id, **verdict.as_dict()}
    if step not in ("assessment", "scoring", *REASSESSABLE):
        raise StepConflictError(f"incident {incident_id} is at step {step}: no assessment now", "incident_id")
    if len(incident.get("assessments") or []) >= MAX_ASSESSMENTS:
        raise ConflictError(f"incident {incident_id} has {MAX_ASSESSMENTS} assessments already", "incident_id")
    first = step in ("assessment", "scoring")
    added, changed, withdrawn = rules.reassess_obligations(incident.get("obligations") or {}, verdict.obligations)
    sets: dict[str, Any] = {"assessment": facts, "verdict": verdict.as_dict()}
    reopened = [o["key"] for o in changed if incident["obligations"][o["key"]]["status"] == "withdrawn"]
    sets |= {f"obligations.{o['key']}.due_at": o["due_at"] for o in changed}
    sets |= {f"obligations.{key}.status": "open" for key in reopened}
    if first:
        sets["step"] = "scoring"
    name = "assessment_recorded" if step == "assessment" else "reassessment_recorded"
    record = {"at": clock.iso(now), "actor": actor, "facts": facts,
              "verdict": {k: v for k, v in verdict.as_dict().items() if k not in ("factors", "obligations")},
              "obligations": [o["key"] for o in verdict.obligations],
              "added": [o["key"] for o in added] + reopened, "withdrawn": withdrawn}
    store.update_incident(incident_id, sets, [tasks.event(name, now, actor, level=verdict.level, risk=verdict.risk,
                                                          added=record["added"], withdrawn=withdrawn)],
                          steps=(step,) if first else REASSESSABLE,
                          removes=tuple(f"obligations.{key}.withdrawn_at" for key in reopened),
                          defaults={f"obligations.{o['key']}": o for o in added},
                          appends={"assessments": [record]})
    for key in withdrawn:  # written, then the token read: the waiting task does the opposite
        done, token = store.withdraw_obligation(incident_id, key, clock.iso(now))
        if done and token:
            service.complete_task(token, {"key": key, "withdrawn": True}, quiet=True)
    if first:
        _resume(incident_id, incident, "assessment", {"recorded": True})
    _post(incident, f"{name.replace('_', ' ')}: severity {verdict.level}, risk {verdict.risk}")
    return {"incident_id": incident_id, **verdict.as_dict()}


def _post(incident: dict[str, Any], text: str) -> None:
    """Every step is posted in the incident room (ids and steps only)."""
    topic = (incident.get("room") or {}).get("topic_arn")
    service.publish(topic, f"{incident['incident_id']}: {text}"[:100], f"{incident['incident_id']}: {text}")


def _resume(incident_id: str, incident: dict[str, Any], name: str, output: dict[str, Any]) -> None:
    """Answer the waiting state. The step has moved on already and never moves back: if this answer
    is lost (crash, 503), the same request again sends it again (see each use case's retry branch)."""
    token = (incident.get("tokens") or {}).get(name)
    if not token:
        raise StepConflictError(f"incident {incident_id} is not waiting for {name} yet; retry", "incident_id")
    service.complete_task(token, output)


def _resume_if_waiting(incident_id: str, name: str, next_step: str) -> None:
    """Recorded early: if the workflow got to this step meanwhile, let it go on (written, then read)."""
    fresh = store.get_incident(incident_id, clock.now())
    token = (fresh.get("tokens") or {}).get(name)
    if fresh["step"] == name and token:
        store.update_incident(incident_id, {"step": next_step})
        service.complete_task(token, {"early": True}, quiet=True)


def record_actions(incident_id: str, body: dict[str, Any], actor: str) -> dict[str, Any]:
    now = clock.now()
    rules.check_action_times(body.get("actions") or [])
    incident = store.get_incident(incident_id, now)
    complete = bool(body.get("complete"))
    step = incident["step"]
    if _is_repeat_of_completion(incident, body):
        _resume(incident_id, incident, "actions", {"actions": len(incident.get("actions") or [])})
        return {"incident_id": incident_id, "actions": incident.get("actions") or [], "step": step}
    open_obligations = [k for k, o in (incident.get("obligations") or {}).items() if o["status"] == "open"]
    # an obligation a reassessment added after the workflow's Map is waited for here
    if complete and (open_obligations or step not in ("actions", *BEFORE_ACTIONS)):
        waiting = f" (open obligations: {', '.join(open_obligations)})" if open_obligations else ""
        raise StepConflictError(f"incident {incident_id} is at step {step}{waiting}: mitigation can be "
                                "completed once every obligation is met", "complete")
    if incident["step"] not in ACTIONABLE:
        raise StepConflictError(f"incident {incident_id} is at step {incident['step']}: no actions now",
                                "incident_id")
    added = [{**a, "recorded_at": clock.iso(now), "recorded_by": actor} for a in body.get("actions") or []]
    actions = [*(incident.get("actions") or []), *added]
    sets: dict[str, Any] = {"actions": actions}
    if complete and step == "actions":
        sets["step"] = "actions_done"
    elif complete:
        sets["mitigation_completed_at"] = clock.iso(now)
    events = [tasks.event("action_recorded", now, actor, description=a["description"][:200]) for a in added]
    if complete:
        events.append(tasks.event("mitigation_completed", now, actor))
    store.update_incident(incident_id, sets, events,
                          steps=("actions",) if complete and step == "actions" else ACTIONABLE)
    if complete and step == "actions":
        _resume(incident_id, incident, "actions", {"actions": len(actions)})
    elif complete:
        _resume_if_waiting(incident_id, "actions", "actions_done")
    _post(incident, f"{len(added)} action(s) recorded" + ("; mitigation complete" if complete else ""))
    return {"incident_id": incident_id, "actions": actions, "step": sets.get("step", incident["step"])}


def _is_repeat_of_completion(incident: dict[str, Any], body: dict[str, Any]) -> bool:
    """`complete` sent again at actions_done, nothing new in it: a retry whose answer may be lost."""
    known = {a["description"] for a in incident.get("actions") or []}
    return (incident["step"] == "actions_done" and bool(body.get("complete"))
            and bool((incident.get("tokens") or {}).get("actions"))
            and all(a["description"] in known for a in body.get("actions") or []))


def record_notification(incident_id: str, body: dict[str, Any], actor: str) -> dict[str, Any]:
    """A notice sent (Art. 33/34): the initial phase meets the obligation; late ones give reasons."""
    now = clock.now()
    sent_at = rules.client_time(body["sent_at"], "sent_at", now)
    incident = store.get_incident(incident_id, now)
    if incident["step"] not in NOTIFIABLE:
        raise StepConflictError(f"incident {incident_id} is at step {incident['step']}: no obligations yet",
                                "incident_id")
    key = rules.obligation_key(body["kind"], body.get("country") if body["kind"] == "authority" else None)
    obligation = (incident.get("obligations") or {}).get(key)
    if obligation is None:
        field = "country" if body["kind"] == "authority" else "kind"
        raise ConflictError(f"incident {incident_id} has no {key} obligation", field)
    if obligation["status"] == "withdrawn":
        raise ConflictError(f"the {key} obligation was withdrawn by a reassessment at {obligation['withdrawn_at']}",
                            "country" if body["kind"] == "authority" else "kind")
    phase = body.get("phase", "initial")
    if phase == "initial" and obligation["status"] == "met":
        raise ConflictError(f"the {key} obligation is met already: send phase follow_up", "phase")
    if phase == "follow_up" and obligation["status"] != "met":
        raise InvalidInputError("phase", "the initial notification comes first (Art. 33(4))")
    try:
        on_time = rules.check_notification(obligation, sent_at, body.get("late_reason"))
    except ValueError:
        raise InvalidInputError("late_reason", f"required: sent after the deadline {obligation['due_at']} "
                                "(Art. 33(1))") from None
    entry = {**{k: body[k] for k in ("reference", "late_reason", "content") if body.get(k)},
             "phase": phase, "sent_at": clock.iso(sent_at), "on_time": on_time, "recorded_by": actor}
    notes = [*(obligation.get("notifications") or []), entry]
    sets: dict[str, Any] = {f"obligations.{key}.notifications": notes}
    if phase == "initial":
        sets[f"obligations.{key}.status"] = "met"
    store.update_incident(incident_id, sets, [tasks.event("notification_recorded", now, actor, obligation=key,
                                                          phase=phase, on_time=on_time)],
                          steps=NOTIFIABLE)
    if phase == "initial":  # the token is read after our write: the waiting task does the opposite
        fresh = store.get_incident(incident_id, now)
        token = fresh["obligations"][key].get("token")
        if token:
            service.complete_task(token, {"key": key}, quiet=True)
    _post(incident, f"notification {key} ({phase}) recorded" + ("" if on_time else ", late"))
    return {"incident_id": incident_id, "obligation": key, "status": "met", "on_time": on_time,
            "phase": phase}


def record_review(incident_id: str, body: dict[str, Any], actor: str) -> dict[str, Any]:
    now = clock.now()
    rules.client_time(body["held_at"], "held_at")
    incident = store.get_incident(incident_id, now)
    step = incident["step"]
    if step == "closing" and incident.get("review") == body and (incident.get("tokens") or {}).get("review"):
        _resume(incident_id, incident, "review", {"reviewed": True})  # a retry: the answer may be lost
        return {"incident_id": incident_id, "step": "closing"}
    mitigated = step == "actions_done" or (step in (*BEFORE_ACTIONS, "actions")
                                           and incident.get("mitigation_completed_at"))
    if not (step == "review" or mitigated) or (incident.get("review") and step != "review"):
        raise StepConflictError(f"incident {incident_id} is at step {step}: the review meeting "
                                "comes after the mitigating actions", "incident_id")
    sets = {"review": body, **({"step": "closing"} if step == "review" else {})}
    store.update_incident(incident_id, sets,
                          [tasks.event("review_held", now, actor, attendees=len(body["attendees"]))],
                          steps=("review",) if step == "review" else (*MITIGATED, "review"))
    if step == "review":
        _resume(incident_id, incident, "review", {"reviewed": True})
    else:
        _resume_if_waiting(incident_id, "review", "closing")
    _post(incident, "review meeting held; closing")
    return {"incident_id": incident_id, "step": "closing"}


def set_coordinator(incident_id: str, body: dict[str, Any], actor: str) -> dict[str, Any]:
    now = clock.now()
    incident = store.get_incident(incident_id, now)
    if incident["status"] == "closed" or incident["step"] == "registered":
        raise StepConflictError(f"incident {incident_id} is at step {incident['step']}: "
                                "no coordinator change", "incident_id")
    person = {"name": body["name"], "email": body["email"]}
    room = incident.get("room") or {}
    if room.get("topic_arn") and body["email"] not in room.get("members", []):
        aws.client("sns").subscribe(TopicArn=room["topic_arn"], Protocol="email", Endpoint=body["email"])
        room = {**room, "members": sorted({*room.get("members", []), body["email"]})}
    store.update_incident(incident_id, {"coordinator": person, "room": room},
                          [tasks.event("coordinator_changed", now, actor, coordinator=person["name"])],
                          steps=OPEN_STEPS)
    service.publish(room.get("topic_arn"), f"{incident_id}: coordinator",
                    f"{person['name']} now coordinates.")
    return {"incident_id": incident_id, "coordinator": person}
