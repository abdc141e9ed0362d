"""FeedbackTable's stream into the aggregates, a batch at a time: contributions coalesced per cell.

Every response on a product-day counts in the same `(all, all)` cell: written once per response,
that item is hot (one partition takes ~1,000 WCU/s; concurrent shards' transactions conflict).
So a batch's counts are written together: its sources' ledger entries are read (one consistent
BatchGetItem per 100), those already counted are dropped, and the rest go out in transactions of
≤ 100 items (`rules.chunk_contributions`): each source's conditional ledger Put plus ONE `ADD`
per cell, all or nothing. A batch of 100 responses on one product-day writes its day cell twice.

Failures stay per record. A record that cannot be parsed or applied is reported alone. A chunk
that fails is split in halves and each half written again, down to the one record that fails (a
poison record costs about 2·log2(chunk) extra transactions); if both halves of a split fail, the
fault is not one record (an outage, lasting conflicts) and every record of that chunk is
reported: nothing of it was written (a chunk is one transaction), so nothing is lost, and the
records after it that did go through are dropped by the ledger when the stream hands them again.

Order: records of one item come in order. Counting is deferred to the end of the batch, except
that a record which takes back (restriction) or detaches (REMOVE) a source with a count still
pending first writes what is pending, so every source sees its changes in stream order.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chalicelib.insight import rules, service, store
from chalicelib.obs import logger, metrics

if TYPE_CHECKING:
    from chalicelib.insight.rules import Contribution


class RecordNotAppliedError(Exception):
    """This record's aggregate part failed (reported as a batchItemFailure; the stream retries it)."""


@dataclass(frozen=True)
class Change:
    """One stream record, read: what it does to the aggregates."""

    event: str
    source_id: str
    contribution: Contribution | None
    counted: bool
    removed_pk: str = ""

    @property
    def is_count(self) -> bool:
        return not self.removed_pk and self.contribution is not None and self.counted


def read_change(record: dict[str, Any]) -> Change:
    """A stream record (Lambda's shape) as a Change; raises on a record that cannot be read."""
    event = str(record["eventName"])
    images = record.get("dynamodb") or {}
    if event == "REMOVE":
        pk = str(service.from_stream_image(images.get("OldImage")).get("pk", ""))
        return Change(event, pk.split("#", 1)[-1], None, False, removed_pk=pk or "-")
    new = service.from_stream_image(images.get("NewImage"))
    source_id = str(new.get("pk", "")).split("#", 1)[-1]
    return Change(event, source_id, rules.contribution_of(new), rules.is_counted(new))


@dataclass
class Outcome:
    """What one batch did: indices of the records that failed, and what counting cost."""

    failed: set[int] = field(default_factory=set)
    counted: int = 0
    contributions: list[Contribution] = field(default_factory=list)
    stats: store.WriteStats = field(default_factory=store.WriteStats)


def apply_aggregates(records: list[dict[str, Any]]) -> Outcome:
    """The aggregate and ledger part of a batch of stream records; idempotent, failures per record."""
    outcome = Outcome()
    pending: dict[str, tuple[Contribution, list[int]]] = {}  # source id -> (contribution, record indices)
    for index, record in enumerate(records):
        try:
            change = read_change(record)
        except Exception as exc:  # a record we cannot read: reported alone, the class only (no data)
            logger.error("stream record unreadable", extra={"error": type(exc).__name__, "index": index})
            outcome.failed.add(index)
            continue
        if change.contribution is not None and change.is_count:
            pending.setdefault(change.source_id, (change.contribution, []))[1].append(index)
            continue
        if change.source_id in pending:
            _flush(pending, outcome)
        try:
            _apply_one(change)
        except Exception as exc:
            logger.error("stream record not applied", extra={"error": type(exc).__name__, "index": index})
            outcome.failed.add(index)
    _flush(pending, outcome)
    emit_metrics(outcome.contributions)
    _emit_write_metrics(outcome.stats)
    return outcome


def _apply_one(change: Change) -> None:
    """A take-back (restriction, Art. 18) or a detach (REMOVE): rare, one transaction each."""
    if change.removed_pk:
        if change.removed_pk.startswith(("RESP#", "EVT#")):
            store.detach_contribution(change.source_id)
        return
    if change.contribution is None:
        return
    ledger = store.get_contribution(change.source_id)
    if ledger and ledger.get("counted"):
        contribution = service.contribution_from_ledger(ledger)
        store.uncount_contribution(change.source_id, contribution, int(ledger.get("cell_shard") or 0))


def _flush(pending: dict[str, tuple[Contribution, list[int]]], outcome: Outcome) -> None:
    """Write the pending counts: drop those the ledger has, then one transaction per chunk."""
    if not pending:
        return
    try:
        ledger = store.read_ledger(list(pending))
    except Exception as exc:
        logger.error("ledger read failed", extra={"error": type(exc).__name__, "records": len(pending)})
        outcome.failed.update(i for _, indices in pending.values() for i in indices)
        pending.clear()
        return
    todo = [(s, c) for s, (c, _) in pending.items() if not store.is_settled(ledger.get(s))]
    for chunk in rules.chunk_contributions(todo):
        for source_id in _write_or_split(chunk, outcome):
            outcome.failed.update(pending[source_id][1])
    pending.clear()


def _write(chunk: list[tuple[str, Contribution]], outcome: Outcome) -> bool:
    try:
        counted = set(store.count_contributions(chunk, outcome.stats))
    except Exception as exc:
        logger.error("aggregate chunk not written", extra={"error": type(exc).__name__, "sources": len(chunk)})
        return False
    outcome.counted += len(counted)
    outcome.contributions += [c for source_id, c in chunk if source_id in counted]
    return True


def _write_or_split(chunk: list[tuple[str, Contribution]], outcome: Outcome) -> list[str]:
    """Write a chunk; if it fails, find the records that fail (halving). Returns the failed ids."""
    if _write(chunk, outcome):
        return []
    return _isolate(chunk, outcome)


def _isolate(chunk: list[tuple[str, Contribution]], outcome: Outcome) -> list[str]:
    """A chunk known to fail: its halves written again, down to the failing source."""
    if len(chunk) == 1:
        return [chunk[0][0]]
    halves = (chunk[: len(chunk) // 2], chunk[len(chunk) // 2 :])
    failed = [half for half in halves if not _write(half, outcome)]
    if len(failed) == 2:  # not one poison record: report the whole chunk (none of it was written)
        return [s for s, _ in chunk]
    return [s for half in failed for s in _isolate(half, outcome)]


def apply_batch(records: list[dict[str, Any]]) -> list[int]:
    """A whole batch (aggregates, then each record's follow-ups and webhooks); the failed indices.

    The replay job's path; the stream handler runs the same two parts through Powertools.
    """
    failed = apply_aggregates(records).failed
    hooks: dict[str, Any] = {}
    for index, record in enumerate(records):
        if index in failed:
            continue
        try:
            service.apply_side_effects(record, hooks)
        except Exception as exc:
            logger.error("stream record side effects failed", extra={"error": type(exc).__name__})
            failed.add(index)
    return sorted(failed)


def _emit_write_metrics(stats: store.WriteStats) -> None:
    if stats.transactions or stats.conflicts:
        metrics.add_metric(name="AggregateTransactions", unit="Count", value=stats.transactions)
        metrics.add_metric(name="AggregateConflicts", unit="Count", value=stats.conflicts)
        metrics.add_metric(name="AggregateRetries", unit="Count", value=stats.retries)


def emit_metrics(counted: list[Contribution]) -> None:
    """EMF counters, one value per name per batch (the dashboard: NPS = 100·(promoters − detractors)/answers)."""
    totals: Counter[str] = Counter()
    for c in counted:
        score = int(c.score or 0)
        if c.kind != "response":
            totals["Impressions" if c.kind == "impression" else "Declines"] += 1
        elif c.metric == "nps":
            totals.update({"Responses": 1, "NpsAnswers": 1, "NpsPromoters": int(score >= 9),
                           "NpsDetractors": int(score <= 6)})
        elif c.metric == "csat":
            totals.update({"Responses": 1, "CsatAnswers": 1, "CsatSatisfied": int(score >= 4)})
        elif c.metric == "ces":
            totals.update({"Responses": 1, "CesAnswers": 1, "CesScoreSum": score})
        else:
            totals["Responses"] += 1
    for name, value in totals.items():
        metrics.add_metric(name=name, unit="Count", value=value)
