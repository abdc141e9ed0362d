"""Every AWS call the app makes, recorded per step on the app's own cached clients (chalicelib/aws.py).

bench/calls.py counts the recorded calls per route and workflow step; bench/overhead.py replays the
recorded responses through botocore's `Stubber` on the same clients. Each call is kept as the app
made it (the keyword arguments before boto3's DynamoDB resource layer serialises them) with its
response as it came off the wire (before the resource layer turns AttributeValues into Python types),
which is what a `Stubber` must hand back.
"""
from __future__ import annotations

import copy
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botocore import xform_name

if TYPE_CHECKING:
    from collections.abc import Iterator

    from botocore.stub import Stubber

# Every service the app makes a client for (chalicelib/aws.client); "dynamodb" is the Table
# resources' client, the one every store uses.
SERVICES = ("s3", "ses", "sns", "sqs", "stepfunctions", "secretsmanager", "dynamodbstreams")
READS = ("Get", "BatchGet", "Query", "Scan", "Describe", "List", "Receive")


@dataclass
class Call:
    client: str
    operation: str
    params: dict[str, Any]
    response: dict[str, Any] = field(default_factory=dict)
    status: int = 0

    @property
    def method(self) -> str:
        return xform_name(self.operation)

    @property
    def is_read(self) -> bool:
        return self.operation.startswith(READS)


def app_clients() -> dict[str, Any]:
    """The app's cached clients, made now if they were not yet (making one calls nothing)."""
    from chalicelib import aws

    return {"dynamodb": aws.dynamodb_client(), **{s: aws.client(s) for s in SERVICES}}


class Recorder:
    """Attach once the app's clients exist; calls made inside `step(name)` are kept under that name."""

    def __init__(self) -> None:
        from chalicelib import aws

        self.runs: dict[str, list[list[Call]]] = defaultdict(list)  # step -> each run's calls
        self.unseen = 0  # calls through a client not in app_clients(): must stay 0
        self._current: list[Call] | None = None
        self._open: dict[str, list[Call]] = defaultdict(list)
        aws._session().events.register("before-call", self._count_all)
        self.clients = app_clients()
        self._seen = 0
        for label, client in self.clients.items():
            client.meta.events.register("provide-client-params.*.*", self._params(label))
            client.meta.events.register_first("after-call.*.*", self._response(label))

    def _count_all(self, **_: Any) -> None:
        if self._current is not None:
            self.unseen += 1

    def _params(self, label: str) -> Any:
        def hook(params: dict[str, Any], model: Any, context: dict[str, Any] | None = None, **_: Any) -> None:
            if self._current is None or (context or {}).get("is_presign_request"):
                return
            call = Call(label, model.name, copy.deepcopy(params))
            self._current.append(call)
            self._open[label].append(call)
        return hook

    def _response(self, label: str) -> Any:
        def hook(http_response: Any, parsed: dict[str, Any], model: Any, **_: Any) -> None:
            if self._current is None or not self._open[label]:
                return
            call = self._open[label].pop(0)
            call.response, call.status = copy.deepcopy(parsed), int(http_response.status_code)
            self.unseen -= 1  # seen here: the session-wide count must come back to 0
        return hook

    @contextmanager
    def step(self, name: str) -> Iterator[list[Call]]:
        """Record the calls made inside as one run of step `name`; yields that run's list."""
        self._current = run = list[Call]()
        self.runs[name].append(run)
        try:
            yield run
        finally:
            self._current = None
        if self.unseen:
            raise AssertionError(f"{self.unseen} AWS call(s) in {name} went through a client bench/record.py "
                                 "does not know: add its service to SERVICES")


def stub(stubbers: dict[str, Stubber], calls: list[Call]) -> None:
    """Queue fresh copies of the recorded answers (boto3's resource layer rewrites them in place)."""
    for call in calls:
        response = copy.deepcopy(call.response)
        if call.status < 300:
            stubbers[call.client].add_response(call.method, response)
            continue
        error = response.pop("Error", {})
        response.pop("ResponseMetadata", None)
        stubbers[call.client].add_client_error(call.method, service_error_code=error.get("Code", ""),
                                               service_message=error.get("Message", ""),
                                               http_status_code=call.status, modeled_fields=response or None)
