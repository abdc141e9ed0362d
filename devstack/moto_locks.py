"""moto's DynamoDB made safe under the local stack's concurrent requests.

moto 5.2.5 runs a transaction by deep-copying each table it touches, applying the items, and on
any cancellation putting the copies back (`DynamoDBBackend.transact_write_items`; the undo log
of devstack/moto_patches.py restores the touched items and truncates the stream the same way):
a write another thread made in between is silently undone. The local stack serves concurrent requests
(chalice.local's threaded server, the pollers, the state machines), so the bounded load test saw
a stored response vanish and its Idempotency-Key answer a second response_id. DynamoDB itself
has no such window (transactions are isolated, docs/RELIABILITY.md), so `make run` serialises
moto's DynamoDB requests: one at a time, as moto's design assumes.
"""
from __future__ import annotations

import threading
from typing import Any

_lock = threading.RLock()


def serialise_dynamodb() -> None:
    """Every DynamoDB request moto serves runs under one lock (idempotent)."""
    from moto.dynamodb.responses import DynamoHandler

    if getattr(DynamoHandler, "_serialised_by_devstack", False):
        return
    original = DynamoHandler.call_action

    def call_action(self: Any) -> Any:
        with _lock:
            return original(self)

    DynamoHandler.call_action = call_action  # type: ignore[method-assign]
    DynamoHandler._serialised_by_devstack = True  # type: ignore[attr-defined]
