"""JSON Schemas of the e-mail link routes."""
from __future__ import annotations

from typing import Any

from chalicelib.surveys.schemas import _ID, _LOCALE

MAX_LINK_DAYS = 90

LINKS_REQUEST: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["user"],
    "properties": {
        "user": {"type": "object", "additionalProperties": False, "required": ["id"],
                 "properties": {"id": _ID}},
        "locale": _LOCALE,
        "expires_in_days": {"type": "integer", "minimum": 1, "maximum": MAX_LINK_DAYS},
    },
}

COMMENT_FORM: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["comment"],
    "properties": {"comment": {"type": "string", "maxLength": 2000}},
}
