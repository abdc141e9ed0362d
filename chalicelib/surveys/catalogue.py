"""Survey definitions for administrators: create, update, list, deactivate."""
from __future__ import annotations

import uuid
from typing import Any

from chalicelib import clock
from chalicelib.errors import NotFoundError
from chalicelib.surveys import definition_store
from chalicelib.surveys.service import forget_catalogue


def create_survey(body: dict[str, Any], survey_id: str | None = None) -> dict[str, Any]:
    now = clock.iso(clock.now())
    survey = {
        "survey_id": survey_id or f"srv_{uuid.uuid4().hex[:12]}",
        "company": "default",
        "sample_percent": 100,
        "active": True,
        **body,
        "created_at": now,
        "updated_at": now,
    }
    definition_store.put_survey(survey)
    forget_catalogue()
    return survey


def update_survey(survey_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    survey = get_survey(survey_id)
    updated = {**survey, **changes, "updated_at": clock.iso(clock.now())}
    definition_store.put_survey(updated)
    forget_catalogue()
    return updated


def deactivate_survey(survey_id: str) -> dict[str, Any]:
    return update_survey(survey_id, {"active": False})


def get_survey(survey_id: str) -> dict[str, Any]:
    survey = definition_store.get_survey(survey_id) if 0 < len(survey_id.encode()) <= 128 else None
    if not survey:
        raise NotFoundError("no such survey", "survey_id")
    return survey


def list_surveys(product: str | None, active: bool | None) -> list[dict[str, Any]]:
    surveys = definition_store.query_surveys_by_product(product) if product else definition_store.query_all_surveys()
    if active is not None:
        surveys = [s for s in surveys if bool(s.get("active")) == active]
    return sorted(surveys, key=lambda s: (s["product"], s["created_at"]))
