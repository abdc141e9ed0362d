"""JSON Schemas of the incident routes: request validation and the OpenAPI document."""
from __future__ import annotations

from typing import Any

from chalicelib.incidents.risk import CONSEQUENCES, DATA_CATEGORIES, RECIPIENTS

_TIME = {"type": "string", "maxLength": 40,
         "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"}
_EMAIL = {"type": "string", "maxLength": 254, "pattern": r"^[^@\s]+@[^@\s]+\.[^@\s]+$"}
_NAME = {"type": "string", "minLength": 1, "maxLength": 200}
_TEXT = {"type": "string", "maxLength": 5000}
_COUNTRY = {"type": "string", "pattern": "^[A-Za-z]{2}$"}
# Bounded, so every accepted count fits a DynamoDB number (38 digits); a trillion is beyond any breach.
_MAX_COUNT = 10**12
_PERSON: dict[str, Any] = {"type": "object", "additionalProperties": False, "required": ["name", "email"],
           "properties": {"name": _NAME, "email": _EMAIL}}

ALERT: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["reporter", "summary", "description"],
    "properties": {
        "reporter": {
            "type": "object", "additionalProperties": False, "required": ["name", "email", "kind"],
            "properties": {"name": _NAME, "email": _EMAIL, "kind": {"enum": ["customer", "employee"]},
                           "company": {"type": "string", "maxLength": 200}},
        },
        "product": {"type": "string", "maxLength": 128},
        "summary": {"type": "string", "minLength": 1, "maxLength": 300},
        "description": {"type": "string", "minLength": 1, "maxLength": 10000},
        "discovered_at": _TIME,
        "personal_data_involved": {"enum": ["yes", "no", "unknown"]},
    },
}

ASSESSMENT: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["role", "breach_types", "data_categories", "special_categories", "subjects_count",
                 "countries", "vulnerable_subjects", "encrypted", "key_compromised", "backup_available",
                 "exfiltrated", "malicious", "identifiability", "aware_at", "description",
                 "likely_consequences", "measures_taken"],
    "properties": {
        "role": {"enum": ["controller", "processor"]},
        "breach_types": {"type": "array", "minItems": 1, "uniqueItems": True,
                         "items": {"enum": ["confidentiality", "integrity", "availability"]}},
        "data_categories": {"type": "array", "uniqueItems": True, "items": {"enum": list(DATA_CATEGORIES)}},
        "special_categories": {"type": "boolean"},
        "subjects_count": {"type": "integer", "minimum": 0, "maximum": _MAX_COUNT},
        "records_count": {"type": "integer", "minimum": 0, "maximum": _MAX_COUNT},
        "countries": {"type": "array", "minItems": 1, "maxItems": 40, "uniqueItems": True, "items": _COUNTRY},
        "vulnerable_subjects": {"type": "boolean"},
        "encrypted": {"type": "boolean"},
        "key_compromised": {"type": "boolean"},
        "backup_available": {"type": "boolean"},
        "restored_within_hours": {"type": "number", "minimum": 0, "maximum": 100_000},
        "exfiltrated": {"type": "boolean"},
        "malicious": {"type": "boolean"},
        "identifiability": {"enum": ["negligible", "limited", "significant", "maximum"]},
        "recipients": {"enum": list(RECIPIENTS)},
        "recipients_count": {"type": "integer", "minimum": 0, "maximum": _MAX_COUNT},
        "data_recovered": {"type": "boolean"},
        "consequences": {"type": "array", "uniqueItems": True, "items": {"enum": list(CONSEQUENCES)}},
        "aware_at": _TIME,
        "description": _TEXT,
        "likely_consequences": _TEXT,
        "measures_taken": _TEXT,
        "crisis": {"type": "boolean"},
        "risk_removed_by_measures": {"type": "boolean"},
        "disproportionate_effort": {"type": "boolean"},
        "product": {"type": "string", "maxLength": 128},
    },
}

ACTIONS: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "actions": {"type": "array", "maxItems": 50, "items": {
            "type": "object", "additionalProperties": False, "required": ["description"],
            "properties": {"description": {"type": "string", "minLength": 1, "maxLength": 2000},
                           "owner": {"type": "string", "maxLength": 200}, "due_at": _TIME,
                           "done_at": _TIME}}},
        "complete": {"type": "boolean"},
    },
}

NOTIFICATION: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["kind", "sent_at", "reference"],
    "properties": {
        "kind": {"enum": ["authority", "controller", "data_subjects"]},
        "country": _COUNTRY,
        "sent_at": _TIME,
        "reference": {"type": "string", "minLength": 1, "maxLength": 300},
        "phase": {"enum": ["initial", "follow_up"]},
        "late_reason": {"type": "string", "maxLength": 2000},
        "content": {"type": "string", "maxLength": 10000},
    },
}

REVIEW: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["held_at", "attendees", "root_cause", "root_cause_confirmed", "process_adherence",
                 "lessons"],
    "properties": {
        "held_at": _TIME,
        "attendees": {"type": "array", "minItems": 1, "maxItems": 50, "items": _NAME},
        "root_cause": {"type": "string", "minLength": 1, "maxLength": 5000},
        "root_cause_confirmed": {"type": "boolean"},
        "process_adherence": {"type": "string", "minLength": 1, "maxLength": 5000},
        "lessons": {"type": "string", "minLength": 1, "maxLength": 5000},
    },
}

COORDINATOR: dict[str, Any] = {**_PERSON, "properties": {**_PERSON["properties"], "reason": _TEXT}}

REPORT_QUERY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"format": {"enum": ["json", "markdown"]}},
}

LIST_QUERY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"status": {"enum": ["open", "closed"]}},
}
