"""A later assessment adds and removes obligations while the workflow waits; the report keeps each one."""
from __future__ import annotations

from typing import Any

import pytest

from chalicelib.incidents import rules
from tests.incidents.test_workflow import api, assess, at_step, detail, finish, notify, open_incident, post

__all__ = ["api"]  # the fixture, shared with test_workflow


def test_reassessment_withdraws_an_obligation_the_workflow_waits_for(api: Any, driver: Any,
                                                                    frozen_now: Any) -> None:
    incident_id = open_incident(api, driver)
    first = assess(api, driver, incident_id, countries=["NO"])
    assert [o["key"] for o in first["obligations"]] == ["authority#NO", "data_subjects"]
    waiting = at_step(api, driver, incident_id, "obligations")
    driver.until(lambda: all("token" in o for o in _raw_obligations(incident_id).values()))
    assert [d["key"] for d in waiting["deadlines"]] == ["authority#NO", "data_subjects"]
    assert notify(api, incident_id, kind="authority", country="NO").status_code == 200
    # the breach turns out contained for the subjects: Art. 34(3)(b) measures
    again = assess(api, driver, incident_id, countries=["NO"], risk_removed_by_measures=True)
    assert [o["key"] for o in again["obligations"]] == ["authority#NO"]
    incident = at_step(api, driver, incident_id, "actions")  # the Map no longer waits for data_subjects
    assert incident["obligations"]["data_subjects"]["status"] == "withdrawn"
    assert incident["obligations"]["authority#NO"]["status"] == "met"
    assert notify(api, incident_id, kind="data_subjects").status_code == 409
    report = finish(api, driver, incident_id)
    assert [(n["kind"], n["status"]) for n in report["notifications"]] == [("authority", "met"),
                                                                           ("data_subjects", "withdrawn")]
    assert [(a["at"], a["verdict"]["risk"], a["obligations"], a["withdrawn"]) for a in report["assessments"]] == [
        ("2026-11-23T12:00:00Z", "high", ["authority#NO", "data_subjects"], []),
        ("2026-11-23T12:00:00Z", "high", ["authority#NO"], ["data_subjects"])]
    assert report["assessments"][1]["facts"]["risk_removed_by_measures"] is True
    assert driver.until(lambda: detail(api, incident_id)["execution"]["status"] == "SUCCEEDED")


def test_reassessment_adds_an_obligation_that_mitigation_waits_for(api: Any, driver: Any,
                                                                  frozen_now: Any) -> None:
    incident_id = open_incident(api, driver)
    assess(api, driver, incident_id, countries=["NO"], data_categories=["location"])  # medium: authority only
    at_step(api, driver, incident_id, "obligations")
    assert notify(api, incident_id, kind="authority", country="NO").status_code == 200
    at_step(api, driver, incident_id, "actions")
    again = assess(api, driver, incident_id, countries=["NO"], data_categories=["location"],
                   consequences=["physical_harm"])  # a stalker among the recipients: high risk
    assert [o["key"] for o in again["obligations"]] == ["authority#NO", "data_subjects"]
    refused = post(api, f"/v1/admin/incidents/{incident_id}/actions", {"complete": True})
    assert (refused.status_code, refused.json_body["field"]) == (409, "complete")
    assert "data_subjects" in refused.json_body["message"]
    assert notify(api, incident_id, kind="data_subjects").status_code == 200
    report = finish(api, driver, incident_id)
    assert [(n["kind"], n["status"]) for n in report["notifications"]] == [("authority", "met"),
                                                                           ("data_subjects", "met")]
    assert [a["added"] for a in report["assessments"]] == [["authority#NO"], ["data_subjects"]]
    timeline = [e for e in report["timeline"] if e["event"] == "reassessment_recorded"]
    assert timeline[0]["detail"]["added"] == ["data_subjects"]


def _raw_obligations(incident_id: str) -> dict[str, Any]:
    from chalicelib import clock
    from chalicelib.incidents import store

    return dict(store.get_incident(incident_id, clock.now())["obligations"])


@pytest.mark.parametrize(("current", "decided", "expected"), [
    # nothing yet: everything is added
    ({}, [("authority#NO", "T1")], (["authority#NO"], [], [])),
    # the same decision again: nothing changes
    ({"authority#NO": ("open", "T1")}, [("authority#NO", "T1")], ([], [], [])),
    # a new awareness time re-times an open obligation
    ({"authority#NO": ("open", "T1")}, [("authority#NO", "T2")], ([], ["authority#NO"], [])),
    # no longer due: an open one is withdrawn, a met one stays met (a notice sent cannot be unsent)
    ({"authority#NO": ("met", "T1"), "data_subjects": ("open", "T1")}, [], ([], [], ["data_subjects"])),
    # due again: a withdrawn one is reopened
    ({"data_subjects": ("withdrawn", "T1")}, [("data_subjects", "T1")], ([], ["data_subjects"], [])),
    # withdrawn and still not due: left alone
    ({"data_subjects": ("withdrawn", "T1")}, [], ([], [], [])),
])
def test_reassess_obligations(current: dict[str, tuple[str, str]], decided: list[tuple[str, str]],
                              expected: tuple[list[str], list[str], list[str]]) -> None:
    now = {k: {"key": k, "status": status, "due_at": due} for k, (status, due) in current.items()}
    added, changed, withdrawn = rules.reassess_obligations(now, [{"key": k, "due_at": d} for k, d in decided])
    assert ([o["key"] for o in added], [o["key"] for o in changed], withdrawn) == expected


def test_report_lists_each_assessment_with_its_time() -> None:
    from chalicelib.incidents import report

    def kept(at: str, risk: str, obligations: list[str], **changes: list[str]) -> dict[str, Any]:
        return {"at": at, "actor": "admin", "facts": {}, "obligations": obligations,
                "verdict": {"severity": {"score": 3.25, "level": "high"}, "risk": risk},
                "added": changes.get("added", []), "withdrawn": changes.get("withdrawn", [])}

    incident = {"incident_id": "INC-2026-000009", "assessments": [
        kept("2026-11-23T09:00:00Z", "high", ["authority#NO", "data_subjects"],
             added=["authority#NO", "data_subjects"]),
        kept("2026-11-24T10:00:00Z", "risk", ["authority#NO"], withdrawn=["data_subjects"])],
        "obligations": {"data_subjects": {"key": "data_subjects", "kind": "data_subjects", "status": "withdrawn",
                                          "due_at": "2026-11-26T09:00:00Z", "withdrawn_at": "2026-11-24T10:00:00Z"}}}
    built = report.build(incident)
    assert [a["at"] for a in built["assessments"]] == ["2026-11-23T09:00:00Z", "2026-11-24T10:00:00Z"]
    assert built["notifications"][0]["withdrawn_at"] == "2026-11-24T10:00:00Z"
    lines = report.markdown(built).splitlines()
    section = lines[lines.index("## Assessments") + 2:lines.index("## Notifications") - 1]
    assert section == [
        "- 2026-11-23T09:00:00Z: severity high (score 3.25), risk high; obligations authority#NO, data_subjects; "
        "added authority#NO, data_subjects",
        "- 2026-11-24T10:00:00Z: severity high (score 3.25), risk risk; obligations authority#NO; "
        "withdrawn data_subjects"]
