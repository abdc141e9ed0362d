"""`make smoke STAGE=…`: a read-only check of a deployed stage, driven by its stack's Outputs.

    python -m devstack.smoke --stack trustloop-prod          (Outputs from CloudFormation)
    python -m devstack.smoke --stack-file .local/stack.json  (the local stack: same Outputs)

It writes nothing: the API answers (its contract, and a 400 naming the field for bad input),
every table is ACTIVE, the workflow is ACTIVE, every bucket and topic exists.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import boto3
import requests
from botocore.exceptions import ClientError

TIMEOUT = 10


class SmokeFailure(Exception):
    pass


def outputs_of_stack(stack_name: str) -> dict[str, str]:
    stack = boto3.client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def smoke(outputs: dict[str, str], endpoint_url: str | None = None, region: str | None = None) -> list[str]:
    """Every check that passed, in order; raises SmokeFailure on the first that does not."""
    passed: list[str] = []

    def check(ok: bool, what: str) -> None:
        if not ok:
            raise SmokeFailure(what)
        passed.append(what)

    if "ApiUrl" not in outputs:
        raise SmokeFailure("the stack has no ApiUrl output")
    api = outputs["ApiUrl"].rstrip("/") + "/"
    contract = requests.get(api + "v1/openapi.json", timeout=TIMEOUT)
    check(contract.status_code == 200 and "paths" in contract.json(), f"GET {api}v1/openapi.json answers its paths")
    bad = requests.get(api + "v1/eligibility", timeout=TIMEOUT)
    check(bad.status_code == 400 and bool(bad.json().get("field")), "bad input answers 400 naming the field")

    def client(service: str) -> Any:
        return boto3.client(service, endpoint_url=endpoint_url, region_name=region)

    for key, name in sorted(outputs.items()):
        try:
            _check_resource(client, check, key, name)
        except ClientError as exc:
            raise SmokeFailure(f"{key} ({name}): {exc}") from exc
    return passed


def _check_resource(client: Any, check: Any, key: str, name: str) -> None:
    if key.endswith("TableName"):
        status = client("dynamodb").describe_table(TableName=name)["Table"]["TableStatus"]
        check(status == "ACTIVE", f"table {key} is ACTIVE")
    elif key.endswith("BucketName"):
        client("s3").head_bucket(Bucket=name)
        check(True, f"bucket {key} exists")
    elif key.endswith("TopicArn"):
        client("sns").get_topic_attributes(TopicArn=name)
        check(True, f"topic {key} exists")
    elif key == "IncidentWorkflowArn":
        status = client("stepfunctions").describe_state_machine(stateMachineArn=name).get("status", "ACTIVE")
        check(status == "ACTIVE", "the incident workflow is ACTIVE")


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("--stack", "--stack-file"):
        print(__doc__, file=sys.stderr)
        return 2
    endpoint = region = None
    if argv[0] == "--stack":
        outputs = outputs_of_stack(argv[1])
    else:
        described = json.loads(Path(argv[1]).read_text())
        outputs, endpoint, region = described["outputs"], described["moto_url"], described["region"]
    try:
        for line in smoke(outputs, endpoint, region):
            print(f"ok  {line}")
    except (SmokeFailure, requests.RequestException, ValueError) as exc:
        print(f"FAILED  {exc}", file=sys.stderr)
        return 1
    print(f"smoke passed: {len(outputs)} outputs checked")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
