"""A module imported on first use: for route modules whose domain service a function's first request
may never need. Every Lambda function imports app.py, which must register every route at import;
deferring each domain's service to its first call keeps the cold start of the functions that never call
it near the floor (docs/BENCHMARKS.md). Use it as `if TYPE_CHECKING: from x import y` /
`else: y = lazy.module("x.y")` so mypy still checks the calls.

A proxy rather than importlib's LazyLoader: the local runner serves requests from several threads, and
LazyLoader's first load is not thread-safe before Python 3.12; `importlib.import_module` is."""
from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import Any


class _Deferred(ModuleType):
    """Stands for a module not imported yet; each attribute is read from the real module."""

    def __getattr__(self, attr: str) -> Any:  # only for names the proxy itself lacks
        return getattr(importlib.import_module(self.__name__), attr)


def module(name: str) -> ModuleType:
    """`name`, imported on its first attribute access (the module itself if it is already imported)."""
    return sys.modules.get(name) or _Deferred(name)
