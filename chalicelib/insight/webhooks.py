"""Webhooks: registration, events queued to SQS, deliveries signed per Standard Webhooks.

Signature (https://www.standardwebhooks.com): headers `webhook-id`, `webhook-timestamp` and
`webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`, where the key is
the base64 part of the `whsec_…` secret. The id stays the same across retries, so a receiver
can drop duplicates. Payloads carry no free text or contact data unless the product allows it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import secrets
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlparse

from chalicelib import aws, clock
from chalicelib.config import get_settings
from chalicelib.errors import InvalidInputError, NotFoundError
from chalicelib.insight import store
from chalicelib.obs import logger, metrics

EVENTS = ("response.created", "response.commented", "followup.opened")
_LOCAL_HOSTS = {"127.0.0.1", "localhost"}


class DeliveryFailedError(Exception):
    """The endpoint did not take the delivery: SQS retries it, then parks it in the DLQ."""


def check_url(url: str) -> str:
    """HTTPS to a public host; plain http only to 127.0.0.1 where the stage allows it (dev, test)."""
    parsed = urlparse(url)
    host = parsed.hostname or ""
    if parsed.scheme == "http" and host in _LOCAL_HOSTS and get_settings().webhook_allow_local_http:
        return url
    if parsed.scheme != "https" or not host:
        raise InvalidInputError("url", "must be an https:// URL")
    try:
        if not ipaddress.ip_address(host).is_global:
            raise InvalidInputError("url", "must not point at a private or local address")
    except ValueError:
        if host in _LOCAL_HOSTS or host.endswith(".internal") or host.endswith(".local"):
            raise InvalidInputError("url", "must not point at a private or local address") from None
    return url


def register(product: str, body: dict[str, Any]) -> dict[str, Any]:
    """Register or change a product's endpoint; a new secret on first registration or rotation."""
    existing = store.get_webhook(product)
    secret = existing["secret"] if existing and not body.get("rotate_secret") else _new_secret()
    hook = {
        "url": check_url(body["url"]),
        "events": sorted(set(body["events"])),
        "include_free_text": bool(body.get("include_free_text", False)),
        "include_contact": bool(body.get("include_contact", False)),
        "active": bool(body.get("active", True)),
        "secret": secret,
        "updated_at": clock.iso(clock.now()),
    }
    store.put_webhook(product, hook)
    shown = {k: v for k, v in hook.items() if k != "secret"}
    if not existing or body.get("rotate_secret"):
        shown["secret"] = secret  # shown once, when made
    return {"product": product, **shown}


def get_registration(product: str) -> dict[str, Any]:
    hook = store.get_webhook(product)
    if not hook:
        raise NotFoundError("no webhook registered for this product", "product")
    return {k: v for k, v in hook.items() if k != "secret"}


def _new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def payload(event_type: str, response: dict[str, Any], hook: dict[str, Any], at: str) -> dict[str, Any]:
    """The event as sent: statistics and ids; comment and contact only when allowed."""
    data: dict[str, Any] = {
        k: response.get(k)
        for k in ("response_id", "survey_id", "product", "metric", "score", "channel", "locale", "created_at")
    }
    data["has_comment"] = bool(response.get("comment"))
    if hook.get("include_free_text") and response.get("comment"):
        data["comment"] = response["comment"]
    if hook.get("include_contact") and response.get("contact_ok"):
        user = response.get("user") or {}
        data["contact"] = {"user_id": user.get("id"), "email": user.get("email")}
    return {"type": event_type, "timestamp": at, "data": data}


def enqueue(event_type: str, response: dict[str, Any]) -> bool:
    """Queue one event for the product's endpoint, if it has one that wants this event."""
    hook = store.get_webhook(str(response.get("product")))
    if not hook or not hook.get("active") or event_type not in hook.get("events", []):
        return False
    body = json.dumps(payload(event_type, response, hook, clock.iso(clock.now())), separators=(",", ":"))
    message = {"webhook_id": webhook_id(event_type, response), "product": response["product"], "body": body}
    aws.client("sqs").send_message(QueueUrl=get_settings().webhook_queue_url, MessageBody=json.dumps(message))
    return True


def webhook_id(event_type: str, response: dict[str, Any]) -> str:
    """The same id for the same event, so a receiver drops the copy a stream retry re-queues."""
    seed = f"{event_type}:{response.get('response_id')}:{response.get('commented_at', '')}"
    return "msg_" + hashlib.sha256(seed.encode()).hexdigest()[:32]


def signature(secret: str, webhook_id: str, timestamp: int, body: str) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{webhook_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def deliver(message: dict[str, Any]) -> None:
    """POST one queued event; raises DeliveryFailedError for SQS to retry (then the DLQ)."""
    hook = store.get_webhook(str(message["product"]))
    if not hook or not hook.get("active"):
        logger.info("webhook dropped: endpoint gone", extra={"webhook_id": message["webhook_id"]})
        return
    timestamp = int(clock.now().timestamp())
    request = urllib.request.Request(
        hook["url"],
        data=message["body"].encode(),
        method="POST",
        headers={
            "content-type": "application/json",
            "webhook-id": message["webhook_id"],
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signature(hook["secret"], message["webhook_id"], timestamp, message["body"]),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310 (URL checked at registration)
            status = answer.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DeliveryFailedError(f"endpoint unreachable: {type(exc).__name__}") from None
    if not 200 <= status < 300:
        metrics.add_metric(name="WebhookFailures", unit="Count", value=1)
        raise DeliveryFailedError(f"endpoint answered {status}")
    metrics.add_metric(name="WebhookDeliveries", unit="Count", value=1)
