"""The one place boto3 clients are made: lazily, cached, pointed at moto when configured."""
from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

import boto3
from botocore.config import Config

from chalicelib.config import get_settings

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


def reset() -> None:
    """Drop every cached client (tests switch endpoints and mocks)."""
    for cached in (_session, client, _dynamodb, table):
        cached.cache_clear()
