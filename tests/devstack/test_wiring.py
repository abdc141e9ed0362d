"""The local runner wires every handler the app registers, by the kind chalice records."""
from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from chalice import Chalice

from devstack.events import sqs_wiring
from devstack.template import chalice_overrides
from devstack.wiring import WiringError, parse_schedule, wiring
from tests.conftest import provisioned


@pytest.fixture
def infra(monkeypatch: pytest.MonkeyPatch) -> Any:
    with provisioned(monkeypatch) as provisioner:
        yield provisioner


def _untyped(template: dict[str, Any]) -> dict[str, Any]:
    """infra/ with every `Type` removed from the overrides of chalice's functions' events."""
    template = copy.deepcopy(template)
    for override in chalice_overrides(template).values():
        for event in (override.get("Properties") or {}).get("Events", {}).values():
            event.pop("Type", None)
    return template


def test_wiring_webhook_deliveries_reads_their_queue_without_a_type_in_infra(infra: Any) -> None:
    from app import app

    wired = {w["handler"]: w["queue_arn"] for w in sqs_wiring(app, _untyped(infra.template), infra.resolver)}
    assert wired["handle_webhook_deliveries"] == infra.resolver.attrs["WebhookQueue"]["Arn"]


def test_wiring_covers_every_event_source_the_app_registers(infra: Any) -> None:
    from app import app

    wires = wiring(app, infra.template, infra.resolver)
    assert sorted(w.handler for w in wires) == sorted(s.name for s in app.event_sources)
    kinds = {w.handler: w.kind for w in wires}
    assert (kinds["handle_feedback_stream"], kinds["handle_webhook_deliveries"], kinds["council_monthly_job"]) == (
        "stream", "sqs", "schedule")
    stream = next(w for w in wires if w.kind == "stream")
    assert stream.arn == infra.resolver.attrs["FeedbackTable"]["StreamArn"]


def test_wiring_handler_of_a_kind_the_runner_cannot_deliver_stops_the_start(infra: Any) -> None:
    toy = Chalice(app_name="toy")

    @toy.on_sns_message(topic="alerts")
    def on_topic(event: Any) -> None:
        return None

    with pytest.raises(WiringError, match="on_topic"):
        wiring(toy, {}, infra.resolver)


def test_wiring_sqs_handler_whose_queue_is_not_provisioned_stops_the_start(infra: Any) -> None:
    toy = Chalice(app_name="toy")

    @toy.on_sqs_message(queue="nowhere")
    def lost(event: Any) -> None:
        return None

    with pytest.raises(WiringError, match="lost"):
        wiring(toy, {}, infra.resolver)


def test_wiring_infra_override_of_another_kind_stops_the_start(infra: Any) -> None:
    from app import app

    template = copy.deepcopy(infra.template)
    template["Resources"]["HandleWebhookDeliveries"]["Properties"]["Events"][
        "HandleWebhookDeliveriesSqsEventSource"]["Type"] = "DynamoDB"
    with pytest.raises(WiringError, match="handle_webhook_deliveries"):
        wiring(app, template, infra.resolver)


def test_wiring_infra_events_for_a_function_the_app_lacks_stops_the_start(infra: Any) -> None:
    from app import app

    template = copy.deepcopy(infra.template)
    template["Resources"]["HandleGone"] = {"Properties": {"Events": {"E": {"Properties": {"Queue": "x"}}}}}
    with pytest.raises(WiringError, match="HandleGone"):
        wiring(app, template, infra.resolver)


def test_schedule_cron_of_the_monthly_council_pack_fires_on_the_first_at_six() -> None:
    schedule = parse_schedule("cron(0 6 1 * ? *)")
    assert schedule.matches(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
    assert not schedule.matches(datetime(2026, 12, 1, 6, 1, tzinfo=UTC))
    assert not schedule.matches(datetime(2026, 12, 2, 6, 0, tzinfo=UTC))


def test_schedule_cron_weekday_names_and_steps_follow_eventbridge() -> None:
    weekdays = parse_schedule("cron(0/15 8-17 ? * MON-FRI *)")
    assert weekdays.matches(datetime(2026, 11, 30, 8, 45, tzinfo=UTC))  # a Monday
    assert not weekdays.matches(datetime(2026, 11, 29, 8, 45, tzinfo=UTC))  # a Sunday
    assert not weekdays.matches(datetime(2026, 11, 30, 8, 50, tzinfo=UTC))
    assert parse_schedule("cron(0 12 ? * 1 *)").matches(datetime(2026, 11, 29, 12, 0, tzinfo=UTC))  # 1 = SUN


def test_schedule_rate_is_a_period_in_seconds() -> None:
    assert (parse_schedule("rate(15 minutes)").period, parse_schedule("rate(1 day)").period) == (900, 86400)


@pytest.mark.parametrize("expression", ["cron(0 6 L * ? *)", "cron(0 6 ? * 2#1 *)", "cron(0 6 * *)", "every day"])
def test_schedule_the_runner_cannot_evaluate_is_refused(expression: str) -> None:
    with pytest.raises(ValueError, match="cron|rate"):
        parse_schedule(expression)


def test_wiring_s3_handler_of_a_provisioned_bucket_is_polled(infra: Any) -> None:
    toy = Chalice(app_name="toy")
    bucket = infra.resolver.attrs["InboundMailBucket"]["Ref"]

    @toy.on_s3_event(bucket=bucket, prefix="inbound/")
    def on_mail(event: Any) -> None:
        return None

    (wire,) = wiring(toy, {}, infra.resolver)
    assert (wire.kind, wire.bucket, wire.prefix) == ("s3", bucket, "inbound/")
