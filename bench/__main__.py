"""Run every benchmark in bench/ (each module with a `main()`), or those named on the command line."""
from __future__ import annotations

import importlib
import pkgutil
import sys

import bench


def main(names: list[str]) -> None:
    modules = names or sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if not m.name.startswith("_"))
    for name in modules:
        print(f"== bench.{name}", flush=True)
        if importlib.import_module(f"bench.{name}").main():
            sys.exit(f"bench.{name} found a regression")


if __name__ == "__main__":
    main(sys.argv[1:])
