"""The packaged stage keeps its data, pages people, passes checkov, and ships a runtime-only zip."""
from __future__ import annotations

import json
import os
import subprocess
import zipfile
from pathlib import Path
from typing import Any

from devstack.package import LAMBDA_RUNTIME, ZIP_BUDGET_BYTES
from devstack.template import Resolver

ROOT = Path(__file__).resolve().parents[2]
CHECKOV = Path(os.environ.get("CHECKOV", ROOT / ".venv" / "checkov" / "bin" / "checkov"))
KEPT = ("AWS::DynamoDB::Table", "AWS::SecretsManager::Secret", "AWS::S3::Bucket")
# Buckets of short-lived copies, deleted with the stack on purpose (exports expire after 8 days).
TRANSIENT = {"PrivacyExportsBucket"}


def of_type(sam: dict[str, Any], *types: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in sam["Resources"].items() if v["Type"] in types}


def resolved(sam: dict[str, Any], value: Any, **parameters: str) -> Any:
    resolver = Resolver({"AWS::Region": "eu-west-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws",
                         "AWS::StackName": "s", "AWS::URLSuffix": "amazonaws.com", "AWS::NoValue": "", **parameters})
    resolver.use_template(sam)
    return resolver.resolve(value)


def test_checkov_passes_with_every_skip_explained(packaged: Path, sam: dict[str, Any]) -> None:
    assert CHECKOV.exists(), f"{CHECKOV} missing: `make test` installs it (make .venv/checkov/.installed)"
    run = subprocess.run([str(CHECKOV), "-f", str(packaged / "sam.json"), "--framework", "cloudformation",
                          "--compact", "--quiet", "-o", "json"], capture_output=True, text=True)
    report = json.loads(run.stdout)
    failed = [(c["check_id"], c["resource"]) for c in report["results"]["failed_checks"]]
    assert failed == [], failed
    assert report["summary"]["parsing_errors"] == 0
    assert report["summary"]["passed"] > 100
    for name, resource in sam["Resources"].items():
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
            assert skip["id"].startswith("CKV") and len(skip.get("comment", "")) > 20, (name, skip)


def test_zip_holds_only_the_runtime_and_stays_under_budget(packaged: Path) -> None:
    zipped = packaged / "deployment.zip"
    with zipfile.ZipFile(zipped) as archive:
        tops = {name.split("/")[0] for name in archive.namelist()}
        names = set(archive.namelist())
    # chalice's CLI toolchain is not shipped; its runtime module (chalice/app.py) is.
    for tool in ("pip", "setuptools", "wheel", "click", "inquirer", "yaml", "wcwidth", "blessed"):
        assert tool not in tops, tool
    assert "chalice/app.py" in names and not any(n.startswith("chalice/cli/") for n in names)
    assert {"app.py", "chalicelib", "aws_lambda_powertools"} <= tops
    assert zipped.stat().st_size <= ZIP_BUDGET_BYTES, zipped.stat().st_size


def test_every_function_runs_the_chosen_runtime_traced(sam: dict[str, Any]) -> None:
    functions = of_type(sam, "AWS::Serverless::Function")
    assert len(functions) >= 11
    for name, function in functions.items():
        assert function["Properties"]["Runtime"] == LAMBDA_RUNTIME == "python3.14", name
        assert function["Properties"]["Tracing"] == "Active", name
    assert sam["Resources"]["IncidentWorkflow"]["Properties"]["Tracing"] == {"Enabled": True}


def test_data_survives_stack_deletion_and_replacement(sam: dict[str, Any]) -> None:
    kept = {k: v for k, v in of_type(sam, *KEPT).items() if k not in TRANSIENT}
    assert {"AppSecrets", "IncidentReportsBucket", "CouncilPacksBucket", "FeedbackTable"} <= set(kept)
    for name, resource in kept.items():
        assert resource.get("DeletionPolicy") == "Retain", name
        assert resource.get("UpdateReplacePolicy") == "Retain", name
    for name, table in of_type(sam, "AWS::DynamoDB::Table").items():
        props = table["Properties"]
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}, name
        assert props["SSESpecification"] == {"SSEEnabled": True}, name
        assert resolved(sam, props["DeletionProtectionEnabled"], Stage="prod") is True, name
        assert resolved(sam, props["DeletionProtectionEnabled"], Stage="dev") is False, name


def test_buckets_encrypted_private_tls_only(sam: dict[str, Any]) -> None:
    policies = {p["Properties"]["Bucket"]["Ref"]: p for p in of_type(sam, "AWS::S3::BucketPolicy").values()}
    for name, bucket in of_type(sam, "AWS::S3::Bucket").items():
        props = bucket["Properties"]
        assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"], name
        assert set(props["PublicAccessBlockConfiguration"].values()) == {True}, name
        statements = policies[name]["Properties"]["PolicyDocument"]["Statement"]
        assert any(s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
                   for s in statements), name
    for name, queue in of_type(sam, "AWS::SQS::Queue").items():
        assert queue["Properties"].get("SqsManagedSseEnabled") is True or "KmsMasterKeyId" in queue["Properties"], name
    for name, topic in of_type(sam, "AWS::SNS::Topic").items():
        assert topic["Properties"]["KmsMasterKeyId"] == {"Ref": "TopicKey"}, name


def test_every_alarm_pages_the_ops_topic_and_is_on_the_dashboard(sam: dict[str, Any]) -> None:
    alarms = of_type(sam, "AWS::CloudWatch::Alarm")
    for name, alarm in alarms.items():
        assert {"Ref": "OpsTopic"} in alarm["Properties"].get("AlarmActions", []), name
    for function in of_type(sam, "AWS::Serverless::Function"):
        assert {f"{function}ErrorsAlarm", f"{function}ThrottlesAlarm"} <= set(alarms), function
    assert "HandleFeedbackStreamIteratorAgeAlarm" in alarms
    assert {"Api5xxAlarm", "WorkflowFailedAlarm", "AlertsDLQDepthAlarm", "WebhookDeadLetterAlarm"} <= set(alarms)
    # Alarms fed by a scheduled job (our own namespace) page when the job stops emitting.
    for name, alarm in alarms.items():
        if alarm["Properties"].get("Namespace") == "trustloop":
            assert alarm["Properties"]["TreatMissingData"] == "breaching", name
    body = sam["Resources"]["InsightDashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    shown = {a for w in json.loads(body)["widgets"] if w["type"] == "alarm" for a in w["properties"]["alarms"]}
    assert shown == {f"${{{name}.Arn}}" for name in alarms}


def test_ops_subscribers_are_parameters(sam: dict[str, Any]) -> None:
    subscriptions = of_type(sam, "AWS::SNS::Subscription")
    assert len(subscriptions) == 3
    for name, sub in subscriptions.items():
        assert sub["Properties"]["TopicArn"] == {"Ref": "OpsTopic"}
        assert resolved(sam, {"Condition": sub["Condition"]}) is False, name
        param = sub["Properties"]["Endpoint"]["Ref"]
        assert resolved(sam, {"Condition": sub["Condition"]}, **{param: "ops@example.com"}) is True, name


def test_public_api_is_throttled_and_incident_functions_reserved(sam: dict[str, Any]) -> None:
    api = sam["Resources"]["RestAPI"]["Properties"]
    (setting,) = api["MethodSettings"]
    assert setting["ResourcePath"] == "/*" and setting["HttpMethod"] == "*"
    assert resolved(sam, setting["ThrottlingRateLimit"]) == "100"
    assert resolved(sam, setting["ThrottlingBurstLimit"]) == "200"
    assert api["TracingEnabled"] is True and "DestinationArn" in api["AccessLogSetting"]
    assert "sourceIp" not in api["AccessLogSetting"]["Format"]
    assert sam["Resources"]["ApiUsagePlan"]["Properties"]["ApiStages"][0]["ApiId"] == {"Ref": "RestAPI"}
    for name in ("HandleAlerts", "HandleIncidentTasks", "HandleInboundMail", "CheckIncidentDeadlines"):
        assert sam["Resources"][name]["Properties"]["ReservedConcurrentExecutions"] >= 1, name
    waf = of_type(sam, "AWS::WAFv2::WebACL", "AWS::WAFv2::WebACLAssociation")
    assert waf and all(r["Condition"] == "UseWaf" for r in waf.values())
    assert resolved(sam, {"Condition": "UseWaf"}) is False
    assert resolved(sam, {"Condition": "UseWaf"}, EnableWaf="true") is True


def test_two_stages_share_an_account_without_sharing_names(sam: dict[str, Any]) -> None:
    def names(stage: str) -> list[Any]:
        props = sam["Resources"]
        return [resolved(sam, v, Stage=stage) for v in (
            props["OpsTopic"]["Properties"]["TopicName"], props["RestAPI"]["Properties"]["Name"],
            props["InboundMailRuleSet"]["Properties"]["RuleSetName"],
            props["InboundMailRule"]["Properties"]["Rule"]["Name"],
            props["ApiAccessLogGroup"]["Properties"]["LogGroupName"])]

    api = sam["Resources"]["RestAPI"]["Properties"]
    assert api["DefinitionBody"]["info"]["title"] == api["Name"]
    dev, prod = names("dev"), names("prod")
    assert all("dev" in d and "prod" in p for d, p in zip(dev, prod, strict=True)), (dev, prod)
    # SES identities are account-wide: each stage's address is a parameter.
    for identity in of_type(sam, "AWS::SES::EmailIdentity").values():
        assert "Ref" in identity["Properties"]["EmailIdentity"]
    assert sam["Parameters"]["Stage"]["Default"] == "prod"


def test_stack_outputs_name_what_smoke_reads(sam: dict[str, Any]) -> None:
    outputs = sam["Outputs"]
    for key in ("ApiUrl", "OpsTopicArn", "IncidentWorkflowArn", "IncidentReportsBucketName",
                "CouncilPacksBucketName", "FeedbackTableName", "SurveysTableName", "IncidentsTableName"):
        assert key in outputs, key
    for table in of_type(sam, "AWS::DynamoDB::Table"):
        assert {"Ref": table} in [o["Value"] for o in outputs.values()], table
