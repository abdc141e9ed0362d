"""/_local/outbox on the devstack's HTTP server (never part of the Chalice app, never deployed)."""
from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    from devstack.outbox import Outbox

PREFIX = "/_local/outbox"
CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'"


def handles(path: str) -> bool:
    route = urlsplit(path).path
    return route == PREFIX or route == f"{PREFIX}.json" or route.startswith(f"{PREFIX}/")


def answer(outbox: Outbox, path: str) -> tuple[int, str, bytes]:
    """(status, content type, body) for a GET under /_local/outbox."""
    parts = urlsplit(path)
    to = (parse_qs(parts.query).get("to") or [None])[0]
    if parts.path == f"{PREFIX}.json":
        return 200, "application/json", json.dumps(outbox.listing(to), indent=1).encode()
    if parts.path in (PREFIX, f"{PREFIX}/"):
        return 200, "text/html; charset=utf-8", _page(outbox.listing(to), outbox).encode()
    body = outbox.read(parts.path.rsplit("/", 1)[1])
    if body is None:
        return 404, "text/plain; charset=utf-8", b"no such message\n"
    return 200, "text/plain; charset=utf-8", body


def _page(mails: list[dict[str, Any]], outbox: Outbox) -> str:
    esc = html.escape
    rows = "".join(
        f'<article><h2>{esc(m["subject"])}</h2><p class="meta">{esc(m["date"])} · from {esc(m["from"])}'
        f' · to {esc(", ".join(m["to"]))} · <a href="{PREFIX}/{esc(m["name"])}">{esc(m["name"])}</a></p>'
        f'<pre>{esc(m["text"])}</pre></article>' for m in mails)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Local outbox</title>'
        "<style>body{font:15px/1.5 system-ui,sans-serif;margin:24px;max-width:900px}"
        "article{border-top:1px solid #ccc;padding:8px 0}.meta{color:#555;font-size:13px}"
        "pre{white-space:pre-wrap;background:#f5f5f5;padding:8px}</style></head><body>"
        f"<h1>Local outbox</h1><p>Every e-mail SES (and SNS, for incident rooms) would have sent on this "
        f"local run, newest first; the files are in <code>{esc(str(outbox.directory))}</code>. "
        f'JSON: <a href="{PREFIX}.json">{PREFIX}.json</a> (<code>?to=</code> filters).</p>'
        f"{rows or '<p>No e-mail yet.</p>'}</body></html>")
