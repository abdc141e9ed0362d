"""Filing a request and verifying the address: nothing is looked up or done before the POST."""
from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from chalicelib import clock
from tests.privacy.builders import banner_person, feedback_items
from tests.requests.helpers import confirm, file, links, sent_mails, verification_path


def _privacy_items(stack: dict[str, Any]) -> list[dict[str, Any]]:
    return feedback_items(stack["PrivacyTable"]["Ref"])


def test_the_answer_is_the_same_whether_or_not_data_exists(client: Any, aws_stack: dict[str, Any]) -> None:
    banner_person(client, user_id="known-1", email="known@example.com")
    known = file(client, "known@example.com")
    unknown = file(client, "nobody@example.com")
    assert known.status_code == unknown.status_code == 202
    assert known.json_body == unknown.json_body
    # a mail to each, and nothing looked up or carried out: no audit entry, no export yet
    assert len(sent_mails("known@example.com")) == len(sent_mails("nobody@example.com")) == 1
    assert not [i for i in _privacy_items(aws_stack) if str(i["pk"]).startswith("AUD#")]


def test_opening_the_link_changes_nothing_and_confirming_does_it_once(client: Any,
                                                                       aws_stack: dict[str, Any]) -> None:
    banner_person(client, user_id="u-open", email="open@example.com")
    file(client, "open@example.com")
    path = verification_path("open@example.com")
    for _ in range(2):  # a mail scanner prefetching the link
        page = client.http.get(path, headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert '<form method="post"' in page.body.decode()
    assert not [i for i in _privacy_items(aws_stack) if str(i["pk"]).startswith("AUD#")]
    first = confirm(client, path)
    again = confirm(client, path)
    assert first.status_code == again.status_code == 200
    assert json.loads(first.body)["status"] == json.loads(again.body)["status"] == "done"
    exports = [m for m in sent_mails("open@example.com") if "/exports/" in m["body"]]
    assert len(exports) == 1  # the second confirmation did nothing again


def test_a_tampered_or_expired_link_gets_a_clear_page(client: Any, frozen_now: Any) -> None:
    file(client, "late@example.com")
    path = verification_path("late@example.com")
    token = path.rsplit("/", 1)[1]
    tampered = path[:-len(token)] + ("A" if token[0] != "A" else "B") + token[1:]
    bad = client.http.get(tampered, headers={"Accept": "text/html"})
    assert bad.status_code == 400 and "does not work" in bad.body.decode()
    assert confirm(client, tampered).status_code == 400
    clock.freeze(frozen_now + timedelta(hours=24, seconds=1))
    expired = client.http.get(path, headers={"Accept": "text/html"})
    assert expired.status_code == 410 and "expired" in expired.body.decode()
    refused = confirm(client, path, html=True)
    assert refused.status_code == 410
    assert not [m for m in sent_mails("late@example.com") if "/exports/" in m["body"]]


def test_a_link_of_another_kind_is_not_a_verification_link(client: Any) -> None:
    from chalicelib import signing
    from chalicelib.secrets import get_app_secrets

    token = signing.sign_link("pexp", {"i": "prq_x"}, int(clock.now().timestamp()) + 600,
                              get_app_secrets().signing_key)
    assert client.http.get(f"/v1/privacy-requests/verify/{token}").status_code == 400


def test_rate_limits_per_address_and_per_client(client: Any, set_env: Any) -> None:
    answers = [file(client, "many@example.com") for _ in range(4)]
    assert [a.status_code for a in answers] == [202, 202, 202, 429]
    assert answers[-1].json_body["field"] == "email"
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 3600
    assert len(sent_mails("many@example.com")) == 3
    set_env(PRIVACY_REQUESTS_PER_CLIENT="5")
    statuses = [file(client, f"p{i}@example.com").status_code for i in range(3)]
    assert statuses == [202, 429, 429]  # 4 earlier (the refused one counts too) + 1 = 5 this hour
    assert file(client, "p9@example.com").json_body["field"] == "client"


def test_bad_input_names_the_field_and_sends_nothing(client: Any) -> None:
    cases = [({"right": "access"}, "email"), ({"email": "a@example.com"}, "right"),
             ({"email": "a@example.com", "right": "forget-me"}, "right"),
             ({"email": "not-an-address", "right": "access"}, "email"),
             ({"email": "a@example.com\r\nBcc: x@example.com", "right": "access"}, "email"),
             ({"email": "a@example.com", "right": "rectification"}, "details"),
             ({"email": "a@example.com", "right": "rectification", "details": "   "}, "details"),
             ({"email": "a@example.com", "right": "question"}, "details"),
             ({"email": "a@example.com", "right": "access", "locale": "<script>"}, "locale"),
             ({"email": "a@example.com", "right": "access", "user_id": "ada"}, "user_id")]
    for body, field in cases:
        answer = client.http.post("/v1/privacy-requests", body=json.dumps(body),
                                  headers={"Content-Type": "application/json"})
        assert answer.status_code == 400, (body, answer.body)
        assert answer.json_body["field"] == field, (body, answer.json_body)
    assert sent_mails() == []


def test_the_verification_mail_is_in_the_requested_locale(client: Any) -> None:
    file(client, "nora@example.com", locale="nb-NO")
    mail = sent_mails("nora@example.com")[0]
    assert mail["subject"] == "Bekreft personvernforespørselen din"
    assert mail["source"] == "privacy@trustloop.example.com"
    assert len([p for p in links(mail) if "/verify/" in p]) == 1


def test_unusual_but_valid_addresses_are_accepted_and_unsendable_ones_refused(client: Any) -> None:
    for address in ("0@0.0", "a$b+c@x-y.example", "o'neil/x=y@sub.example.co", "x@xn--bcher-kva.example"):
        assert file(client, address).status_code == 202, address
    for address in ("ü@example.com", "a@example", "a@-x.com", "a b@example.com", "a@example.com\n"):
        answer = file(client, address)
        assert answer.status_code == 400 and answer.json_body["field"] == "email", address


def _ses_answers(code: str | None) -> None:
    """SES (through its client's event hooks) refuses every send with `code`, or raises no answer."""
    from types import SimpleNamespace

    from botocore.exceptions import EndpointConnectionError

    from chalicelib import aws

    def refuse(**_: Any) -> Any:
        if code is None:
            raise EndpointConnectionError(endpoint_url="https://email.eu-west-1.amazonaws.com")
        return SimpleNamespace(status_code=400), {"Error": {"Code": code, "Message": "no"}, "ResponseMetadata": {}}

    events = aws.client("ses").meta.events
    events.unregister("before-call.ses.SendEmail", unique_id="refuse-all")
    events.register("before-call.ses.SendEmail", refuse, unique_id="refuse-all")


def test_when_ses_cannot_send_the_answer_says_so_and_never_500(client: Any) -> None:
    file(client, "ok@example.com")
    path = verification_path("ok@example.com")
    for code, status, field in (("MessageRejected", 503, None), ("InvalidParameterValue", 400, "email"),
                                (None, 503, None)):
        _ses_answers(code)
        answer = file(client, f"x-{code}@example.com")
        assert answer.status_code == status and answer.json_body["field"] == field, answer.body
    page = confirm(client, path, html=True)  # the export mail cannot go: a page, and nothing is lost
    assert page.status_code == 503 and "Content-Security-Policy" in page.headers
    from chalicelib import aws

    aws.client("ses").meta.events.unregister("before-call.ses.SendEmail", unique_id="refuse-all")
    again = confirm(client, path)  # confirmed meanwhile: the claim is fresh, so it says where it is
    assert again.status_code == 200 and json.loads(again.body)["status"] == "verified"
