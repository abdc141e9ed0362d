"""chalice.local's server, with two local fixes: no Nagle delay, no query strings in the log."""
from __future__ import annotations

import logging
import socket
from typing import Any

from chalice.local import ChaliceRequestHandler, LocalDevServer, ThreadedHTTPServer, create_local_server


class _NoDelayServer(ThreadedHTTPServer):
    """Without TCP_NODELAY a kept-alive connection waits ~40 ms for a delayed ACK per answer."""

    def get_request(self) -> tuple[socket.socket, Any]:
        conn, address = super().get_request()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return conn, address


class _QuietHandler(ChaliceRequestHandler):
    """Logs method, path and status only: query strings carry user ids (no personal data in logs)."""

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        path = self.path.split("?", 1)[0]
        logging.getLogger("devstack.http").info('"%s %s" %s', self.command, path, str(code))

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
        logging.getLogger("devstack.http").info(format, *args)


def create_server(app: Any, config: Any, host: str, port: int) -> LocalDevServer:
    server = create_local_server(app, config, host, port)  # also makes the app thread-local
    server.server.server_close()
    return LocalDevServer(server.app_object, config, host, port,
                          handler_cls=_QuietHandler, server_cls=_NoDelayServer)
