"""Closing the loop: follow-ups opened from comments, reply drafts checked, replies sent by SES."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from chalicelib import aws, clock
from chalicelib.config import get_settings
from chalicelib.errors import ConflictError, NotFoundError, UnavailableError
from chalicelib.insight import followup_store, policy, rules
from chalicelib.obs import logger, metrics
from chalicelib.surveys import store as survey_store

_SUBJECTS = {
    "reply": {"en": "About your feedback", "nb": "Om tilbakemeldingen din", "sv": "Om din återkoppling"},
    "acted_notice": {
        "en": "We acted on your feedback",
        "nb": "Vi har fulgt opp tilbakemeldingen din",
        "sv": "Vi har agerat på din återkoppling",
    },
}
# A reply moves the follow-up on: answering opens → answered; the notice answered → actioned.
_REPLY_MOVES = {"reply": ("open", "answered"), "acted_notice": ("answered", "actioned")}
# One e-mail per reply: a send first claims the follow-up's send slot (conditional write), then
# calls SES, then records the reply and lets the claim go. A claim older than this is taken to
# be a sender that crashed (Lambda's 30 s timeout is far below) and may be taken over; see
# docs/RELIABILITY.md for the one window where that can mean a second e-mail.
SENDING_CLAIM_SECONDS = 300


def open_for(response: dict[str, Any]) -> bool:
    """Open a follow-up for a commented detractor / low CSAT / high-effort CES; True if new.

    The response is read again first: a stream record delivered late must not bring back a
    follow-up for a person erased or restricted meanwhile.
    """
    if not rules.needs_followup(
        str(response.get("metric")), int(response.get("score", -1)), response.get("comment")
    ):
        return False
    now = clock.now()
    current = survey_store.get_response(str(response["response_id"]), now)
    if current is None or not rules.is_counted(current):
        return False  # a late stream record: erased, expired or restricted since; nothing to follow up
    due = rules.add_working_days(now, get_settings().followup_due_working_days)
    followup = {
        "followup_id": response["response_id"],
        "response_id": response["response_id"],
        "status": "open",
        "product": response.get("product"),
        "company": response.get("company"),
        "metric": response.get("metric"),
        "score": response.get("score"),
        "locale": response.get("locale", "en"),
        "channel": response.get("channel"),
        "opened_at": clock.iso(now),
        "due_at": clock.iso(due),
        # Linked to a person through the response: it goes when the response goes.
        followup_store.TTL: int(
            response.get(followup_store.TTL) or (now + timedelta(days=get_settings().retention_days)).timestamp()
        ),
    }
    created = followup_store.put_followup(followup)
    if created:
        metrics.add_metric(name="FollowupsOpened", unit="Count", value=1)
        logger.info("follow-up opened", extra={"followup_id": followup["followup_id"]})
    return created


def close_for(response_id: str, reason: str, **flags: Any) -> bool:
    """Stop a follow-up (restriction, Art. 18; objection, Art. 21): closed, whatever its state.

    `flags` are set too (e.g. `restricted`). True when it was still going. A concurrent
    admin change is read again and retried, so the close is never lost.
    """
    for _ in range(3):
        now = clock.now()
        followup = followup_store.get_followup(response_id, now)
        if not followup:
            return False
        going = followup["status"] != "closed"
        changes = {"status": "closed", "closed_reason": reason, "closed_at": clock.iso(now)} if going else {}
        changes.update(flags)
        try:
            if changes:
                followup_store.update_followup(response_id, followup["status"], changes)
            return going
        except ConflictError:
            continue
    raise ConflictError("the follow-up kept changing; try again", "status")


def list_followups(status: str, limit: int = 100) -> dict[str, Any]:
    items, _ = followup_store.query_followups(status, clock.now(), limit=limit)
    return {"status": status, "followups": items}


def overdue() -> dict[str, Any]:
    """Open follow-ups past their due time (N working days after opening), oldest first."""
    now = clock.now()
    items, _ = followup_store.query_followups("open", now, due_before=clock.iso(now), limit=500)
    metrics.add_metric(name="FollowupsOverdue", unit="Count", value=len(items))
    return {
        "as_of": clock.iso(now),
        "working_days": get_settings().followup_due_working_days,
        "followups": items,
    }


def get_followup(followup_id: str) -> dict[str, Any]:
    """A follow-up with the comment it answers (read from the response, never copied)."""
    now = clock.now()
    followup = followup_store.get_followup(followup_id, now)
    if not followup:
        raise NotFoundError("no such follow-up", "followup_id")
    response = survey_store.get_response(followup["response_id"], now)
    contactable, reason = rules.is_contactable(response)
    return {
        **followup,
        "comment": (response or {}).get("comment"),
        "contactable": contactable,
        "not_contactable_reason": reason,
    }


def move(followup_id: str, target: str) -> dict[str, Any]:
    followup = followup_store.get_followup(followup_id, clock.now())
    if not followup:
        raise NotFoundError("no such follow-up", "followup_id")
    if not rules.can_move(followup["status"], target):
        raise ConflictError(f"cannot move a follow-up from {followup['status']} to {target}", "status")
    return followup_store.update_followup(
        followup_id, followup["status"], {"status": target, f"{target}_at": clock.iso(clock.now())}
    )


def reply(followup_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """Check a draft against the response policy; send it only when asked, clean and allowed."""
    now = clock.now()
    followup = followup_store.get_followup(followup_id, now)
    if not followup:
        raise NotFoundError("no such follow-up", "followup_id")
    response = survey_store.get_response(followup["response_id"], now)
    language = body.get("language") or str(followup.get("locale", "en"))
    draft = policy.Draft(
        body["text"],
        body.get("sender_name"),
        body.get("sender_title"),
        language,
        customer_comment=(response or {}).get("comment"),
        in_crisis=bool(body.get("in_crisis")),
    )
    findings = policy.check_draft(draft)
    routing = dict(get_settings().reply_routing)
    kind = body.get("kind", "reply")
    record: dict[str, Any] = {
        "reply_id": uuid.uuid4().hex,
        "kind": kind,
        "at": clock.iso(now),
        "language": language,
        "sender_name": body.get("sender_name"),
        "sender_title": body.get("sender_title"),
        "text": body["text"],
        "findings": [f["rule"] for f in findings],
        "route_to": policy.route_of(findings, routing),
        "sent": False,
        "not_sent_reason": None,
    }
    claim = None
    if body.get("send"):
        record["not_sent_reason"] = _why_not_send(
            followup, response, findings, kind, bool(body.get("approved_by"))
        )
        if record["not_sent_reason"] is None:
            record["approved_by"] = body.get("approved_by")
            claim = _send_claimed(followup, response or {}, kind, language, body["text"], record["reply_id"])
            record["sent"] = True
    _, target = _REPLY_MOVES[kind]
    changes = {"status": target, f"{target}_at": clock.iso(now)} if record["sent"] else {}
    updated = followup_store.update_followup(followup_id, followup["status"], changes, reply=record, held_claim=claim)
    return {"reply": {**record, "findings": findings}, "followup_status": updated["status"]}


def _send_claimed(
    followup: dict[str, Any], response: dict[str, Any], kind: str, language: str, text: str, claim: str
) -> str:
    """Claim the send slot, then send; the claim is returned for the write that records the reply."""
    now = clock.now()
    stale = clock.iso(now - timedelta(seconds=SENDING_CLAIM_SECONDS))
    if not followup_store.claim_sending(followup["followup_id"], followup["status"], claim, clock.iso(now), stale):
        raise ConflictError("another reply to this follow-up is being sent or was just sent; reload it", "send")
    try:
        _send(response, kind, language, text)
    except Exception as exc:  # SES refused or timed out: free the slot so a retry can send
        logger.warning("follow-up reply not sent", extra={"error": type(exc).__name__})
        followup_store.release_sending(followup["followup_id"], claim)
        raise UnavailableError("the e-mail service did not take the reply; try again", "send") from None
    return claim


def _why_not_send(
    followup: dict[str, Any],
    response: dict[str, Any] | None,
    findings: list[dict[str, Any]],
    kind: str,
    approved: bool,
) -> str | None:
    expected, _ = _REPLY_MOVES[kind]
    if followup["status"] != expected:
        raise ConflictError(
            f"a {kind} is sent when the follow-up is {expected}, and this one is {followup['status']}", "kind"
        )
    if not policy.may_send(findings, approved):
        return (
            "needs_management" if not any(f["severity"] == "block" for f in findings) else "policy_findings"
        )
    contactable, reason = rules.is_contactable(response)
    return None if contactable else reason


def _send(response: dict[str, Any], kind: str, language: str, text: str) -> None:
    """One e-mail through SES; the address is read from the response, never logged."""
    lang = language.split("-")[0] if language.split("-")[0] in policy.LANGUAGES else "en"
    aws.client("ses").send_email(
        Source=get_settings().followup_sender,
        Destination={"ToAddresses": [response["user"]["email"]]},
        Message={"Subject": {"Data": _SUBJECTS[kind][lang]}, "Body": {"Text": {"Data": text}}},
    )
    metrics.add_metric(name="FollowupRepliesSent", unit="Count", value=1)
