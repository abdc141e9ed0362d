"""Demo on-call roster for `make run`: a coordinator on duty, legal, and DPMs per country."""
from __future__ import annotations

from datetime import timedelta

DEMO_ROSTER = [
    ("coordinator", {"name": "Ada Coordinator", "email": "oncall-coordinator@trustloop.example"}),
    ("legal", {"name": "Group Legal", "email": "legal@trustloop.example"}),
    ("dpm#GROUP", {"name": "Group DPM", "email": "dpm@trustloop.example"}),
    ("dpm#NO", {"name": "DPM Norway", "email": "dpm-no@trustloop.example"}),
    ("dpm#SE", {"name": "DPM Sweden", "email": "dpm-se@trustloop.example"}),
    ("dpm#NL", {"name": "DPM Netherlands", "email": "dpm-nl@trustloop.example"}),
    ("crisis", {"name": "Crisis team", "email": "crisis@trustloop.example"}),
]


def seed_roster() -> None:
    """Shifts that started a day ago, so the demo coordinator is on duty now."""
    from chalicelib import clock
    from chalicelib.incidents import store

    now = clock.now()
    starts = clock.iso(now - timedelta(days=1))
    for role, person in DEMO_ROSTER:
        store.put_roster_entry(role, starts, person, now)
