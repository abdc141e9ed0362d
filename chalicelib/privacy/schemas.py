"""JSON Schemas of the privacy routes: validate requests and write the OpenAPI document."""
from __future__ import annotations

from typing import Any

from chalicelib.surveys.schemas import _ID, USER

_EMAIL = USER["properties"]["email"]
# How every rights route names the person (query string): user_id (+ company) and/or email.
_SUBJECT: dict[str, Any] = {"user_id": _ID, "company": _ID, "email": _EMAIL}

SUBJECT_QUERY: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "properties": _SUBJECT,
}
EXPORT_QUERY: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {**_SUBJECT, "format": {"type": "string", "enum": ["json", "csv"]}},
}
_NULLABLE = {name: {"anyOf": [USER["properties"][name], {"type": "null"}]}
             for name in ("email", "username", "company", "country", "url")}
RECTIFY: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "minProperties": 1, "properties": _NULLABLE,
}
RESTRICTION: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["restricted"],
    "properties": {"restricted": {"type": "boolean"}},
}
OBJECTION: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {"keep_reason": {"type": "string", "minLength": 3, "maxLength": 500}},
}
OPT_OUT_LINK: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["user_id", "company"],
    "properties": {"user_id": _ID, "company": _ID},
}
