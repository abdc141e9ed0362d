"""`make smoke` against the local stack: the Outputs it reads are those a deployed stage has."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from devstack.smoke import SmokeFailure, smoke
from tests.e2e.conftest import ROOT

pytestmark = pytest.mark.e2e


def test_smoke_passes_on_the_local_stack(live_stack: dict[str, Any], tmp_path: Path) -> None:
    outputs = live_stack["outputs"]
    assert {"ApiUrl", "OpsTopicArn", "FeedbackTableName", "IncidentWorkflowArn",
            "IncidentReportsBucketName", "CouncilPacksBucketName"} <= set(outputs)
    stack_file = tmp_path / "stack.json"
    stack_file.write_text(json.dumps(live_stack))
    run = subprocess.run([sys.executable, "-m", "devstack.smoke", "--stack-file", str(stack_file)],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ok  table FeedbackTableName is ACTIVE" in run.stdout
    assert "ok  the incident workflow is ACTIVE" in run.stdout


def test_smoke_fails_when_an_output_names_nothing(live_stack: dict[str, Any]) -> None:
    outputs = {**live_stack["outputs"], "FeedbackTableName": "no-such-table"}
    with pytest.raises(SmokeFailure, match="FeedbackTableName"):
        smoke(outputs, live_stack["moto_url"], live_stack["region"])
