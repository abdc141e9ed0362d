"""Raw alert e-mail of many real-world shapes: parsed, flagged, never a crash. No AWS."""
from __future__ import annotations

from email.message import EmailMessage

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.incidents import mail
from tests.incidents.builders import mime

LIMIT = 1024 * 1024


def parse(raw: bytes) -> dict:
    return mail.parse_message(raw, len(raw), LIMIT)


def test_parse_multipart_with_attachment_keeps_text_html_and_file() -> None:
    msg = EmailMessage()
    msg["From"] = "Kari Nordmann <Kari@Customer.example>"
    msg["To"] = "security@trustloop.example"
    msg["Subject"] = "Leak"
    msg["Message-ID"] = "<m1@customer.example>"
    msg.set_content("plain body")
    msg.add_alternative("<p>html body</p>", subtype="html")
    msg.add_attachment(b"id,name\n1,a\n", maintype="text", subtype="csv", filename="../../etc/list.csv")
    parsed = parse(msg.as_bytes())
    assert parsed["text"].strip() == "plain body"
    assert parsed["html_present"] is True
    assert parsed["sender"] == "kari@customer.example"
    assert parsed["sender_name"] == "Kari Nordmann"
    assert [(a["filename"], a["content"]) for a in parsed["attachments"]] == [("list.csv", b"id,name\n1,a\n")]
    assert parsed["flags"] == []


def test_parse_latin1_body_and_encoded_subject_are_decoded() -> None:
    raw = mime({"From": "a@b.example", "Message-ID": "<x@b>", "Subject": "=?iso-8859-1?q?L=E6kkasje?="},
               body="Personopplysninger på avveie", charset="iso-8859-1")
    parsed = parse(raw)
    assert parsed["subject"] == "Lækkasje"
    assert "på avveie" in parsed["text"]


def test_parse_unknown_charset_is_flagged_and_still_read() -> None:
    raw = mime({"From": "a@b.example", "Message-ID": "<x@b>"}, body="hello there", charset="x-unknown")
    parsed = parse(raw)
    assert "odd_encoding" in parsed["flags"]
    assert "hello there" in parsed["text"]


def test_parse_missing_headers_are_flagged() -> None:
    parsed = parse(b"Subject: no sender\r\n\r\nbody text")
    assert {"missing_sender", "missing_message_id"} <= set(parsed["flags"])
    assert parsed["message_id"] is None
    assert parsed["text"].strip() == "body text"


def test_parse_html_only_gives_text_from_html() -> None:
    raw = (b"From: a@b.example\r\nMessage-ID: <h@b>\r\nContent-Type: text/html\r\n\r\n"
           b"<html><body><p>Data <b>leak</b></p></body></html>")
    assert parse(raw)["text"] == "Data leak"


def test_parse_failed_dmarc_is_recorded_and_flagged() -> None:
    raw = mime({"From": "a@b.example", "Message-ID": "<x@b>",
                "Authentication-Results": "amazonses.com; spf=pass smtp.mailfrom=b.example; "
                                          "dkim=fail; dmarc=fail",
                "X-SES-Spam-Verdict": "PASS"})
    parsed = parse(raw)
    assert parsed["verdicts"] == {"spf": "pass", "dkim": "fail", "dmarc": "fail", "spam": "pass"}
    assert "auth_failed" in parsed["flags"]


def test_parse_received_spf_is_used_when_no_authentication_results() -> None:
    assert mail.auth_verdicts(None, "softfail (domain of x does not designate)") == {"spf": "softfail"}


def test_parse_huge_message_is_unparsed_too_large() -> None:
    assert mail.parse_message(b"", 50 * 1024 * 1024, LIMIT)["flags"] == ["unparsed", "too_large"]


def test_parse_empty_message_is_unparsed() -> None:
    assert mail.parse_message(b"", 0, LIMIT)["flags"] == ["unparsed", "empty"]


def test_parse_garbage_bytes_never_raise() -> None:
    parsed = parse(bytes(range(256)) * 40)
    assert isinstance(parsed["flags"], list)


def test_parse_broken_multipart_boundary_is_kept() -> None:
    raw = (b"From: a@b.example\r\nMessage-ID: <bb@b>\r\n"
           b"Content-Type: multipart/mixed; boundary=\"zz\"\r\n\r\n"
           b"--zz\r\nContent-Type: text/plain\r\n\r\nbody without end")
    parsed = parse(raw)
    assert "defects" in parsed["flags"] or parsed["text"]


@given(st.binary(max_size=2000))
def test_parse_any_bytes_give_an_alert_shape(raw: bytes) -> None:
    parsed = parse(raw)
    assert isinstance(parsed["flags"], list)
    assert isinstance(parsed["attachments"], list)


def test_alert_id_same_message_id_same_sender_same_alert() -> None:
    assert (mail.alert_id_for("<A@b>", "k@c.example", "bkt", "inbound/1")
            == mail.alert_id_for(" <a@b> ", "K@c.example", "bkt", "inbound/2"))


def test_alert_id_same_message_id_other_sender_other_alert() -> None:
    assert (mail.alert_id_for("<A@b>", "k@c.example", "bkt", "inbound/1")
            != mail.alert_id_for("<A@b>", "mallory@evil.example", "bkt", "inbound/1"))
    assert mail.alert_id_for("<A@b>", None, "bkt", "inbound/1") != mail.alert_id_for("<A@b>", "k@c.example",
                                                                                      "bkt", "inbound/1")


def test_alert_id_without_message_id_follows_the_object() -> None:
    assert mail.alert_id_for(None, "a@b.example", "bkt", "inbound/1") != mail.alert_id_for(None, "a@b.example",
                                                                                           "bkt", "inbound/2")
    assert mail.alert_id_for(None, None, "bkt", "inbound/1") == mail.alert_id_for(None, None, "bkt", "inbound/1")
