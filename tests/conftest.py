"""Shared fixtures: fake AWS, infra/ provisioned into moto, a frozen clock, the app's client."""
from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest

from devstack import moto_patches

if TYPE_CHECKING:
    from collections.abc import Iterator

NOW = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)
moto_patches.apply()  # transactions cost O(items touched), not O(table): see devstack/moto_patches.py


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No real AWS, no endpoint override (mock_aws must intercept), fresh caches."""
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "trustloop")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "trustloop")
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    # Tests are a local run: products without an identity secret accept user ids (issue 11.2);
    # tests/surveys/test_identity.py turns it off to check the deployed behaviour.
    monkeypatch.setenv("ALLOW_UNVERIFIED_IDENTITY", "true")
    _reset_caches()
    yield
    _reset_caches()


def _reset_caches() -> None:
    from chalicelib import aws, clock, config, secrets
    from chalicelib.obs import metrics
    from chalicelib.surveys import service

    config.reset()
    aws.reset()
    secrets.reset()
    service.forget_catalogue()
    clock.freeze(None)
    # Disabled metrics are never flushed: without this, a metric's 100th value across tests makes
    # Powertools serialise it mid-test (and fail without a namespace).
    metrics.clear_metrics()


@pytest.fixture
def frozen_now() -> Iterator[datetime]:
    from chalicelib import clock

    clock.freeze(NOW)
    yield NOW
    clock.freeze(None)


@contextmanager
def provisioned(monkeypatch: pytest.MonkeyPatch, moto_config: dict[str, Any] | None = None) -> Iterator[Any]:
    """Every resource of infra/ created in mock_aws, env vars as a function sees them; yields the provisioner."""
    from moto import mock_aws

    from chalicelib import aws, config
    from devstack.provision import Provisioner
    from devstack.stack import _function_environment
    from devstack.template import load_template

    with mock_aws(config=moto_config) if moto_config else mock_aws():
        template = load_template()
        provisioner = Provisioner(None, "eu-west-1", "trustloop-test")  # type: ignore[arg-type]
        provisioner.provision(template)
        provisioner.template = template  # type: ignore[attr-defined]
        for name, value in _function_environment(template, provisioner.resolver, "test").items():
            monkeypatch.setenv(name, value)
        config.reset()
        aws.reset()
        yield provisioner


@pytest.fixture
def aws_stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """Every resource of infra/ created in moto (mock_aws): each one's Ref and attributes."""
    with provisioned(monkeypatch) as provisioner:
        yield provisioner.resolver.attrs


@pytest.fixture
def client(aws_stack: dict[str, Any]) -> Iterator[Any]:
    from chalice.test import Client

    import app

    with Client(app.app, stage_name="test") as test_client:
        yield test_client


@pytest.fixture
def set_env(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Change settings for one test (config is re-read)."""
    from chalicelib import config

    def setter(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        config.reset()

    return setter


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # e2e tests start servers: keep them last so a unit failure shows first.
    items.sort(key=lambda item: "e2e" in item.keywords)


os.environ.setdefault("TZ", "UTC")
