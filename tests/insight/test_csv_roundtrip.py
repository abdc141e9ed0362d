"""The score report's CSV, parsed and compared cell by cell with the JSON answer of the same request.

What each column holds is written here from docs/insight.md (not read from the writer): a CSV
whose interval columns are swapped, or whose rows drift from the JSON, fails.
"""
from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.insight.builders import answer, event
from tests.surveys.builders import create_survey

HEADER = ["group", "count", "score", "ci95_low", "ci95_high", "mean", "mean_ci95_low", "mean_ci95_high",
          "easy_percent", "promoters", "passives", "detractors", "satisfied", "easy", "impressions", "declines",
          "response_rate", "decline_rate", "note"]
# Column → where the JSON row holds it: a key, or (key, index) for an interval's end.
SOURCE: dict[str, Any] = {
    **{name: name for name in HEADER},
    "ci95_low": ("ci95", 0), "ci95_high": ("ci95", 1),
    "mean_ci95_low": ("mean_ci95", 0), "mean_ci95_high": ("mean_ci95", 1),
}
SCORES = {"nps": [10, 9, 8, 6, 0, 10], "csat": [5, 4, 3, 1, 2, 5], "ces": [7, 5, 4, 3, 1, 6]}
GROUPINGS = {"nps": ["", "channel", "country", "locale", "week", "month"], "csat": ["channel"], "ces": ["", "country"]}


def _json_value(row: dict[str, Any], column: str, metric: str) -> Any:
    if column == "score" and metric == "ces":
        return row.get("mean")  # a CES row's score is its mean effort (docs/insight.md)
    source = SOURCE[column]
    if isinstance(source, tuple):
        interval = row.get(source[0])
        return interval[source[1]] if interval else None
    return row.get(source)


def _cell_equals(cell: str, value: Any) -> bool:
    if value is None:
        return cell == ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        # OWASP CSV injection: text starting with = + - @ tab CR (or a quote) gets a leading quote.
        text = str(value)
        return cell == ("'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r", "'")) else text)
    return float(cell) == float(value)


def assert_csv_matches_json(text: str, body: dict[str, Any]) -> None:
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == HEADER
    assert len(rows) - 1 == len(body["rows"]), (rows, body["rows"])
    for cells, row in zip(rows[1:], body["rows"], strict=True):
        assert len(cells) == len(HEADER), cells
        for column, cell in zip(HEADER, cells, strict=True):
            expected = _json_value(row, column, body["metric"])
            assert _cell_equals(cell, expected), (row["group"], column, cell, expected)


def _seed(client: Any, metric: str, stream: Any) -> None:
    survey = create_survey(client, product="acme", metric=metric, channels=["in_app_web", "email", "mobile"])
    for i, score in enumerate(SCORES[metric]):
        answer(client, survey["survey_id"], f"user-{i}", score, channel=("email", "in_app_web", "mobile")[i % 3],
               country=("NO", "SE", "DK")[i % 3], locale=("nb-NO", "sv", "en")[i % 3])
    for i in range(6):
        event(client, "impressions", survey["survey_id"], f"viewer-{i}", channel=("email", "in_app_web")[i % 2])
    for i in range(2):
        event(client, "declines", survey["survey_id"], f"decliner-{i}")
    stream.pump()


@pytest.mark.parametrize("metric", ["nps", "csat", "ces"])
def test_scores_csv_equals_json_cell_by_cell_for_every_grouping(client: Any, frozen_now: Any, stream: Any,
                                                                 metric: str) -> None:
    _seed(client, metric, stream)
    base = f"/v1/admin/reports/scores?metric={metric}&product=acme&from=2026-11-01&to=2026-11-30"
    for grouping in GROUPINGS[metric]:
        group_by = f"&group_by={grouping}" if grouping else ""
        as_json = client.http.get(base + group_by)
        as_csv = client.http.get(base + group_by + "&format=csv")
        by_accept = client.http.get(base + group_by, headers={"Accept": "text/csv"})
        assert (as_json.status_code, as_csv.status_code) == (200, 200), as_csv.body
        assert as_csv.headers["Content-Type"].startswith("text/csv")
        assert by_accept.body == as_csv.body
        assert_csv_matches_json(as_csv.body.decode(), as_json.json_body)


def test_scores_csv_of_an_empty_period_is_the_header_and_one_empty_row(client: Any, frozen_now: Any) -> None:
    create_survey(client, product="acme")
    base = "/v1/admin/reports/scores?metric=nps&product=acme&from=2026-01-01&to=2026-01-31"
    as_json = client.http.get(base).json_body
    assert_csv_matches_json(client.http.get(base + "&format=csv").body.decode(), as_json)
