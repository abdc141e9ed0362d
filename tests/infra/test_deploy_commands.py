"""`make deploy`: the commands it would run (no AWS CLI or account here), and what it refuses."""
from __future__ import annotations

from pathlib import Path

import pytest

from devstack import deploy

OUT = Path("/x/out")


def test_deploy_uploads_then_deploys_with_parameters_and_capabilities() -> None:
    env = {"ARTIFACT_BUCKET": "acme-artifacts", "OPS_EMAILS": "oncall@acme.example, dpo@acme.example",
           "INCIDENTS_SENDER": "security@prod.acme.example", "ENABLE_WAF": "true"}
    package, cfn_deploy = deploy.commands("prod", env, OUT)
    assert package[:3] == ["aws", "cloudformation", "package"]
    assert package[package.index("--template-file") + 1] == "/x/out/sam.json"
    assert package[package.index("--s3-bucket") + 1] == "acme-artifacts"
    uploaded = package[package.index("--output-template-file") + 1]
    assert cfn_deploy[:3] == ["aws", "cloudformation", "deploy"]
    assert cfn_deploy[cfn_deploy.index("--template-file") + 1] == uploaded
    assert cfn_deploy[cfn_deploy.index("--stack-name") + 1] == "trustloop-prod"
    at = cfn_deploy.index("--capabilities")
    assert cfn_deploy[at + 1:at + 3] == ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"]
    overrides = cfn_deploy[cfn_deploy.index("--parameter-overrides") + 1:]
    assert overrides == ["Stage=prod", "OpsEmail1=oncall@acme.example", "OpsEmail2=dpo@acme.example",
                         "IncidentReportsObjectLock=true", "IncidentsSenderAddress=security@prod.acme.example",
                         "EnableWaf=true"]


def test_two_stages_deploy_two_stacks() -> None:
    env = {"ARTIFACT_BUCKET": "b"}
    dev = deploy.commands("dev", env, OUT)[1]
    test = deploy.commands("test", env, OUT)[1]
    assert dev[dev.index("--stack-name") + 1] == "trustloop-dev"
    assert test[test.index("--stack-name") + 1] == "trustloop-test"
    assert "IncidentReportsObjectLock=false" in dev


@pytest.mark.parametrize(("stage", "env", "field"), [
    ("prod", {"OPS_EMAILS": "a@b.example"}, "ARTIFACT_BUCKET"),
    ("prod", {"ARTIFACT_BUCKET": "b"}, "OPS_EMAILS"),
    ("dev", {"ARTIFACT_BUCKET": "b", "OPS_EMAILS": "not-an-address"}, "OPS_EMAILS"),
    ("dev", {"ARTIFACT_BUCKET": "b", "OPS_EMAILS": "a@x.io,b@x.io,c@x.io,d@x.io"}, "OPS_EMAILS"),
    ("staging", {"ARTIFACT_BUCKET": "b"}, "STAGE"),
])
def test_deploy_refuses_a_missing_or_wrong_setting(stage: str, env: dict[str, str], field: str) -> None:
    with pytest.raises(deploy.DeployError, match=f"^{field}:"):
        deploy.commands(stage, env, OUT)


def test_dry_run_prints_the_commands(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARTIFACT_BUCKET", "acme-artifacts")
    monkeypatch.setenv("OPS_EMAILS", "oncall@acme.example")
    assert deploy.main(["prod", "--dry-run"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("+ aws cloudformation package ")
    assert printed[1].startswith("+ aws cloudformation deploy ") and "--stack-name trustloop-prod" in printed[1]
    assert printed[-1] == "then: make smoke STAGE=prod"


def test_without_a_bucket_nothing_runs(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ARTIFACT_BUCKET", raising=False)
    assert deploy.main(["dev"]) == 2
    assert "ARTIFACT_BUCKET" in capsys.readouterr().err
