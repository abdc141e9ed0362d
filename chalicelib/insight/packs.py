"""Data Protection Council packs as pure functions: incident reports → summaries → HTML with SVG.

The incident report fields read here (docs/incidents.md lists them): `incident_id`,
`aware_at` (or `detected_at`/`opened_at`/`created_at`), `severity`, `category`, `root_cause`,
`product`, `crisis`, `status`, `notifications[{recipient, due_at, sent_at}]`,
`actions[{due_at, done_at | status}]`. Packs hold counts, ids and categories, never free text
or names: they are shared beyond the response team.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from chalicelib.clock import parse_iso

if TYPE_CHECKING:
    from datetime import datetime

SEVERITIES = ("low", "medium", "high", "very_high")
_DATE_FIELDS = ("aware_at", "detected_at", "opened_at", "created_at")


def aware_at(report: dict[str, Any]) -> datetime | None:
    for name in _DATE_FIELDS:
        if report.get(name):
            try:
                return parse_iso(str(report[name]))
            except ValueError:
                continue
    return None


def _count(values: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return dict(sorted(out.items()))


def notification_state(n: dict[str, Any], now: datetime) -> str:
    """on_time, late (sent after its due time, or unsent past it) or pending."""
    due = parse_iso(n["due_at"]) if n.get("due_at") else None
    sent = parse_iso(n["sent_at"]) if n.get("sent_at") else None
    if sent:
        return "late" if due and sent > due else "on_time"
    return "late" if due and now > due else "pending"


def _is_open(action: dict[str, Any]) -> bool:
    return not action.get("done_at") and str(action.get("status", "open")).lower() not in ("done", "closed")


def in_month(reports: list[dict[str, Any]], month: str) -> list[dict[str, Any]]:
    return [r for r in reports if (a := aware_at(r)) and a.strftime("%Y-%m") == month]


def monthly_pack(reports: list[dict[str, Any]], month: str, now: datetime) -> dict[str, Any]:
    """The month's incidents for the council: by severity and category, notifications, actions, crises."""
    chosen = sorted(in_month(reports, month), key=lambda r: str(aware_at(r)))
    notifications = [notification_state(n, now) for r in chosen for n in r.get("notifications", [])]
    rows = [
        {
            "incident_id": r.get("incident_id"),
            "aware_at": str(r.get("aware_at") or aware_at(r)),
            "severity": r.get("severity", "unknown"),
            "category": r.get("category", "unknown"),
            "product": r.get("product", "unknown"),
            "crisis": bool(r.get("crisis")),
            "status": r.get("status"),
            "open_actions": sum(1 for a in r.get("actions", []) if _is_open(a)),
            "notifications": _count([notification_state(n, now) for n in r.get("notifications", [])]),
        }
        for r in chosen
    ]
    return {
        "kind": "monthly",
        "month": month,
        "generated_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "incidents": len(chosen),
        "by_severity": {s: sum(1 for r in chosen if r.get("severity") == s) for s in SEVERITIES},
        "by_category": _count([str(r.get("category", "unknown")) for r in chosen]),
        "notifications": {
            "on_time": notifications.count("on_time"),
            "late": notifications.count("late"),
            "pending": notifications.count("pending"),
        },
        "open_actions": sum(row["open_actions"] for row in rows),
        "crises": [row["incident_id"] for row in rows if row["crisis"]],
        "rows": rows,
    }


def yearly_report(reports: list[dict[str, Any]], year: str, now: datetime) -> dict[str, Any]:
    """The year's trends for the DPM workshop: by category, root cause, product and month."""
    chosen = [r for r in reports if (a := aware_at(r)) and a.strftime("%Y") == year]
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    return {
        "kind": "yearly",
        "year": year,
        "generated_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "incidents": len(chosen),
        "by_month": {m: len(in_month(chosen, m)) for m in months},
        "by_category": _count([str(r.get("category", "unknown")) for r in chosen]),
        "by_root_cause": _count([str(r.get("root_cause", "unknown")) for r in chosen]),
        "by_product": _count([str(r.get("product", "unknown")) for r in chosen]),
        "by_severity": {s: sum(1 for r in chosen if r.get("severity") == s) for s in SEVERITIES},
        "crises": sum(1 for r in chosen if r.get("crisis")),
    }


def svg_bars(title: str, data: dict[str, int], width: int = 520) -> str:
    """A horizontal bar chart as inline SVG (no plotting library in the Lambda zip)."""
    bar, gap, label_w = 18, 6, 150
    height = 30 + len(data) * (bar + gap)
    top = max(data.values(), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{html.escape(title)}"><text x="0" y="16" font-weight="bold">{html.escape(title)}</text>'
    ]
    for i, (label, value) in enumerate(data.items()):
        y = 28 + i * (bar + gap)
        w = int((width - label_w - 40) * value / top)
        parts.append(
            f'<text x="0" y="{y + 13}" font-size="12">{html.escape(str(label))}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar}" fill="#3b6ea5"/>'
            f'<text x="{label_w + w + 4}" y="{y + 13}" font-size="12">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def render_html(pack: dict[str, Any]) -> str:
    """A readable page of a pack: headline numbers, charts, and (monthly) one row per incident."""
    title = (
        f"Data Protection Council — incidents {pack['month']}"
        if pack["kind"] == "monthly"
        else f"Incident trends {pack['year']} — DPM workshop"
    )
    charts = [
        svg_bars(name.replace("by_", "By ").replace("_", " "), pack[name])
        for name in ("by_severity", "by_category", "by_month", "by_root_cause", "by_product")
        if name in pack
    ]
    body = [f"<h1>{html.escape(title)}</h1>", f"<p>Incidents: <b>{pack['incidents']}</b>"]
    if pack["kind"] == "monthly":
        n = pack["notifications"]
        body.append(
            f" · notifications on time {n['on_time']}, late {n['late']}, pending {n['pending']}"
            f" · open actions {pack['open_actions']} · crises {len(pack['crises'])}</p>"
        )
    else:
        body.append(f" · crises {pack['crises']}</p>")
    body += [f"<div>{c}</div>" for c in charts]
    if pack.get("rows"):
        head = "".join(
            f"<th>{h}</th>"
            for h in ("incident", "aware", "severity", "category", "product", "crisis", "open actions")
        )
        rows = "".join(
            "<tr>"
            + "".join(
                f"<td>{html.escape(str(v))}</td>"
                for v in (
                    r["incident_id"],
                    r["aware_at"],
                    r["severity"],
                    r["category"],
                    r["product"],
                    "yes" if r["crisis"] else "no",
                    r["open_actions"],
                )
            )
            + "</tr>"
            for r in pack["rows"]
        )
        body.append(f"<table border='1' cellpadding='4'><tr>{head}</tr>{rows}</table>")
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>"
        f"{html.escape(title)}</title></head><body style='font-family:sans-serif'>"
        f"{''.join(body)}</body></html>"
    )
