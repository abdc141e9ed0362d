"""The alert form: queued exactly once, no mail relay or pager, per-client limits; mail keyed by sender."""
from __future__ import annotations

import json
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from chalicelib import aws, clock, config
from tests.incidents.builders import alert_body
from tests.privacy.builders import erase

REGION = "eu-west-1"


def _post(client: Any, body: Any, key: str | None = None) -> Any:
    headers = {"Content-Type": "application/json", **({"Idempotency-Key": key} if key else {})}
    return client.http.post("/v1/incidents", headers=headers, body=json.dumps(body))


def _queued() -> list[str]:
    sqs = boto3.client("sqs", region_name=REGION)
    url = config.get_settings().incidents.alerts_queue_url
    found: list[str] = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=300).get("Messages"):
        found += [json.loads(m["Body"])["alert_id"] for m in batch]
    return found


def _alert_items() -> list[dict[str, Any]]:
    table = boto3.resource("dynamodb", region_name=REGION).Table(config.get_settings().incidents.table)
    return [i for i in table.scan()["Items"] if i["pk"].startswith("ALERT#")]  # a test may Scan


def _acks() -> int:
    return int(boto3.client("ses", region_name=REGION).get_send_quota()["SentLast24Hours"])


class SendFails:
    """SQS SendMessage fails (an outage) until `heal()`; counts the failures."""

    def __init__(self) -> None:
        self.failures = 0
        self.events = aws.client("sqs").meta.events
        self.events.register("before-call.sqs.SendMessage", self)

    def __call__(self, **_: Any) -> None:
        self.failures += 1
        raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "down"}}, "SendMessage")

    def heal(self) -> None:
        self.events.unregister("before-call.sqs.SendMessage", self)


def _sweep(client: Any) -> Any:
    event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={},
                                            resources=[])
    return client.lambda_.invoke("sweep_incident_alerts", event).payload


@pytest.mark.parametrize("key", ["retry-4f1c", None])
def test_form_retry_after_a_failed_queue_send_stores_one_alert_queued_once(client: Any, frozen_now: Any,
                                                                          key: str | None) -> None:
    outage = SendFails()
    first = _post(client, alert_body(), key)
    assert first.status_code == 503
    outage.heal()
    retried = _post(client, alert_body(), key)
    assert retried.status_code == 202
    assert len(_alert_items()) == 1
    assert _queued() == [retried.json_body["alert_id"]]


def test_form_same_idempotency_key_with_another_body_is_409(client: Any, frozen_now: Any) -> None:
    assert _post(client, alert_body(), "k-1").status_code == 202
    other = _post(client, alert_body(summary="Something else entirely"), "k-1")
    assert (other.status_code, other.json_body["field"]) == (409, "Idempotency-Key")


def test_sweep_queues_an_alert_stored_but_not_queued_once(client: Any, frozen_now: Any) -> None:
    outage = SendFails()
    assert _post(client, alert_body()).status_code == 503
    outage.heal()
    [stored] = _alert_items()
    clock.freeze(frozen_now + timedelta(minutes=10))
    _sweep(client)
    _sweep(client)
    assert _queued() == [stored["alert_id"]]


def test_form_thirty_posts_naming_one_reporter_are_one_alert_one_ack(client: Any, frozen_now: Any,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from chalice import local

    statuses = []
    for n in range(30):  # from 30 addresses: the per-client limit does not stop them
        monkeypatch.setattr(local.LambdaEventConverter, "LOCAL_SOURCE_IP", f"198.51.100.{n}")
        statuses.append(_post(client, alert_body(summary=f"Post {n}")).status_code)
    assert statuses == [202] * 30
    [alert] = _alert_items()
    assert len(alert["duplicates"]) == 29  # every post kept
    assert {d["summary"] for d in alert["duplicates"]} == {f"Post {n}" for n in range(1, 30)}
    assert _acks() == 1
    assert _queued() == [alert["alert_id"]]  # one alert queued: one incident, one room


def test_form_acknowledges_an_address_at_most_once_an_hour(client: Any, frozen_now: Any) -> None:
    assert _post(client, alert_body()).status_code == 202
    clock.freeze(frozen_now + timedelta(minutes=61))
    assert _post(client, alert_body(summary="A new one")).status_code == 202  # a new alert…
    assert len(_alert_items()) == 2
    assert _acks() == 2  # …acknowledged: the hour has passed
    clock.freeze(frozen_now + timedelta(minutes=62))
    _post(client, alert_body(reporter={"name": "K", "email": "KARI@customer.example", "kind": "customer"},
                             summary="x"))
    assert _acks() == 2


def test_form_past_the_per_client_limit_is_429_with_retry_after(client: Any, frozen_now: Any) -> None:
    answers = [_post(client, alert_body(reporter={"name": "R", "email": f"r{n}@x.example",
                                                  "kind": "customer"})) for n in range(12)]
    assert [a.status_code for a in answers[:10]] == [202] * 10
    limited = answers[10]
    assert limited.status_code == 429
    assert 0 < int(limited.headers["Retry-After"]) <= 600
    assert len(_alert_items()) == 10  # nothing half-written for the refused ones
    clock.freeze(frozen_now + timedelta(seconds=int(limited.headers["Retry-After"])))
    assert _post(client, alert_body(reporter={"name": "R", "email": "late@x.example",
                                              "kind": "customer"})).status_code == 202


def _mail(sender: str, key: str) -> str:
    from chalicelib.incidents import service

    msg = EmailMessage()
    msg["From"], msg["Subject"], msg["Message-ID"] = sender, "Leak", "<shared-id@c>"
    msg.set_content(f"from {sender}")
    bucket = config.get_settings().incidents.inbound_mail_bucket
    boto3.client("s3", region_name=REGION).put_object(Bucket=bucket, Key=key, Body=msg.as_bytes())
    return service.intake_mail(bucket, key)


def test_mail_same_message_id_from_another_sender_is_another_alert(client: Any, frozen_now: Any) -> None:
    victim = _mail("victim@customer.example", "inbound/v1")
    attacker = _mail("mallory@evil.example", "inbound/m1")
    assert victim != attacker
    assert "duplicates" not in {i["alert_id"]: i for i in _alert_items()}[victim]
    erase(client, email="mallory@evil.example")
    s3 = boto3.client("s3", region_name=REGION)
    bucket = config.get_settings().incidents.inbound_mail_bucket
    keys = [v["Key"] for v in s3.list_object_versions(Bucket=bucket).get("Versions", [])]
    assert keys == ["inbound/v1"]
    assert [i["alert_id"] for i in _alert_items()] == [victim]
