"""Self-service privacy requests end to end: file → verify by e-mail → fulfil or hold → decide.

Nothing is looked up before the address is verified: filing writes the request and mails a
signed one-time link, and answers the same whatever data exists. Confirming (a POST: mail
scanners prefetch GETs) moves the request forward once, writes the audit entry with its
Art. 12(3) due date, and then exports, acts or holds it for an administrator.
"""
from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib import aws, clock, signing
from chalicelib.config import get_settings
from chalicelib.errors import ConflictError, InvalidInputError, NotFoundError, TrustloopError, UnavailableError
from chalicelib.obs import logger, metrics
from chalicelib.privacy import masking
from chalicelib.privacy import rules as privacy_rules
from chalicelib.privacy import service as privacy
from chalicelib.privacy import store as audit_store
from chalicelib.privacy.rules import SubjectRef
from chalicelib.requests import rules, store, texts
from chalicelib.secrets import get_app_secrets

VERIFY_HOURS = 24
CLAIM_SECONDS = 60  # a confirmation that crashed half-way may be retried after this
KEEP_DONE_DAYS = 30  # a finished request (with its address) is kept this long; the audit log 3 years
ACTOR = "data subject"
REQUEST_ID = re.compile(r"prq_[0-9a-f]{32}")
ACCEPTED = {"status": "check_your_email",
            "message": "If the address is right, it gets an e-mail with a link to confirm the request. "
                       "The link works for 24 hours."}


class LinkError(TrustloopError):
    """A verification or download link that is forged, malformed or past its time."""

    status = 400
    code = "invalid_link"

    def __init__(self, expired: bool) -> None:
        super().__init__("this link has expired" if expired else "this link is not valid", "token")
        self.expired = expired
        if expired:
            self.status, self.code = 410, "link_expired"


class RateLimitedError(TrustloopError):
    status = 429
    code = "rate_limited"

    def __init__(self, field: str, retry_after: int) -> None:
        self.retry_after = max(1, retry_after)  # before the base class builds the Retry-After header
        super().__init__("too many requests; try again later", field)


def _key() -> bytes:
    return get_app_secrets().signing_key


def _limit(field: str, subject: str, limit: int) -> None:
    """One more request for `subject` this hour, or 429 naming the field."""
    window, now = rules.Window(limit, 3600), clock.now()
    start = window.start(now)
    counter = signing.keyed_hash(_key(), f"rate:{subject}")
    if not store.take(counter, start, limit, start + window.seconds + 60):
        metrics.add_metric(name="PrivacyRequestsRateLimited", unit="Count", value=1)
        raise RateLimitedError(field, window.retry_after(now))


def file_request(body: dict[str, Any], client: str, base_url: str) -> dict[str, str]:
    """Store the request unverified and mail its confirmation link; nothing else is read."""
    right, email = body["right"], body["email"].strip().lower()
    details = rules.check_details(right, body.get("details"))
    s = get_settings().self_service
    _limit("client", f"client:{client}", s.per_client)
    _limit("email", f"email:{email}", s.per_address)
    now = clock.now()
    request_id = f"prq_{uuid.uuid4().hex}"
    locale = texts.locale_of(body.get("locale"))
    expires = rules.expires_after(now, VERIFY_HOURS)
    store.put_request({"request_id": request_id, "right": right, "email": email, "locale": locale,
                       "status": rules.UNVERIFIED, "created_at": clock.iso(now), store.TTL: expires + 3600,
                       **({"details": details} if details else {})})
    # The locale rides in the token so that the confirm page speaks it without a lookup.
    token = signing.sign_link(rules.VERIFY_KIND, {"i": request_id, "l": locale}, expires, _key())
    link = f"{base_url}/v1/privacy-requests/verify/{quote(token, safe='')}"
    _mail(email, locale, "verify", right, link=link)
    logger.info("privacy request filed", extra={"request_id": request_id, "right": right})
    return dict(ACCEPTED)


def read_link(token: str, kind: str) -> dict[str, Any]:
    """The payload of a valid link of `kind`; LinkError (400 forged, 410 expired) otherwise."""
    state, payload = signing.read_link(token, kind, int(clock.now().timestamp()), _key())
    if state != "ok" or payload is None:
        raise LinkError(expired=state == "expired")
    return payload


def confirm(token: str, base_url: str) -> dict[str, Any]:
    """The person opened the link and confirmed: verified once, then fulfilled or held."""
    request_id = str(read_link(token, rules.VERIFY_KIND).get("i", ""))
    now = clock.now()
    due = rules.first_due(now)
    moved = store.move(request_id, (rules.UNVERIFIED,), {
        "status": rules.VERIFIED, "received_at": clock.iso(now), "due_at": clock.iso(due),
        "open_queue": store.OPEN, "claimed_at": clock.iso(now),
        store.TTL: int((rules.extended_due(now, 0, rules.MAX_EXTENSION_MONTHS)[0] + timedelta(days=KEEP_DONE_DAYS))
                       .timestamp())})
    if moved is None:  # confirmed before: finish a stale half-done one, else say where it is
        stale = clock.iso(now - timedelta(seconds=CLAIM_SECONDS))
        moved = store.move(request_id, (rules.VERIFIED,), {"claimed_at": clock.iso(now)}, claimed_before=stale)
        if moved is None:
            request = store.get_request(request_id)
            if request is None:
                raise LinkError(expired=True)  # an unconfirmed request expired and is gone
            return request
    else:
        _audit(moved, "received")
    return _fulfil(moved, base_url)


def _fulfil(request: dict[str, Any], base_url: str) -> dict[str, Any]:
    right = request["right"]
    how = rules.disposition(right, get_settings().self_service.instant)
    if how == "export":
        return _export(request, base_url)
    if how == "act":
        done = _carry_out(request)
        _mail(request["email"], request["locale"], "done", right)
        return _finish(request, rules.DONE, fulfilment_request_id=done["request_id"])
    # Mailed first: a failed mail leaves it verified, so that a later confirmation retries both.
    _mail(request["email"], request["locale"], "received", right, due=request["due_at"][:10])
    pending = store.move(request["request_id"], (rules.VERIFIED,), {"status": rules.PENDING}) or request
    _audit(pending, "pending")
    return pending


def _ref(request: dict[str, Any]) -> SubjectRef:
    return SubjectRef(email=str(request["email"]))


def _carry_out(request: dict[str, Any], changes: dict[str, Any] | None = None) -> dict[str, Any]:
    """The right itself, over every subject store, for the verified address only."""
    right, ref = request["right"], _ref(request)
    if right == "erasure":
        return privacy.erase(ref, ACTOR)
    if right == "restriction":
        return privacy.restrict(ref, True, ACTOR)
    if right == "objection":
        return privacy.object_to(ref, None, ACTOR, channel="self_service")
    if right == "rectification" and changes:
        return privacy.rectify(ref, changes, ACTOR)
    raise InvalidInputError("decision", f"{right} is not carried out this way")


def _export(request: dict[str, Any], base_url: str) -> dict[str, Any]:
    """Access/portability: the items carrying the address, as JSON and CSV in S3, linked by mail."""
    body, _ = privacy.export(_ref(request), "json", ACTOR)
    email, request_id = request["email"], request["request_id"]
    items = rules.own_items(body["items"], email)
    record = body["record_of_processing"]
    document = {"request_id": request_id, "right": request["right"], "email": email,
                "generated_at": clock.iso(clock.now()), "status": body["status"], "items": items,
                "record_of_processing": record}
    csv_text = privacy_rules.to_csv(privacy_rules.export_rows(record, items))
    store.put_export(request_id, "export.json", json.dumps(document, indent=2, default=str).encode(),
                     "application/json")
    store.put_export(request_id, "export.csv", csv_text.encode(), "text/csv; charset=utf-8")
    now = clock.now()
    expires = rules.expires_after(now, get_settings().self_service.download_hours)
    token = quote(signing.sign_link(rules.DOWNLOAD_KIND, {"i": request_id}, expires, _key()), safe="")
    link = f"{base_url}/v1/privacy-requests/exports/{token}"
    _mail(email, request["locale"], "export", request["right"], link=link, csv=f"{link}?format=csv",
          expires=clock.iso(now + timedelta(hours=get_settings().self_service.download_hours)))
    return _finish(request, rules.DONE, fulfilment_request_id=body["request_id"], items=len(items))


def download(token: str, fmt: str) -> tuple[bytes, str, str]:
    """(body, content type, file name) of an export, while its signed link is valid."""
    request_id = str(read_link(token, rules.DOWNLOAD_KIND).get("i", ""))
    name = f"export.{fmt}"
    body = store.get_export(f"exports/{request_id}/{name}")
    if body is None:  # the bucket's lifecycle removed it, or it was never made
        raise LinkError(expired=True)
    content_type = "application/json" if fmt == "json" else "text/csv; charset=utf-8"
    return body, content_type, f"privacy-export-{request_id}.{fmt}"


def _finish(request: dict[str, Any], status: str, **details: Any) -> dict[str, Any]:
    """Done or rejected: out of the open queue, kept a while, audited (forward only)."""
    now = clock.now()
    done = store.move(request["request_id"], (rules.VERIFIED, rules.PENDING), {
        "status": status, "completed_at": clock.iso(now), **details,
        store.TTL: int((now + timedelta(days=KEEP_DONE_DAYS)).timestamp())},
        remove=("open_queue", "claimed_at"))
    if done is None:
        raise _conflict(request["request_id"])
    _audit(done, status)
    return done


def _conflict(request_id: str) -> TrustloopError:
    current = store.get_request(request_id) or {}
    return ConflictError(f"the request is {current.get('status', 'gone')} already", "status")


# Administrators ------------------------------------------------------------------------------

_SHOWN = ("request_id", "right", "email", "locale", "status", "details", "received_at", "due_at",
          "extended_months", "completed_at", "decision", "reason", "items")


def _shown(request: dict[str, Any]) -> dict[str, Any]:
    return {k: request[k] for k in _SHOWN if k in request}


def list_requests(status: str) -> list[dict[str, Any]]:
    """Open requests by due date; `overdue` keeps those past it (one Query on `by_open`)."""
    before = clock.iso(clock.now()) if status == "overdue" else None
    return [_shown(r) for r in store.query_open(before)]


def _find(request_id: str) -> dict[str, Any] | None:
    """A request by the id we issued (`prq_` + 32 hex); anything else is no request, unread."""
    return store.get_request(request_id) if REQUEST_ID.fullmatch(request_id) else None


def get_request(request_id: str) -> dict[str, Any]:
    request = _find(request_id)
    if request is None or request["status"] == rules.UNVERIFIED:
        raise NotFoundError("no such verified request", "request_id")
    return _shown(request)


def decide(request_id: str, body: dict[str, Any], actor: str) -> dict[str, Any]:
    """Approve (carry it out) or reject (with the reason, mailed to the person) a held request."""
    request = _open(request_id, rules.PENDING)
    right, reason = request["right"], body["reason"]
    if body["decision"] == "reject":
        _mail(request["email"], request["locale"], "rejected", right, reason=reason)
        return _shown(_finish(request, rules.REJECTED, decision="reject", reason=reason, decided_by=actor))
    if right == "question":
        raise InvalidInputError("decision", "a question is answered (POST …/answer), not approved")
    if right == "rectification" and not body.get("changes"):
        raise InvalidInputError("changes", "is required to approve a rectification")
    done = _carry_out(request, body.get("changes"))
    _mail(request["email"], request["locale"], "done", right)
    return _shown(_finish(request, rules.DONE, decision="approve", reason=reason, decided_by=actor,
                          fulfilment_request_id=done["request_id"]))


def extend(request_id: str, body: dict[str, Any], actor: str) -> dict[str, Any]:
    """Art. 12(3): up to two more months in all, with the reason told to the person."""
    request = _open(request_id, rules.VERIFIED, rules.PENDING)
    received = clock.parse_iso(request["received_at"])
    due, total = rules.extended_due(received, int(request.get("extended_months", 0)), body["months"],
                                    clock.now())
    moved = store.move(request_id, (rules.VERIFIED, rules.PENDING), {
        "due_at": clock.iso(due), "extended_months": total, "extension_reason": body["reason"],
        "extended_by": actor})
    if moved is None:
        raise _conflict(request_id)
    _audit(moved, "extended", reason=body["reason"], actor=actor)
    _mail(request["email"], request["locale"], "extended", request["right"], due=clock.iso(due)[:10],
          reason=body["reason"])
    return _shown(moved)


def answer(request_id: str, body: dict[str, Any], actor: str) -> dict[str, Any]:
    """Answer a question by e-mail; the request is then done."""
    request = _open(request_id, rules.PENDING)
    if request["right"] != "question":
        raise InvalidInputError("request_id", f"is a {request['right']} request, not a question")
    _mail(request["email"], request["locale"], "answered", "question", answer=body["text"])
    return _shown(_finish(request, rules.DONE, decision="answered", decided_by=actor))


def _open(request_id: str, *statuses: str) -> dict[str, Any]:
    request = _find(request_id)
    if request is None or request["status"] == rules.UNVERIFIED:
        raise NotFoundError("no such verified request", "request_id")
    rules.require_status(request, *statuses)
    return request


def count_overdue() -> int:
    """The scheduled check: open requests past their due date, published as a metric (alarm > 0)."""
    overdue = store.count_open(clock.iso(clock.now()))
    metrics.add_metric(name="PrivacyRequestsOverdue", unit="Count", value=overdue)
    logger.info("privacy requests overdue", extra={"overdue": overdue})
    return overdue


# Audit and mail ------------------------------------------------------------------------------

def _audit(request: dict[str, Any], status: str, reason: str | None = None, actor: str = ACTOR) -> None:
    """One audit entry per request (keyed by the address's hash), rewritten at each step."""
    entry: dict[str, Any] = {
        "request_id": request["request_id"], "right": request["right"], "article": rules.RIGHTS[request["right"]],
        "received_at": request["received_at"], "due_at": request["due_at"], "status": status,
        "actor": actor, "channel": "self_service", "identified_by": ["email"],
        "has_details": bool(request.get("details")),
    }
    for name in ("extended_months", "completed_at", "decision", "fulfilment_request_id"):
        if request.get(name) is not None:
            entry[name] = request[name]
    if reason or request.get("reason"):  # free text: masked, so it carries no identifiers
        entry["reason"] = masking.mask(str(reason or request.get("reason")))[0]
    hashes = privacy_rules.identifier_hashes(_ref(request), _key())
    expires = privacy_rules.expires_in(clock.now(), get_settings().audit_retention_days)
    audit_store.put_audit(entry, hashes, expires)


def _mail(address: str, locale: str, kind: str, right: str, **values: str) -> None:
    """One e-mail to the person through SES, in their locale; the address is never logged."""
    subject, text = texts.mail(locale, kind, right, **values)
    try:
        aws.client("ses").send_email(
            Source=get_settings().self_service.sender, Destination={"ToAddresses": [address]},
            Message={"Subject": {"Data": subject, "Charset": "UTF-8"},
                     "Body": {"Text": {"Data": text, "Charset": "UTF-8"}}})
    except BotoCoreError as exc:  # no answer from SES at all
        logger.warning("privacy request mail not sent", extra={"kind": kind, "error": type(exc).__name__})
        raise UnavailableError("the e-mail could not be sent; try again later") from None
    except ClientError as exc:
        code = exc.response["Error"]["Code"]
        logger.warning("privacy request mail not sent", extra={"kind": kind, "error": code})
        if code == "InvalidParameterValue":  # SES refuses the address itself
            raise InvalidInputError("email", "this address cannot receive e-mail") from None
        raise UnavailableError("the e-mail could not be sent; try again later") from None
    metrics.add_metric(name="PrivacyRequestMails", unit="Count", value=1)
