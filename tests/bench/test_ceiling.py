"""The local ceiling's floor and seeding (bench/ceiling.py, raw_flow.py, served.py): counted, not timed."""
from __future__ import annotations

from json import dumps, loads
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

import boto3
import pytest

from bench import ceiling, raw_flow, served
from devstack.stack import _seed_demo

pytestmark = pytest.mark.usefixtures("aws_stack")


def _shape(operation_name: str, params: dict[str, Any]) -> tuple[str, ...]:
    """A call as the floor must repeat it: its name, and for a transaction what each item does."""
    if operation_name == "TransactWriteItems":
        return (operation_name, *(next(iter(item)) for item in params["TransactItems"]))
    if operation_name == "BatchGetItem":
        return (operation_name, *(str(len(v["Keys"])) for v in params["RequestItems"].values()))
    return (operation_name,)


class _InProcess:
    """What bench/ceiling.http_flow needs of requests.Session, served by chalice's test client."""

    def __init__(self, client: Any, seen: list[tuple[str, ...]]) -> None:
        self.client, self.seen = client, seen
        self.calls: dict[str, list[tuple[str, ...]]] = {}

    def _send(self, method: str, url: str, params: dict[str, str] | None = None, json: Any = None,
              headers: dict[str, str] | None = None, **_: Any) -> Any:
        path = url + ("?" + urlencode(params) if params else "")
        self.seen.clear()
        answer = getattr(self.client.http, method)(path, body=dumps(json) if json is not None else b"",
                                                   headers={"Content-Type": "application/json", **(headers or {})})
        operation = {"/v1/eligibility": "eligibility", "/v1/impressions": "impression",
                     "/v1/responses": "score"}.get(url, "comment")
        self.calls[operation] = list(self.seen)
        return SimpleNamespace(status_code=answer.status_code, json=lambda: loads(answer.body), url=path,
                               request=SimpleNamespace(method=method.upper()))

    def get(self, url: str, **kwargs: Any) -> Any:
        return self._send("get", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Any:
        return self._send("post", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> Any:
        return self._send("patch", url, **kwargs)


def test_the_raw_floor_makes_the_calls_the_apps_banner_flow_makes(client: Any) -> None:
    from chalicelib import aws

    seen: list[tuple[str, ...]] = []
    aws._session().events.register("provide-client-params.dynamodb",
                                   lambda params, model, **_: seen.append(_shape(model.name, params)))
    _seed_demo()
    http = _InProcess(client, seen)
    ceiling.http_flow(http, "", "warm-up")  # a function's first request also reads its secret
    ceiling.http_flow(http, "", "measured")
    app_calls = http.calls

    from chalicelib.config import get_settings

    settings = get_settings()
    tables = raw_flow.Tables(feedback=settings.feedback_table, surveys=settings.surveys_table)
    raw = boto3.client("dynamodb", region_name="eu-west-1")
    raw_calls: dict[str, list[tuple[str, ...]]] = {}
    for operation, method, kwargs in raw_flow.calls(tables, "raw-user"):
        getattr(raw, method)(**kwargs)  # each call succeeds against the same tables
        name = raw.meta.method_to_api_mapping[method]
        raw_calls.setdefault(operation, []).append(_shape(name, kwargs))
    assert raw_calls == app_calls
    assert sorted(raw_flow.flow(raw, tables, "raw-user-2")) == sorted(ceiling.OPERATIONS)  # timed per operation


def test_seeded_responses_are_stored_without_stream_records() -> None:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    from chalicelib.config import get_settings

    name = get_settings().feedback_table
    table = dynamodb_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"].get_table(name)
    records = len(table.stream_shard.items)
    served.seed_responses(30, name)
    db = boto3.client("dynamodb", region_name="eu-west-1")
    found = db.get_item(TableName=name, Key={"pk": {"S": f"RESP#{29:032x}"}, "sk": {"S": "RESP"}})["Item"]
    assert found["product"] == {"S": "seed"}
    assert db.describe_table(TableName=name)["Table"]["ItemCount"] == 30
    assert len(table.stream_shard.items) == records
    assert table.stream_shard is not None
    with pytest.raises(db.exceptions.ClientError, match="Item size has exceeded"):  # moto's size check is back
        db.put_item(TableName=name, Item={"pk": {"S": "big"}, "sk": {"S": "x"}, "blob": {"S": "x" * 410_000}})


def test_percentiles_of_a_known_sample() -> None:
    # statistics.quantiles (exclusive) of 1..100 puts the k-th of 99 cut points at k * 101 / 100.
    assert ceiling.percentiles([float(i) for i in range(1, 101)]) == (50.5, pytest.approx(95.95), pytest.approx(99.99))


def test_a_failed_flow_is_an_error_not_a_time() -> None:
    tally = ceiling.Tally()
    tally.add({"eligibility": 0.01, "impression": 0.02}, None)
    tally.add({}, "AssertionError: POST /v1/impressions: 500")
    assert tally.flows == [pytest.approx(0.03)]
    assert (tally.errors, tally.requests) == (["AssertionError: POST /v1/impressions: 500"], 2)
