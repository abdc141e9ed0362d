"""Data-subject rights end to end: every subject store, then one audit entry per request.

Each right runs over every registered store (registry.py), answers counts per store, and
leaves an audit entry naming the person only by keyed hashes, with the Art. 12(3) due date.
"""
from __future__ import annotations

import functools
import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chalicelib import clock, signing
from chalicelib.config import MAX_RETENTION_DAYS, get_settings
from chalicelib.errors import InvalidInputError
from chalicelib.obs import logger
from chalicelib.privacy import masking, registry, rules, store
from chalicelib.privacy.rules import SubjectRef
from chalicelib.secrets import get_app_secrets
from chalicelib.surveys import store as survey_store
from chalicelib.surveys import subjects as survey_subjects

if TYPE_CHECKING:
    from collections.abc import Callable

    from chalicelib.privacy.registry import SubjectStore
    from chalicelib.privacy.rules import Held

_RECORD_FILE = Path(__file__).with_name("processing_record.json")
OPT_OUT = "opt_out"


@cache
def _record_text(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def processing_record() -> dict[str, Any]:
    """The Art. 15(1) record of processing: configuration (a JSON file), not code."""
    path = get_settings().processing_record_file or str(_RECORD_FILE)
    record: dict[str, Any] = json.loads(_record_text(path))
    record.pop("_note", None)
    return record


def _request_id() -> str:
    """Unique, and in order of arrival even within one second (the audit sorts by it)."""
    return f"{time.time_ns():016x}{uuid.uuid4().hex[:16]}"


def _carry_out(right: str, ref: SubjectRef, actor: str,
               act: Callable[[SubjectStore, datetime], dict[str, int]],
               channel: str = "admin", found: dict[str, list[Held]] | None = None,
               **details: Any) -> dict[str, Any]:
    """Audit the request as received, say what it matched, run it over every store, audit what was done.

    Written before acting too, so a request that fails half-way still leaves its trace (and
    its due date) in the log; the second write, under the same keys, completes it. `matched`
    (which subjects, how many items, by which rule) is read before acting: after an erasure
    nothing would be left to describe. `found` receives each store's items.
    """
    received = clock.now()
    entry: dict[str, Any] = {
        "request_id": _request_id(), "right": right, "article": rules.RIGHTS[right],
        "received_at": clock.iso(received), "due_at": clock.iso(rules.due_at(received)),
        "status": "received", "actor": actor, "channel": channel,
        "identified_by": sorted(i.split(":")[0] for i in ref.identifiers()), **details,
    }
    hashes = rules.identifier_hashes(ref, get_app_secrets().signing_key)
    expires = rules.expires_in(received, get_settings().audit_retention_days)
    store.put_audit(entry, hashes, expires)
    found = {} if found is None else found
    for s in registry.stores():
        found[s.name] = s.find(ref, received)
    matched = rules.matched([h for items in found.values() for h in items])
    # The audit log names nobody: what matched, by which rule, but not the identifiers.
    entry["matched"] = [{k: v for k, v in m.items() if k != "subject"} for m in matched]
    entry["counts"] = {s.name: act(s, received) for s in registry.stores()}
    entry.update(status="done", completed_at=clock.iso(clock.now()))
    store.put_audit(entry, hashes, expires)
    return {k: entry[k] for k in ("request_id", "right", "received_at", "due_at", "counts")} | details | {
        "matched": matched}


def export(ref: SubjectRef, fmt: str, actor: str) -> tuple[dict[str, Any], str | None]:
    """Access (Art. 15) and portability (Art. 20): every item, what it is for, when it goes."""
    found: dict[str, list[Held]] = {}
    done = _carry_out("access", ref, actor, lambda s, now: {"items": len(found[s.name])}, format=fmt,
                      found=found)
    record = processing_record()
    body = {**done, "status": survey_subjects.get_suppression(ref, clock.now()),
            "items": [h.as_dict() for items in found.values() for h in items], "record_of_processing": record}
    csv_text = rules.to_csv(rules.export_rows(record, body["items"])) if fmt == "csv" else None
    return body, csv_text


def erase(ref: SubjectRef, actor: str) -> dict[str, Any]:
    """Erasure (Art. 17) in every store; a second call finds nothing and says 0."""
    return _carry_out("erasure", ref, actor, lambda s, now: s.erase(ref, now))


def rectify(ref: SubjectRef, changes: dict[str, Any], actor: str) -> dict[str, Any]:
    """Rectification (Art. 16); the audit keeps which fields changed, never their values."""
    return _carry_out("rectification", ref, actor, lambda s, now: s.rectify(ref, changes, now),
                      fields=sorted(changes))


def restrict(ref: SubjectRef, restricted: bool, actor: str) -> dict[str, Any]:
    """Restriction (Art. 18): kept, flagged `restricted`, out of reports and follow-ups."""
    return _carry_out("restriction", ref, actor, lambda s, now: s.restrict(ref, restricted, now),
                      restricted=restricted)


def object_to(ref: SubjectRef, keep_reason: str | None, actor: str, channel: str = "admin") -> dict[str, Any]:
    """Objection (Art. 21): never surveyed or contacted again; erased unless kept for a stated reason."""
    def act(s: SubjectStore, now: datetime) -> dict[str, int]:
        counts = dict(s.object(ref, now))
        if keep_reason:
            counts.update({f"restricted_{k}": v for k, v in s.restrict(ref, True, now).items()})
        else:
            counts.update({f"erased_{k}": v for k, v in s.erase(ref, now).items()})
        return counts

    # The stated reason is free text: masked, so that it cannot carry the person's identifiers.
    details: dict[str, Any] = {"kept": bool(keep_reason)}
    if keep_reason:
        details["keep_reason"] = masking.mask(keep_reason)[0]
    return _carry_out("objection", ref, actor, act, channel=channel, **details)


def list_requests(ref: SubjectRef) -> list[dict[str, Any]]:
    """What was done for this person, from the audit log (found by keyed hash)."""
    return store.query_audit(rules.identifier_hashes(ref, get_app_secrets().signing_key), clock.now())


def issue_opt_out_link(company: str, user_id: str, link_set: str | None = None,
                       expires: int | None = None) -> dict[str, Any]:
    """A signed opt-out link for an e-mail footer; the URL carries no identifier, only an id.

    With `link_set` (an e-mail's set of score links) and its `expires`, the link is the same
    however often it is asked for (every click on a score link shows it): one item per set, and
    none written once the person has objected, so a click after opting out re-creates nothing.
    Without, each call is a new link (the administrator's route).
    """
    now = clock.now()
    key = get_app_secrets().signing_key
    link_id = signing.keyed_hash(key, f"opt-out-link:{link_set}")[:32] if link_set else uuid.uuid4().hex
    # Never past the 3-year limit on anything personal, however long a link set lives.
    expires = min(expires or rules.expires_in(now, get_settings().opt_out_link_days),
                  rules.expires_in(now, MAX_RETENTION_DAYS))
    subject = survey_store.subject_key(company, user_id)
    # A link set's item is written when its links are issued; every later click only reads it (one read
    # instead of a transaction DynamoDB can only cancel, which is billed as a write).
    if not (link_set and survey_subjects.get_opt_out_link(link_id, now)):
        survey_subjects.put_opt_out_link(subject, link_id, now, expires, survey_store.suppression_key(key, subject))
    token = signing.sign({"t": OPT_OUT, "i": link_id, "x": expires}, key)
    return {"token": token, "path": f"/v1/opt-out/{token}",
            "expires_at": clock.iso(datetime.fromtimestamp(expires, tz=UTC))}


def opt_out(token: str) -> dict[str, Any]:
    """The person objects through their link: suppressed and erased; a used link says the same."""
    now = clock.now()
    payload = signing.verify(token, get_app_secrets().signing_key)
    if not payload or payload.get("t") != OPT_OUT or int(payload.get("x", 0)) <= int(now.timestamp()):
        raise InvalidInputError("token", "not a valid or current opt-out link")
    link = survey_subjects.get_opt_out_link(str(payload.get("i", "")), now)
    if link is None:  # used already (the objection erased it) or expired: nothing to do
        return {"opted_out": True}
    _, company, user_id = str(link["subject"]).split("#", 2)
    object_to(SubjectRef(user_id=user_id, company=company), None, actor="data subject",
              channel="opt_out_link")
    return {"opted_out": True}


def run_retention(now: datetime | None = None, budget_seconds: float = 240.0) -> dict[str, Any]:
    """Anonymise responses past their purpose period: the daily job, also runnable on demand.

    Stops starting new work after `budget_seconds` (the scheduled function has 300 s; an API
    call has under 29 s); what is left stays in the index for the next run (`complete` False).
    """
    started = time.monotonic()
    now = now or clock.now()
    s = get_settings()
    before = clock.iso(now - timedelta(days=s.purpose_days))
    months = rules.cutoff_months(now, s.purpose_days, s.retention_days)
    anonymised, complete = 0, True
    for month in months:
        keys = survey_subjects.query_due_for_anonymising(month, before)
        for item in survey_store.get_items(keys).values():
            if time.monotonic() - started > budget_seconds:
                complete = False
                break
            anonymous = rules.anonymise_response(item)
            if survey_subjects.replace_with_anonymous(item, anonymous, uuid.uuid4().hex):
                anonymised += 1
        if not complete:
            break
    logger.info("retention run", extra={"anonymised": anonymised, "complete": complete})
    return {"anonymised": anonymised, "months_queried": len(months), "complete": complete}


# Jobs the lead can wire to POST /v1/admin/jobs/{name} (API Gateway answers within 29 s, so a
# shorter budget); the schedule in app.py runs the same function with the default budget.
JOBS: dict[str, Callable[[], dict[str, Any]]] = {
    "anonymise-responses": functools.partial(run_retention, budget_seconds=20.0),
}
