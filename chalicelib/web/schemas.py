"""JSON Schemas of the web routes' query strings."""
from __future__ import annotations

from typing import Any

from chalicelib.surveys.schemas import _ID, _LOCALE

DEMO_QUERY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"user": _ID, "product": _ID, "locale": _LOCALE},
}

PRIVACY_NOTICE_QUERY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "locale": _LOCALE,
        "version": {"type": "string", "maxLength": 64, "pattern": r"^[A-Za-z0-9_.\-]+$"},
        "format": {"type": "string", "enum": ["html", "json"]},
    },
}
