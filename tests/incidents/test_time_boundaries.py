"""Every incident deadline at its edge: one second before, exactly at, one second after.

From the rules' definitions (docs/incidents.md, Art. 33(1) GDPR): the authority is told within
72 hours of awareness (a notice sent at the 72nd hour is on time), reminders go 24 h and 6 h
before the due time (from that instant on), and the escalation goes once the due time has passed.
Expected instants are written out by hand, never computed with the rules' constants.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.incidents import rules
from tests.incidents.builders import facts

SECOND = timedelta(seconds=1)
EDGES = [(-SECOND, "one second before"), (timedelta(0), "exactly at"), (SECOND, "one second after")]
AWARE = "2026-03-10T14:00:00Z"
DUE = datetime(2026, 3, 13, 14, 0, tzinfo=UTC)  # AWARE + 72 h, by hand
OPEN = {"key": "authority#NO", "kind": "authority", "status": "open", "due_at": "2026-03-13T14:00:00Z"}


def test_assess_authority_and_data_subjects_are_due_72_hours_after_awareness() -> None:
    verdict = rules.assess(facts(aware_at=AWARE))
    due = {o["key"]: o["due_at"] for o in verdict.obligations}
    assert due == {"authority#NO": "2026-03-13T14:00:00Z", "authority#SE": "2026-03-13T14:00:00Z",
                   "data_subjects": "2026-03-13T14:00:00Z"}


def test_assess_processor_tells_the_controller_within_24_hours() -> None:
    verdict = rules.assess(facts(aware_at=AWARE, role="processor"))
    assert [(o["key"], o["due_at"]) for o in verdict.obligations] == [("controller", "2026-03-11T14:00:00Z")]


def test_assess_awareness_across_a_month_end_and_dst_change_counts_elapsed_hours() -> None:
    # 72 elapsed hours in UTC: Europe's clock change (29 March 2026) moves nothing.
    verdict = rules.assess(facts(aware_at="2026-03-28T23:30:00Z", countries=["NO"]))
    assert verdict.obligations[0]["due_at"] == "2026-03-31T23:30:00Z"


# The instant each event starts, written out: 24 h before DUE, 6 h before DUE, and after DUE.
EVENT_STARTS = [
    ("reminder_24h", datetime(2026, 3, 12, 14, 0, tzinfo=UTC), []),
    ("reminder_6h", datetime(2026, 3, 13, 8, 0, tzinfo=UTC), ["reminder_24h"]),
]


@pytest.mark.parametrize(("event", "starts", "earlier"), EVENT_STARTS, ids=[e[0] for e in EVENT_STARTS])
@pytest.mark.parametrize(("offset", "edge"), EDGES, ids=[e[1] for e in EDGES])
def test_deadline_events_reminder_is_due_from_its_instant_on(event: str, starts: datetime, earlier: list[str],
                                                             offset: timedelta, edge: str) -> None:
    events = rules.deadline_events(OPEN, starts + offset)
    assert events == (earlier if offset < timedelta(0) else [*earlier, event])


@pytest.mark.parametrize(("offset", "expected"), [
    (-SECOND, ["reminder_24h", "reminder_6h"]),
    (timedelta(0), ["reminder_24h", "reminder_6h"]),
    (SECOND, ["reminder_24h", "reminder_6h", "escalation_overdue"]),
], ids=[e[1] for e in EDGES])
def test_deadline_events_escalation_only_once_the_due_time_has_passed(offset: timedelta,
                                                                      expected: list[str]) -> None:
    assert rules.deadline_events(OPEN, DUE + offset) == expected


def test_deadline_events_already_sent_are_not_sent_again() -> None:
    sent = {**OPEN, "alerts_sent": ["reminder_24h", "escalation_overdue"]}
    assert rules.deadline_events(sent, DUE + timedelta(hours=1)) == ["reminder_6h"]


@pytest.mark.parametrize("status", ["met", "not_required", "closed"])
def test_deadline_events_none_for_an_obligation_no_longer_open(status: str) -> None:
    assert rules.deadline_events({**OPEN, "status": status}, DUE + timedelta(days=3)) == []


@pytest.mark.parametrize(("offset", "on_time"), [(-SECOND, True), (timedelta(0), True), (SECOND, False)],
                         ids=[e[1] for e in EDGES])
def test_check_notification_sent_at_the_72nd_hour_is_on_time(offset: timedelta, on_time: bool) -> None:
    assert rules.check_notification(OPEN, DUE + offset, "the forensic report came late") is on_time


def test_check_notification_one_second_late_without_reason_is_refused() -> None:
    with pytest.raises(ValueError, match="late_reason"):
        rules.check_notification(OPEN, DUE + SECOND, "  ")
    assert rules.check_notification(OPEN, DUE, None) is True


# At risk: an obligation not met whose due time is within the window (24 h) from now, overdue included.
@pytest.mark.parametrize(("now", "at_risk"), [
    (datetime(2026, 3, 12, 13, 59, 59, tzinfo=UTC), 0),
    (datetime(2026, 3, 12, 14, 0, 0, tzinfo=UTC), 1),
    (datetime(2026, 3, 12, 14, 0, 1, tzinfo=UTC), 1),
    (datetime(2026, 3, 20, 0, 0, 0, tzinfo=UTC), 1),  # overdue is still at risk
])
def test_deadline_gauges_counts_an_obligation_from_24_hours_before_its_due_time(now: datetime,
                                                                                at_risk: int) -> None:
    incidents = [{"obligations": {"authority#NO": OPEN, "authority#SE": {**OPEN, "status": "met"}}}]
    assert rules.deadline_gauges(incidents, now, timedelta(hours=24)) == {"OpenIncidents": 1,
                                                                          "DeadlinesAtRisk": at_risk}
