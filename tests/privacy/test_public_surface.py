"""The API's attack surface, as docs/SECURITY.md lists it: every admin route IAM-authorised, and
the public routes exactly the listed ones, each with what vouches for its caller.

A route added without thinking about who may call it fails here first.
"""
from __future__ import annotations

from typing import Any

# Public route -> what vouches for the caller (docs/SECURITY.md, "Who can call what").
PUBLIC = {
    ("GET", "/banner.js"): "nothing: static file",
    ("GET", "/page.css"): "nothing: static file",
    ("GET", "/favicon.ico"): "nothing: static file",
    ("GET", "/demo"): "nothing: demo page, no data",
    ("GET", "/v1/openapi.json"): "nothing: the contract",
    ("GET", "/v1/privacy-notice"): "nothing: the notice",
    ("GET", "/v1/eligibility"): "user_hash (product's identity secret)",
    ("POST", "/v1/impressions"): "user_hash",
    ("POST", "/v1/declines"): "user_hash",
    ("POST", "/v1/responses"): "user_hash",
    ("PATCH", "/v1/responses/{response_id}"): "edit_token of that response",
    ("GET", "/v1/s/{token}"): "signed score link",
    ("POST", "/v1/s/{token}"): "signed score link",
    ("GET", "/v1/opt-out/{token}"): "signed opt-out link",
    ("POST", "/v1/opt-out/{token}"): "signed opt-out link",
    ("POST", "/v1/incidents"): "nothing: anyone may raise an alert (rate-limited, issue 11.4)",
}
# Public routes other engineers own and vouch for themselves (self-service privacy requests: a
# verified e-mail address; the local run's outbox).
PUBLIC_PREFIXES_OWNED_ELSEWHERE = ("/v1/privacy-requests", "/privacy/request", "/_local/")


def _routes() -> list[tuple[str, str, Any]]:
    import app

    return [(method, path, entry) for path, methods in app.app.routes.items()
            for method, entry in methods.items() if method != "OPTIONS"]


def test_every_admin_route_is_iam_authorised(aws_stack: Any) -> None:
    admin = [(m, p) for m, p, e in _routes() if p.startswith("/v1/admin")]
    assert admin, "no admin routes found"
    assert [(m, p) for m, p, e in _routes() if p.startswith("/v1/admin") and e.authorizer is None] == []


def test_public_routes_are_exactly_the_listed_ones(aws_stack: Any) -> None:
    public = {(m, p) for m, p, e in _routes() if e.authorizer is None
              and not p.startswith(PUBLIC_PREFIXES_OWNED_ELSEWHERE)}
    assert public == set(PUBLIC)


def test_no_route_outside_admin_carries_an_authorizer_it_would_not_get_in_aws(aws_stack: Any) -> None:
    # IAM-authorised routes live under /v1/admin only: one prefix for the console's IAM policies.
    assert [(m, p) for m, p, e in _routes() if e.authorizer is not None and not p.startswith("/v1/admin")] == []
