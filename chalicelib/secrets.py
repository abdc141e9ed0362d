"""Application secrets (signing key, per-product identity secrets) from Secrets Manager."""
from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.errors import UnavailableError

_CACHE_SECONDS = 300


@dataclass(frozen=True)
class AppSecrets:
    signing_key: bytes
    identity_secrets: dict[str, str] = field(default_factory=dict)

    def identity_secret(self, product: str) -> str | None:
        return self.identity_secrets.get(product) or None


def get_app_secrets() -> AppSecrets:
    """The secrets, read at most once every five minutes per container (Powertools' cache)."""
    try:
        data = aws.secrets_provider().get(get_settings().secrets_arn, transform="json", max_age=_CACHE_SECONDS)
    except Exception as exc:  # any failure to read secrets is an outage, never a 500 with details
        raise UnavailableError("secrets are unavailable") from exc
    return AppSecrets(
        signing_key=str(data["signing_key"]).encode(),
        identity_secrets=dict(data.get("identity_secrets") or {}),
    )


def reset() -> None:
    """Forget the cached secrets (tests rotate them): the provider, and its cache, go."""
    aws.secrets_provider.cache_clear()
