"""privacy/rules.py's identifiers and the per-store `matched` summary, written out by hand (pure).

Written for the mutants no unit test reached (`matched`, `user_identifier`, `Held.as_dict`).
"""
from __future__ import annotations

from chalicelib.privacy import rules


def _held(store: str, kind: str, by: str, subject: str, item_id: str = "i") -> rules.Held:
    return rules.Held(store=store, kind=kind, item_id=item_id, purpose="p", collected_at=None, expires_at=None,
                      matched_by=by, subject=subject)


def test_identifiers_are_prefixed_strings() -> None:
    assert rules.user_identifier("acme", "u1") == "user:acme:u1"
    assert rules.email_identifier("kari@example.com") == "email:kari@example.com"


def test_matched_groups_per_store_subject_and_rule_with_kinds_counted_and_sorted() -> None:
    held = [
        _held("surveys", "response", "user_id", "user:acme:u1"),
        _held("surveys", "response", "user_id", "user:acme:u1"),
        _held("surveys", "impression", "user_id", "user:acme:u1"),
        _held("privacy", "request", "email", "email:kari@example.com"),
        _held("surveys", "comment", "email", "email:kari@example.com"),
    ]
    assert rules.matched(held) == [
        {"store": "privacy", "subject": "email:kari@example.com", "matched_by": "email", "items": 1,
         "kinds": {"request": 1}},
        {"store": "surveys", "subject": "email:kari@example.com", "matched_by": "email", "items": 1,
         "kinds": {"comment": 1}},
        {"store": "surveys", "subject": "user:acme:u1", "matched_by": "user_id", "items": 3,
         "kinds": {"impression": 1, "response": 2}},
    ]
    assert list(rules.matched(held)[2]["kinds"]) == ["impression", "response"]
    assert rules.matched([]) == []


def test_held_as_dict() -> None:
    item = rules.Held(store="s", kind="k", item_id="7", purpose="p", collected_at="2026-01-01T00:00:00Z",
                      expires_at="2027-01-01T00:00:00Z", data={"a": 1}, restricted=True, matched_by="email",
                      subject="email:x@y.z")
    assert item.as_dict() == {"store": "s", "kind": "k", "id": "7", "purpose": "p",
                              "collected_at": "2026-01-01T00:00:00Z", "expires_at": "2027-01-01T00:00:00Z",
                              "restricted": True, "matched_by": "email", "data": {"a": 1}}


def test_export_rows_show_missing_times_as_empty_cells() -> None:
    held = [{"store": "s", "kind": "k", "id": "1", "purpose": "p", "collected_at": None, "expires_at": None,
             "data": {}, "restricted": False}]
    assert rules.export_rows({}, held)[1] == ["data", "s", "k", "1", "p", "", "", "restricted", "false"]
