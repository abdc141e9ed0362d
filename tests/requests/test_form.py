"""The HTML request form: locales, strict CSP, accessible errors, linked from the privacy notice."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from tests.requests.helpers import confirm, form, sent_mails, verification_path


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def _tags(body: bytes) -> list[tuple[str, dict[str, str]]]:
    parser = _Tags()
    parser.feed(body.decode())
    return parser.tags


def test_the_form_in_every_locale_is_labelled_and_under_a_strict_csp(client: Any) -> None:
    for locale, legend in (("en", "What do you want to do?"), ("nb", "Hva vil du gjøre?"),
                           ("sv", "Vad vill du göra?"), ("da", "Hvad vil du gøre?"),
                           ("fi", "Mitä haluat tehdä?"), ("nl", "Wat wil je doen?")):
        page = client.http.get(f"/privacy/request?locale={locale}")
        assert page.status_code == 200
        csp = page.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "unsafe-inline" not in csp
        text = page.body.decode()
        assert f'<html lang="{locale}">' in text and f"<legend>{legend}</legend>" in text
        tags = _tags(page.body)
        assert not [t for t, a in tags if t == "script" or "style" in a]
        labelled = {a["for"] for t, a in tags if t == "label"}
        fields = [a for t, a in tags if t in ("input", "textarea") and a.get("type") != "hidden"]
        assert fields and all(f["id"] in labelled for f in fields)  # every field has its label
        rights = {a["value"] for t, a in tags if t == "input" and a.get("type") == "radio"}
        assert rights == {"access", "portability", "rectification", "erasure", "restriction", "objection",
                          "question"}
    assert client.http.get("/privacy/request?locale=xx").status_code == 400


def test_errors_are_summarised_with_focus_and_tied_to_their_fields(client: Any) -> None:
    page = form(client, {"email": "not an address", "right": "rectification", "details": "", "locale": "nb"})
    assert page.status_code == 400
    tags = _tags(page.body)
    summary = [a for t, a in tags if a.get("class") == "error-summary"]
    assert summary and summary[0]["role"] == "alert" and "autofocus" in summary[0]
    anchors = [a["href"] for t, a in tags if t == "a" and a.get("href", "").startswith("#")]
    assert anchors == ["#email", "#details"]
    email = next(a for t, a in tags if a.get("id") == "email")
    assert email["aria-invalid"] == "true" and "email-error" in email["aria-describedby"]
    assert 'value="not an address"' in page.body.decode()  # what they typed is kept
    assert "Skriv en gyldig e-postadresse" in page.body.decode()
    assert sent_mails() == []


def test_a_valid_post_mails_the_link_in_the_form_locale(client: Any) -> None:
    page = form(client, {"email": "form@example.com", "right": "access", "locale": "fi"})
    assert page.status_code == 202
    assert 'aria-live="polite"' in page.body.decode() and "Tarkista sähköpostisi" in page.body.decode()
    assert sent_mails("form@example.com")[0]["subject"] == "Vahvista tietosuojapyyntösi"
    path = verification_path("form@example.com")
    opened = client.http.get(path, headers={"Accept": "text/html"})
    assert '<html lang="fi">' in opened.body.decode() and "Vahvista pyyntö" in opened.body.decode()
    done = confirm(client, path, html=True)
    assert done.status_code == 200 and "Content-Security-Policy" in done.headers
    assert "ladata tietosi" in done.body.decode()


def test_the_privacy_notice_links_to_the_form_in_its_locale(client: Any) -> None:
    notice = client.http.get("/v1/privacy-notice?locale=da").body.decode()
    assert re.search(r'href="\.\./privacy/request\?locale=da"', notice)
