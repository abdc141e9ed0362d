"""Drop raw e-mail into the local stack's inbound bucket, exactly where SES's receipt rule writes it.

    python -m devstack.drop_mail alert.eml [more.eml ...]     (STACK_FILE picks another stack.json)
"""
from __future__ import annotations

import json
import os
import sys
import uuid
from pathlib import Path
from typing import Any

import boto3

ROOT = Path(__file__).resolve().parent.parent


def drop(stack: dict[str, Any], raw: bytes, key: str | None = None) -> str:
    """Put one raw message under the inbound prefix; returns its key."""
    key = key or f"{stack['inbound_mail_prefix']}{uuid.uuid4().hex}"
    s3 = boto3.client("s3", endpoint_url=stack["moto_url"], region_name=stack["region"],
                      aws_access_key_id="testing", aws_secret_access_key="testing")
    s3.put_object(Bucket=stack["inbound_mail_bucket"], Key=key, Body=raw)
    return key


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__)
        return 2
    stack_file = Path(os.environ.get("STACK_FILE") or ROOT / ".local" / "stack.json")
    stack = json.loads(stack_file.read_text())
    for path in paths:
        key = drop(stack, Path(path).read_bytes())
        print(f"s3://{stack['inbound_mail_bucket']}/{key}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
