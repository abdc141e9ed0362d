"""Survey routes: the banner's public contract and the administrators' survey routes."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib import http, lazy, openapi
from chalicelib.surveys import schemas

if TYPE_CHECKING:
    from chalicelib.surveys import catalogue, service
else:  # every function registers these routes; only a request to one needs the domain (chalicelib/lazy.py)
    catalogue = lazy.module("chalicelib.surveys.catalogue")
    service = lazy.module("chalicelib.surveys.service")

public = Blueprint(__name__)
admin = Blueprint(__name__)

_BODY = {"content_types": http.ACCEPTED_CONTENT_TYPES}
_ADMIN_BODY = {**_BODY, **http.ADMIN}


@public.route("/v1/eligibility", methods=["GET"])
@openapi.spec("May this user be asked now?", query=schemas.ELIGIBILITY_QUERY)
@http.errors
def get_eligibility() -> Any:
    params = http.parse_query(public.current_request, schemas.ELIGIBILITY_QUERY)
    return http.json_response(service.eligibility(params))


@public.route("/v1/impressions", methods=["POST"], **_BODY)
@openapi.spec("The banner was shown", body=schemas.IMPRESSION, status=201)
@http.errors
def post_impression() -> Any:
    body = http.parse_body(public.current_request, schemas.IMPRESSION)
    return http.json_response(service.record_impression(body), 201)


@public.route("/v1/declines", methods=["POST"], **_BODY)
@openapi.spec("The user said no thanks", body=schemas.DECLINE, status=201)
@http.errors
def post_decline() -> Any:
    body = http.parse_body(public.current_request, schemas.DECLINE)
    return http.json_response(service.record_decline(body), 201)


@public.route("/v1/responses", methods=["POST"], **_BODY)
@openapi.spec("Store a score (Idempotency-Key honoured)", body=schemas.RESPONSE, status=201,
              produces={"response_id": "/response_id"})
@http.errors
def post_response() -> Any:
    request = public.current_request
    body = http.parse_body(request, schemas.RESPONSE)
    created = service.create_response(body, http.header(request, "Idempotency-Key"))
    return http.json_response(created, 201)


@public.route("/v1/responses/{response_id}", methods=["PATCH"], **_BODY)
@openapi.spec("Add or edit the follow-up reason (Authorization: Bearer <edit_token> from the 201)",
              body=schemas.COMMENT, auth="editToken")
@http.errors
def patch_response(response_id: str) -> Any:
    request = public.current_request
    body = http.parse_body(request, schemas.COMMENT)
    return http.json_response(service.edit_comment(response_id, body["comment"], http.header(request, "Authorization")))


@admin.route("/v1/admin/surveys", methods=["POST"], **_ADMIN_BODY)
@openapi.spec("Create a survey", body=schemas.SURVEY_CREATE, status=201, produces={"survey_id": "/survey_id"})
@http.errors
def create_survey() -> Any:
    body = http.parse_body(admin.current_request, schemas.SURVEY_CREATE)
    return http.json_response(catalogue.create_survey(body), 201)


@admin.route("/v1/admin/identity", methods=["GET"], **http.ADMIN)
@openapi.spec("Which products have an identity secret (the public routes refuse those without one)")
@http.errors
def get_identity_report() -> Any:
    return http.json_response(service.identity_report())


@admin.route("/v1/admin/surveys", methods=["GET"], **http.ADMIN)
@openapi.spec("List surveys", query=schemas.SURVEY_LIST_QUERY)
@http.errors
def list_surveys() -> Any:
    params = http.parse_query(admin.current_request, schemas.SURVEY_LIST_QUERY)
    active = None if "active" not in params else params["active"] == "true"
    return http.json_response({"surveys": catalogue.list_surveys(params.get("product"), active)})


@admin.route("/v1/admin/surveys/{survey_id}", methods=["GET"], **http.ADMIN)
@openapi.spec("Get a survey")
@http.errors
def get_survey(survey_id: str) -> Any:
    return http.json_response(catalogue.get_survey(survey_id))


@admin.route("/v1/admin/surveys/{survey_id}", methods=["PATCH"], **_ADMIN_BODY)
@openapi.spec("Update a survey", body=schemas.SURVEY_UPDATE)
@http.errors
def update_survey(survey_id: str) -> Any:
    body = http.parse_body(admin.current_request, schemas.SURVEY_UPDATE)
    return http.json_response(catalogue.update_survey(survey_id, body))


@admin.route("/v1/admin/surveys/{survey_id}", methods=["DELETE"], **http.ADMIN)
@openapi.spec("Deactivate a survey")
@http.errors
def deactivate_survey(survey_id: str) -> Any:
    return http.json_response(catalogue.deactivate_survey(survey_id))
