"""`make deploy STAGE=…`: upload the packaged stage and deploy it with the AWS CLI (docs/deploy.md).

    ARTIFACT_BUCKET=my-artifacts OPS_EMAILS=a@x.example,b@x.example make deploy STAGE=prod
    make deploy STAGE=prod DRY_RUN=1      prints the commands instead of running them

Settings come from the environment: ARTIFACT_BUCKET (required), OPS_EMAILS (up to 3, required
for prod: its alarms must page someone), INCIDENTS_SENDER, FOLLOWUP_SENDER and PRIVACY_SENDER
(each stage's own SES addresses), ENABLE_WAF=true, API_RATE_LIMIT / API_BURST_LIMIT, STACK_NAME (trustloop-STAGE).
"""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "out"
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"]
MAX_OPS_EMAILS = 3
EMAIL = re.compile(r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$")


class DeployError(Exception):
    """A setting is missing or wrong: nothing was run."""


def stack_name(stage: str, env: dict[str, str]) -> str:
    return env.get("STACK_NAME") or f"trustloop-{stage}"


def parameters(stage: str, env: dict[str, str]) -> dict[str, str]:
    stages = json.loads((ROOT / ".chalice" / "config.json").read_text())["stages"]
    if stage not in stages:
        raise DeployError(f"STAGE: {stage!r} is not a stage of .chalice/config.json ({', '.join(stages)})")
    emails = [e.strip() for e in env.get("OPS_EMAILS", "").split(",") if e.strip()]
    if len(emails) > MAX_OPS_EMAILS:
        raise DeployError(f"OPS_EMAILS: at most {MAX_OPS_EMAILS} addresses (subscribe more to the OpsTopic output)")
    for email in emails:
        if not EMAIL.match(email):
            raise DeployError(f"OPS_EMAILS: {email!r} is not an e-mail address")
    if stage == "prod" and not emails:
        raise DeployError("OPS_EMAILS: prod needs at least one address, or its alarms page no one")
    params = {"Stage": stage, **{f"OpsEmail{i}": e for i, e in enumerate(emails, start=1)},
              # Object lock can only be chosen when the bucket is made: prod has it from its first deploy.
              "IncidentReportsObjectLock": "true" if stage == "prod" else "false"}
    for variable, parameter in (("INCIDENTS_SENDER", "IncidentsSenderAddress"),
                                ("FOLLOWUP_SENDER", "FollowupSenderAddress"),
                                ("PRIVACY_SENDER", "PrivacySenderAddress"),
                                ("ENABLE_WAF", "EnableWaf"), ("API_RATE_LIMIT", "ApiRateLimit"),
                                ("API_BURST_LIMIT", "ApiBurstLimit")):
        if env.get(variable):
            params[parameter] = env[variable]
    return params


def commands(stage: str, env: dict[str, str], out: Path = OUT) -> list[list[str]]:
    bucket = env.get("ARTIFACT_BUCKET", "")
    if not bucket:
        raise DeployError("ARTIFACT_BUCKET: name the S3 bucket that holds deployment artifacts (docs/deploy.md)")
    packaged = out / f"packaged-{stage}.yaml"
    region = ["--region", env["AWS_REGION"]] if env.get("AWS_REGION") else []
    return [
        ["aws", "cloudformation", "package", "--template-file", str(out / "sam.json"),
         "--s3-bucket", bucket, "--s3-prefix", f"trustloop/{stage}",
         "--output-template-file", str(packaged), *region],
        ["aws", "cloudformation", "deploy", "--template-file", str(packaged),
         "--stack-name", stack_name(stage, env), "--capabilities", *CAPABILITIES,
         "--no-fail-on-empty-changeset", *region,
         "--parameter-overrides", *[f"{k}={v}" for k, v in parameters(stage, env).items()]],
    ]


def main(argv: list[str]) -> int:
    dry_run = "--dry-run" in argv
    args = [a for a in argv if a != "--dry-run"]
    stage = args[0] if args else "dev"
    env = dict(os.environ)
    try:
        planned = commands(stage, env)
    except DeployError as exc:
        print(f"make deploy: {exc}", file=sys.stderr)
        return 2
    if not dry_run and shutil.which("aws") is None:
        print("make deploy: the AWS CLI (aws) is not installed; DRY_RUN=1 prints the commands", file=sys.stderr)
        return 2
    for command in planned:
        print("+ " + shlex.join(command), flush=True)
        if not dry_run:
            subprocess.run(command, check=True)
    print(f"then: make smoke STAGE={stage}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
