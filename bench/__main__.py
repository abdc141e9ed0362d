"""`make bench`: run each benchmark (bench/<name>.py with a `main()` returning rows and notes), or those
named on the command line, each in its own interpreter (moto's backends, the app's cached clients and
the environment are process-wide); print one table and, when all ran, write docs/BENCHMARKS.md."""
from __future__ import annotations

import json
import subprocess
import sys

from bench.table import DOC, ROOT, Row, markdown, render

PARTS = ("coldstart", "runtimes", "calls", "overhead", "cost", "ceiling", "reports", "growth",
         "aggregator")  # in the order of the table
MARK = "BENCH-RESULT "
CHILD = ("import dataclasses, json, importlib, sys\n"
         "rows, notes = importlib.import_module('bench.' + sys.argv[1]).main()\n"
         f"print({MARK!r} + json.dumps({{'rows': [dataclasses.asdict(r) for r in rows], 'notes': notes}}))")


def run(name: str) -> tuple[list[Row], list[str]]:
    done = subprocess.run([sys.executable, "-c", CHILD, name], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                          check=False)
    lines = done.stdout.splitlines()
    print("\n".join(line for line in lines if not line.startswith(MARK)), flush=True)
    results = [json.loads(line[len(MARK):]) for line in lines if line.startswith(MARK)]
    if done.returncode or not results:
        sys.exit(f"bench.{name} failed (exit {done.returncode})")
    return [Row(**row) for row in results[0]["rows"]], list(results[0]["notes"])


def main(names: list[str]) -> None:
    rows: list[Row] = []
    notes: list[str] = []
    for name in names or PARTS:
        print(f"== bench.{name}", flush=True)
        part_rows, part_notes = run(name)
        rows += part_rows
        notes += part_notes
    print("\n" + render(rows))
    if not names:
        DOC.write_text(markdown(rows, notes), encoding="utf-8")
        print(f"\nwritten: {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
