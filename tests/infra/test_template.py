"""infra/: what `chalice package` deploys passes cfn-lint, and `make run` builds the same."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from devstack.template import load_template, owned_resources


def test_packaged_template_passes_cfn_lint(packaged: Path) -> None:
    lint = subprocess.run([str(Path(sys.executable).parent / "cfn-lint"), str(packaged / "sam.json")],
                          capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_local_tables_have_the_ttl_infra_declares(aws_stack: dict[str, Any]) -> None:
    import boto3

    ddb = boto3.client("dynamodb", region_name="eu-west-1")
    for logical_id, resource in owned_resources(load_template()).items():
        if resource["Type"] != "AWS::DynamoDB::Table":
            continue
        spec = resource["Properties"].get("TimeToLiveSpecification")
        described = ddb.describe_time_to_live(TableName=aws_stack[logical_id]["Ref"])["TimeToLiveDescription"]
        if spec:
            assert described["TimeToLiveStatus"] == "ENABLED", logical_id
            assert described["AttributeName"] == spec["AttributeName"]


def test_function_environment_names_every_provisioned_table(aws_stack: dict[str, Any]) -> None:
    from chalicelib.config import get_settings

    settings = get_settings()
    assert settings.feedback_table == aws_stack["FeedbackTable"]["Ref"]
    assert settings.surveys_table == aws_stack["SurveysTable"]["Ref"]
