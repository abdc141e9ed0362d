"""Issue 11.11: an e-mail's opt-out link is issued once per link set, and never re-created after opting out.

Each GET of a score link used to mint a new opt-out item (one per click, per scanner prefetch),
and a click after opting out wrote a fresh item naming the person who had just been erased.
"""
from __future__ import annotations

import re
from html import unescape
from typing import Any
from urllib.parse import unquote, urlsplit

from chalicelib import aws
from chalicelib.config import get_settings
from tests.surveys.builders import create_survey, post


def _opt_out_items() -> list[dict[str, Any]]:
    # A test may scan: it counts every opt-out link item written.
    return [i for i in aws.table(get_settings().feedback_table).scan()["Items"] if i["pk"].startswith("OPTOUT#")]


def _subject_items() -> list[dict[str, Any]]:
    return [i for i in aws.table(get_settings().feedback_table).scan()["Items"] if i.get("subject")]


def _issue(client: Any, survey_id: str) -> dict[str, Any]:
    issued = post(client, f"/v1/admin/surveys/{survey_id}/links", {"user": {"id": "mail-user"}})
    assert issued.status_code == 201, issued.body
    return dict(issued.json_body)


def _page_opt_out_token(page: str) -> str:
    found = re.search(r'href="\.\./opt-out/([^"]+)"', page)
    assert found, page
    return unquote(unescape(found.group(1)))


def _follow(client: Any, url: str) -> str:
    answer = client.http.get(urlsplit(url).path)
    assert answer.status_code in (200, 409), answer.body
    return str(answer.body.decode())


def test_following_score_links_again_and_again_issues_one_opt_out_link(client: Any, frozen_now: Any) -> None:
    issued = _issue(client, create_survey(client)["survey_id"])
    assert len(_opt_out_items()) == 1
    tokens = {_page_opt_out_token(_follow(client, issued["links"][n]["url"])) for n in (9, 9, 3, 0)}
    assert tokens == {urlsplit(issued["opt_out_url"]).path.rsplit("/", 1)[1]}
    assert len(_opt_out_items()) == 1


def test_two_emails_to_one_person_get_two_opt_out_links(client: Any, frozen_now: Any) -> None:
    survey_id = create_survey(client)["survey_id"]
    first, second = _issue(client, survey_id), _issue(client, survey_id)
    assert first["opt_out_url"] != second["opt_out_url"]
    assert len(_opt_out_items()) == 2


def test_click_after_opting_out_recreates_nothing(client: Any, frozen_now: Any) -> None:
    issued = _issue(client, create_survey(client)["survey_id"])
    _follow(client, issued["links"][9]["url"])
    opted = client.http.get(urlsplit(issued["opt_out_url"]).path)
    assert opted.json_body == {"opted_out": True}
    assert _subject_items() == []
    page = _follow(client, issued["links"][9]["url"])
    _follow(client, issued["links"][2]["url"])
    assert _subject_items() == [] and _opt_out_items() == []
    again = client.http.get(f"/v1/opt-out/{_page_opt_out_token(page)}")
    assert again.json_body == {"opted_out": True}


def test_links_issued_after_opting_out_write_no_opt_out_item(client: Any, frozen_now: Any) -> None:
    survey_id = create_survey(client)["survey_id"]
    client.http.get(urlsplit(_issue(client, survey_id)["opt_out_url"]).path)
    issued = _issue(client, survey_id)
    assert _opt_out_items() == []
    assert client.http.get(urlsplit(issued["opt_out_url"]).path).json_body == {"opted_out": True}


def test_a_click_on_a_score_link_reads_its_opt_out_link_and_writes_nothing_for_it(client: Any, frozen_now: Any) -> None:
    """The link set's opt-out item exists from the moment the links are issued: a click (or a scanner's
    prefetch) reads it, rather than paying for a transaction that DynamoDB can only cancel."""
    issued = _issue(client, create_survey(client)["survey_id"])
    _follow(client, issued["links"][9]["url"])  # the first click records the score
    calls: list[str] = []

    def count(model: Any, params: dict[str, Any], **_: Any) -> None:  # params: the request as sent
        calls.append(f"{model.name} {params['body'].decode() if isinstance(params.get('body'), bytes) else ''}")

    aws.dynamodb_client().meta.events.register("before-call.dynamodb", count)
    try:
        _follow(client, issued["links"][9]["url"])  # again: the answer is on record
    finally:
        aws.dynamodb_client().meta.events.unregister("before-call.dynamodb", count)
    assert [c for c in calls if c.startswith("TransactWriteItems") and "OPTOUT#" in c] == []
    assert len(_opt_out_items()) == 1
