"""Every CSV the product serves neutralises formula cells (OWASP CSV injection), and loses nothing."""
from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from chalicelib import csvfile
from chalicelib.insight import service as insight_service
from chalicelib.privacy import rules as privacy_rules
from tests.privacy.builders import banner_person, export

FORMULAS = ["=HYPERLINK(\"https://evil.example\",\"x\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)",
            "\t=1+1", "\r=1+1", "\uff1d1+1", "'=1+1"]


@pytest.mark.parametrize(("value", "cell"), [
    ("=1+1", "'=1+1"),
    ("+1", "'+1"),
    ("-1", "'-1"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("\uff1d1+1", "'\uff1d1+1"),          # full-width equals sign
    ("'quoted", "''quoted"),              # an existing quote gets one more, so reading undoes exactly one
    ("plain", "plain"),
    ("a=1", "a=1"),
    (" =1", " =1"),
    ("", ""),
    (None, ""),
    (-20, -20),                           # a number is a value, never a formula
    (4.5, 4.5),
    (True, "True"),
])
def test_safe_cell_exact(value: Any, cell: Any) -> None:
    assert csvfile.safe_cell(value) == cell


@pytest.mark.parametrize("text", [*FORMULAS, "plain", "", "'", "''", "it's", "'x"])
def test_read_cell_undoes_safe_cell(text: str) -> None:
    assert csvfile.read_cell(csvfile.safe_cell(text)) == text


def test_write_exact_output() -> None:
    text = csvfile.write([["name", "value"], ["=1+1", -3], ["a,b", "@x"]])
    assert text == "name,value\r\n'=1+1,-3\r\n\"a,b\",'@x\r\n"


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_privacy_export_csv_neutralises_formula_cells(client: Any, frozen_now: Any) -> None:
    person = banner_person(client, comment=None, username="=HYPERLINK(\"https://evil.example\")",
                           company="@SUM(1+1)", url="+cmd|' /C calc'!A0")
    response = export(client, user_id=person["user_id"], format="csv")
    assert response.status_code == 200
    cells = _cells(response.body.decode())
    assert not [c for c in cells if c.startswith(csvfile.FORMULA_STARTS)]
    assert {"'=HYPERLINK(\"https://evil.example\")", "'@SUM(1+1)", "'+cmd|' /C calc'!A0"} <= set(cells)


def test_privacy_to_csv_round_trip_loses_nothing() -> None:
    rows = [["field", "value"], *[["f", value] for value in FORMULAS]]
    read = [[csvfile.read_cell(c) for c in row] for row in csv.reader(io.StringIO(privacy_rules.to_csv(rows)))]
    assert read == rows


def test_insight_report_csv_neutralises_formula_cells() -> None:
    report = {"metric": "nps", "rows": [
        {"group": "=1+1", "count": 3, "score": -33.3, "ci95": [-80.0, 20.0], "promoters": 0},
        {"group": "@x", "count": 1, "score": 100.0, "ci95": None},
    ]}
    lines = insight_service.report_csv(report).splitlines()
    assert lines[1].startswith("'=1+1,3,-33.3,-80.0,20.0,")
    assert lines[2].startswith("'@x,1,100.0,,,")
