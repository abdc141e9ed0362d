"""The banner file, the demo host page and the privacy notice, through the app."""
from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from chalicelib.web import notices, pages

LOCALES = ("en", "nb", "sv", "da", "fi", "nl")


class _Inline(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, <style>, style attributes, on* handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.blocked: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.blocked.append("inline script")
        if tag == "style":
            self.blocked.append("<style>")
        self.blocked += [f"{name} attribute" for name in names if name == "style" or name.startswith("on")]


def _blocked_by_csp(html: str) -> list[str]:
    parser = _Inline()
    parser.feed(html)
    return parser.blocked


def test_banner_js_gzipped_under_10_kb() -> None:
    size = len(gzip.compress(pages.static_text("banner.js").encode(), compresslevel=9))
    assert size < 10 * 1024, f"banner.js is {size} bytes gzipped"


def test_banner_js_route_serves_the_script_as_javascript(client: Any) -> None:
    response = client.http.get("/banner.js")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/javascript")
    assert response.body.decode() == pages.static_text("banner.js")


def test_banner_js_strings_cover_every_survey_locale() -> None:
    script = pages.static_text("banner.js")
    for locale in LOCALES:
        assert re.search(rf"\b{locale}: \[", script), locale


def test_banner_js_never_uses_inline_style_or_eval() -> None:
    script = pages.static_text("banner.js")
    for forbidden in ("innerHTML", "eval(", "new Function", ".setAttribute(\"style\"", "cssText"):
        assert forbidden not in script, forbidden


def test_demo_page_sends_strict_csp_and_has_nothing_inline(client: Any) -> None:
    response = client.http.get("/demo?user=ada&product=demo-support&locale=sv")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe" not in csp
    html = response.body.decode()
    assert _blocked_by_csp(html) == []
    assert 'data-product="demo-support"' in html and 'data-user-id="ada"' in html
    assert 'data-locale="sv"' in html


def test_demo_page_without_user_picks_a_random_visitor(client: Any) -> None:
    first = client.http.get("/demo").body.decode()
    second = client.http.get("/demo").body.decode()
    ids = [re.search(r'data-user-id="(visitor-[0-9a-f]{8})"', page).group(1) for page in (first, second)]
    assert ids[0] != ids[1]


def test_demo_page_markup_in_user_is_refused_with_an_html_page(client: Any) -> None:
    response = client.http.get("/demo?user=%3Cscript%3Ealert(1)%3C/script%3E")
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<script>alert" not in response.body.decode()


@pytest.mark.parametrize("locale", LOCALES)
def test_privacy_notice_each_locale_is_served_in_that_language(client: Any, locale: str) -> None:
    response = client.http.get(f"/v1/privacy-notice?locale={locale}&version=2026-01")
    assert response.status_code == 200
    html = response.body.decode()
    assert f'<html lang="{locale}">' in html
    assert notices.NOTICES["2026-01"][locale][0] in html
    assert _blocked_by_csp(html) == []


def test_privacy_notice_without_version_is_the_one_in_force(client: Any) -> None:
    response = client.http.get("/v1/privacy-notice?locale=nb-NO&format=json")
    assert response.json_body["version"] == "2026-01"
    assert response.json_body["locale"] == "nb"
    assert len(response.json_body["sections"]) == 8


def test_privacy_notice_unknown_locale_falls_back_to_english(client: Any) -> None:
    response = client.http.get("/v1/privacy-notice?locale=de&format=json")
    assert response.json_body["locale"] == "en"


def test_privacy_notice_unknown_version_is_404(client: Any) -> None:
    response = client.http.get("/v1/privacy-notice?version=1999-01")
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html")


def test_privacy_notice_texts_cover_every_locale_with_every_section() -> None:
    for version, texts in notices.NOTICES.items():
        assert set(texts) == set(LOCALES), version
        assert {len(sections) for _, sections in texts.values()} == {8}, version


def test_openapi_documents_the_web_and_link_routes(client: Any) -> None:
    paths = client.http.get("/v1/openapi.json").json_body["paths"]
    for path in ("/banner.js", "/demo", "/v1/privacy-notice", "/v1/s/{token}",
                 "/v1/admin/surveys/{survey_id}/links"):
        assert path in paths, path


def _request(host: str, context: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    from chalice.app import Request

    event = {"multiValueQueryStringParameters": None, "headers": {"host": host, **(headers or {})},
             "pathParameters": None, "body": None, "stageVariables": None,
             "requestContext": {"httpMethod": "GET", "resourcePath": "/demo", **context}}
    return Request(event)


def test_base_url_behind_api_gateway_keeps_the_stage_prefix() -> None:
    request = _request("abc.execute-api.eu-west-1.amazonaws.com", {"stage": "api", "path": "/api/demo"})
    assert pages.base_url(request) == "https://abc.execute-api.eu-west-1.amazonaws.com/api"


def test_base_url_local_is_plain_http() -> None:
    assert pages.base_url(_request("127.0.0.1:8000", {"path": "/demo"})) == "http://127.0.0.1:8000"
