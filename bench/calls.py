"""AWS calls per operation and per workflow step (`make bench`, issue 16 item 3), counted exactly.

One banner flow (and the stream records it writes), a decline, an e-mail link followed, a privacy
request and one incident from alert to closed report run through the real handlers against
in-process moto (bench/drive.py);
every call each handler makes is recorded by botocore hooks on the app's own clients (bench/record.py).
Step Functions' state transitions are counted from the execution's history: one per state entered.
Not timed: counts are exact, so they are judged against hard goals where the issue sets one.
"""
from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from bench.table import Row

if TYPE_CHECKING:
    from bench.drive import Case

# The goals: eligibility ≤ 1 read, a score 1 write. (kind, at most); None: counted, not judged.
GOALS: dict[str, tuple[str, int] | None] = {"eligibility": ("read", 1), "score": ("write", 1)}


def which(cases: list[Case]) -> str:
    """"1 GetItem, 1 TransactWriteItems": the calls of one or more runs, in the order first made."""
    counted: Counter[str] = Counter(c.operation for case in cases for c in case.calls)
    return ", ".join(f"{n} {op}" for op, n in counted.items()) or "none"


def by_step(cases: list[Case]) -> dict[str, list[Case]]:
    """Runs grouped by step, in the order the steps first ran."""
    grouped: dict[str, list[Case]] = {}
    for case in cases:
        grouped.setdefault(case.step, []).append(case)
    return grouped


def step_row(step: str, runs: list[Case], prefix: str) -> Row:
    calls = [c for run in runs for c in run.calls]
    reads = sum(c.is_read for c in calls)
    kinds = {"read": reads, "write": len(calls) - reads}
    per_run = f" in {len(runs)} runs" if len(runs) > 1 else ""
    goal = GOALS.get(step)
    return Row(f"AWS calls: {prefix}{step}", f"{len(calls)}{per_run} ({which(runs)})", "-", None,
               f"≤ {goal[1]} {goal[0]}" if goal else "counted", kinds[goal[0]] <= goal[1] if goal else None)


def main() -> tuple[list[Row], list[str]]:
    from moto import mock_aws

    from bench.drive import MOTO_CONFIG, record_everything, transitions
    from bench.reports import _environment

    _environment()
    print("calls: a banner flow, a decline, an e-mail link, a privacy request and one incident", flush=True)
    with mock_aws(config=MOTO_CONFIG):
        h, run = record_everything()
    first, last = next(i for i, c in enumerate(h.cases) if c.step.startswith("alert form")), run["cases"]
    steps, incident, other = by_step(h.cases[:first]), by_step(h.cases[first:last]), by_step(h.cases[last:])
    states = transitions(run["events"])
    rows = [step_row(step, runs, "") for step, runs in steps.items()]
    rows += [step_row(step, runs, "incident: ") for step, runs in incident.items()]
    rows += [step_row(step, runs, "incident, other paths: ") for step, runs in other.items()]
    incident_calls = sum(len(c.calls) for c in h.cases[first:last])
    rows.append(Row("AWS calls: one incident, alert → closed report",
                    f"{incident_calls} calls by our code + {sum(states.values())} state transitions", "-", None,
                    "counted", None))
    lines = [f"| {step} | {len(runs)} | {sum(len(r.calls) for r in runs)} | {which(runs)} |"
             for step, runs in {**steps, **{f"incident: {k}": v for k, v in incident.items()},
                                **{f"incident, other paths: {k}": v for k, v in other.items()}}.items()]
    notes = ["## AWS calls per operation and workflow step", "", *__doc__.split("\n\n", 1)[1].splitlines(), "",
             "Counted on a warm function: a function's first request also reads its secret (one",
             "GetSecretValue, cached for five minutes) and a product's surveys (one Query, cached for a minute).",
             "A step that ran more than once (one wait per obligation, one notification per obligation)",
             "shows all its runs. The incident's path has no crisis and no timed-out wait: those two tasks are",
             "recorded apart (a crisis incident's MobiliseCrisisTeam, and a reminder whose token had closed).", "",
             "| step | runs | calls | which |", "|---|---|---|---|", *lines, "",
             f"The incident's execution entered {sum(states.values())} states (Step Functions bills each): "
             + ", ".join(f"{name} {n}" for name, n in states.items()) + ".", ""]
    return rows, notes
