"""`make package`: merge infra/ into chalice's SAM template, ready for CloudFormation.

    python -m devstack.package [STAGE] [RUNTIME]     (defaults: prod, LAMBDA_RUNTIME)

chalice picks the Lambda runtime from the Python that runs it (3.11 here); the functions run
LAMBDA_RUNTIME instead, which is safe because the zip holds pure Python only (checked here: a
compiled extension built for this interpreter would not load on another).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

from devstack.hardening import harden
from devstack.template import inline_state_machines, load_template

ROOT = Path(__file__).resolve().parent.parent
# The newest Lambda Python runtime that chalice 1.34 and the dependencies support (README, Deploying).
LAMBDA_RUNTIME = "python3.14"
# The deployment zip may not grow past this (README, Deploying): it is what every cold start loads.
ZIP_BUDGET_BYTES = 20 * 1024 * 1024
COMPILED_SUFFIXES = (".so", ".pyd")


def check_stage(config: dict[str, Any], stage: str) -> None:
    """Refuse to package a stage (of .chalice/config.json) that would run with the local run's allowances."""
    env = {**config.get("environment_variables", {}),
           **config["stages"][stage].get("environment_variables", {})}
    if env.get("ALLOW_UNVERIFIED_IDENTITY") == "true":
        raise SystemExit(f"stage {stage} sets ALLOW_UNVERIFIED_IDENTITY: that is for the local run only "
                         "(a deployed stage must refuse products without an identity secret)")


def package(out_dir: Path, stage: str = "prod", runtime: str = LAMBDA_RUNTIME) -> Path:
    """Write out/infra.json (infra/ merged) and chalice's out/sam.json with it merged in."""
    check_stage(json.loads((ROOT / ".chalice" / "config.json").read_text()), stage)
    out_dir.mkdir(parents=True, exist_ok=True)
    merged = out_dir / "infra.json"
    merged.write_text(json.dumps(inline_state_machines(load_template()), indent=2))
    env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "eu-west-1")}
    chalice = Path(sys.executable).parent / "chalice"
    subprocess.run([str(chalice), "package", "--stage", stage, "--merge-template", str(merged), str(out_dir)],
                   cwd=ROOT, env=env, check=True)
    local = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    compiled = compiled_modules(out_dir / "deployment.zip")
    if compiled and runtime != local:
        raise SystemExit(f"the zip holds compiled modules built for {local} ({', '.join(compiled[:3])}); "
                         f"package with that Python or choose LAMBDA_RUNTIME={local}")
    sam = out_dir / "sam.json"
    sam.write_text(json.dumps(harden(json.loads(sam.read_text()), runtime, stage), indent=2))
    return sam


def compiled_modules(zip_path: Path) -> list[str]:
    with zipfile.ZipFile(zip_path) as archive:
        return [n for n in archive.namelist() if n.endswith(COMPILED_SUFFIXES) or ".so." in n]


if __name__ == "__main__":
    print(package(ROOT / "out", sys.argv[1] if len(sys.argv) > 1 else "prod",
                  sys.argv[2] if len(sys.argv) > 2 else os.environ.get("LAMBDA_RUNTIME") or LAMBDA_RUNTIME))
    print("identity: the deployed API refuses products without an identity secret (403 identity_not_configured);"
          " after deploying, GET /v1/admin/identity lists which products of the catalogue lack one")
