"""Data Protection Council packs as pure functions: incident reports → summaries → HTML with SVG.

Reads the incident report of docs/incidents.md (`report_version` 1): `incident_id`, `product`,
`created_at`/`created_month`, `closed_at`/`closed_month`, `assessment.aware_at`, `categories`
(data categories), `severity {score, level}`, `crisis`, `root_cause`,
`notifications[{kind, due_at, sent_at, on_time}]`, `actions[{due_at, done_at}]`, `open_actions`.
Packs hold counts, ids and categories, never free text or names: they go beyond the response team.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from chalicelib.clock import parse_iso

if TYPE_CHECKING:
    from datetime import datetime

SEVERITIES = ("low", "medium", "high", "very high")


def _count(values: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return dict(sorted(out.items()))


def severity_of(report: dict[str, Any]) -> str:
    severity = report.get("severity")
    level = severity.get("level") if isinstance(severity, dict) else severity
    return str(level or "unknown")


def categories_of(report: dict[str, Any]) -> list[str]:
    """Its data categories (an incident may count under several)."""
    cats = report.get("categories") or (report.get("assessment") or {}).get("data_categories") or []
    return [str(c) for c in cats] or ["unknown"]


def created_month(report: dict[str, Any]) -> str:
    return str(report.get("created_month") or str(report.get("created_at") or "")[:7])


def closed_month(report: dict[str, Any]) -> str:
    return str(report.get("closed_month") or str(report.get("closed_at") or "")[:7])


def notification_state(n: dict[str, Any], now: datetime) -> str:
    """on_time, late (sent after its due time, or unsent past it) or pending."""
    if n.get("on_time") is not None and n.get("sent_at"):
        return "on_time" if n["on_time"] else "late"
    due = parse_iso(n["due_at"]) if n.get("due_at") else None
    sent = parse_iso(n["sent_at"]) if n.get("sent_at") else None
    if sent:
        return "late" if due and sent > due else "on_time"
    return "late" if due and now > due else "pending"


def open_actions(report: dict[str, Any]) -> int:
    if isinstance(report.get("open_actions"), int):
        return int(report["open_actions"])
    return sum(1 for a in report.get("actions") or [] if not a.get("done_at"))


def in_month(reports: list[dict[str, Any]], month: str) -> list[dict[str, Any]]:
    """Incidents opened or closed in the month (a report exists once an incident is closed)."""
    return [r for r in reports if month in (created_month(r), closed_month(r))]


def monthly_pack(reports: list[dict[str, Any]], month: str, now: datetime) -> dict[str, Any]:
    """The month's incidents for the council: by severity and category, notifications, actions, crises."""
    chosen = sorted(in_month(reports, month), key=lambda r: str(r.get("created_at")))
    notifications = [notification_state(n, now) for r in chosen for n in r.get("notifications") or []]
    rows = [
        {
            "incident_id": r.get("incident_id"),
            "aware_at": (r.get("assessment") or {}).get("aware_at") or r.get("created_at"),
            "opened_in_month": created_month(r) == month,
            "closed_in_month": closed_month(r) == month,
            "severity": severity_of(r),
            "categories": categories_of(r),
            "product": r.get("product") or "unknown",
            "crisis": bool(r.get("crisis")),
            "open_actions": open_actions(r),
            "notifications": _count([notification_state(n, now) for n in r.get("notifications") or []]),
        }
        for r in chosen
    ]
    return {
        "kind": "monthly",
        "month": month,
        "generated_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "incidents": len(chosen),
        "by_severity": {s: sum(1 for r in chosen if severity_of(r) == s) for s in SEVERITIES},
        "by_category": _count([c for r in chosen for c in categories_of(r)]),
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
    """The year's trends for the DPM workshop (incidents opened that year): by category, root
    cause, product and month."""
    chosen = [r for r in reports if created_month(r).startswith(year)]
    return {
        "kind": "yearly",
        "year": year,
        "generated_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "incidents": len(chosen),
        "by_month": {
            m: sum(1 for r in chosen if created_month(r) == m)
            for m in (f"{year}-{i:02d}" for i in range(1, 13))
        },
        "by_category": _count([c for r in chosen for c in categories_of(r)]),
        "by_root_cause": _count([str(r.get("root_cause") or "unknown") for r in chosen]),
        "by_product": _count([str(r.get("product") or "unknown") for r in chosen]),
        "by_severity": {s: sum(1 for r in chosen if severity_of(r) == s) for s in SEVERITIES},
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
            for h in ("incident", "aware", "severity", "categories", "product", "crisis", "open actions")
        )
        rows = "".join(
            "<tr>"
            + "".join(
                f"<td>{html.escape(str(v))}</td>"
                for v in (
                    r["incident_id"],
                    r["aware_at"],
                    r["severity"],
                    ", ".join(r["categories"]),
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
