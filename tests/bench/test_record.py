"""bench/record.py and bench/overhead.py: calls recorded per step on the app's clients, replayed by a Stubber."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import UnStubbedResponseError
from botocore.stub import StubAssertionError, Stubber

from bench.drive import transitions

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture
def recorded() -> Iterator[Any]:
    """A banner flow, a decline and a privacy request recorded on moto (no workflow: it takes longer)."""
    from moto import mock_aws

    from bench.drive import MOTO_CONFIG, record_everything
    from chalicelib.obs import logger

    handler: Any = logger.registered_handler
    saved, stream = dict(os.environ), handler.stream
    try:
        with mock_aws(config=MOTO_CONFIG):
            harness, _ = record_everything(workflow=False)
            yield harness
    finally:
        handler.setStream(stream)
        os.environ.clear()
        os.environ.update(saved)


def steps(harness: Any) -> dict[str, Any]:
    return {case.step: case for case in harness.cases}


def test_record_banner_flow_meets_the_issue_goals_and_keeps_runs_apart(recorded: Any) -> None:
    cases = steps(recorded)
    assert [c.operation for c in cases["eligibility"].calls] == ["BatchGetItem"]  # ≤ 1 read
    writes = [c for c in cases["score"].calls if not c.is_read]
    assert len(writes) == 1  # a score is one write
    assert all(c.status == 200 for c in cases["comment"].calls)
    assert cases["stream: the flow's records"].calls  # the aggregation's writes are counted with the flow
    runs = recorded.recorder.runs["eligibility"]
    assert len(runs) == 1 and len(runs[0]) == 1  # the warm-up flow was not recorded
    assert recorded.recorder.unseen == 0


def test_replay_real_and_floor_make_exactly_the_recorded_calls(recorded: Any) -> None:
    from bench.overhead import Replay

    stubbers = {label: Stubber(client) for label, client in recorded.recorder.clients.items()}
    for stubber in stubbers.values():
        stubber.activate()
    for case in recorded.cases:
        replay = Replay(recorded, case, stubbers)
        replay.real()  # each raises if the handler makes a call not recorded, or leaves one unmade
        replay.floor()
    score = steps(recorded)["score"]
    score.calls = score.calls[:-1]  # the handler's last call no longer recorded: the replay must fail
    with pytest.raises((AssertionError, UnStubbedResponseError, StubAssertionError)):
        Replay(recorded, score, stubbers).real()


def test_transitions_count_each_state_entered_by_name() -> None:
    def entered(kind: str, name: str) -> dict[str, Any]:
        return {"type": f"{kind}StateEntered", "stateEnteredEventDetails": {"name": name}}

    history = [{"type": "ExecutionStarted"}, entered("Task", "Register"), {"type": "TaskScheduled"},
               entered("Choice", "IsCrisis"), entered("Map", "Meet"), entered("Task", "Wait"),
               entered("Task", "Wait"), {"type": "ExecutionSucceeded"}]
    assert transitions(history) == {"Register": 1, "IsCrisis": 1, "Meet": 1, "Wait": 2}


@pytest.mark.slow
def test_record_incident_each_task_state_entered_is_one_task_run() -> None:
    """The transitions the cost model bills and the task messages it counts come from one path."""
    from moto import mock_aws

    from bench.drive import MOTO_CONFIG, record_everything
    from chalicelib.obs import logger

    handler: Any = logger.registered_handler
    saved, stream = dict(os.environ), handler.stream
    try:
        with mock_aws(config=MOTO_CONFIG):
            harness, run = record_everything()
    finally:
        handler.setStream(stream)
        os.environ.clear()
        os.environ.update(saved)
    first = next(i for i, c in enumerate(harness.cases) if c.step.startswith("alert form"))
    tasks = [c for c in harness.cases[first:run["cases"]] if c.handler == "handle_incident_tasks"]
    states = transitions(run["events"])
    assert len(tasks) == sum(states.values()) - states["IsCrisis"] - states["MeetObligations"]
    assert states["WaitForNotification"] == run["obligations"] == 3
    assert [c.step for c in tasks][-1] == "task: close"
