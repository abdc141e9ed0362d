"""Signed tokens (HMAC-SHA256) for throttle cookies and links; pure, the key is an argument."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(payload: dict[str, Any], key: bytes) -> str:
    """`payload.signature`, both base64url; the payload stays readable to the banner."""
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    return f"{body}.{_b64(hmac.new(key, body.encode(), hashlib.sha256).digest())}"


def verify(token: str, key: bytes) -> dict[str, Any] | None:
    """The payload of a token we signed; None for anything forged or malformed.

    The signature is compared as the one string `sign` writes, not as decoded bytes: base64 decoding
    ignores the last character's unused bits (and, unvalidated, characters outside the alphabet), so
    several spellings would decode to the same bytes and a tampered link could still verify.
    """
    try:
        body, signature = token.split(".")
        expected = _b64(hmac.new(key, body.encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(expected.encode(), signature.encode()):
            return None
        payload = json.loads(_unb64(body))
    except (ValueError, TypeError):
        return None
    return payload if isinstance(payload, dict) else None


def user_hash(secret: str, user_id: str) -> str:
    """Hex HMAC-SHA256(secret, user_id): what a product's backend gives its banner."""
    return hmac.new(secret.encode(), user_id.encode(), hashlib.sha256).hexdigest()


def is_user_hash_valid(secret: str, user_id: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(user_hash(secret, user_id), str(given).lower())


def keyed_hash(key: bytes, value: str) -> str:
    """A stable pseudonym for `value` that cannot be reversed without the key."""
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def sign_link(kind: str, fields: dict[str, Any], expires_at: int, key: bytes) -> str:
    """A link token of `kind` (e-mail survey score, opt-out) valid until `expires_at` (epoch s)."""
    return sign({**fields, "k": kind, "x": int(expires_at)}, key)


def read_link(token: str, kind: str, now: int, key: bytes) -> tuple[str, dict[str, Any] | None]:
    """('ok', payload) for a valid token of `kind`; ('expired', payload) past it; ('invalid', None)."""
    payload = verify(token, key) if 0 < len(token) <= 2048 else None
    if not payload or payload.get("k") != kind or not isinstance(payload.get("x"), int):
        return "invalid", None
    return ("ok" if now < payload["x"] else "expired"), payload
