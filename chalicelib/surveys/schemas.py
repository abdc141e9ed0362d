"""JSON Schemas of the survey routes: used to validate requests and to write the OpenAPI doc."""
from __future__ import annotations

from typing import Any

from chalicelib.surveys.rules import CHANNELS, SCALES

_ID = {"type": "string", "minLength": 1, "maxLength": 128, "pattern": r"^[A-Za-z0-9_.:@\-]+$"}
_LOCALE = {"type": "string", "pattern": r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$", "maxLength": 35}
_CHANNEL = {"type": "string", "enum": list(CHANNELS)}
_HASH = {"type": "string", "pattern": "^[0-9a-fA-F]{64}$"}
_SHORT = {"type": "string", "maxLength": 256}

USER: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id"],
    "properties": {
        "id": _ID,
        "username": _SHORT,
        "email": {"type": "string", "maxLength": 254, "pattern": r"^[^@\s]+@[^@\s]+$"},
        "customer_id": _SHORT,
        "company": _SHORT,
        "country": {"type": "string", "pattern": "^[A-Za-z]{2}$"},
        "url": {"type": "string", "maxLength": 2048},
    },
}
_USER_ID_ONLY: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["id"], "properties": {"id": _ID},
}

ELIGIBILITY_QUERY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["product", "user_id", "channel"],
    "properties": {
        "product": _ID, "user_id": _ID, "channel": _CHANNEL, "locale": _LOCALE,
        "user_hash": _HASH, "throttle_token": {"type": "string", "maxLength": 1024},
    },
}

IMPRESSION: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["survey_id", "channel", "user"],
    "properties": {"survey_id": _ID, "channel": _CHANNEL, "user": _USER_ID_ONLY, "user_hash": _HASH},
}
DECLINE = IMPRESSION

RESPONSE: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["survey_id", "score", "channel", "user"],
    "properties": {
        "survey_id": _ID,
        "score": {"type": "integer", "minimum": 0, "maximum": max(h for _, h in SCALES.values())},
        "channel": _CHANNEL,
        "locale": _LOCALE,
        "contact_ok": {"type": "boolean"},
        "user": USER,
        "user_hash": _HASH,
    },
}

COMMENT: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["comment"],
    "properties": {"comment": {"type": "string", "maxLength": 2000}},
}

_TEXTS: dict[str, Any] = {
    "type": "object",
    "required": ["en"],
    "propertyNames": _LOCALE,
    "additionalProperties": {
        "type": "object",
        "additionalProperties": False,
        "required": ["question", "follow_up"],
        "properties": {
            "question": {"type": "string", "minLength": 1, "maxLength": 500},
            "follow_up": {"type": "string", "minLength": 1, "maxLength": 500},
            "min_label": {"type": "string", "maxLength": 100},
            "max_label": {"type": "string", "maxLength": 100},
        },
    },
}
_SURVEY_FIELDS: dict[str, Any] = {
    "product": _ID,
    "company": _ID,
    "metric": {"type": "string", "enum": list(SCALES)},
    "channels": {"type": "array", "items": _CHANNEL, "minItems": 1, "uniqueItems": True},
    "texts": _TEXTS,
    "sample_percent": {"type": "number", "minimum": 0, "maximum": 100},
    "active": {"type": "boolean"},
}
SURVEY_CREATE: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["product", "metric", "channels", "texts"],
    "properties": _SURVEY_FIELDS,
}
SURVEY_UPDATE: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "minProperties": 1,
    "properties": {k: v for k, v in _SURVEY_FIELDS.items() if k not in ("product", "company", "metric")},
}
SURVEY_LIST_QUERY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"product": _ID, "active": {"type": "string", "enum": ["true", "false"]}},
}
