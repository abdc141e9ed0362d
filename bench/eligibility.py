"""Eligibility over HTTP on the local stack, against moto's raw GetItem rate on the same machine."""
from __future__ import annotations

import statistics
import time

import boto3
import requests

from tests.e2e.conftest import free_port

CALLS = 300


def _timed(fn, count: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for i in range(count):
        started = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    from devstack.stack import Stack

    stack = Stack(moto_port=free_port(), api_port=free_port()).start()
    try:
        session = requests.Session()
        url = f"{stack.api_url}/v1/eligibility"
        http = _timed(lambda i: session.get(url, params={"product": "demo", "user_id": f"bench-{i}",
                                                         "channel": "in_app_web"}).raise_for_status(), CALLS)
        ddb = boto3.client("dynamodb", endpoint_url=stack.moto_url, region_name="eu-west-1")
        table = stack.resources["FeedbackTable"]["Ref"]
        raw = _timed(lambda i: ddb.get_item(TableName=table, Key={"pk": {"S": f"SUBJ#x#{i}"},
                                                                   "sk": {"S": "THROTTLE"}}), CALLS)
    finally:
        stack.stop()
    for name, times in (("eligibility over HTTP", http), ("moto GetItem, raw", raw)):
        print(f"{name:24} p50 {statistics.median(times) * 1000:6.1f} ms   "
              f"p95 {statistics.quantiles(times, n=20)[18] * 1000:6.1f} ms   {len(times) / sum(times):6.0f}/s")
    print(f"ratio eligibility/raw (p50): {statistics.median(http) / statistics.median(raw):.1f}x")
