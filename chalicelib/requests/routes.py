"""Self-service privacy request routes: the form, its API, the e-mailed links, administrators."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from chalicelib import http, lazy, openapi
from chalicelib.config import get_settings
from chalicelib.errors import InvalidInputError, TrustloopError
from chalicelib.requests import rules, schemas, texts, views
from chalicelib.web import pages

if TYPE_CHECKING:
    from chalicelib.requests import service
else:  # every function registers these routes; only a request to one needs the domain (chalicelib/lazy.py)
    service = lazy.module("chalicelib.requests.service")

if TYPE_CHECKING:
    from chalice.app import Request

public = Blueprint(__name__)
admin = Blueprint(__name__)

_ADMIN_BODY = {"content_types": http.ACCEPTED_CONTENT_TYPES, **http.ADMIN}
_ADMIN = "/v1/admin/privacy-requests"


def _client(request: Request) -> str:
    return str(((request.context or {}).get("identity") or {}).get("sourceIp") or "unknown")


def _actor(request: Request) -> str:
    identity = (request.context or {}).get("identity") or {}
    return str(identity.get("userArn") or identity.get("caller") or "unknown (no IAM identity)")


def _wants_html(request: Request) -> bool:
    return "text/html" in (http.header(request, "Accept") or "")


def _limited(exc: service.RateLimitedError) -> Response:
    return http.json_response(exc.to_body(), 429, {"Retry-After": str(exc.retry_after)})


@public.route("/v1/privacy-requests", methods=["POST"], content_types=http.ACCEPTED_CONTENT_TYPES)
@openapi.spec("File a privacy request; a confirmation link is e-mailed (same answer whatever is held)",
              body=schemas.REQUEST, status=202, tag="privacy-requests")
@http.errors
def file_request() -> Any:
    request = public.current_request
    body = http.parse_body(request, schemas.REQUEST)
    try:
        return http.json_response(service.file_request(body, _client(request), pages.base_url(request)), 202)
    except service.RateLimitedError as exc:
        return _limited(exc)


@public.route("/privacy/request", methods=["GET"])
@openapi.spec("The privacy request form (HTML, in a survey locale)", query=schemas.FORM_QUERY,
              tag="privacy-requests")
@pages.html_errors(css=views.FORM_CSS)
def get_form() -> Any:
    params = http.parse_query(public.current_request, schemas.FORM_QUERY)
    return views.form_page(params.get("locale") or "en")


@public.route("/privacy/request", methods=["POST"], content_types=http.ACCEPTED_CONTENT_TYPES)
@openapi.spec("The privacy request form's post", form=schemas.FORM, status=202, tag="privacy-requests")
@pages.html_errors(css=views.FORM_CSS)
def post_form() -> Any:
    request = public.current_request
    posted = pages.form_fields(request)
    fields = {k: str(posted[k]).strip() for k in ("email", "right", "details", "locale")
              if str(posted.get(k) or "").strip()}
    locale = fields.get("locale") if fields.get("locale") in rules.LOCALES else "en"
    errors = _form_errors({**fields, "locale": locale})
    if errors:
        return views.form_page(str(locale), fields, errors, status=400)
    try:
        service.file_request({**fields, "locale": locale}, _client(request), pages.base_url(request))
    except service.RateLimitedError as exc:
        return views.limited_page(str(locale), exc.retry_after or 1)
    return views.sent_page(str(locale))


def _form_errors(fields: dict[str, Any]) -> dict[str, str]:
    """Every field's problem at once (the error summary lists them all), in form order."""
    errors: dict[str, str] = {}
    for name in ("email", "right", "details"):
        schema = schemas.FORM["properties"][name]
        try:
            if name in fields:
                http.validate({name: fields[name]}, {"type": "object", "properties": {name: schema}})
            elif name != "details":
                raise InvalidInputError(name, "is required")
            if name == "details" and fields.get("right") in rules.RIGHTS:
                rules.check_details(fields["right"], fields.get("details"))
        except InvalidInputError as exc:
            errors[name] = exc.problem
    return errors


@public.route("/v1/privacy-requests/verify/{token}", methods=["GET"])
@openapi.spec("Open the e-mailed confirmation link: a page with a confirm button; changes nothing",
              tag="privacy-requests")
@pages.html_errors(css=views.LINK_CSS)
def open_verification(token: str) -> Any:
    try:
        payload = service.read_link(token, rules.VERIFY_KIND)
    except service.LinkError as exc:
        return views.link_error_page(exc.expired)
    return views.confirm_page(token, texts.locale_of(str(payload.get("l") or "en")))


@public.route("/v1/privacy-requests/verify/{token}", methods=["POST"], content_types=http.ACCEPTED_CONTENT_TYPES)
@openapi.spec("Confirm the request (once): it is then fulfilled, or held for an administrator",
              tag="privacy-requests")
@http.errors
def confirm_verification(token: str) -> Any:
    request = public.current_request
    try:
        done = service.confirm(token, pages.base_url(request))
    except service.LinkError as exc:
        if _wants_html(request):
            return views.link_error_page(exc.expired)
        raise
    except TrustloopError as exc:  # e.g. SES unavailable: a browser gets a page, not JSON
        if _wants_html(request):
            return pages.message_page("Please try later", exc.message, status=exc.status, css=views.LINK_CSS)
        raise
    # Not yet fulfilled (held, or a fulfilment that failed and will be retried): "we will answer by".
    how = "review" if done["status"] != rules.DONE else rules.disposition(
        done["right"], get_settings().self_service.instant)
    if _wants_html(request):
        return views.confirmed_page(done, how)
    return http.json_response({"request_id": done["request_id"], "right": done["right"],
                               "status": done["status"], "due_at": done.get("due_at")})


@public.route("/v1/privacy-requests/exports/{token}", methods=["GET"])
@openapi.spec("Download one's own export (signed, time-limited link)", query=schemas.DOWNLOAD_QUERY,
              tag="privacy-requests")
@http.errors
def download_export(token: str) -> Any:
    request = public.current_request
    fmt = http.parse_query(request, schemas.DOWNLOAD_QUERY).get("format", "json")
    try:
        body, content_type, name = service.download(token, fmt)
    except service.LinkError as exc:
        if _wants_html(request):
            return views.link_error_page(exc.expired, css="../../../page.css")
        raise
    return Response(body=body.decode("utf-8"), status_code=200, headers={
        "Content-Type": content_type, "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"})


@admin.route(_ADMIN, methods=["GET"], **http.ADMIN)
@openapi.spec("Open self-service requests (pending) or those past their due date (overdue)",
              query=schemas.LIST_QUERY, tag="privacy-requests")
@http.errors
def list_requests() -> Any:
    status = http.parse_query(admin.current_request, schemas.LIST_QUERY)["status"]
    return http.json_response({"requests": service.list_requests(status)})


@admin.route(f"{_ADMIN}/{{request_id}}", methods=["GET"], **http.ADMIN)
@openapi.spec("One self-service request", tag="privacy-requests")
@http.errors
def get_request(request_id: str) -> Any:
    return http.json_response(service.get_request(request_id))


@admin.route(f"{_ADMIN}/{{request_id}}/decision", methods=["POST"], **_ADMIN_BODY)
@openapi.spec("Approve (carry out) or reject a held request, with a reason", body=schemas.DECISION,
              tag="privacy-requests")
@http.errors
def decide(request_id: str) -> Any:
    request = admin.current_request
    body = http.parse_body(request, schemas.DECISION)
    return http.json_response(service.decide(request_id, body, _actor(request)))


@admin.route(f"{_ADMIN}/{{request_id}}/extension", methods=["POST"], **_ADMIN_BODY)
@openapi.spec("Extend the due date by up to two months in all, with a reason (Art. 12(3))",
              body=schemas.EXTENSION, tag="privacy-requests")
@http.errors
def extend(request_id: str) -> Any:
    request = admin.current_request
    body = http.parse_body(request, schemas.EXTENSION)
    return http.json_response(service.extend(request_id, body, _actor(request)))


@admin.route(f"{_ADMIN}/{{request_id}}/answer", methods=["POST"], **_ADMIN_BODY)
@openapi.spec("Answer a question by e-mail; the request is done", body=schemas.ANSWER, tag="privacy-requests")
@http.errors
def answer(request_id: str) -> Any:
    request = admin.current_request
    body = http.parse_body(request, schemas.ANSWER)
    return http.json_response(service.answer(request_id, body, _actor(request)))
