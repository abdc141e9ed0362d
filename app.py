"""trustloop's Chalice app: registers each domain's routes and event handlers; no logic.

Every Lambda function imports this module, so it imports at start only what registration needs;
event handler bodies import their domain's service lazily (cold start, docs/BENCHMARKS.md).

Lambda sets `_HANDLER` to the function's handler string: the API function is `app.app`, each event
function `app.<name>`. Only the API function serves routes, so an event function skips importing and
registering them. Where `_HANDLER` is unset (make run, chalice package, the tests) everything is
registered."""
from __future__ import annotations

import gc
import os

from chalice import Chalice, ConvertToMiddleware, Cron, Rate

from chalicelib.incidents import handlers as incident_handlers
from chalicelib.insight import handlers as insight_handlers
from chalicelib.obs import logger, metrics

SERVES_ROUTES = os.environ.get("_HANDLER", "app.app") == "app.app"

app = Chalice(app_name="trustloop")

app.register_middleware(ConvertToMiddleware(logger.inject_lambda_context(clear_state=True)))
app.register_middleware(ConvertToMiddleware(metrics.log_metrics(capture_cold_start_metric=True)))


def register_routes(api: Chalice) -> None:
    """Every route, with the HTTP middleware: what the API function serves."""
    from chalicelib import cors, obs, openapi
    from chalicelib.incidents import routes as incident_routes
    from chalicelib.insight import routes as insight_routes
    from chalicelib.links import routes as link_routes
    from chalicelib.privacy import routes as privacy_routes
    from chalicelib.requests import routes as request_routes
    from chalicelib.surveys import routes as survey_routes
    from chalicelib.web import routes as web_routes

    api.register_middleware(cors.add_cors_headers, "http")
    api.register_middleware(obs.with_request_id, "http")
    for blueprint in (survey_routes.public, survey_routes.admin, incident_routes.public, incident_routes.admin,
                      privacy_routes.admin, privacy_routes.public, insight_routes.admin, cors.preflight,
                      openapi.routes, web_routes.web, link_routes.public, link_routes.admin, request_routes.public,
                      request_routes.admin):
        api.register_blueprint(blueprint)


if SERVES_ROUTES:
    register_routes(app)


@app.schedule(Rate(1, unit=Rate.DAYS), name="privacy_retention")
def privacy_retention(event: object) -> None:
    from chalicelib.privacy import service as privacy_service  # the job's domain, not every function's

    privacy_service.run_retention()


@app.schedule(Rate(1, unit=Rate.HOURS), name="privacy_requests_overdue")
def privacy_requests_overdue(event: object) -> None:
    from chalicelib.requests import service as request_service  # the job's domain, not every function's

    request_service.count_overdue()  # the PrivacyRequestsOverdue metric; infra/privacy.yaml alarms on it


# Incidents: infra/incidents.yaml replaces each placeholder ARN with its queue's (and sets
# ReportBatchItemFailures); a queue name would give chalice a Fn::Sub the merge cannot replace.
@app.on_sqs_message(queue_arn=incident_handlers.wired_in_infra("AlertsQueue"), batch_size=10)
def handle_alerts(event):  # type: ignore[no-untyped-def]
    return incident_handlers.handle_alerts(event.to_dict(), event.context)


@app.on_sqs_message(queue_arn=incident_handlers.wired_in_infra("IncidentTasksQueue"), batch_size=1)
def handle_incident_tasks(event):  # type: ignore[no-untyped-def]
    return incident_handlers.handle_tasks(event.to_dict(), event.context)


@app.on_sqs_message(queue_arn=incident_handlers.wired_in_infra("InboundMailQueue"), batch_size=5)
def handle_inbound_mail(event):  # type: ignore[no-untyped-def]
    return incident_handlers.handle_inbound_mail(event.to_dict(), event.context)


@app.schedule(Rate(15, unit=Rate.MINUTES))
def check_incident_deadlines(event):  # type: ignore[no-untyped-def]
    return incident_handlers.check_deadlines()


@app.schedule(Rate(5, unit=Rate.MINUTES))
def sweep_incident_alerts(event):  # type: ignore[no-untyped-def]
    return incident_handlers.sweep_alerts()


# Insight (event handlers live here, not on a blueprint: Lambda would import a blueprint handler's
# module without app.py and its middleware, aws/chalice#1566). infra/insight.yaml wires the sources.
@app.on_dynamodb_record(stream_arn=insight_handlers.STREAM_PLACEHOLDER, batch_size=100,
                        starting_position="TRIM_HORIZON")
def handle_feedback_stream(event):  # type: ignore[no-untyped-def]
    return insight_handlers.handle_feedback_stream(event.to_dict(), event.context)


@app.on_sqs_message(queue_arn=insight_handlers.QUEUE_PLACEHOLDER, batch_size=10)
def handle_webhook_deliveries(event):  # type: ignore[no-untyped-def]
    return insight_handlers.handle_webhook_deliveries(event.to_dict(), event.context)


@app.schedule(Rate(1, unit=Rate.HOURS))
def followups_overdue_job(event):  # type: ignore[no-untyped-def]
    from chalicelib import jobs  # the registry and its validation: the job functions' own

    return jobs.run("followups-overdue")


@app.schedule(Cron(0, 6, 1, "*", "?", "*"))
def council_monthly_job(event):  # type: ignore[no-untyped-def]
    """On the 1st at 06:00 UTC: last month's pack for the Data Protection Council."""
    from chalicelib import jobs  # the registry and its validation: the job functions' own

    return jobs.run("council-monthly")


@app.schedule(Cron(0, 6, 2, 1, "?", "*"))
def council_yearly_job(event):  # type: ignore[no-untyped-def]
    """On 2 January: last year's trend report for the DPMs' workshop."""
    from chalicelib import jobs  # the registry and its validation: the job functions' own

    return jobs.run("council-yearly")


# Everything imported and registered above lives as long as the container. gc.freeze() moves it out of
# the collector's reach, so the collections that a first boto3 client triggers (it parses large JSON
# models) no longer re-scan it: creating a client after this import took ~58 ms instead of ~41 ms here
# (docs/BENCHMARKS.md). Only objects that already exist are frozen; later garbage is collected as usual.
gc.freeze()
