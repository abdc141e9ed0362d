"""Create in moto every resource infra/ declares, through the service APIs.

moto's CloudFormation ignores TTL, versioning and SAM, and its state machines do not execute,
so each resource type is created by the API call AWS itself would make. A type nobody here
knows how to create stops the run: nothing in infra/ is silently left out locally.
"""
from __future__ import annotations

import json
import secrets
import string
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import boto3

from devstack.template import INFRA_DIR, Resolver, owned_resources, resource_refs

if TYPE_CHECKING:
    from pathlib import Path

ACCOUNT = "123456789012"
# Wiring that the local runner does itself (it polls queues and buckets and calls handlers),
# or that has no local meaning (IAM is not enforced by moto).
SKIPPED_TYPES = {
    "AWS::IAM::Policy", "AWS::IAM::Role", "AWS::IAM::ManagedPolicy", "AWS::Lambda::Permission",
    "AWS::Lambda::EventSourceMapping", "AWS::SQS::QueuePolicy", "AWS::S3::BucketPolicy",
    "AWS::SNS::TopicPolicy", "AWS::Events::Rule", "AWS::Scheduler::Schedule",
    # The API is served by chalice.local, not API Gateway: its usage plan and web ACL have no local twin.
    "AWS::ApiGateway::UsagePlan", "AWS::WAFv2::WebACL", "AWS::WAFv2::WebACLAssociation",
}

Creator = Callable[["Provisioner", str, dict[str, Any]], dict[str, str]]
CREATORS: dict[str, Creator] = {}


def creates(resource_type: str) -> Callable[[Creator], Creator]:
    def register(fn: Creator) -> Creator:
        CREATORS[resource_type] = fn
        return fn
    return register


class Provisioner:
    def __init__(self, endpoint_url: str, region: str, stack_name: str,
                 infra_dir: Path = INFRA_DIR) -> None:
        self.endpoint_url = endpoint_url
        self.region = region
        self.stack_name = stack_name
        self.infra_dir = infra_dir
        self.resolver = Resolver({
            "AWS::Region": region, "AWS::AccountId": ACCOUNT, "AWS::StackName": stack_name,
            "AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com", "AWS::NoValue": "",
        })

    def client(self, service: str) -> Any:
        return boto3.client(service, endpoint_url=self.endpoint_url, region_name=self.region)

    def name_for(self, logical_id: str, lower: bool = False) -> str:
        name = f"{self.stack_name}-{logical_id}"
        return name.lower() if lower else name

    def provision(self, template: dict[str, Any]) -> dict[str, dict[str, str]]:
        """Create every resource in dependency order; returns each one's Ref and attributes."""
        resources = owned_resources(template)
        self.resolver.use_template(template)
        for logical_id in dependency_order(resources):
            resource = resources[logical_id]
            kind = resource["Type"]
            if kind in SKIPPED_TYPES or ("Condition" in resource and not self.resolver.holds(resource["Condition"])):
                continue
            if kind not in CREATORS:
                raise SystemExit(f"make run cannot create {logical_id} ({kind}): add a creator "
                                 "in devstack/provision.py or list the type as skipped")
            props = self.resolver.resolve(resource.get("Properties", {}))
            self.resolver.attrs[logical_id] = CREATORS[kind](self, logical_id, props)
        return self.resolver.attrs


def dependency_order(resources: dict[str, dict[str, Any]]) -> list[str]:
    order: list[str] = []
    seen: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in seen or name not in resources:
            return
        if name in path:
            raise SystemExit(f"circular reference in infra/: {' -> '.join((*path, name))}")
        deps = resource_refs(resources[name].get("Properties", {}))
        deps |= set(_as_list(resources[name].get("DependsOn")))
        for dep in sorted(deps):
            visit(dep, (*path, name))
        seen.add(name)
        order.append(name)

    for name in resources:
        visit(name, ())
    return order


def _as_list(value: Any) -> list[str]:
    return [] if value is None else [value] if isinstance(value, str) else list(value)


@creates("AWS::DynamoDB::Table")
def _table(p: Provisioner, logical_id: str, props: dict[str, Any]) -> dict[str, str]:
    ddb = p.client("dynamodb")
    name = props.get("TableName") or p.name_for(logical_id)
    args: dict[str, Any] = {
        "TableName": name,
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
    }
    if props.get("GlobalSecondaryIndexes"):
        args["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
    if props.get("StreamSpecification"):
        args["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
    table = ddb.create_table(**args)["TableDescription"]
    ttl = props.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled"):
        ddb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
    attrs = {"Ref": name, "Arn": table["TableArn"]}
    if table.get("LatestStreamArn"):
        attrs["StreamArn"] = table["LatestStreamArn"]
    return attrs


@creates("AWS::SQS::Queue")
def _queue(p: Provisioner, logical_id: str, props: dict[str, Any]) -> dict[str, str]:
    sqs = p.client("sqs")
    name = props.get("QueueName") or p.name_for(logical_id)
    attributes = {k: json.dumps(v) if isinstance(v, dict) else str(v).lower() if isinstance(v, bool) else str(v)
                  for k, v in props.items() if k not in ("QueueName", "Tags")}
    if "FifoQueue" in attributes:
        attributes["FifoQueue"] = attributes["FifoQueue"].lower()
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return {"Ref": url, "Arn": arn, "QueueName": name, "QueueUrl": url}


@creates("AWS::S3::Bucket")
def _bucket(p: Provisioner, logical_id: str, props: dict[str, Any]) -> dict[str, str]:
    s3 = p.client("s3")
    name = props.get("BucketName") or p.name_for(logical_id, lower=True)
    args: dict[str, Any] = {"Bucket": name, "CreateBucketConfiguration": {"LocationConstraint": p.region}}
    if props.get("ObjectLockEnabled"):
        args["ObjectLockEnabledForBucket"] = True
    s3.create_bucket(**args)
    if props.get("VersioningConfiguration", {}).get("Status") == "Enabled":
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    lock = props.get("ObjectLockConfiguration")
    if props.get("ObjectLockEnabled") and isinstance(lock, dict) and lock.get("Rule"):
        s3.put_object_lock_configuration(Bucket=name, ObjectLockConfiguration=lock)
    if props.get("NotificationConfiguration"):
        s3.put_bucket_notification_configuration(
            Bucket=name, NotificationConfiguration=_notification_config(props["NotificationConfiguration"]))
    return {"Ref": name, "Arn": f"arn:aws:s3:::{name}", "DomainName": f"{name}.s3.amazonaws.com"}


@creates("AWS::SNS::Topic")
def _topic(p: Provisioner, logical_id: str, props: dict[str, Any]) -> dict[str, str]:
    name = props.get("TopicName") or p.name_for(logical_id)
    arn = p.client("sns").create_topic(Name=name)["TopicArn"]
    return {"Ref": arn, "TopicArn": arn, "TopicName": name}


@creates("AWS::SNS::Subscription")
def _subscription(p: Provisioner, logical_id: str, props: dict[str, Any]) -> dict[str, str]:
    arn = p.client("sns").subscribe(TopicArn=props["TopicArn"], Protocol=props["Protocol"],
                                    Endpoint=props["Endpoint"])["SubscriptionArn"]
    return {"Ref": arn}


@creates("AWS::SecretsManager::Secret")
def _secret(p: Provisioner, logical_id: str, props: dict[str, Any]) -> dict[str, str]:
    value = props.get("SecretString")
    generate = props.get("GenerateSecretString")
    if value is None and generate:
        alphabet = string.ascii_letters + string.digits
        generated = "".join(secrets.choice(alphabet) for _ in range(int(generate.get("PasswordLength", 32))))
        if generate.get("GenerateStringKey"):
            data = json.loads(generate.get("SecretStringTemplate", "{}"))
            data[generate["GenerateStringKey"]] = generated
            value = json.dumps(data)
        else:
            value = generated
    name = props.get("Name") or p.name_for(logical_id)
    arn = p.client("secretsmanager").create_secret(Name=name, SecretString=value or "")["ARN"]
    return {"Ref": arn, "Id": arn}


@creates("AWS::SSM::Parameter")
def _parameter(p: Provisioner, logical_id: str, props: dict[str, Any]) -> dict[str, str]:
    name = props.get("Name") or f"/{p.stack_name}/{logical_id}"
    p.client("ssm").put_parameter(Name=name, Value=str(props["Value"]), Type=props.get("Type", "String"))
    return {"Ref": name, "Type": props.get("Type", "String"), "Value": str(props["Value"])}


def _notification_config(cfn: dict[str, Any]) -> dict[str, Any]:
    """CloudFormation's bucket notification shape in the S3 API's (queues; moto delivers them)."""
    def rules(entry: dict[str, Any]) -> dict[str, Any]:
        found = entry.get("Filter", {}).get("S3Key", {}).get("Rules", [])
        return {"Filter": {"Key": {"FilterRules": found}}} if found else {}

    return {"QueueConfigurations": [
        {"QueueArn": q["Queue"], "Events": [q["Event"]], **rules(q)}
        for q in cfn.get("QueueConfigurations", [])
    ]}


@creates("AWS::Serverless::StateMachine")
def _state_machine(p: Provisioner, logical_id: str, props: dict[str, Any]) -> dict[str, str]:
    """Through the Step Functions API (moto runs only those), substitutions resolved here."""
    definition = (p.infra_dir.parent / props["DefinitionUri"]).read_text()
    for name, value in (props.get("DefinitionSubstitutions") or {}).items():
        definition = definition.replace("${" + name + "}", str(value))
    name = props.get("Name") or p.name_for(logical_id)
    extra: dict[str, Any] = {}
    if props.get("Logging"):  # SAM's Logging, in the API's spelling
        cfn = props["Logging"]
        extra["loggingConfiguration"] = {
            "level": cfn.get("Level", "OFF"), "includeExecutionData": bool(cfn.get("IncludeExecutionData")),
            "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": d["CloudWatchLogsLogGroup"]["LogGroupArn"]}}
                             for d in cfn.get("Destinations", [])]}
    arn = p.client("stepfunctions").create_state_machine(
        name=name, definition=definition, type=props.get("Type", "STANDARD"),
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/{name}-role", **extra)["stateMachineArn"]
    return {"Ref": arn, "Arn": arn, "Name": name}


@creates("AWS::Logs::LogGroup")
def _log_group(p: Provisioner, logical_id: str, props: dict[str, Any]) -> dict[str, str]:
    name = props.get("LogGroupName") or p.name_for(logical_id)
    p.client("logs").create_log_group(logGroupName=name)
    arn = f"arn:aws:logs:{p.region}:{ACCOUNT}:log-group:{name}:*"
    return {"Ref": name, "Arn": arn}


@creates("AWS::SES::ReceiptRuleSet")
def _receipt_rule_set(p: Provisioner, logical_id: str, props: dict[str, Any]) -> dict[str, str]:
    name = props.get("RuleSetName") or p.name_for(logical_id)
    p.client("ses").create_receipt_rule_set(RuleSetName=name)
    return {"Ref": name}


@creates("AWS::SES::ReceiptRule")
def _receipt_rule(p: Provisioner, logical_id: str, props: dict[str, Any]) -> dict[str, str]:
    """Recorded in moto for completeness; locally mail arrives by dropping raw MIME in the bucket."""
    p.client("ses").create_receipt_rule(RuleSetName=props["RuleSetName"], Rule=props["Rule"])
    return {"Ref": props["Rule"]["Name"]}


@creates("AWS::SES::EmailIdentity")
def _email_identity(p: Provisioner, logical_id: str, props: dict[str, Any]) -> dict[str, str]:
    identity = props["EmailIdentity"]
    if "@" in identity:
        p.client("ses").verify_email_identity(EmailAddress=identity)
    else:
        p.client("ses").verify_domain_identity(Domain=identity)
    return {"Ref": identity}


@creates("AWS::CloudWatch::Dashboard")
def _dashboard(p: Provisioner, logical_id: str, props: dict[str, Any]) -> dict[str, str]:
    name = props.get("DashboardName") or p.name_for(logical_id)
    body = props["DashboardBody"]
    p.client("cloudwatch").put_dashboard(DashboardName=name,
                                         DashboardBody=body if isinstance(body, str) else json.dumps(body))
    return {"Ref": name}


@creates("AWS::CloudWatch::Alarm")
def _alarm(p: Provisioner, logical_id: str, props: dict[str, Any]) -> dict[str, str]:
    name = props.get("AlarmName") or p.name_for(logical_id)
    args = {k: v for k, v in props.items() if k != "AlarmName"}
    for key in ("Period", "EvaluationPeriods", "DatapointsToAlarm"):
        if key in args:
            args[key] = int(args[key])
    if "Threshold" in args:
        args["Threshold"] = float(args["Threshold"])
    p.client("cloudwatch").put_metric_alarm(AlarmName=name, **args)
    arn = f"arn:aws:cloudwatch:{p.region}:{ACCOUNT}:alarm:{name}"
    return {"Ref": name, "Arn": arn}


@creates("AWS::KMS::Key")
def _kms_key(p: Provisioner, logical_id: str, props: dict[str, Any]) -> dict[str, str]:
    key = p.client("kms").create_key(Description=props.get("Description", logical_id))["KeyMetadata"]
    return {"Ref": key["KeyId"], "Arn": key["Arn"], "KeyId": key["KeyId"]}


@creates("AWS::Logs::LogGroup")
def _log_group(p: Provisioner, logical_id: str, props: dict[str, Any]) -> dict[str, str]:
    name = props.get("LogGroupName") or p.name_for(logical_id)
    logs = p.client("logs")
    logs.create_log_group(logGroupName=name)
    if props.get("RetentionInDays"):
        logs.put_retention_policy(logGroupName=name, retentionInDays=int(props["RetentionInDays"]))
    return {"Ref": name, "Arn": f"arn:aws:logs:{p.region}:{ACCOUNT}:log-group:{name}:*"}
