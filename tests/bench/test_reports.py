"""bench/reports.py counts aggregates in memory: they must be the cells the rebuild job writes."""
from __future__ import annotations

import random
from typing import Any

import pytest

from bench import reports

pytestmark = pytest.mark.usefixtures("aws_stack")


def _stored_aggregates() -> dict[tuple[str, str], dict[str, int]]:
    from chalicelib import aws
    from chalicelib.config import get_settings

    found = {}
    for item in aws.query_all(get_settings().insight_table, KeyConditionExpression="pk = :pk",
                              ExpressionAttributeValues={":pk": "AGG#nps#p"}):
        found[(item["pk"], item["sk"])] = {k: int(v) for k, v in item.items() if k.startswith("n")}
    return found


def test_the_bench_counts_the_cells_the_rebuild_job_writes() -> None:
    from chalicelib import aws
    from chalicelib.config import get_settings
    from chalicelib.insight import service

    items: list[dict[str, Any]] = list(reports.responses("p", 60, random.Random(1)))
    with aws.table(get_settings().feedback_table).batch_writer() as batch:
        for item in items:
            batch.put_item(Item=item)
    service.rebuild_aggregates()
    rebuilt = _stored_aggregates()
    assert len(rebuilt) > 30
    assert {k: {n: c for n, c in v.items() if c} for k, v in reports.aggregate(items).items()} == \
        {k: {n: c for n, c in v.items() if c} for k, v in rebuilt.items()}
