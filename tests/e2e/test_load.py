"""Bounded load on the `make run` stack (loopback only; a fixed number of users for a fixed time,
then it stops): every 201 is exactly one stored response, a retry never stores a second one,
no 5xx; and concurrent alerts each become exactly one incident.

Each run has a stack of its own: the alert form allows one client (all of loopback is one
source IP locally) 10 alerts per 10 minutes, and other e2e tests spend that budget too.
"""
from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from tests.e2e.api_client import until
from tests.e2e.conftest import running_stack

pytestmark = pytest.mark.e2e
TIMEOUT = 10


@dataclass
class Tally:
    answers: Counter[int] = field(default_factory=Counter)
    created: dict[str, str] = field(default_factory=dict)  # user -> response_id of its 201s
    mismatched: list[str] = field(default_factory=list)  # a retry that got another response_id
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, answer: requests.Response) -> requests.Response:
        with self.lock:
            self.answers[answer.status_code] += 1
        return answer


def _banner_user(api: str, run: str, worker: int, until_at: float, tally: Tally) -> None:
    """One banner user after another until `until_at`: eligibility, impression, score (sent twice
    with one Idempotency-Key, as a retry after a lost answer), comment."""
    n = 0
    with requests.Session() as http:
        while time.monotonic() < until_at:
            user, n = f"{run}-{worker}-{n}", n + 1
            tally.count(http.get(f"{api}/v1/eligibility", timeout=TIMEOUT,
                                 params={"product": "demo", "user_id": user, "channel": "in_app_web"}))
            event = {"survey_id": "srv_demo_nps", "channel": "in_app_web", "user": {"id": user}}
            tally.count(http.post(f"{api}/v1/impressions", json=event, timeout=TIMEOUT))
            body = {**event, "score": n % 11, "user": {"id": user, "country": "NO"}}
            ids = []
            for _ in range(2):
                answer = tally.count(http.post(f"{api}/v1/responses", json=body, timeout=TIMEOUT,
                                               headers={"Idempotency-Key": f"k-{user}"}))
                if answer.status_code == 201:
                    ids.append(answer.json()["response_id"])
            if ids:
                with tally.lock:
                    tally.created[user] = ids[0]
                    if len(set(ids)) > 1:
                        tally.mismatched.append(user)
                token = answer.json().get("edit_token")
                tally.count(http.patch(f"{api}/v1/responses/{ids[0]}", json={"comment": "Slow export"}, timeout=TIMEOUT,
                                       headers={"Authorization": f"Bearer {token}"} if token else {}))


def _stored_responses(stack: dict[str, Any], run: str) -> Counter[str]:
    """response_id -> how many RESP items of this run's users the table holds (a test may Scan)."""
    table = boto3.resource("dynamodb", endpoint_url=stack["moto_url"], region_name=stack["region"],
                           aws_access_key_id="testing", aws_secret_access_key="testing").Table(stack["feedback_table"])
    found: Counter[str] = Counter()
    kwargs: dict[str, Any] = {}
    while True:
        page = table.scan(**kwargs)
        for item in page["Items"]:
            if str(item["pk"]).startswith("RESP#") and str(item.get("user", {}).get("id", "")).startswith(run):
                found[str(item["response_id"])] += 1
        if "LastEvaluatedKey" not in page:
            return found
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _alerts(api: str, run: str, count: int, tally: Tally) -> list[str]:
    def one(i: int) -> str:
        answer = tally.count(requests.post(f"{api}/v1/incidents", timeout=TIMEOUT, json={
            "reporter": {"name": f"Load {i}", "email": f"{run}-{i}@customer.example", "kind": "customer"},
            "summary": f"Load test alert {i}", "description": f"Run {run}, alert {i}"}))
        assert answer.status_code == 202, answer.text
        return str(answer.json()["alert_id"])

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def _load(live_stack: dict[str, Any], users: int, seconds: float, alerts: int) -> None:
    api, run = live_stack["api_url"], f"load-{uuid.uuid4().hex[:8]}"
    tally = Tally()
    started = time.monotonic()
    with ThreadPoolExecutor(users + 1) as pool:
        done = [pool.submit(_banner_user, api, run, w, started + seconds, tally) for w in range(users)]
        alert_ids = pool.submit(_alerts, api, run, alerts, tally).result(timeout=seconds + 60)
        for future in done:
            future.result(timeout=seconds + 60)
    elapsed = time.monotonic() - started

    stored = _stored_responses(live_stack, run)
    assert not [s for s in tally.answers if s >= 500], dict(tally.answers)
    assert tally.mismatched == []
    assert sorted(stored) == sorted(tally.created.values())  # every 201 stored, nothing stored without one
    assert set(stored.values()) <= {1}  # and each exactly once

    def incidents_of_run() -> Any:
        listed = requests.get(f"{api}/v1/admin/incidents", params={"status": "open"}, timeout=TIMEOUT).json()
        mine = Counter(i["alert_id"] for i in listed["incidents"] if i["alert_id"] in alert_ids)
        return mine if len(mine) == len(alert_ids) else None

    per_alert = until(incidents_of_run, limit=90)
    assert set(per_alert.values()) == {1}
    print(f"\nload: {users} users x {seconds:.0f} s ({elapsed:.1f} s): requests={sum(tally.answers.values())} "
          f"answers={dict(sorted(tally.answers.items()))} responses stored={len(stored)} "
          f"(sent twice each) alerts={len(alert_ids)} incidents={sum(per_alert.values())}")


def test_load_small_banner_users_and_alerts_store_everything_once(tmp_path: Path) -> None:
    with running_stack(tmp_path) as stack:
        _load(stack, users=4, seconds=5, alerts=3)


@pytest.mark.slow
def test_load_bigger_banner_users_and_alerts_store_everything_once(tmp_path: Path) -> None:
    with running_stack(tmp_path) as stack:
        _load(stack, users=16, seconds=30, alerts=10)  # 10: the form's per-client limit
