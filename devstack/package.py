"""`make package`: merge infra/ into chalice's SAM template, ready for CloudFormation."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from devstack.template import inline_state_machines, load_template

ROOT = Path(__file__).resolve().parent.parent


def check_stage(config: dict[str, Any], stage: str) -> None:
    """Refuse to package a stage (of .chalice/config.json) that would run with the local run's allowances."""
    env = {**config.get("environment_variables", {}),
           **config["stages"][stage].get("environment_variables", {})}
    if env.get("ALLOW_UNVERIFIED_IDENTITY") == "true":
        raise SystemExit(f"stage {stage} sets ALLOW_UNVERIFIED_IDENTITY: that is for the local run only "
                         "(a deployed stage must refuse products without an identity secret)")


def package(out_dir: Path, stage: str = "prod") -> Path:
    """Write out/infra.json (infra/ merged) and chalice's out/sam.json with it merged in."""
    check_stage(json.loads((ROOT / ".chalice" / "config.json").read_text()), stage)
    out_dir.mkdir(parents=True, exist_ok=True)
    merged = out_dir / "infra.json"
    merged.write_text(json.dumps(inline_state_machines(load_template()), indent=2))
    env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "eu-west-1")}
    chalice = Path(sys.executable).parent / "chalice"
    subprocess.run([str(chalice), "package", "--stage", stage, "--merge-template", str(merged), str(out_dir)],
                   cwd=ROOT, env=env, check=True)
    return out_dir / "sam.json"


if __name__ == "__main__":
    print(package(ROOT / "out", sys.argv[1] if len(sys.argv) > 1 else "prod"))
    print("identity: the deployed API refuses products without an identity secret (403 identity_not_configured);"
          " after deploying, GET /v1/admin/identity lists which products of the catalogue lack one")
