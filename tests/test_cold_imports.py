"""Every Lambda function imports app.py: what it loads at import is every function's cold start
(`make bench` measures it; docs/BENCHMARKS.md). These modules must wait for the handler that uses them."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Not imported when app.py is: absent from sys.modules until a handler uses them.
DEFERRED = (
    "asyncio",  # via Powertools' batch utility: only the SQS and stream handlers need it
    "aws_lambda_powertools.utilities.batch",
    "chalicelib.incidents.admin",
    "chalicelib.incidents.intake",
    "chalicelib.incidents.service",
    "chalicelib.incidents.tasks",
    "chalicelib.incidents.mail",  # email.policy: only the mail intake parses mail
    "chalicelib.insight.followups",
    "chalicelib.insight.jobs",  # the job registry imports its modules on first use
    "chalicelib.insight.service",
    "chalicelib.links.service",
    "chalicelib.privacy.service",
    "chalicelib.requests.service",
    "chalicelib.surveys.catalogue",
    "chalicelib.surveys.service",
    "chalicelib.web.views",
)

PROBE = """
import json, sys
import app
names = json.loads(sys.argv[1])
print(json.dumps({n: type(sys.modules[n]).__name__ if n in sys.modules else None for n in names}))
"""


def test_importing_the_app_defers_each_domain_to_its_handler() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(DEFERRED)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=True)
    loaded = {name: kind for name, kind in json.loads(done.stdout.strip().splitlines()[-1]).items()
              if kind not in (None, "_LazyModule")}
    assert loaded == {}


def test_every_route_is_still_registered_and_a_deferred_domain_loads_on_use() -> None:
    probe = """
import json, sys, app
from chalicelib.incidents import routes
n = sorted(app.app.routes)
callable_ = callable(routes.use_cases.list_incidents)  # the first attribute access loads the module
from chalicelib import jobs
names = [j["name"] for j in jobs.describe()]  # the registry loads the modules that register jobs
print(json.dumps({"routes": n, "loaded": "chalicelib.incidents.admin" in sys.modules, "callable": callable_,
                  "jobs": names}))
"""
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["callable"] is True
    assert result["loaded"] is True
    jobs = {"rebuild-aggregates", "followups-overdue", "council-monthly", "replay-stream-failures"}
    assert jobs <= set(result["jobs"])
    assert {"/v1/incidents", "/v1/admin/incidents", "/v1/admin/incidents/{incident_id}", "/v1/eligibility",
            "/v1/responses", "/v1/s/{token}", "/v1/privacy-requests"} <= set(result["routes"])


# What a function's first event imports stays what that event needs: (module it imports, still deferred).
FIRST_EVENT_DEFERS = (
    ("chalicelib.incidents.tasks", "chalicelib.incidents.report"),  # only the report task builds it
    ("chalicelib.incidents.service", "chalicelib.incidents.mail"),  # only the mail intake parses mail
    ("chalicelib.incidents.service", "chalicelib.incidents.store"),  # the alert consumer starts executions
)


@pytest.mark.parametrize(("used", "deferred"), FIRST_EVENT_DEFERS)
def test_a_first_event_imports_only_its_own_step(used: str, deferred: str) -> None:
    probe = ("import importlib, json, sys, app; importlib.import_module(sys.argv[1]); "
             "print(json.dumps(sys.argv[2] in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe, used, deferred], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=True)
    assert json.loads(done.stdout.strip().splitlines()[-1]) is False


def test_every_event_function_enters_through_app_py_so_its_middleware_applies() -> None:
    """Lambda imports a function's handler string: a handler defined on a blueprint is deployed as
    `chalicelib.<module>.<name>`, which never imports app.py, so the Powertools logger and metrics
    middleware registered there would not wrap it (aws/chalice#1566) and its metrics never flush."""
    probe = "import json, app; print(json.dumps({s.name: s.handler_string for s in app.app.event_sources}))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=True)
    handlers = json.loads(done.stdout.strip().splitlines()[-1])
    assert {"handle_feedback_stream", "handle_webhook_deliveries", "followups_overdue_job", "handle_alerts"} <= set(
        handlers)
    assert {name: h for name, h in handlers.items() if h != f"app.{name}"} == {}


@pytest.mark.parametrize(("handler", "serves_routes"), [("app.app", True), ("app.handle_alerts", False),
                                                          ("app.privacy_retention", False)])
def test_only_the_api_function_imports_and_registers_routes(handler: str, serves_routes: bool) -> None:
    """Lambda sets `_HANDLER` to the function's handler string (app.app for the API)."""
    probe = """
import json, sys, app
print(json.dumps({"routes": len(app.app.routes), "sources": sorted(s.name for s in app.app.event_sources),
                  "route_modules": sorted(m for m in sys.modules if m.endswith(".routes") or m == "chalicelib.http")}))
"""
    env = {**os.environ, "_HANDLER": handler}
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(result["sources"]) == 12  # every function's own handler is registered either way
    assert (result["routes"] > 40, bool(result["route_modules"])) == (serves_routes, serves_routes)


def test_importing_the_app_freezes_what_it_created_out_of_the_collectors_way() -> None:
    probe = "import gc, json, app; print(json.dumps(gc.get_freeze_count()))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=True)
    assert json.loads(done.stdout.strip().splitlines()[-1]) > 10_000  # the modules' objects, not a handful
