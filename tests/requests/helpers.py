"""Helpers for self-service request tests: file a request, read the mails moto's SES received."""
from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from tests.surveys.builders import post

LINK = re.compile(r"https?://\S+")


def sent_mails(to: str | None = None) -> list[dict[str, Any]]:
    """What SES was asked to send (moto's record), oldest first, optionally to one address."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    mails = [{"to": m.destinations["ToAddresses"], "subject": m.subject, "body": m.body, "source": m.source}
             for m in ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"].sent_messages if hasattr(m, "subject")]
    return [m for m in mails if to is None or to in m["to"]]


def links(mail: dict[str, Any]) -> list[str]:
    """The paths (with query) of the links in a mail's body."""
    parts = [urlsplit(u) for u in LINK.findall(mail["body"])]
    return [p.path + (f"?{p.query}" if p.query else "") for p in parts]


def file(client: Any, email: str, right: str = "access", **body: Any) -> Any:
    return post(client, "/v1/privacy-requests", {"email": email, "right": right, **body})


def verification_path(email: str) -> str:
    mail = [m for m in sent_mails(email) if "/verify/" in m["body"]][-1]
    return [p for p in links(mail) if "/verify/" in p][0]


def confirm(client: Any, path: str, html: bool = False) -> Any:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if html:
        headers["Accept"] = "text/html"
    return client.http.post(path, body="", headers=headers)


def file_and_confirm(client: Any, email: str, right: str = "access", **body: Any) -> dict[str, Any]:
    filed = file(client, email, right, **body)
    assert filed.status_code == 202, filed.body
    answer = confirm(client, verification_path(email))
    assert answer.status_code == 200, answer.body
    return dict(json.loads(answer.body))


def form(client: Any, fields: dict[str, str]) -> Any:
    from urllib.parse import urlencode

    return client.http.post("/privacy/request", body=urlencode(fields),
                            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"})
