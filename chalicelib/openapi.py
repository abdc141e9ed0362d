"""The OpenAPI 3 document, built from the app's route table and each route's schemas."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib import http

if TYPE_CHECKING:
    from collections.abc import Callable

routes = Blueprint(__name__)

_ERROR = {
    "type": "object",
    "properties": {"error": {"type": "string"}, "message": {"type": "string"},
                   "field": {"type": ["string", "null"]}},
}


def spec(summary: str, *, body: dict[str, Any] | None = None, query: dict[str, Any] | None = None,
         status: int = 200, tag: str | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Describe a route for the OpenAPI document (put it right under the route decorator)."""

    def mark(view: Callable[..., Any]) -> Callable[..., Any]:
        view.__openapi__ = {"summary": summary, "body": body, "query": query,  # type: ignore[attr-defined]
                            "status": status, "tag": tag}
        return view

    return mark


def build_document(route_table: dict[str, dict[str, Any]]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for path, methods in sorted(route_table.items()):
        for method, entry in sorted(methods.items()):
            info = getattr(entry.view_function, "__openapi__", None)
            if method == "OPTIONS" or info is None:
                continue
            paths.setdefault(path, {})[method.lower()] = _operation(path, entry, info)
    return {
        "openapi": "3.1.0",
        "info": {"title": "trustloop API", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": {"Error": _ERROR},
            "securitySchemes": {"sigv4": {"type": "apiKey", "name": "Authorization", "in": "header",
                                          "x-amazon-apigateway-authtype": "awsSigv4"}},
        },
    }


def _operation(path: str, entry: Any, info: dict[str, Any]) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": entry.view_name,
        "summary": info["summary"],
        "tags": [info["tag"] or path.split("/")[2]],
        "parameters": [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in entry.view_args
        ],
        "responses": {
            str(info["status"]): {"description": "success"},
            "4XX": {"description": "bad input; names the field",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        },
    }
    if info["query"]:
        required = set(info["query"].get("required", []))
        op["parameters"] += [
            {"name": name, "in": "query", "required": name in required, "schema": schema}
            for name, schema in info["query"].get("properties", {}).items()
        ]
    if info["body"]:
        op["requestBody"] = {"required": True,
                             "content": {"application/json": {"schema": info["body"]}}}
    if entry.authorizer is not None:
        op["security"] = [{"sigv4": []}]
    return op


@routes.route("/v1/openapi.json", methods=["GET"])
@spec("This document", tag="meta")
@http.errors
def get_openapi() -> Any:
    return http.json_response(build_document(routes.current_app.routes))
