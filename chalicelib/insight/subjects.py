"""The insight domain's subject store: follow-up conversations, found through the person's responses.

A follow-up's id is its response's id (`FUP#<response_id>` on InsightTable), and its replies
(drafts and sent ones, addressed to the person) live on that item. The person's response ids
come from the survey adapter (Query `by_subject` / `by_email`, BatchGetItem, never a Scan),
then one BatchGetItem on InsightTable. The item carries its response's TTL; the address a reply
goes to is read from the response at sending time and never stored here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalicelib import clock
from chalicelib.insight import followup_store, followups
from chalicelib.privacy import registry
from chalicelib.privacy.rules import Held
from chalicelib.surveys import subjects as survey_subjects
from chalicelib.surveys.store import is_live

if TYPE_CHECKING:
    from chalicelib.privacy.rules import SubjectRef

PURPOSE = (
    "following up your feedback: our answer to your comment (drafts and replies sent), "
    "sent only if you agreed to be contacted"
)
_INTERNAL = ("pk", "sk", "fup_status", followup_store.TTL, "restricted")


def responses(ref: SubjectRef) -> dict[str, tuple[str, str]]:
    """The person's response ids, expired ones too (an erasure must find their follow-ups),
    each with how the surveys store matched it (by user id or by the e-mail it carries)."""
    return {str(i["pk"]).split("#", 1)[1]: (by, subject)
            for by, subject, i in survey_subjects.matched_items(ref) if survey_subjects.kind_of(i) == "response"}


def response_ids(ref: SubjectRef) -> list[str]:
    return sorted(responses(ref))


def _followups(ref: SubjectRef) -> list[dict[str, Any]]:
    ids = response_ids(ref)
    return followup_store.get_followup_items(ids) if ids else []


def _iso(epoch: Any) -> str | None:
    return clock.iso(datetime.fromtimestamp(int(epoch), tz=UTC)) if epoch is not None else None


def held(item: dict[str, Any], matched: tuple[str, str] = ("", "")) -> Held:
    data = {k: v for k, v in item.items() if k not in _INTERNAL}
    return Held("followups", "followup", str(item["followup_id"]), PURPOSE, item.get("opened_at"),
                _iso(item.get(followup_store.TTL)), data, bool(item.get("restricted")), *matched)


def _replies(items: list[dict[str, Any]]) -> int:
    return sum(len(i.get("replies") or []) for i in items)


class FollowupSubjects:
    """Follow-ups and their replies (Art. 15–21 for the insight domain)."""

    name = "followups"
    # Runs before the surveys store: its erasure removes the responses that lead to follow-ups.
    order = -1

    def find(self, ref: SubjectRef, now: datetime) -> list[Held]:
        matched = responses(ref)  # a follow-up matches the way its response did
        items = followup_store.get_followup_items(sorted(matched)) if matched else []
        return [held(i, matched[str(i["followup_id"])]) for i in items if is_live(i, now)]

    def erase(self, ref: SubjectRef, now: datetime) -> dict[str, int]:
        items = _followups(ref)
        for item in items:
            followup_store.delete_followup(str(item["followup_id"]))
        counts = {"followup": len(items), "reply": _replies(items)}
        return {k: v for k, v in counts.items() if v}

    def rectify(self, ref: SubjectRef, changes: dict[str, Any], now: datetime) -> dict[str, int]:
        """Nothing to correct: a follow-up holds no e-mail, username, user company, country or URL."""
        return {}

    def restrict(self, ref: SubjectRef, restricted: bool, now: datetime) -> dict[str, int]:
        """Restricting closes every follow-up still going and flags it; lifting unflags, never reopens."""
        items = [i for i in _followups(ref) if is_live(i, now)]
        if restricted:
            closed = sum(followups.close_for(str(i["followup_id"]), "restricted", restricted=True) for i in items)
            counts = {"followup": len(items), "closed": closed}
        else:
            flagged = [i for i in items if i.get("restricted")]
            for item in flagged:
                followup_store.update_followup(str(item["followup_id"]), str(item["status"]), {"restricted": False})
            counts = {"followup": len(flagged)}
        return {k: v for k, v in counts.items() if v}

    def object(self, ref: SubjectRef, now: datetime) -> dict[str, int]:
        """No more contact: every follow-up still going is closed (then erased or kept restricted)."""
        closed = sum(followups.close_for(str(i["followup_id"]), "objected")
                     for i in _followups(ref) if is_live(i, now))
        return {"closed": closed} if closed else {}


registry.register(FollowupSubjects())
