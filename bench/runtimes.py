"""Cold start on each Python the machine has (`make bench`): the functions deploy on python3.14
(docs/deploy.md); this compares the same cold start (bench/coldstart.py: a fresh interpreter importing
the app and serving a first event, against one importing boto3 + chalice and making the same calls) on
this venv's Python and on every newer CPython installed by pyenv, each in a venv holding only what the
Lambda zip holds (requirements.txt) plus chalice, built here on first use.
"""
from __future__ import annotations

import glob
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.coldstart import GOAL, ROOT, compile_project, put_inbound_mail, run_child, spread
from bench.table import Row

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))
FUNCTIONS = {"api (GET /v1/eligibility)": "api", "alert consumer": "handle_alerts",
             "stream": "handle_feedback_stream"}
VENVS = ROOT / ".venv" / "runtimes"


def newer_pythons() -> list[str]:
    """Every pyenv CPython newer than this one (one per minor version, the newest patch)."""
    found: dict[tuple[int, int], str] = {}
    pattern = os.path.expanduser(os.environ.get("PYENV_ROOT", "~/.pyenv")) + "/versions/3.*/bin/python3"
    for path in sorted(glob.glob(pattern)):
        done = subprocess.run([path, "-c", "import sys; print(*sys.version_info[:2])"], capture_output=True,
                              text=True, check=False)
        if done.returncode == 0:
            major, minor = (int(x) for x in done.stdout.split())
            if (major, minor) > sys.version_info[:2]:
                found[(major, minor)] = path
    return [found[v] for v in sorted(found)]


def _chalice_pin() -> str:
    lines = (ROOT / "requirements-dev.txt").read_text(encoding="utf-8").splitlines()
    return next(line.strip() for line in lines if line.startswith("chalice=="))


def runtime_venv(python: str) -> str:
    """A venv of `python` with the Lambda zip's requirements and chalice; rebuilt when they change."""
    version = subprocess.run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    venv = VENVS / f"py{version}"
    wanted = hashlib.sha256((ROOT / "requirements.txt").read_bytes() + _chalice_pin().encode()).hexdigest()
    stamp = venv / ".installed"
    if not stamp.exists() or stamp.read_text(encoding="utf-8") != wanted:
        print(f"building {venv.relative_to(ROOT)} (requirements.txt + {_chalice_pin()})", flush=True)
        subprocess.run([python, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", "-r",
                        str(ROOT / "requirements.txt"), _chalice_pin()], check=True)
        stamp.write_text(wanted, encoding="utf-8")
    return str(venv / "bin" / "python")


def _label(python: str) -> str:
    done = subprocess.run([python, "-c", "import sys; print('python%d.%d' % sys.version_info[:2])"],
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


def main() -> tuple[list[Row], list[str]]:
    from bench.common import local_stack

    pythons = [sys.executable, *(runtime_venv(p) for p in newer_pythons())]
    labels = {p: _label(p) for p in pythons}
    times: dict[tuple[str, str], list[float]] = {}
    with local_stack() as env, tempfile.TemporaryDirectory() as workdir:
        put_inbound_mail()
        calls = {kind: Path(workdir) / f"{kind}.calls" for kind in FUNCTIONS.values()}
        for python in pythons:  # bytecode and a first run each, untimed
            compile_project(python)
            for kind in FUNCTIONS.values():
                run_child(kind, env, calls[kind], python=python)
        for _ in range(ROUNDS):  # interleaved across Pythons and functions
            for python in pythons:
                for kind in FUNCTIONS.values():
                    times.setdefault((python, kind), []).append(run_child(kind, env, calls[kind], python=python)[0])
                    times.setdefault((python, "floor:" + kind), []).append(
                        run_child("floor", env, calls[kind], python=python)[0])
    rows = []
    base = sys.executable
    for python in pythons:
        for label, kind in FUNCTIONS.items():
            value, floor = times[(python, kind)], times[(python, "floor:" + kind)]
            versus = statistics.median(value) / statistics.median(times[(base, kind)])
            rows.append(Row(f"cold start on {labels[python]}: {label}",
                            f"{spread(value)} ({versus:.2f}x of {labels[base]})", spread(floor),
                            statistics.median(value) / statistics.median(floor), f"≤ {GOAL}x",
                            statistics.median(value) / statistics.median(floor) <= GOAL))
    found = ", ".join(labels[p] for p in pythons)
    notes = ["## Cold start per Python", "", __doc__.split("\n\n", 1)[0].replace("\n", " "), "",
             f"Measured here: {found} (median of {ROUNDS} interleaved runs each, [min–max]). Lambda's",
             "python3.14 runtime (the one deployed) is not installed on this machine, so it is not measured;",
             "`make package LAMBDA_RUNTIME=python3.11` packages the older runtime for a comparison in AWS.",
             "",
             "On the newer Pythons the floor (boto3's import and first client) is a little faster while our",
             "imports cost about the same, so the ratios run a few points higher than on 3.11: the API and the",
             "stream sit near or just over 1.25x there. What is left above their floors is the same as on 3.11",
             "(Cold start, above): the Table resource and paginator on the API, Powertools' batch utility and",
             "the insight domain on the stream.", ""]
    return rows, notes

