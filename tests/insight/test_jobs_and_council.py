"""Jobs on demand and the council packs (incident reports written by the test into moto's S3)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.insight import packs
from tests.insight.builders import post_json

REPORTS = [
    {
        "incident_id": "inc-1",
        "aware_at": "2026-11-03T08:00:00Z",
        "severity": "high",
        "category": "misdirected_email",
        "root_cause": "human_error",
        "product": "payroll",
        "crisis": False,
        "status": "closed",
        "notifications": [
            {"recipient": "authority", "due_at": "2026-11-06T08:00:00Z", "sent_at": "2026-11-05T10:00:00Z"}
        ],
        "actions": [{"due_at": "2026-11-10T00:00:00Z", "done_at": "2026-11-09T00:00:00Z"}],
    },
    {
        "incident_id": "inc-2",
        "aware_at": "2026-11-14T22:00:00Z",
        "severity": "very_high",
        "category": "unauthorised_access",
        "root_cause": "vulnerability",
        "product": "crm",
        "crisis": True,
        "status": "open",
        "notifications": [
            {"recipient": "authority", "due_at": "2026-11-17T22:00:00Z", "sent_at": "2026-11-18T09:00:00Z"},
            {"recipient": "data_subjects", "due_at": "2026-11-20T00:00:00Z", "sent_at": None},
        ],
        "actions": [{"due_at": "2026-12-01T00:00:00Z"}, {"due_at": "2026-12-05T00:00:00Z", "status": "open"}],
    },
    {
        "incident_id": "inc-3",
        "aware_at": "2026-10-30T12:00:00Z",
        "severity": "low",
        "category": "misdirected_email",
        "root_cause": "human_error",
        "product": "payroll",
        "crisis": False,
        "status": "closed",
    },
]


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
    pack = packs.monthly_pack(REPORTS, "2026-11", frozen_now)
    assert pack["incidents"] == 2
    assert pack["by_severity"] == {"low": 0, "medium": 0, "high": 1, "very_high": 1}
    # inc-1 on time; inc-2 authority late (after 72 h), data subjects unsent past due → late
    assert pack["notifications"] == {"on_time": 1, "late": 2, "pending": 0}
    assert (pack["open_actions"], pack["crises"]) == (2, ["inc-2"])


def test_yearly_report_by_month_and_root_cause(frozen_now: Any) -> None:
    report = packs.yearly_report(REPORTS, "2026", frozen_now)
    assert (report["by_month"]["2026-10"], report["by_month"]["2026-11"]) == (1, 2)
    assert report["by_root_cause"] == {"human_error": 2, "vulnerability": 1}


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
    assert (pack["month"], pack["incidents"]) == ("2026-11", 2)


def test_yearly_job_on_demand_writes_trends(client: Any, frozen_now: Any, reports_bucket: str) -> None:
    response = post_json(client, "/v1/admin/jobs/council-yearly", {"year": "2026"})
    assert response.json_body["result"]["incidents"] == 3


def test_job_bad_month_is_400_naming_field(client: Any) -> None:
    response = post_json(client, "/v1/admin/jobs/council-monthly", {"month": "2026-13"})
    assert (response.status_code, response.json_body["field"]) == (400, "month")


def test_unknown_job_is_404(client: Any) -> None:
    assert post_json(client, "/v1/admin/jobs/nope", {}).status_code == 404


def test_job_list_shows_registered_jobs(client: Any) -> None:
    names = {j["name"] for j in client.http.get("/v1/admin/jobs").json_body["jobs"]}
    assert {"rebuild-aggregates", "followups-overdue", "council-monthly", "council-yearly"} <= names


def test_council_without_reports_bucket_is_503(client: Any) -> None:
    response = post_json(client, "/v1/admin/jobs/council-monthly", {"month": "2026-11"})
    assert response.status_code == 503
