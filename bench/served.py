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
    from collections.abc import Iterable, Iterator

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


def put_straight(table_name: str, items: Iterable[dict[str, Any]], *, stream: bool = False) -> int:
    """Items (Python types) put straight into moto's backend in this process: no HTTP, no botocore.

    Taken under the local stack's DynamoDB lock. Without `stream`, the table's stream is set aside
    meanwhile: the items stand for data stored long ago, its records long processed.
    """
    from boto3.dynamodb.types import TypeSerializer
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends
    from moto.dynamodb.models.dynamo_type import LimitedSizeDict

    from devstack.moto_locks import _lock

    table = dynamodb_backends[DEFAULT_ACCOUNT_ID][os.environ.get("AWS_REGION", "eu-west-1")].get_table(table_name)
    serialise = TypeSerializer().serialize
    count = 0
    with _lock:
        shard = table.stream_shard
        if not stream:
            table.stream_shard = None
        # moto re-sums the whole item's size as each attribute is set (O(attributes²) per item, most of
        # the seeding time); these items are far below DynamoDB's 400 KB, so that check is skipped here.
        checked = LimitedSizeDict.__setitem__
        LimitedSizeDict.__setitem__ = dict.__setitem__  # type: ignore[assignment]
        try:
            for item in items:
                table.put_item({k: serialise(v) for k, v in item.items()})
                count += 1
        finally:
            LimitedSizeDict.__setitem__ = checked  # type: ignore[method-assign]
            table.stream_shard = shard
    return count


def seed_responses(count: int, table_name: str | None = None) -> None:
    """`count` response items of another product, collected now (not due for the retention job)."""
    expires = int(time.time()) + 3 * 365 * 86400
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    put_straight(table_name or os.environ["FEEDBACK_TABLE"], ({
        "pk": f"RESP#{i:032x}", "sk": "RESP", "response_id": f"{i:032x}", "subject": f"SUBJ#seed-co#user-{i}",
        "survey_id": "srv_seed", "product": "seed", "company": "seed-co", "metric": "nps", "score": i % 11,
        "channel": "in_app_web", "locale": "en", "contact_ok": False, "privacy_notice_version": "2026-01",
        "created_at": created, "collected_month": created[:7], "user": {"id": f"user-{i}", "country": "NO"},
        "comment": "Exporting invoices takes too many clicks", "expires_at": expires,
    } for i in range(count)))


def serve() -> int:
    """`python -m bench.ceiling`: `make run`'s own main, plus the seeding side channel on stdin."""
    console = sys.stdout
    threading.Thread(target=_control, args=(console,), name="bench-control", daemon=True).start()
    from devstack.__main__ import main as run

    return run()


if __name__ == "__main__":
    sys.exit(serve())
