"""One e-mail per reply: a send claims the follow-up first, then calls SES, then records it."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib import aws, clock
from chalicelib.insight import followup_store
from tests.faults import Faults, Rule
from tests.insight.builders import answer, nps_survey, post_json

SIGNED = "\n\nKari Nordmann\nCustomer Success Manager"
REPLY = {"text": "Thank you for telling us. We are looking into the export." + SIGNED,
         "sender_name": "Kari Nordmann", "sender_title": "Customer Success Manager", "send": True}


def _open(client: Any, stream: Any) -> str:
    response_id = answer(client, nps_survey(client), "user-1", 3, comment="Too slow", contact_ok=True,
                         email="ada@example.com")
    stream.pump()
    return response_id


def _sent() -> int:
    return int(aws.client("ses").get_send_quota()["SentLast24Hours"])


def _reply(client: Any, followup_id: str) -> Any:
    return post_json(client, f"/v1/admin/followups/{followup_id}/replies", REPLY)


def test_two_concurrent_sends_send_one_email(client: Any, frozen_now: Any, stream: Any) -> None:
    followup_id = _open(client, stream)
    inner: list[Any] = []

    def second_admin_sends_meanwhile(**_: Any) -> None:
        if not inner:  # while the first send is at SES, a second admin presses send
            inner.append(_reply(client, followup_id))

    ses = aws.client("ses")
    ses.meta.events.register("before-call.ses.SendEmail", second_admin_sends_meanwhile)
    first = _reply(client, followup_id)
    ses.meta.events.unregister("before-call.ses.SendEmail", second_admin_sends_meanwhile)
    assert (first.status_code, inner[0].status_code) == (201, 409), (first.body, inner[0].body)
    assert _sent() == 1
    followup = client.http.get(f"/v1/admin/followups/{followup_id}").json_body
    assert (followup["status"], len(followup["replies"]), "sending_claim" in followup) == ("answered", 1, False)


def test_failed_ses_call_frees_the_claim_and_a_retry_sends_once(client: Any, frozen_now: Any, stream: Any) -> None:
    followup_id = _open(client, stream)
    faults = Faults(rules=[Rule("SendEmail", "throttling-request", times=1)]).on(aws.client("ses"))
    failed = _reply(client, followup_id)
    assert (failed.status_code, failed.json_body["field"]) == (503, "send")
    assert _reply(client, followup_id).status_code == 201
    assert (_sent(), faults.total) == (1, 1)


def test_a_fresh_claim_blocks_a_send_and_a_stale_one_is_taken_over(
    client: Any, frozen_now: Any, stream: Any
) -> None:
    followup_id = _open(client, stream)
    crashed_at = clock.now() - timedelta(seconds=60)  # a sender that claimed, then died
    assert followup_store.claim_sending(followup_id, "open", "crashed", clock.iso(crashed_at), clock.iso(crashed_at))
    assert _reply(client, followup_id).status_code == 409
    clock.freeze(clock.now() + timedelta(minutes=10))
    assert _reply(client, followup_id).status_code == 201
    assert _sent() == 1
