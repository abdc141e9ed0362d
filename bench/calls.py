"""AWS calls per banner-flow operation, counted with a botocore `before-call` hook on the app's session.

In-process: moto (mock_aws) with infra/ provisioned as the tests do, the real app driven through
chalice's test client. Not timed: counts are exact, so they are judged against hard goals.
"""
from __future__ import annotations

import json
import os
from collections import Counter
from typing import Any

from bench.reports import _environment
from bench.table import Row

# The banner flow's operations and their goals in calls (the issue: eligibility ≤ 1 read, a score 1 write).
HEADERS = {"Content-Type": "application/json"}
# Goals: (calls of that kind, at most); None: counted, not judged.
GOALS: dict[str, tuple[str, int] | None] = {"eligibility": ("read", 1), "impression": None, "score": ("write", 1),
                                             "comment": None}
READS = ("Get", "BatchGet", "Query", "Scan")


def _flow(client: Any, survey_id: str, user: str) -> list[tuple[str, Any]]:
    """The four requests of one banner flow, as (operation, thunk)."""
    headers = {"Content-Type": "application/json"}
    made: dict[str, Any] = {}

    def score() -> Any:
        body = {"survey_id": survey_id, "score": 9, "channel": "in_app_web", "user": {"id": user}}
        result = client.http.post("/v1/responses", body=json.dumps(body), headers=headers)
        made.update(result.json_body)
        return result

    return [
        ("eligibility", lambda: client.http.get(f"/v1/eligibility?product=bench&user_id={user}&channel=in_app_web")),
        ("impression", lambda: client.http.post("/v1/impressions", headers=headers, body=json.dumps(
            {"survey_id": survey_id, "channel": "in_app_web", "user": {"id": user}}))),
        ("score", score),
        ("comment", lambda: client.http.patch(f"/v1/responses/{made['response_id']}", body=json.dumps(
            {"comment": "faster please"}), headers={**headers, "Authorization": f"Bearer {made['edit_token']}"})),
    ]


def main() -> tuple[list[Row], list[str]]:
    _environment()
    from chalice.test import Client
    from moto import mock_aws

    with mock_aws():
        from bench.common import provision_in_mock_aws
        from chalicelib import aws

        os.environ["ALLOW_UNVERIFIED_IDENTITY"] = "true"
        provision_in_mock_aws()
        calls: Counter[str] = Counter()
        aws._session().events.register("before-call", lambda model, **_: calls.update([model.name]))

        import app

        with Client(app.app, stage_name="test") as client:
            survey = client.http.post("/v1/admin/surveys", headers=HEADERS, body=json.dumps({
                "product": "bench", "company": "bench-co", "metric": "nps", "channels": ["in_app_web"],
                "texts": {"en": {"question": "How likely…?", "follow_up": "Why?"}}}))
            assert survey.status_code == 201, survey.body
            for _operation, request in _flow(client, survey.json_body["survey_id"], "warm-up"):
                request()  # the function's first flow also reads its secret (cached after): count a warm one
            rows, lines = [], []
            for operation, request in _flow(client, survey.json_body["survey_id"], "bench-user"):
                calls.clear()
                result = request()
                assert result.status_code < 300, (operation, result.status_code, result.body)
                total = sum(calls.values())
                goal = GOALS[operation]
                which = ", ".join(f"{n} {c}" for c, n in calls.items())
                reads = sum(n for c, n in calls.items() if c.startswith(READS))
                kinds = {"read": reads, "write": total - reads}
                rows.append(Row(f"AWS calls: {operation}", f"{total} ({which})", "-", None,
                                f"≤ {goal[1]} {goal[0]}" if goal else "counted",
                                kinds[goal[0]] <= goal[1] if goal else None))
                lines.append(f"| {operation} | {total} | {', '.join(f'{n}× {c}' for c, n in calls.items())} |")
    notes = ["## AWS calls per operation", "",
             "One banner flow through the real app (chalice's test client, moto in-process), every AWS call",
             "counted by a botocore `before-call` hook registered on the app's boto3 session (bench/calls.py).",
             "Counted on a warm function (a second flow); a function's first request also reads its secret",
             "(one GetSecretValue, cached for the container's life).",
             "", "| operation | calls | which |", "|---|---|---|", *lines, ""]
    return rows, notes
