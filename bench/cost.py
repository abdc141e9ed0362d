"""What a million banner flows and one incident cost on AWS (`make bench`, issue 16 item 3).

Usage comes from the same counting run as bench/calls.py (bench/drive.py: every AWS call the real
handlers make, the bytes they log, the Step Functions states the incident entered); prices from
PRICES, AWS's public list prices for eu-west-1, on demand, written down with their source and date.
Not timed: the figures are exact counts times prices, under the assumptions stated in ASSUMPTIONS.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bench.table import Row
from bench.units import DynamoUnits, Table

if TYPE_CHECKING:
    from collections.abc import Mapping

    from bench.drive import Case
    from bench.record import Call

Usage = dict[str, float]  # how much of each priced thing (keys of PRICES)
AS_OF = "2026-11-30"
REGION = "eu-west-1 (Europe, Ireland)"


@dataclass(frozen=True)
class Price:
    usd: float
    per: float  # how many units `usd` buys
    unit: str
    source: str


_AWS = "https://aws.amazon.com"
_SAME = "; the rate AWS lists for eu-west-1 as for us-east-1 (the text read did not show the region's row)"
# List prices as of AS_OF for eu-west-1, on demand, first tier, after any free tier. Looked up with the
# `search` tool on AS_OF; where the text read did not name eu-west-1, the source says so.
PRICES: dict[str, Price] = {
    "apigw": Price(3.50, 1e6, "API Gateway REST API requests (first 333 million a month)",
                   f"{_AWS}/api-gateway/pricing/{_SAME}"),
    "lambda_requests": Price(0.20, 1e6, "Lambda requests", f"{_AWS}/lambda/pricing/{_SAME}"),
    "lambda_gb_s": Price(0.0000166667, 1, "Lambda duration, x86, GB-second (first 6 billion GB-s a month)",
                         f"{_AWS}/lambda/pricing/{_SAME}"),
    "dynamodb_wru": Price(0.7068, 1e6, "DynamoDB on-demand write request units (Standard table class)",
                          f"{_AWS}/dynamodb/pricing/on-demand/; eu-west-1's $1.4135 halved by the on-demand "
                          "price cut of 1 November 2024 (not shown in the text read)"),
    "dynamodb_rru": Price(0.1415, 1e6, "DynamoDB on-demand read request units (Standard table class)",
                          f"{_AWS}/dynamodb/pricing/on-demand/; eu-west-1's $0.283 halved, as for writes"),
    "sqs": Price(0.40, 1e6, "SQS standard queue requests (each 64 KB chunk)", f"{_AWS}/sqs/pricing/{_SAME}"),
    "sfn_transitions": Price(0.025, 1000, "Step Functions standard workflow state transitions",
                             f"{_AWS}/step-functions/pricing/ (its Europe (Ireland) row)"),
    "s3_put": Price(0.005, 1000, "S3 Standard PUT, COPY, POST, LIST requests", f"{_AWS}/s3/pricing/{_SAME}"),
    "s3_get": Price(0.0004, 1000, "S3 Standard GET and other requests", f"{_AWS}/s3/pricing/{_SAME}"),
    "ses_mail": Price(0.10, 1000, "SES outbound e-mail (per recipient)", f"{_AWS}/ses/pricing/ (one rate)"),
    "sns_publish": Price(0.50, 1e6, "SNS publish requests (each 64 KB chunk)", f"{_AWS}/sns/pricing/{_SAME}"),
    "sns_email": Price(2.00, 100_000, "SNS e-mail notifications delivered", f"{_AWS}/sns/pricing/{_SAME}"),
    "secrets_calls": Price(0.05, 10_000, "Secrets Manager API calls", f"{_AWS}/secrets-manager/pricing/ (one rate)"),
    "logs_gb": Price(0.57, 1, "CloudWatch Logs ingestion, standard class, GB",
                     f"{_AWS}/cloudwatch/pricing/ (eu-west-1's rate; us-east-1's is $0.50)"),
    "xray_traces": Price(5.00, 1e6, "X-Ray traces recorded", f"{_AWS}/xray/pricing/{_SAME}"),
}

# What the counting run cannot see, assumed and stated (the notes print these).
LAMBDA_GB = 0.5  # .chalice/config.json lambda_memory_size 512; no Architectures in infra/: x86_64
CPU_MS = 3.0  # our code's in-process time per invocation (bench/overhead.py measures 0.3–2.5 ms here)
MS_PER_CALL = 6.0  # one in-region AWS call's round trip (DynamoDB, SQS, SNS, SES, S3), billed while waited
LAMBDA_LOG_BYTES = 300  # Lambda's own START, END and REPORT lines per invocation
XRAY_SAMPLED = 0.05  # X-Ray's default rule: one request a second, then 5 % (chalice "xray": true)
ASSUMPTIONS = {
    "Lambda memory, architecture": "512 MB, x86_64 (.chalice/config.json; infra/ sets no Architectures)",
    "Lambda billed duration": f"{CPU_MS:g} ms of our code + {MS_PER_CALL:g} ms per AWS call, rounded up to 1 ms",
    "DynamoDB item sizes": "measured from the run's items; 1 WRU per KB written (2 in a transaction), "
                           "0.5 RRU per 4 KB read eventually consistent (1 consistent, 2 transactional); "
                           "a GSI write per index whose keys the item carries; a ConditionCheck as 2 WRU; "
                           "a refused condition or cancelled transaction charged as if it wrote (an upper bound)",
    "SQS by Step Functions and Lambda": "each task state's SendMessage, and the Lambda poller's "
                                        "ReceiveMessage + DeleteMessage per message; idle polling not included",
    "stream": "DynamoDB Streams reads by a Lambda trigger are free; the stream function's invocation holds "
              "one flow's records (at scale a batch holds more, so fewer invocations per flow)",
    "X-Ray": f"{XRAY_SAMPLED:.0%} of requests and executions traced (the default sampling rule)",
    "Secrets Manager": "one GetSecretValue per warm container per five minutes (Powertools' cache), none "
                       "per request: the counted run is warm",
    "not included": "storage (DynamoDB, S3, logs kept), data transfer, free tiers, the deadline and sweep "
                    "schedules (per 15 and 5 minutes, not per incident)",
}


def usage(cases: list[Case], units: DynamoUnits, transitions: int = 0, task_messages: int = 0) -> Usage:
    """How much of each priced thing `cases` used (plus a workflow's transitions and task messages)."""
    used: Usage = defaultdict(float)
    for case in cases:
        used["apigw"] += case.handler == "http"
        used["lambda_requests"] += 1
        billed_ms = math.ceil(CPU_MS + MS_PER_CALL * len(case.calls))
        used["lambda_gb_s"] += billed_ms / 1000 * LAMBDA_GB
        used["logs_gb"] += (case.log_bytes + LAMBDA_LOG_BYTES) / 1e9
        used["xray_traces"] += XRAY_SAMPLED * (case.handler == "http")
        if case.handler in ("handle_alerts", "handle_incident_tasks"):
            used["sqs"] += 2  # the Lambda poller's ReceiveMessage and DeleteMessage of this message
        for call in case.calls:
            _count_call(used, units, call)
    used["sfn_transitions"] += transitions
    used["sqs"] += task_messages  # Step Functions' SendMessage of each task state
    used["xray_traces"] += XRAY_SAMPLED * bool(transitions)
    return used


def _count_call(used: Usage, units: DynamoUnits, call: Call) -> None:
    if call.client == "dynamodb":
        read, write = units.units(call)
        used["dynamodb_rru"] += read
        used["dynamodb_wru"] += write
    elif call.client == "sqs" and call.operation.startswith(("Send", "Receive", "Delete", "Change")):
        used["sqs"] += 1
    elif call.operation == "Publish":
        used["sns_publish"] += 1
    elif call.operation in ("PutObject", "CopyObject", "ListObjectsV2"):
        used["s3_put"] += 1
    elif call.operation in ("GetObject", "HeadObject"):
        used["s3_get"] += 1
    elif call.client == "ses" and call.operation.startswith("Send"):
        used["ses_mail"] += len(call.params.get("Destination", {}).get("ToAddresses", [])) or 1
    elif call.client == "secretsmanager":
        used["secrets_calls"] += 1


def email_deliveries(calls: list[Call]) -> int:
    """SNS e-mails: each Publish reaches every address subscribed to its topic so far in the run."""
    members: Counter[str] = Counter()
    delivered = 0
    for call in calls:
        topic = call.params.get("TopicArn", "")
        if call.operation == "Subscribe":
            members[topic] += 1
        elif call.operation == "Publish":
            delivered += members[topic]
    return delivered


def priced(used: Mapping[str, float], times: float = 1.0) -> dict[str, float]:
    """USD per priced thing for `times` repetitions of `used`."""
    return {k: used[k] * times * PRICES[k].usd / PRICES[k].per for k in PRICES if used.get(k)}


BANNER = ("eligibility", "impression", "score", "comment", "stream: the flow's records")
NAMES = {"apigw": "API Gateway", "lambda_requests": "Lambda requests", "lambda_gb_s": "Lambda duration",
         "dynamodb_wru": "DynamoDB writes", "dynamodb_rru": "DynamoDB reads", "sqs": "SQS",
         "sfn_transitions": "Step Functions", "s3_put": "S3 PUT", "s3_get": "S3 GET", "ses_mail": "SES",
         "sns_publish": "SNS publish", "sns_email": "SNS e-mail", "secrets_calls": "Secrets Manager",
         "logs_gb": "CloudWatch Logs", "xray_traces": "X-Ray"}


UNITS = {"lambda_gb_s": "GB-s", "dynamodb_wru": "WRU", "dynamodb_rru": "RRU", "logs_gb": "GB",
         "sfn_transitions": "transitions", "xray_traces": "traces", "ses_mail": "mails", "sns_email": "mails"}


def tables_in_moto() -> dict[str, Table]:
    """Each table's key and index attributes, as provisioned from infra/."""
    import boto3

    db = boto3.client("dynamodb")
    found = {}
    for name in db.list_tables()["TableNames"]:
        table = db.describe_table(TableName=name)["Table"]
        indexes = [*table.get("GlobalSecondaryIndexes", []), *table.get("LocalSecondaryIndexes", [])]
        found[name] = Table(tuple(k["AttributeName"] for k in table["KeySchema"]),
                            tuple(tuple(k["AttributeName"] for k in i["KeySchema"]) for i in indexes))
    return found


def _summary(costs: dict[str, float], digits: int) -> str:
    top = sorted(costs.items(), key=lambda kv: -kv[1])
    parts = ", ".join(f"{NAMES[k]} ${v:,.{digits}f}" for k, v in top[:4])
    return f"${sum(costs.values()):,.{digits}f} ({parts}{', …' if len(top) > 4 else ''})"


def _quantity(key: str, amount: float) -> str:
    text = f"{amount:,.0f}" if amount >= 100 else f"{amount:.3g}"
    return f"{text} {UNITS.get(key, '')}".rstrip()


def _breakdown(used: Usage, costs: dict[str, float], times: float, digits: int) -> list[str]:
    rows = [f"| {NAMES[k]} | {_quantity(k, used[k] * times)} | ${v:,.{digits}f} |"
            for k, v in sorted(costs.items(), key=lambda kv: -kv[1])]
    return ["| line | quantity | cost |", "|---|---|---|", *rows, f"| total | | ${sum(costs.values()):,.{digits}f} |"]


def main() -> tuple[list[Row], list[str]]:
    from moto import mock_aws

    from bench.drive import MOTO_CONFIG, record_everything, transitions
    from bench.reports import _environment

    _environment()
    print("cost: one banner flow and one incident through the real handlers (moto), priced", flush=True)
    with mock_aws(config=MOTO_CONFIG):
        h, run = record_everything(env={"POWERTOOLS_METRICS_DISABLED": "false"})  # EMF is logged, as deployed
        units = DynamoUnits(tables_in_moto())
    flow = [c for c in h.cases if c.step in BANNER]
    first = next(i for i, c in enumerate(h.cases) if c.step.startswith("alert form"))
    incident = h.cases[first:run["cases"]]  # the crisis and reminder tasks recorded after it are not its path
    flow_used = usage(flow, units)
    states = transitions(run["events"])
    tasks = sum(c.handler == "handle_incident_tasks" for c in incident)
    incident_used = usage(incident, units, sum(states.values()), tasks)
    incident_used["sns_email"] += email_deliveries([c for case in incident for c in case.calls])
    flows = priced(flow_used, 1e6)
    one = priced(incident_used)
    rows = [Row("cost: 1 million banner flows (eligibility, impression, score, comment)", _summary(flows, 2), "-",
                None, "shown", None),
            Row("cost: one incident, alert → closed report", _summary(one, 5), "-", None, "shown", None)]
    notes = ["## Cost", "", *__doc__.split("\n\n", 1)[1].splitlines(), "",
             f"Prices: list prices as of {AS_OF}, {REGION}, on demand, first tier, free tiers left out.", "",
             "| priced thing | USD | per | source |", "|---|---|---|---|",
             *(f"| {p.unit} | {p.usd:g} | {p.per:,.0f} | {p.source} |" for p in PRICES.values()), "",
             "Assumptions:", "", *(f"- {k}: {v}." for k, v in ASSUMPTIONS.items()), "",
             "### One million banner flows", "",
             "Per flow: " + ", ".join(f"{c.step} {len(c.calls)} calls" for c in flow) + ".", "",
             *_breakdown(flow_used, flows, 1e6, 2), "",
             "### One incident, alert to closed report", "",
             f"{len(incident)} handler invocations, {sum(len(c.calls) for c in incident)} AWS calls made by our code, "
             f"{sum(states.values())} state transitions ({', '.join(f'{k} {v}' for k, v in states.items())}).", "",
             *_breakdown(incident_used, one, 1, 6), ""]
    return rows, notes
