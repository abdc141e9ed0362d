"""No 5xx from a client: bodies that break a parser, and AWS answering 'conflict' or 'slow down'.

Each AWS fault is injected with a botocore `before-call` hook on the real (moto) client: the call
never reaches moto and botocore raises the ClientError AWS would send.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError

from chalicelib import aws, http
from chalicelib.errors import ConflictError, InvalidInputError, UnavailableError, from_aws
from tests.incidents.builders import alert_body
from tests.surveys.builders import create_survey, response_body

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

PUBLIC_POSTS = ["/v1/responses", "/v1/incidents", "/v1/impressions", "/v1/declines", "/v1/admin/surveys"]
JSON_HEADERS = {"Content-Type": "application/json"}


def _nested(opening: str, closing: str, size: int) -> str:
    depth = size // (len(opening) + len(closing))
    return opening * depth + closing * depth


class FakeRequest:
    """What parse_body reads of a chalice Request."""

    def __init__(self, body: str | bytes) -> None:
        self.headers = {"content-type": "application/json"}
        self.raw_body = body


DEEP_BODIES = [
    "[" * 16_000,                                   # unbalanced: never closes
    _nested("[", "]", 16_000),                      # balanced, 8,000 deep
    _nested('{"a":', "}", 16_000),                  # objects, 2,600 deep
    '{"survey_id": "x", "user": {"id": "u", "url": ' + _nested("[", "]", 15_000) + "}}",
    '{"a": "\\\"' + "{" * 40 + '", "b": ' + _nested("[", "]", 68) + "}",  # an escaped quote ends nothing
]


@pytest.mark.parametrize("body", DEEP_BODIES)
def test_parse_body_deeply_nested_is_400_naming_body(body: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        http.parse_body(FakeRequest(body), {"type": ["object", "array"]})  # type: ignore[arg-type]
    assert raised.value.field == "body"
    assert "nested" in raised.value.problem


@pytest.mark.parametrize(("text", "depth"), [
    ("{}", 1), ("[[]]", 2), ('{"a": [1, {"b": []}]}', 4), ('"[[["', 0), ('["\\"", [[]]]', 3),
    ('["\\\\", [[]]]', 3), ('{"k": "\\"}{{{\\""}', 1), ("[]" * 50, 1),
])
def test_json_depth_counts_brackets_outside_strings(text: str, depth: int) -> None:
    assert http.json_depth(text) == depth


def test_parse_body_nesting_at_dynamodb_depth_is_parsed() -> None:
    """32 levels is what DynamoDB stores: a body that deep is parsed (the schema judges it)."""
    body = '{"user": ' + _nested("[", "]", 62) + ', "note": "' + "[{" * 100 + '"}'
    assert http.parse_body(FakeRequest(body), {"type": "object"}) == json.loads(body)  # type: ignore[arg-type]


@pytest.mark.parametrize("path", PUBLIC_POSTS)
def test_post_deeply_nested_body_is_400_naming_body(client: Any, path: str) -> None:
    result = client.http.post(path, body=_nested("[", "]", 16_000), headers=JSON_HEADERS)
    assert result.status_code == 400, result.body
    assert json.loads(result.body)["field"] == "body"


class AwsFault:
    """Makes the next DynamoDB call(s) of `operation` fail with an AWS error code."""

    def __init__(self) -> None:
        self.calls = 0

    def install(self, operation: str, code: str, reasons: list[str] | None = None,
                status: int = 400) -> None:
        def answer(**_: Any) -> tuple[Any, dict[str, Any]]:
            self.calls += 1
            parsed: dict[str, Any] = {"Error": {"Code": code, "Message": "injected for alice@example.com"},
                                      "ResponseMetadata": {"HTTPStatusCode": status}}
            if reasons is not None:
                parsed["CancellationReasons"] = [{"Code": r} for r in reasons]
            return _HttpAnswer(status), parsed

        for client in (aws.dynamodb_client(), aws.client("dynamodb")):
            client.meta.events.register(f"before-call.dynamodb.{operation}", answer)


class _HttpAnswer:
    def __init__(self, status: int) -> None:
        self.status_code = status
        self.headers: dict[str, str] = {}
        self.content = b""


@pytest.fixture
def fault(client: Any) -> Iterator[AwsFault]:
    yield AwsFault()
    aws.reset()


def _post_response(client: Any, survey_id: str) -> Any:
    return client.http.post("/v1/responses", body=json.dumps(response_body(survey_id)), headers=JSON_HEADERS)


def _post_alert(client: Any, survey_id: str) -> Any:
    return client.http.post("/v1/incidents", body=json.dumps(alert_body()), headers=JSON_HEADERS)


def _eligibility(client: Any, survey_id: str) -> Any:
    return client.http.get("/v1/eligibility?product=acme&user_id=u1&channel=in_app_web&locale=en")


def _client_error(code: str, reasons: list[str] | None = None, status: int = 400) -> ClientError:
    response: dict[str, Any] = {"Error": {"Code": code, "Message": "x"},
                                "ResponseMetadata": {"HTTPStatusCode": status}}
    if reasons is not None:
        response["CancellationReasons"] = [{"Code": r} for r in reasons]
    return ClientError(response, "TransactWriteItems")  # type: ignore[arg-type]


@pytest.mark.parametrize(("exc", "expected"), [
    (_client_error("TransactionCanceledException", ["None", "TransactionConflict"]), ConflictError),
    (_client_error("TransactionConflictException"), ConflictError),
    (_client_error("TransactionCanceledException", ["ThrottlingError", "None"]), UnavailableError),
    (_client_error("TransactionCanceledException", ["None", "ProvisionedThroughputExceeded"]), UnavailableError),
    (_client_error("ProvisionedThroughputExceededException"), UnavailableError),
    (_client_error("ThrottlingException"), UnavailableError),
    (_client_error("RequestLimitExceeded"), UnavailableError),
    (_client_error("Throttling"), UnavailableError),           # SES, SNS, STS spell it so
    (_client_error("SlowDown", status=503), UnavailableError),  # S3
    (_client_error("InternalServerError", status=500), UnavailableError),
    (_client_error("SomethingNew", status=503), UnavailableError),
    (EndpointConnectionError(endpoint_url="https://dynamodb"), UnavailableError),
    (ReadTimeoutError(endpoint_url="https://dynamodb"), UnavailableError),
])
def test_from_aws_retry_answers_become_409_or_503_with_retry_after(exc: Exception, expected: type) -> None:
    error = from_aws(exc)
    assert type(error) is expected
    assert error is not None and int(error.headers["Retry-After"]) >= 1


@pytest.mark.parametrize("exc", [
    _client_error("TransactionCanceledException", ["ConditionalCheckFailed", "None"]),
    _client_error("ConditionalCheckFailedException"),
    _client_error("ValidationException"),
    _client_error("AccessDeniedException"),
    KeyError("x"), RecursionError(),
])
def test_from_aws_other_errors_are_not_translated(exc: Exception) -> None:
    assert from_aws(exc) is None


@pytest.mark.parametrize(("operation", "code", "reasons", "status", "expected"), [
    ("TransactWriteItems", "TransactionCanceledException", ["None", "TransactionConflict", "None"], 400, 409),
    ("TransactWriteItems", "ProvisionedThroughputExceededException", None, 400, 503),
    ("GetItem", "ThrottlingException", None, 400, 503),
])
def test_response_aws_conflict_or_throttle_is_409_or_503_with_retry_after(
        client: Any, fault: AwsFault, frozen_now: Any, operation: str, code: str,
        reasons: list[str] | None, status: int, expected: int) -> None:
    survey = create_survey(client)["survey_id"]
    fault.install(operation, code, reasons, status)
    result = _post_response(client, survey)
    assert fault.calls >= 1
    assert result.status_code == expected, result.body
    assert int(result.headers["Retry-After"]) >= 1
    body = json.loads(result.body)
    assert body["error"] == ("conflict" if expected == 409 else "unavailable")
    assert "alice@example.com" not in result.body.decode()


@pytest.mark.parametrize("call", [_post_alert, _eligibility])
def test_other_routes_throttled_are_503_with_retry_after(
        client: Any, fault: AwsFault, frozen_now: Any, call: Callable[[Any, str], Any]) -> None:
    survey = create_survey(client)["survey_id"]
    for operation in ("GetItem", "PutItem", "Query", "TransactWriteItems", "UpdateItem"):
        fault.install(operation, "ThrottlingException")
    result = call(client, survey)
    assert result.status_code == 503, result.body
    assert int(result.headers["Retry-After"]) >= 1


def test_unhandled_aws_error_is_500_logged_by_class_and_code_only(
        client: Any, fault: AwsFault, frozen_now: Any, caplog: pytest.LogCaptureFixture) -> None:
    survey = create_survey(client)["survey_id"]
    fault.install("TransactWriteItems", "ValidationException")
    result = _post_response(client, survey)
    assert result.status_code == 500
    [record] = [r for r in caplog.records if r.getMessage() == "unhandled error"]
    assert record.error_code == "ValidationException"  # type: ignore[attr-defined]
    assert record.error_class.endswith("ClientError")  # type: ignore[attr-defined]
    assert record.exc_info is None and record.exc_text is None
    assert "alice@example.com" not in repr(vars(record))
