"""Issue 6 "done when": on `make run`, a council pack for a month of incidents lands in S3."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from tests.e2e.api_client import ApiClient, until
from tests.e2e.conftest import running_stack

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A stack of its own: the month's pack then holds exactly the incidents made here."""
    with running_stack(tmp_path_factory.mktemp("council")) as running:
        yield running



def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _facts(aware_at: str, **overrides: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "role": "controller", "breach_types": ["confidentiality"], "data_categories": ["identity", "financial"],
        "special_categories": False, "subjects_count": 120, "records_count": 120, "countries": ["NO"],
        "vulnerable_subjects": False, "encrypted": False, "key_compromised": False, "backup_available": True,
        "exfiltrated": False, "malicious": False, "identifiability": "maximum", "aware_at": aware_at,
        "description": "Records shown to the wrong people", "likely_consequences": "Disclosure",
        "measures_taken": "Access closed",
        "product": "payroll"}  # the report's product is the assessed one, never the form's (issue 11.6)
    return {**facts, **overrides}


class Walk:
    """One incident through the admin API: form intake → assessment → notifications → actions → review."""

    def __init__(self, api: ApiClient) -> None:
        self.api = api

    def at(self, incident_id: str, step: str) -> dict[str, Any]:
        def check() -> Any:
            incident = self.api.get(f"/v1/admin/incidents/{incident_id}").json()
            return incident if incident["step"] == step else None
        return dict(until(check))

    def intake(self, summary: str) -> str:
        # one reporter's posts within an hour join one alert (issue 11): a reporter per incident here
        reporter = f"kari+{abs(hash(summary)) % 10**8}@customer.example"
        raised = self.api.post("/v1/incidents", {
            "reporter": {"name": "Kari", "email": reporter, "kind": "customer"},
            "product": "payroll", "summary": summary, "description": f"{summary} (reported by form)"})
        assert raised.status_code == 202, raised.text
        alert_id = raised.json()["alert_id"]

        def registered() -> Any:
            listed = self.api.get("/v1/admin/incidents", status="open").json()["incidents"]
            return next((i["incident_id"] for i in listed if i["alert_id"] == alert_id), None)

        incident_id = str(until(registered))
        self.at(incident_id, "assessment")
        return incident_id

    def close(self, incident_id: str, facts: dict[str, Any], notices: list[dict[str, Any]],
              actions: list[dict[str, Any]]) -> dict[str, Any]:
        path = f"/v1/admin/incidents/{incident_id}"
        verdict = self.api.post(f"{path}/assessment", facts)
        assert verdict.status_code == 200, verdict.text
        if notices:
            self.at(incident_id, "obligations")
        for notice in notices:
            sent = self.api.post(f"{path}/notifications", {"reference": "REF-1", **notice})
            assert sent.status_code == 200, sent.text
        self.at(incident_id, "actions")
        assert self.api.post(f"{path}/actions", {"actions": actions, "complete": True}).status_code == 200
        review_at = self.at(incident_id, "review")["created_at"]
        review = {"held_at": review_at, "attendees": ["Ada Coordinator", "Group Legal"],
                  "root_cause": "Missing tenant check", "root_cause_confirmed": True,
                  "process_adherence": "As planned", "lessons": "Test isolation"}
        assert self.api.post(f"{path}/review", review).status_code == 200
        closed = self.at(incident_id, "closed")
        return dict(verdict.json(), report=closed["report"], created_at=closed["created_at"])


def test_council_monthly_pack_counts_the_months_closed_incidents(stack: dict[str, Any]) -> None:
    walk = Walk(ApiClient(stack["api_url"]))
    now = datetime.now(UTC).replace(microsecond=0)
    aware = now - timedelta(days=4)  # the 72 h deadlines are behind us: one notice is late
    done = {"description": "Tenant check added", "owner": "payroll team", "done_at": _iso(now)}

    low_id = walk.intake("Newsletter sent to one wrong, known address")
    low = walk.close(low_id, _facts(_iso(aware), data_categories=["contact"], recipients="known", recipients_count=1,
                                    data_recovered=True), [], [done])
    medium_id = walk.intake("Delivery addresses visible to a courier partner")
    medium = walk.close(medium_id, _facts(_iso(aware), data_categories=["location"]),
                        [{"kind": "authority", "country": "NO", "sent_at": _iso(aware + timedelta(hours=20))}],
                        [done])
    high_id = walk.intake("Payslips visible to other employees")
    high = walk.close(high_id, _facts(_iso(aware)), [
        {"kind": "authority", "country": "NO", "sent_at": _iso(aware + timedelta(hours=80)),
         "late_reason": "the affected customers were identified only on day 3"},
        {"kind": "data_subjects", "sent_at": _iso(aware + timedelta(hours=30))}],
        [done, {"description": "Tenant isolation tests", "owner": "payroll team"}])  # one left open
    assert [v["severity"]["level"] for v in (low, medium, high)] == ["low", "medium", "high"]
    assert [len(v["obligations"]) for v in (low, medium, high)] == [0, 1, 2]

    month = high["created_at"][:7]
    api = ApiClient(stack["api_url"])
    ran = api.post("/v1/admin/jobs/council-monthly", {"month": month})
    assert ran.status_code == 200, ran.text
    result = ran.json()["result"]
    key = f"council/monthly/{month}/pack"
    assert (result["month"], result["bucket"], result["keys"], result["incidents"]) == (
        month, stack["council_packs_bucket"], [f"{key}.json", f"{key}.html"], 3)

    s3 = boto3.client("s3", endpoint_url=stack["moto_url"], region_name=stack["region"],
                      aws_access_key_id="testing", aws_secret_access_key="testing")

    def read(name: str) -> str:
        return str(s3.get_object(Bucket=stack["council_packs_bucket"], Key=name)["Body"].read().decode())

    pack = json.loads(read(f"{key}.json"))
    assert (pack["kind"], pack["month"], pack["incidents"]) == ("monthly", month, 3)
    assert pack["by_severity"] == {"low": 1, "medium": 1, "high": 1, "very high": 0}
    assert pack["by_category"] == {"contact": 1, "financial": 1, "identity": 1, "location": 1}
    assert pack["notifications"] == {"on_time": 2, "late": 1, "pending": 0}
    assert (pack["open_actions"], pack["crises"]) == (1, [])
    rows = {row["incident_id"]: row for row in pack["rows"]}
    assert set(rows) == {low_id, medium_id, high_id}
    assert rows[high_id]["notifications"] == {"late": 1, "on_time": 1}
    assert rows[medium_id]["notifications"] == {"on_time": 1}
    assert rows[low_id]["notifications"] == {}
    assert {row["aware_at"] for row in rows.values()} == {_iso(aware)}
    assert all(row["opened_in_month"] and row["closed_in_month"] and row["product"] == "payroll"
               for row in rows.values())
    assert "Kari" not in json.dumps(pack)  # counts, ids and categories only

    page = read(f"{key}.html")
    assert f"incidents {month}" in page and "Incidents: <b>3</b>" in page
    assert "notifications on time 2, late 1, pending 0" in page
    assert all(incident_id in page for incident_id in rows)
