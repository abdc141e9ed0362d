"""Schemathesis against a live `make run` stack: no client input to any documented route gives a 5xx."""
from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import status_code_conformance

from tests.e2e.conftest import running_stack

pytestmark = pytest.mark.e2e

CHECKS = [not_a_server_error, status_code_conformance]
# Nothing is excluded: the erasure route (DELETE /v1/admin/subjects) runs too, on this module's
# own stack, where generated e-mails/user ids match nobody the other e2e tests made.


@pytest.fixture(scope="module")
def fuzz_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A stack of its own, so fuzzed writes never meet the shared e2e stack's data."""
    with running_stack(tmp_path_factory.mktemp("fuzz")) as stack:
        yield stack


def fuzz(stack: dict[str, Any], examples: int) -> tuple[list[str], int]:
    """Runs every operation `examples` times per generation mode; returns failures and cases run."""
    base_url = stack["api_url"].rstrip("/")
    schema = schemathesis.openapi.from_url(f"{base_url}/v1/openapi.json")
    session = requests.Session()
    failures: list[str] = []
    skipped: list[str] = []
    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                      phases=[Phase.explicit, Phase.generate, Phase.shrink],
                      suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case: schemathesis.Case) -> None:
                nonlocal calls
                calls += 1
                case.call_and_validate(base_url=base_url, session=session, checks=CHECKS, timeout=30)

            try:
                run()
            except Unsatisfiable:
                # Nothing to negate: no parameters (GET /banner.js) or only a free-form string path
                # parameter ({token}); the positive run above covered the operation.
                skipped.append(f"{operation.label} [{mode.value}]")
            except (Exception, FailureGroup) as exc:  # every operation runs; all failures are reported
                failures.append(f"{operation.label} [{mode.value}]: {exc}")
    return failures, calls


def test_api_fuzzed_briefly_never_answers_5xx(fuzz_stack: dict[str, Any]) -> None:
    started = time.monotonic()
    failures, calls = fuzz(fuzz_stack, examples=10)
    print(f"schemathesis: {calls} cases in {time.monotonic() - started:.1f} s")
    assert not failures, "\n\n".join(failures) + f"\n\nstack log: {Path(fuzz_stack['log_path'])}"


@pytest.mark.slow
def test_api_fuzzed_at_length_never_answers_5xx(fuzz_stack: dict[str, Any]) -> None:
    started = time.monotonic()
    failures, calls = fuzz(fuzz_stack, examples=150)
    print(f"schemathesis: {calls} cases in {time.monotonic() - started:.1f} s")
    assert not failures, "\n\n".join(failures) + f"\n\nstack log: {Path(fuzz_stack['log_path'])}"
