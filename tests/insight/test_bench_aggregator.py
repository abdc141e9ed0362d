"""bench/aggregator.py's sharding: every record once, an item's records in one shard, in order."""
from __future__ import annotations

from bench.aggregator import _shard


def test_shard_keeps_each_items_records_together_and_in_order() -> None:
    records = [{"dynamodb": {"Keys": {"pk": {"S": f"RESP#{i % 7}"}}, "SequenceNumber": str(n)}}
               for n, i in enumerate(range(50))]
    shards = _shard(records, 4)
    assert sorted(r["dynamodb"]["SequenceNumber"] for s in shards for r in s) == sorted(
        r["dynamodb"]["SequenceNumber"] for r in records)
    for shard in shards:
        assert [int(r["dynamodb"]["SequenceNumber"]) for r in shard] == sorted(
            int(r["dynamodb"]["SequenceNumber"]) for r in shard)
    homes = {r["dynamodb"]["Keys"]["pk"]["S"]: k for k, s in enumerate(shards) for r in s}
    assert all(homes[r["dynamodb"]["Keys"]["pk"]["S"]] == k for k, s in enumerate(shards) for r in s)
