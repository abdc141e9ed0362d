"""E-mail survey links: issued per score, followed once, tamper- and expiry-proof."""
from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from chalicelib import aws, clock, secrets
from chalicelib.config import get_settings
from tests.surveys.builders import create_survey, post

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _issue(client: Any, survey_id: str, **body: Any) -> Any:
    return post(client, f"/v1/admin/surveys/{survey_id}/links", {"user": {"id": "mail-user"}, **body})


def _path(url: str) -> str:
    return urlsplit(url).path


def _links(client: Any, **survey: Any) -> dict[str, Any]:
    created = create_survey(client, **survey)
    response = _issue(client, created["survey_id"])
    assert response.status_code == 201, response.body
    return dict(response.json_body)


def _responses() -> list[dict[str, Any]]:
    # A test may scan: it counts every response item the links wrote.
    items = aws.table(get_settings().feedback_table).scan()["Items"]
    return [i for i in items if i["sk"] == "RESP"]


def test_issue_links_nps_survey_gives_one_link_per_score(client: Any, frozen_now: Any) -> None:
    issued = _links(client)
    assert [link["score"] for link in issued["links"]] == list(range(0, 11))
    assert all(_path(link["url"]).startswith("/v1/s/") for link in issued["links"])
    assert issued["expires_at"] == clock.iso(frozen_now + timedelta(days=30))
    assert "/v1/opt-out/" in issued["opt_out_url"]


def test_issue_links_ces_survey_gives_seven_links(client: Any, frozen_now: Any) -> None:
    issued = _links(client, metric="ces")
    assert [link["score"] for link in issued["links"]] == list(range(1, 8))


def test_issue_links_survey_without_email_channel_is_400_naming_channel(client: Any) -> None:
    survey = create_survey(client, channels=["in_app_web"])
    response = _issue(client, survey["survey_id"])
    assert response.status_code == 400
    assert response.json_body["field"] == "channel"


def test_issue_links_unknown_survey_is_400_naming_survey_id(client: Any) -> None:
    response = _issue(client, "srv_nope")
    assert response.status_code == 400
    assert response.json_body["field"] == "survey_id"


def test_issue_links_lifetime_over_90_days_is_400(client: Any) -> None:
    survey = create_survey(client)
    response = _issue(client, survey["survey_id"], expires_in_days=91)
    assert response.status_code == 400
    assert response.json_body["field"] == "expires_in_days"


def test_follow_link_records_the_score_on_the_email_channel(client: Any, frozen_now: Any) -> None:
    issued = _links(client)
    page = client.http.get(_path(issued["links"][7]["url"]))
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert '<form method="post"' in page.body.decode()
    [stored] = _responses()
    assert (stored["score"], stored["channel"], stored["user"]["id"]) == (7, "email", "mail-user")


def test_follow_link_twice_stores_one_response(client: Any, frozen_now: Any) -> None:
    issued = _links(client)
    path = _path(issued["links"][9]["url"])
    first, second = client.http.get(path), client.http.get(path)
    assert first.status_code == second.status_code == 200
    assert len(_responses()) == 1


def test_follow_link_repeat_after_a_day_changes_nothing(client: Any, frozen_now: Any) -> None:
    issued = _links(client)
    path = _path(issued["links"][9]["url"])
    client.http.get(path)
    clock.freeze(frozen_now + timedelta(days=2))
    again = client.http.get(path)
    assert again.status_code == 200
    assert "already have your answer" in again.body.decode()
    assert len(_responses()) == 1


def test_follow_link_other_score_of_same_email_changes_nothing(client: Any, frozen_now: Any) -> None:
    issued = _links(client)
    client.http.get(_path(issued["links"][3]["url"]))
    other = client.http.get(_path(issued["links"][10]["url"]))
    assert other.status_code == 200
    assert "already have your answer" in other.body.decode()
    assert [r["score"] for r in _responses()] == [3]


def test_follow_link_tampered_token_is_400_page_without_trace(client: Any, frozen_now: Any) -> None:
    issued = _links(client)
    path = _path(issued["links"][5]["url"])
    body, signature = path.removeprefix("/v1/s/").split(".")
    forged = body.replace(body[-6:], "AAAAAA") + "." + signature
    for bad in (forged, path.removeprefix("/v1/s/")[:-3], "not-a-token"):
        response = client.http.get(f"/v1/s/{bad}")
        assert response.status_code == 400
        assert response.headers["Content-Type"].startswith("text/html")
        assert "This link is not valid" in response.body.decode()
        assert "Traceback" not in response.body.decode()
    assert _responses() == []


def test_follow_link_after_expiry_is_410_page(client: Any, frozen_now: Any) -> None:
    issued = _links(client)
    clock.freeze(frozen_now + timedelta(days=31))
    response = client.http.get(_path(issued["links"][5]["url"]))
    assert response.status_code == 410
    assert "This link has expired" in response.body.decode()
    assert _responses() == []


def test_follow_link_opt_out_token_is_not_a_score_link(client: Any, frozen_now: Any) -> None:
    issued = _links(client)
    token = issued["opt_out_url"].rsplit("/", 1)[1]
    assert client.http.get(f"/v1/s/{token}").status_code == 400


def test_opt_out_url_of_issued_links_opts_the_user_out(client: Any, frozen_now: Any) -> None:
    issued = _links(client)
    token = issued["opt_out_url"].rsplit("/", 1)[1]
    assert client.http.get(f"/v1/opt-out/{token}").status_code == 200
    eligibility = client.http.get("/v1/eligibility?product=acme&user_id=mail-user&channel=email").json_body
    assert eligibility["reason"] == "opted_out"


def test_link_comment_form_post_stores_the_reason(client: Any, frozen_now: Any) -> None:
    issued = _links(client)
    path = _path(issued["links"][2]["url"])
    client.http.get(path)
    saved = client.http.post(path, body="comment=Too+slow+%3Cb%3E", headers=FORM)
    assert saved.status_code == 200
    assert [r["comment"] for r in _responses()] == ["Too slow <b>"]


def test_link_comment_over_2000_characters_is_400_page(client: Any, frozen_now: Any) -> None:
    issued = _links(client)
    path = _path(issued["links"][2]["url"])
    response = client.http.post(path, body="comment=" + "x" * 2001, headers=FORM)
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/html")
    assert "comment" in response.body.decode()


def test_link_comment_as_json_is_415_page(client: Any, frozen_now: Any) -> None:
    issued = _links(client)
    response = client.http.post(_path(issued["links"][2]["url"]), body=json.dumps({"comment": "x"}),
                                headers={"Content-Type": "application/json"})
    assert response.status_code == 415


def test_follow_link_page_escapes_survey_texts(client: Any, frozen_now: Any) -> None:
    issued = _links(client, texts={"en": {"question": "<b>Q</b>", "follow_up": "<i>why</i>"}})
    html = client.http.get(_path(issued["links"][1]["url"])).body.decode()
    assert "&lt;b&gt;Q&lt;/b&gt;" in html and "<b>Q</b>" not in html
    assert "&lt;i&gt;why&lt;/i&gt;" in html


def test_follow_link_product_with_identity_secret_still_records(client: Any, frozen_now: Any) -> None:
    sm = aws.client("secretsmanager")
    current = json.loads(sm.get_secret_value(SecretId=get_settings().secrets_arn)["SecretString"])
    sm.put_secret_value(SecretId=get_settings().secrets_arn,
                        SecretString=json.dumps({**current, "identity_secrets": {"acme": "s3cret"}}))
    secrets.reset()
    issued = _links(client)
    assert client.http.get(_path(issued["links"][8]["url"])).status_code == 200
    assert [r["score"] for r in _responses()] == [8]


def test_follow_link_in_survey_locale_shows_localised_page(client: Any, frozen_now: Any) -> None:
    survey = create_survey(client)
    issued = _issue(client, survey["survey_id"], locale="nb-NO").json_body
    assert issued["locale"] == "nb"
    html = client.http.get(_path(issued["links"][6]["url"])).body.decode()
    assert '<html lang="nb">' in html and "Hvorfor?" in html and "Meld deg av" in html
