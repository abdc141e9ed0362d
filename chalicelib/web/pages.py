"""Server-rendered HTML: one page shell with a strict CSP, the static files, error pages."""
from __future__ import annotations

import functools
import html
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from chalice import Response

from chalicelib.config import get_settings
from chalicelib.errors import InvalidInputError, PayloadTooLargeError, UnsupportedMediaTypeError
from chalicelib.http import as_trustloop_error

if TYPE_CHECKING:
    from collections.abc import Callable

    from chalice.app import Request

# Shipped inside the Lambda package: `chalice package` copies chalicelib/ whole.
STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_TYPES = {"banner.js": "text/javascript; charset=utf-8", "page.css": "text/css; charset=utf-8"}

# Nothing inline: scripts, styles, fetches and form posts only to this origin.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")

esc = html.escape


@functools.cache
def static_text(name: str) -> str:
    """A file of static/, read once per container."""
    return (STATIC_DIR / name).read_text(encoding="utf-8")


def static_response(name: str) -> Response:
    return Response(body=static_text(name), status_code=200,
                    headers={"Content-Type": STATIC_TYPES[name], "Cache-Control": "public, max-age=300",
                             "X-Content-Type-Options": "nosniff"})


def page(title: str, body: str, *, css: str, lang: str = "en", status: int = 200) -> Response:
    """An HTML page; `body` must already be escaped; `css` is relative (works under a stage prefix)."""
    document = (
        f'<!doctype html>\n<html lang="{esc(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<meta name="referrer" content="no-referrer"><title>{esc(title)}</title>'
        f'<link rel="stylesheet" href="{esc(css)}"></head>\n<body>{body}</body></html>\n'
    )
    return Response(body=document, status_code=status, headers={
        "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store",
    })


def message_page(title: str, text: str, *, css: str, lang: str = "en", status: int = 200) -> Response:
    body = f'<main><div class="card"><h1>{esc(title)}</h1><p>{esc(text)}</p></div></main>'
    return page(title, body, lang=lang, status=status, css=css)


def html_errors(css: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Like http.errors, for pages a person opens: a short HTML page, never a stack trace."""

    def decorate(route: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(route)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return route(*args, **kwargs)
            except Exception as raised:  # noqa: BLE001 - every error leaves as a page, none as a traceback
                exc = as_trustloop_error(raised)
                if exc.status == 500:
                    return message_page("Please try later", "Something went wrong on our side.",
                                        status=500, css=css)
                default = "Something is wrong with this request" if exc.status < 500 else "Please try later"
                page_ = message_page(getattr(exc, "title", default), exc.message, status=exc.status, css=css)
                page_.headers.update(exc.headers)
                return page_

        return wrapper

    return decorate


def base_url(request: Request) -> str:
    """This API's public base URL as the caller reached it (API Gateway adds a stage prefix)."""
    host = request.headers.get("host") or "127.0.0.1:8000"
    local = host.startswith(("127.0.0.1", "localhost"))
    proto = request.headers.get("x-forwarded-proto") or ("http" if local else "https")
    stage = request.context.get("stage")
    path = str(request.context.get("path") or "")
    prefix = f"/{stage}" if stage and path.startswith(f"/{stage}/") else ""
    return f"{proto}://{host}{prefix}"


def form_fields(request: Request, max_fields: int = 5) -> dict[str, Any]:
    """A page's form post (application/x-www-form-urlencoded) as a dict; validate it like a JSON body."""
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise UnsupportedMediaTypeError("Content-Type must be a form post", "Content-Type")
    raw = request.raw_body or b""
    raw = raw.encode() if isinstance(raw, str) else raw
    if len(raw) > get_settings().max_body_bytes:
        raise PayloadTooLargeError("the form is too large", "body")
    try:
        fields = parse_qs(raw.decode("utf-8"), keep_blank_values=True, max_num_fields=max_fields,
                          strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        raise InvalidInputError("body", "malformed form") from None
    return {k: v[-1] for k, v in fields.items()}
