"""The subject stores: every place that holds personal data, each able to find, export,
erase, rectify, restrict and object for one person.

A domain plugs in by writing an adapter with these methods (looking a person up through its
own indexes, never a Scan) and naming its module in BUILT_IN; the adapter module calls
`register(...)` when imported. Every method is idempotent and answers counts by kind.
Every method acts on the same items `find` matches, under one rule (issue 11.1): a request by
user id only on items kept under that user id, a request by e-mail only on items that carry
that address; a link between the two that came from unauthenticated input (a public POST
pairing someone's user id with another address) is never followed. `find` says which rule
matched each item (`Held.matched_by`, `Held.subject`); the answer lists them.
An adapter that finds its items through another store's data sets `order` below 0 (default 0):
the insight follow-ups are found through survey responses, so they act before the surveys
store erases those.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.privacy.rules import Held, SubjectRef

# Adapter modules, imported on first use. The incidents domain adds its own here
# (reporter records on IncidentsTable `by_email`, inbound mails and attachments in S3); the
# insight domain its follow-up conversations (InsightTable `FUP#<response_id>`).
BUILT_IN = ("chalicelib.surveys.subjects", "chalicelib.incidents.subjects", "chalicelib.insight.subjects")

_stores: dict[str, SubjectStore] = {}


class SubjectStore(Protocol):
    """One store's part in every right; `ref` names the person, `now` is the request's time."""

    name: str

    def find(self, ref: SubjectRef, now: datetime) -> list[Held]:
        """Every live item holding the person's data, with its purpose, expiry and why it matched (Art. 15)."""
        ...

    def erase(self, ref: SubjectRef, now: datetime) -> dict[str, int]:
        """Delete every item of the person, expired-but-not-yet-deleted ones too (Art. 17)."""
        ...

    def rectify(self, ref: SubjectRef, changes: dict[str, Any], now: datetime) -> dict[str, int]:
        """Correct e-mail, username, company, country, url; None removes the field (Art. 16)."""
        ...

    def restrict(self, ref: SubjectRef, restricted: bool, now: datetime) -> dict[str, int]:
        """Flag (or unflag) the person's items `restricted`, and stop contacting them (Art. 18)."""
        ...

    def object(self, ref: SubjectRef, now: datetime) -> dict[str, int]:
        """Remember, by keyed hash only, never to process or contact them again (Art. 21)."""
        ...


def register(store: SubjectStore) -> None:
    _stores[store.name] = store


def stores() -> list[SubjectStore]:
    """Every registered store, the built-in adapters imported first; by `order`, then registration."""
    for module in BUILT_IN:
        importlib.import_module(module)
    return sorted(_stores.values(), key=lambda s: int(getattr(s, "order", 0)))


def unregister(name: str) -> None:
    _stores.pop(name, None)
