"""`make run` delivers webhooks: a local endpoint receives every event kind, signed as Standard
Webhooks' reference library verifies."""
from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook

from chalicelib.insight.webhooks import EVENTS
from tests.e2e.api_client import ApiClient, until

pytestmark = pytest.mark.e2e


class Endpoint:
    """A product's webhook endpoint on 127.0.0.1: records each delivery (headers, raw body)."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                endpoint.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/trustloop"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    e = Endpoint()
    yield e
    e.server.shutdown()
    e.server.server_close()


def test_local_stack_delivers_every_webhook_event_kind_signed(api: ApiClient, endpoint: Endpoint) -> None:
    product = f"hooks-{uuid.uuid4().hex[:8]}"
    registered = api.send("PUT", f"/v1/admin/products/{product}/webhook",
                          {"url": endpoint.url, "events": list(EVENTS)})
    assert registered.status_code == 200, registered.text
    survey = api.post("/v1/admin/surveys", {"product": product, "metric": "nps", "channels": ["email"],
                                             "texts": {"en": {"question": "Recommend?", "follow_up": "Why?"}}})
    assert survey.status_code == 201, survey.text
    created = api.post("/v1/responses", {"survey_id": survey.json()["survey_id"], "score": 2, "channel": "email",
                                         "contact_ok": True, "user": {"id": f"{product}-ada"}})
    assert created.status_code == 201, created.text
    response_id = created.json()["response_id"]
    headers = {"Authorization": f"Bearer {created.json()['edit_token']}"} if "edit_token" in created.json() else {}
    commented = api.send("PATCH", f"/v1/responses/{response_id}", {"comment": "The export is slow"}, headers)
    assert commented.status_code == 200, commented.text

    until(lambda: len(endpoint.received) >= len(EVENTS), limit=60)
    verifier = Webhook(registered.json()["secret"])
    events = [verifier.verify(body, received) for received, body in endpoint.received]
    assert sorted(e["type"] for e in events) == sorted(EVENTS)
    assert {e["data"]["response_id"] for e in events} == {response_id}
    assert len({received["webhook-id"] for received, _ in endpoint.received}) == len(EVENTS)
    assert all(json.loads(body)["data"].get("comment") is None for _, body in endpoint.received)
