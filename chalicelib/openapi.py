"""The OpenAPI 3 document, built from the app's route table and each route's schemas."""
from __future__ import annotations

from collections import Counter
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
         form: dict[str, Any] | None = None, status: int = 200, tag: str | None = None,
         auth: str | None = None,
         produces: dict[str, str] | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Describe a route for the OpenAPI document (put it right under the route decorator).

    `body` is a JSON body's schema, `form` a form post's (application/x-www-form-urlencoded), `status`
    the success status, `auth` a security scheme of a public route (admin routes get `sigv4` from their
    authorizer). Path parameters are documented from the route's path, as non-empty strings.
    `produces` names the ids the success body carries, as JSON pointers (`{"survey_id": "/survey_id"}`):
    the document links them to every operation taking that path parameter (OpenAPI links, which
    schemathesis's stateful phase follows).
    """

    def mark(view: Callable[..., Any]) -> Callable[..., Any]:
        view.__openapi__ = {"summary": summary, "body": body, "query": query,  # type: ignore[attr-defined]
                            "form": form, "status": status, "tag": tag, "auth": auth,
                            "produces": produces or {}}
        return view

    return mark


def build_document(route_table: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every route that has a spec (all but CORS preflights)."""
    paths: dict[str, Any] = {}
    for path, methods in sorted(route_table.items()):
        for method, entry in sorted(methods.items()):
            info = getattr(entry.view_function, "__openapi__", None)
            if method == "OPTIONS" or info is None:
                continue
            paths.setdefault(path, {})[method.lower()] = _operation(path, method, entry, info)
    ids = Counter(op["operationId"] for ops in paths.values() for op in ops.values())
    for ops in paths.values():
        for method, op in ops.items():  # one view serving two methods: operationIds must be unique
            if ids[op["operationId"]] > 1:
                op["operationId"] += f"_{method}"
    _link(paths)
    return {
        "openapi": "3.1.0",
        "info": {"title": "trustloop API", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": {"Error": _ERROR},
            "securitySchemes": {"sigv4": {"type": "apiKey", "name": "Authorization", "in": "header",
                                          "x-amazon-apigateway-authtype": "awsSigv4"},
                                "editToken": _EDIT_TOKEN},
        },
    }


_PATH_PARAMETER = {"type": "string", "minLength": 1}
# The capability POST /v1/responses returns: write that response's comment during its edit window.
_EDIT_TOKEN = {"type": "http", "scheme": "bearer",
               "description": "the edit_token of the response's 201: signed, bound to that response id, "
                              "expires with the comment's edit window"}


def _link(paths: dict[str, Any]) -> None:
    """OpenAPI links from each operation that produces an id to each one taking it in its path."""
    operations = [op for ops in paths.values() for op in ops.values()]
    for producer in operations:
        success = next(iter(producer["responses"].values()))
        for name, pointer in producer.pop("x-produces", {}).items():
            for consumer in operations:
                if consumer is not producer and any(p["name"] == name and p["in"] == "path"
                                                    for p in consumer["parameters"]):
                    success.setdefault("links", {})[f"{name}_to_{consumer['operationId']}"] = {
                        "operationId": consumer["operationId"],
                        "parameters": {f"path.{name}": f"$response.body#{pointer}"}}


def _operation(path: str, method: str, entry: Any, info: dict[str, Any]) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": entry.view_name,
        "summary": info["summary"],
        "tags": [info["tag"] or path.split("/")[2]],
        "parameters": [
            {"name": name, "in": "path", "required": True, "schema": _PATH_PARAMETER}
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
    bodies = {"application/json": info["body"], "application/x-www-form-urlencoded": info["form"]}
    content = {media: {"schema": schema} for media, schema in bodies.items() if schema}
    if content and method not in ("GET", "DELETE"):
        op["requestBody"] = {"required": True, "content": content}
    if entry.authorizer is not None:
        op["security"] = [{"sigv4": []}]
    elif info.get("auth"):
        op["security"] = [{info["auth"]: []}]
        op["responses"]["401"] = {"description": "missing or wrong credential",
                                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    if info.get("produces"):
        op["x-produces"] = info["produces"]  # turned into links once every operationId is final
    return op


@routes.route("/v1/openapi.json", methods=["GET"])
@spec("This document", tag="meta")
@http.errors
def get_openapi() -> Any:
    return http.json_response(build_document(routes.current_app.routes))
