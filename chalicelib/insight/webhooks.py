"""Webhooks: registration, events queued to SQS, deliveries signed per Standard Webhooks.

Signature (https://www.standardwebhooks.com): headers `webhook-id`, `webhook-timestamp` and
`webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`, where the key is
the base64 part of the `whsec_…` secret. The id stays the same across retries, so a receiver
can drop duplicates. Payloads carry no free text or contact data unless the product allows it.

Endpoints cannot reach inside (endpoints.py): the URL is checked at registration, the name is
resolved again at each delivery, every address it gives must be public, the connection goes to
the address checked (a DNS answer that changes between check and connect is never used), and a
redirect is never followed (a 3xx is a failed delivery).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import secrets
import socket
import ssl
from typing import Any

from chalicelib import aws, clock
from chalicelib.config import get_settings
from chalicelib.errors import InvalidInputError, NotFoundError
from chalicelib.insight import endpoints, webhook_store
from chalicelib.insight.schemas import EVENTS as EVENTS  # re-exported: what a webhook subscribes to
from chalicelib.obs import logger, metrics

TIMEOUT_SECONDS = 5


class DeliveryFailedError(Exception):
    """The endpoint did not take the delivery: SQS retries it, then parks it in the DLQ."""

    def __init__(self, message: str, refused: bool = False) -> None:
        super().__init__(message)
        self.refused = refused  # the endpoint points inside: never contacted


def check_url(url: str) -> str:
    """HTTPS to a public host; plain http only to 127.0.0.1 in the local run (`make run`, tests).

    A name is resolved now too when it can be, so one that points inside is refused at once;
    the check that counts is at delivery.
    """
    endpoint = endpoints.parse(url, get_settings().webhook_allow_local_http)
    if endpoint.address is None:
        try:
            resolve(endpoint)
        except DeliveryFailedError as exc:
            if exc.refused:
                raise InvalidInputError("url", "must not point at a private or local address") from None
    return url


def resolve(endpoint: endpoints.Endpoint) -> str:
    """The address to connect to: every address the name has must be public (else refused)."""
    if endpoint.is_local_http:
        return "127.0.0.1"  # parse() let plain http through only for 127.0.0.1, in the local run
    if endpoint.address is not None:
        addresses = [endpoint.address]
    else:
        try:
            answers = socket.getaddrinfo(endpoint.host, endpoint.port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            raise DeliveryFailedError("endpoint name does not resolve") from None
        addresses = [a for a in (endpoints.address_of(str(info[4][0])) for info in answers) if a is not None]
    if not addresses or not all(endpoints.is_public(a) for a in addresses):
        raise DeliveryFailedError("endpoint resolves to a private or local address", refused=True)
    return str(addresses[0])


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to `address`, with the certificate checked for the URL's host name (SNI too)."""

    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST to a checked endpoint at the address checked; the status (a redirect is not followed)."""
    endpoint = endpoints.parse(url, get_settings().webhook_allow_local_http)
    address = resolve(endpoint)
    kind = _PinnedHTTPConnection if endpoint.is_local_http else _PinnedHTTPSConnection
    connection = kind(endpoint.host, address, endpoint.port, TIMEOUT_SECONDS)
    try:
        connection.request("POST", endpoint.target, body=body, headers=headers)
        return connection.getresponse().status
    except (OSError, http.client.HTTPException) as exc:
        raise DeliveryFailedError(f"endpoint unreachable: {type(exc).__name__}") from None
    finally:
        connection.close()


def register(product: str, body: dict[str, Any]) -> dict[str, Any]:
    """Register or change a product's endpoint; a new secret on first registration or rotation."""
    existing = webhook_store.get_webhook(product)
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
    webhook_store.put_webhook(product, hook)
    shown = {k: v for k, v in hook.items() if k != "secret"}
    if not existing or body.get("rotate_secret"):
        shown["secret"] = secret  # shown once, when made
    return {"product": product, **shown}


def get_registration(product: str) -> dict[str, Any]:
    hook = webhook_store.get_webhook(product)
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


def enqueue(event_type: str, response: dict[str, Any], hooks: dict[str, Any] | None = None) -> bool:
    """Queue one event for the product's endpoint, if it has one that wants this event.

    `hooks` memoises each product's endpoint for one stream batch: read once per batch, not once
    per record (one item per product: at thousands of responses/s it would be a hot read).
    """
    product = str(response.get("product"))
    memo = hooks if hooks is not None else {}
    if product not in memo:
        memo[product] = webhook_store.get_webhook(product)
    hook = memo[product]
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
    hook = webhook_store.get_webhook(str(message["product"]))
    if not hook or not hook.get("active"):
        logger.info("webhook dropped: endpoint gone", extra={"webhook_id": message["webhook_id"]})
        return
    timestamp = int(clock.now().timestamp())
    headers = {
        "content-type": "application/json",
        "webhook-id": message["webhook_id"],
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(hook["secret"], message["webhook_id"], timestamp, message["body"]),
    }
    try:
        status = post(hook["url"], message["body"].encode(), headers)
    except InvalidInputError:  # registered before the rules tightened, or in another stage
        status = 0
    if not 200 <= status < 300:
        metrics.add_metric(name="WebhookFailures", unit="Count", value=1)
        raise DeliveryFailedError(f"endpoint answered {status}")
    metrics.add_metric(name="WebhookDeliveries", unit="Count", value=1)
