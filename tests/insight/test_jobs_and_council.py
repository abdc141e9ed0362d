"""Jobs on demand and the council packs (incident reports written by the test into moto's S3)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.insight import packs
from tests.insight.builders import post_json


def _report(
    incident_id: str, created: str, closed: str, level: str, categories: list[str], **extra: Any
) -> dict:
    """A report as the incidents domain writes it (docs/incidents.md, report_version 1)."""
    return {
        "report_version": 1,
        "incident_id": incident_id,
        "product": extra.pop("product", "payroll"),
        "created_at": created,
        "closed_at": closed,
        "created_month": created[:7],
        "closed_month": closed[:7],
        "assessment": {"aware_at": created, "data_categories": categories},
        "categories": categories,
        "severity": {"score": 3.5, "level": level},
        "crisis": extra.pop("crisis", False),
        "root_cause": extra.pop("root_cause", "human_error"),
        "notifications": extra.pop("notifications", []),
        "actions": extra.pop("actions", []),
        "open_actions": extra.pop("open_actions", 0),
    }


REPORTS = [
    _report(
        "INC-2026-000001",
        "2026-11-03T08:00:00Z",
        "2026-11-20T08:00:00Z",
        "high",
        ["contact"],
        notifications=[
            {
                "kind": "authority",
                "due_at": "2026-11-06T08:00:00Z",
                "sent_at": "2026-11-05T10:00:00Z",
            }
        ],
    ),
    _report(
        "INC-2026-000002",
        "2026-11-14T22:00:00Z",
        "2026-12-02T09:00:00Z",
        "very high",
        ["financial", "contact"],
        product="crm",
        crisis=True,
        root_cause="vulnerability",
        open_actions=2,
        notifications=[
            {
                "kind": "authority",
                "due_at": "2026-11-17T22:00:00Z",
                "sent_at": "2026-11-18T09:00:00Z",
            },
            {"kind": "data_subjects", "due_at": "2026-11-20T00:00:00Z", "sent_at": None},
        ],
    ),
    _report("INC-2026-000003", "2026-10-30T12:00:00Z", "2026-11-02T12:00:00Z", "low", ["contact"]),
    _report("INC-2026-000004", "2026-09-01T12:00:00Z", "2026-09-10T12:00:00Z", "medium", ["usage"]),
]
_YEAR_OF_CLOSING = {r["incident_id"]: r["closed_at"][:4] for r in REPORTS}


@pytest.fixture
def reports_bucket(aws_stack: dict[str, Any], set_env: Any) -> str:
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="incident-reports", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    for report in REPORTS:
        s3.put_object(
            Bucket="incident-reports",
            Key=f"reports/2026/{report['incident_id']}/report.json",
            Body=json.dumps(report).encode(),
        )
    set_env(INCIDENT_REPORTS_BUCKET="incident-reports")
    return "incident-reports"


def test_monthly_pack_counts_by_hand(frozen_now: Any) -> None:
    # opened in November: 1 and 2; closed in November: 1 and 3 (opened in October)
    pack = packs.monthly_pack(REPORTS, "2026-11", frozen_now)
    assert [r["incident_id"] for r in pack["rows"]] == [
        "INC-2026-000003",
        "INC-2026-000001",
        "INC-2026-000002",
    ]
    assert pack["by_severity"] == {"low": 1, "medium": 0, "high": 1, "very high": 1}
    assert pack["by_category"] == {"contact": 3, "financial": 1}
    # 1 on time; 2's authority notice late (after 72 h), its data-subject notice unsent past due
    assert pack["notifications"] == {"on_time": 1, "late": 2, "pending": 0}
    assert (pack["open_actions"], pack["crises"]) == (2, ["INC-2026-000002"])


# notification_state from raw times only: sent at or before its due time is on time (Art. 33(1):
# "not later than 72 hours"), after it late; unsent is pending until the due time has passed.
DUE = "2026-11-06T08:00:00Z"


@pytest.mark.parametrize(("sent_at", "now", "state"), [
    ("2026-11-06T07:59:59Z", "2026-12-01T00:00:00Z", "on_time"),
    ("2026-11-06T08:00:00Z", "2026-12-01T00:00:00Z", "on_time"),
    ("2026-11-06T08:00:01Z", "2026-12-01T00:00:00Z", "late"),
    (None, "2026-11-06T07:59:59Z", "pending"),
    (None, "2026-11-06T08:00:00Z", "pending"),
    (None, "2026-11-06T08:00:01Z", "late"),
])
def test_notification_state_at_the_due_time(sent_at: str | None, now: str, state: str) -> None:
    from chalicelib.clock import parse_iso

    notification = {"kind": "authority", "due_at": DUE, "sent_at": sent_at}
    assert packs.notification_state(notification, parse_iso(now)) == state


def test_yearly_report_by_month_and_root_cause(frozen_now: Any) -> None:
    report = packs.yearly_report(REPORTS, "2026", frozen_now)
    assert [report["by_month"][m] for m in ("2026-09", "2026-10", "2026-11", "2026-12")] == [1, 1, 2, 0]
    assert report["by_root_cause"] == {"human_error": 3, "vulnerability": 1}
    assert report["by_product"] == {"crm": 1, "payroll": 3}


def test_render_html_has_inline_svg_and_no_script(frozen_now: Any) -> None:
    page = packs.render_html(packs.monthly_pack(REPORTS, "2026-11", frozen_now))
    assert page.count("<svg") >= 2 and "<script" not in page


def test_council_job_on_demand_writes_pack_to_s3(client: Any, frozen_now: Any, reports_bucket: str) -> None:
    response = post_json(client, "/v1/admin/jobs/council-monthly", {"month": "2026-11"})
    assert response.status_code == 200, response.body
    keys = response.json_body["result"]["keys"]
    pack = json.loads(
        aws.client("s3").get_object(Bucket=get_settings().packs_bucket, Key=keys[0])["Body"].read()
    )
    assert (pack["month"], pack["incidents"]) == ("2026-11", 3)  # opened or closed in November


def test_yearly_job_on_demand_writes_trends(client: Any, frozen_now: Any, reports_bucket: str) -> None:
    response = post_json(client, "/v1/admin/jobs/council-yearly", {"year": "2026"})
    assert response.json_body["result"]["incidents"] == 4


def test_job_bad_month_is_400_naming_field(client: Any) -> None:
    response = post_json(client, "/v1/admin/jobs/council-monthly", {"month": "2026-13"})
    assert (response.status_code, response.json_body["field"]) == (400, "month")


def test_unknown_job_is_404(client: Any) -> None:
    assert post_json(client, "/v1/admin/jobs/nope", {}).status_code == 404


def test_job_list_shows_registered_jobs(client: Any) -> None:
    names = {j["name"] for j in client.http.get("/v1/admin/jobs").json_body["jobs"]}
    assert {"rebuild-aggregates", "followups-overdue", "council-monthly", "council-yearly"} <= names


def test_council_without_reports_bucket_is_503(client: Any, set_env: Any) -> None:
    set_env(INCIDENT_REPORTS_BUCKET="")
    response = post_json(client, "/v1/admin/jobs/council-monthly", {"month": "2026-11"})
    assert response.status_code == 503
