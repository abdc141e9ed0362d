"""Scheduled jobs in one registry, so an administrator can run any of them on demand.

A domain registers a job with `@jobs.register(name, schema, summary)` in a module listed in
`JOB_MODULES`; its schedule (in app.py) and `POST /v1/admin/jobs/{name}` both call `run(name, params)`.
The registry imports those modules on first use, not at start: every Lambda function imports app.py,
and only the jobs' functions and the admin routes need them (cold start, docs/BENCHMARKS.md).
"""

from __future__ import annotations

import importlib
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
JOB_MODULES = ("chalicelib.insight.jobs",)  # each registers its jobs when imported


def _registry() -> dict[str, Job]:
    for name in JOB_MODULES:
        importlib.import_module(name)
    return JOBS


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
    job = _registry().get(name)
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
        for j in sorted(_registry().values(), key=lambda j: j.name)
    ]
