"""Scheduled jobs in one registry, so an administrator can run any of them on demand.

A domain registers a job with `@jobs.register(name, schema, summary)`; its schedule (in
app.py) and `POST /v1/admin/jobs/{name}` both call `run(name, params)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib import http
from chalicelib.errors import NotFoundError
from chalicelib.obs import logger

if TYPE_CHECKING:
    from collections.abc import Callable


@dataclass(frozen=True)
class Job:
    name: str
    summary: str
    schema: dict[str, Any]
    fn: Callable[[dict[str, Any]], dict[str, Any]]


JOBS: dict[str, Job] = {}


def register(
    name: str, schema: dict[str, Any] | None = None, summary: str = ""
) -> Callable[[Callable[[dict[str, Any]], dict[str, Any]]], Callable[[dict[str, Any]], dict[str, Any]]]:
    """Add a job; `schema` (JSON Schema of an object) checks its parameters."""

    def add(fn: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[dict[str, Any]], dict[str, Any]]:
        JOBS[name] = Job(
            name,
            summary or (fn.__doc__ or "").strip().split("\n")[0],
            schema or {"type": "object", "additionalProperties": False, "properties": {}},
            fn,
        )
        return fn

    return add


def run(name: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run a registered job with checked parameters; its result is JSON-ready."""
    job = JOBS.get(name)
    if job is None:
        raise NotFoundError(f"no job named {name}", "name")
    checked = http.validate(params or {}, job.schema)
    logger.info("job started", extra={"job": name})
    result = job.fn(checked)
    logger.info("job finished", extra={"job": name})
    return {"job": name, "params": checked, "result": result}


def describe() -> list[dict[str, Any]]:
    return [
        {"name": j.name, "summary": j.summary, "params": j.schema}
        for j in sorted(JOBS.values(), key=lambda j: j.name)
    ]
