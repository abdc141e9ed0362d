"""A module imported on first use (importlib's LazyLoader): for route modules whose domain service
a function's first request may never need. Every Lambda function imports app.py, which must register
every route at import; deferring each domain's service to its first call keeps the cold start of the
functions that never call it near the floor (docs/BENCHMARKS.md). Use it as
`if TYPE_CHECKING: from x import y` / `else: y = lazy.module("x.y")` so mypy still checks the calls."""
from __future__ import annotations

import importlib.util
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import ModuleType


def module(name: str) -> ModuleType:
    """`name`, loaded on its first attribute access (at once if it is already imported)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    lazy = importlib.util.module_from_spec(spec)
    sys.modules[name] = lazy
    loader.exec_module(lazy)
    parent, _, child = name.rpartition(".")
    if parent:  # as the import system does, so `package.child` resolves too
        setattr(sys.modules[parent], child, lazy)
    return lazy
