"""A score report over 1k, 10k and 100k responses costs the same DynamoDB reads (`make bench`).

Runs in-process on moto (mock_aws) with infra/ provisioned as the tests do. A report reads only
aggregate items, so the responses themselves are not stored: each product's N response items are
made in memory and counted into aggregate cells as the rebuild job counts them (the insight
rules' `contribution_of`, `cells`, `counter`), and the cells written by the rebuild job's own
writer (`store.replace_aggregates`, batch writes): seconds for 100k, where storing 100k responses
and rebuilding would take minutes here. Each report's total is checked against N. Then each
report variant runs while a botocore hook counts DynamoDB calls and items returned. Not timed.
"""

from __future__ import annotations

import os
import random
import time
from typing import TYPE_CHECKING, Any

from bench.table import Row

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

CHANNELS = ("in_app_web", "mobile", "email", "link")
COUNTRIES = ("NO", "SE", "DK", "FI", "NL")
LOCALES = ("nb", "sv", "da", "fi", "nl", "en")
VARIANTS = ("", "channel", "country", "locale", "week", "month")


def _environment() -> None:
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        os.environ.pop(name, None)
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "eu-west-1",
            "AWS_REGION": "eu-west-1",
            "POWERTOOLS_METRICS_DISABLED": "true",
            "POWERTOOLS_SERVICE_NAME": "trustloop",
            "POWERTOOLS_METRICS_NAMESPACE": "trustloop",
        }
    )


class ReadCounter:
    """Counts DynamoDB calls and returned items through botocore's event hooks."""

    def __init__(self, client: Any) -> None:
        self.calls = 0
        self.items = 0
        client.meta.events.register("before-call.dynamodb", self._call)
        client.meta.events.register("after-call.dynamodb", self._after)

    def _call(self, **_: Any) -> None:
        self.calls += 1

    def _after(self, parsed: Any = None, **_: Any) -> None:
        self.items += int((parsed or {}).get("Count", 0))

    def reset(self) -> None:
        self.calls = self.items = 0


def responses(product: str, n: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    """N response items of one product over 30 days of November 2026, as FeedbackTable holds them."""
    for i in range(n):
        yield {
            "pk": f"RESP#{product}-{i}", "sk": "RESP", "response_id": f"{product}-{i}", "product": product,
            "metric": "nps", "score": rng.randrange(11), "channel": rng.choice(CHANNELS),
            "locale": rng.choice(LOCALES), "user": {"country": rng.choice(COUNTRIES)},
            "created_at": f"2026-11-{1 + rng.randrange(30):02d}T10:00:00Z",
        }


def aggregate(items: Iterable[dict[str, Any]]) -> dict[tuple[str, str], dict[str, int]]:
    """The aggregate cells the rebuild job would write for these items (insight rules' counting)."""
    from chalicelib.insight import rules, store

    cells: dict[tuple[str, str], dict[str, int]] = {}
    for item in items:
        c = rules.contribution_of(item)
        if c is None or not rules.is_counted(item):
            continue
        for dim, value in c.cells():
            cell = cells.setdefault((store.agg_pk(c.metric, c.product), store.agg_sk(dim, c.day, value)), {})
            cell[c.counter()] = cell.get(c.counter(), 0) + 1
    return cells


SIZES = {"bench-1k": 1_000, "bench-10k": 10_000, "bench-100k": 100_000}


def main() -> tuple[list[Row], list[str]]:
    _environment()
    from moto import mock_aws

    with mock_aws():
        from bench.common import provision_in_mock_aws
        from chalicelib import aws
        from chalicelib.insight import service, store

        provision_in_mock_aws()
        rng = random.Random(6)
        started = time.monotonic()
        cells: dict[tuple[str, str], dict[str, int]] = {}
        for product, size in SIZES.items():
            cells.update(aggregate(responses(product, size, rng)))
        written = store.replace_aggregates(cells, {})
        print(f"{sum(SIZES.values())} responses ({SIZES}) counted into {written} aggregate items in "
              f"{time.monotonic() - started:.1f} s", flush=True)
        counter = ReadCounter(aws.dynamodb_client())
        print("\nreport over 2026-11-01..2026-11-30 (30 days): DynamoDB calls / items read\n"
              f"{'group_by':<10}" + "".join(f"{'N=' + str(n):>22}" for n in SIZES.values()))
        rows = []
        for group_by in VARIANTS:
            cells_read = []
            for product, size in SIZES.items():
                counter.reset()
                params = {"metric": "nps", "product": product, "from": "2026-11-01", "to": "2026-11-30"}
                if group_by:
                    params["group_by"] = group_by
                report = service.score_report(params)
                assert report["total"]["count"] == size, (product, report["total"])
                cells_read.append((counter.calls, counter.items))
            print(f"{group_by or '(none)':<10}" + "".join(f"{f'{c} calls / {i} items':>22}" for c, i in cells_read))
            (small_calls, small_items), *_, (big_calls, big_items) = cells_read
            # The most aggregate cells a 30-day report can read: one per day per group value (+ the total).
            values = {"channel": CHANNELS, "country": COUNTRIES, "locale": LOCALES}.get(group_by, ())
            bound = 30 * (len(values) + 1)
            rows.append(Row(f"growth: report group_by={group_by or '(none)'}, 1k / 10k / 100k responses",
                            " / ".join(f"{c} calls, {i} items" for c, i in cells_read[1:]),
                            f"{small_calls} calls, {small_items} items", big_items / max(small_items, 1),
                            f"same calls, items ≤ {bound} (days × groups)",
                            len({c for c, _ in cells_read}) == 1 and max(i for _, i in cells_read) <= bound))
        notes = ["## Growth: reports", "",
                 "A 30-day score report over 1k, 10k and 100k responses (in-process moto), DynamoDB calls and",
                 "items returned counted with botocore `before-call`/`after-call` hooks: reads come from per-day",
                 "aggregate items, so they do not grow with responses. The aggregates are counted in memory with",
                 "the insight rules and written by the rebuild job's writer (batch writes); each report's total",
                 "is checked against N. Value: 10k / 100k; floor: 1k; ratio: items at 100k ÷ items at 1k.", ""]
        return rows, notes
