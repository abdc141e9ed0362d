"""Start the local stack in this process: moto, infra/ provisioned, the Chalice app served."""
from __future__ import annotations

import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from devstack.template import Resolver, load_template

ROOT = Path(__file__).resolve().parent.parent
STACK_NAME = "trustloop-local"
REGION = "eu-west-1"


@dataclass
class Stack:
    moto_port: int
    api_port: int
    stage: str = "dev"
    outbox_dir: Path = ROOT / ".local" / "outbox"
    run_log: str | None = None
    resources: dict[str, dict[str, str]] = field(default_factory=dict)
    environment: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    _moto: Any = None
    _api: Any = None
    outbox: Any = None
    _threads: list[threading.Thread] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    @property
    def moto_url(self) -> str:
        return f"http://127.0.0.1:{self.moto_port}"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def start(self) -> Stack:
        started = time.monotonic()
        _prepare_process_environment(self.moto_port, self.moto_url)
        self._start_moto()
        template = load_template()
        from devstack.provision import Provisioner

        provisioner = Provisioner(self.moto_url, REGION, STACK_NAME)
        self.resources = provisioner.provision(template)
        self.outputs = _outputs(template, provisioner.resolver, self.api_url)
        self.environment = _function_environment(template, provisioner.resolver, self.stage)
        # Only the local run lets products without an identity secret take plain user ids
        # (deployed stages refuse them; `make package` refuses a stage that sets this).
        self.environment["ALLOW_UNVERIFIED_IDENTITY"] = "true"
        os.environ.update(self.environment)
        from devstack.outbox import Outbox

        self.outbox = Outbox(self.outbox_dir, REGION)
        app = self._start_api()
        _seed_demo()
        from devstack import events

        self._threads += events.start_pollers(app, template, provisioner.resolver, self._stop)
        mail = threading.Thread(target=self.outbox.run, args=(self._stop,), name="outbox", daemon=True)
        mail.start()
        self._threads.append(mail)
        self.started_in = time.monotonic() - started
        return self

    def _start_moto(self) -> None:
        from moto.server import ThreadedMotoServer

        from devstack import moto_patches
        from devstack.moto_locks import serialise_dynamodb

        moto_patches.apply()
        serialise_dynamodb()  # moto's transactions are not safe under concurrent requests
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._moto = ThreadedMotoServer(ip_address="127.0.0.1", port=self.moto_port, verbose=False)
        self._moto.start()
        # moto runs state machines for real only when asked to (ARCHITECTURE.md).
        requests.post(f"{self.moto_url}/moto-api/config",
                      json={"stepfunctions": {"execute_state_machine": True}}, timeout=10)

    def _start_api(self) -> Any:
        from chalice.cli.factory import CLIFactory

        from devstack.http_server import create_server

        config = CLIFactory(project_dir=str(ROOT)).create_config_obj(chalice_stage_name=self.stage)
        app = config.chalice_app
        server = create_server(app, config, "127.0.0.1", self.api_port, outbox=self.outbox)
        thread = threading.Thread(target=server.serve_forever, name="api", daemon=True)
        thread.start()
        self._api = server
        return app

    def stop(self) -> None:
        self._stop.set()
        if self._api is not None:
            self._api.shutdown()
            self._api.server.server_close()
        # One shared deadline: pollers finish the batch in hand, and are daemons if they don't.
        deadline = time.monotonic() + 10
        for thread in self._threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        if self._moto is not None:
            self._moto.stop()

    def description(self) -> dict[str, Any]:
        """What .local/stack.json says: endpoints and every resource's name, URL and ARN."""
        named = {_snake(k): v["Ref"] for k, v in self.resources.items()}
        return {
            "api_url": self.api_url,
            "moto_url": self.moto_url,
            "region": REGION,
            "stage": self.stage,
            "outbox_dir": str(self.outbox_dir),
            "outbox_url": f"{self.api_url}/_local/outbox",
            "run_log": self.run_log,
            **named,
            **({"inbound_mail_prefix": self.environment["INBOUND_MAIL_PREFIX"]}
               if "INBOUND_MAIL_PREFIX" in self.environment else {}),
            # The stack Outputs a deployed stage has (infra/ops.yaml): `make smoke` reads either.
            "outputs": self.outputs,
            "resources": self.resources,
        }

    def write_description(self, path: Path | None = None) -> Path:
        """Written last, once everything answers: its presence means the stack is up."""
        path = path or ROOT / ".local" / "stack.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps(self.description(), indent=2) + "\n")
        partial.replace(path)  # atomic: a reader never sees a half-written file
        return path


def _prepare_process_environment(moto_port: int, moto_url: str) -> None:
    """Fake credentials, UTC, and every AWS client (ours, moto's ASL runner) aimed at moto."""
    os.environ.update({
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing", "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION,
        "AWS_ENDPOINT_URL": moto_url, "MOTO_PORT": str(moto_port), "TZ": "UTC",
    })
    time.tzset()


def _function_environment(template: dict[str, Any], resolver: Resolver, stage: str) -> dict[str, str]:
    """The env vars a deployed function gets: the stage's, then infra's Globals (resolved)."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    env = {**config.get("environment_variables", {}),
           **config["stages"][stage].get("environment_variables", {})}
    variables = template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
    env.update({k: str(resolver.resolve(v)) for k, v in variables.items()})
    # Local only (never a stage setting): webhooks may go to http://127.0.0.1, e.g. a test receiver.
    env["WEBHOOK_ALLOW_LOCAL_HTTP"] = "true"
    return env


def _outputs(template: dict[str, Any], resolver: Resolver, api_url: str) -> dict[str, str]:
    """infra/'s Outputs resolved locally; the API (chalice's, not provisioned) is the local one."""
    outputs = {}
    for key, output in (template.get("Outputs") or {}).items():
        try:
            outputs[key] = str(resolver.resolve(output["Value"]))
        except KeyError:
            continue
    outputs["ApiUrl"] = api_url + "/"
    return outputs


def _seed_demo() -> None:
    from chalicelib.surveys import catalogue
    from devstack.demo import demo_surveys

    for survey in demo_surveys():
        survey_id = survey.pop("survey_id")
        catalogue.create_survey(survey, survey_id=survey_id)
    from devstack.demo_incidents import seed_roster

    seed_roster()


def _snake(logical_id: str) -> str:
    out = "".join("_" + c.lower() if c.isupper() else c for c in logical_id).lstrip("_")
    return out
