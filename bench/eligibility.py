"""Eligibility over HTTP on the local stack, against moto's raw GetItem rate on the same machine."""
from __future__ import annotations

import os
import statistics
import time

import boto3
import requests

from bench.table import Row
from tests.e2e.conftest import free_port

CALLS = 100 if os.environ.get("BENCH_QUICK") else 300


def _timed(fn, count: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for i in range(count):
        started = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - started)
    return times


def main() -> tuple[list[Row], list[str]]:
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
    http_p50, raw_p50 = statistics.median(http), statistics.median(raw)
    ratio = raw_p50 / http_p50  # the route's rate as a share of moto's raw rate for its one call

    def spread(times: list[float]) -> str:
        return (f"p50 {statistics.median(times) * 1000:.1f} ms, p95 {statistics.quantiles(times, n=20)[18] * 1000:.1f}"
                f" ms [{min(times) * 1000:.1f}–{max(times) * 1000:.1f}], {len(times) / sum(times):.0f}/s")

    row = Row("local ceiling: GET /v1/eligibility over HTTP (make run), 1 client", spread(http),
              "moto GetItem raw: " + spread(raw), ratio, "≥ 0.6x of raw rate", ratio >= 0.6)
    notes = ["## Local ceiling", "",
             f"{CALLS} sequential eligibility requests through the local stack (devstack on free 127.0.0.1 ports)",
             "against the same number of raw GetItem calls to its moto; ratio = raw p50 / route p50 (the",
             "route's request rate as a share of moto's raw call rate). Errors: none (each response checked).",
             ""]
    return [row], notes
