"""Webhook URLs cannot reach inside: every spelling, every resolution, no redirect, no rebinding."""
from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from chalicelib.errors import InvalidInputError
from chalicelib.insight import endpoints, webhooks

INSIDE = [
    "https://2852039166/", "https://0xa9fea9fe/latest/meta-data/", "https://0x7f000001/", "https://127.1/",
    "https://0177.0.0.1/", "https://0177.1/", "https://0x7f.0.0.1/", "https://2130706433/", "https://0/",
    "https://localhost./", "https://LOCALHOST/", "https://api.localhost/", "https://metadata.google.internal/",
    "https://printer.local/", "https://intranet/", "https://10.1/", "https://192.168.0.1./",
    "https://100.64.0.1/", "https://169.254.169.254/", "https://224.0.0.1/", "https://240.0.0.1/",
    "https://255.255.255.255/", "https://[::1]/", "https://[::ffff:127.0.0.1]/", "https://[::ffff:7f00:1]/",
    "https://[64:ff9b::a9fe:a9fe]/", "https://[2002:7f00:1::]/", "https://[fe80::1]/", "https://[fc00::1]/",
    "https://[::]/", "https://user:pw@example.com/", "http://example.com/hook", "ftp://example.com/",
]


@pytest.mark.parametrize("url", INSIDE)
def test_parse_url_that_reaches_inside_is_refused(url: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        endpoints.parse(url, allow_local_http=True)
    assert caught.value.field == "url"


@pytest.mark.parametrize(("spelling", "address"), [
    ("2852039166", "169.254.169.254"), ("0x7f000001", "127.0.0.1"), ("127.1", "127.0.0.1"),
    ("0177.0.0.1", "127.0.0.1"), ("10.1.2", "10.1.0.2"), ("0x0a.0.0.010", "10.0.0.8"), ("1.2.3.4", "1.2.3.4"),
])
def test_ipv4_of_every_inet_aton_spelling_means_one_address(spelling: str, address: str) -> None:
    assert str(endpoints.ipv4_of(spelling)) == address


@pytest.mark.parametrize("name", ["example.com", "1.2.3.4.5", "256.1.1.1", "08.1.1.1", "0x.com", "1..2"])
def test_ipv4_of_a_name_or_an_impossible_number_is_none(name: str) -> None:
    assert endpoints.ipv4_of(name) is None


def test_parse_public_https_and_local_http_only_when_allowed() -> None:
    assert endpoints.parse("https://93.184.215.14:8443/hook?x=1", allow_local_http=False).target == "/hook?x=1"
    assert endpoints.parse("https://hooks.example.com/h", allow_local_http=False).host == "hooks.example.com"
    assert endpoints.parse("http://127.0.0.1:9999/h", allow_local_http=True).is_local_http
    with pytest.raises(InvalidInputError):
        endpoints.parse("http://127.0.0.1:9999/h", allow_local_http=False)


def test_local_http_flag_is_ignored_inside_lambda(set_env: Any) -> None:
    from chalicelib.config import get_settings

    set_env(WEBHOOK_ALLOW_LOCAL_HTTP="true", AWS_LAMBDA_FUNCTION_NAME="trustloop-prod-api_handler")
    assert get_settings().webhook_allow_local_http is False


@pytest.mark.parametrize("url", ["https://2852039166/", "https://127.1/", "https://0177.0.0.1/", "https://localhost./"])
def test_register_url_spelling_an_inside_address_is_400(client: Any, url: str) -> None:
    response = client.http.put("/v1/admin/products/acme/webhook", headers={"Content-Type": "application/json"},
                               body=json.dumps({"url": url, "events": ["response.created"]}))
    assert (response.status_code, response.json_body["field"]) == (400, "url")


def _resolving(monkeypatch: pytest.MonkeyPatch, *answers: str) -> list[str]:
    """socket.getaddrinfo answers each call with the next address (a DNS that rebinds)."""
    asked: list[str] = []

    def fake(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        asked.append(host)
        address = answers[min(len(asked), len(answers)) - 1]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return asked


def test_register_name_resolving_inside_is_400(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _resolving(monkeypatch, "10.0.0.7")
    response = client.http.put("/v1/admin/products/acme/webhook", headers={"Content-Type": "application/json"},
                               body=json.dumps({"url": "https://hooks.example.com/h", "events": ["response.created"]}))
    assert (response.status_code, response.json_body["field"]) == (400, "url")


class Receiver:
    """An endpoint on 127.0.0.1 answering `status` (and `location`), recording each request."""

    def __init__(self, status: int = 204, location: str | None = None) -> None:
        self.paths: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.paths.append(self.path)
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST  # noqa: N815 (a followed redirect would arrive as a GET)

            def log_message(self, *args: Any) -> None:
                return

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receivers() -> Iterator[list[Receiver]]:
    made: list[Receiver] = []
    yield made
    for r in made:
        r.close()


def _message(product: str = "acme") -> dict[str, Any]:
    return {"webhook_id": "msg_1", "product": product, "body": '{"type":"response.created"}'}


def test_delivery_never_follows_a_redirect(aws_stack: Any, frozen_now: Any, receivers: list[Receiver]) -> None:
    inside = Receiver()
    redirecting = Receiver(302, f"{inside.url}/latest/meta-data/iam/")
    receivers += [inside, redirecting]
    webhooks.register("acme", {"url": f"{redirecting.url}/hook", "events": ["response.created"]})
    with pytest.raises(webhooks.DeliveryFailedError, match="302"):
        webhooks.deliver(_message())
    assert (redirecting.paths, inside.paths) == (["/hook"], [])


def test_delivery_refuses_a_name_that_now_resolves_inside(
    aws_stack: Any, frozen_now: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = _resolving(monkeypatch, "93.184.215.14", "127.0.0.1")
    webhooks.register("acme", {"url": "https://hooks.example.com/h", "events": ["response.created"]})
    with pytest.raises(webhooks.DeliveryFailedError) as caught:
        webhooks.deliver(_message())
    assert caught.value.refused and len(asked) == 2  # resolved at registration, then at delivery


def test_delivery_connects_to_the_address_it_checked(
    aws_stack: Any, frozen_now: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name checked public, then answering 127.0.0.1 (rebinding): the connection goes to the first."""
    webhooks.register("acme", {"url": "https://hooks.example.com/h", "events": ["response.created"]})
    _resolving(monkeypatch, "93.184.215.14", "127.0.0.1")
    connected: list[Any] = []

    def refuse(address: Any, *args: Any, **kwargs: Any) -> Any:
        connected.append(address[0])
        raise ConnectionRefusedError

    monkeypatch.setattr(socket, "create_connection", refuse)
    with pytest.raises(webhooks.DeliveryFailedError, match="unreachable"):
        webhooks.deliver(_message())
    assert connected == ["93.184.215.14"]
