"""Insight on the `make run` stack: stream-fed report by hand computation, the follow-up flow."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.api_client import ApiClient
from tests.e2e.conftest import running_stack

pytestmark = pytest.mark.e2e
SCORES = [10, 9, 9, 8, 7, 6, 3, 0, 10, 5]  # 4 promoters, 2 passives, 4 detractors: NPS 0, CI ±55.44
SIGNED = "\n\nKari Nordmann\nCustomer Success Manager"


def _eventually(fetch: Any, ready: Any, seconds: float = 90) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        value = fetch()
        if ready(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.3)


@pytest.fixture
def api(tmp_path: Path) -> Iterator[ApiClient]:
    """A stack of its own: the shared one's stream backlog (other tests' writes) would delay it."""
    with running_stack(tmp_path) as stack:
        yield ApiClient(stack["api_url"])


def test_stack_report_and_followup_flow(api: ApiClient) -> None:
    product = f"e2e-{uuid.uuid4().hex[:8]}"
    survey = api.post(
        "/v1/admin/surveys",
        {
            "product": product,
            "metric": "nps",
            "channels": ["email"],
            "texts": {"en": {"question": "Recommend?", "follow_up": "Why?"}},
        },
    )
    assert survey.status_code == 201, survey.text
    survey_id = survey.json()["survey_id"]
    ids, tokens = [], []
    for i, score in enumerate(SCORES):
        body = {
            "survey_id": survey_id,
            "score": score,
            "channel": "email",
            "contact_ok": True,
            "user": {"id": f"{product}-u{i}", "email": f"u{i}@example.com", "country": "NO"},
        }
        created = api.post("/v1/responses", body)
        assert created.status_code == 201, created.text
        ids.append(created.json()["response_id"])
        tokens.append(created.json()["edit_token"])
    detractor = ids[6]  # score 3
    assert api.patch(f"/v1/responses/{detractor}", {"comment": "Export is slow"}, tokens[6]).status_code == 200

    today = datetime.now(UTC).date().isoformat()
    report = _eventually(
        lambda: api.get(
            "/v1/admin/reports/scores", metric="nps", product=product, **{"from": today, "to": today}
        ),
        lambda r: r.status_code == 200 and r.json()["total"]["count"] == 10,
    )
    total = report.json()["total"]
    assert (total["count"], total["promoters"], total["detractors"], total["score"]) == (10, 4, 4, 0.0)
    # adjusted Wald: ñ = 13, p = d = 4.75/13; Var = 2·4.75/13/13; half = 1.96·√Var = 0.4647
    assert total["ci95"] == [-46.47, 46.47]

    followup = _eventually(
        lambda: api.get(f"/v1/admin/followups/{detractor}"), lambda r: r.status_code == 200
    )
    assert followup.json()["comment"] == "Export is slow"
    reply = api.post(
        f"/v1/admin/followups/{detractor}/replies",
        {
            "text": "Thank you, we are looking at the export." + SIGNED,
            "sender_name": "Kari Nordmann",
            "sender_title": "Customer Success Manager",
            "send": True,
        },
    )
    assert reply.status_code == 201, reply.text
    assert (reply.json()["reply"]["sent"], reply.json()["followup_status"]) == (True, "answered")
