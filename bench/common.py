"""What the benchmarks share: moto on a free loopback port with infra/ provisioned, no app served."""
from __future__ import annotations

import os
import socket
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def provision_in_mock_aws(stage: str = "test") -> Any:
    """Inside mock_aws: every infra/ resource created, the functions' environment exported; returns
    the provisioner, its `template` set (what devstack.events.sqs_wiring needs with its resolver)."""
    from chalicelib import aws, config
    from devstack.provision import Provisioner
    from devstack.stack import _function_environment
    from devstack.template import load_template

    template = load_template()
    provisioner = Provisioner(None, "eu-west-1", "trustloop-bench")  # type: ignore[arg-type]
    provisioner.provision(template)
    os.environ.update(_function_environment(template, provisioner.resolver, stage))
    config.reset()
    aws.reset()
    provisioner.template = template
    return provisioner


@contextmanager
def local_stack() -> Iterator[dict[str, str]]:
    """moto with every infra/ resource and the demo surveys; yields the functions' environment."""
    from devstack import stack as devstack
    from devstack.provision import Provisioner
    from devstack.template import load_template

    saved = dict(os.environ)
    local = devstack.Stack(moto_port=free_port(), api_port=free_port())
    devstack._prepare_process_environment(local.moto_port, local.moto_url)
    local._start_moto()
    try:
        template = load_template()
        provisioner = Provisioner(local.moto_url, devstack.REGION, devstack.STACK_NAME)
        provisioner.provision(template)
        env = devstack._function_environment(template, provisioner.resolver, local.stage)
        env["ALLOW_UNVERIFIED_IDENTITY"] = "true"
        os.environ.update(env)
        devstack._seed_demo()
        yield {**os.environ, "POWERTOOLS_METRICS_DISABLED": "true"}
    finally:  # moto's server keeps its backends in this process: empty them for the next part
        import urllib.request

        urllib.request.urlopen(urllib.request.Request(f"{local.moto_url}/moto-api/reset", method="POST"), timeout=30)
        local._moto.stop()
        os.environ.clear()
        os.environ.update(saved)
