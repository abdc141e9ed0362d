"""Schemathesis against a live `make run` stack: no client input to any documented route gives a 5xx.

Requests are generated from our own GET /v1/openapi.json (every route, chalicelib/openapi.py), sent
over HTTP to the stack, and each answer is checked: not a 5xx, and a status the document lists (the
route's success status or 4XX). Generation is derandomized (CI sees the same cases every run).
"""
from __future__ import annotations

import re
import time
from collections.abc import Iterator
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
# What schemathesis does not generate (it sends valid JSON text and well-formed URLs): bodies that
# break a parser rather than a schema, and path or query values that break URL decoding.
HOSTILE_BODIES = [
    "[" * 16_000, "[" * 8_000 + "]" * 8_000, '{"a":' * 3_000 + "1" + "}" * 3_000,
    '{"a": NaN}', '{"a": 1e999}', '{"a": 1, "a": 2}', "\ufeff{}", '"just a string"', "null", "",
    '{"survey_id": "' + "\\u0000" * 2_000 + '"}', "x" * 16_385,
]
HOSTILE_BYTES = [b"\xff\xfe{}", b'{"a": "\xc3\x28"}', b"\x00" * 100]
HOSTILE_SEGMENTS = ["%ff", "%00", "..%2F..%2Fetc%2Fpasswd", "a" * 3_000, "%F0%9F%98%80", "%u0041", "%"]
HOSTILE_QUERIES = ["x=%ff", "x=%00", "user_id=" + "a" * 3_000, "product=%F0%9F%98%80&user_id=%C0%AE", "&&&=="]
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
# Nothing is excluded: the erasure route (DELETE /v1/admin/subjects) runs too, on this module's own
# stack, where generated e-mails and user ids match nobody another test made.


@pytest.fixture(scope="module")
def fuzz_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A stack of its own, so fuzzed writes never meet the shared e2e stack's data."""
    with running_stack(tmp_path_factory.mktemp("fuzz")) as stack:
        yield stack


class Fuzzer:
    """Sends generated cases to the stack; keeps every failure (all operations run) and counts."""

    def __init__(self, stack: dict[str, Any]) -> None:
        self.base_url = stack["api_url"].rstrip("/")
        self.log_path = stack["log_path"]
        self.session = requests.Session()
        # from_dict, not from_url: from_url leaves out the operation serving the document itself.
        self.document = self.session.get(f"{self.base_url}/v1/openapi.json", timeout=30).json()
        self.schema = schemathesis.openapi.from_dict(self.document)
        self.operations = [result.ok() for result in self.schema.get_all_operations()]
        self.failures: list[str] = []
        self.nothing_to_negate: list[str] = []
        self.calls = 0
        self.stateful_calls = 0
        self.hostile_calls = 0
        self.links = sum(len(r.get("links", {})) for ops in self.document["paths"].values()
                         for op in ops.values() for r in op["responses"].values())

    def send(self, case: schemathesis.Case) -> None:
        self.calls += 1
        case.call_and_validate(base_url=self.base_url, session=self.session, checks=CHECKS, timeout=30)

    def fuzz(self, examples: int) -> None:
        """Hypothesis-generated cases (the fuzzing phase), `examples` per operation and mode; shrunk on failure."""
        for operation in self.operations:
            for mode in MODES:

                @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                          phases=[Phase.explicit, Phase.generate, Phase.shrink],
                          suppress_health_check=list(HealthCheck))
                @given(case=operation.as_strategy(generation_mode=mode))
                def run(case: schemathesis.Case) -> None:
                    self.send(case)

                try:
                    run()
                except Unsatisfiable:
                    # Nothing to negate: no parameters (GET /banner.js) or only free-form string path
                    # parameters ({token}); the positive run covered the operation.
                    self.nothing_to_negate.append(f"{operation.label}")
                except (Exception, FailureGroup) as exc:
                    self.failures.append(f"{operation.label} [fuzzing, {mode.value}]: {exc}")

    def cover(self) -> None:
        """Schemathesis's coverage phase: boundary and just-invalid values of every parameter and field."""
        for operation in self.operations:
            config = self.schema.config.generation_for(operation=operation)
            for case in self.schema.iter_coverage_cases(operation, generation_modes=MODES,
                                                        generation_config=config):
                if case.method.upper() != operation.method.upper():
                    # Unexpected methods (TRACE, QUERY) reach chalice.local's http.server, which answers
                    # 501 itself; API Gateway answers them 403 in AWS. Not our code, so not sent.
                    continue
                try:
                    self.send(case)
                except (Exception, FailureGroup) as exc:
                    self.failures.append(f"{operation.label} [coverage]: {exc}")

    def negatable_but_not_negated(self) -> list[str]:
        """Operations listed as having nothing to negate although the document gives them something."""
        return [label for label in self.nothing_to_negate if has_negatable_input(self.document, label)]

    def hostile(self, share: int = 1) -> None:
        """Bodies that break a parser, and path and query values that break URL decoding, sent to every
        operation as raw requests (schemathesis generates valid JSON and well-formed URLs); `share`:
        every n-th value of each list (the fast suite sends a third)."""
        segments, queries = HOSTILE_SEGMENTS[::share], HOSTILE_QUERIES[::share]
        bodies = [b.encode() for b in HOSTILE_BODIES[::share]] + HOSTILE_BYTES[::share]
        for operation in self.operations:
            method = operation.method.upper()
            paths = [re.sub(r"\{[^}]+\}", segment, operation.path) for segment in segments] \
                if "{" in operation.path else [operation.path]
            path = re.sub(r"\{[^}]+\}", "x", operation.path)
            requests_to_send: list[tuple[str, Any]] = [(p, None) for p in paths]
            requests_to_send += [(f"{path}?{q}", None) for q in queries]
            if method in ("POST", "PUT", "PATCH"):
                requests_to_send += [(path, body) for body in bodies]
            for url, body in requests_to_send:
                self.calls += 1
                self.hostile_calls += 1
                answer = self.session.request(method, f"{self.base_url}{url}", data=body, timeout=30,
                                              headers={"Content-Type": "application/json"})
                if answer.status_code >= 500:
                    self.failures.append(f"{method} {url[:120]} [hostile, {len(body or b'')} bytes]: "
                                         f"{answer.status_code} {answer.text[:200]}")

    def stateful(self, scenarios: int, steps: int) -> None:
        """Schemathesis's stateful phase: chains of calls following the document's links (an id one
        answer gives, used by the next call: a survey created then read, changed, linked, ended)."""
        fuzzer = self

        class Chains(self.schema.as_state_machine()):  # type: ignore[misc]
            def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
                return {"base_url": fuzzer.base_url, "session": fuzzer.session, "timeout": 30}

            def call(self, case: schemathesis.Case, **kwargs: Any) -> Any:
                fuzzer.calls += 1
                fuzzer.stateful_calls += 1
                return super().call(case, **kwargs)

            def validate_response(self, response: Any, case: schemathesis.Case,
                                  additional_checks: Any = None, **kwargs: Any) -> None:
                case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs or None)

        try:
            Chains.run(settings=settings(max_examples=scenarios, stateful_step_count=steps, derandomize=True,
                                         database=None, deadline=None, phases=[Phase.generate],
                                         suppress_health_check=list(HealthCheck)))
        except (Exception, FailureGroup) as exc:
            self.failures.append(f"[stateful]: {exc}")

    def report(self, started: float) -> str:
        return (f"schemathesis: {len(self.operations)} operations, {self.calls} requests "
                f"({self.stateful_calls} in stateful chains over {self.links} links, {self.hostile_calls} "
                f"hostile raw requests) in "
                f"{time.monotonic() - started:.1f} s; no negative case possible for "
                f"{len(self.nothing_to_negate)}: {', '.join(self.nothing_to_negate)}")


def has_negatable_input(document: dict[str, Any], label: str) -> bool:
    """A body, a query or header parameter, or a path parameter more constrained than a non-empty string
    (an empty path segment changes the path, so `minLength: 1` leaves nothing to negate)."""
    method, path = label.split(" ", 1)
    operation = document["paths"][path][method.lower()]
    for parameter in operation.get("parameters") or []:
        schema = parameter.get("schema") or {}
        free = not set(schema) - {"type", "minLength"} and schema.get("type", "string") == "string" \
            and schema.get("minLength", 0) <= 1
        if parameter.get("in") != "path" or not free:
            return True
    return "requestBody" in operation


def test_has_negatable_input_by_hand() -> None:
    document = {"paths": {
        "/banner.js": {"get": {}},
        "/v1/s/{token}": {"get": {"parameters": [{"in": "path", "name": "token",
                                                   "schema": {"type": "string", "minLength": 1}}]}},
        "/v1/x/{id}": {"get": {"parameters": [{"in": "path", "name": "id",
                                                "schema": {"type": "string", "pattern": "^[a-f0-9]{32}$"}}]}},
        "/v1/q": {"get": {"parameters": [{"in": "query", "name": "metric", "schema": {"type": "string"}}]}},
        "/v1/b": {"post": {"requestBody": {"content": {}}}},
    }}
    assert [label for label in ("GET /banner.js", "GET /v1/s/{token}", "GET /v1/x/{id}", "GET /v1/q", "POST /v1/b")
            if has_negatable_input(document, label)] == ["GET /v1/x/{id}", "GET /v1/q", "POST /v1/b"]


def test_api_fuzzed_briefly_never_answers_5xx(fuzz_stack: dict[str, Any]) -> None:
    started = time.monotonic()
    fuzzer = Fuzzer(fuzz_stack)
    fuzzer.fuzz(examples=10)
    fuzzer.stateful(scenarios=15, steps=6)
    fuzzer.hostile(share=3)
    print(fuzzer.report(started))
    documented = sum(len(methods) for methods in fuzzer.document["paths"].values())
    assert len(fuzzer.operations) == documented >= 47 and fuzzer.calls > 500
    assert fuzzer.links >= 15 and fuzzer.stateful_calls >= 30 and fuzzer.hostile_calls >= 200
    assert not fuzzer.failures, "\n\n".join(fuzzer.failures) + f"\n\nstack log: {fuzzer.log_path}"
    assert not fuzzer.negatable_but_not_negated()


@pytest.mark.slow
def test_api_fuzzed_at_length_never_answers_5xx(fuzz_stack: dict[str, Any]) -> None:
    started = time.monotonic()
    fuzzer = Fuzzer(fuzz_stack)
    fuzzer.cover()
    fuzzer.fuzz(examples=150)
    fuzzer.stateful(scenarios=300, steps=10)
    fuzzer.hostile()
    print(fuzzer.report(started))
    assert not fuzzer.failures, "\n\n".join(fuzzer.failures) + f"\n\nstack log: {fuzzer.log_path}"
    assert not fuzzer.negatable_but_not_negated()
