"""Injected AWS faults through botocore's event hooks (no mock.patch, no sleeps), counted.

`Faults.on(client)` hooks a boto3 client: before each call a rule may answer with an AWS error
instead (the call never reaches moto: as when the SDK's retries ran out), and after a call that
did reach moto a rule may raise a timeout (the write landed, the answer was lost).
"""
from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from botocore.exceptions import ReadTimeoutError

# Each fault as AWS answers it: the error code, and for transactions the per-item reasons.
ERRORS: dict[str, dict[str, Any]] = {
    "throttling": {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "injected"}},
    "throttling-request": {"Error": {"Code": "ThrottlingException", "Message": "injected"}},
    "transaction-conflict": {
        "Error": {"Code": "TransactionCanceledException",
                  "Message": "Transaction cancelled [TransactionConflict] (injected)"},
        "CancellationReasons": [{"Code": "TransactionConflict", "Message": "injected"}],
    },
    "service-unavailable": {"Error": {"Code": "ServiceUnavailable", "Message": "injected"}},
    "internal-error": {"Error": {"Code": "InternalServerError", "Message": "injected"}},
}


@dataclass
class Rule:
    """Inject `fault` into `operation` calls for which `when(body)` holds, with `probability`."""

    operation: str
    fault: str  # a key of ERRORS, or "timeout-after-write"
    probability: float = 1.0
    when: Callable[[bytes], bool] = lambda body: True
    times: int | None = None  # at most this many injections, then the rule is spent


@dataclass
class Faults:
    seed: int = 0
    rules: list[Rule] = field(default_factory=list)
    injected: Counter[str] = field(default_factory=Counter)
    calls: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def on(self, client: Any) -> Faults:
        client.meta.events.register("before-call", self._before)
        client.meta.events.register("after-call", self._after)
        return self

    def off(self, client: Any) -> None:
        client.meta.events.unregister("before-call", self._before)
        client.meta.events.unregister("after-call", self._after)

    def _pick(self, operation: str, body: bytes, after: bool) -> Rule | None:
        for rule in self.rules:
            if rule.operation != operation or (rule.fault == "timeout-after-write") != after:
                continue
            if rule.times is not None and rule.times <= 0:
                continue
            if rule.when(body) and self.rng.random() < rule.probability:
                if rule.times is not None:
                    rule.times -= 1
                self.injected[f"{operation}:{rule.fault}"] += 1
                return rule
        return None

    def _before(self, model: Any, params: dict[str, Any], context: Any = None, **_: Any) -> Any:
        self.calls[model.name] += 1
        raw = params.get("body") or b""
        body = raw if isinstance(raw, bytes) else str(raw).encode()
        if isinstance(context, dict):
            context["fault_body"] = body
        rule = self._pick(model.name, body, after=False)
        if rule is None:
            return None
        parsed = {**ERRORS[rule.fault], "ResponseMetadata": {"HTTPStatusCode": 400}}
        return SimpleNamespace(status_code=400, headers={}), parsed

    def _after(self, model: Any, http_response: Any, context: Any, **_: Any) -> None:
        if getattr(http_response, "status_code", 500) >= 300:
            return
        body = (context or {}).get("fault_body", b"")
        if self._pick(model.name, body, after=True) is not None:
            raise ReadTimeoutError(endpoint_url="https://dynamodb.injected")

    @property
    def total(self) -> int:
        return sum(self.injected.values())
