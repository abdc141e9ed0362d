"""Another domain's store plugs into every right through the registry."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from chalicelib.privacy import registry
from chalicelib.privacy.rules import Held, SubjectRef
from tests.privacy.builders import SUBJECTS, erase, export

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime


class FakeReporterStore:
    """A stand-in for the incidents adapter: one reporter record per e-mail."""

    name = "fake_incidents"

    def __init__(self, fail_on_erase: bool = False) -> None:
        self.records = {"rep@example.com": {"summary": "lost laptop"}}
        self.fail_on_erase = fail_on_erase

    def find(self, ref: SubjectRef, now: datetime) -> list[Held]:
        record = self.records.get(ref.email or "")
        if not record:
            return []
        return [Held("fake_incidents", "alert", "A1", "handling your alert", None, None, record)]

    def erase(self, ref: SubjectRef, now: datetime) -> dict[str, int]:
        if self.fail_on_erase:
            raise RuntimeError("store down")
        return {"alert": 1} if self.records.pop(ref.email or "", None) else {}

    def rectify(self, ref: SubjectRef, changes: dict[str, Any], now: datetime) -> dict[str, int]:
        return {}

    def restrict(self, ref: SubjectRef, restricted: bool, now: datetime) -> dict[str, int]:
        return {}

    def object(self, ref: SubjectRef, now: datetime) -> dict[str, int]:
        return {}


@pytest.fixture
def fake_store() -> Iterator[FakeReporterStore]:
    store = FakeReporterStore()
    registry.register(store)
    yield store
    registry.unregister(store.name)


def test_registered_store_is_exported_and_erased_with_counts_per_store(client: Any, frozen_now: Any,
                                                                       fake_store: Any) -> None:
    items = export(client, email="rep@example.com").json_body["items"]
    assert [(i["store"], i["kind"]) for i in items] == [("fake_incidents", "alert")]
    counts = erase(client, email="rep@example.com").json_body["counts"]
    assert counts == {"surveys": {}, "incidents": {}, "followups": {},
                      "fake_incidents": {"alert": 1}}
    assert erase(client, email="rep@example.com").json_body["counts"]["fake_incidents"] == {}


def test_failing_store_leaves_the_request_received_in_the_audit_log(client: Any, frozen_now: Any) -> None:
    failing = FakeReporterStore(fail_on_erase=True)
    registry.register(failing)
    try:
        assert erase(client, email="rep@example.com").status_code == 500
    finally:
        registry.unregister(failing.name)
    requests = client.http.get(f"{SUBJECTS}/requests?email=rep@example.com").json_body["requests"]
    assert [(r["right"], r["status"]) for r in requests] == [("erasure", "received")]
    assert requests[0]["due_at"] == "2026-12-23T12:00:00Z"
