"""Settings caps and signed tokens."""
from __future__ import annotations

from typing import Any

import pytest

from chalicelib import signing
from chalicelib.config import MAX_RETENTION_DAYS, get_settings


def test_settings_retention_longer_than_three_years_is_capped(set_env: Any) -> None:
    set_env(RETENTION_DAYS="5000")
    assert get_settings().retention_days == MAX_RETENTION_DAYS


def test_settings_retention_may_be_shortened(set_env: Any) -> None:
    set_env(RETENTION_DAYS="365")
    assert get_settings().retention_days == 365


def test_settings_wildcard_cors_in_prod_is_refused(set_env: Any) -> None:
    set_env(STAGE="prod", CORS_ORIGINS="*")
    with pytest.raises(ValueError, match="CORS"):
        get_settings()


def test_verify_signed_token_returns_payload() -> None:
    token = signing.sign({"a": 1}, b"k")
    assert signing.verify(token, b"k") == {"a": 1}


@pytest.mark.parametrize("tamper", [lambda t: t + "x", lambda t: "x" + t, lambda t: t.replace(".", ""),
                                    lambda t: "", lambda t: "a.b.c"])
def test_verify_tampered_token_returns_none(tamper: Any) -> None:
    assert signing.verify(tamper(signing.sign({"a": 1}, b"k")), b"k") is None


def test_verify_token_signed_with_other_key_returns_none() -> None:
    assert signing.verify(signing.sign({"a": 1}, b"other"), b"k") is None


def test_is_user_hash_valid_matches_hex_hmac_only() -> None:
    good = signing.user_hash("secret", "u1")
    assert signing.is_user_hash_valid("secret", "u1", good)
    assert signing.is_user_hash_valid("secret", "u1", good.upper())
    assert not signing.is_user_hash_valid("secret", "u2", good)
    assert not signing.is_user_hash_valid("secret", "u1", None)
