"""A score report over N and 10×N responses costs the same DynamoDB reads (`make bench`).

Runs in-process on moto (mock_aws) with infra/ provisioned as the tests do. Responses are
batch-written to FeedbackTable and the aggregates built by the rebuild job (the stream path
gives the same aggregates, tests/insight/test_aggregates.py; moto copies the whole table on
every transaction, which makes 10×N stream applications slow here, not in DynamoDB). Then each
report variant runs while a botocore hook counts DynamoDB calls and items returned. Not timed.
"""

from __future__ import annotations

import os
import random
import time
from typing import Any

from bench.table import Row

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


def _load(product: str, n: int, rng: random.Random) -> None:
    from chalicelib import aws
    from chalicelib.config import get_settings

    with aws.table(get_settings().feedback_table).batch_writer() as batch:
        for i in range(n):
            day = 1 + rng.randrange(30)
            batch.put_item(
                Item={
                    "pk": f"RESP#{product}-{i}",
                    "sk": "RESP",
                    "response_id": f"{product}-{i}",
                    "product": product,
                    "metric": "nps",
                    "score": rng.randrange(11),
                    "channel": rng.choice(CHANNELS),
                    "locale": rng.choice(LOCALES),
                    "user": {"country": rng.choice(COUNTRIES)},
                    "created_at": f"2026-11-{day:02d}T10:00:00Z",
                }
            )


def main(n: int = 1000) -> tuple[list[Row], list[str]]:
    _environment()
    from moto import mock_aws

    with mock_aws():
        from bench.common import provision_in_mock_aws
        from chalicelib import aws
        from chalicelib.insight import service

        provision_in_mock_aws()
        rng = random.Random(6)
        sizes = {"bench-n": n, "bench-10n": 10 * n}
        started = time.monotonic()
        for product, size in sizes.items():
            _load(product, size, rng)
        rebuilt = service.rebuild_aggregates()
        print(
            f"loaded {sum(sizes.values())} responses ({sizes}); rebuilt {rebuilt['aggregate_items']} "
            f"aggregate items in {time.monotonic() - started:.1f} s",
            flush=True,
        )
        counter = ReadCounter(aws.dynamodb_client())
        print(
            f"\nreport over 2026-11-01..2026-11-30 (30 days): DynamoDB calls / items read\n"
            f"{'group_by':<10}{'N=' + str(n):>22}{'10N=' + str(10 * n):>22}"
        )
        rows = []
        for group_by in VARIANTS:
            cells = []
            for product in sizes:
                counter.reset()
                params = {"metric": "nps", "product": product, "from": "2026-11-01", "to": "2026-11-30"}
                if group_by:
                    params["group_by"] = group_by
                report = service.score_report(params)
                assert report["total"]["count"] == sizes[product]
                cells.append((counter.calls, counter.items))
            print(f"{group_by or '(none)':<10}" + "".join(f"{f'{c} calls / {i} items':>22}" for c, i in cells))
            (small_calls, small_items), (big_calls, big_items) = cells
            # The most aggregate cells a 30-day report can read: one per day per group value (+ the total).
            values = {"channel": CHANNELS, "country": COUNTRIES, "locale": LOCALES}.get(group_by, ())
            bound = 30 * (len(values) + 1)
            rows.append(Row(f"growth: report group_by={group_by or '(none)'}, {10 * n} vs {n} responses",
                            f"{big_calls} calls / {big_items} items", f"{small_calls} calls / {small_items} items",
                            big_items / max(small_items, 1), f"same calls, items ≤ {bound} (days × groups)",
                            big_calls == small_calls and big_items <= bound))
        notes = ["## Growth", "",
                 f"A 30-day score report over {n} and {10 * n} responses (in-process moto, aggregates built by the",
                 "rebuild job), DynamoDB calls and items returned counted with botocore `before-call`/`after-call`",
                 "hooks: reads come from per-day aggregate items, so they do not grow with responses.", ""]
        return rows, notes


