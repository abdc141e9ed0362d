"""Two stages in one account: what the code names at run time carries the stage, and IAM allows just that."""
from __future__ import annotations

from fnmatch import fnmatch
from typing import Any

import pytest

from devstack.template import Resolver, load_template


def room_topic_pattern(stage: str) -> str:
    template = load_template()
    resolver = Resolver({"AWS::Region": "eu-west-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws",
                         "Stage": stage})
    resolver.use_template(template)
    statements = template["Resources"]["IncidentsAccessPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    (room,) = [s for s in statements if "sns:CreateTopic" in s["Action"]]
    (pattern,) = resolver.resolve(room["Resource"])
    return str(pattern)


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_incident_rooms_are_named_per_stage(aws_stack: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
                                            stage: str) -> None:
    from chalicelib import aws, config
    from chalicelib.incidents import tasks

    monkeypatch.setenv("STAGE", stage)
    monkeypatch.delenv("ALLOW_UNVERIFIED_IDENTITY", raising=False)  # the local run's allowance, never prod's
    config.reset()
    aws.reset()
    arn = tasks.open_room("INC-2026-0001", [{"name": "Ada", "email": "ada@example.com"}])["topic_arn"]
    assert arn.endswith(f":trustloop-{stage}-incident-INC-2026-0001")
    assert fnmatch(arn, room_topic_pattern(stage))
    other = "prod" if stage == "dev" else "dev"
    assert not fnmatch(arn, room_topic_pattern(other))
