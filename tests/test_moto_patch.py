"""devstack/moto_patches.py: TransactWriteItems rolls back like moto's own, without copying tables."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends

from devstack import moto_patches

TABLE = "t"


def test_patched_method_is_still_the_one_in_the_pinned_moto() -> None:
    # Fails when a moto upgrade changes transact_write_items: review the patch, then re-pin the hash.
    assert moto_patches.original_source_digest() == moto_patches.PATCHED_SOURCE_SHA256


@pytest.fixture(params=["moto", "patched"])
def implementation(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    method = moto_patches._ORIGINAL if request.param == "moto" else moto_patches.transact_write_items
    monkeypatch.setattr(DynamoDBBackend, "transact_write_items", method)
    return str(request.param)


@pytest.fixture
def ddb(implementation: str) -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-west-1")
        client.create_table(
            TableName=TABLE, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        client.put_item(TableName=TABLE, Item=_item("a", "1", n=1))
        client.put_item(TableName=TABLE, Item=_item("b", "1", n=1))
        yield client


def _item(pk: str, sk: str, **attrs: int) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}, **{k: {"N": str(v)} for k, v in attrs.items()}}


def _key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def _state(client: Any) -> tuple[list[Any], int]:
    items = sorted(client.scan(TableName=TABLE)["Items"], key=lambda i: (i["pk"]["S"], i["sk"]["S"]))
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"]
    return items, len(backend.get_table(TABLE).stream_shard.items)


FAILING = [
    {"Put": {"TableName": TABLE, "Item": _item("c", "1", n=1)}},  # a new item
    {"Update": {"TableName": TABLE, "Key": _key("a", "1"), "UpdateExpression": "ADD n :one",
                "ExpressionAttributeValues": {":one": {"N": "1"}}}},  # an existing one, changed in place
    {"Delete": {"TableName": TABLE, "Key": _key("b", "1")}},  # one removed
    {"Put": {"TableName": TABLE, "Item": _item("d", "1"), "ConditionExpression": "attribute_exists(pk)"}},
]


def test_failed_transaction_leaves_items_and_stream_as_they_were(ddb: Any) -> None:
    before = _state(ddb)
    with pytest.raises(ClientError) as failed:
        ddb.transact_write_items(TransactItems=FAILING)
    assert failed.value.response["Error"]["Code"] == "TransactionCanceledException"
    reasons = [r["Code"] for r in failed.value.response["CancellationReasons"]]
    assert reasons == ["None", "None", "None", "ConditionalCheckFailed"]
    assert _state(ddb) == before


def test_two_operations_on_one_item_are_refused_and_undone(ddb: Any) -> None:
    before = _state(ddb)
    with pytest.raises(ClientError):
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": TABLE, "Item": _item("c", "1", n=1)}},
            {"Delete": {"TableName": TABLE, "Key": _key("c", "1")}},
        ])
    assert _state(ddb) == before


def test_successful_transaction_writes_every_item_and_its_stream_records(ddb: Any) -> None:
    ddb.transact_write_items(TransactItems=FAILING[:3])
    items, stream_length = _state(ddb)
    assert [(i["pk"]["S"], i.get("n", {}).get("N")) for i in items] == [("a", "2"), ("c", "1")]
    assert stream_length == 2 + 3


def test_condition_failure_returns_the_old_item_when_asked(ddb: Any) -> None:
    with pytest.raises(ClientError) as failed:
        ddb.transact_write_items(TransactItems=[{"Update": {
            "TableName": TABLE, "Key": _key("a", "1"), "UpdateExpression": "SET n = :two",
            "ConditionExpression": "n = :two", "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            "ExpressionAttributeValues": {":two": {"N": "2"}}}}])
    assert failed.value.response["CancellationReasons"][0]["Item"] == _item("a", "1", n=1)


def test_patched_rollback_keeps_the_table_object(ddb: Any, implementation: str) -> None:
    # moto swaps in a deep copy on rollback (a stream reader then holds a dead shard); the patch does not.
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"]
    table = backend.get_table(TABLE)
    with pytest.raises(ClientError):
        ddb.transact_write_items(TransactItems=FAILING)
    assert (backend.get_table(TABLE) is table) == (implementation == "patched")


def test_apply_installs_the_patch_once() -> None:
    moto_patches.apply()
    moto_patches.apply()
    assert DynamoDBBackend.transact_write_items is moto_patches.transact_write_items
