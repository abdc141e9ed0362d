"""Insight storage of webhook endpoints (InsightTable `HOOK#<product>` / `HOOK`)."""

from __future__ import annotations

from typing import Any

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.surveys.store import _dynamo, plain


def _table() -> Any:
    return aws.table(get_settings().insight_table)


def put_webhook(product: str, hook: dict[str, Any]) -> None:
    _table().put_item(Item=_dynamo({**hook, "pk": f"HOOK#{product}", "sk": "HOOK", "product": product}))


def get_webhook(product: str) -> dict[str, Any] | None:
    item = _table().get_item(Key={"pk": f"HOOK#{product}", "sk": "HOOK"}).get("Item")
    if not item:
        return None
    hook = plain(item)
    hook.pop("pk", None)
    hook.pop("sk", None)
    return dict(hook)
