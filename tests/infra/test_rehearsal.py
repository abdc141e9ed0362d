"""Rehearse `make deploy` offline: the packaged template, transformed as AWS does, created in moto."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from devstack import rehearsal

PARAMETERS = {"Stage": "prod", "OpsEmail1": "ops@example.com", "IncidentReportsObjectLock": "true"}


@pytest.fixture(scope="module")
def translated(packaged: Path, sam: dict[str, Any]) -> dict[str, Any]:
    return rehearsal.translate(sam, "s3://artifacts/deployment.zip")


def test_every_reference_resolves_and_nothing_is_circular(translated: dict[str, Any]) -> None:
    assert rehearsal.unresolved_refs(translated) == set()
    assert len(rehearsal.creation_order(translated)) == len(translated["Resources"])


def test_event_source_mappings_come_after_the_policies_that_let_them_poll(translated: dict[str, Any]) -> None:
    mappings = [k for k, v in translated["Resources"].items() if v["Type"] == "AWS::Lambda::EventSourceMapping"]
    assert len(mappings) >= 5
    assert rehearsal.mappings_before_their_permissions(translated) == []


def test_the_stack_creates_in_cloudformation(packaged: Path, translated: dict[str, Any]) -> None:
    import boto3
    from moto import mock_aws
    from moto.cloudformation.parsing import get_model_map

    # moto's RestApi ignores the OpenAPI Body, so a Deployment of it finds no method: stand in for it too.
    template, replaced = rehearsal.stand_ins(translated, set(get_model_map()) - {"AWS::ApiGateway::Deployment"})
    # What moto's CloudFormation cannot create (their references are still resolved, see rehearsal.py).
    kinds = {r.split(" (")[1].rstrip(")") for r in replaced}
    assert kinds <= {"AWS::CloudWatch::Alarm", "AWS::SecretsManager::Secret", "AWS::S3::BucketPolicy",
                     "AWS::SES::EmailIdentity", "AWS::SES::ReceiptRuleSet", "AWS::SES::ReceiptRule",
                     "AWS::ApiGateway::UsagePlan", "AWS::WAFv2::WebACL", "AWS::WAFv2::WebACLAssociation",
                     "AWS::SQS::QueuePolicy", "AWS::CloudWatch::Dashboard", "AWS::Lambda::Permission",
                     "AWS::KMS::Key", "AWS::Logs::LogGroup", "AWS::ApiGateway::Stage",
                     "AWS::ApiGateway::Deployment",
                     "AWS::SNS::Subscription"}, kinds
    with mock_aws():
        s3 = boto3.client("s3", region_name=rehearsal.REGION)
        s3.create_bucket(Bucket="artifacts", CreateBucketConfiguration={"LocationConstraint": rehearsal.REGION})
        s3.upload_file(str(packaged / "deployment.zip"), "artifacts", "deployment.zip")
        cfn = boto3.client("cloudformation", region_name=rehearsal.REGION)
        cfn.create_stack(StackName="trustloop-prod", TemplateBody=json.dumps(template),
                         Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in PARAMETERS.items()],
                         Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"])
        stack = cfn.describe_stacks(StackName="trustloop-prod")["Stacks"][0]
        assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
        summaries = cfn.list_stack_resources(StackName="trustloop-prod")["StackResourceSummaries"]
        # moto also lists a few inner objects it makes along the way, with no logical id.
        created = {r["LogicalResourceId"]: r["ResourceStatus"] for r in summaries if r["LogicalResourceId"]}
        off = {"UseWaf", "HasOpsEmail2", "HasOpsEmail3"}  # with PARAMETERS: no WAF, one subscriber
        expected = {k for k, v in template["Resources"].items() if v.get("Condition") not in off}
        assert set(created) == expected
        assert set(created.values()) == {"CREATE_COMPLETE"}
        outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
        assert outputs["ApiUrl"].startswith("https://") and outputs["Stage"] == "prod"
        tables = boto3.client("dynamodb", region_name=rehearsal.REGION).list_tables()["TableNames"]
        assert outputs["FeedbackTableName"] in tables
        lam = boto3.client("lambda", region_name=rehearsal.REGION)
        runtimes = {f["Runtime"] for f in lam.list_functions()["Functions"]}
        assert runtimes == {"python3.14"}
