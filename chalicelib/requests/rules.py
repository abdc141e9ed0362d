"""Self-service request rules as pure functions: rights, states, due dates, limits, matching.

Nothing here imports boto3, a store or chalice: `now`, keys and settings are arguments.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib.errors import ConflictError, InvalidInputError
from chalicelib.privacy.rules import add_months, due_at

# What a person may ask for, with its article; `question` is a free question about their data.
RIGHTS = {
    "access": "Art. 15", "portability": "Art. 20", "erasure": "Art. 17", "rectification": "Art. 16",
    "restriction": "Art. 18", "objection": "Art. 21", "question": "Art. 12(1)",
}
EXPORTED = ("access", "portability")  # fulfilled at once: the person's own data, as a download
REVIEWABLE = ("erasure", "restriction", "objection")  # at once or held for review, per stage
ADMIN_ONLY = ("rectification", "question")  # always wait for an administrator
LOCALES = ("en", "nb", "sv", "da", "fi", "nl")
MAX_EXTENSION_MONTHS = 2  # Art. 12(3): "may be extended by two further months"

# unverified → verified → done | pending (waiting for an administrator) → done | rejected
UNVERIFIED, VERIFIED, PENDING, DONE, REJECTED = "unverified", "verified", "pending", "done", "rejected"
VERIFY_KIND, DOWNLOAD_KIND = "preq", "pexp"  # signed link kinds (signing.sign_link)


@dataclass(frozen=True)
class Window:
    """A fixed rate-limit window: at most `limit` requests per `seconds` per key."""

    limit: int
    seconds: int

    def start(self, now: datetime) -> int:
        epoch = int(now.timestamp())
        return epoch - epoch % self.seconds

    def retry_after(self, now: datetime) -> int:
        """Seconds until the window in force ends (at least 1)."""
        return max(1, self.start(now) + self.seconds - int(now.timestamp()))


def check_details(right: str, details: str | None) -> str | None:
    """Rectification must say what to correct; other rights may add a note; blank is none."""
    text = (details or "").strip()
    if right == "rectification" and not text:
        raise InvalidInputError("details", "is required for rectification: say what should be corrected")
    if right == "question" and not text:
        raise InvalidInputError("details", "is required for a question: write your question")
    return text or None


def disposition(right: str, instant: tuple[str, ...]) -> str:
    """What happens once verified: 'export' at once, 'act' at once, or 'review' by an administrator."""
    if right in EXPORTED:
        return "export"
    if right in REVIEWABLE and right in instant:
        return "act"
    return "review"


def first_due(received: datetime) -> datetime:
    """Art. 12(3): one month from receipt (here: from the verified request)."""
    return due_at(received)


def extended_due(received: datetime, already: int, months: int,
                 now: datetime | None = None) -> tuple[datetime, int]:
    """The due date after extending by `months` more; never past receipt + 1 + 2 months.

    With `now`: the person must be told within one month of receipt (Art. 12(3)), so an
    extension after the first due date is refused.
    """
    if now is not None and now > first_due(received):
        raise ConflictError("an extension must be decided and told within one month of receipt", "months")
    total = already + months
    if months < 1 or total > MAX_EXTENSION_MONTHS:
        raise InvalidInputError("months", f"a request may be extended by at most {MAX_EXTENSION_MONTHS} "
                                          f"months in all ({already} used)")
    return add_months(received, 1 + total), total


def require_status(request: dict[str, Any], *allowed: str) -> None:
    if request.get("status") not in allowed:
        raise ConflictError(f"the request is {request.get('status')}; this needs it "
                            f"{' or '.join(allowed)}", "status")


def is_overdue(request: dict[str, Any], now: datetime, parse: Any) -> bool:
    return request.get("status") in (VERIFIED, PENDING) and parse(request["due_at"]) < now


def carries(value: Any, email: str) -> bool:
    """Whether the address appears, as a whole value, anywhere in an item's data (case-insensitive)."""
    if isinstance(value, str):
        return value.strip().lower() == email
    if isinstance(value, dict):
        return any(carries(v, email) for v in value.values())
    if isinstance(value, list):
        return any(carries(v, email) for v in value)
    return False


def own_items(items: list[dict[str, Any]], email: str) -> list[dict[str, Any]]:
    """Only the exported items that carry the verified address: never another subject's."""
    return [item for item in items if carries(item.get("data"), email)]


def expires_after(now: datetime, hours: int) -> int:
    return int((now + timedelta(hours=hours)).timestamp())
