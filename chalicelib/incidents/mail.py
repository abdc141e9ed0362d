"""Parse raw alert e-mail (MIME as SES stores it) into an alert. Pure: bytes in, dict out, never raises."""
from __future__ import annotations

import email
import hashlib
import html as html_entities
import json
import re
from email import policy
from email.utils import getaddresses, parseaddr
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from email.message import EmailMessage

MAX_TEXT_CHARS = 20_000
MAX_ATTACHMENTS = 20
# Python's MIME parser checks every line against every open boundary (work = lines x depth) and
# recurses per level: real mail nests a few levels; past this many boundaries a message is kept
# raw and flagged instead of parsed.
MAX_MIME_BOUNDARIES = 32
_BOUNDARY = re.compile(rb"boundary\s*=", re.IGNORECASE)
# Elements whose content is not text a reader sees.
_HIDDEN = ("script", "style", "head", "title", "template", "noscript")
# Where markup starts: "<" then a letter, "/", "!" or "?"; any other "<" (as in "a < b") is text.
_MARKUP = re.compile(r"<[A-Za-z/!?]")
_VERDICT = re.compile(r"\b(spf|dkim|dmarc)\s*=\s*([a-zA-Z]+)")
_PASSING = {"pass", "none", "neutral", "bestguesspass"}


def parse_message(raw: bytes, size: int, max_bytes: int) -> dict[str, Any]:
    """Headers, text, HTML, attachments and SES verdicts; an unparseable message is flagged, not lost."""
    if size > max_bytes or not raw:
        reason = "too_large" if size > max_bytes else "empty"
        return {"flags": ["unparsed", reason], "attachments": [], "verdicts": {}}
    if len(_BOUNDARY.findall(raw, 0, len(raw))) > MAX_MIME_BOUNDARIES:
        return {"flags": ["unparsed", "too_deep"], "attachments": [], "verdicts": {}}
    try:
        message = email.message_from_bytes(raw, policy=policy.default)
        return _parse(message)  # type: ignore[arg-type]
    except Exception as exc:  # any malformed input: keep the raw object, raise it as "unparsed"
        return {"flags": ["unparsed", f"error:{type(exc).__name__}"], "attachments": [], "verdicts": {}}


def _parse(message: EmailMessage) -> dict[str, Any]:
    flags: list[str] = []
    headers = {name: _header(message, name, flags) for name in
               ("Message-ID", "From", "To", "Subject", "Date", "Authentication-Results",
                "Received-SPF", "X-SES-Spam-Verdict", "X-SES-Virus-Verdict")}
    sender_name, sender = parseaddr(headers["From"] or "")
    if not sender or "@" not in sender:
        flags.append("missing_sender")
    if not headers["Message-ID"]:
        flags.append("missing_message_id")
    text, html, attachments = _bodies(message, flags)
    if not text and html:
        text = html_to_text(html, MAX_TEXT_CHARS)
    verdicts = auth_verdicts(headers["Authentication-Results"], headers["Received-SPF"])
    for name in ("X-SES-Spam-Verdict", "X-SES-Virus-Verdict"):
        value = headers[name]
        if value:
            verdicts[name.split("-")[2].lower()] = value.strip().lower()
    if any(v not in _PASSING for v in verdicts.values()):
        flags.append("auth_failed")
    if message.defects:
        flags.append("defects")
    if not text and not attachments:
        flags.append("empty_body")
    return {
        "message_id": (headers["Message-ID"] or "").strip() or None,
        "sender": sender.lower() if sender else None,
        "sender_name": sender_name or None,
        "to": [a for _, a in getaddresses([headers["To"] or ""]) if a],
        "subject": (headers["Subject"] or "")[:998],
        "date": headers["Date"],
        "text": text[:MAX_TEXT_CHARS],
        "html_present": bool(html),
        "attachments": attachments,
        "verdicts": verdicts,
        "flags": sorted(set(flags)),
    }


def _header(message: EmailMessage, name: str, flags: list[str]) -> str | None:
    try:
        value = message.get(name)
        return None if value is None else str(value)
    except Exception:  # a header the parser chokes on is dropped, and said so
        flags.append("bad_header")
        return None


def _bodies(message: EmailMessage, flags: list[str]) -> tuple[str, str, list[dict[str, Any]]]:
    text, html = "", ""
    attachments: list[dict[str, Any]] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        disposition = part.get_content_disposition()
        if disposition == "attachment" or (part.get_filename() and ctype not in ("text/plain", "text/html")):
            if len(attachments) < MAX_ATTACHMENTS:
                attachments.append({"filename": _safe_name(part.get_filename() or "attachment"),
                                    "content_type": ctype, "content": part.get_payload(decode=True) or b""})
            else:
                flags.append("too_many_attachments")
            continue
        if ctype == "text/plain" and not text:
            text = _text(part, flags)
        elif ctype == "text/html" and not html:
            html = _text(part, flags)
    return text, html, attachments


def _text(part: Any, flags: list[str]) -> str:
    try:
        return str(part.get_content())
    except (LookupError, UnicodeError, ValueError, AssertionError):
        flags.append("odd_encoding")
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")


def auth_verdicts(results: str | None, received_spf: str | None) -> dict[str, str]:
    """spf/dkim/dmarc from SES's Authentication-Results (and Received-SPF), lowercased."""
    found: dict[str, str] = {}
    for name, value in _VERDICT.findall(results or ""):
        found.setdefault(name.lower(), value.lower())
    if "spf" not in found and received_spf:
        found["spf"] = received_spf.strip().split()[0].lower()
    return found


def html_to_text(html: str, limit: int = MAX_TEXT_CHARS) -> str:
    """The text a reader sees in `html`, at most `limit` characters, in one forward pass.

    Every search starts where the last one ended, so the work is linear in the input whatever it
    holds. Not html.parser.HTMLParser: before Python 3.11.13 it is quadratic on unclosed `<!--`
    and `<?` (CVE-2025-6069; 200 KB of `<!--` takes 48 s on 3.11.7). Markup left unclosed at
    the end is dropped, as a browser drops it; a `<` that starts no markup is text.
    """
    lowered = html.lower()
    chunks: list[str] = []
    kept, at, end = 0, 0, len(html)
    while at < end and kept < limit:
        markup = _MARKUP.search(html, at)
        text = html[at:] if markup is None else html[at:markup.start()]
        chunks.append(text)
        kept += len(text)
        if markup is None:
            break
        chunks.append(" ")
        at = _after_markup(html, lowered, markup.start())
    return re.sub(r"\s+", " ", html_entities.unescape("".join(chunks))).strip()[:limit]


def _after_markup(html: str, lowered: str, opening: int) -> int:
    """Where the text after the markup at `opening` starts (the end when it never closes)."""
    if html.startswith("<!--", opening):
        closing = html.find("-->", opening + 4)
        return len(html) if closing < 0 else closing + 3
    closing = html.find(">", opening + 1)
    if closing < 0:
        return len(html)
    name = (lowered[opening + 1:closing].split(None, 1) or [""])[0]
    if name in _HIDDEN:
        hidden_end = lowered.find(f"</{name}", closing + 1)
        return len(html) if hidden_end < 0 else _after_markup(html, lowered, hidden_end)
    return closing + 1


def _safe_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name.rsplit("/", 1)[-1]).strip("._")
    return cleaned[:100] or "attachment"


def alert_id_for(message_id: str | None, sender: str | None, bucket: str, key: str) -> str:
    """Same Message-ID from the same sender, same alert; without one, the stored object identifies it.

    The sender is part of the key: one who knows another's Message-ID must not join their alert
    (and an erasure of that sender then removes only that sender's copies)."""
    if not message_id:
        basis = f"obj:{bucket}/{key}"
    else:
        basis = json.dumps(["mid", message_id.strip().lower(), (sender or "").strip().lower()])
    return "alt_m" + hashlib.sha256(basis.encode()).hexdigest()[:24]
