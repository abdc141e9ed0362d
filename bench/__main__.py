"""`make bench`: run each benchmark (bench/<name>.py with a `main()` returning rows and notes), or those
named on the command line; print one table and, when all ran, write docs/BENCHMARKS.md."""
from __future__ import annotations

import importlib
import sys

from bench.table import DOC, Row, markdown, render

PARTS = ("coldstart", "calls", "eligibility", "reports")  # in the order of the table


def main(names: list[str]) -> None:
    rows: list[Row] = []
    notes: list[str] = []
    for name in names or PARTS:
        print(f"== bench.{name}", flush=True)
        part_rows, part_notes = importlib.import_module(f"bench.{name}").main()
        rows += part_rows
        notes += part_notes
    print("\n" + render(rows))
    if not names:
        DOC.write_text(markdown(rows, notes), encoding="utf-8")
        print(f"\nwritten: {DOC.relative_to(DOC.parent.parent)}")


if __name__ == "__main__":
    main(sys.argv[1:])
