"""The incidents domain's subject store: alert reporters, found by e-mail on IncidentsTable `by_email`.

A reporter is named by e-mail only (no user id). Their data: the alert item (reporter, text,
source) and, in S3, the raw mail and its attachments that item points at. Incident items and
reports hold no reporter address; erasure also blanks the reporter-written summary and subject
copied onto the incident.
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalicelib import clock
from chalicelib.incidents import store
from chalicelib.privacy import registry
from chalicelib.privacy.rules import MATCHED_BY_EMAIL, Held, email_identifier

if TYPE_CHECKING:
    from chalicelib.privacy.rules import SubjectRef

PURPOSE = ("handling your alert about a possible privacy incident (security, legal obligations "
           "under Art. 33/34 GDPR)")
_SHOWN = ("alert_id", "reporter", "summary", "description", "source", "attachments", "duplicates", "verdicts",
          "flags", "received_at", "incident_id", "restricted")


def _alerts(ref: SubjectRef) -> list[dict[str, Any]]:
    if not ref.email:
        return []
    items = (store.get_alert_item(pk) for pk in store.query_alert_keys_by_email(ref.email))
    # The index is eventually consistent: only alerts that still carry the address are the reporter's.
    return [i for i in items if i and str(i.get("email_lc", "")).strip().lower() == ref.email]


def _iso(epoch: Any) -> str | None:
    return clock.iso(datetime.fromtimestamp(int(epoch), tz=UTC)) if epoch is not None else None


def _objects(alert: dict[str, Any]) -> list[tuple[str, str]]:
    """(bucket, key) of the raw mail, its duplicates and its kept attachments."""
    found = [(d["bucket"], d["key"]) for d in [alert.get("source") or {}, *(alert.get("duplicates") or []),
                                                *(alert.get("attachments") or [])]
             if d.get("bucket") and d.get("key")]
    return sorted(set(found))


class IncidentSubjects:
    """Reporters of alerts (Art. 15–21 for the incidents domain)."""

    name = "incidents"

    def find(self, ref: SubjectRef, now: datetime) -> list[Held]:
        # Found only by the address the alert carries (reporters have no user id).
        return [Held(self.name, "alert", a["alert_id"], PURPOSE, a.get("received_at"), _iso(a.get(store.TTL)),
                     {k: a[k] for k in _SHOWN if k in a}, bool(a.get("restricted")),
                     MATCHED_BY_EMAIL, email_identifier(str(ref.email)))
                for a in _alerts(ref) if store.is_live(a, now)]

    def erase(self, ref: SubjectRef, now: datetime) -> dict[str, int]:
        counts = {"alert": 0, "mail_object": 0}
        for alert in _alerts(ref):
            for bucket, key in _objects(alert):
                counts["mail_object"] += store.delete_all_versions(bucket, key)
            if alert.get("incident_id"):
                store.update_incident(alert["incident_id"], {"summary": "(erased at the reporter's request)"},
                                      removes=("source.subject", "source.message_id"))
            store.delete_alert(f"ALERT#{alert['alert_id']}")
            counts["alert"] += 1
        return {k: v for k, v in counts.items() if v}

    def rectify(self, ref: SubjectRef, changes: dict[str, Any], now: datetime) -> dict[str, int]:
        sets: dict[str, Any] = {}
        removes: list[str] = []
        for field, value in changes.items():
            if field == "email":
                if value:
                    sets.update({"reporter.email": value, "email_lc": str(value).strip().lower()})
                else:
                    removes += ["reporter.email", "email_lc"]
            elif field == "company" and value:
                sets["reporter.company"] = value
            elif field == "company":
                removes.append("reporter.company")
        if not sets and not removes:
            return {}
        alerts = [a for a in _alerts(ref) if store.is_live(a, now)]
        for alert in alerts:
            store.update_alert(f"ALERT#{alert['alert_id']}", sets, tuple(removes))
        return {"alert": len(alerts)} if alerts else {}

    def restrict(self, ref: SubjectRef, restricted: bool, now: datetime) -> dict[str, int]:
        alerts = _alerts(ref)
        for alert in alerts:
            pk = f"ALERT#{alert['alert_id']}"
            if restricted:
                store.update_alert(pk, {"restricted": True})
            else:
                store.update_alert(pk, {}, ("restricted",))
        return {"alert": len(alerts)} if alerts else {}

    def object(self, ref: SubjectRef, now: datetime) -> dict[str, int]:
        """Nothing to stop: an alert is handled under legal obligation, never used to contact for more."""
        return {}


registry.register(IncidentSubjects())
