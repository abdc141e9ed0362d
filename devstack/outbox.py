"""The local outbox: every e-mail AWS would send on `make run`, as .eml files and a page.

Shipped code calls SES (and SNS for incident rooms) as in AWS; this runner only observes what
moto received: SES's sent messages, and notifications published to SNS topics that have e-mail
subscribers (AWS mails those). Each becomes `<outbox>/<time>-<n>.eml`, listed newest first at
/_local/outbox (HTML), /_local/outbox.json (`?to=` filters) and /_local/outbox/<name>.
Local only: the devstack's HTTP server serves it, the Chalice app knows nothing of it.
"""
from __future__ import annotations

import re
import threading
import time
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from devstack.console import announce

ACCOUNT = "123456789012"
SNS_SENDER = "no-reply@sns.amazonaws.com"
LINK = re.compile(r"https?://[^\s<>\"]+")
NAME = re.compile(r"^[0-9]{8}T[0-9]{6}-[0-9]{5}\.eml$")


class Outbox:
    """Copies moto's outgoing mail into `directory`, once each, in the order it was sent."""

    def __init__(self, directory: Path, region: str) -> None:
        self.directory = directory
        self.region = region
        self._ses_seen = 0
        self._sns_seen: dict[str, int] = {}
        self._count = 0
        self._lock = threading.Lock()
        directory.mkdir(parents=True, exist_ok=True)

    def sync(self) -> int:
        """Write every message moto received since the last call; how many were written."""
        with self._lock:
            messages = self._new_ses() + self._new_sns()
            for message in messages:
                self._count += 1
                stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
                name = f"{stamp}-{self._count:05d}.eml"
                (self.directory / name).write_bytes(message)
                announce("e-mail %s in the outbox (/_local/outbox)", name)  # no address on the console
            return len(messages)

    def _new_ses(self) -> list[bytes]:
        from moto.ses.models import ses_backends

        sent = ses_backends[ACCOUNT][self.region].sent_messages
        fresh, self._ses_seen = sent[self._ses_seen:], len(sent)
        out = []
        for m in fresh:
            if hasattr(m, "raw_data"):  # send_raw_email: already MIME
                out.append(m.raw_data.encode() if isinstance(m.raw_data, str) else bytes(m.raw_data))
            else:
                to = [a for kind in ("ToAddresses", "CcAddresses", "BccAddresses")
                      for a in (m.destinations or {}).get(kind, [])]
                out.append(_message(m.source, to, getattr(m, "subject", "") or "", getattr(m, "body", "") or ""))
        return out

    def _new_sns(self) -> list[bytes]:
        from moto.sns.models import sns_backends

        backend = sns_backends[ACCOUNT][self.region]
        out = []
        for arn, topic in list(backend.topics.items()):
            seen = self._sns_seen.get(arn, 0)
            fresh, self._sns_seen[arn] = topic.sent_notifications[seen:], len(topic.sent_notifications)
            subscribers = [s.endpoint for s in backend.subscriptions.values()
                           if s.topic is topic and s.protocol in ("email", "email-json")]
            if not subscribers:
                continue
            for _, text, subject, _, _ in fresh:
                out.append(_message(SNS_SENDER, subscribers, subject or f"AWS Notification ({topic.name})", text))
        return out

    def listing(self, to: str | None = None) -> list[dict[str, Any]]:
        """Newest first: file name, from, to, subject, date and the links in the text."""
        self.sync()
        found = []
        for path in sorted(self.directory.glob("*.eml"), reverse=True):
            message = BytesParser(policy=default).parsebytes(path.read_bytes())
            recipients = [a.strip() for a in str(message.get("To", "")).split(",") if a.strip()]
            if to and to.lower() not in (r.lower() for r in recipients):
                continue
            part = message.get_body(preferencelist=("plain", "html"))
            text = part.get_content() if part is not None else ""
            found.append({"name": path.name, "from": str(message.get("From", "")), "to": recipients,
                          "subject": str(message.get("Subject", "")), "date": str(message.get("Date", "")),
                          "links": LINK.findall(text), "text": text})
        return found

    def read(self, name: str) -> bytes | None:
        """One .eml by its listed name (nothing else in the directory is reachable)."""
        if not NAME.match(name):
            return None
        path = self.directory / name
        return path.read_bytes() if path.is_file() else None

    def run(self, stop: threading.Event, every: float = 0.5) -> None:
        """Keep the directory current, so files appear without anyone opening the page."""
        while not stop.wait(every):
            try:
                self.sync()
            except Exception:  # the runner keeps running; the next round catches up
                time.sleep(1)


def _message(source: str, to: list[str], subject: str, text: str) -> bytes:
    message = EmailMessage()
    message["From"] = source
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain="outbox.local")
    message.set_content(text)
    return bytes(message)
