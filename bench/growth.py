"""Growth of the per-person and per-item work (`make bench`): a subject export for a person with 10
and 1,000 items, and the retention job over 1k and 10k due responses. Judged by counts.

In-process moto (mock_aws) with infra/ provisioned as the tests do, the app imported (so every
subject store is registered). Items are put straight into moto's backend (bench/served.put_straight:
no HTTP, no botocore; seconds for 10k). Every AWS call the job makes is counted with a botocore
`provide-client-params` hook on the app's session, by operation; times are shown, not judged.
"""
from __future__ import annotations

import math
import os
import time
from collections import Counter
from datetime import timedelta
from typing import Any

from bench.reports import _environment
from bench.table import Row

QUICK = bool(os.environ.get("BENCH_QUICK"))
EXPORT_SIZES = (10, 1_000)
RETENTION_SIZES = (1_000, 2_000) if QUICK else (1_000, 10_000)
COMPANY, PRODUCT = "growth-co", "growth"
READERS = 2  # subject stores that Query the person's FeedbackTable items by_subject (surveys, follow-ups)
PAGE_BYTES = 1_000_000  # a Query page stops at 1 MB of items read (DynamoDB; moto uses 1,000,000 bytes)
COMMENT = "The export of invoices takes too many clicks, and the filters forget what I chose. " * 24


def item_bytes(value: Any, name: str = "") -> int:
    """DynamoDB's item size, as documented: names plus values (strings UTF-8, numbers ~ digits)."""
    if isinstance(value, dict):
        return len(name.encode()) + sum(item_bytes(v, k) for k, v in value.items())
    if isinstance(value, bool):
        return len(name.encode()) + 1
    return len(name.encode()) + len(str(value).encode())


def expected_pages(items: list[dict[str, Any]], limit: int | None = None) -> int:
    """Pages a Query needs: ⌈bytes / 1 MB⌉, or ⌈n / Limit⌉ when a smaller Limit binds; at least 1."""
    by_size = math.ceil(sum(item_bytes(i) for i in items) / PAGE_BYTES)
    by_limit = math.ceil(len(items) / limit) if limit else 0
    return max(1, by_size, by_limit)


class Calls:
    """AWS calls by operation (and Queries by index), counted with a botocore hook."""

    def __init__(self) -> None:
        self.by_operation: Counter[str] = Counter()
        from chalicelib import aws

        aws._session().events.register("provide-client-params", self._seen)

    def _seen(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        name = model.name
        if name == "Query" and params.get("IndexName"):
            name = f"Query {params['IndexName']}"
        if name == "BatchGetItem":
            name += " " + "+".join(t.rsplit("-", 1)[-1] for t in params.get("RequestItems", {}))
        self.by_operation[name] += 1

    def total(self) -> int:
        return sum(self.by_operation.values())

    def said(self) -> str:
        return calls_text(self.by_operation)


def person_items(user_id: str, n: int) -> list[dict[str, Any]]:
    """N responses of one person, about 2.4 KB each (a long comment), as FeedbackTable holds them."""
    from chalicelib.surveys.store import subject_key

    expires = int(time.time()) + 300 * 86400
    return [{"pk": f"RESP#{user_id}-{i:05d}", "sk": "RESP", "response_id": f"{user_id}-{i:05d}",
             "subject": subject_key(COMPANY, user_id), "survey_id": "srv_growth", "product": PRODUCT,
             "company": COMPANY, "metric": "nps", "score": i % 11, "channel": "in_app_web", "locale": "en",
             "contact_ok": False, "privacy_notice_version": "2026-01", "created_at": "2026-11-20T10:00:00Z",
             "user": {"id": user_id, "country": "NO"}, "comment": COMMENT, "expires_at": expires}
            for i in range(n)]


def due_responses(run: str, n: int) -> list[dict[str, Any]]:
    """N responses past their purpose period (spread over six collection months), not yet anonymised."""
    from chalicelib import clock
    from chalicelib.config import get_settings

    now = clock.now()
    items = []
    for i in range(n):
        created = clock.iso(now - timedelta(days=get_settings().purpose_days + 10 + (i % 6) * 30, seconds=i))
        items.append({"pk": f"RESP#{run}-{i:06d}", "sk": "RESP", "response_id": f"{run}-{i:06d}",
                      "subject": f"SUBJ#{COMPANY}#{run}-{i}", "survey_id": "srv_growth", "product": PRODUCT,
                      "company": COMPANY, "metric": "nps", "score": i % 11, "channel": "email", "locale": "en",
                      "created_at": created, "collected_month": created[:7],
                      "user": {"id": f"{run}-{i}", "country": "SE"}, "expires_at": int(now.timestamp()) + 86400 * 700})
    return items


def _export(calls: Calls) -> tuple[list[Row], list[str]]:
    from bench.served import put_straight
    from chalicelib.config import get_settings
    from chalicelib.privacy import service
    from chalicelib.privacy.rules import SubjectRef

    measured = []
    for n in EXPORT_SIZES:
        items = person_items(f"person-{n}", n)
        put_straight(get_settings().feedback_table, items)
        service.export(SubjectRef(user_id="warm-up", company=COMPANY), "json", actor="bench")  # reads the secret
        calls.by_operation.clear()
        started = time.perf_counter()
        body, _ = service.export(SubjectRef(user_id=f"person-{n}", company=COMPANY), "json", actor="bench")
        seconds = time.perf_counter() - started
        assert len(body["items"]) == n, (n, len(body["items"]))
        pages = expected_pages(items)
        by_op = Counter(calls.by_operation)
        growing = {"Query by_subject": READERS * pages, "BatchGetItem InsightTable": math.ceil(n / 100)}
        fixed = {op: c for op, c in by_op.items() if op not in growing}
        exact = all(by_op[op] == goal for op, goal in growing.items())
        measured.append((n, calls.total(), by_op, fixed, exact, seconds))
        print(f"export of a person with {n:>5} items: {calls.total()} calls ({calls.said()}); expected: by_subject "
              f"{READERS} × {pages} page(s), follow-up BatchGetItem ⌈{n}/100⌉ = {math.ceil(n / 100)}; "
              f"{seconds * 1000:.0f} ms", flush=True)
    (n1, c1, ops1, fixed1, exact1, s1), (n2, c2, ops2, fixed2, exact2, s2) = measured
    row = Row(f"growth: subject export, a person with {n2:,} vs {n1} items",
              f"{c2} calls ({ops2['Query by_subject']} Query pages), {s2 * 1000:.0f} ms",
              f"{c1} calls ({ops1['Query by_subject']} Query pages), {s1 * 1000:.0f} ms", c2 / c1,
              f"Query = {READERS}×⌈bytes/1 MB⌉, +⌈n/100⌉ BatchGet, rest same", exact1 and exact2 and fixed1 == fixed2)
    notes = ["## Growth: subject export and retention", "",
             f"A subject export (`privacy.service.export`, every subject store) for a person with {n1} and {n2:,}",
             "responses of about 2.3 KB each (a long comment), put straight into moto's backend; every AWS call",
             "counted with a botocore hook on the app's session (a warm function: the secret already read).",
             f"Goal, exact: Query calls = {READERS} × pages, pages = max(1, ⌈Σ item bytes / 1 MB⌉) (no `Limit` is",
             "set; with one, ⌈n / Limit⌉ when larger), item bytes counted as DynamoDB documents them (names +",
             f"values); the {READERS} are the surveys store and the follow-up store, which each Query `by_subject`",
             "(the follow-ups are found through the person's response ids: one more read of the same pages",
             "that a per-request cache of `matched_items` would save); the follow-up store's BatchGetItem on",
             "InsightTable grows by ⌈responses / 100⌉ (100 keys a call); every other call is the same at both",
             f"sizes. At {n2:,} items: {calls_text(ops2)}.", ""]
    return [row], notes


def calls_text(ops: Counter[str]) -> str:
    return ", ".join(f"{n} {op}" for op, n in sorted(ops.items()))


def _retention(calls: Calls) -> tuple[list[Row], list[str]]:
    from bench.served import put_straight
    from chalicelib.config import get_settings
    from chalicelib.privacy import service

    measured = []
    for n in RETENTION_SIZES:
        started = time.perf_counter()
        put_straight(get_settings().feedback_table, due_responses(f"due{n}", n))
        seeded = time.perf_counter() - started
        calls.by_operation.clear()
        started = time.perf_counter()
        done = service.run_retention(budget_seconds=3600)
        seconds = time.perf_counter() - started
        assert done["anonymised"] == n and done["complete"], done
        measured.append((n, calls.total(), calls.said(), seconds))
        print(f"retention over {n:>6} due responses (seeded in {seeded:.1f} s): {calls.total()} calls "
              f"({calls.said()}), {calls.total() / n:.3f} per item; {seconds:.1f} s", flush=True)
    (n1, c1, said1, s1), (n2, c2, said2, s2) = measured
    ratio = (c2 / n2) / (c1 / n1)
    row = Row(f"growth: retention job, calls per item, {n2:,} vs {n1:,} due responses",
              f"{c2 / n2:.3f} calls/item ({c2} calls, {s2:.1f} s)",
              f"{c1 / n1:.3f} calls/item ({c1} calls, {s1:.1f} s)",
              ratio, "≈ 1 (0.9–1.1): per item, constant", 0.9 <= ratio <= 1.1)
    notes = [f"The retention job (`privacy.service.run_retention`) over {n1:,} and then {n2:,} due responses, spread",
             "over six collection months: per collection month a Query of the sparse `by_collected_month` index",
             "(pages), one BatchGetItem per 100 keys, and one TransactWriteItems per response (its delete and",
             "its anonymous statistics' put must happen together, so BatchWriteItem, which has no conditions, cannot",
             f"carry them). At {n1:,}: {said1}. At {n2:,}: {said2}.", ""]
    return [row], notes


def main() -> tuple[list[Row], list[str]]:
    _environment()
    from moto import mock_aws

    with mock_aws():
        from bench.common import provision_in_mock_aws
        from devstack import moto_patches

        moto_patches.apply()  # as make run and the tests do: transactions O(items touched), not O(table)

        os.environ["ALLOW_UNVERIFIED_IDENTITY"] = "true"
        provision_in_mock_aws()
        import app  # noqa: F401 (registers every subject store, as in the deployed functions)
        from chalicelib.obs import logger

        logger.setLevel("WARNING")  # the jobs' INFO lines would fill the bench's output
        calls = Calls()
        export_rows, export_notes = _export(calls)
        retention_rows, retention_notes = _retention(calls)
    return export_rows + retention_rows, export_notes + retention_notes
