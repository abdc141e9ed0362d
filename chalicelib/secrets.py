"""Application secrets (signing key, per-product identity secrets) from Secrets Manager."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.errors import UnavailableError

_CACHE_SECONDS = 300
_cached: tuple[float, AppSecrets] | None = None


@dataclass(frozen=True)
class AppSecrets:
    signing_key: bytes
    identity_secrets: dict[str, str] = field(default_factory=dict)

    def identity_secret(self, product: str) -> str | None:
        return self.identity_secrets.get(product) or None


def get_app_secrets() -> AppSecrets:
    """The secrets, read at most once every five minutes per container."""
    global _cached
    if _cached and time.monotonic() - _cached[0] < _CACHE_SECONDS:
        return _cached[1]
    try:
        raw = aws.client("secretsmanager").get_secret_value(SecretId=get_settings().secrets_arn)
    except Exception as exc:  # any failure to read secrets is an outage, never a 500 with details
        raise UnavailableError("secrets are unavailable") from exc
    data = json.loads(raw["SecretString"])
    secrets = AppSecrets(
        signing_key=str(data["signing_key"]).encode(),
        identity_secrets=dict(data.get("identity_secrets") or {}),
    )
    _cached = (time.monotonic(), secrets)
    return secrets


def reset() -> None:
    global _cached
    _cached = None
