"""The HTML of the demo host page and the privacy notice (every value escaped)."""
from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from chalicelib import http
from chalicelib.config import get_settings
from chalicelib.errors import NotFoundError
from chalicelib.requests import texts as request_texts
from chalicelib.web import notices, pages
from chalicelib.web.pages import esc

if TYPE_CHECKING:
    from chalice import Response

DEMO_PRODUCTS = ("demo", "demo-support", "demo-checkout")
LOCALES = ("en", "nb", "sv", "da", "fi", "nl")


def demo_page(params: dict[str, Any], base_url: str) -> Response:
    """A fake host app with the banner embedded exactly as a product team would embed it."""
    user = params.get("user") or f"visitor-{uuid.uuid4().hex[:8]}"
    product = params.get("product") or DEMO_PRODUCTS[0]
    locale = params.get("locale") or "en"
    products = "".join(f'<option value="{esc(p)}">' for p in DEMO_PRODUCTS)
    locales = "".join(f'<option value="{c}"{" selected" if c == locale else ""}>{c}</option>'
                      for c in LOCALES)
    body = f"""
<header class="app"><strong>Acme Books</strong><nav><a href="#">Invoices</a><a href="#">Customers</a>
<a href="#">Reports</a></nav></header>
<main>
<div class="card"><h1>trustloop banner demo</h1>
<p>This page stands in for a product's web app. The survey banner below comes from one script tag;
switch the user or product to see eligibility and throttling at work.</p>
<form class="switch" method="get" action="demo">
<label>User id <input name="user" value="{esc(user)}" required></label>
<label>Product <input name="product" list="products" value="{esc(product)}" required></label>
<datalist id="products">{products}</datalist>
<label>Locale <select name="locale">{locales}</select></label>
<button type="submit">Show the banner as this user</button>
</form>
<p class="muted"><a href="demo?product={esc(product)}&amp;locale={esc(locale)}">New random user</a> ·
products: demo (NPS 0–10), demo-support (CES 1–7), demo-checkout (CSAT 1–5)</p></div>
<div class="card"><h2>Recent invoices</h2><table class="fake">
<tr><th>Number</th><th>Customer</th><th>Amount</th></tr>
<tr><td>10231</td><td>Nordlys AS</td><td>12 400,00</td></tr>
<tr><td>10232</td><td>Fjord Consulting</td><td>3 150,00</td></tr>
<tr><td>10233</td><td>Kaneli Oy</td><td>980,00</td></tr></table></div>
</main>
<script src="banner.js" data-api="{esc(base_url)}" data-product="{esc(product)}"
 data-user-id="{esc(user)}" data-locale="{esc(locale)}"></script>
"""
    return pages.page("trustloop banner demo", body, css="page.css", lang=locale)


def privacy_notice(version: str | None, locale: str | None, fmt: str) -> Response:
    """The notice a respondent was shown: the one in force unless `version` names another."""
    notice = notices.get_notice(version or get_settings().privacy_notice_version, locale)
    if notice is None:
        if fmt == "json":
            raise NotFoundError("no privacy notice of this version", "version")
        return pages.message_page("Not found", "There is no privacy notice of this version.",
                                  status=404, css="../page.css")
    if fmt == "json":
        return http.json_response({"version": notice.version, "locale": notice.locale, "title": notice.title,
                                   "sections": [{"heading": h, "text": t} for h, t in notice.sections]})
    sections = "".join(f"<h2>{esc(h)}</h2><p>{esc(t)}</p>" for h, t in notice.sections)
    label = notices.VERSION_LABEL.get(notice.locale, "Version")
    # "Contact us … by using this form" (seed 000): the self-service request form, same locale.
    form = (f'<p><a href="../privacy/request?locale={esc(request_texts.locale_of(notice.locale))}">'
            f'{esc(request_texts.texts(request_texts.locale_of(notice.locale))["title"])}</a></p>')
    body = (f'<main><div class="card notice"><h1>{esc(notice.title)}</h1>{sections}{form}'
            f'<p class="muted">{esc(label)} {esc(notice.version)}</p></div></main>')
    return pages.page(notice.title, body, css="../page.css", lang=notice.locale)
