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


# Every table, and the TTL attribute each must have: a table holding personal data expires it
# (Art. 5(1)(e)). SurveysTable holds survey definitions only (texts, channels, sampling: written
# by put_survey alone), no personal data, so it has none. A new table must be added here.
TTL_BY_TABLE = {
    "SurveysTable": None,
    "FeedbackTable": "expires_at",
    "PrivacyTable": "expires_at",
    "InsightTable": "expires_at",
    "IncidentsTable": "expires_at",
}


def test_every_table_has_exactly_the_ttl_its_data_needs(aws_stack: dict[str, Any]) -> None:
    import boto3

    ddb = boto3.client("dynamodb", region_name="eu-west-1")
    tables = {logical_id: resource for logical_id, resource in owned_resources(load_template()).items()
              if resource["Type"] == "AWS::DynamoDB::Table"}
    assert set(tables) == set(TTL_BY_TABLE)
    for logical_id, attribute in TTL_BY_TABLE.items():
        spec = tables[logical_id]["Properties"].get("TimeToLiveSpecification")
        described = ddb.describe_time_to_live(TableName=aws_stack[logical_id]["Ref"])["TimeToLiveDescription"]
        if attribute is None:
            assert spec is None and described["TimeToLiveStatus"] == "DISABLED", logical_id
        else:
            assert spec == {"AttributeName": attribute, "Enabled": True}, logical_id
            assert (described["TimeToLiveStatus"], described["AttributeName"]) == ("ENABLED", attribute), logical_id


def test_surveys_table_holds_no_personal_data_after_a_visit(client: Any, aws_stack: dict[str, Any]) -> None:
    from tests.privacy.builders import banner_person, feedback_items

    banner_person(client, user_id="ada-9", email="ada9@example.com")
    items = feedback_items(aws_stack["SurveysTable"]["Ref"])
    assert items and all(item["kind"] == "survey" for item in items)
    text = repr(items)
    assert "ada-9" not in text and "ada9@example.com" not in text


def test_function_environment_names_every_provisioned_table(aws_stack: dict[str, Any]) -> None:
    from chalicelib.config import get_settings

    settings = get_settings()
    assert settings.feedback_table == aws_stack["FeedbackTable"]["Ref"]
    assert settings.surveys_table == aws_stack["SurveysTable"]["Ref"]
