"""Privacy routes: administrators carry out rights requests; a person opts out by link."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from chalicelib import http, lazy, openapi
from chalicelib.privacy import rules, schemas

if TYPE_CHECKING:
    from chalice.app import Request

    from chalicelib.privacy import service
else:  # every function registers these routes; only a request to one needs the domain (chalicelib/lazy.py)
    service = lazy.module("chalicelib.privacy.service")

admin = Blueprint(__name__)
public = Blueprint(__name__)

_ADMIN_BODY = {"content_types": http.ACCEPTED_CONTENT_TYPES, **http.ADMIN}
_SUBJECTS = "/v1/admin/subjects"
# What a person sees after opening their link in a browser (no identifier in it).
_OPTED_OUT_PAGE = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>Opted out</title>"
    "<p>You will not be asked for feedback again, and we will not contact you about feedback. "
    "The feedback data we held about you has been deleted.</p></html>"
)


def _subject(request: Request, schema: dict[str, Any] = schemas.SUBJECT_QUERY) -> rules.SubjectRef:
    return rules.subject_ref(http.parse_query(request, schema))


def _actor(request: Request) -> str:
    """The IAM caller (SigV4 in AWS); chalice.local has none."""
    identity = (request.context or {}).get("identity") or {}
    return str(identity.get("userArn") or identity.get("caller") or "unknown (no IAM identity)")


@admin.route(f"{_SUBJECTS}/export", methods=["GET"], **http.ADMIN)
@openapi.spec("Everything held about a person, with the record of processing", query=schemas.EXPORT_QUERY)
@http.errors
def export_subject() -> Any:
    request = admin.current_request
    fmt = http.parse_query(request, schemas.EXPORT_QUERY).get("format", "json")
    body, csv_text = service.export(_subject(request, schemas.EXPORT_QUERY), fmt, _actor(request))
    if csv_text is None:
        return http.json_response(body)
    return Response(body=csv_text, status_code=200, headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="subject-{body["request_id"]}.csv"'})


@admin.route(_SUBJECTS, methods=["DELETE"], **http.ADMIN)
@openapi.spec("Erase a person everywhere (idempotent)", query=schemas.SUBJECT_QUERY)
@http.errors
def erase_subject() -> Any:
    request = admin.current_request
    return http.json_response(service.erase(_subject(request), _actor(request)))


@admin.route(_SUBJECTS, methods=["PATCH"], **_ADMIN_BODY)
@openapi.spec("Rectify a person's e-mail, username, company, country or URL",
              query=schemas.SUBJECT_QUERY, body=schemas.RECTIFY)
@http.errors
def rectify_subject() -> Any:
    request = admin.current_request
    ref = _subject(request)
    changes = http.parse_body(request, schemas.RECTIFY)
    return http.json_response(service.rectify(ref, changes, _actor(request)))


@admin.route(f"{_SUBJECTS}/restriction", methods=["POST"], **_ADMIN_BODY)
@openapi.spec("Restrict (or lift the restriction of) processing", query=schemas.SUBJECT_QUERY,
              body=schemas.RESTRICTION)
@http.errors
def restrict_subject() -> Any:
    request = admin.current_request
    ref = _subject(request)
    body = http.parse_body(request, schemas.RESTRICTION)
    return http.json_response(service.restrict(ref, body["restricted"], _actor(request)))


@admin.route(f"{_SUBJECTS}/objection", methods=["POST"], **_ADMIN_BODY)
@openapi.spec("Record an objection: no more surveys; erased unless kept with a reason",
              query=schemas.SUBJECT_QUERY, body=schemas.OBJECTION)
@http.errors
def object_for_subject() -> Any:
    request = admin.current_request
    ref = _subject(request)
    body = http.parse_body(request, schemas.OBJECTION)
    return http.json_response(service.object_to(ref, body.get("keep_reason"), _actor(request)))


@admin.route(f"{_SUBJECTS}/requests", methods=["GET"], **http.ADMIN)
@openapi.spec("The audit log of a person's rights requests", query=schemas.SUBJECT_QUERY)
@http.errors
def list_subject_requests() -> Any:
    return http.json_response({"requests": service.list_requests(_subject(admin.current_request))})


@admin.route(f"{_SUBJECTS}/opt-out-links", methods=["POST"], **_ADMIN_BODY)
@openapi.spec("Issue a signed opt-out link for an e-mail footer", body=schemas.OPT_OUT_LINK, status=201,
              produces={"token": "/token"})
@http.errors
def issue_opt_out_link() -> Any:
    body = http.parse_body(admin.current_request, schemas.OPT_OUT_LINK)
    return http.json_response(service.issue_opt_out_link(body["company"], body["user_id"]), 201)


# Mail clients' one-click POST (RFC 8058) is a form post: the body is ignored, the token decides.
@public.route("/v1/opt-out/{token}", methods=["GET", "POST"], content_types=http.ACCEPTED_CONTENT_TYPES)
@openapi.spec("Object through a signed link (GET from a footer, POST for one-click)")
@http.errors
def opt_out(token: str) -> Any:
    request = public.current_request
    answer = service.opt_out(token)
    if "text/html" not in (http.header(request, "Accept") or ""):
        return http.json_response(answer)
    return Response(body=_OPTED_OUT_PAGE, status_code=200,
                    headers={"Content-Type": "text/html; charset=utf-8"})
