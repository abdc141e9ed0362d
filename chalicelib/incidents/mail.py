"""Parse raw alert e-mail (MIME as SES stores it) into an alert. Pure: bytes in, dict out, never raises."""
from __future__ import annotations

import email
import hashlib
import json
import re
from email import policy
from email.utils import getaddresses, parseaddr
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from email.message import EmailMessage

MAX_TEXT_CHARS = 20_000
MAX_ATTACHMENTS = 20
_VERDICT = re.compile(r"\b(spf|dkim|dmarc)\s*=\s*([a-zA-Z]+)")
_PASSING = {"pass", "none", "neutral", "bestguesspass"}


def parse_message(raw: bytes, size: int, max_bytes: int) -> dict[str, Any]:
    """Headers, text, HTML, attachments and SES verdicts; an unparseable message is flagged, not lost."""
    if size > max_bytes or not raw:
        reason = "too_large" if size > max_bytes else "empty"
        return {"flags": ["unparsed", reason], "attachments": [], "verdicts": {}}
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
        text = _strip_tags(html)
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


def _strip_tags(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


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
