"""Insight routes (admin only): score reports, follow-ups and replies, webhooks, jobs on demand."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from chalicelib import http, jobs, lazy, openapi
from chalicelib.insight import schemas

if TYPE_CHECKING:
    from chalicelib.insight import followups, service, webhooks
else:  # every function registers these routes; only a request to one needs the domain (chalicelib/lazy.py)
    followups = lazy.module("chalicelib.insight.followups")
    service = lazy.module("chalicelib.insight.service")
    webhooks = lazy.module("chalicelib.insight.webhooks")

admin = Blueprint(__name__)

_ADMIN_BODY = {"content_types": http.ACCEPTED_CONTENT_TYPES, **http.ADMIN}


def _wants_csv(params: dict[str, Any]) -> bool:
    accept = (http.header(admin.current_request, "Accept") or "").lower()
    return params.get("format") == "csv" or ("text/csv" in accept and "application/json" not in accept)


@admin.route("/v1/admin/reports/scores", methods=["GET"], **http.ADMIN)
@openapi.spec(
    "NPS/CSAT/CES with 95% CIs, from daily aggregates (Accept: text/csv for CSV)", query=schemas.SCORES_QUERY
)
@http.errors
def get_scores() -> Any:
    params = http.parse_query(admin.current_request, schemas.SCORES_QUERY)
    report = service.score_report(params)
    if _wants_csv(params):
        return Response(
            body=service.report_csv(report),
            status_code=200,
            headers={"Content-Type": "text/csv; charset=utf-8"},
        )
    return http.json_response(report)


@admin.route("/v1/admin/followups", methods=["GET"], **http.ADMIN)
@openapi.spec("Follow-ups in one state (default open), earliest due first", query=schemas.FOLLOWUP_LIST_QUERY,
              produces={"followup_id": "/followups/0/followup_id"})
@http.errors
def list_followups() -> Any:
    params = http.parse_query(admin.current_request, schemas.FOLLOWUP_LIST_QUERY)
    return http.json_response(
        followups.list_followups(params.get("status", "open"), int(params.get("limit", 100)))
    )


@admin.route("/v1/admin/followups/overdue", methods=["GET"], **http.ADMIN)
@openapi.spec("Open follow-ups past their due time (working days)")
@http.errors
def list_overdue_followups() -> Any:
    return http.json_response(followups.overdue())


@admin.route("/v1/admin/followups/{followup_id}", methods=["GET"], **http.ADMIN)
@openapi.spec("A follow-up, with the comment it answers")
@http.errors
def get_followup(followup_id: str) -> Any:
    return http.json_response(followups.get_followup(followup_id))


@admin.route("/v1/admin/followups/{followup_id}", methods=["PATCH"], **_ADMIN_BODY)
@openapi.spec("Move a follow-up: open → answered → actioned → closed", body=schemas.FOLLOWUP_MOVE)
@http.errors
def move_followup(followup_id: str) -> Any:
    body = http.parse_body(admin.current_request, schemas.FOLLOWUP_MOVE)
    return http.json_response(followups.move(followup_id, body["status"]))


@admin.route("/v1/admin/followups/{followup_id}/replies", methods=["POST"], **_ADMIN_BODY)
@openapi.spec(
    "Check a reply draft against the response policy; send it when asked and allowed",
    body=schemas.REPLY,
    status=201,
)
@http.errors
def post_reply(followup_id: str) -> Any:
    body = http.parse_body(admin.current_request, schemas.REPLY)
    return http.json_response(followups.reply(followup_id, body), 201)


@admin.route("/v1/admin/products/{product}/webhook", methods=["PUT"], **_ADMIN_BODY)
@openapi.spec("Register a product's webhook endpoint (secret shown once)", body=schemas.WEBHOOK)
@http.errors
def put_webhook(product: str) -> Any:
    body = http.parse_body(admin.current_request, schemas.WEBHOOK)
    return http.json_response(webhooks.register(product, body))


@admin.route("/v1/admin/products/{product}/webhook", methods=["GET"], **http.ADMIN)
@openapi.spec("A product's webhook registration (without its secret)")
@http.errors
def get_webhook(product: str) -> Any:
    return http.json_response(webhooks.get_registration(product))


@admin.route("/v1/admin/jobs", methods=["GET"], **http.ADMIN)
@openapi.spec("Every job that can be run on demand, with its parameters")
@http.errors
def list_jobs() -> Any:
    return http.json_response({"jobs": jobs.describe()})


@admin.route("/v1/admin/jobs/{name}", methods=["POST"], **_ADMIN_BODY)
@openapi.spec('Run a scheduled job now, with parameters (e.g. {"month": "2026-11"})', body=schemas.JOB_PARAMS)
@http.errors
def run_job(name: str) -> Any:
    body = http.parse_body(admin.current_request, schemas.JOB_PARAMS)
    return http.json_response(jobs.run(name, body))
