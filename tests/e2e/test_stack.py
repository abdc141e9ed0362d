"""`make run`'s process: what it writes, and that Ctrl-C stops it cleanly."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, free_port

pytestmark = pytest.mark.e2e


def test_stack_ctrl_c_stops_cleanly_and_frees_ports(tmp_path: Path) -> None:
    moto_port, api_port = free_port(), free_port()
    stack_file = tmp_path / "stack.json"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
           "MOTO_PORT": str(moto_port), "API_PORT": str(api_port), "STACK_FILE": str(stack_file)}
    process = subprocess.Popen([sys.executable, "-m", "devstack"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while not stack_file.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    stack = json.loads(stack_file.read_text())
    assert stack["api_url"] == f"http://127.0.0.1:{api_port}"
    assert stack["moto_url"] == f"http://127.0.0.1:{moto_port}"
    assert stack["feedback_table"] == stack["resources"]["FeedbackTable"]["Ref"]

    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert "trustloop is running locally" in output
    for port in (moto_port, api_port):
        with socket.socket() as s:
            # As every server binds (make run's included): connections moto closed last linger in
            # TIME_WAIT, which SO_REUSEADDR allows, while a socket still listening there does not.
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", port))  # raises if the stack left it bound
