"""E-mail link routes: administrators issue links; people follow them and add a reason."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib import http, lazy, openapi
from chalicelib.links import schemas, views
from chalicelib.web import pages

if TYPE_CHECKING:
    from chalicelib.links import service
else:  # every function registers these routes; only a request to one needs the domain (chalicelib/lazy.py)
    service = lazy.module("chalicelib.links.service")

public = Blueprint(__name__)
admin = Blueprint(__name__)


@admin.route("/v1/admin/surveys/{survey_id}/links", methods=["POST"],
             content_types=http.ACCEPTED_CONTENT_TYPES, **http.ADMIN)
@openapi.spec("Signed, expiring e-mail links for a user, one per score", body=schemas.LINKS_REQUEST,
              status=201)
@http.errors
def issue_links(survey_id: str) -> Any:
    request = admin.current_request
    body = http.parse_body(request, schemas.LINKS_REQUEST)
    return http.json_response(service.issue_links(survey_id, body, pages.base_url(request)), 201)


@public.route("/v1/s/{token}", methods=["GET"])
@openapi.spec("Follow an e-mail survey link: records its score once, asks the follow-up", tag="links")
@pages.html_errors(css=views.CSS)
def follow_link(token: str) -> Any:
    return views.score_page(token, service.follow_link(token))


@public.route("/v1/s/{token}", methods=["POST"], content_types=http.ACCEPTED_CONTENT_TYPES)
@openapi.spec("The follow-up reason from an e-mail link's page (form post)", form=schemas.COMMENT_FORM,
              tag="links")
@pages.html_errors(css=views.CSS)
def post_link_comment(token: str) -> Any:
    comment = views.form_comment(public.current_request)
    return views.comment_page(service.comment_on_link(token, comment))
