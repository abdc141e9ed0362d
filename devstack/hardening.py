"""What `make package` adds to chalice's SAM template for the resources chalice generates.

infra/ cannot name what chalice generates per function without repeating every function by
hand, so each rule here applies to every function: a new handler gets its alarms, its place on
the dashboard, its checkov decisions and its ordering after its policies without anyone
remembering. All functions are pure: template in, template changed in place.
"""
from __future__ import annotations

import json
from typing import Any

FUNCTION = "AWS::Serverless::Function"
ALARM = "AWS::CloudWatch::Alarm"
# Actions that an event source mapping needs from its function's role before its first poll.
EVENT_SOURCE_READS = {"sqs:ReceiveMessage", "dynamodb:GetRecords", "kinesis:GetRecords"}

# checkov checks skipped on every function chalice generates, each for a stated reason.
FUNCTION_SKIPS = [
    {"id": "CKV_AWS_116", "comment": "No Lambda DLQ: queue-fed functions dead-letter in their queue's DLQ, the "
     "stream function retries then bisects, the API is synchronous, and the scheduled jobs are idempotent "
     "(the next run redoes the work) and page through their Errors alarm"},
    {"id": "CKV_AWS_117", "comment": "No VPC: the functions reach only AWS APIs (DynamoDB, SQS, SNS, SES, S3, "
     "Step Functions); a VPC would add NAT or endpoints and cold-start time, and no private resource exists"},
    {"id": "CKV_AWS_173", "comment": "Environment holds resource names and settings only, never a secret "
     "(secrets are read from Secrets Manager); Lambda encrypts it at rest with its service key"},
]
UNRESERVED_SKIP = {"id": "CKV_AWS_115", "comment": "No reserved concurrency: a cap here would drop work; "
                   "the incident functions hold their own reservation and the API is throttled at its stage"}
SSE_SQS_SKIP = {"id": "CKV_AWS_27", "comment": "Encrypted at rest with SQS managed keys (SqsManagedSseEnabled), "
                "which checkov does not read; a KMS key would stop S3 and Step Functions sending without key grants"}
# checkov checks skipped on every resource of a type that infra/ declares, each for its reason.
TYPE_SKIPS = {
    "AWS::DynamoDB::Table": [
        {"id": "CKV_AWS_119", "comment": "Encrypted at rest with the AWS managed key (SSESpecification); a "
         "customer managed key adds a KMS call per request and a key whose loss loses the data"}],
    "AWS::Logs::LogGroup": [
        {"id": "CKV_AWS_158", "comment": "Encrypted by CloudWatch Logs' own key; the functions log no personal "
         "data (STYLE.md), so a customer managed key would protect nothing more"}],
    "AWS::SecretsManager::Secret": [
        {"id": "CKV_AWS_149", "comment": "Encrypted with the AWS managed key aws/secretsmanager; only the "
         "functions' roles may read it"}],
}


def harden(template: dict[str, Any], runtime: str, stage: str) -> dict[str, Any]:
    set_runtime(template, runtime)
    log_groups_name_their_functions(template)
    template.setdefault("Parameters", {}).setdefault("Stage", {})["Default"] = stage
    name_the_api_per_stage(template)
    functions_after_their_policies(template)
    add_function_alarms(template)
    add_checkov_skips(template)
    show_alarms_on_dashboard(template)
    return template


def functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v.get("Type") == FUNCTION}


def set_runtime(template: dict[str, Any], runtime: str) -> None:
    """chalice takes the runtime from the Python that packages; the stage runs the one chosen here."""
    for function in functions(template).values():
        function["Properties"]["Runtime"] = runtime


def log_groups_name_their_functions(template: dict[str, Any]) -> None:
    """chalice 1.34 names the API's log group `/aws/lambda/${ApiHandler}`, a function that is `APIHandler`."""
    by_lower = {name.lower(): name for name in functions(template)}
    for resource in template["Resources"].values():
        name = resource.get("Properties", {}).get("LogGroupName")
        if resource.get("Type") == "AWS::Logs::LogGroup" and isinstance(name, dict) and "Fn::Sub" in name:
            prefix, _, rest = name["Fn::Sub"].partition("${")
            target = rest.rstrip("}")
            if prefix == "/aws/lambda/" and target not in template["Resources"] and target.lower() in by_lower:
                name["Fn::Sub"] = "/aws/lambda/${" + by_lower[target.lower()] + "}"


def name_the_api_per_stage(template: dict[str, Any]) -> None:
    """The OpenAPI title agrees with the RestAPI's Name (infra/ops.yaml): the 5xx alarm's ApiName."""
    api = template["Resources"].get("RestAPI")
    if api and "Name" in api["Properties"] and isinstance(api["Properties"].get("DefinitionBody"), dict):
        api["Properties"]["DefinitionBody"].setdefault("info", {})["title"] = api["Properties"]["Name"]


def functions_after_their_policies(template: dict[str, Any]) -> None:
    """Each function with an event source waits for every policy that lets its role read the source.

    SAM copies no DependsOn onto the event source mappings it generates, but each mapping refers
    to its function, so a function created after its policies gives mappings that are too: no
    first poll fails with "execution role does not have permissions to call ReceiveMessage".
    """
    resources = template["Resources"]
    for function in functions(template).values():
        if not function["Properties"].get("Events"):
            continue
        role = function["Properties"].get("Role", {}).get("Fn::GetAtt", [None])[0]
        needed = sorted(
            name for name, resource in resources.items()
            if resource.get("Type") == "AWS::IAM::Policy" and {"Ref": role} in resource["Properties"]["Roles"]
            and EVENT_SOURCE_READS & _actions(resource["Properties"]["PolicyDocument"]))
        if needed:
            existing = function.get("DependsOn", [])
            existing = [existing] if isinstance(existing, str) else list(existing)
            function["DependsOn"] = sorted(set(existing) | set(needed))


def _actions(document: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for statement in document.get("Statement", []):
        if statement.get("Effect") == "Allow":
            action = statement.get("Action", [])
            found |= {action} if isinstance(action, str) else set(action)
    return found


def add_function_alarms(template: dict[str, Any]) -> None:
    """Errors and throttles of every function, and the iterator age of every stream consumer."""
    resources = template["Resources"]
    for logical_id, function in functions(template).items():
        resources[f"{logical_id}ErrorsAlarm"] = _function_alarm(
            logical_id, "Errors", "Sum", 0, f"{logical_id} raised an error (see its log group)")
        resources[f"{logical_id}ThrottlesAlarm"] = _function_alarm(
            logical_id, "Throttles", "Sum", 0, f"{logical_id} was throttled (concurrency exhausted)")
        events = function["Properties"].get("Events", {}).values()
        if any(event.get("Type") in ("DynamoDB", "Kinesis") for event in events):
            resources[f"{logical_id}IteratorAgeAlarm"] = _function_alarm(
                logical_id, "IteratorAge", "Maximum", 300_000,
                f"{logical_id} is more than 5 minutes behind its stream")


def _function_alarm(function: str, metric: str, stat: str, threshold: int, description: str) -> dict[str, Any]:
    return {"Type": ALARM, "Properties": {
        "AlarmDescription": description,
        "Namespace": "AWS/Lambda", "MetricName": metric,
        "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": function}}],
        "Statistic": stat, "Period": 300, "EvaluationPeriods": 1, "Threshold": threshold,
        "ComparisonOperator": "GreaterThanThreshold", "TreatMissingData": "notBreaching",
        "AlarmActions": [{"Ref": "OpsTopic"}],
    }}


def add_checkov_skips(template: dict[str, Any]) -> None:
    for resource in template["Resources"].values():
        skips = list(TYPE_SKIPS.get(resource.get("Type", ""), []))
        if resource.get("Type") == "AWS::SQS::Queue" and resource["Properties"].get("SqsManagedSseEnabled") is True:
            skips.append(SSE_SQS_SKIP)
        if resource.get("Type") == FUNCTION:
            skips += FUNCTION_SKIPS
            if "ReservedConcurrentExecutions" not in resource["Properties"]:
                skips.append(UNRESERVED_SKIP)
        if skips:
            checkov = resource.setdefault("Metadata", {}).setdefault("checkov", {})
            known = {s["id"] for s in checkov.get("skip", [])}
            checkov["skip"] = checkov.get("skip", []) + [s for s in skips if s["id"] not in known]


def show_alarms_on_dashboard(template: dict[str, Any], dashboard: str = "InsightDashboard") -> None:
    """One alarm-status widget on the stage's dashboard lists every alarm of the template."""
    resource = template["Resources"].get(dashboard)
    if resource is None:
        return
    body = resource["Properties"]["DashboardBody"]
    text = body["Fn::Sub"] if isinstance(body, dict) else body
    parsed = json.loads(text)
    alarms = sorted(k for k, v in template["Resources"].items() if v.get("Type") == ALARM)
    top = max((w.get("y", 0) + w.get("height", 6) for w in parsed["widgets"]), default=0)
    parsed["widgets"].append({"type": "alarm", "x": 0, "y": top, "width": 24, "height": 8, "properties": {
        "title": "Alarms (each pages the ops topic)", "sortBy": "stateUpdatedTimestamp",
        "alarms": ["${" + name + ".Arn}" for name in alarms]}})
    resource["Properties"]["DashboardBody"] = {"Fn::Sub": json.dumps(parsed, indent=1)}
