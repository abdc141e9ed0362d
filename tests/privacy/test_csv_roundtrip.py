"""The subject export's CSV, parsed and compared cell by cell with the JSON answer of the same request.

The layout is docs/privacy.md's: one row per field of each item held (section `data`, then store,
kind, id, purpose, collected_at, expires_at, field path, value), then one row per field of the
record of processing. Paths and values are flattened here by the test's own reading of that
layout: `a.b` for objects, `a[0]` for lists, strings as they are, anything else as JSON.
"""
from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from tests.privacy.builders import banner_person, export

HEADER = ["section", "store", "kind", "id", "purpose", "collected_at", "expires_at", "field", "value"]


def _paths(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [pair for key in sorted(value) for pair in _paths(value[key], f"{prefix}.{key}" if prefix else key)]
    if isinstance(value, list):
        return [pair for i, element in enumerate(value) for pair in _paths(element, f"{prefix}[{i}]")]
    return [(prefix, value if isinstance(value, str) else json.dumps(value))]


# OWASP CSV injection: a text cell starting with = + - @ tab or CR (or their full-width forms, or the
# quote itself) is written with a leading single quote, so no spreadsheet evaluates it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠", "'")


COMMENT = '=HYPERLINK("http://evil.example","Slow, really")\n"quoted", too'


def _safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def expected_rows(body: dict[str, Any]) -> list[list[str]]:
    rows = [HEADER]
    for item in body["items"]:
        base = ["data", item["store"], item["kind"], item["id"], item["purpose"], item["collected_at"] or "",
                item["expires_at"] or ""]
        rows += [[*base, path, value] for path, value in _paths({**item["data"], "restricted": item["restricted"]})]
    rows += [["record_of_processing", "", "", "", "", "", "", path, value]
             for path, value in _paths(body["record_of_processing"])]
    return [[_safe(cell) for cell in row] for row in rows]


@pytest.mark.parametrize("params", [{"user_id": "user-1", "company": "acme-co"}, {"email": "ada@example.com"},
                                    {"user_id": "nobody"}])
def test_export_csv_equals_json_cell_by_cell(client: Any, frozen_now: Any, params: dict[str, str]) -> None:
    banner_person(client, comment=COMMENT, username="@ada",
                  company="+47 Example AS", url="-x")
    as_json = export(client, **params)
    as_csv = export(client, **params, format="csv")
    assert (as_json.status_code, as_csv.status_code) == (200, 200)
    assert as_csv.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(as_csv.body.decode(), newline="")))
    body = as_json.json_body
    assert rows == expected_rows(body)
    assert not [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS[:-1])]
    if params != {"user_id": "nobody"}:
        assert [row[8] for row in rows if row[7] == "comment"] == ["'" + COMMENT]
    held = [r for r in rows if r[0] == "data"]
    assert len({r[3] for r in held}) == len(body["items"])  # every item has rows, none invented
    if body["items"]:
        # A time and its kind: the response's collected/expires cells are its own, not swapped.
        response = next(i for i in body["items"] if i["kind"] == "response")
        row = next(r for r in held if r[3] == response["id"])
        assert (row[5], row[6]) == ("2026-11-23T12:00:00Z", response["expires_at"])
        assert response["expires_at"] > response["collected_at"]
