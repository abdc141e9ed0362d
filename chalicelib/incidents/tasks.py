"""The workflow's queue-backed tasks: automatic ones answer the token, Wait* ones store it."""
from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from chalicelib import aws, clock, lazy
from chalicelib.config import get_settings
from chalicelib.incidents import rules, service, store, waits
from chalicelib.obs import log_failure, logger

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.incidents import report
else:  # only the report task builds the report (cold start of the task runner, chalicelib/lazy.py)
    report = lazy.module("chalicelib.incidents.report")


# The incident's steps in the order the workflow takes them. Every step write is conditional on
# the step(s) it expects, so a redelivered task can never move an incident back.
STEPS = ("registered", "appointed", "assessment", "scoring", "scored", "crisis", "obligations", "actions",
         "actions_done", "review", "closing", "closed")


def is_past(current: str, step: str) -> bool:
    """The incident has moved beyond `step` (its work is done)."""
    return STEPS.index(current) > STEPS.index(step)


def run(message: dict[str, Any]) -> None:
    """Run one task message; an automatic task's error becomes SendTaskFailure (the ASL retries).

    A task whose work is done already (an SQS redelivery) answers with the stored result; a closed
    token (timed out, answered, execution over) is logged and dropped, never retried into the DLQ.
    """
    task, token = message["task"], message["token"]
    if task in WAITS:
        WAITS[task](message, token)
        return
    try:
        output = AUTOMATIC[task](message, clock.now())
    except Exception as exc:
        log_failure("task failed", exc, task=task, alert_id=message.get("alert_id"))
        service.fail_task(token, "TaskFailed", type(exc).__name__)
        return
    service.complete_task(token, output)


def event(name: str, now: datetime, actor: str = "workflow", **detail: Any) -> dict[str, Any]:
    """One timeline entry: what happened, when, by whom."""
    return {"at": clock.iso(now), "event": name, "actor": actor, **({"detail": detail} if detail else {})}


def register(message: dict[str, Any], now: datetime) -> dict[str, Any]:
    alert = store.get_alert(message["alert_id"], now)
    if alert is None:
        raise LookupError("alert not found")
    if alert.get("incident_id"):
        return {"incident_id": alert["incident_id"]}
    number = store.next_incident_number(now.year)
    incident_id = f"INC-{now.year}-{number:06d}"
    alert_event = event("alert_received", rules.parse(alert["received_at"]),
                        actor=f"reporter ({alert['source']['channel']})", flags=alert.get("flags", []))
    incident = {
        "incident_id": incident_id, "alert_id": alert["alert_id"], "status": "open", "list_status": "open",
        "step": "registered", "created_at": clock.iso(now), "product": alert.get("product"),
        "summary": alert.get("summary"), "flags": alert.get("flags", []),
        # the reporter's address stays on the alert only (one place for rights requests to find it)
        "source": {k: v for k, v in (alert.get("source") or {}).items() if k != "sender"},
        "obligations": {}, "tokens": {}, "actions": [],
        "timeline": [alert_event, event("incident_registered", now)], store.TTL: store.expiry(now),
    }
    incident_id = store.create_incident({k: v for k, v in incident.items() if v is not None})
    service.publish(get_settings().incidents.security_ops_topic_arn, f"New incident {incident_id}",
                    f"Incident {incident_id} registered from alert {alert['alert_id']}.")
    return {"incident_id": incident_id}


def current_coordinator(now: datetime) -> dict[str, Any] | None:
    """The on-call coordinator: the latest shift that has started."""
    started = [e for e in store.query_roster("coordinator", now) if rules.parse(e["starts_at"]) <= now]
    return started[-1] if started else None


def appoint(message: dict[str, Any], now: datetime) -> dict[str, Any]:
    incident_id = message["incident_id"]
    if store.get_incident(incident_id, now)["step"] != "registered":
        return _appointed(incident_id, now)
    coordinator = current_coordinator(now) or {"name": "security operations on duty",
                                               "email": get_settings().incidents.sender}
    team = store.query_roster("legal", now) + store.query_roster("dpm#GROUP", now)
    room = open_room(incident_id, [coordinator, *team])
    person = {"name": coordinator["name"], "email": coordinator["email"]}
    try:
        store.update_incident(incident_id, {"coordinator": person, "room": room, "step": "appointed"},
                              [event("coordinator_appointed", now, coordinator=person["name"]),
                               event("room_opened", now, members=len(room["members"]))], steps=("registered",))
    except store.StepConflictError:  # a concurrent copy of this task won
        return _appointed(incident_id, now)
    service.publish(room["topic_arn"], f"{incident_id}: coordinator appointed",
                    f"{person['name']} coordinates incident {incident_id}.")
    return {"coordinator": person["name"], "topic_arn": room["topic_arn"]}


def _appointed(incident_id: str, now: datetime) -> dict[str, Any]:
    """The stored result of an appointment already made."""
    incident = store.get_incident(incident_id, now)
    return {"coordinator": incident["coordinator"]["name"], "topic_arn": incident["room"]["topic_arn"]}


def open_room(incident_id: str, people: list[dict[str, Any]]) -> dict[str, Any]:
    """The incident's room: an SNS topic with only the people needed subscribed (named per stage)."""
    sns = aws.client("sns")
    arn = sns.create_topic(Name=f"trustloop-{get_settings().stage}-incident-{incident_id}")["TopicArn"]
    members = sorted({p["email"] for p in people if p.get("email")})
    for address in members:
        sns.subscribe(TopicArn=arn, Protocol="email", Endpoint=address)
    return {"topic_arn": arn, "members": members}


def score(message: dict[str, Any], now: datetime) -> dict[str, Any]:
    incident = store.get_incident(message["incident_id"], now)
    if incident["step"] != "scoring":
        return _scored(incident)
    facts = incident["assessment"]
    verdict = assess(facts)
    obligations = merge_obligations(incident.get("obligations") or {}, verdict.obligations)
    dpms = [p for c in facts["countries"] for p in store.query_roster(f"dpm#{c.upper()}", now)]
    if dpms and incident.get("room"):
        for address in sorted({p["email"] for p in dpms} - set(incident["room"]["members"])):
            aws.client("sns").subscribe(TopicArn=incident["room"]["topic_arn"], Protocol="email",
                                        Endpoint=address)
    # Per obligation and only where absent: a notice recorded meanwhile must not be overwritten.
    try:
        store.update_incident(incident["incident_id"], {"verdict": verdict.as_dict(), "step": "scored"},
                              defaults={f"obligations.{k}": o for k, o in obligations.items()},
                              events=[event("severity_scored", now, level=verdict.level, risk=verdict.risk,
                                            crisis=verdict.crisis, obligations=sorted(obligations))],
                              steps=("scoring",))
    except store.StepConflictError:
        return _scored(store.get_incident(incident["incident_id"], now))
    service.publish((incident.get("room") or {}).get("topic_arn"), f"{incident['incident_id']}: severity",
                    f"Severity {verdict.level} ({verdict.score}), risk {verdict.risk}, "
                    f"obligations: {', '.join(sorted(obligations)) or 'none'}.")
    return {"crisis": verdict.crisis, "level": verdict.level, "obligations": _waiting_items(obligations, now)}


def _scored(incident: dict[str, Any]) -> dict[str, Any]:
    """The stored result of a scoring done already (reassessments included)."""
    if not is_past(incident["step"], "scoring"):
        raise store.StepConflictError(f"incident {incident['incident_id']} is at step {incident['step']}",
                                      "incident_id")
    verdict = incident["verdict"]
    items = _waiting_items(incident.get("obligations") or {}, clock.now())
    return {"crisis": verdict["crisis"], "level": verdict["severity"]["level"], "obligations": items}


def _waiting_items(obligations: dict[str, Any], now: datetime) -> list[dict[str, Any]]:
    """The Map's items: each open obligation, its wait ending at its legal deadline (then reminders)."""
    return [{"key": o["key"], "kind": o["kind"], "country": o.get("country"),
             "wait_seconds": waits.seconds_until(rules.parse(o["due_at"]), now)}
            for o in obligations.values() if o["status"] == "open"]


def assess(facts: dict[str, Any]) -> rules.Verdict:
    settings = get_settings().incidents
    return rules.assess(facts, settings.lead_authority or None, settings.eu_establishment)


def merge_obligations(current: dict[str, Any], decided: list[dict[str, Any]]) -> dict[str, Any]:
    """New obligations are added; ones already met or notified keep their state (reassessment)."""
    merged = dict(current)
    for obligation in decided:
        old = merged.get(obligation["key"])
        kept = {k: v for k, v in (old or {}).items() if k != "due_at"}
        merged[obligation["key"]] = {**obligation, **kept}
    return merged


def crisis(message: dict[str, Any], now: datetime) -> dict[str, Any]:
    incident_id = message["incident_id"]
    if store.get_incident(incident_id, now)["step"] != "scored":
        return {"mobilised": True}
    # told before the step moves: a crash in between tells the team twice, never not at all
    service.publish(get_settings().incidents.crisis_topic_arn, f"Crisis: incident {incident_id}",
                    f"Incident {incident_id} is classified as a crisis: the crisis team is mobilised; "
                    "all communication goes through corporate communication.")
    try:
        store.update_incident(incident_id, {"step": "crisis", "crisis_mobilised_at": clock.iso(now)},
                              [event("crisis_team_mobilised", now)], steps=("scored",))
    except store.StepConflictError:
        return {"mobilised": True}
    room = (store.get_incident(incident_id, now).get("room") or {}).get("topic_arn")
    service.publish(room, f"{incident_id}: crisis", "Classified as a crisis: the crisis team is mobilised.")
    return {"mobilised": True}


def close(message: dict[str, Any], now: datetime) -> dict[str, Any]:
    incident = store.get_incident(message["incident_id"], now)
    if incident["status"] == "closed":
        return {"report": incident.get("report")}
    incident["closed_at"] = clock.iso(now)
    incident["dpo_contact"] = get_settings().incidents.dpo_contact
    incident["timeline"] = [*incident.get("timeline", []), event("incident_closed", now)]
    document = report.build(incident)
    location = store.put_report(now.year, incident["incident_id"], document, report.markdown(document))
    closed = {"status": "closed", "list_status": "closed", "step": "closed",
              "closed_at": incident["closed_at"], "report": location}
    try:
        store.update_incident(incident["incident_id"], closed,
                              [event("incident_closed", now, report=location["json_key"])], removes=("tokens",),
                              steps=("closing",))
    except store.StepConflictError:
        return {"report": store.get_incident(incident["incident_id"], now).get("report")}
    service.publish((incident.get("room") or {}).get("topic_arn"), f"{incident['incident_id']}: closed",
                    f"Incident closed; report at s3://{location['bucket']}/{location['json_key']}.")
    return {"report": location}


# A human step recorded while the workflow was still on its way there (nothing else human in
# between) is kept as this attribute; the waiting state then goes on at once.
EARLY = {"actions": ("mitigation_completed_at", "actions_done"), "review": ("review", "closing")}


def wait(step: str, after: tuple[str, ...]) -> Any:
    """A human step: remember the token; the admin route answers it (or did already, see EARLY).

    Only from the steps before it (`after`) or a new token for the same step (the wait timed
    out, reminded, and waits again); past it, the work is done and the token is answered.
    """

    def store_token(message: dict[str, Any], token: str) -> None:
        incident_id = message["incident_id"]
        try:
            store.update_incident(incident_id, {"step": step, f"tokens.{step}": token}, steps=(*after, step))
        except store.StepConflictError:
            current = store.get_incident(incident_id, clock.now())["step"]
            if not is_past(current, step):
                raise
            service.complete_task(token, {"done": True}, quiet=True)
            return
        if step in EARLY:  # written token first, then read: the route does the opposite
            flag, next_step = EARLY[step]
            if store.get_incident(incident_id, clock.now()).get(flag):
                store.update_incident(incident_id, {"step": next_step})
                service.complete_task(token, {"early": True}, quiet=True)

    return store_token


def await_notification(message: dict[str, Any], token: str) -> None:
    """One obligation of the Map: wait for POST .../notifications (already met → answer at once)."""
    key = message["obligation"]["key"]
    if not store.set_obligation_token(message["incident_id"], key, token):
        # recorded meanwhile by an administrator (or the incident moved on): nothing to wait for
        service.complete_task(token, {"key": key})
        return
    logger.info("waiting for notification", extra={"incident_id": message["incident_id"], "obligation": key})


def remind(message: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A human wait timed out: remind, one level higher each time, and give the next timeout."""
    incident_id, step = message["incident_id"], message["step"]
    obligation = message.get("obligation") or {}
    name = f"notification#{obligation['key']}" if step == "notification" else step
    marker = hashlib.sha256(message["token"].encode()).hexdigest()[:16]  # a redelivery counts once
    entry = event("wait_reminded", now, wait=name)
    count = store.record_reminder(incident_id, name, marker, entry)
    if count is not None:
        settings = get_settings().incidents
        level = waits.level(count)
        room = (store.get_incident(incident_id, now).get("room") or {}).get("topic_arn")
        topic = {"room": room, "security_ops": settings.security_ops_topic_arn,
                 "crisis": settings.crisis_topic_arn}[level]
        service.publish(topic, f"{incident_id}: waiting for {name}",
                        f"Incident {incident_id} has waited for {name} past its due time "
                        f"(reminder {count}, sent to {level.replace('_', ' ')}).")
        logger.info("wait reminded", extra={"incident_id": incident_id, "wait": name, "level": level})
    seconds = waits.next_seconds(step)
    if step == "notification":
        return {**obligation, "wait_seconds": seconds}
    return {**(message.get("waits") or {}), step: seconds}


def check_deadlines(now: datetime) -> tuple[int, dict[str, int]]:
    """Reminders before each open obligation's deadline, an escalation once missed; and the gauges."""
    sent = 0
    settings = get_settings().incidents
    incidents = store.all_incidents("open", now)
    for incident in incidents:
        for key, obligation in (incident.get("obligations") or {}).items():
            room = (incident.get("room") or {}).get("topic_arn")
            for name in rules.deadline_events(obligation, now):
                overdue = name == "escalation_overdue"
                text = f"Obligation {key} of {incident['incident_id']} is due at {obligation['due_at']}"
                subject = f"{incident['incident_id']}: {key} {name}"
                service.publish(settings.security_ops_topic_arn if overdue else room, subject,
                                text + (" and was missed: escalated." if overdue else "."))
                if overdue:
                    service.publish(room, subject, "Deadline missed: escalated to security operations.")
                alerts = [*(obligation.get("alerts_sent") or []), name]
                obligation["alerts_sent"] = alerts
                store.update_incident(incident["incident_id"], {f"obligations.{key}.alerts_sent": alerts},
                                      [event(name, now, obligation=key, due_at=obligation["due_at"])])
                sent += 1
    window = timedelta(hours=settings.deadline_risk_hours)
    return sent, rules.deadline_gauges(incidents, now, window)


AUTOMATIC = {"register": register, "appoint": appoint, "score": score, "crisis": crisis, "close": close,
             "remind": remind}
WAITS = {"await_assessment": wait("assessment", ("appointed",)),
         "await_actions": wait("actions", ("scored", "crisis", "obligations")),
         "await_review": wait("review", ("actions_done",)), "await_notification": await_notification}
