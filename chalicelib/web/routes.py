"""Web routes: the banner script, the page stylesheet, the demo host page, the privacy notice."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from chalicelib import http, lazy, openapi
from chalicelib.web import pages, schemas

if TYPE_CHECKING:
    from chalicelib.web import views
else:  # every function registers these routes; only a request to one needs the views (chalicelib/lazy.py)
    views = lazy.module("chalicelib.web.views")

web = Blueprint(__name__)


@web.route("/banner.js", methods=["GET"])
@openapi.spec("The survey banner script (embed with one <script> tag)", tag="web")
@http.errors
def get_banner_js() -> Any:
    return pages.static_response("banner.js")


@web.route("/page.css", methods=["GET"])
@openapi.spec("The stylesheet of the server-rendered pages", tag="web")
@http.errors
def get_page_css() -> Any:
    return pages.static_response("page.css")


@web.route("/demo", methods=["GET"])
@openapi.spec("A demo host page embedding the banner", query=schemas.DEMO_QUERY, tag="web")
@pages.html_errors(css="page.css")
def get_demo() -> Any:
    request = web.current_request
    params = http.parse_query(request, schemas.DEMO_QUERY)
    return views.demo_page(params, pages.base_url(request))


@web.route("/v1/privacy-notice", methods=["GET"])
@openapi.spec("The privacy notice of a version, in a locale", query=schemas.PRIVACY_NOTICE_QUERY, tag="web")
@pages.html_errors(css="../page.css")
def get_privacy_notice() -> Any:
    params = http.parse_query(web.current_request, schemas.PRIVACY_NOTICE_QUERY)
    return views.privacy_notice(params.get("version"), params.get("locale"), params.get("format", "html"))


@web.route("/favicon.ico", methods=["GET"])
@openapi.spec("No icon (204), so browsers opening the demo log no error", status=204, tag="web")
def get_favicon() -> Any:
    """No icon: an empty answer, so browsers opening the demo log no error."""
    return Response(body="", status_code=204, headers={"Cache-Control": "public, max-age=86400"})
