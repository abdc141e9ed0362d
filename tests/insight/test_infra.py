"""infra/insight.yaml as provisioned: dashboard, alarms, stream wiring."""

from __future__ import annotations

import json
from typing import Any

from chalicelib import aws
from devstack.template import chalice_overrides, load_template


def test_dashboard_provisioned_with_required_widgets(aws_stack: dict[str, Any]) -> None:
    name = aws_stack["InsightDashboard"]["Ref"]
    body = json.loads(aws.client("cloudwatch").get_dashboard(DashboardName=name)["DashboardBody"])
    titles = " | ".join(w["properties"]["title"] for w in body["widgets"])
    for wanted in ("NPS trend", "Response volume", "Dead-letter", "Open incidents", "Deadlines at risk"):
        assert wanted in titles


def test_alarms_provisioned(aws_stack: dict[str, Any]) -> None:
    names = {a["AlarmName"] for a in aws.client("cloudwatch").describe_alarms()["MetricAlarms"]}
    assert {aws_stack["WebhookDeadLetterAlarm"]["Ref"], aws_stack["FollowupsOverdueAlarm"]["Ref"]} <= names


def test_stream_handler_wired_to_feedback_stream_in_infra() -> None:
    events = chalice_overrides(load_template())["HandleFeedbackStream"]["Properties"]["Events"]
    source = events["HandleFeedbackStreamDynamodbEventSource"]["Properties"]
    assert source["Stream"] == {"Fn::GetAtt": ["FeedbackTable", "StreamArn"]}


def test_webhook_consumer_reports_batch_item_failures() -> None:
    events = chalice_overrides(load_template())["HandleWebhookDeliveries"]["Properties"]["Events"]
    assert events["HandleWebhookDeliveriesSqsEventSource"]["Properties"]["FunctionResponseTypes"] == [
        "ReportBatchItemFailures"
    ]


def test_stream_consumer_checkpoints_per_record_and_parks_what_still_fails(aws_stack: dict[str, Any]) -> None:
    events = chalice_overrides(load_template())["HandleFeedbackStream"]["Properties"]["Events"]
    source = events["HandleFeedbackStreamDynamodbEventSource"]["Properties"]
    assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert source["BisectBatchOnFunctionError"] is True
    assert 0 <= source["MaximumRetryAttempts"] <= 10
    assert source["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": ["StreamFailureQueue", "Arn"]}
    alarms = {a["AlarmName"]: a for a in aws.client("cloudwatch").describe_alarms()["MetricAlarms"]}
    alarm = alarms[aws_stack["StreamFailureAlarm"]["Ref"]]
    assert alarm["Dimensions"][0]["Value"] == aws_stack["StreamFailureQueue"]["QueueName"]
