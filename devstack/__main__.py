"""`make run`: the whole system locally, until Ctrl-C."""
from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from pathlib import Path

from devstack.console import attach_errors_of, route_output
from devstack.stack import ROOT, Stack
from devstack.wiring import WiringError


def main() -> int:
    stack_file = Path(os.environ["STACK_FILE"]) if os.environ.get("STACK_FILE") else None
    run_log = Path(os.environ.get("RUN_LOG") or (stack_file or ROOT / ".local" / "stack.json").with_name("run.log"))
    console = route_output(run_log)
    stack = Stack(moto_port=int(os.environ.get("MOTO_PORT", "5000")),
                  api_port=int(os.environ.get("API_PORT", "8000")), run_log=str(run_log))
    if stack_file is not None:  # a test's stack keeps its outbox beside its stack file
        stack.outbox_dir = stack_file.parent / "outbox"
    try:
        stack.start()
    except OSError as exc:
        print(f"could not start the local stack: {exc} (set MOTO_PORT / API_PORT to free ports)", file=console)
        stack.stop()
        return 1
    except WiringError as exc:  # a handler whose events would never be delivered: say which
        print(f"could not start the local stack: {exc}", file=console)
        stack.stop()
        return 1
    from chalicelib.obs import logger

    attach_errors_of(logging.getLogger(logger.name), console)
    # Handlers first: stack.json's presence invites a Ctrl-C, which must find them in place.
    done = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: done.set())
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    path = stack.write_description(stack_file)
    print(summary(stack, path), file=console, flush=True)
    done.wait()
    print("stopping…", file=console, flush=True)
    stack.stop()
    return 0


def summary(stack: Stack, path: object) -> str:
    lines = [
        f"trustloop is running locally (started in {stack.started_in:.1f} s)",
        f"  API   {stack.api_url}   (try {stack.api_url}/v1/openapi.json)",
        f"  demo  {stack.api_url}/demo   (the survey banner on a stand-in host page)",
        f"  mail  {stack.api_url}/_local/outbox   (every e-mail SES would send; .eml files in "
        f"{stack.outbox_dir})",
        f"  privacy requests  {stack.api_url}/privacy/request   (the form a person uses)",
        f"  AWS   {stack.moto_url}   (moto; region {stack.description()['region']})",
        f"  stack {path}",
        f"  log   {stack.run_log}   (functions' JSON logs, metrics, requests; this console shows errors and events)",
        "  resources: " + ", ".join(sorted(stack.resources)),
        "  demo surveys: srv_demo_nps (product demo), srv_demo_ces (demo-support), "
        "srv_demo_csat (demo-checkout)",
        "  identity: LOCAL RUN ONLY - products without an identity secret accept any user id without "
        "user_hash (all demo products); a deployed stage refuses them (GET /v1/admin/identity lists them)",
        "  incidents: .venv/bin/python -m devstack.drop_mail docs/examples/alert.eml  "
        "(then GET /v1/admin/incidents; docs/readme-incidents.md)",
        "Ctrl-C stops it.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
