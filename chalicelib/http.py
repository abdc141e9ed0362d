"""HTTP plumbing shared by every domain: body and query parsing, error mapping, CORS."""
from __future__ import annotations

import functools
import json
import math
from typing import TYPE_CHECKING, Any

import fastjsonschema
from chalice import IAMAuthorizer, Response

from chalicelib.config import get_settings
from chalicelib.errors import (
    InvalidInputError,
    PayloadTooLargeError,
    TrustloopError,
    UnsupportedMediaTypeError,
    from_aws,
)
from chalicelib.obs import log_failure

if TYPE_CHECKING:
    from collections.abc import Callable

    from chalice.app import Request

# Chalice answers 415 itself for a content type a route does not list; listing the common
# wrong ones lets our parser answer instead, in our error format, naming the header.
ACCEPTED_CONTENT_TYPES = [
    "application/json",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "application/xml",
    "text/xml",
    "application/octet-stream",
]

# DynamoDB stores at most 32 levels of nesting; a body deeper than that could never be stored, and
# Python's recursive JSON parser and validators fail (RecursionError) a few thousand levels down.
MAX_JSON_DEPTH = 32

# Admin routes are IAM-authorised in AWS (SigV4); chalice.local lets them through.
ADMIN: dict[str, Any] = {"authorizer": IAMAuthorizer()}




def errors(route: Callable[..., Any]) -> Callable[..., Any]:
    """Turn our errors into JSON responses and anything unexpected into a bare 500."""

    @functools.wraps(route)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return route(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - every error leaves as a response, none as a traceback
            error = as_trustloop_error(exc)
            return json_response(error.to_body(), error.status, error.headers)

    return wrapper


def as_trustloop_error(exc: Exception) -> TrustloopError:
    """Ours as they are; AWS's 'retry' answers translated (409/503 + Retry-After); the rest a logged 500."""
    if isinstance(exc, TrustloopError):
        return exc
    translated = from_aws(exc)
    if translated is not None:
        log_failure("AWS asked us to retry", exc, level="warning", status=translated.status)
        return translated
    log_failure("unhandled error", exc)
    return TrustloopError("internal error")


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        body=json.dumps(body, default=str),
        status_code=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


@functools.cache
def _validator(schema_json: str) -> Callable[[Any], Any]:
    return fastjsonschema.compile(json.loads(schema_json))


def validate(data: Any, schema: dict[str, Any]) -> Any:
    """Validate `data` against a JSON Schema; the error names the field and the problem."""
    try:
        return _validator(json.dumps(schema, sort_keys=True))(data)
    except fastjsonschema.JsonSchemaValueException as exc:
        raise _invalid_input(exc) from None


def _invalid_input(exc: fastjsonschema.JsonSchemaValueException) -> InvalidInputError:
    path = [str(p) for p in (exc.path or [])][1:]  # drop the leading "data"
    if exc.rule == "additionalProperties" and isinstance(exc.value, dict):
        known = set((exc.definition or {}).get("properties", {}))
        unknown = sorted(set(exc.value) - known)
        field = ".".join([*path, unknown[0]]) if unknown else ".".join(path) or "body"
        return InvalidInputError(field, "unknown field")
    if exc.rule == "required" and isinstance(exc.value, dict):
        missing = [k for k in (exc.definition or {}).get("required", []) if k not in exc.value]
        field = ".".join([*path, missing[0]]) if missing else ".".join(path) or "body"
        return InvalidInputError(field, "is required")
    field = ".".join(path) or "body"
    problem = exc.message.removeprefix(exc.name).strip() if exc.name else exc.message
    return InvalidInputError(field, problem)


def parse_body(request: Request, schema: dict[str, Any]) -> dict[str, Any]:
    """The request's JSON body, checked for type, size, syntax and schema."""
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise UnsupportedMediaTypeError("Content-Type must be application/json", "Content-Type")
    raw = request.raw_body or b""
    raw = raw.encode() if isinstance(raw, str) else raw
    limit = get_settings().max_body_bytes
    if len(raw) > limit:
        raise PayloadTooLargeError(f"body is over {limit} bytes", "body")
    try:
        text = raw.decode("utf-8")
        if json_depth(text) > MAX_JSON_DEPTH:
            raise InvalidInputError("body", f"nested more than {MAX_JSON_DEPTH} levels deep")
        data = json.loads(text, parse_constant=_not_json, parse_float=_finite)
    except ValueError as exc:  # UnicodeDecodeError, JSONDecodeError, NaN/Infinity, 1e999
        raise InvalidInputError("body", f"malformed JSON ({type(exc).__name__})") from None
    except RecursionError:  # not reachable under MAX_JSON_DEPTH; kept so no parser depth is a 500
        raise InvalidInputError("body", "nested too deeply") from None
    result: dict[str, Any] = validate(data, schema)
    return result


def json_depth(text: str) -> int:
    """How deep the brackets of a JSON text nest, outside strings; one linear pass, no parsing."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _not_json(name: str) -> Any:
    """NaN and Infinity are not JSON (Python's parser takes them; DynamoDB and comparisons don't)."""
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    """A JSON number as a float; one too large for a float (1e999) is refused, not made infinite."""
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"{text} is out of range")
    return value


def parse_query(request: Request, schema: dict[str, Any]) -> dict[str, Any]:
    """The query string as a dict, checked against a JSON Schema of strings."""
    params = dict(request.query_params or {})
    result: dict[str, Any] = validate(params, schema)
    return result


def header(request: Request, name: str) -> str | None:
    return request.headers.get(name.lower())


def cors_headers(origin: str | None) -> dict[str, str]:
    """CORS headers for an allowed origin (from stage config); none for any other."""
    allowed = get_settings().cors_origins
    if not origin or not ("*" in allowed or origin in allowed):
        return {}
    return {
        "Access-Control-Allow-Origin": origin if "*" not in allowed else "*",
        "Access-Control-Allow-Methods": "GET,POST,PATCH,OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type,Idempotency-Key,Authorization",
        "Access-Control-Max-Age": "600",
        "Vary": "Origin",
    }
