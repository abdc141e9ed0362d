"""Privacy storage: the audit log of rights requests in PrivacyTable (its own retention).

Keys: AUD#<keyed hash of one identifier> / <received_at>#<request_id>. A request naming a
person two ways (user id and e-mail) is written under both hashes, so either finds it later.
The person is never named: no user id, no e-mail, only HMACs with the signing key.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Key

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.surveys.store import TTL, is_live, plain

if TYPE_CHECKING:
    from datetime import datetime


def _table() -> Any:
    return aws.table(get_settings().privacy_table)


def put_audit(entry: dict[str, Any], identifier_hashes: list[str], expires_at: int) -> None:
    """One audit item per identifier hash, each with the TTL of the audit log."""
    with _table().batch_writer() as batch:
        for digest in identifier_hashes:
            batch.put_item(Item={"pk": f"AUD#{digest}", "sk": f"{entry['received_at']}#{entry['request_id']}",
                                 **entry, TTL: expires_at})


def query_audit(identifier_hashes: list[str], now: datetime) -> list[dict[str, Any]]:
    """Every live audit entry under any of the hashes, oldest first, each request once."""
    found: dict[str, dict[str, Any]] = {}
    for digest in identifier_hashes:
        for item in aws.query_all(get_settings().privacy_table, KeyConditionExpression=Key("pk").eq(f"AUD#{digest}")):
            if is_live(item, now):
                entry = plain(item)
                found[entry["request_id"]] = {k: v for k, v in entry.items() if k not in ("pk", "sk")}
    return sorted(found.values(), key=lambda e: (e["received_at"], e["request_id"]))
