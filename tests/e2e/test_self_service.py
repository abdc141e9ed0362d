"""Issue 15's "done when" on the `make run` stack: a person files a request, opens the link from
the local outbox, confirms, and downloads exactly their own data; a second address that reused
their user id gets none of it."""
from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.api_client import ApiClient, until

pytestmark = pytest.mark.e2e


def _answer(api: ApiClient, user: str, email: str, comment: str) -> str:
    event = {"survey_id": "srv_demo_nps", "channel": "in_app_web", "score": 3,
             "user": {"id": user, "email": email, "country": "NO"}}
    answered = api.post("/v1/responses", event)
    assert answered.status_code in (201, 409), answered.text
    if answered.status_code != 201:
        return ""
    response_id = str(answered.json()["response_id"])
    commented = api.send("PATCH", f"/v1/responses/{response_id}", {"comment": comment},
                         headers={"Authorization": f"Bearer {answered.json()['edit_token']}"})
    assert commented.status_code == 200, commented.text
    return response_id


def _outbox(api: ApiClient, to: str, containing: str) -> list[str]:
    """The links of the newest mail to `to` with a link containing `containing` (waits for it)."""
    def newest() -> list[str] | None:
        for mail in api.get("/_local/outbox.json", to=to).json():
            found = [link for link in mail["links"] if containing in link]
            if found:
                return found
        return None

    return list(until(newest, 15))


def _download_all(api: ApiClient, email: str) -> tuple[dict[str, Any], list[list[str]]]:
    filed = api.post("/v1/privacy-requests", {"email": email, "right": "access", "locale": "en"})
    assert filed.status_code == 202, filed.text
    verify = _outbox(api, email, "/verify/")[0]
    assert requests.get(verify, headers={"Accept": "text/html"}, timeout=10).status_code == 200
    confirmed = requests.post(verify, timeout=30)
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "done", confirmed.text
    json_link, csv_link = _outbox(api, email, "/exports/")
    document = requests.get(json_link, timeout=10).json()
    rows = list(csv.reader(io.StringIO(requests.get(csv_link, timeout=10).text)))
    return document, rows


def test_a_person_downloads_exactly_their_own_data_and_a_spoofer_gets_none(
        api: ApiClient, live_stack: dict[str, Any]) -> None:
    run = uuid.uuid4().hex[:8]
    user, ada, mallory = f"e2e-ss-{run}", f"ada-{run}@example.com", f"mallory-{run}@example.com"
    ada_response = _answer(api, user, ada, "The invoice export is slow")
    spoofed = _answer(api, user, mallory, "Pretending to be Ada")  # same user id, another address

    document, rows = _download_all(api, ada)
    ids = {item["id"] for item in document["items"]}
    assert ada_response in ids
    assert spoofed not in ids
    assert all(ada in str(item).lower() for item in document["items"])
    assert mallory not in str(document).lower() and mallory not in str(rows).lower()
    assert any(r[3] == ada_response for r in rows[1:])

    document, rows = _download_all(api, mallory)
    text = (str(document) + str(rows)).lower()
    assert ada not in text and ada_response not in text and "invoice export is slow" not in text

    # every mail is also an .eml file in the outbox directory
    emls = list(Path(live_stack["outbox_dir"]).glob("*.eml"))
    assert sum(ada in p.read_text() for p in emls) == 2  # the verification link, then the download links
