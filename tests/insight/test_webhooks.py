"""Webhooks: queued from the stream, delivered signed (Standard Webhooks), retried on failure."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import TYPE_CHECKING, Any

import pytest

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.insight import webhooks
from tests.insight.builders import answer, nps_survey

if TYPE_CHECKING:
    from collections.abc import Iterator


class Receiver:
    """A local endpoint on 127.0.0.1 that records what it is sent and answers `status`."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.status = 204
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.server.shutdown()
    r.server.server_close()


def _register(client: Any, url: str, **options: Any) -> str:
    body = {"url": url, "events": list(webhooks.EVENTS), **options}
    response = client.http.put(
        "/v1/admin/products/acme/webhook", body=json.dumps(body), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200, response.body
    return str(response.json_body["secret"])


def _queued() -> list[str]:
    sqs = aws.client("sqs")
    messages = sqs.receive_message(QueueUrl=get_settings().webhook_queue_url, MaxNumberOfMessages=10)
    return [m["Body"] for m in messages.get("Messages", [])]


def _deliver(client: Any, bodies: list[str]) -> Any:
    return client.lambda_.invoke(
        "handle_webhook_deliveries",
        client.events.generate_sqs_event(message_bodies=bodies, queue_name="webhooks"),
    )


def _verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.{body.decode()}".encode()
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return headers["webhook-signature"] == f"v1,{expected}"


def test_commented_detractor_delivers_three_signed_events_without_free_text(
    client: Any, frozen_now: Any, stream: Any, receiver: Receiver
) -> None:
    secret = _register(client, receiver.url)
    answer(
        client,
        nps_survey(client),
        "user-1",
        2,
        comment="Slow and buggy",
        contact_ok=True,
        email="ada@example.com",
    )
    stream.pump()
    bodies = _queued()
    result = _deliver(client, bodies)
    assert result.payload == {"batchItemFailures": []}
    types = sorted(json.loads(body)["type"] for _, body in receiver.requests)
    assert types == ["followup.opened", "response.commented", "response.created"]
    for headers, body in receiver.requests:
        assert _verify(secret, headers, body)
        data = json.loads(body)["data"]
        assert "comment" not in data and "contact" not in data
        assert b"ada@example.com" not in body and b"Slow and buggy" not in body


def test_product_allowing_free_text_gets_comment(
    client: Any, frozen_now: Any, stream: Any, receiver: Receiver
) -> None:
    _register(client, receiver.url, include_free_text=True)
    answer(client, nps_survey(client), "user-1", 9, comment="Lovely")
    stream.pump()
    _deliver(client, _queued())
    commented = [json.loads(b) for _, b in receiver.requests if json.loads(b)["type"] == "response.commented"]
    assert commented[0]["data"]["comment"] == "Lovely"


def test_failing_endpoint_reports_item_failure_for_retry(
    client: Any, frozen_now: Any, stream: Any, receiver: Receiver
) -> None:
    _register(client, receiver.url)
    answer(client, nps_survey(client), "user-1", 9)
    stream.pump()
    receiver.status = 500
    result = _deliver(client, _queued()[:1])
    assert result.payload == {"batchItemFailures": [{"itemIdentifier": "message-id"}]}


def test_register_plain_http_to_public_host_is_400(client: Any) -> None:
    response = client.http.put(
        "/v1/admin/products/acme/webhook",
        body=json.dumps({"url": "http://example.com/hook", "events": ["response.created"]}),
        headers={"Content-Type": "application/json"},
    )
    assert (response.status_code, response.json_body["field"]) == (400, "url")


def test_register_secret_shown_once(client: Any, receiver: Receiver) -> None:
    _register(client, receiver.url)
    again = client.http.put(
        "/v1/admin/products/acme/webhook",
        body=json.dumps({"url": receiver.url, "events": ["response.created"]}),
        headers={"Content-Type": "application/json"},
    )
    assert "secret" not in again.json_body


def test_signature_matches_standard_webhooks_example() -> None:
    # The example of the Standard Webhooks specification (its reference libraries' test vector).
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = '{"test": 2432232314}'
    assert webhooks.signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == (
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


def test_webhook_id_same_for_same_event_and_new_for_edited_comment() -> None:
    response = {"response_id": "r1", "commented_at": 100}
    assert webhooks.webhook_id("response.commented", response) == webhooks.webhook_id(
        "response.commented", dict(response)
    )
    assert webhooks.webhook_id("response.commented", response) != webhooks.webhook_id(
        "response.commented", {**response, "commented_at": 200}
    )
