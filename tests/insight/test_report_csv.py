"""The score report's CSV writer alone, over rows written by hand (pure: the mutation run uses it)."""
from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from chalicelib import csvfile
from chalicelib.insight import service
from tests.insight.test_csv_roundtrip import HEADER

# report_csv alone, over rows written by hand (the unit the mutation run checks).
NPS_ROW = {"group": "email", "count": 4, "promoters": 3, "passives": 1, "detractors": 0, "score": 75.0,
           "ci95": [40.5, 109.5], "impressions": 8, "declines": 1, "response_rate": 50.0,
           "response_rate_ci95": [21.52, 78.48], "decline_rate": 12.5, "decline_rate_ci95": [2.24, 47.09],
           "distribution": {"10": 1, "9": 2, "8": 1}}
CES_ROW = {"group": "all", "count": 3, "easy": 2, "mean": 4.333, "mean_ci95": [1.07, 7.597],
           "easy_percent": 66.67, "easy_ci95": [20.77, 93.85], "distribution": {"1": 1, "5": 1, "7": 1}}


@pytest.mark.parametrize(("metric", "row", "expected"), [
    ("nps", NPS_ROW, ["email", "4", "75.0", "40.5", "109.5", "", "", "", "", "3", "1", "0", "", "", "8", "1",
                      "50.0", "12.5", ""]),
    ("ces", CES_ROW, ["all", "3", "4.333", "", "", "4.333", "1.07", "7.597", "66.67", "", "", "", "", "2", "",
                      "", "", "", ""]),
])
def test_report_csv_writes_each_column_from_its_field(metric: str, row: dict[str, Any],
                                                      expected: list[str]) -> None:
    empty = {"group": "empty", "count": 0, "note": "too few answers"}
    text = service.report_csv({"metric": metric, "rows": [row, empty]})
    assert text.endswith("\r\n") and text.count("\r\n") == 3 and text.count("\n") == 3  # RFC 4180 rows
    assert list(csv.reader(io.StringIO(text))) == [HEADER, expected, ["empty", "0", *[""] * 16, "too few answers"]]


def test_report_csv_neutralises_formula_text_but_keeps_negative_numbers() -> None:
    rows = [{"group": group, "count": 7, "score": -42.86, "ci95": [-80.12, -5.6]}
            for group in ("=cmd|' /C calc'!A0", "+1", "-x", "@SUM(A1)", "\tx", "'q", "plain")]
    parsed = list(csv.reader(io.StringIO(service.report_csv({"metric": "nps", "rows": rows}), newline="")))
    assert [r[0] for r in parsed[1:]] == ["'=cmd|' /C calc'!A0", "'+1", "'-x", "'@SUM(A1)", "'\tx", "''q", "plain"]
    assert {tuple(r[2:5]) for r in parsed[1:]} == {("-42.86", "-80.12", "-5.6")}


@pytest.mark.parametrize("group", ["\rx", "a\rb", "a\nb", "a\r\nb", "a\n\rb", "end\r"])
def test_report_csv_cell_with_a_line_break_stays_one_cell(group: str) -> None:
    text = service.report_csv({"metric": "nps", "rows": [{"group": group, "count": 7}]})
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 2
    assert csvfile.read_cell(rows[1][0]) == group
