"""chalicelib.aws's shared DynamoDB helpers: BatchGetItem's unprocessed keys and paged queries."""
from __future__ import annotations

from typing import Any

import boto3
import pytest
from boto3.dynamodb.conditions import Key
from moto import mock_aws

from chalicelib import aws
from chalicelib.errors import UnavailableError


class _ThrottledDynamo:
    """Answers BatchGetItem with every key unprocessed for the first `busy` calls (moto never does)."""

    def __init__(self, busy: int) -> None:
        self.busy = busy
        self.calls: list[int] = []

    def batch_get_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:  # noqa: N803 (boto3's name)
        (table, request), = RequestItems.items()
        self.calls.append(len(request["Keys"]))
        if len(self.calls) <= self.busy:
            return {"Responses": {table: []}, "UnprocessedKeys": RequestItems}
        return {"Responses": {table: [{**k, "found": True} for k in request["Keys"]]}, "UnprocessedKeys": {}}


def test_batch_get_items_unprocessed_keys_retried_with_growing_waits() -> None:
    waits: list[float] = []
    fake = _ThrottledDynamo(busy=3)
    keys = [{"pk": f"K#{i}", "sk": "K"} for i in range(3)]
    items = aws.batch_get_items("T", keys, sleep=waits.append, db=fake)
    assert sorted(i["pk"] for i in items) == ["K#0", "K#1", "K#2"]
    assert len(fake.calls) == 4
    assert len(waits) == 3
    assert waits[0] > 0
    assert waits[0] < waits[1] < waits[2]


def test_batch_get_items_always_throttled_gives_up_as_unavailable_after_a_bound() -> None:
    waits: list[float] = []
    fake = _ThrottledDynamo(busy=10_000)
    with pytest.raises(UnavailableError):
        aws.batch_get_items("T", [{"pk": "K#1", "sk": "K"}], sleep=waits.append, db=fake)
    assert 2 <= len(fake.calls) <= 10
    assert sum(waits) < 30  # bounded well inside a Lambda's timeout


def test_batch_get_items_asks_at_most_100_keys_per_call() -> None:
    fake = _ThrottledDynamo(busy=0)
    keys = [{"pk": f"K#{i}", "sk": "K"} for i in range(250)]
    items = aws.batch_get_items("T", keys, sleep=lambda _s: None, db=fake)
    assert len(items) == 250
    assert fake.calls == [100, 100, 50]


def test_query_all_follows_every_page_with_python_types() -> None:
    with mock_aws():
        boto3.client("dynamodb", region_name="eu-west-1").create_table(
            TableName="T", BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "S"}])
        with aws.table("T").batch_writer() as batch:
            for i in range(25):
                batch.put_item(Item={"pk": "P", "sk": f"{i:03}", "n": i})
        items = list(aws.query_all("T", KeyConditionExpression=Key("pk").eq("P"), Limit=4))
        pages = list(aws.pages("query", "T", KeyConditionExpression=Key("pk").eq("P"), Limit=4))
    assert [int(i["n"]) for i in items] == list(range(25))
    assert len(pages) >= 7
