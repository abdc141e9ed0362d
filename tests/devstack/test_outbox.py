"""The local outbox copies what moto's SES (and SNS e-mail topics) received into .eml files."""
from __future__ import annotations

from email import message_from_bytes
from pathlib import Path
from typing import Any

import boto3
import pytest

from devstack import outbox_http
from devstack.outbox import Outbox


@pytest.fixture
def moto() -> Any:
    from moto import mock_aws

    with mock_aws():
        ses = boto3.client("ses", region_name="eu-west-1")
        ses.verify_email_identity(EmailAddress="privacy@trustloop.example.com")
        yield ses


def _send(ses: Any, to: str, subject: str, text: str) -> None:
    ses.send_email(Source="privacy@trustloop.example.com", Destination={"ToAddresses": [to]},
                   Message={"Subject": {"Data": subject}, "Body": {"Text": {"Data": text}}})


def test_every_mail_becomes_one_eml_listed_newest_first(moto: Any, tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox", "eu-west-1")
    _send(moto, "ada@example.com", "First", "Open https://example.com/a?x=1 now")
    assert outbox.sync() == 1
    assert outbox.sync() == 0  # once each
    _send(moto, "bob@example.com", "Second", "Hei på deg")
    listed = outbox.listing()
    assert [m["subject"] for m in listed] == ["Second", "First"]
    assert listed[1]["links"] == ["https://example.com/a?x=1"] and listed[1]["to"] == ["ada@example.com"]
    assert [m["subject"] for m in outbox.listing(to="ADA@example.com")] == ["First"]
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 2
    parsed = message_from_bytes(files[1].read_bytes())
    assert parsed["To"] == "bob@example.com" and parsed["From"] == "privacy@trustloop.example.com"
    assert "Hei på deg" in parsed.get_payload(decode=True).decode()


def test_incident_room_notices_to_email_subscribers_are_in_it(moto: Any, tmp_path: Path) -> None:
    sns = boto3.client("sns", region_name="eu-west-1")
    room = sns.create_topic(Name="trustloop-incident-1")["TopicArn"]
    silent = sns.create_topic(Name="no-mail")["TopicArn"]
    sns.subscribe(TopicArn=room, Protocol="email", Endpoint="coordinator@example.com")
    outbox = Outbox(tmp_path, "eu-west-1")
    sns.publish(TopicArn=room, Subject="inc_1: assessment", Message="Assessment recorded")
    sns.publish(TopicArn=silent, Message="nobody reads this")
    listed = outbox.listing()
    assert [(m["to"], m["subject"]) for m in listed] == [(["coordinator@example.com"], "inc_1: assessment")]


def test_the_page_escapes_and_serves_only_listed_files(moto: Any, tmp_path: Path) -> None:
    outbox = Outbox(tmp_path, "eu-west-1")
    _send(moto, "eve@example.com", "<script>alert(1)</script>", "<b>hi</b>")
    status, content_type, page = outbox_http.answer(outbox, "/_local/outbox")
    assert status == 200 and content_type.startswith("text/html")
    assert b"<script>" not in page and b"&lt;script&gt;" in page
    name = outbox.listing()[0]["name"]
    assert outbox_http.answer(outbox, f"/_local/outbox/{name}")[0] == 200
    (tmp_path / "secret.txt").write_text("no")
    assert outbox_http.answer(outbox, "/_local/outbox/secret.txt")[0] == 404
    assert outbox_http.answer(outbox, "/_local/outbox/..%2Fsecret.txt")[0] == 404
    assert outbox_http.handles("/_local/outbox.json?to=a") and not outbox_http.handles("/v1/privacy-requests")
