"""IAM in infra/: every statement scoped as far as IAM allows, senders bound to their address, and the
public API's role without what only event handlers need. Read from the template (moto does not
enforce IAM), so these are the checks a reviewer would make, made on every change."""
from __future__ import annotations

from typing import Any

import pytest

from devstack.template import load_template

# IAM evaluates these against an activity ARN only; a task token from a `.waitForTaskToken`
# service integration (our SQS tasks) matches no resource but "*" (docs/SECURITY.md).
UNSCOPABLE = {"states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"}
# What only queue and stream consumers need: a public function holding it could drain the alert
# queue (alerts lost) or read every feedback change.
CONSUMER_ONLY = {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
                 "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream",
                 "dynamodb:ListStreams"}


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _policies() -> list[tuple[str, dict[str, Any]]]:
    resources = load_template()["Resources"]
    return [(name, r["Properties"]) for name, r in resources.items() if r.get("Type") == "AWS::IAM::Policy"]


def _statements(role: str | None = None) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for name, props in _policies():
        roles = [r.get("Ref") for r in props.get("Roles", [])]
        if role is None or role in roles:
            found += [(name, s) for s in props["PolicyDocument"]["Statement"]]
    return found


def test_iam_policies_are_found() -> None:
    assert len(_policies()) >= 4 and len(_statements()) >= 20


@pytest.mark.parametrize(("policy", "statement"), _statements(), ids=lambda v: v if isinstance(v, str) else "")
def test_iam_statement_on_every_resource_only_where_iam_cannot_scope(policy: str, statement: dict[str, Any]) -> None:
    if "*" in _listed(statement["Resource"]):
        assert set(_listed(statement["Action"])) <= UNSCOPABLE, (policy, statement["Action"])


def test_iam_mail_sending_is_bound_to_each_sender_address_and_identity() -> None:
    senders = [(p, s) for p, s in _statements()
               if {"ses:SendEmail", "ses:SendRawEmail"} & set(_listed(s["Action"]))]
    assert len(senders) >= 2  # incidents' acknowledgements, insight's follow-up replies
    for policy, statement in senders:
        address = statement.get("Condition", {}).get("StringEquals", {}).get("ses:FromAddress")
        if isinstance(address, dict):  # each stage's own address, a parameter (docs/deploy.md)
            address = load_template()["Parameters"][address["Ref"]]["Default"]
        assert address and "@" in address, policy
        assert all(":identity/" in str(r) for r in _listed(statement["Resource"])), policy


def test_iam_public_api_role_cannot_consume_queues_or_streams() -> None:
    granted = {a for _, s in _statements("ApiHandlerRole") for a in _listed(s["Action"])}
    assert granted, "the API handler's role has no statements: the role name changed?"
    assert not granted & CONSUMER_ONLY
