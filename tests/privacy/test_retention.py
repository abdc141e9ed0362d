"""The retention job: responses past their purpose become anonymous statistics."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib import clock
from chalicelib.privacy import service
from tests.privacy.builders import banner_person, export, feedback_items

_STATISTICS = {"pk", "sk", "expires_at", "score", "metric", "product", "channel", "country", "month"}


def test_retention_anonymises_responses_past_their_purpose(client: Any, aws_stack: Any,
                                                           frozen_now: Any) -> None:
    banner_person(client, user_id="old")
    clock.freeze(frozen_now + timedelta(days=366))
    result = service.run_retention()
    assert result["anonymised"] == 1
    anonymous = [i for i in feedback_items(aws_stack["FeedbackTable"]["Ref"]) if i["pk"].startswith("ANON#")]
    assert len(anonymous) == 1
    assert set(anonymous[0]) == _STATISTICS
    assert anonymous[0]["country"] == "NO" and anonymous[0]["month"] == "2026-11"
    assert anonymous[0]["expires_at"] <= int(frozen_now.timestamp()) + 3 * 365 * 86400


def test_retention_leaves_responses_within_their_purpose(client: Any, frozen_now: Any) -> None:
    banner_person(client, user_id="recent")
    clock.freeze(frozen_now + timedelta(days=200))
    assert service.run_retention()["anonymised"] == 0
    kinds = [i["kind"] for i in export(client, user_id="recent").json_body["items"]]
    assert "response" in kinds


def test_retention_run_twice_anonymises_nothing_the_second_time(client: Any, frozen_now: Any) -> None:
    banner_person(client, user_id="old")
    clock.freeze(frozen_now + timedelta(days=400))
    service.run_retention()
    assert service.run_retention()["anonymised"] == 0


def test_retention_period_is_configurable(client: Any, set_env: Any, frozen_now: Any) -> None:
    set_env(RESPONSE_PURPOSE_DAYS="30")
    banner_person(client, user_id="old")
    clock.freeze(frozen_now + timedelta(days=31))
    assert service.run_retention()["anonymised"] == 1


def test_retention_job_is_listed_for_on_demand_runs(client: Any, frozen_now: Any) -> None:
    banner_person(client, user_id="old")
    clock.freeze(frozen_now + timedelta(days=366))
    assert service.JOBS["anonymise-responses"]() == {"anonymised": 1, "months_queried": 25, "complete": True}


def test_retention_over_budget_stops_and_leaves_the_rest_for_the_next_run(client: Any,
                                                                          frozen_now: Any) -> None:
    banner_person(client, user_id="old")
    clock.freeze(frozen_now + timedelta(days=366))
    assert service.run_retention(budget_seconds=-1)["complete"] is False
    assert service.run_retention()["anonymised"] == 1


def test_anonymised_response_is_gone_from_the_persons_export(client: Any, frozen_now: Any) -> None:
    banner_person(client, user_id="old")
    clock.freeze(frozen_now + timedelta(days=366))
    service.run_retention()
    assert export(client, user_id="old", email="ada@example.com").json_body["items"] == []


def test_retention_job_is_scheduled_daily_in_the_app() -> None:
    import app

    sources = {s.name: s for s in app.app.event_sources}
    assert sources["privacy_retention"].schedule_expression.to_string() == "rate(1 day)"
