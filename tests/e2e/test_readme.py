"""The README's shell examples, run against a fresh `make run` stack: they never drift.

A ```sh block followed by a ```json block must print those JSON values ("…" matches any value);
followed by a ```text block, those lines exactly; alone, it must exit 0.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ROOT, running_stack

pytestmark = pytest.mark.e2e
FENCE = re.compile(r"```(\w+)\n(.*?)```", re.S)
DOCUMENTED_API = "http://127.0.0.1:8000"


def readme_examples(text: str) -> list[tuple[str, str | None, str | None]]:
    """(shell, expected kind, expected text) for every shell block that runs against the API."""
    blocks = [(m.group(1), m.group(2)) for m in FENCE.finditer(text)]
    examples = []
    for i, (kind, body) in enumerate(blocks):
        if kind != "sh" or not any(marker in body for marker in (DOCUMENTED_API, "$API", "devstack.")):
            continue
        following = blocks[i + 1] if i + 1 < len(blocks) and blocks[i + 1][0] in ("json", "text") else None
        examples.append((body, following[0] if following else None, following[1] if following else None))
    return examples


def json_values(text: str) -> list[Any]:
    decoder, values, at = json.JSONDecoder(), [], 0
    while at < len(text.strip()):
        while text[at].isspace():
            at += 1
        value, at = decoder.raw_decode(text, at)
        values.append(value)
        at = len(text) if not text[at:].strip() else at
    return values


def matches(expected: Any, actual: Any) -> bool:
    if expected == "…":
        return actual is not None
    if isinstance(expected, dict):
        return isinstance(actual, dict) and expected.keys() == actual.keys() and all(
            matches(v, actual[k]) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and len(expected) == len(actual) and all(
            matches(e, a) for e, a in zip(expected, actual, strict=True))
    return bool(expected == actual)


def run_all(examples: list[tuple[str, str | None, str | None]], api_url: str,
            stack_file: str | None = None) -> list[tuple[str, int]]:
    script = "".join(f"echo '@@@ {i}'\n{shell.replace(DOCUMENTED_API, api_url)}\necho; echo \"@@@ rc $?\"\n"
                     for i, (shell, _, _) in enumerate(examples))
    env = {**os.environ, **({"STACK_FILE": stack_file} if stack_file else {})}
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)
    parts = re.split(r"^@@@ \d+\n", done.stdout, flags=re.M)[1:]
    results = []
    for part in parts:
        output, rc = part.rsplit("@@@ rc ", 1)
        results.append((output.strip(), int(rc.strip())))
    assert len(results) == len(examples), done.stderr
    return results


def test_readme_examples_give_what_they_show(tmp_path: Path) -> None:
    examples = readme_examples((ROOT / "README.md").read_text())
    assert len(examples) >= 8
    with running_stack(tmp_path) as stack:
        results = run_all(examples, stack["api_url"], str(tmp_path / "stack.json"))
    for (shell, kind, expected), (output, rc) in zip(examples, results, strict=True):
        assert rc == 0, f"{shell}\nexited {rc}:\n{output}"
        if kind == "json":
            assert matches(json_values(expected or ""), json_values(output)), f"{shell}\ngave:\n{output}"
        elif kind == "text":
            assert output.splitlines() == (expected or "").strip().splitlines(), f"{shell}\ngave:\n{output}"
