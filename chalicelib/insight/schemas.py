"""JSON Schemas of the insight routes and jobs: used to validate input and to write the OpenAPI doc."""

from __future__ import annotations

from typing import Any

from chalicelib.surveys.rules import SCALES

# The insight vocabulary, defined here so that the API function registers these routes without importing
# the rules and the webhook sender (rules and webhooks import it from here).
GROUPS = ("channel", "country", "locale")
PERIODS = ("week", "month")
FOLLOWUP_STATES = ("open", "answered", "actioned", "closed")
EVENTS = ("response.created", "response.commented", "followup.opened")  # what a webhook can subscribe to

_ID = {"type": "string", "minLength": 1, "maxLength": 128, "pattern": r"^[A-Za-z0-9_.:@\-]+$"}
_DAY = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_NAME = {"type": "string", "minLength": 1, "maxLength": 200}

SCORES_QUERY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["metric", "product", "from", "to"],
    "properties": {
        "metric": {"type": "string", "enum": list(SCALES)},
        "product": _ID,
        "from": _DAY,
        "to": _DAY,
        "group_by": {"type": "string", "enum": [*GROUPS, *PERIODS]},
        "format": {"type": "string", "enum": ["json", "csv"]},
    },
}

FOLLOWUP_LIST_QUERY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "status": {"type": "string", "enum": list(FOLLOWUP_STATES)},
        "limit": {"type": "string", "pattern": r"^[1-9][0-9]{0,2}$"},
    },
}

FOLLOWUP_MOVE: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["status"],
    "properties": {"status": {"type": "string", "enum": list(FOLLOWUP_STATES)}},
}

REPLY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["text"],
    "properties": {
        "text": {"type": "string", "minLength": 1, "maxLength": 5000},
        "kind": {"type": "string", "enum": ["reply", "acted_notice"]},
        "sender_name": _NAME,
        "sender_title": _NAME,
        "language": {"type": "string", "pattern": r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$"},
        "send": {"type": "boolean"},
        "approved_by": _NAME,
        "in_crisis": {"type": "boolean"},
    },
}

WEBHOOK: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["url", "events"],
    "properties": {
        "url": {"type": "string", "minLength": 8, "maxLength": 2048},
        "events": {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"type": "string", "enum": list(EVENTS)},
        },
        "include_free_text": {"type": "boolean"},
        "include_contact": {"type": "boolean"},
        "active": {"type": "boolean"},
        "rotate_secret": {"type": "boolean"},
    },
}

JOB_PARAMS: dict[str, Any] = {"type": "object"}

MONTH_PARAMS: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"month": {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$"}},
}
YEAR_PARAMS: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"year": {"type": "string", "pattern": r"^\d{4}$"}},
}
