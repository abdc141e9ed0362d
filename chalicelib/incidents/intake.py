"""The public alert form: each alert stored once, queued exactly once, and no mail relay or pager.

Issue 10 (nothing lost, nothing twice) and issue 11 (a hostile caller) meet here:
- an `Idempotency-Key` names the alert (a retry after a 503 finds it and only queues it again);
- one alert per reporter address per window: later posts in the window join it as `duplicates`
  (every word kept, one incident, one room), an exact repeat joins without a copy;
- at most one acknowledgement per address per window (the form is no mail relay);
- a per-client (source IP) fixed-window counter in DynamoDB answers 429 with Retry-After: Lambda
  has no shared memory. API Gateway's stage throttling (infra, deploy issue) caps the whole API;
- an alert is stored `unqueued`, and marked queued after SendMessage: the scheduled sweep queues
  any left behind (a Query on `by_status`, never a Scan).
"""
from __future__ import annotations

import hashlib
import json
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from chalicelib import clock
from chalicelib.config import get_settings
from chalicelib.errors import ConflictError, InvalidInputError, TooManyRequestsError
from chalicelib.incidents import rules, service, store
from chalicelib.obs import logger, metrics

if TYPE_CHECKING:
    from datetime import datetime

SWEEP_AFTER = timedelta(minutes=2)  # younger alerts may still be on their way to the queue


def submit_alert(body: dict[str, Any], idempotency_key: str | None, client_ip: str) -> dict[str, Any]:
    """A web-form alert: stored (or joined), acknowledged at most once an hour, queued once."""
    now = clock.now()
    settings = get_settings().incidents
    if body.get("discovered_at"):
        rules.client_time(body["discovered_at"], "discovered_at", now)
    if idempotency_key is not None and not 0 < len(idempotency_key) <= 255:
        raise InvalidInputError("Idempotency-Key", "1 to 255 characters")
    hits, retry_after = store.count_hit("form", service.pseudonym("ip", client_ip), settings.form_limit_seconds, now)
    if hits > settings.form_limit:
        metrics.add_metric(name="IncidentFormLimited", unit="Count", value=1)
        raise TooManyRequestsError("too many alerts from this client; retry later", retry_after)
    fingerprint = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
    alert_id = (f"alt_k{service.pseudonym('idem', idempotency_key)[:24]}" if idempotency_key
                else f"alt_{uuid.uuid4().hex}")
    if idempotency_key and (existing := store.get_alert(alert_id, now)):
        return _repeat(existing, fingerprint)
    email_lc = body["reporter"]["email"].lower()
    holder = store.claim_window("reporter", service.pseudonym("reporter", email_lc),
                                {"alert_id": alert_id, "fingerprint": fingerprint},
                                settings.reporter_window_seconds, now)
    if holder and holder.get("alert_id") != alert_id:
        joined = store.get_alert(str(holder.get("alert_id")), now)
        if joined is not None:  # else its request died before storing it: store ours
            return _join(joined, body, fingerprint, holder.get("fingerprint") == fingerprint, now)
    alert = {
        "alert_id": alert_id, "source": {"channel": "form"}, "reporter": body["reporter"], "email_lc": email_lc,
        "product": body.get("product"), "summary": body["summary"], "description": body["description"],
        "discovered_at": body.get("discovered_at"),
        "personal_data_involved": body.get("personal_data_involved", "unknown"),
        "received_at": clock.iso(now), "flags": [], "fingerprint": fingerprint,
        "list_status": store.UNQUEUED, store.TTL: store.expiry(now),
    }
    if not store.put_alert({k: v for k, v in alert.items() if v is not None}):
        return _repeat(store.get_alert(alert_id, now) or alert, fingerprint)  # a concurrent retry won
    service.acknowledge_once(body["reporter"]["email"], alert_id, now)
    metrics.add_metric(name="IncidentAlerts", unit="Count", value=1)
    return _queued(alert_id, now)


def _repeat(existing: dict[str, Any], fingerprint: str) -> dict[str, Any]:
    """The same Idempotency-Key again: the same alert, queued if it was not; another body is 409."""
    if existing.get("fingerprint") != fingerprint:
        raise ConflictError("this Idempotency-Key was used for another alert", "Idempotency-Key")
    return _requeue(existing)


def _join(alert: dict[str, Any], body: dict[str, Any], fingerprint: str, exact: bool,
          now: datetime) -> dict[str, Any]:
    """A later post of the same reporter within the window: kept on the open alert, no new incident."""
    if not exact:
        copy = {"channel": "form", "received_at": clock.iso(now), "reporter": body["reporter"],
                **{k: body[k] for k in ("product", "summary", "description", "discovered_at",
                                        "personal_data_involved") if body.get(k) is not None}}
        store.add_duplicate(alert["alert_id"], copy, fingerprint)
        metrics.add_metric(name="IncidentAlertsJoined", unit="Count", value=1)
        logger.info("alert joined", extra={"alert_id": alert["alert_id"]})
    return _requeue(alert)


def _requeue(alert: dict[str, Any]) -> dict[str, Any]:
    """Queue an alert a failed SendMessage left behind (its execution name makes it start once)."""
    if alert.get("queued_at"):
        return {"alert_id": alert["alert_id"]}
    return _queued(alert["alert_id"], clock.now())


def _queued(alert_id: str, now: datetime) -> dict[str, Any]:
    service.queue_alert(alert_id)  # 503 if SQS fails: the alert stays unqueued for the retry or sweep
    store.mark_queued(alert_id, now)
    return {"alert_id": alert_id}


def sweep_unqueued(now: datetime) -> int:
    """Queue every alert stored but not queued (scheduled); each is marked queued once sent."""
    swept = 0
    for alert_id in store.query_unqueued_alert_ids(clock.iso(now - SWEEP_AFTER)):
        _queued(alert_id, now)
        swept += 1
    if swept:
        logger.warning("unqueued alerts swept", extra={"count": swept})
    return swept
