"""The `make run` stack as a subprocess, once per test session, on free ports."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.api_client import ApiClient

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """One `make run` stack shared by the session's e2e tests (use fresh users in them)."""
    with running_stack(tmp_path_factory.mktemp("stack")) as stack:
        yield stack


@contextmanager
def running_stack(workdir: Path) -> Iterator[dict[str, Any]]:
    """Starts `python -m devstack` (what `make run` runs) and yields its .local/stack.json."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(MOTO_PORT=str(free_port()), API_PORT=str(free_port()),
               STACK_FILE=str(workdir / "stack.json"))
    log = workdir / "stack.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "devstack"], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
        try:
            stack = _wait_for(Path(env["STACK_FILE"]), process, log)
            stack["log_path"] = stack.get("run_log") or str(log)
            yield stack
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_for(stack_file: Path, process: subprocess.Popen[bytes], log: Path) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the stack exited with {process.returncode}:\n{log.read_text()}")
        if stack_file.exists():
            return dict(json.loads(stack_file.read_text()))
        time.sleep(0.1)
    raise RuntimeError(f"the stack did not start in 60 s:\n{log.read_text()}")


@pytest.fixture
def api(live_stack: dict[str, Any]) -> ApiClient:
    return ApiClient(live_stack["api_url"])
