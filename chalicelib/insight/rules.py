"""Insight rules as pure functions: scores with confidence intervals, aggregates, follow-ups.

Nothing here imports boto3, a store or chalice: every input, `now` included, is an argument.

Confidence intervals are 95 % and come from `stats.py` (Wilson for proportions, adjusted Wald
for NPS, adjusted t for the CES mean): they keep their coverage at small n and stay inside the
scale. A report row with fewer than MIN_REPORTED answers says "too few answers" instead of a
score (its counts stay).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from chalicelib.insight.schemas import FOLLOWUP_STATES as FOLLOWUP_STATES  # re-exported: the vocabulary
from chalicelib.insight.schemas import GROUPS as GROUPS
from chalicelib.insight.schemas import PERIODS as PERIODS
from chalicelib.insight.stats import mean_interval, net_score_interval, wilson
from chalicelib.surveys.rules import SCALES

MIN_REPORTED = 5  # answers a report row needs before it shows a score (as survey tools do)
TOO_FEW = "too few answers"
ALL = "all"
# open → answered → actioned → closed; a follow-up may also close from any earlier state
# (e.g. nothing to act on), never reopen.
TRANSITIONS = {
    "open": {"answered", "closed"},
    "answered": {"actioned", "closed"},
    "actioned": {"closed"},
    "closed": set(),
}


@dataclass(frozen=True)
class Contribution:
    """What one response or event adds to the aggregates: no personal data, only dimensions."""

    kind: str  # response | impression | decline
    metric: str
    product: str
    day: str  # YYYY-MM-DD (UTC)
    channel: str
    country: str | None = None
    locale: str | None = None
    score: int | None = None

    def cells(self) -> list[tuple[str, str]]:
        """The (dimension, value) aggregate cells this contribution counts in."""
        cells = [(ALL, ALL), ("channel", self.channel)]
        if self.kind == "response":
            cells += [("country", self.country or "unknown"), ("locale", self.locale or "unknown")]
        return cells

    def counter(self) -> str:
        """The counter attribute of an aggregate item this contribution increments."""
        return f"n{self.score}" if self.kind == "response" else f"{self.kind}s"


# --- coalescing a stream batch -------------------------------------------------------------
# One aggregate cell: (metric, product, day, dim, value). TransactWriteItems takes at most 100
# distinct items and 4 MB, so a batch is cut into chunks of ledger entries + their cells.
Cell = tuple[str, str, str, str, str]
MAX_TRANSACTION_ITEMS = 100
MAX_TRANSACTION_BYTES = 4_000_000
# DynamoDB sizes an item as its attribute names + values. Ours hold ≤ 16 attributes (a cell: its key, dim,
# day, value and ≤ 13 counters of ≤ 21 bytes each), so names and numbers stay under this, and each
# value's text is counted twice (a cell repeats its values in its key): an over-estimate, never under.
ITEM_OVERHEAD_BYTES = 600


def cell_deltas(contributions: list[Contribution], sign: int = 1) -> dict[Cell, dict[str, int]]:
    """Every cell the contributions count in, with what each adds per counter (one ADD per cell)."""
    deltas: dict[Cell, dict[str, int]] = {}
    for c in contributions:
        for dim, value in c.cells():
            counters = deltas.setdefault((c.metric, c.product, c.day, dim, value), {})
            counters[c.counter()] = counters.get(c.counter(), 0) + sign
    return deltas


def _cost(source_id: str, c: Contribution, cells: set[Cell]) -> tuple[set[Cell], int, int]:
    """What adding a source to a chunk holding `cells` costs: its new cells, items and bytes."""
    new = {cell for cell in cell_deltas([c]) if cell not in cells}
    size = sum(ITEM_OVERHEAD_BYTES + 2 * sum(len(str(v).encode()) for v in values if v is not None)
               for values in [(source_id, *vars(c).values()), *new])
    return new, 1 + len(new), size


def chunk_contributions(
    sources: list[tuple[str, Contribution]],
    max_items: int = MAX_TRANSACTION_ITEMS,
    max_bytes: int = MAX_TRANSACTION_BYTES,
) -> list[list[tuple[str, Contribution]]]:
    """Sources (distinct ids) packed into transactions of ≤ max_items items and ≤ max_bytes.

    A source costs its ledger item plus each of its cells not yet in the chunk; sources are
    sorted by their cells first, so those sharing cells share a chunk (one ADD per cell each).
    """
    chunks: list[list[tuple[str, Contribution]]] = []
    chunk: list[tuple[str, Contribution]] = []
    cells: set[Cell] = set()
    items = size = 0
    for source_id, c in sorted(sources, key=lambda s: (s[1].metric, s[1].product, s[1].day, s[1].channel,
                                                        s[1].country or "", s[1].locale or "", s[0])):
        new, cost, bytes_ = _cost(source_id, c, cells)
        if chunk and (items + cost > max_items or size + bytes_ > max_bytes):
            chunks.append(chunk)
            chunk, cells, items, size = [], set(), 0, 0
            new, cost, bytes_ = _cost(source_id, c, cells)
        chunk.append((source_id, c))
        cells |= new
        items, size = items + cost, size + bytes_
    return [*chunks, chunk] if chunk else chunks


def contribution_of(item: dict[str, Any]) -> Contribution | None:
    """The contribution of a FeedbackTable item (a response or an event), or None."""
    pk = str(item.get("pk", ""))
    when = str(item.get("created_at") or item.get("at") or "")[:10]
    if not when or not item.get("metric") or not item.get("product"):
        return None
    if pk.startswith("RESP#") and item.get("score") is not None:
        user = item.get("user") or {}
        country = item.get("country") or user.get("country") or None
        return Contribution(
            "response",
            str(item["metric"]),
            str(item["product"]),
            when,
            str(item.get("channel", "unknown")),
            country.upper() if country else None,
            _language(item.get("locale")),
            int(item["score"]),
        )
    if pk.startswith("EVT#") and item.get("type") in ("impression", "decline"):
        return Contribution(
            str(item["type"]),
            str(item["metric"]),
            str(item["product"]),
            when,
            str(item.get("channel", "unknown")),
        )
    return None


def _language(locale: Any) -> str | None:
    """Group by language (nb-NO and nb count together); a report needs no finer grain."""
    return str(locale).replace("_", "-").split("-")[0].lower() if locale else None


def is_counted(item: dict[str, Any]) -> bool:
    """Restricted people (Art. 18) are left out of every statistic from then on."""
    return not item.get("restricted")


# --- scores --------------------------------------------------------------------------------


def _pct(value: float) -> float:
    return round(100 * value, 2)


def _pct_interval(interval: tuple[float, float] | None) -> list[float] | None:
    return [_pct(interval[0]), _pct(interval[1])] if interval else None


def nps(counts: dict[int, int]) -> dict[str, Any]:
    """NPS over people who answered: % promoters (9–10) − % detractors (0–6)."""
    n = sum(counts.values())
    promoters = sum(c for s, c in counts.items() if s >= 9)
    detractors = sum(c for s, c in counts.items() if s <= 6)
    body: dict[str, Any] = {
        "count": n,
        "promoters": promoters,
        "passives": n - promoters - detractors,
        "detractors": detractors,
        "score": None,
        "ci95": None,
    }
    if n:
        body["score"] = _pct((promoters - detractors) / n)
        body["ci95"] = _pct_interval(net_score_interval(promoters, detractors, n))
    return body


def csat(counts: dict[int, int]) -> dict[str, Any]:
    """CSAT: % of answers that are 4 or 5 on 1–5."""
    n = sum(counts.values())
    satisfied = sum(c for s, c in counts.items() if s >= 4)
    return {
        "count": n,
        "satisfied": satisfied,
        "score": _pct(satisfied / n) if n else None,
        "ci95": _pct_interval(wilson(satisfied, n)),
    }


def ces(counts: dict[int, int]) -> dict[str, Any]:
    """CES on 1–7 (higher = easier): the mean, and % of answers 5–7."""
    n = sum(counts.values())
    easy = sum(c for s, c in counts.items() if s >= 5)
    body: dict[str, Any] = {
        "count": n,
        "easy": easy,
        "mean": None,
        "mean_ci95": None,
        "easy_percent": _pct(easy / n) if n else None,
        "easy_ci95": _pct_interval(wilson(easy, n)),
    }
    interval = mean_interval(counts, *SCALES["ces"])
    if interval:
        body["mean"] = round(sum(s * c for s, c in counts.items()) / n, 3)
        body["mean_ci95"] = [round(interval[0], 3), round(interval[1], 3)]
    return body


SCORERS = {"nps": nps, "csat": csat, "ces": ces}


def rates(responses: int, impressions: int, declines: int) -> dict[str, Any]:
    """Response and decline rates over impressions (None when impressions are unknown)."""
    if impressions <= 0:
        return {
            "impressions": impressions,
            "declines": declines,
            "response_rate": None,
            "response_rate_ci95": None,
            "decline_rate": None,
            "decline_rate_ci95": None,
        }
    return {
        "impressions": impressions,
        "declines": declines,
        "response_rate": _pct(min(responses, impressions) / impressions),
        "response_rate_ci95": _pct_interval(wilson(min(responses, impressions), impressions)),
        "decline_rate": _pct(min(declines, impressions) / impressions),
        "decline_rate_ci95": _pct_interval(wilson(min(declines, impressions), impressions)),
    }


def score_counts(item: dict[str, Any], metric: str) -> dict[int, int]:
    """The score counters of an aggregate item, as {score: count}."""
    low, high = SCALES[metric]
    return {s: int(item.get(f"n{s}", 0)) for s in range(low, high + 1) if int(item.get(f"n{s}", 0))}


def period_of(day: str, period: str) -> str:
    """The ISO week (2026-W48) or month (2026-11) of a YYYY-MM-DD day."""
    if period == "month":
        return day[:7]
    year, week, _ = date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


def summarise(metric: str, items: list[dict[str, Any]], group_by: str | None) -> list[dict[str, Any]]:
    """Aggregate items (one per day × group) folded into one score row per group."""
    folded: dict[str, dict[str, Any]] = {}
    for item in items:
        if group_by in PERIODS:
            key = period_of(str(item["day"]), group_by)
        else:
            key = str(item.get("value", ALL)) if group_by else ALL
        row = folded.setdefault(key, {"counts": {}, "impressions": 0, "declines": 0})
        for score, count in score_counts(item, metric).items():
            row["counts"][score] = row["counts"].get(score, 0) + count
        row["impressions"] += int(item.get("impressions", 0))
        row["declines"] += int(item.get("declines", 0))
    rows = []
    for key in sorted(folded):
        row = folded[key]
        scores = SCORERS[metric](row["counts"])
        has_events = group_by in (None, "channel", *PERIODS)
        rate = rates(scores["count"], row["impressions"], row["declines"]) if has_events else {}
        rows.append(
            {
                "group": key,
                **withhold_if_too_few(scores),
                **rate,
                "distribution": {str(s): c for s, c in sorted(row["counts"].items())},
            }
        )
    return rows


ESTIMATES = ("score", "ci95", "mean", "mean_ci95", "easy_percent", "easy_ci95")


def withhold_if_too_few(scores: dict[str, Any]) -> dict[str, Any]:
    """A score row below MIN_REPORTED answers keeps its counts and says "too few answers"."""
    if scores["count"] >= MIN_REPORTED:
        return {**scores, "note": None}
    return {**scores, **{k: None for k in ESTIMATES if k in scores}, "note": TOO_FEW}


def days_between(start: date, end: date) -> int:
    return (end - start).days + 1


# --- follow-ups ----------------------------------------------------------------------------


def needs_followup(metric: str, score: int, comment: str | None) -> bool:
    """A detractor, a low CSAT (1–2) or a high-effort CES (1–3), when they told us why."""
    if not comment or not comment.strip():
        return False
    return {"nps": score <= 6, "csat": score <= 2, "ces": score <= 3}.get(metric, False)


def add_working_days(start: datetime, days: int) -> datetime:
    """`start` plus `days` working days (Monday–Friday); public holidays are not modelled."""
    current = start
    added = 0
    while added < days:
        current += timedelta(days=1)
        if current.weekday() < 5:
            added += 1
    return current


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, set())


def is_contactable(response: dict[str, Any] | None) -> tuple[bool, str | None]:
    """May we write to this person? Only with contact consent, an address, and no objection."""
    if not response:
        return False, "response_gone"
    if response.get("restricted"):
        return False, "restricted"
    if response.get("objected"):
        return False, "objected"
    if not response.get("contact_ok"):
        return False, "no_contact_consent"
    if not (response.get("user") or {}).get("email"):
        return False, "no_email"
    return True, None
