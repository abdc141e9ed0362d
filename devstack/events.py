"""Deliver locally the events AWS would deliver: SQS messages to their chalice handlers.

Which queue feeds which handler is read from infra/'s overrides of chalice's functions
(`Events.*.Properties.Queue`), the same lines that wire them in AWS.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import threading

    from devstack.template import Resolver


def start_pollers(app: Any, template: dict[str, Any], resolver: Resolver,
                  stop: threading.Event) -> list[threading.Thread]:
    """One daemon thread per event source declared in infra/ (none yet for surveys)."""
    from devstack import streams

    return [*streams.start(app, template, resolver, stop)]
