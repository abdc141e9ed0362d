"""Incident routes: the public alert form and the administrators' incident routes."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from chalicelib import http, lazy, openapi
from chalicelib.incidents import schemas

if TYPE_CHECKING:
    from chalicelib.incidents import admin as use_cases
    from chalicelib.incidents import intake
else:  # every function registers these routes; only a request to one needs the domain (chalicelib/lazy.py)
    use_cases = lazy.module("chalicelib.incidents.admin")
    intake = lazy.module("chalicelib.incidents.intake")

public = Blueprint(__name__)
admin = Blueprint(__name__)

_BODY = {"content_types": http.ACCEPTED_CONTENT_TYPES}
_ADMIN_BODY = {**_BODY, **http.ADMIN}


def _actor() -> str:
    """Who acts: the IAM principal in AWS; locally (no SigV4) just "administrator"."""
    identity = (admin.current_request.context or {}).get("identity") or {}
    return str(identity.get("userArn") or identity.get("caller") or "administrator")


@public.route("/v1/incidents", methods=["POST"], **_BODY)
@openapi.spec("Raise an alert about a possible privacy incident (Idempotency-Key honoured; 429 past the "
              "per-client limit)", body=schemas.ALERT, status=202)
@http.errors
def post_alert() -> Any:
    request = public.current_request
    body = http.parse_body(request, schemas.ALERT)
    source_ip = str(((request.context or {}).get("identity") or {}).get("sourceIp") or "unknown")
    return http.json_response(intake.submit_alert(body, http.header(request, "Idempotency-Key"), source_ip), 202)


@admin.route("/v1/admin/incidents", methods=["GET"], **http.ADMIN)
@openapi.spec("List incidents", query=schemas.LIST_QUERY, produces={"incident_id": "/incidents/0/incident_id"})
@http.errors
def list_incidents() -> Any:
    params = http.parse_query(admin.current_request, schemas.LIST_QUERY)
    return http.json_response({"incidents": use_cases.list_incidents(params.get("status"))})


@admin.route("/v1/admin/incidents/{incident_id}", methods=["GET"], **http.ADMIN)
@openapi.spec("An incident: state, step, deadlines, timeline, source")
@http.errors
def get_incident(incident_id: str) -> Any:
    return http.json_response(use_cases.get_detail(incident_id))


@admin.route("/v1/admin/incidents/{incident_id}/report", methods=["GET"], **http.ADMIN)
@openapi.spec("The closed incident's report (JSON, or ?format=markdown), as kept in S3",
              query=schemas.REPORT_QUERY)
@http.errors
def get_report(incident_id: str) -> Any:
    params = http.parse_query(admin.current_request, schemas.REPORT_QUERY)
    content_type, body = use_cases.get_report(incident_id, params.get("format", "json"))
    return Response(body=body, status_code=200, headers={"Content-Type": content_type})


@admin.route("/v1/admin/incidents/{incident_id}/assessment", methods=["POST"], **_ADMIN_BODY)
@openapi.spec("Record the assessment (facts); returns severity, risk and obligations",
              body=schemas.ASSESSMENT)
@http.errors
def post_assessment(incident_id: str) -> Any:
    body = http.parse_body(admin.current_request, schemas.ASSESSMENT)
    return http.json_response(use_cases.record_assessment(incident_id, body, _actor()))


@admin.route("/v1/admin/incidents/{incident_id}/actions", methods=["POST"], **_ADMIN_BODY)
@openapi.spec("Record mitigating actions; complete=true ends the step", body=schemas.ACTIONS)
@http.errors
def post_actions(incident_id: str) -> Any:
    body = http.parse_body(admin.current_request, schemas.ACTIONS)
    return http.json_response(use_cases.record_actions(incident_id, body, _actor()))


@admin.route("/v1/admin/incidents/{incident_id}/notifications", methods=["POST"], **_ADMIN_BODY)
@openapi.spec("Record a notification sent (authority, controller, data subjects)", body=schemas.NOTIFICATION)
@http.errors
def post_notification(incident_id: str) -> Any:
    body = http.parse_body(admin.current_request, schemas.NOTIFICATION)
    return http.json_response(use_cases.record_notification(incident_id, body, _actor()))


@admin.route("/v1/admin/incidents/{incident_id}/review", methods=["POST"], **_ADMIN_BODY)
@openapi.spec("Record the review meeting; the incident closes", body=schemas.REVIEW)
@http.errors
def post_review(incident_id: str) -> Any:
    body = http.parse_body(admin.current_request, schemas.REVIEW)
    return http.json_response(use_cases.record_review(incident_id, body, _actor()))


@admin.route("/v1/admin/incidents/{incident_id}/coordinator", methods=["POST"], **_ADMIN_BODY)
@openapi.spec("Appoint another coordinator", body=schemas.COORDINATOR)
@http.errors
def post_coordinator(incident_id: str) -> Any:
    body = http.parse_body(admin.current_request, schemas.COORDINATOR)
    return http.json_response(use_cases.set_coordinator(incident_id, body, _actor()))
