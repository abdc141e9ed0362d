"""Cold start per function: a fresh interpreter importing the app and serving its first event,
against a fresh interpreter importing boto3 + chalice and making one DynamoDB GetItem (the floor).

AWS is the local stack's moto (started here). Each figure is the median of ROUNDS interleaved
runs, timed inside the child from its first line (interpreter start-up is the same for both).
"""
from __future__ import annotations

import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.table import Row

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))
GOAL = 1.25

# What each function's first event is; the child builds it before its clock starts.
FUNCTIONS = {
    "api (GET /v1/eligibility)": "api",
    "alert consumer": "handle_alerts",
    "task runner": "handle_incident_tasks",
    "mail intake": "handle_inbound_mail",
    "stream": "handle_feedback_stream",
    "jobs (retention)": "privacy_retention",
}

CHILD = r'''
import json, os, sys, time, types
kind = sys.argv[1]
ctx = types.SimpleNamespace(function_name=kind, memory_limit_in_mb=512, aws_request_id="bench",
                            invoked_function_arn="arn:aws:lambda:eu-west-1:123456789012:function:" + kind,
                            get_remaining_time_in_millis=lambda: 30000)
def sqs(body):
    return {"Records": [{"messageId": "m1", "receiptHandle": "r", "body": json.dumps(body), "attributes": {},
                         "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
                         "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:q", "awsRegion": "eu-west-1"}]}
events = {
    "api": {"resource": "/v1/eligibility", "path": "/v1/eligibility", "httpMethod": "GET",
            "headers": {"Host": "127.0.0.1"}, "multiValueHeaders": {},
            "queryStringParameters": {"product": "demo", "user_id": "bench-user", "channel": "in_app_web"},
            "multiValueQueryStringParameters": {"product": ["demo"], "user_id": ["bench-user"],
                                                "channel": ["in_app_web"]},
            "pathParameters": None, "stageVariables": None,
            "requestContext": {"resourcePath": "/v1/eligibility", "httpMethod": "GET", "stage": "api",
                               "path": "/api/v1/eligibility", "requestId": "bench",
                               "identity": {"sourceIp": "127.0.0.1"}},
            "body": None, "isBase64Encoded": False},
    "handle_alerts": sqs({"alert_id": "alt_bench_missing"}),
    "handle_incident_tasks": sqs({"task": "register", "alert_id": "alt_bench_missing", "token": "t"}),
    "handle_inbound_mail": sqs({"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
                                             "s3": {"bucket": {"name": os.environ["INBOUND_MAIL_BUCKET"]},
                                                    "object": {"key": "inbound/bench.eml"}}}]}),
    "handle_feedback_stream": {"Records": [{
        "eventID": "1", "eventName": "INSERT", "eventSource": "aws:dynamodb", "awsRegion": "eu-west-1",
        "eventSourceARN": "arn:aws:dynamodb:eu-west-1:123456789012:table/FeedbackTable/stream/bench",
        "dynamodb": {"SequenceNumber": "100", "StreamViewType": "NEW_AND_OLD_IMAGES",
                     "Keys": {"pk": {"S": "RESP#r_bench"}, "sk": {"S": "RESP"}},
                     "NewImage": {"pk": {"S": "RESP#r_bench"}, "sk": {"S": "RESP"}, "metric": {"S": "nps"},
                                  "product": {"S": "demo"}, "score": {"N": "9"}, "channel": {"S": "in_app_web"},
                                  "survey_id": {"S": "s_bench"}, "created_at": {"S": "2026-11-30T07:00:00Z"}}}}]},
    "privacy_retention": {"version": "0", "id": "e", "detail-type": "Scheduled Event", "source": "aws.events",
                          "account": "123456789012", "time": "2026-11-30T00:00:00Z", "region": "eu-west-1",
                          "resources": [], "detail": {}},
}
event = events.get(kind)
calls_file = os.environ["BENCH_CALLS"]
made = []
def record(params, model, **_):  # every AWS call the first event makes, for the floor to make by hand
    made.append((model.service_model.service_name, model.name, params))
started = time.perf_counter()
if kind == "floor":  # the same calls, made by hand: boto3 + chalice imported, one client per service
    import pickle
    import boto3, chalice  # noqa: F401
    from botocore import xform_name
    from botocore.exceptions import ClientError
    with open(calls_file, "rb") as f:
        made = pickle.load(f)
    clients = {}
    for service, operation, params in made:
        client = clients.get(service) or clients.setdefault(service, boto3.client(service))
        try:
            getattr(client, xform_name(operation))(**params)
        except ClientError:
            pass
else:
    import app
    from chalicelib import aws
    aws._session().events.register_last("before-parameter-build", record)  # after boto3's type transforms
    handler = app.app if kind == "api" else getattr(app, kind, None) or app.app.handler_map[kind]
    try:
        handler(event, ctx)
    except Exception as exc:  # a first event that fails still paid the cold start
        print(json.dumps({"error": type(exc).__name__}), file=sys.stderr)
seconds = time.perf_counter() - started
if kind != "floor":
    import pickle
    with open(calls_file, "wb") as f:
        pickle.dump(made, f)
print(json.dumps({"seconds": seconds}))
'''


def run_child(kind: str, env: dict[str, str], calls_file: Path, *, importtime: bool = False,
              python: str = sys.executable) -> tuple[float, str]:
    # Lambda sets _HANDLER to the function's handler string (app.py registers routes only for app.app)
    handler = "app.app" if kind in ("api", "floor") else f"app.{kind}"
    child_env = {**env, "BENCH_CALLS": str(calls_file), "_HANDLER": handler}
    flags = ["-X", "importtime"] if importtime else []
    done = subprocess.run([python, *flags, "-c", CHILD, kind], cwd=ROOT, env=child_env,
                          capture_output=True, text=True, timeout=120, check=False)
    if done.returncode:
        raise RuntimeError(f"cold start of {kind} failed:\n{done.stderr[-2000:]}")
    return float(json.loads(done.stdout.strip().splitlines()[-1])["seconds"]), done.stderr


def _importtime_rows(stderr: str) -> list[tuple[str, float, float]]:
    """(indented name, self ms, cumulative ms) of each `-X importtime` line, in the order printed."""
    rows = []
    for line in stderr.splitlines():
        if line.startswith("import time:") and "cumulative" not in line:
            self_us, cumulative_us, name = line[len("import time:"):].split("|")
            rows.append((name.rstrip(), int(self_us) / 1000, int(cumulative_us) / 1000))
    return rows


def imports_after_app(stderr: str, count: int = 3) -> list[tuple[str, float]]:
    """What serving the first event imported beyond `import app`: the heaviest top-level imports."""
    rows = _importtime_rows(stderr)
    done_app = next((i for i, row in enumerate(rows) if row[0] == " app"), len(rows))
    later = [(name.strip(), cumulative) for name, _, cumulative in rows[done_app + 1:]
             if not name.startswith("  ")]
    return sorted(later, key=lambda r: -r[1])[:count]


def recorded_calls(calls_file: Path) -> list[str]:
    with calls_file.open("rb") as f:
        return [f"{service}:{operation}" for service, operation, _ in pickle.load(f)]  # noqa: S301 (our own file)


def heaviest_imports(env: dict[str, str], count: int = 10) -> list[tuple[str, float, float]]:
    """`python -X importtime -c 'import app'`: the modules with the most cumulative time."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", "import app"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=True)
    rows = [(name.strip(), own, cumulative) for name, own, cumulative in _importtime_rows(done.stderr)]
    return sorted(rows, key=lambda r: -r[2])[:count]


MAIL = b"""From: Ops Bench <ops@example.com>
To: privacy@trustloop.example
Subject: Laptop with customer exports lost
Message-ID: <bench-coldstart@example.com>
Date: Mon, 30 Nov 2026 07:00:00 +0000
Content-Type: text/plain; charset=utf-8

A laptop holding a customer export was left on a train this morning.
"""


def put_inbound_mail() -> None:
    """The object the mail intake's first event announces (S3 holds it before the notification)."""
    import boto3

    boto3.client("s3").put_object(Bucket=os.environ["INBOUND_MAIL_BUCKET"], Key="inbound/bench.eml", Body=MAIL)


def compile_project(python: str = sys.executable) -> None:
    """Bytecode for app.py and chalicelib, as site-packages has it from pip: figure and floor both load
    compiled modules. (An interpreter with PYTHONDONTWRITEBYTECODE, or a read-only directory such as
    Lambda's /var/task, would otherwise recompile every changed module in every fresh interpreter.)"""
    subprocess.run([python, "-m", "compileall", "-q", "app.py", "chalicelib"], cwd=ROOT, check=True)


def measure(env: dict[str, str], workdir: Path) -> dict[str, Any]:
    put_inbound_mail()
    compile_project()
    calls = {kind: workdir / f"{kind}.calls" for kind in FUNCTIONS.values()}
    later: dict[str, list[tuple[str, float]]] = {}
    for kind, path in calls.items():  # a first run each, untimed: what a function does once per stack
        later[kind] = imports_after_app(run_child(kind, env, path, importtime=True)[1])
    times: dict[str, list[float]] = {k: [] for kind in FUNCTIONS.values() for k in (kind, f"floor:{kind}")}
    for _ in range(ROUNDS):  # interleaved, so drift on a shared machine hits every figure alike
        for kind in FUNCTIONS.values():
            times[kind].append(run_child(kind, env, calls[kind])[0])  # writes down the calls it made
            times[f"floor:{kind}"].append(run_child("floor", env, calls[kind])[0])  # makes them by hand
    rows = []
    for label, kind in FUNCTIONS.items():
        median, floor = statistics.median(times[kind]), statistics.median(times[f"floor:{kind}"])
        rows.append({"function": label, "ms": spread(times[kind]), "floor": spread(times[f"floor:{kind}"]),
                     "ratio": median / floor, "calls": recorded_calls(calls[kind]), "later_imports": later[kind]})
    return {"rows": rows, "imports": heaviest_imports(env)}


def spread(seconds: list[float]) -> str:
    return f"{statistics.median(seconds) * 1000:.0f} ms [{min(seconds) * 1000:.0f}–{max(seconds) * 1000:.0f}]"


def _imports_cell(imports: list[tuple[str, float]]) -> str:
    return ", ".join(f"`{name}` {ms:.0f}" for name, ms in imports) or "none"


def _calls_cell(calls: list[str]) -> str:
    counts: dict[str, int] = {}
    for call in calls:
        counts[call] = counts.get(call, 0) + 1
    return ", ".join(f"{n}× {call}" for call, n in counts.items()) or "none"


IMPORT = "import time; t = time.perf_counter(); import {modules}; print(time.perf_counter() - t)"


def import_from_source(rounds: int = 5) -> list[Row]:
    """`import boto3, chalice[, app]` with no bytecode to read (an empty pycache prefix, none written),
    as Lambda imports our zip (it holds .py only, and /var/task is read-only), against compiled."""
    times: dict[tuple[str, bool], list[float]] = {}
    with tempfile.TemporaryDirectory() as empty:
        for _ in range(rounds):
            for modules in ("boto3, chalice", "boto3, chalice, app"):
                for source in (False, True):
                    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "_HANDLER": "app.app",
                           **({"PYTHONPYCACHEPREFIX": empty} if source else {})}
                    done = subprocess.run([sys.executable, "-c", IMPORT.format(modules=modules)], cwd=ROOT, env=env,
                                          capture_output=True, text=True, timeout=120, check=True)
                    times.setdefault((modules, source), []).append(float(done.stdout.strip().splitlines()[-1]))
    return [Row(f"import {modules}, from source (no .pyc, as in our Lambda zip)", spread(times[(modules, True)]),
                f"compiled: {spread(times[(modules, False)])}",
                statistics.median(times[(modules, True)]) / statistics.median(times[(modules, False)]), "shown", None)
            for modules in ("boto3, chalice", "boto3, chalice, app")]


def main() -> tuple[list[Row], list[str]]:
    from bench.common import local_stack

    with local_stack() as env, tempfile.TemporaryDirectory() as workdir:
        result = measure(env, Path(workdir))
    rows = [Row(f"cold start: {row['function']}", row["ms"], row["floor"], row["ratio"], f"≤ {GOAL}x",
                row["ratio"] <= GOAL) for row in result["rows"]]
    rows += import_from_source()
    notes = [
        "## Cold start",
        "",
        f"Median of {ROUNDS} interleaved fresh interpreters per function, [min–max]. Each function's figure: a",
        "fresh interpreter importing `app` and serving that function's first event. Its floor: a fresh",
        "interpreter importing boto3 + chalice and making the same AWS calls by hand (recorded from an untimed",
        "run of the same event with a botocore `before-parameter-build` hook, replayed on plain boto3 clients).",
        "AWS is the bench's moto on 127.0.0.1 (bench/coldstart.py). The project is byte-compiled first, as",
        "pip compiles site-packages, so both load compiled modules (see the note on bytecode below).",
        "",
        "| function | first event's AWS calls (made by the floor too) | heaviest imports serving it (cumulative ms) |",
        "|---|---|---|",
        *(f"| {row['function']} | {_calls_cell(row['calls'])} | {_imports_cell(row['later_imports'])} |"
          for row in result["rows"]),
        "",
        "`python -X importtime -c 'import app'`, the ten heaviest (cumulative ms, self ms):",
        "",
        "| module | cumulative ms | self ms |",
        "|---|---|---|",
        *(f"| `{name.strip()}` | {cumulative:.1f} | {own:.1f} |" for name, own, cumulative in result["imports"]),
        "",
        COLDSTART_NOTES,
    ]
    return rows, notes


COLDSTART_NOTES = """How the functions keep their cold start near the floor:
- Only the API function imports routes. Lambda sets `_HANDLER` to the function's handler string
  (`app.app` for the API, `app.<name>` for each event function); app.py registers the route blueprints
  only for `app.app`, so an event function imports chalice, Powertools' logger and metrics, and the two
  small handler modules, nothing else. The bench sets `_HANDLER` as Lambda does.
- app.py ends with `gc.freeze()`. A first boto3 client parses large JSON models, and the collections
  that triggers re-scanned every object the imports had created: creating a client after importing
  Powertools took ~58 ms instead of ~41 ms here. Frozen, the imported objects (which live as long as the
  container) are skipped; later garbage is collected as usual.
- Every event function enters through app.py (a blueprint's event handler would be deployed as its own
  module and skip app.py's middleware, aws/chalice#1566), and each handler imports its domain inside its
  body; Powertools' batch utility is imported by the handlers that use it.
- The route modules load their domain service on first call (chalicelib/lazy.py), the jobs registry
  imports its job modules on first use, the incident service loads the mail parser and its table module
  only when used, and the task runner loads the report module only for the report task.
  tests/test_cold_imports.py holds each of these.

The floors are strict: plain boto3 clients making the same calls, no resource layer, no logger, no
metrics, no validation. What is left above them, and what would remove it:
- alert consumer, task runner, mail intake, stream: Powertools' batch utility (listed above: it imports
  asyncio and every event data class, ~12–15 ms). Before gc.freeze(), a plain loop returning
  `batchItemFailures` instead of Powertools' BatchProcessor was measured here on 2026-11-30 at 1.33x →
  1.22x for the alert consumer. We keep Powertools' batch processing (one tested implementation of
  partial failures for SQS and streams, and its records' data classes); it costs once per container.
- api: the eligibility request goes through the DynamoDB Table resource and a Query paginator, which load
  two more boto3 models than the floor's plain client (~12 ms and ~7 ms here), and the API imports every
  route module. Plain clients with hand-written pagination would remove it, at the cost of the one store
  layer every domain uses (issue 14 moved the hand-written loops to paginators on purpose).
- A cold start happens once per container; the per-request cost is under Handler overhead below.

Bytecode: every figure above loads compiled modules. The Lambda zip `chalice package` builds holds .py
files only, and /var/task is read-only, so in AWS each cold start compiles every module it imports,
boto3 and botocore included: the "from source" rows above. Shipping .pyc compiled by the runtime's own
Python (3.14) in the zip would remove that; it needs python3.14 at packaging (not on this machine) and
room in the 20 MiB zip budget (docs/deploy.md). Not done."""
