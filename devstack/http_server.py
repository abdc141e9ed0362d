"""chalice.local's server, with two local fixes: no Nagle delay, no query strings in the log."""
from __future__ import annotations

import logging
import socket
from typing import Any

from chalice.local import ChaliceRequestHandler, LocalDevServer, ThreadedHTTPServer, create_local_server


class _NoDelayServer(ThreadedHTTPServer):
    """Without TCP_NODELAY a kept-alive connection waits ~40 ms for a delayed ACK per answer."""

    # socketserver's default listen backlog is 5: twenty users connecting at once had their
    # connections reset (the bounded load test, tests/e2e/test_load.py).
    request_queue_size = 128

    def get_request(self) -> tuple[socket.socket, Any]:
        conn, address = super().get_request()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return conn, address


class _QuietHandler(ChaliceRequestHandler):
    """Logs method, path and status only: query strings carry user ids (no personal data in logs).

    Also serves the local outbox (devstack/outbox.py) when the runner gives it one.
    """

    outbox: Any = None

    def do_GET(self) -> None:  # noqa: N802 (BaseHTTPRequestHandler's name)
        from devstack import outbox_http

        if self.outbox is None or not outbox_http.handles(self.path):
            super().do_GET()
            return
        status, content_type, body = outbox_http.answer(self.outbox, self.path)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        if content_type.startswith("text/html"):
            self.send_header("Content-Security-Policy", outbox_http.CSP)
        self.end_headers()
        self.wfile.write(body)

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        path = self.path.split("?", 1)[0]
        logging.getLogger("devstack.http").info('"%s %s" %s', self.command, path, str(code))

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
        logging.getLogger("devstack.http").info(format, *args)


def create_server(app: Any, config: Any, host: str, port: int, outbox: Any = None) -> LocalDevServer:
    server = create_local_server(app, config, host, port)  # also makes the app thread-local
    server.server.server_close()
    handler = type("Handler", (_QuietHandler,), {"outbox": outbox})
    return LocalDevServer(server.app_object, config, host, port,
                          handler_cls=handler, server_cls=_NoDelayServer)
