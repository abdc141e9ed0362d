"""chalicelib.secrets: read once per cache period, re-read after reset, an outage on failure."""
from __future__ import annotations

import json
from typing import Any

import pytest
from moto import mock_aws

from chalicelib import aws, config, secrets
from chalicelib.errors import UnavailableError


def _count_reads(calls: list[str]) -> None:
    def counted(**_kwargs: Any) -> None:
        calls.append("GetSecretValue")

    aws.client("secretsmanager").meta.events.register("before-call.secrets-manager.GetSecretValue", counted)


@pytest.fixture
def stored_secret(monkeypatch: pytest.MonkeyPatch) -> Any:
    with mock_aws():
        sm = aws.client("secretsmanager")
        arn = sm.create_secret(Name="app", SecretString=json.dumps(
            {"signing_key": "k1", "identity_secrets": {"acme": "s3cret", "blank": ""}}))["ARN"]
        monkeypatch.setenv("APP_SECRETS_ARN", arn)
        config.reset()
        yield sm, arn


def test_get_app_secrets_parses_the_json_secret(stored_secret: Any) -> None:
    got = secrets.get_app_secrets()
    assert got.signing_key == b"k1"
    assert got.identity_secret("acme") == "s3cret"
    assert got.identity_secret("blank") is None
    assert got.identity_secret("other") is None


def test_get_app_secrets_second_read_comes_from_the_cache(stored_secret: Any) -> None:
    calls: list[str] = []
    _count_reads(calls)
    secrets.get_app_secrets()
    secrets.get_app_secrets()
    assert calls == ["GetSecretValue"]


def test_get_app_secrets_after_reset_sees_a_rotated_secret(stored_secret: Any) -> None:
    sm, arn = stored_secret
    assert secrets.get_app_secrets().signing_key == b"k1"
    sm.put_secret_value(SecretId=arn, SecretString=json.dumps({"signing_key": "k2"}))
    assert secrets.get_app_secrets().signing_key == b"k1"
    secrets.reset()
    assert secrets.get_app_secrets().signing_key == b"k2"


def test_get_app_secrets_missing_secret_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    with mock_aws():
        monkeypatch.setenv("APP_SECRETS_ARN", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:gone")
        config.reset()
        with pytest.raises(UnavailableError):
            secrets.get_app_secrets()
