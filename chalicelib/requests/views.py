"""The request form and the pages around it (every value escaped; no script, strict CSP).

Accessible without JavaScript: labels tied to fields, the right as a fieldset with a legend,
hints and errors tied by aria-describedby, and after a failed post an error summary (role
alert) that takes focus and links to each field.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from chalicelib.requests.rules import LOCALES
from chalicelib.requests.texts import RIGHT_ORDER, texts
from chalicelib.web import pages
from chalicelib.web.pages import esc

if TYPE_CHECKING:
    from chalice import Response

FORM_CSS = "../page.css"  # /privacy/request
LINK_CSS = "../../../page.css"  # /v1/privacy-requests/verify/{token}


def form_page(locale: str, values: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
              status: int = 200) -> Response:
    t, values, errors = texts(locale), values or {}, errors or {}
    summary = ""
    if errors:
        items = "".join(f'<li><a href="#{esc(_anchor(f))}">{esc(t["errors"].get(f, t["errors"]["details"]))}</a></li>'
                        for f in errors)
        summary = (f'<div class="error-summary" role="alert" aria-labelledby="error-title" tabindex="-1" autofocus>'
                   f'<h2 id="error-title">{esc(t["problem"])}</h2><ul>{items}</ul></div>')
    radios = "".join(
        f'<div class="choice"><input type="radio" id="right-{r}" name="right" value="{r}"'
        f'{" checked" if values.get("right") == r else ""}>'
        f'<label for="right-{r}">{esc(t["rights"][r])}</label></div>' for r in RIGHT_ORDER)
    body = f"""<main><div class="card request">
<h1>{esc(t["title"])}</h1><p>{esc(t["intro"])}</p>{summary}
<form method="post" action="request" novalidate>
<input type="hidden" name="locale" value="{esc(locale)}">
<div class="field">
<label for="email">{esc(t["email"])}</label>
<p class="muted" id="email-hint">{esc(t["email_hint"])}</p>{_error("email", errors, t)}
<input id="email" name="email" type="email" autocomplete="email" spellcheck="false" required maxlength="254"
 aria-describedby="email-hint{' email-error' if 'email' in errors else ''}"{_invalid("email", errors)}
 value="{esc(str(values.get("email") or ""))}">
</div>
<fieldset class="field" aria-describedby="{'right-error' if 'right' in errors else ''}">
<legend>{esc(t["legend"])}</legend>{_error("right", errors, t)}{radios}
</fieldset>
<div class="field">
<label for="details">{esc(t["details"])}</label>
<p class="muted" id="details-hint">{esc(t["details_hint"])}</p>{_error("details", errors, t)}
<textarea id="details" name="details" maxlength="2000"
 aria-describedby="details-hint{' details-error' if 'details' in errors else ''}"{_invalid("details", errors)}>
{esc(str(values.get("details") or ""))}</textarea>
</div>
<p><button type="submit">{esc(t["submit"])}</button></p>
</form></div>{_footer(locale, "../v1/privacy-notice", "request")}</main>"""
    return pages.page(t["title"], body, css=FORM_CSS, lang=locale, status=status)


def _anchor(field: str) -> str:
    return "right-access" if field == "right" else field


def _error(field: str, errors: dict[str, str], t: dict[str, Any]) -> str:
    if field not in errors:
        return ""
    return f'<p class="error" id="{field}-error">{esc(t["errors"].get(field, t["errors"]["details"]))}</p>'


def _invalid(field: str, errors: dict[str, str]) -> str:
    return ' aria-invalid="true"' if field in errors else ""


def _footer(locale: str, notice: str, form: str) -> str:
    current = ' aria-current="page"'
    languages = " ".join(f'<a href="{esc(form)}?locale={c}" lang="{c}" hreflang="{c}"'
                         f'{current if c == locale else ""}>{c}</a>' for c in LOCALES)
    return (f'<p class="muted"><a href="{esc(notice)}?locale={esc(locale)}">{esc(texts(locale)["privacy"])}</a>'
            f' · <span>{languages}</span></p>')


def _status_page(locale: str, title: str, text: str, css: str, status: int = 200) -> Response:
    body = (f'<main><div class="card"><h1>{esc(title)}</h1>'
            f'<p role="status" aria-live="polite">{esc(text)}</p></div></main>')
    return pages.page(title, body, css=css, lang=locale, status=status)


def sent_page(locale: str) -> Response:
    t = texts(locale)
    return _status_page(locale, t["sent_title"], t["sent_text"], FORM_CSS, 202)


def limited_page(locale: str, retry_after: int, css: str = FORM_CSS) -> Response:
    t = texts(locale)
    page = _status_page(locale, t["limited_title"], t["limited_text"], css, 429)
    page.headers["Retry-After"] = str(retry_after)
    return page


def confirm_page(token: str, locale: str = "en") -> Response:
    """What the link opens: a button that POSTs (a mail scanner's prefetch changes nothing)."""
    t = texts(locale)
    body = (f'<main><div class="card"><h1>{esc(t["confirm_title"])}</h1><p>{esc(t["confirm_text"])}</p>'
            f'<form method="post" action="{esc(quote(token, safe=""))}">'
            f'<p><button type="submit">{esc(t["confirm"])}</button></p></form></div></main>')
    return pages.page(t["confirm_title"], body, css=LINK_CSS, lang=locale)


def confirmed_page(request: dict[str, Any], how: str) -> Response:
    locale = str(request.get("locale") or "en")
    t = texts(locale)
    text = t["done_text"][how].format(due=str(request.get("due_at", ""))[:10])
    return _status_page(locale, t["done_title"], text, LINK_CSS)


def link_error_page(expired: bool, css: str = LINK_CSS) -> Response:
    t = texts("en")
    if expired:
        return _status_page("en", t["expired_title"], t["expired_text"], css, 410)
    return _status_page("en", t["invalid_title"], t["invalid_text"], css, 400)
