"""Insight use cases: a stream record's follow-ups and webhooks (aggregates: `aggregator`), reports, rebuilds."""

from __future__ import annotations

from datetime import date
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from chalicelib import clock, csvfile
from chalicelib.config import get_settings
from chalicelib.errors import InvalidInputError
from chalicelib.insight import followup_store, rules, store, webhooks
from chalicelib.insight.rules import Contribution
from chalicelib.obs import logger
from chalicelib.surveys.store import plain

MAX_REPORT_DAYS = 3 * 366  # bounds a report's reads: aggregates outlive responses, not forever
_deserializer = TypeDeserializer()


def from_stream_image(image: dict[str, Any] | None) -> dict[str, Any]:
    """A stream image (DynamoDB JSON) as plain Python values."""
    return plain({k: _deserializer.deserialize(v) for k, v in (image or {}).items()})


def apply_side_effects(record: dict[str, Any], hooks: dict[str, Any] | None = None) -> None:
    """One stream record's follow-ups and webhooks (its aggregates: `aggregator`); idempotent.

    `hooks`: the batch's memo of each product's webhook endpoint (`webhooks.enqueue`).

    A REMOVE (TTL expiry, erasure, anonymisation) drops the response's follow-up: the
    conversation has no purpose without the response. The statistic stays (see `aggregator`).
    """
    event_name = str(record.get("eventName"))
    images = record.get("dynamodb") or {}
    if event_name == "REMOVE":
        pk = str(from_stream_image(images.get("OldImage")).get("pk", ""))
        if pk.startswith("RESP#"):
            followup_store.delete_followup(pk.split("#", 1)[1])
        return
    new = from_stream_image(images.get("NewImage"))
    if str(new.get("pk", "")).startswith("RESP#"):
        _apply_response(new, from_stream_image(images.get("OldImage")), event_name, hooks)


def contribution_from_ledger(ledger: dict[str, Any]) -> Contribution:
    return Contribution(
        ledger["kind"],
        ledger["metric"],
        ledger["product"],
        ledger["day"],
        ledger["channel"],
        ledger.get("country"),
        ledger.get("locale"),
        int(ledger["score"]) if ledger.get("score") is not None else None,
    )


def _apply_response(
    new: dict[str, Any], old: dict[str, Any], event_name: str, hooks: dict[str, Any] | None
) -> None:
    from chalicelib.insight import followups

    if not rules.is_counted(new):
        followups.close_for(str(new["response_id"]), "restricted")
        return
    if event_name == "INSERT":
        webhooks.enqueue("response.created", new, hooks)
    if new.get("comment") and new.get("comment") != old.get("comment"):
        webhooks.enqueue("response.commented", new, hooks)
        if followups.open_for(new):
            webhooks.enqueue("followup.opened", new, hooks)


# --- reports ---------------------------------------------------------------------------------


def _day(params: dict[str, Any], name: str) -> date:
    try:
        return date.fromisoformat(params[name])
    except ValueError:
        raise InvalidInputError(name, "must be a date YYYY-MM-DD") from None


def score_report(params: dict[str, Any]) -> dict[str, Any]:
    """Scores of one metric and product over [from, to], maybe grouped; O(days × groups) reads."""
    metric, product, group_by = params["metric"], params["product"], params.get("group_by")
    first, last = _day(params, "from"), _day(params, "to")
    if last < first:
        raise InvalidInputError("to", "must not be before from")
    if rules.days_between(first, last) > MAX_REPORT_DAYS:
        raise InvalidInputError("from", f"the range may span at most {MAX_REPORT_DAYS} days")
    everything = store.query_aggregates(metric, product, rules.ALL, first.isoformat(), last.isoformat())
    total = rules.summarise(metric, everything, None)
    rows = total
    if group_by in rules.GROUPS:
        grouped = store.query_aggregates(metric, product, group_by, first.isoformat(), last.isoformat())
        rows = rules.summarise(metric, grouped, group_by)
    elif group_by in rules.PERIODS:
        rows = rules.summarise(metric, everything, group_by)
    empty = rules.summarise(metric, [{"day": first.isoformat()}], None)[0]
    return {
        "metric": metric,
        "product": product,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "group_by": group_by,
        "total": total[0] if total else {**empty, "group": rules.ALL},
        "rows": rows,
        "method": "docs/insight.md#confidence-intervals",
    }


CSV_FIELDS = (
    "group",
    "count",
    "score",
    "ci95_low",
    "ci95_high",
    "mean",
    "mean_ci95_low",
    "mean_ci95_high",
    "easy_percent",
    "promoters",
    "passives",
    "detractors",
    "satisfied",
    "easy",
    "impressions",
    "declines",
    "response_rate",
    "decline_rate",
    "note",
)


def report_csv(report: dict[str, Any]) -> str:
    """The report's rows as CSV (one row per group), the columns that apply to the metric."""
    rows: list[list[Any]] = [list(CSV_FIELDS)]
    for row in report["rows"]:
        flat = dict(row)
        for key in ("ci95", "mean_ci95"):
            low, high = row.get(key) or (None, None)
            flat[f"{key}_low"], flat[f"{key}_high"] = low, high
        if report["metric"] == "ces":
            flat["score"] = row.get("mean")
        rows.append([flat.get(name) for name in CSV_FIELDS])
    return csvfile.write(rows)


# --- rebuild ---------------------------------------------------------------------------------


def rebuild_aggregates(params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Recompute every aggregate from the responses and events (and the ledger of those gone).

    A source still in FeedbackTable (expired or not: TTL deletes late, and expired ones count)
    decides by its current state; one already deleted counts as the ledger last recorded it.
    """
    sources: dict[str, tuple[Contribution, bool]] = {}
    for item in store.scan_prefix(get_settings().feedback_table, "RESP#"):
        _add_source(sources, item)
    for item in store.scan_prefix(get_settings().feedback_table, "EVT#"):
        _add_source(sources, item)
    ledger_items = {
        i["pk"].removeprefix("CONTRIB#"): i
        for i in store.scan_prefix(get_settings().insight_table, "CONTRIB#")
    }
    for source_id, entry in ledger_items.items():
        if source_id not in sources and not entry.get("gone"):  # a tombstone holds no contribution
            sources[source_id] = (contribution_from_ledger(entry), bool(entry.get("counted")))
    aggregates: dict[tuple[str, str], dict[str, int]] = {}
    ledger: dict[str, dict[str, Any]] = {}
    for source_id, (c, counted) in sources.items():
        ledger[source_id] = store._ledger_item(source_id, c, counted)
        if not counted:
            continue
        for dim, value in c.cells():
            cell = aggregates.setdefault(
                (store.agg_pk(c.metric, c.product), store.agg_sk(dim, c.day, value)), {}
            )
            cell[c.counter()] = cell.get(c.counter(), 0) + 1
    written = store.replace_aggregates(aggregates, ledger)
    logger.info("aggregates rebuilt", extra={"sources": len(sources), "aggregate_items": written})
    return {"sources": len(sources), "aggregate_items": written, "at": clock.iso(clock.now())}


def _add_source(sources: dict[str, tuple[Contribution, bool]], item: dict[str, Any]) -> None:
    c = rules.contribution_of(item)
    if c is not None:
        sources[str(item["pk"]).split("#", 1)[1]] = (c, rules.is_counted(item))
