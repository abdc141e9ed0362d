"""CORS for the banner's routes: preflight answers and headers for allowed origins only."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib import http

preflight = Blueprint(__name__)

# The routes a browser calls from a host page (the banner); admin routes get no CORS.
PUBLIC_PATHS = (
    "/v1/eligibility",
    "/v1/impressions",
    "/v1/declines",
    "/v1/responses",
    "/v1/responses/{response_id}",
)


def _answer_preflight(**_: Any) -> Response:
    origin = http.header(preflight.current_request, "Origin")
    headers: dict[str, str | list[str]] = {**http.cors_headers(origin)}
    return Response(body="", status_code=204, headers=headers)


def _view_name(path: str) -> str:
    return "preflight" + "".join(c if c.isalnum() else "_" for c in path)


for _path in PUBLIC_PATHS:
    preflight.route(_path, methods=["OPTIONS"], name=_view_name(_path))(_answer_preflight)


def add_cors_headers(event: Any, get_response: Any) -> Any:
    """HTTP middleware: CORS headers on answers to allowed origins."""
    response = get_response(event)
    if not event.path.startswith("/v1/admin"):
        response.headers.update(http.cors_headers(http.header(event, "Origin")))
    return response
