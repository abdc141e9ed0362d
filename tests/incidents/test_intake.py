"""Intake over moto: the alert form, raw e-mail in the inbound bucket, the alerts consumer."""
from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from chalicelib import config
from devstack.events import lambda_context
from tests.incidents.builders import alert_body, mime

REGION = "eu-west-1"


def _post(client: Any, body: Any, content_type: str = "application/json") -> Any:
    return client.http.post("/v1/incidents", headers={"Content-Type": content_type}, body=json.dumps(body))


def _queue_bodies(url: str) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs", region_name=REGION)
    found = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(m["Body"]) for m in found]


def _alert(alert_id: str) -> dict[str, Any]:
    table = boto3.resource("dynamodb", region_name=REGION).Table(config.get_settings().incidents.table)
    return table.get_item(Key={"pk": f"ALERT#{alert_id}", "sk": "ALERT"})["Item"]


def _sqs_event(*bodies: Any) -> dict[str, Any]:
    return {"Records": [{"messageId": f"m{n}", "receiptHandle": f"r{n}", "body": json.dumps(b),
                         "attributes": {}, "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
                         "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:q", "awsRegion": REGION}
                        for n, b in enumerate(bodies)]}


def _s3_event(bucket: str, key: str) -> dict[str, Any]:
    return {"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": bucket},
                                                                "object": {"key": key}}}]}


def test_post_alert_valid_is_stored_queued_and_acknowledged(client: Any, frozen_now: Any) -> None:
    response = _post(client, alert_body())
    assert response.status_code == 202
    alert_id = response.json_body["alert_id"]
    settings = config.get_settings().incidents
    assert _queue_bodies(settings.alerts_queue_url) == [{"alert_id": alert_id}]
    stored = _alert(alert_id)
    assert stored["email_lc"] == "kari@customer.example"
    assert stored["expires_at"] > int(frozen_now.timestamp())
    sent = boto3.client("ses", region_name=REGION).get_send_quota()["SentLast24Hours"]
    assert sent == 1


@pytest.mark.parametrize(("body", "field"), [
    (alert_body(reporter={"name": "K", "email": "not-an-address", "kind": "customer"}), "reporter.email"),
    (alert_body(reporter={"name": "K", "email": "k@x.example", "kind": "robot"}), "reporter.kind"),
    ({k: v for k, v in alert_body().items() if k != "summary"}, "summary"),
    (alert_body(severity="high"), "severity"),
    (alert_body(personal_data_involved="maybe"), "personal_data_involved"),
    (alert_body(discovered_at="yesterday"), "discovered_at"),
    (alert_body(discovered_at="2099-01-01T00:00:00Z"), "discovered_at"),
    (alert_body(discovered_at="6057-71-72T84:49"), "discovered_at"),  # schemathesis: was a 500
])
def test_post_alert_bad_input_is_400_naming_the_field(client: Any, frozen_now: Any, body: Any,
                                                      field: str) -> None:
    response = _post(client, body)
    assert response.status_code == 400
    assert response.json_body["field"] == field


def test_post_alert_wrong_content_type_is_415(client: Any) -> None:
    assert _post(client, alert_body(), "text/plain").status_code == 415


def _drop(raw: bytes, key: str) -> tuple[str, str]:
    bucket = config.get_settings().incidents.inbound_mail_bucket
    boto3.client("s3", region_name=REGION).put_object(Bucket=bucket, Key=key, Body=raw)
    return bucket, key


def test_mail_intake_keeps_attachments_and_records_the_source(aws_stack: Any, frozen_now: Any) -> None:
    from email.message import EmailMessage

    from app import app

    msg = EmailMessage()
    msg["From"], msg["Subject"], msg["Message-ID"] = "Kari <kari@customer.example>", "Leak", "<m1@c>"
    msg.set_content("body")
    msg.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="evidence.pdf")
    bucket, key = _drop(msg.as_bytes(), "inbound/ses-1")
    result = app.handler_map["handle_inbound_mail"](_sqs_event(_s3_event(bucket, key)), lambda_context("t"))
    assert result == {"batchItemFailures": []}
    [queued] = _queue_bodies(config.get_settings().incidents.alerts_queue_url)
    alert = _alert(queued["alert_id"])
    assert alert["source"] == {"channel": "email", "bucket": bucket, "key": key, "message_id": "<m1@c>",
                               "sender": "kari@customer.example", "subject": "Leak",
                               "size": len(msg.as_bytes())}
    attachment_key = alert["attachments"][0]["key"]
    body = boto3.client("s3", region_name=REGION).get_object(Bucket=bucket, Key=attachment_key)["Body"].read()
    assert body == b"%PDF-1.4"


def test_mail_intake_same_message_id_twice_is_one_alert(aws_stack: Any, frozen_now: Any) -> None:
    from chalicelib.incidents import service

    raw = mime({"From": "a@b.example", "Message-ID": "<dup@b>", "Subject": "twice"})
    first = service.intake_mail(*_drop(raw, "inbound/one"))
    again = service.intake_mail(*_drop(raw, "inbound/one"))  # redelivery of the same object
    second = service.intake_mail(*_drop(raw, "inbound/two"))  # the same mail stored twice
    assert first == again == second
    assert [d["key"] for d in _alert(first)["duplicates"]] == ["inbound/two"]


def test_mail_intake_garbage_is_an_unparsed_alert(aws_stack: Any, frozen_now: Any) -> None:
    from chalicelib.incidents import service

    alert_id = service.intake_mail(*_drop(bytes(range(256)) * 10, "inbound/garbage"))
    assert alert_id.startswith("alt_m")
    assert _alert(alert_id)["source"]["key"] == "inbound/garbage"


def test_mail_intake_huge_message_is_kept_as_unparsed(aws_stack: Any, frozen_now: Any, set_env: Any) -> None:
    from chalicelib.incidents import service

    set_env(INCIDENTS_MAX_MAIL_BYTES="100")
    alert_id = service.intake_mail(*_drop(mime({"From": "a@b.example"}, body="x" * 500), "inbound/huge"))
    assert set(_alert(alert_id)["flags"]) == {"unparsed", "too_large"}


def test_mail_notification_key_is_url_decoded_as_s3_sends_it(aws_stack: Any, frozen_now: Any) -> None:
    from app import app

    bucket, key = _drop(mime({"From": "a@b.example", "Subject": "Leak"}, body="x"), "inbound/a b+c!.eml")
    encoded = "inbound/a+b%2Bc%21.eml"  # how S3 writes that key in its notification
    result = app.handler_map["handle_inbound_mail"](_sqs_event(_s3_event(bucket, encoded)), lambda_context("t"))
    assert result == {"batchItemFailures": []}
    [queued] = _queue_bodies(config.get_settings().incidents.alerts_queue_url)
    assert _alert(queued["alert_id"])["source"]["key"] == key


def test_mail_event_outside_the_prefix_or_test_event_is_ignored(aws_stack: Any) -> None:
    from app import app

    handler = app.handler_map["handle_inbound_mail"]
    # the bucket "bkt" does not exist: reading the object would fail the record
    for body in ({"Event": "s3:TestEvent"}, _s3_event("bkt", "attachments/x/0-a.pdf")):
        assert handler(_sqs_event(body), lambda_context("t")) == {"batchItemFailures": []}


def test_alerts_consumer_redelivered_alert_starts_one_execution(aws_stack: Any) -> None:
    from app import app

    event = _sqs_event({"alert_id": "alt_1"}, {"alert_id": "alt_1"})
    result = app.handler_map["handle_alerts"](event, lambda_context("t"))
    assert result == {"batchItemFailures": []}
    sfn = boto3.client("stepfunctions", region_name=REGION)
    arn = config.get_settings().incidents.workflow_arn
    executions = sfn.list_executions(stateMachineArn=arn)["executions"]
    assert [e["name"] for e in executions] == ["alt_1"]


def test_alerts_consumer_bad_record_is_reported_alone(aws_stack: Any) -> None:
    from app import app

    event = _sqs_event({"alert_id": "alt_2"}, {"nothing": 1})
    result = app.handler_map["handle_alerts"](event, lambda_context("t"))
    assert result == {"batchItemFailures": [{"itemIdentifier": "m1"}]}


def test_reporter_alerts_are_found_by_email_in_any_case(client: Any, frozen_now: Any) -> None:
    from chalicelib.incidents import store

    alert_id = _post(client, alert_body()).json_body["alert_id"]
    assert store.query_alert_keys_by_email("KARI@customer.EXAMPLE") == [f"ALERT#{alert_id}"]


def test_expired_alert_is_not_read(client: Any, frozen_now: Any) -> None:
    from datetime import timedelta

    from chalicelib.incidents import store

    alert_id = _post(client, alert_body()).json_body["alert_id"]
    assert store.get_alert(alert_id, frozen_now) is not None
    assert store.get_alert(alert_id, frozen_now + timedelta(days=3 * 365 + 1)) is None


def test_intake_logs_no_reporter_data(client: Any, frozen_now: Any) -> None:
    import io
    import logging

    from chalicelib.incidents import service
    from chalicelib.obs import logger

    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logger.registered_formatter)
    logger.addHandler(handler)
    try:
        _post(client, alert_body())
        service.intake_mail(*_drop(mime({"From": "Kari <kari@customer.example>", "Message-ID": "<p@c>",
                                         "Subject": "Kari's payslip"}), "inbound/pii"))
    finally:
        logger.removeHandler(handler)
    logged = buffer.getvalue()
    assert "mail alert stored" in logged  # the logs were captured
    assert "kari" not in logged.lower()


def test_local_delivery_wiring_is_read_from_infra(aws_stack: Any) -> None:
    from app import app
    from devstack.events import sqs_wiring
    from devstack.template import load_template

    settings = config.get_settings().incidents
    template = load_template()
    from devstack.provision import Provisioner

    resolver = Provisioner(None, REGION, "unused").resolver  # type: ignore[arg-type]
    resolver.attrs = aws_stack
    wiring = {w["handler"]: (w["queue_url"], w["batch_size"]) for w in sqs_wiring(app, template, resolver)}
    assert wiring["handle_alerts"] == (settings.alerts_queue_url, 10)
    assert wiring["handle_incident_tasks"] == (settings.tasks_queue_url, 1)
    assert "handle_inbound_mail" in wiring


def test_local_runner_runs_the_deadline_check_every_15_minutes() -> None:
    from app import app
    from devstack.events import scheduled_jobs

    assert ("check_incident_deadlines", 900) in scheduled_jobs(app)
