"""DynamoDB request units per call, from the items a run wrote and read (bench/cost.py prices them).

On-demand billing, as AWS documents it: a write is 1 WRU per KB of the item (2 in a transaction),
plus one write per secondary index the item is in; a read is 1 RRU per 4 KB when strongly consistent,
half that when eventually consistent, twice that in a transaction; a Query rounds its whole page.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.record import Call


def attribute_bytes(value: Any) -> int:
    """DynamoDB's size of one attribute value (AttributeValue wire form), as its docs count it."""
    (kind, inner), = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        digits = inner.lstrip("-").replace(".", "").strip("0") or "0"
        return (len(digits) + 1) // 2 + 1
    if kind == "B":
        return len(inner)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind in ("SS", "NS", "BS"):
        return sum(attribute_bytes({kind[0]: v}) for v in inner)
    if kind == "L":
        return 3 + sum(1 + attribute_bytes(v) for v in inner)
    return 3 + sum(len(k.encode()) + 1 + attribute_bytes(v) for k, v in inner.items())  # M


def item_bytes(item: dict[str, Any]) -> int:
    """An item's size from its Python form (what the app passes boto3's resource layer)."""
    from boto3.dynamodb.types import TypeSerializer

    serialise = TypeSerializer().serialize
    return sum(len(k.encode()) + attribute_bytes(serialise(v)) for k, v in item.items())


@dataclass(frozen=True)
class Table:
    keys: tuple[str, ...]
    indexes: tuple[tuple[str, ...], ...]  # each GSI's key attributes


class DynamoUnits:
    """Request units per call, from the items the run wrote and read (their sizes, their indexes)."""

    def __init__(self, tables: dict[str, Table]) -> None:
        self.tables = tables
        self.items: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = {}  # the last version seen

    def _key(self, table: str, item: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
        return table, tuple(str(item.get(k)) for k in self.tables[table].keys)

    def _seen(self, table: str, items: list[dict[str, Any]]) -> int:
        from boto3.dynamodb.types import TypeDeserializer

        size = 0
        for wire in items:
            item = {k: TypeDeserializer().deserialize(v) for k, v in wire.items()}
            self.items[self._key(table, item)] = item
            size += item_bytes(item)
        return size

    def _write(self, table: str, item: dict[str, Any], factor: int) -> float:
        """One item written: its KBs (×2 in a transaction), plus one write per index it is in."""
        units = math.ceil(max(item_bytes(item), 1) / 1024)
        indexed = sum(all(k in item for k in index) for index in self.tables[table].indexes)
        return units * factor + units * indexed

    def _known(self, table: str, key: dict[str, Any]) -> dict[str, Any]:
        return self.items.get(self._key(table, key)) or dict(key)

    def units(self, call: Call) -> tuple[float, float]:
        """(read units, write units) one DynamoDB call consumed."""
        p, r, op = call.params, call.response, call.operation
        read = 1.0 if p.get("ConsistentRead") else 0.5
        if op == "GetItem":
            return read * math.ceil(max(self._seen(p["TableName"], [r["Item"]] if "Item" in r else []), 1) / 4096), 0
        if op == "BatchGetItem":
            total = 0.0
            for table, request in p["RequestItems"].items():
                read = 1.0 if request.get("ConsistentRead") else 0.5
                found = {self._key(table, i): i for i in r.get("Responses", {}).get(table, [])}
                self._seen(table, list(found.values()))
                total += read * len(request["Keys"])  # each key one read (≤ 4 KB here), found or not
            return total, 0
        if op in ("Query", "Scan"):
            size = self._seen(p["TableName"], r.get("Items", []))
            return read * max(math.ceil(size / 4096), 1), 0
        if op == "PutItem":
            self.items[self._key(p["TableName"], p["Item"])] = p["Item"]
            return 0, self._write(p["TableName"], p["Item"], 1)
        if op in ("UpdateItem", "DeleteItem"):
            return 0, self._write(p["TableName"], self._known(p["TableName"], p["Key"]), 1)
        if op == "TransactWriteItems":
            return 0, sum(self._transact(action) for action in p["TransactItems"])
        if op == "TransactGetItems":
            return 2.0 * len(p["TransactItems"]), 0
        if op == "BatchWriteItem":
            return 0, sum(self._write(t, w.get("PutRequest", {}).get("Item") or self._known(
                t, w["DeleteRequest"]["Key"]), 1) for t, ws in p["RequestItems"].items() for w in ws)
        return 0, 0  # DescribeTable and the like: not billed per request

    def _transact(self, action: dict[str, Any]) -> float:
        (kind, body), = action.items()
        if kind == "Put":
            self.items[self._key(body["TableName"], body["Item"])] = body["Item"]
            return self._write(body["TableName"], body["Item"], 2)
        if kind == "ConditionCheck":
            return 2.0
        return self._write(body["TableName"], self._known(body["TableName"], body["Key"]), 2)
