"""Local ceiling: the full banner flow through `make run`, by bounded concurrent clients, against
moto's raw rate for the same DynamoDB calls in the same run (`make bench`).

The stack is devstack's own main (what `make run` runs: moto's threaded server and chalice.local
in one process) on free 127.0.0.1 ports, in a process of its own (bench/served.py) that also takes
`seed N`: N response-like items put straight into moto's backend there (no HTTP, no stream
records: items stored long ago), so the same stack is measured empty and full.

Phases, interleaved and repeated: CLIENTS threads run banner flows (eligibility, impression, score
with an Idempotency-Key, comment with the edit_token; every answer checked) for SECONDS; then the
same threads make the DynamoDB calls those four requests make (bench/raw_flow.py, checked against
the app's own calls by tests/bench/test_ceiling.py) straight to the stack's moto. Loopback only,
bounded count and time.
"""
from __future__ import annotations

import os
import statistics
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import requests

from bench.table import Row

if TYPE_CHECKING:
    from collections.abc import Callable

QUICK = bool(os.environ.get("BENCH_QUICK"))
CLIENTS = 6
SECONDS = 2.5  # per phase
ROUNDS = 1 if QUICK else 3
SEED = 25_000 if QUICK else 100_000
OPERATIONS = ("eligibility", "impression", "score", "comment")
SURVEY_ID, PRODUCT = "srv_demo_nps", "demo"
TIMEOUT = 30


@dataclass
class Tally:
    """What the clients of one phase measured: seconds per operation and per flow, and errors."""

    ops: dict[str, list[float]] = field(default_factory=lambda: {op: [] for op in OPERATIONS})
    flows: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: int = 0
    elapsed: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, times: dict[str, float], error: str | None) -> None:
        with self.lock:
            self.requests += len(times)
            if error:
                self.errors.append(error)
                return
            for op, seconds in times.items():
                self.ops[op].append(seconds)
            self.flows.append(sum(times.values()))

    @property
    def rate(self) -> float:
        return len(self.flows) / self.elapsed if self.elapsed else 0.0


def _check(answer: requests.Response, status: int, *fields: str) -> dict[str, Any]:
    if answer.status_code != status:
        raise AssertionError(f"{answer.request.method} {answer.url.split('?')[0]}: {answer.status_code}")
    body: dict[str, Any] = answer.json()
    missing = [f for f in fields if not body.get(f)]
    if missing:
        raise AssertionError(f"{answer.request.method} {answer.url.split('?')[0]}: no {missing}")
    return body


def http_flow(http: requests.Session, api: str, user: str) -> dict[str, float]:
    """One banner flow as banner.js makes it; each answer checked. Seconds per request."""
    times: dict[str, float] = {}
    event: dict[str, Any] = {"survey_id": SURVEY_ID, "channel": "in_app_web", "user": {"id": user}}

    def timed(op: str, call: Callable[[], requests.Response]) -> requests.Response:
        started = time.perf_counter()
        answer = call()
        times[op] = time.perf_counter() - started
        return answer

    body = _check(timed("eligibility", lambda: http.get(f"{api}/v1/eligibility", timeout=TIMEOUT, params={
        "product": PRODUCT, "user_id": user, "channel": "in_app_web", "locale": "en"})), 200)
    if body.get("eligible") is not True:
        raise AssertionError(f"eligibility: {body.get('reason')}")
    _check(timed("impression", lambda: http.post(f"{api}/v1/impressions", json=event, timeout=TIMEOUT)),
           201, "impression_id")
    score: dict[str, Any] = {**event, "score": 9, "locale": "en"}
    made = _check(timed("score", lambda: http.post(f"{api}/v1/responses", json=score, timeout=TIMEOUT,
                                                   headers={"Idempotency-Key": uuid.uuid4().hex})),
                  201, "response_id", "edit_token")
    said = _check(timed("comment", lambda: http.patch(
        f"{api}/v1/responses/{made['response_id']}", json={"comment": "Exporting takes too many clicks"},
        timeout=TIMEOUT, headers={"Authorization": f"Bearer {made['edit_token']}"})), 200, "comment")
    if said["comment"] != "Exporting takes too many clicks":
        raise AssertionError("comment: not stored as sent")
    return times


def _drive(tally: Tally, seconds: float, make_worker: Callable[[], Callable[[str], dict[str, float]]],
           run: str) -> Tally:
    """CLIENTS threads, each running flows one after another until the phase ends."""
    until = time.monotonic() + seconds

    def client(worker: int) -> None:
        flow = make_worker()
        n = 0
        while time.monotonic() < until:
            n += 1
            try:
                tally.add(flow(f"{run}-{worker}-{n}"), None)
            except Exception as exc:  # noqa: BLE001 (every failure is counted and shown)
                tally.add({}, f"{type(exc).__name__}: {exc}"[:200])

    threads = [threading.Thread(target=client, args=(w,), name=f"client-{w}") for w in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tally.elapsed += time.monotonic() - started
    return tally


# --- the figures --------------------------------------------------------------------------------------

def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def percentiles(times: list[float]) -> tuple[float, float, float]:
    """p50, p95, p99 of `times` (seconds): statistics.quantiles' exclusive method, 100 cut points."""
    if len(times) < 2:
        return (times[0],) * 3 if times else (0.0, 0.0, 0.0)
    cuts = statistics.quantiles(times, n=100)
    return statistics.median(times), cuts[94], cuts[98]


def spread(times: list[float]) -> str:
    p50, p95, p99 = percentiles(times)
    return f"p50 {_ms(p50)} / p95 {_ms(p95)} / p99 {_ms(p99)} ms"


def _rates(tallies: list[Tally]) -> str:
    rates = [t.rate for t in tallies]
    return f"{statistics.median(rates):.1f} flows/s [{min(rates):.1f}–{max(rates):.1f}]"


def _merge(tallies: list[Tally]) -> Tally:
    merged = Tally()
    for t in tallies:
        for op in OPERATIONS:
            merged.ops[op] += t.ops[op]
        merged.flows += t.flows
        merged.errors += t.errors
        merged.requests += t.requests
        merged.elapsed += t.elapsed
    return merged


def _phase(label: str, tally: Tally) -> Tally:
    print(f"  {label:<28} {len(tally.flows):>5} flows in {tally.elapsed:4.1f} s = {tally.rate:6.1f} flows/s,"
          f" flow {spread(tally.flows)}, errors {len(tally.errors)}", flush=True)
    return tally


def main() -> tuple[list[Row], list[str]]:
    import boto3

    from bench import raw_flow
    from bench.served import served_stack

    print(f"{CLIENTS} clients, {ROUNDS} round(s) of {SECONDS:g} s per phase; starting python -m devstack …",
          flush=True)
    run = uuid.uuid4().hex[:6]
    apps: dict[str, list[Tally]] = {"empty": [], "full": []}
    raws: dict[str, list[Tally]] = {"empty": [], "full": []}
    with served_stack() as served:
        stack = served.description
        api = stack["api_url"]
        ddb = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                    region_name=stack["region"])
        tables = raw_flow.Tables(feedback=stack["feedback_table"], surveys=stack["surveys_table"])

        def http_worker() -> Callable[[str], dict[str, float]]:
            session = requests.Session()
            return lambda user: http_flow(session, api, user)

        def raw_worker() -> Callable[[str], dict[str, float]]:
            client = ddb.client("dynamodb", endpoint_url=stack["moto_url"])
            return lambda user: raw_flow.flow(client, tables, user)

        _drive(Tally(), 1.0, http_worker, f"warm-{run}")  # first requests read secrets, open connections
        for size in ("empty", "full"):
            if size == "full":
                print(f"seeding {SEED} response items into {tables.feedback} …", flush=True)
                print(f"  seeded in {served.seed(SEED):.1f} s (in the stack's process)", flush=True)
            for r in range(ROUNDS):
                raws[size].append(_phase(f"{size}, round {r + 1}: moto raw", _drive(
                    Tally(), SECONDS, raw_worker, f"raw-{size}{r}-{run}")))
                apps[size].append(_phase(f"{size}, round {r + 1}: make run", _drive(
                    Tally(), SECONDS, http_worker, f"app-{size}{r}-{run}")))
    return _figures(apps, raws)


def _figures(apps: dict[str, list[Tally]], raws: dict[str, list[Tally]]) -> tuple[list[Row], list[str]]:
    app, raw = _merge(apps["empty"]), _merge(raws["empty"])
    full = _merge(apps["full"])
    ratio = statistics.median(t.rate for t in apps["empty"]) / statistics.median(t.rate for t in raws["empty"])
    rows = [Row(f"local ceiling: banner flow (4 requests) over HTTP on make run, {CLIENTS} clients",
                f"{_rates(apps['empty'])}, {app.requests / app.elapsed:.0f} req/s; flow {spread(app.flows)}",
                f"moto raw, same DynamoDB calls: {_rates(raws['empty'])}; flow {spread(raw.flows)}",
                ratio, "≥ 0.6x of raw rate", ratio >= 0.6)]
    for op in OPERATIONS:
        share = statistics.median(raw.ops[op]) / statistics.median(app.ops[op])
        rows.append(Row(f"local ceiling: {op} ({CLIENTS} clients)", spread(app.ops[op]),
                        f"its raw calls: {spread(raw.ops[op])}", share, "shown (raw p50 / p50)", None))
    errors = len(app.errors) + len(full.errors)
    rows.append(Row("local ceiling: errors (every answer checked)", f"{errors} of {app.requests + full.requests}"
                    " requests", "-", None, "0", errors == 0))
    flat = statistics.median(full.flows) / statistics.median(app.flows)
    # The raw floor's own change from empty to full, beside it: when both move, the machine did.
    raw_flat = statistics.median(_merge(raws["full"]).flows) / statistics.median(raw.flows)
    rows.append(Row(f"local ceiling: flow p50 with {SEED // 1000}k response items vs empty",
                    f"{spread(full.flows)}; {_rates(apps['full'])}; moto raw p50 {raw_flat:.2f}x of empty",
                    f"empty: {spread(app.flows)}", flat, "≤ 1.25x", flat <= 1.25))
    table = ["| operation | make run p50 / p95 / p99 ms | raw calls p50 / p95 / p99 ms |", "|---|---|---|"]
    table += [f"| {op} | {spread(app.ops[op])} | {spread(raw.ops[op])} |" for op in OPERATIONS]
    table += [f"| whole flow | {spread(app.flows)} | {spread(raw.flows)} |"]
    notes = ["## Local ceiling", "",
             "The full banner flow (eligibility, impression, score with an Idempotency-Key, comment with the",
             "edit_token, as banner.js makes it) through `python -m devstack` (what `make run` runs: moto's",
             f"threaded server and chalice.local in one process, on free 127.0.0.1 ports) by {CLIENTS} concurrent",
             f"clients, {ROUNDS} round(s) of {SECONDS:g} s, every answer checked (status and body). Floor, in the",
             "same run, interleaved: the same clients making the DynamoDB calls those four requests make",
             "(bench/raw_flow.py; tests/bench/test_ceiling.py checks they are the app's calls) straight to the",
             "stack's moto: 7 calls a flow (1 BatchGetItem; GetItem + TransactWriteItems twice; GetItem +",
             "UpdateItem), so the ratio is what the HTTP API, Chalice and the app add to moto's own work.",
             "Ratio = flows/s over HTTP ÷ raw flows/s (medians of the rounds, [min–max]).",
             f"Then {SEED:,} response items are put into moto's backend in the stack's process (no HTTP, no",
             "stream records) and the flow measured again: its p50 against the empty stack's.", "", *table, ""]
    if errors:
        notes += ["Errors seen (first 5):", "", *[f"- {e}" for e in (app.errors + full.errors)[:5]], ""]
    return rows, notes

