"""Incident use cases: intake (form, e-mail), starting the workflow, and messages out."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from chalicelib import aws, clock, lazy, signing
from chalicelib.config import get_settings
from chalicelib.errors import UnavailableError
from chalicelib.incidents import waits
from chalicelib.obs import log_failure, logger
from chalicelib.secrets import get_app_secrets

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

    from chalicelib.incidents import mail, store
else:  # the e-mail parser (email.policy, ~7 ms) only for the functions that read mail, the table only for
    # those that use it: the alert consumer starts executions and needs neither (chalicelib/lazy.py)
    mail = lazy.module("chalicelib.incidents.mail")
    store = lazy.module("chalicelib.incidents.store")


def _settings() -> Any:
    return get_settings().incidents


def queue_alert(alert_id: str) -> None:
    try:
        aws.client("sqs").send_message(QueueUrl=_settings().alerts_queue_url,
                                       MessageBody=json.dumps({"alert_id": alert_id}))
    except ClientError as exc:
        log_failure("alert not queued", exc, alert_id=alert_id)
        raise UnavailableError("the alert is stored but could not be queued; retry later") from None


def pseudonym(kind: str, value: str) -> str:
    """Keys hold a keyed hash of an address, never the address (personal data)."""
    return signing.keyed_hash(get_app_secrets().signing_key, f"{kind}:{value}")[:32]


def acknowledge_once(address: str, alert_id: str, now: datetime) -> bool:
    """At most one acknowledgement per address per window, whatever the channel (no mail relay)."""
    window = _settings().ack_window_seconds
    if store.claim_window("ack", pseudonym("reporter", address.lower()), {}, window, now) is not None:
        return False
    acknowledge(address, alert_id)
    return True


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


def receive_mail_objects(objects: Iterable[tuple[str, str]]) -> list[str]:
    """Each raw message S3 told us of (bucket, decoded key) under the inbound prefix becomes one alert."""
    prefix = _settings().inbound_mail_prefix
    return [intake_mail(bucket, key) for bucket, key in objects if bucket and key.startswith(prefix)]


def intake_mail(bucket: str, key: str) -> str:
    """Parse one raw message, keep its attachments, store the alert once per Message-ID, queue it."""
    now = clock.now()
    raw, size = store.read_object(bucket, key, _settings().max_mail_bytes)
    parsed = mail.parse_message(raw, size, _settings().max_mail_bytes)
    alert_id = mail.alert_id_for(parsed.get("message_id"), parsed.get("sender"), bucket, key)
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
            "list_status": store.UNQUEUED,
        }
        trusted = parsed.get("sender") and not {"auth_failed", "unparsed"} & set(flags)
        if store.put_alert(_compact(alert)) and trusted:
            acknowledge_once(parsed["sender"], alert_id, now)
        logger.info("mail alert stored", extra={"alert_id": alert_id, "flags": flags})
    elif existing.get("source", {}).get("key") != key:
        store.add_duplicate(alert_id, {"bucket": bucket, "key": key, "received_at": clock.iso(now)})
        logger.info("duplicate Message-ID", extra={"alert_id": alert_id})
    try:  # again on redelivery: the execution name makes it start once
        queue_alert(alert_id)
    except UnavailableError:
        return alert_id  # stored, so safe: the sweep queues it (no need to retry the whole mail)
    store.mark_queued(alert_id, now)
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
                                  input=json.dumps({"alert_id": alert_id, "waits": waits.initial()}))["executionArn"]
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


# A token Step Functions no longer waits on: the state timed out (and its Catch took over), the
# execution ended, or the answer was given already. Retrying cannot help, so it is not an error.
CLOSED_TOKEN_CODES = frozenset({"TaskTimedOut", "InvalidToken", "TaskDoesNotExist"})


def complete_task(token: str, output: dict[str, Any], quiet: bool = False) -> bool:
    """Let a waiting state go on; False when the token is closed (or refused and `quiet`)."""
    try:
        aws.client("stepfunctions").send_task_success(taskToken=token, output=json.dumps(output, default=str))
    except ClientError as exc:
        code = exc.response["Error"]["Code"]
        logger.warning("task token refused", extra={"error": code})
        if quiet or code in CLOSED_TOKEN_CODES:
            return False
        raise UnavailableError("the workflow did not accept this step; retry") from None
    return True


def fail_task(token: str, error: str, cause: str) -> bool:
    """Report an automatic task's failure (the ASL retries it); False when the token is closed."""
    try:
        aws.client("stepfunctions").send_task_failure(taskToken=token, error=error, cause=cause)
    except ClientError as exc:
        if exc.response["Error"]["Code"] not in CLOSED_TOKEN_CODES:
            raise
        logger.warning("task token closed", extra={"error": exc.response["Error"]["Code"]})
        return False
    return True
