"""bench/calls.py: a step's calls against the issue's goals (eligibility ≤ 1 read, a score 1 write)."""
from __future__ import annotations

from bench.calls import by_step, step_row, which
from bench.drive import Case
from bench.record import Call


def call(operation: str) -> Call:
    return Call("dynamodb", operation, {}, {}, 200)


def test_step_row_eligibility_with_a_second_read_misses() -> None:
    one = step_row("eligibility", [Case("eligibility", "http", {}, [call("BatchGetItem")])], "")
    two = step_row("eligibility", [Case("eligibility", "http", {}, [call("GetItem"), call("Query")])], "")
    assert (one.passed, one.goal) == (True, "≤ 1 read")
    assert two.passed is False


def test_step_row_score_counts_writes_not_reads() -> None:
    read_then_write = [Case("score", "http", {}, [call("GetItem"), call("TransactWriteItems")])]
    two_writes = [Case("score", "http", {}, [call("PutItem"), call("UpdateItem")])]
    assert step_row("score", read_then_write, "").passed is True
    assert step_row("score", two_writes, "").passed is False


def test_step_row_other_steps_are_counted_not_judged() -> None:
    row = step_row("comment", [Case("comment", "http", {}, [call("GetItem"), call("UpdateItem")])], "")
    assert (row.passed, row.goal, row.value) == (None, "counted", "2 (1 GetItem, 1 UpdateItem)")


def test_by_step_keeps_every_run_of_a_step() -> None:
    runs = [Case("task: await_notification", "handle_incident_tasks", {}, [call("UpdateItem")]) for _ in range(3)]
    grouped = by_step([Case("task: score", "handle_incident_tasks", {}, []), *runs])
    assert list(grouped) == ["task: score", "task: await_notification"]
    assert which(grouped["task: await_notification"]) == "3 UpdateItem"
    assert step_row("task: await_notification", grouped["task: await_notification"], "").value == (
        "3 in 3 runs (3 UpdateItem)")
