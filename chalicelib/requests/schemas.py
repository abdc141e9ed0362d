"""JSON Schemas of the self-service request routes: validate requests and write the OpenAPI document."""
from __future__ import annotations

from typing import Any

from chalicelib.requests.rules import LOCALES, MAX_EXTENSION_MONTHS, RIGHTS

# An address SES can send to: an ASCII local part (SES has no SMTPUTF8), a dotted host name
# (an international domain in its punycode form); no spaces or control characters, so no header
# injection.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL = {"type": "string", "minLength": 3, "maxLength": 254,
         "pattern": rf"^[A-Za-z0-9.!#\x24%&'*+/=?^_`{{|}}~-]{{1,64}}@{_LABEL}(?:\.{_LABEL})+$"}
_LOCALE = {"type": "string", "maxLength": 35, "pattern": r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$"}
_REASON = {"type": "string", "minLength": 3, "maxLength": 2000}

REQUEST: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["email", "right"],
    "properties": {"email": EMAIL, "right": {"type": "string", "enum": list(RIGHTS)},
                   "details": {"type": "string", "maxLength": 2000}, "locale": _LOCALE},
}
# The HTML form posts the same fields (locale from a hidden field); empty ones are dropped first.
FORM: dict[str, Any] = {**REQUEST, "properties": {**REQUEST["properties"],
                                                  "locale": {"type": "string", "enum": list(LOCALES)}}}
FORM_QUERY: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {"locale": {"type": "string", "enum": list(LOCALES)}},
}
DOWNLOAD_QUERY: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {"format": {"type": "string", "enum": ["json", "csv"]}},
}
LIST_QUERY: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["status"],
    "properties": {"status": {"type": "string", "enum": ["pending", "overdue"]}},
}
_CHANGES = {"type": "object", "additionalProperties": False, "minProperties": 1,
            "properties": {name: {"anyOf": [{"type": "string", "minLength": 1, "maxLength": 254}, {"type": "null"}]}
                           for name in ("email", "username", "company", "country", "url")}}
DECISION: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["decision", "reason"],
    "properties": {"decision": {"type": "string", "enum": ["approve", "reject"]}, "reason": _REASON,
                   "changes": _CHANGES},
}
EXTENSION: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["months", "reason"],
    "properties": {"months": {"type": "integer", "minimum": 1, "maximum": MAX_EXTENSION_MONTHS},
                   "reason": _REASON},
}
ANSWER: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["text"],
    "properties": {"text": {"type": "string", "minLength": 3, "maxLength": 10000}},
}
