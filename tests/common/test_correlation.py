"""Log lines carry a correlation id: the API request id, the incident or alert id in the workflow."""
from __future__ import annotations

import io
import json
from types import SimpleNamespace
from typing import Any

import pytest

CONTEXT = SimpleNamespace(function_name="api_handler", memory_limit_in_mb=512, aws_request_id="lambda-1",
                          invoked_function_arn="arn:aws:lambda:eu-west-1:123456789012:function:x",
                          get_remaining_time_in_millis=lambda: 30000)


def _api_event(request_id: str) -> dict[str, Any]:
    return {"resource": "/v1/openapi.json", "path": "/v1/openapi.json", "httpMethod": "GET",
            "headers": {"Host": "127.0.0.1"}, "multiValueHeaders": {}, "queryStringParameters": None,
            "multiValueQueryStringParameters": None, "pathParameters": None, "stageVariables": None,
            "requestContext": {"resourcePath": "/v1/openapi.json", "httpMethod": "GET", "stage": "api",
                               "path": "/api/v1/openapi.json", "requestId": request_id,
                               "identity": {"sourceIp": "127.0.0.1"}},
            "body": None, "isBase64Encoded": False}


def test_api_request_sets_the_correlation_id_to_api_gateways_request_id(aws_stack: Any) -> None:
    from app import app
    from chalicelib.obs import logger

    answer = app(_api_event("req-7f3a"), CONTEXT)
    assert answer["statusCode"] == 200
    assert logger.get_correlation_id() == "req-7f3a"
    app(_api_event("req-9b1c"), CONTEXT)
    assert logger.get_correlation_id() == "req-9b1c"


@pytest.mark.parametrize(("body", "expected"), [
    ({"task": "no-such-task", "token": "t", "incident_id": "INC-2026-000042", "alert_id": "alt_1"},
     "INC-2026-000042"),
    ({"task": "no-such-task", "token": "t", "alert_id": "alt_9"}, "alt_9"),
])
def test_task_failure_is_logged_with_its_incident_or_alert_id(
    aws_stack: Any, body: dict[str, Any], expected: str
) -> None:
    from chalicelib.incidents import handlers
    from chalicelib.obs import logger

    record = {"messageId": "m1", "receiptHandle": "r", "body": json.dumps(body), "attributes": {},
              "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
              "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:q", "awsRegion": "eu-west-1"}
    written = io.StringIO()
    previous = logger.registered_handler.setStream(written)  # type: ignore[attr-defined]
    try:
        handlers.handle_tasks({"Records": [record]}, CONTEXT)
    finally:
        logger.registered_handler.setStream(previous)  # type: ignore[attr-defined]
    lines = [json.loads(line) for line in written.getvalue().splitlines()]
    failures = [line for line in lines if line.get("level") == "ERROR"]
    assert failures and all(line.get("correlation_id") == expected for line in failures)
