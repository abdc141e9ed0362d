"""Access and portability (Art. 15, 20): GET /v1/admin/subjects/export over moto."""
from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.privacy.builders import banner_person, export


def test_export_unknown_person_returns_200_with_empty_items(client: Any, frozen_now: Any) -> None:
    response = export(client, user_id="nobody", company="acme-co")
    assert response.status_code == 200
    assert response.json_body["items"] == []
    assert response.json_body["counts"] == {"surveys": {"items": 0}, "incidents": {"items": 0},
                                            "followups": {"items": 0}}


def test_export_by_user_id_lists_every_item_with_purpose_and_expiry(client: Any, frozen_now: Any) -> None:
    person = banner_person(client)
    body = export(client, user_id=person["user_id"], company="acme-co").json_body
    kinds = sorted(i["kind"] for i in body["items"])
    assert kinds == ["idempotency", "impression", "response", "throttle"]
    assert all(i["purpose"] and i["expires_at"] for i in body["items"])
    response = next(i for i in body["items"] if i["kind"] == "response")
    assert response["data"]["user"]["email"] == "Ada@Example.com"
    assert response["data"]["comment"] == "Too slow"


def test_export_without_company_searches_every_catalogue_company(client: Any, frozen_now: Any) -> None:
    person = banner_person(client)
    body = export(client, user_id=person["user_id"]).json_body
    assert len(body["items"]) == 4


def test_export_by_email_finds_only_the_items_carrying_the_address(client: Any, frozen_now: Any) -> None:
    banner_person(client)
    body = export(client, email="ADA@example.com").json_body
    assert [(i["kind"], i["matched_by"]) for i in body["items"]] == [("response", "email")]


def test_export_includes_the_record_of_processing_from_configuration(client: Any, frozen_now: Any) -> None:
    record = export(client, email="x@example.com").json_body["record_of_processing"]
    assert {"purposes", "recipients", "sub_processors", "retention", "right_to_complain"} <= set(record)
    assert all({"location", "transfer_basis"} <= set(s) for s in record["sub_processors"])
    assert record["right_to_complain"]["lead_authority"]["name"]


def test_export_gives_the_due_date_one_month_after_receipt(client: Any, frozen_now: Any) -> None:
    body = export(client, user_id="u").json_body
    assert body["received_at"] == "2026-11-23T12:00:00Z"
    assert body["due_at"] == "2026-12-23T12:00:00Z"


def test_export_csv_returns_rows_of_items_and_record(client: Any, frozen_now: Any) -> None:
    person = banner_person(client)
    response = export(client, user_id=person["user_id"], company="acme-co", format="csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.body.decode())))
    assert rows[0][:3] == ["section", "store", "kind"]
    assert ["data", "surveys", "response"] in [r[:3] for r in rows]
    assert any(r[0] == "record_of_processing" and r[7].startswith("sub_processors") for r in rows)
    assert any(r[7] == "user.email" and r[8] == "Ada@Example.com" for r in rows)


@pytest.mark.parametrize(("params", "field"), [
    ({}, "user_id"),
    ({"company": "acme-co"}, "user_id"),
    ({"email": "not-an-email"}, "email"),
    ({"user_id": "has space"}, "user_id"),
    ({"user_id": "u", "format": "xml"}, "format"),
    ({"user_id": "u", "name": "x"}, "name"),
])
def test_export_bad_query_returns_400_naming_the_field(client: Any, params: dict[str, str],
                                                       field: str) -> None:
    response = export(client, **params)
    assert response.status_code == 400
    assert response.json_body["field"] == field
