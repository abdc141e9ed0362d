"""The scheduled deadline check emits the dashboard's gauges as EMF (Powertools Metrics)."""
from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest

from chalicelib import clock
from chalicelib.obs import metrics
from tests.incidents.builders import alert_body
from tests.incidents.test_workflow import assess, at_step, detail, notify, post

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture
def api(workflow_stack: Any, roster: Any) -> Any:
    from chalice.test import Client

    import app

    # the "test" stage of .chalice/config.json turns metrics off for every invocation; "dev" does not
    with Client(app.app, stage_name="dev") as test_client:
        yield test_client


@pytest.fixture
def emitted(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Metrics on for this test (conftest turns them off); a clean metric set before and after."""
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    monkeypatch.setattr(metrics, "namespace", "trustloop")  # read from the environment at import
    monkeypatch.setattr(metrics, "service", "trustloop")
    metrics.clear_metrics()
    yield
    metrics.clear_metrics()


def run_check(api: Any, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """Invoke the scheduled function as Lambda would; the EMF blob it printed, gauges as plain numbers."""
    capsys.readouterr()
    event = api.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={},
                                         resources=[])
    api.lambda_.invoke("check_incident_deadlines", event)
    blobs = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    found = [b for b in blobs if "OpenIncidents" in b]
    assert len(found) == 1, blobs
    blob = dict(found[0])
    for name in ("OpenIncidents", "DeadlinesAtRisk"):  # one value per run (EMF may list values)
        values = blob[name] if isinstance(blob[name], list) else [blob[name]]
        assert len(values) == 1
        blob[name] = values[0]
    return blob


def test_deadline_check_emits_open_incidents_and_deadlines_at_risk(api: Any, driver: Any, frozen_now: Any,
                                                                   emitted: None,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    for n, summary in enumerate(("Payslips visible to other employees", "Backup tape lost in transit")):
        reporter = {"name": "Kari", "email": f"kari{n}@customer.example", "kind": "customer"}  # one alert each
        assert post(api, "/v1/incidents", alert_body(summary=summary, reporter=reporter)).status_code == 202
    listed = driver.until(lambda: len(found := api.http.get("/v1/admin/incidents?status=open")
                                      .json_body["incidents"]) == 2 and found)
    assessed, waiting = sorted(i["incident_id"] for i in listed)
    at_step(api, driver, assessed, "assessment")
    assess(api, driver, assessed, countries=["NO"], aware_at=clock.iso(frozen_now))  # due in 72 h
    at_step(api, driver, assessed, "obligations")
    assert notify(api, assessed, kind="data_subjects").status_code == 200  # met: never at risk
    assert detail(api, waiting)["status"] == "open"

    now = run_check(api, capsys)
    assert (now["OpenIncidents"], now["DeadlinesAtRisk"]) == (2, 0)  # authority#NO due in 72 h
    definition = now["_aws"]["CloudWatchMetrics"][0]
    assert definition["Namespace"] == "trustloop"
    assert definition["Dimensions"] == [["service"]] and now["service"] == "trustloop"
    assert {"Name": "DeadlinesAtRisk", "Unit": "Count"} in definition["Metrics"]

    clock.freeze(frozen_now + timedelta(hours=49))  # authority#NO now due within 24 h
    later = run_check(api, capsys)
    assert (later["OpenIncidents"], later["DeadlinesAtRisk"]) == (2, 1)
    clock.freeze(frozen_now + timedelta(hours=73))  # and overdue: still at risk
    assert run_check(api, capsys)["DeadlinesAtRisk"] == 1
