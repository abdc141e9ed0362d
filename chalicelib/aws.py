"""The one place boto3 clients are made: lazily, cached, pointed at moto when configured."""
from __future__ import annotations

import time
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

from chalicelib.config import get_settings
from chalicelib.errors import UnavailableError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

_BOTO_CONFIG = Config(
    retries={"max_attempts": 3, "mode": "standard"},
    connect_timeout=2,
    read_timeout=5,
)


@lru_cache(maxsize=1)
def _session() -> boto3.session.Session:
    return boto3.session.Session(region_name=get_settings().region)


@cache
def client(service: str) -> Any:
    """A low-level client for `service`, made on first use and reused across invocations."""
    settings = get_settings()
    config = _BOTO_CONFIG
    if service == "dynamodbstreams":  # its account-based endpoint is one moto does not route
        config = config.merge(Config(account_id_endpoint_mode="disabled"))
    return _session().client(service, endpoint_url=settings.endpoint_url, config=config)


@lru_cache(maxsize=1)
def _dynamodb() -> Any:
    settings = get_settings()
    return _session().resource("dynamodb", endpoint_url=settings.endpoint_url, config=_BOTO_CONFIG)


@cache
def table(name: str) -> Any:
    """A DynamoDB Table resource (Python types in and out)."""
    return _dynamodb().Table(name)


def dynamodb_client() -> Any:
    """The Table resources' own client: it takes Python types, e.g. for transactions."""
    return _dynamodb().meta.client


@lru_cache(maxsize=1)
def secrets_provider() -> Any:
    """Powertools' Secrets Manager provider (its own max_age cache) on our client; made on first use."""
    from aws_lambda_powertools.utilities.parameters import SecretsProvider  # only where secrets are read

    return SecretsProvider(boto3_client=client("secretsmanager"))


def pages(operation: str, table_name: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
    """Every page of a DynamoDB `query` or `scan` (boto3's paginator follows LastEvaluatedKey).

    It runs on the Table resources' client, so keys, conditions (`Key(...)`) and items are
    Python types, as with `table(...).query`.
    """
    yield from dynamodb_client().get_paginator(operation).paginate(TableName=table_name, **kwargs)


def query_all(table_name: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
    """Every item a Query matches, page after page."""
    for page in pages("query", table_name, **kwargs):
        yield from page.get("Items", [])


# BatchGetItem hands back what it could not read (throttling, 16 MB) as UnprocessedKeys; AWS asks
# for exponential backoff before asking again. Bounded: after the last try it is an outage.
BATCH_GET_TRIES = 8
BATCH_GET_FIRST_DELAY = 0.05


def batch_get_items(table_name: str, keys: list[dict[str, Any]], *, consistent: bool = False,
                    sleep: Callable[[float], object] = time.sleep, db: Any = None) -> list[dict[str, Any]]:
    """Items by key: one BatchGetItem per 100 keys, unprocessed keys retried with backoff.

    `sleep` and `db` (a client taking Python types) are there for tests: no real waits, a fake
    that answers with UnprocessedKeys (moto never does).
    """
    db = db or dynamodb_client()
    found: list[dict[str, Any]] = []
    for start in range(0, len(keys), 100):
        request: dict[str, Any] = {table_name: {"Keys": keys[start:start + 100], "ConsistentRead": consistent}}
        for attempt in range(BATCH_GET_TRIES):
            if attempt:
                sleep(BATCH_GET_FIRST_DELAY * 2 ** (attempt - 1))
            page = db.batch_get_item(RequestItems=request)
            found += page.get("Responses", {}).get(table_name, [])
            request = page.get("UnprocessedKeys") or {}
            if not request:
                break
        else:
            raise UnavailableError("the database is busy; try again shortly")
    return found


def reset() -> None:
    """Drop every cached client (tests switch endpoints and mocks)."""
    for cached in (_session, client, _dynamodb, table, secrets_provider):
        cached.cache_clear()
