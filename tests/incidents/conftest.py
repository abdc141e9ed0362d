"""Incident fixtures: moto that runs the workflow's ASL, and a driver that delivers its queues."""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from tests.conftest import provisioned

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator


@pytest.fixture
def workflow_stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """Like `aws_stack`, but moto executes state machines (ARCHITECTURE.md), as `make run` does."""
    with provisioned(monkeypatch, {"stepfunctions": {"execute_state_machine": True}}) as provisioner:
        yield {"resources": provisioner.resolver.attrs, "template": provisioner.template,
               "resolver": provisioner.resolver}


@pytest.fixture
def roster(workflow_stack: dict[str, Any], frozen_now: Any) -> None:
    from devstack.demo_incidents import seed_roster

    seed_roster()


class Driver:
    """Delivers every queue infra/ wires to a handler, as the local runner does, until a condition holds."""

    def __init__(self, stack: dict[str, Any]) -> None:
        import app
        from devstack.events import sqs_wiring

        self.app = app.app
        self.wiring = sqs_wiring(self.app, stack["template"], stack["resolver"])
        self.sqs = boto3.client("sqs", region_name="eu-west-1")

    def pump(self) -> int:
        from devstack.events import deliver_once

        return sum(deliver_once(self.app, self.sqs, wire, wait_seconds=0) for wire in self.wiring)

    def until(self, condition: Callable[[], Any], limit_seconds: float = 15.0) -> Any:
        """Deliver until `condition()` is truthy (moto runs the ASL in its own thread)."""
        deadline = time.monotonic() + limit_seconds
        while time.monotonic() < deadline:
            self.pump()
            result = condition()
            if result:
                return result
            time.sleep(0.02)
        raise AssertionError("the workflow did not reach the expected state")


@pytest.fixture
def driver(workflow_stack: dict[str, Any]) -> Driver:
    return Driver(workflow_stack)
