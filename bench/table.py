"""The one table `make bench` prints, and docs/BENCHMARKS.md written from it."""
from __future__ import annotations

import os
import platform
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "BENCHMARKS.md"


@dataclass(frozen=True)
class Row:
    """One figure against its floor: `ratio` is value/floor unless the figure says otherwise."""

    figure: str
    value: str
    floor: str
    ratio: float | None
    goal: str
    passed: bool | None  # None: shown, not judged

    @property
    def verdict(self) -> str:
        return "-" if self.passed is None else "pass" if self.passed else "MISS"


HEADER = ("figure", "value", "floor", "ratio", "goal", "pass/miss")


def _cells(row: Row) -> tuple[str, ...]:
    ratio = "-" if row.ratio is None else f"{row.ratio:.2f}x"
    return (row.figure, row.value, row.floor, ratio, row.goal, row.verdict)


def render(rows: list[Row]) -> str:
    table = [HEADER, *(_cells(r) for r in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADER))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
                     for line in table)


def machine() -> str:
    cpus = os.cpu_count()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{platform.machine()}, {cpus} cores, load average {load}, Python {sys.version.split()[0]}"


def _commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    return done.stdout.strip() or "unknown"


def markdown(rows: list[Row], notes: list[str]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in _cells(r)) + " |" for r in rows]
    quick = " (BENCH_QUICK=1)" if os.environ.get("BENCH_QUICK") else ""
    return "\n".join([
        "# Benchmarks",
        "",
        "Written by `make bench` (bench/); every figure is a ratio to a floor measured in the same run,",
        "medians over interleaved repeats with [min–max]. The machine is shared and noisy: compare ratios,",
        "not milliseconds. Rerun: `make bench` (about 3–5 minutes here; `BENCH_QUICK=1 make bench` is smaller;",
        "`.venv/bin/python -m bench coldstart` runs one part).",
        "",
        f"Run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC{quick}, commit {_commit()}, {machine()}.",
        "",
        *lines,
        "",
        *notes,
        "",
    ])
