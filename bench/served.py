"""`make run`'s stack in a process of its own for the local ceiling (bench/ceiling.py), measurable
empty and full: `python -m bench.served` runs devstack's own main (moto's threaded server and
chalice.local in one process, as `make run` does) and reads `seed N` lines on stdin, putting N
response-like items straight into moto's backend there. End of input stops it as Ctrl-C would.
"""
from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.common import free_port
from bench.table import ROOT

if TYPE_CHECKING:
    from collections.abc import Iterator

SEEDED = "SEEDED "


@dataclass
class Served:
    description: dict[str, Any]
    process: subprocess.Popen[str]
    answers: queue.Queue[str] = field(default_factory=queue.Queue)

    def seed(self, count: int) -> float:
        """Put `count` response-like items into moto's FeedbackTable; the seconds it took there."""
        assert self.process.stdin
        self.process.stdin.write(f"seed {count}\n")
        self.process.stdin.flush()
        answer = self.answers.get(timeout=300)
        if not answer.startswith(SEEDED):
            raise RuntimeError(f"the stack stopped while seeding (exit {self.process.poll()})")
        return float(answer.split()[2])

    def _read(self) -> None:
        """The stack's console (start banner, one line per delivered event) read as it comes, so
        that it never blocks on a full pipe; seeding answers handed over."""
        assert self.process.stdout
        for line in self.process.stdout:
            if line.startswith(SEEDED):
                self.answers.put(line)
        self.answers.put("stopped")


@contextmanager
def served_stack() -> Iterator[Served]:
    with tempfile.TemporaryDirectory(prefix="bench-ceiling-") as tmp:
        work = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(MOTO_PORT=str(free_port()), API_PORT=str(free_port()), STACK_FILE=str(work / "stack.json"),
                   RUN_LOG=str(work / "run.log"))
        process = subprocess.Popen([sys.executable, "-m", "bench.served"], cwd=ROOT, env=env, text=True,
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 90
            while not (work / "stack.json").exists():
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (work / "run.log").read_text()[-3000:] if (work / "run.log").exists() else ""
                    raise RuntimeError(f"the stack did not start (exit {process.poll()}):\n{log}")
                time.sleep(0.1)
            served = Served(json.loads((work / "stack.json").read_text()), process)
            threading.Thread(target=served._read, name="stack-console", daemon=True).start()
            yield served
        finally:
            if process.stdin:
                process.stdin.close()  # the stack stops itself (SIGTERM to its own process)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _control(console: Any) -> None:
    """In the stack's process: `seed N` lines from stdin; at end of input, stop as Ctrl-C would."""
    for line in sys.stdin:
        if line.startswith("seed "):
            started = time.perf_counter()
            seed_responses(int(line.split()[1]))
            print(f"{SEEDED}{line.split()[1]} {time.perf_counter() - started:.2f}", file=console, flush=True)
    os.kill(os.getpid(), signal.SIGTERM)


def seed_responses(count: int, table_name: str | None = None) -> None:
    """Response items straight into moto's backend in this process, under the stack's DynamoDB lock.

    The table's stream is set aside meanwhile: these stand for responses stored long ago, whose
    records the stream handler has long processed.
    """
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    from devstack.moto_locks import _lock

    table_name = table_name or os.environ["FEEDBACK_TABLE"]
    table = dynamodb_backends[DEFAULT_ACCOUNT_ID][os.environ.get("AWS_REGION", "eu-west-1")].get_table(table_name)
    expires = str(int(time.time()) + 3 * 365 * 86400)
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())  # recent: not due for the retention job
    with _lock:
        shard, table.stream_shard = table.stream_shard, None
        try:
            for i in range(count):
                rid = f"{i:032x}"
                table.put_item({
                    "pk": {"S": f"RESP#{rid}"}, "sk": {"S": "RESP"}, "response_id": {"S": rid},
                    "subject": {"S": f"SUBJ#seed-co#user-{i}"}, "survey_id": {"S": "srv_seed"},
                    "product": {"S": "seed"}, "company": {"S": "seed-co"}, "metric": {"S": "nps"},
                    "score": {"N": str(i % 11)}, "channel": {"S": "in_app_web"}, "locale": {"S": "en"},
                    "contact_ok": {"BOOL": False}, "privacy_notice_version": {"S": "2026-01"},
                    "created_at": {"S": created}, "collected_month": {"S": created[:7]},
                    "user": {"M": {"id": {"S": f"user-{i}"}, "country": {"S": "NO"}}},
                    "comment": {"S": "Exporting invoices takes too many clicks"}, "expires_at": {"N": expires},
                })
        finally:
            table.stream_shard = shard


def serve() -> int:
    """`python -m bench.ceiling`: `make run`'s own main, plus the seeding side channel on stdin."""
    console = sys.stdout
    threading.Thread(target=_control, args=(console,), name="bench-control", daemon=True).start()
    from devstack.__main__ import main as run

    return run()


if __name__ == "__main__":
    sys.exit(serve())
