"""Incident use cases: intake (form, e-mail), starting the workflow, and messages out."""
from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import unquote_plus

from botocore.exceptions import ClientError

from chalicelib import aws, clock
from chalicelib.config import get_settings
from chalicelib.errors import UnavailableError
from chalicelib.incidents import mail, rules, store
from chalicelib.obs import log_failure, logger, metrics


def _settings() -> Any:
    return get_settings().incidents


def submit_alert(body: dict[str, Any]) -> dict[str, str]:
    """A web-form alert: stored, queued, acknowledged to the reporter."""
    now = clock.now()
    if body.get("discovered_at"):
        rules.client_time(body["discovered_at"], "discovered_at", now)
    reporter = body["reporter"]
    alert = {
        "alert_id": f"alt_{uuid.uuid4().hex}",
        "source": {"channel": "form"},
        "reporter": reporter,
        "email_lc": reporter["email"].lower(),
        "product": body.get("product"),
        "summary": body["summary"],
        "description": body["description"],
        "discovered_at": body.get("discovered_at"),
        "personal_data_involved": body.get("personal_data_involved", "unknown"),
        "received_at": clock.iso(now),
        "flags": [],
        store.TTL: store.expiry(now),
    }
    store.put_alert({k: v for k, v in alert.items() if v is not None})
    queue_alert(alert["alert_id"])
    acknowledge(reporter["email"], alert["alert_id"])
    metrics.add_metric(name="IncidentAlerts", unit="Count", value=1)
    return {"alert_id": alert["alert_id"]}


def queue_alert(alert_id: str) -> None:
    try:
        aws.client("sqs").send_message(QueueUrl=_settings().alerts_queue_url,
                                       MessageBody=json.dumps({"alert_id": alert_id}))
    except ClientError as exc:
        log_failure("alert not queued", exc, alert_id=alert_id)
        raise UnavailableError("the alert is stored but could not be queued; retry later") from None


def acknowledge(address: str, alert_id: str) -> None:
    """Tell the reporter we have it, with the reference; a failure here never loses the alert."""
    text = (f"Thank you for your alert. Our security operations team has received it and an "
            f"incident coordinator is being appointed.\n\nReference: {alert_id}\n")
    try:
        aws.client("ses").send_email(
            Source=_settings().sender, Destination={"ToAddresses": [address]},
            Message={"Subject": {"Data": f"We received your alert ({alert_id})"},
                     "Body": {"Text": {"Data": text}}})
    except ClientError as exc:
        logger.warning("acknowledgement not sent", extra={"alert_id": alert_id,
                                                            "error": exc.response["Error"]["Code"]})


def receive_mail_event(body: dict[str, Any]) -> list[str]:
    """An S3 "object created" notification (via SQS): each raw message becomes one alert."""
    alert_ids = []
    for record in body.get("Records") or []:  # s3:TestEvent has no Records
        s3 = record.get("s3") or {}
        bucket = s3.get("bucket", {}).get("name")
        key = unquote_plus(s3.get("object", {}).get("key", ""))
        if bucket and key.startswith(_settings().inbound_mail_prefix):
            alert_ids.append(intake_mail(bucket, key))
    return alert_ids


def intake_mail(bucket: str, key: str) -> str:
    """Parse one raw message, keep its attachments, store the alert once per Message-ID, queue it."""
    now = clock.now()
    raw, size = store.read_object(bucket, key, _settings().max_mail_bytes)
    parsed = mail.parse_message(raw, size, _settings().max_mail_bytes)
    alert_id = mail.alert_id_for(parsed.get("message_id"), bucket, key)
    source = {"channel": "email", "bucket": bucket, "key": key, "message_id": parsed.get("message_id"),
              "sender": parsed.get("sender"), "subject": parsed.get("subject"), "size": size}
    existing = store.get_alert(alert_id, now)
    flags: list[str] = parsed.get("flags") or []
    if existing is None:
        attachments = [_keep_attachment(bucket, alert_id, n, a) for n, a in enumerate(parsed["attachments"])]
        alert = {
            "alert_id": alert_id, "source": source,
            "reporter": {"email": parsed.get("sender"), "name": parsed.get("sender_name"), "kind": "unknown"},
            "email_lc": parsed.get("sender"),
            "summary": parsed.get("subject") or "(no subject)",
            "description": parsed.get("text") or "",
            "verdicts": parsed.get("verdicts") or {}, "flags": flags,
            "attachments": attachments, "received_at": clock.iso(now), store.TTL: store.expiry(now),
        }
        trusted = parsed.get("sender") and not {"auth_failed", "unparsed"} & set(flags)
        if store.put_alert(_compact(alert)) and trusted:
            acknowledge(parsed["sender"], alert_id)
        logger.info("mail alert stored", extra={"alert_id": alert_id, "flags": flags})
    elif existing.get("source", {}).get("key") != key:
        store.add_duplicate(alert_id, {"bucket": bucket, "key": key, "received_at": clock.iso(now)})
        logger.info("duplicate Message-ID", extra={"alert_id": alert_id})
    queue_alert(alert_id)  # again on redelivery: the execution name makes it start once
    return alert_id


def _keep_attachment(bucket: str, alert_id: str, n: int, attachment: dict[str, Any]) -> dict[str, Any]:
    key = f"attachments/{alert_id}/{n}-{attachment['filename']}"
    store.put_object(bucket, key, attachment["content"], attachment["content_type"])
    return {"filename": attachment["filename"], "content_type": attachment["content_type"],
            "size": len(attachment["content"]), "bucket": bucket, "key": key}


def _compact(value: Any) -> Any:
    """Drop None and empty strings (DynamoDB keys may not be empty; absent reads the same)."""
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items() if v is not None and v != ""}
    if isinstance(value, list):
        return [_compact(v) for v in value]
    return value


def start_workflow(alert_id: str) -> str:
    """One execution per alert, named after it: a redelivered message starts nothing new."""
    sfn = aws.client("stepfunctions")
    try:
        arn = sfn.start_execution(stateMachineArn=_settings().workflow_arn, name=alert_id,
                                  input=json.dumps({"alert_id": alert_id}))["executionArn"]
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ExecutionAlreadyExists":
            raise
        logger.info("execution exists", extra={"alert_id": alert_id})
        return "exists"
    logger.info("workflow started", extra={"alert_id": alert_id, "execution_arn": arn})
    return "started"


def describe_execution(alert_id: str) -> dict[str, Any] | None:
    """The alert's execution (its ARN opens the graph in the console), or None if unknown."""
    arn = _settings().workflow_arn.replace(":stateMachine:", ":execution:") + f":{alert_id}"
    try:
        found = aws.client("stepfunctions").describe_execution(executionArn=arn)
    except ClientError:
        return None
    return {"arn": arn, "status": found["status"], "started_at": clock.iso(found["startDate"])}


def publish(topic_arn: str | None, subject: str, message: str) -> None:
    """Post to an SNS topic (the incident room, crisis team, security ops); never personal data."""
    if not topic_arn:
        return
    aws.client("sns").publish(TopicArn=topic_arn, Subject=subject[:100], Message=message)


def complete_task(token: str, output: dict[str, Any], quiet: bool = False) -> bool:
    """Let a waiting state go on; `quiet` when the other side may have answered it already."""
    try:
        aws.client("stepfunctions").send_task_success(taskToken=token, output=json.dumps(output, default=str))
    except ClientError as exc:
        logger.warning("task token refused", extra={"error": exc.response["Error"]["Code"]})
        if quiet:
            return False
        raise UnavailableError("the workflow did not accept this step; retry") from None
    return True
