"""Privacy rules as pure functions: identifiers, due dates, anonymisation, export shapes.

Nothing here imports boto3, a store or chalice: every input, `now` and keys included, is an argument.
"""
from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from chalicelib import csvfile, signing
from chalicelib.errors import InvalidInputError

# What each right is called in the audit log, with its article.
RIGHTS = {
    "access": "Art. 15", "portability": "Art. 20", "erasure": "Art. 17",
    "rectification": "Art. 16", "restriction": "Art. 18", "objection": "Art. 21",
}
# Fields of a survey user a person may have corrected (Art. 16); None removes the field.
RECTIFIABLE = ("email", "username", "company", "country", "url")
# How a store matched an item to a request (issue 11.1): a request by user id acts only on the
# items kept under that id, a request by e-mail only on items that carry that address. An
# address is never followed to the user id it arrived with (or back): the public API that
# joined them is unauthenticated, so following the link would act on another person.
MATCHED_BY_USER_ID = "user_id"
MATCHED_BY_EMAIL = "email"
# What an anonymised response keeps: statistics only (PRODUCT.md, retention).
ANONYMOUS_FIELDS = ("score", "metric", "product", "channel", "country", "month")


@dataclass(frozen=True)
class SubjectRef:
    """How an administrator names a person: a user id (in one company or all) and/or an e-mail."""

    user_id: str | None = None
    company: str | None = None
    email: str | None = None

    def identifiers(self) -> list[str]:
        """Canonical strings, one per way the person was named (hashed before storage)."""
        found = []
        if self.user_id:
            found.append(user_identifier(self.company or "*", self.user_id))
        if self.email:
            found.append(email_identifier(self.email))
        return found


def user_identifier(company: str, user_id: str) -> str:
    return f"user:{company}:{user_id}"


def email_identifier(email: str) -> str:
    return f"email:{email}"


@dataclass
class Held:
    """One item a store holds about a person, as an access export shows it."""

    store: str
    kind: str
    item_id: str
    purpose: str
    collected_at: str | None
    expires_at: str | None
    data: dict[str, Any] = field(default_factory=dict)
    restricted: bool = False
    # Why the item belongs to the request: MATCHED_BY_USER_ID or MATCHED_BY_EMAIL, and the
    # identifier that matched it (`user:<company>:<user_id>` or `email:<address>`).
    matched_by: str = ""
    subject: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"store": self.store, "kind": self.kind, "id": self.item_id, "purpose": self.purpose,
                "collected_at": self.collected_at, "expires_at": self.expires_at,
                "restricted": self.restricted, "matched_by": self.matched_by, "data": self.data}


def matched(held: list[Held]) -> list[dict[str, Any]]:
    """Which subjects and how many items each rule matched, per store: what a request acts on, and why."""
    groups: dict[tuple[str, str, str], dict[str, int]] = {}
    for item in held:
        kinds = groups.setdefault((item.store, item.subject, item.matched_by), {})
        kinds[item.kind] = kinds.get(item.kind, 0) + 1
    return [{"store": store, "subject": subject, "matched_by": by, "items": sum(kinds.values()),
             "kinds": dict(sorted(kinds.items()))}
            for (store, subject, by), kinds in sorted(groups.items())]


def subject_ref(params: dict[str, Any]) -> SubjectRef:
    """The person named by query parameters: user_id (+ company) and/or email."""
    user_id, company, email = params.get("user_id"), params.get("company"), params.get("email")
    if company and not user_id:
        raise InvalidInputError("user_id", "is required when company is given")
    if not user_id and not email:
        raise InvalidInputError("user_id", "give user_id or email")
    return SubjectRef(user_id=user_id or None, company=company or None,
                      email=email.strip().lower() if email else None)


def identifier_hashes(ref: SubjectRef, key: bytes) -> list[str]:
    """How the audit log names the person: keyed hashes only, never the identifiers."""
    return [signing.keyed_hash(key, ident) for ident in ref.identifiers()]


def suppression_hash(key: bytes, subject: str) -> str:
    """The pseudonym under which a survey subject's objection or restriction is remembered."""
    return signing.keyed_hash(key, f"suppress:{subject}")


def add_months(at: datetime, months: int) -> datetime:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = at.month - 1 + months
    year, month = at.year + month_index // 12, month_index % 12 + 1
    day = min(at.day, calendar.monthrange(year, month)[1])
    return at.replace(year=year, month=month, day=day)


def due_at(received_at: datetime) -> datetime:
    """Art. 12(3): a rights request is answered within one month of receipt."""
    return add_months(received_at, 1)


def expires_in(now: datetime, days: int) -> int:
    return int((now + timedelta(days=days)).timestamp())


def anonymise_response(item: dict[str, Any]) -> dict[str, Any]:
    """What a response becomes once its purpose has passed: statistics, nothing identifying."""
    user = item.get("user") or {}
    country = user.get("country")
    created = str(item.get("created_at") or "")
    return {
        "score": item.get("score"),
        "metric": item.get("metric"),
        "product": item.get("product"),
        "channel": item.get("channel"),
        "country": str(country).upper() if country else None,
        "month": created[:7] or None,
    }


def cutoff_months(now: datetime, purpose_days: int, retention_days: int) -> list[str]:
    """The collection months ('YYYY-MM') that may hold responses past their purpose."""
    cutoff = now - timedelta(days=purpose_days)
    month = (now - timedelta(days=retention_days)).replace(day=1)
    months = []
    while (month.year, month.month) <= (cutoff.year, cutoff.month):
        months.append(month.strftime("%Y-%m"))
        month = add_months(month, 1)
    return months


def export_rows(record: dict[str, Any], held: list[dict[str, Any]]) -> list[list[str]]:
    """The export as rows of section, store, kind, id, purpose, collected, expires, field, value."""
    rows = [["section", "store", "kind", "id", "purpose", "collected_at", "expires_at", "field", "value"]]
    for item in held:
        base = ["data", item["store"], item["kind"], item["id"], item["purpose"],
                item["collected_at"] or "", item["expires_at"] or ""]
        flat = _flatten({**item["data"], "restricted": item["restricted"]})
        rows += [[*base, name, value] for name, value in flat]
    for name, value in _flatten(record):
        rows.append(["record_of_processing", "", "", "", "", "", "", name, value])
    return rows


def to_csv(rows: list[list[str]]) -> str:
    return csvfile.write(rows)


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        pairs: list[tuple[str, str]] = []
        for key in sorted(value):
            pairs += _flatten(value[key], f"{prefix}.{key}" if prefix else str(key))
        return pairs
    if isinstance(value, list):
        pairs = []
        for i, element in enumerate(value):
            pairs += _flatten(element, f"{prefix}[{i}]")
        return pairs
    text = value if isinstance(value, str) else json.dumps(value)
    return [(prefix, text)]
