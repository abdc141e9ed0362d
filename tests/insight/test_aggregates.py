"""Aggregates from FeedbackTable's stream: reports, idempotency, restriction, rebuild."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from chalicelib import aws
from chalicelib.config import get_settings
from tests.insight.builders import answer, event, nps_survey

REPORT = "/v1/admin/reports/scores?metric=nps&product=acme&from=2026-11-01&to=2026-11-30"
SCORES = [10, 9, 9, 8, 7, 6, 3, 0, 10, 5]  # 4 promoters, 2 passives, 4 detractors: NPS 0


def _seed(client: Any) -> str:
    survey_id = nps_survey(client)
    for i, score in enumerate(SCORES):
        answer(
            client,
            survey_id,
            f"user-{i}",
            score,
            channel="email" if i < 4 else "in_app_web",
            country="SE" if i % 2 else "NO",
            locale="sv" if i % 2 else "nb-NO",
        )
    return survey_id


def test_report_over_stream_fed_aggregates_matches_hand_computation(
    client: Any, frozen_now: Any, stream: Any
) -> None:
    survey_id = _seed(client)
    for i in range(20):
        event(client, "impressions", survey_id, f"viewer-{i}")
    for i in range(5):
        event(client, "declines", survey_id, f"decliner-{i}")
    stream.pump()
    body = client.http.get(REPORT).json_body
    total = body["total"]
    assert (total["count"], total["promoters"], total["detractors"], total["score"]) == (10, 4, 4, 0.0)
    # adjusted Wald: ñ = 13, p = d = 4.75/13; Var = 2·4.75/13/13; half = 1.96·√Var = 0.4647
    assert total["ci95"] == [-46.47, 46.47]
    assert (total["impressions"], total["declines"]) == (20, 5)
    assert (total["response_rate"], total["decline_rate"]) == (50.0, 25.0)


def test_report_group_by_channel_splits_counts(client: Any, frozen_now: Any, stream: Any) -> None:
    _seed(client)
    stream.pump()
    rows = client.http.get(REPORT + "&group_by=channel").json_body["rows"]
    by_group = {r["group"]: r for r in rows}
    # email: 10, 9, 9, 8 → 3 promoters, 0 detractors; 4 answers are too few for a score
    email = by_group["email"]
    assert (email["count"], email["promoters"], email["detractors"]) == (4, 3, 0)
    assert (email["score"], email["ci95"], email["note"]) == (None, None, "too few answers")
    assert by_group["in_app_web"]["count"] == 6


def test_report_group_by_locale_uses_language(client: Any, frozen_now: Any, stream: Any) -> None:
    _seed(client)
    stream.pump()
    rows = client.http.get(REPORT + "&group_by=locale").json_body["rows"]
    assert {r["group"]: r["count"] for r in rows} == {"nb": 5, "sv": 5}


def test_report_csv_when_accept_text_csv(client: Any, frozen_now: Any, stream: Any) -> None:
    _seed(client)
    stream.pump()
    response = client.http.get(REPORT + "&group_by=country", headers={"Accept": "text/csv"})
    assert response.headers["Content-Type"].startswith("text/csv")
    lines = response.body.decode().splitlines()
    assert lines[0].startswith("group,count,score,ci95_low,ci95_high")
    assert [line.split(",")[0] for line in lines[1:]] == ["NO", "SE"]


def test_stream_redelivery_counts_once(client: Any, frozen_now: Any, stream: Any) -> None:
    _seed(client)
    stream.pump()
    stream.redeliver()
    stream.redeliver()
    assert client.http.get(REPORT).json_body["total"]["count"] == 10


def test_restricted_person_leaves_aggregates_once(client: Any, frozen_now: Any, stream: Any) -> None:
    survey_id = nps_survey(client)
    kept = answer(client, survey_id, "user-a", 10)
    restricted = answer(client, survey_id, "user-b", 0)
    stream.pump()
    _set(restricted, restricted=True)
    stream.pump()
    stream.redeliver()
    total = client.http.get(REPORT).json_body["total"]
    assert (total["count"], total["promoters"], total["score"]) == (1, 1, None)
    assert kept


def test_lifted_restriction_counts_again_once(client: Any, frozen_now: Any, stream: Any) -> None:
    survey_id = nps_survey(client)
    response_id = answer(client, survey_id, "user-a", 0)
    stream.pump()
    _set(response_id, restricted=True)
    stream.pump()
    _feedback().update_item(
        Key={"pk": f"RESP#{response_id}", "sk": "RESP"}, UpdateExpression="REMOVE restricted"
    )
    stream.pump()
    stream.redeliver()
    assert client.http.get(REPORT).json_body["total"]["count"] == 1


def test_openapi_documents_insight_routes(client: Any) -> None:
    paths = client.http.get("/v1/openapi.json").json_body["paths"]
    assert {
        "/v1/admin/reports/scores",
        "/v1/admin/followups/{followup_id}/replies",
        "/v1/admin/jobs/{name}",
    } <= set(paths)


def test_removed_response_still_counts(client: Any, frozen_now: Any, stream: Any) -> None:
    survey_id = nps_survey(client)
    response_id = answer(client, survey_id, "user-a", 3)
    stream.pump()
    _feedback().delete_item(Key={"pk": f"RESP#{response_id}", "sk": "RESP"})  # as TTL does
    stream.pump()
    assert client.http.get(REPORT).json_body["total"]["count"] == 1


def test_removed_response_ledger_no_longer_keyed_by_its_id(client: Any, frozen_now: Any, stream: Any) -> None:
    survey_id = nps_survey(client)
    response_id = answer(client, survey_id, "user-a", 3)
    stream.pump()
    insight = aws.table(get_settings().insight_table)
    assert "Item" in insight.get_item(Key={"pk": f"CONTRIB#{response_id}", "sk": "CONTRIB"})
    _feedback().delete_item(Key={"pk": f"RESP#{response_id}", "sk": "RESP"})
    stream.pump()
    tombstone = insight.get_item(Key={"pk": f"CONTRIB#{response_id}", "sk": "CONTRIB"})["Item"]
    assert set(tombstone) == {"pk", "sk", "gone", "expires_at"}  # no dimension, no score: only "seen"
    ledger = [i for i in insight.scan()["Items"] if i["pk"].startswith("CONTRIB#anon-")]
    assert [(int(i["score"]), i["counted"]) for i in ledger] == [(3, True)]


def test_rebuild_agrees_with_live_aggregates(client: Any, frozen_now: Any, stream: Any) -> None:
    survey_id = _seed(client)
    for i in range(4):
        event(client, "impressions", survey_id, f"viewer-{i}")
    gone = answer(client, survey_id, "user-gone", 2)
    restricted = answer(client, survey_id, "user-restricted", 9)
    stream.pump()
    _feedback().delete_item(Key={"pk": f"RESP#{gone}", "sk": "RESP"})
    _set(restricted, restricted=True)
    stream.pump()
    live = _aggregates()
    reports = [client.http.get(REPORT + g).json_body for g in ("", "&group_by=country", "&group_by=week")]
    rebuilt = client.http.post(
        "/v1/admin/jobs/rebuild-aggregates", body="{}", headers={"Content-Type": "application/json"}
    )
    assert rebuilt.status_code == 200, rebuilt.body
    assert _aggregates() == live
    assert [
        client.http.get(REPORT + g).json_body for g in ("", "&group_by=country", "&group_by=week")
    ] == reports


def test_report_bad_range_is_400_naming_field(client: Any) -> None:
    response = client.http.get(
        "/v1/admin/reports/scores?metric=nps&product=acme&from=2026-11-30&to=2026-11-01"
    )
    assert response.status_code == 400
    assert response.json_body["field"] == "to"


def test_report_bad_date_is_400_naming_field(client: Any) -> None:
    response = client.http.get(
        "/v1/admin/reports/scores?metric=nps&product=acme&from=2026-02-31&to=2026-03-01"
    )
    assert (response.status_code, response.json_body["field"]) == (400, "from")


def _feedback() -> Any:
    return aws.table(get_settings().feedback_table)


def _set(response_id: str, **values: Any) -> None:
    names = {f"#a{i}": k for i, k in enumerate(values)}
    vals = {f":v{i}": v for i, v in enumerate(values.values())}
    _feedback().update_item(
        Key={"pk": f"RESP#{response_id}", "sk": "RESP"},
        UpdateExpression="SET " + ", ".join(f"#a{i} = :v{i}" for i in range(len(values))),
        ExpressionAttributeNames=names,
        ExpressionAttributeValues=vals,
    )


def _aggregates() -> dict[tuple[str, str], dict[str, Any]]:
    items = aws.table(get_settings().insight_table).scan()["Items"]
    # A counter taken back to 0 (a restriction) and one never written are the same.
    return {
        (i["pk"], i["sk"]): {k: v for k, v in i.items() if not (isinstance(v, Decimal) and v == 0)}
        for i in items
        if i["pk"].startswith("AGG#") and any(isinstance(v, Decimal) and v for v in i.values())
    }
