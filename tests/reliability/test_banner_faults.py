"""Banner sessions under injected DynamoDB faults: every 201 stored exactly once, nothing half-made.

Each session is what the banner does: eligibility, impression, a score (or "no thanks"), a
comment. The client retries as the banner does (a score with the same Idempotency-Key on 5xx
and 409-in-progress; a comment on 5xx); impressions and declines are fire-and-forget. Faults are
drawn from a seeded generator on every DynamoDB call: throttling (the SDK's retries ran out),
transaction conflicts, timeouts after the write landed (the answer is lost), and races where
the same request arrives again while the first is between its checks and its write.
"""
from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from typing import Any

import pytest

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.surveys import store
from tests.faults import Faults, Rule
from tests.surveys.builders import create_survey

ATTEMPTS = 8
COMPANY = "acme-co"


class Banner:
    """One user's banner session against the app, with the banner's retry rules; counts answers."""

    def __init__(self, client: Any, survey_id: str, user: str, rng: random.Random, counts: Counter[str]) -> None:
        self.client, self.survey_id, self.user, self.rng, self.counts = client, survey_id, user, rng, counts
        self.created: list[str] = []  # response ids of every 201
        self.token: str | None = None
        self.impressions_201 = 0
        self.commented: str | None = None

    def _send(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        call = getattr(self.client.http, method)
        kwargs: dict[str, Any] = {"headers": {"Content-Type": "application/json", **(headers or {})}}
        if body is not None:
            kwargs["body"] = json.dumps(body)
        answer = call(path, **kwargs)
        self.counts[f"{method.upper()} {answer.status_code}"] += 1
        return answer

    def run(self) -> None:
        for _ in range(ATTEMPTS):
            eligible = self._send("get", f"/v1/eligibility?product=acme&user_id={self.user}&channel=in_app_web")
            if eligible.status_code == 200:
                break
        event = {"survey_id": self.survey_id, "channel": "in_app_web", "user": {"id": self.user}}
        shown = self._send("post", "/v1/impressions", event)
        self.impressions_201 += shown.status_code == 201
        if self.rng.random() < 0.2:
            self._send("post", "/v1/declines", event)
            return
        self._score({"id": self.user, "country": "NO"})
        if self.created:
            self._comment()

    def _score(self, user: dict[str, Any]) -> None:
        body = {"survey_id": self.survey_id, "score": self.rng.randint(0, 10), "channel": "in_app_web", "user": user}
        key = f"key-{self.user}"
        for _ in range(ATTEMPTS):
            answer = self._send("post", "/v1/responses", body, {"Idempotency-Key": key})
            if answer.status_code == 201:
                self.created.append(answer.json_body["response_id"])
                self.token = answer.json_body.get("edit_token")
                return
            if answer.status_code < 500 and answer.json_body.get("error") in ("already_answered", "opted_out"):
                return

    def _comment(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        for _ in range(ATTEMPTS):
            answer = self._send("patch", f"/v1/responses/{self.created[0]}", {"comment": "Export is slow"}, headers)
            if answer.status_code == 200:
                self.commented = answer.json_body["comment"]
                return
            if answer.status_code < 500 and answer.status_code != 409:
                return


def _race(client: Any, faults: Faults, rng: random.Random) -> Any:
    """Before a response's transaction, the same request (same key) runs first: a concurrent retry."""
    def hook(params: dict[str, Any], **_: Any) -> None:
        body = params.get("body") or b""
        if faults.racing or b"IDEM#" not in body or rng.random() >= 0.08:
            return
        request = json.loads(body)
        puts = [t["Put"]["Item"] for t in request["TransactItems"] if "Put" in t]
        resp = next(item for item in puts if item["pk"]["S"].startswith("RESP#"))
        user = resp["user"]["M"]
        replay = {"survey_id": resp["survey_id"]["S"], "score": int(resp["score"]["N"]), "channel": "in_app_web",
                  "user": {"id": user["id"]["S"], "country": user["country"]["S"]}}
        faults.racing = True
        try:
            answer = client.http.post("/v1/responses", body=json.dumps(replay), headers={
                "Content-Type": "application/json", "Idempotency-Key": f"key-{user['id']['S']}"})
            faults.injected[f"TransactWriteItems:concurrent-duplicate->{answer.status_code}"] += 1
        finally:
            faults.racing = False
    return hook


def _stored() -> dict[str, list[dict[str, Any]]]:
    """Every FeedbackTable item by the subject it belongs to (a test may Scan)."""
    table = aws.table(get_settings().feedback_table)
    items, kwargs = [], {}
    while True:
        page = table.scan(**kwargs)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    by_subject: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        by_subject[str(item.get("subject") or item["pk"])].append(item)
    return by_subject


@pytest.mark.parametrize(("seed", "sessions"), [
    (20261130, 30),
    pytest.param(7, 150, marks=pytest.mark.slow),
    pytest.param(99, 150, marks=pytest.mark.slow),
])
def test_banner_sessions_under_injected_faults_store_every_201_once(client: Any, seed: int, sessions: int) -> None:
    survey_id = create_survey(client, channels=["in_app_web"])["survey_id"]
    rng = random.Random(seed)
    faults = Faults(seed=seed, rules=[
        Rule("TransactWriteItems", "timeout-after-write", 0.10),
        Rule("UpdateItem", "timeout-after-write", 0.10),
        Rule("TransactWriteItems", "transaction-conflict", 0.08),
        Rule("TransactWriteItems", "throttling", 0.06),
        Rule("BatchGetItem", "throttling", 0.06),
        Rule("GetItem", "throttling", 0.06),
        Rule("UpdateItem", "throttling", 0.06),
    ])
    faults.racing = False  # type: ignore[attr-defined]
    dynamodb = aws.dynamodb_client()
    faults.on(dynamodb)
    dynamodb.meta.events.register_first("before-call.dynamodb.TransactWriteItems", _race(client, faults, rng))
    counts: Counter[str] = Counter()
    banners = [Banner(client, survey_id, f"u{seed}-{i}", rng, counts) for i in range(sessions)]
    for session in banners:
        session.run()
    faults.off(dynamodb)

    stored = _stored()
    for s in banners:
        items = stored[store.subject_key(COMPANY, s.user)]
        responses = [i for i in items if str(i["pk"]).startswith("RESP#")]
        assert len(set(s.created)) <= 1, s.user  # every retry got the same response_id back
        assert len(responses) <= 1, s.user  # stored once, never twice
        if s.created:
            assert [r["response_id"] for r in responses] == s.created[:1], s.user
            throttle = stored[store.subject_key(COMPANY, s.user)]
            assert any(i["sk"] == "THROTTLE" and "p#acme#answered_at" in i for i in throttle), s.user
            assert any(str(i["pk"]).startswith("IDEM#") and i["response_id"] == s.created[0] for i in items), s.user
        if s.commented:
            assert responses[0]["comment"] == s.commented, s.user
        events = [i for i in items if str(i["pk"]).startswith("EVT#") and i["type"] == "impression"]
        assert s.impressions_201 <= len(events) <= 1, s.user  # fire and forget: never retried
        shown = [i for i in items if i["sk"] == "THROTTLE" and "p#acme#shown_at" in i]
        assert bool(events) == bool(shown), s.user  # the event and the throttle move together
    answered = sum(1 for s in banners if s.created)
    print(f"\nbanner faults seed={seed}: sessions={sessions} answered(201)={answered} "
          f"commented={sum(1 for s in banners if s.commented)} faults={faults.total} "
          f"dynamodb_calls={sum(faults.calls.values())}\n  injected={dict(sorted(faults.injected.items()))}"
          f"\n  answers={dict(sorted(counts.items()))}")
    assert counts["POST 400"] == 0 and counts["PATCH 400"] == 0  # only injected faults failed anything
    assert faults.total >= sessions // 2  # the run really met faults
    assert answered >= sessions * 0.6  # and still got most answers stored
