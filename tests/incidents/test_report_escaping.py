"""The incident report's Markdown holds only assessed fields, each escaped: nothing a reporter or an
administrator types becomes a link, an image, HTML or a heading. Judged by a real CommonMark
renderer (markdown-it-py), not only by our own escaping. No AWS."""
from __future__ import annotations

from typing import Any

import pytest
from markdown_it import MarkdownIt

from chalicelib.incidents import report
from tests.incidents.builders import facts

LINK = "[click](javascript:alert(1))"
HOSTILE = [
    LINK,
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "![x](https://evil.example/p.png)",
    "<https://evil.example>",
    "line\n# Heading\n- item\n> quote\n\n<div>raw</div>",
    "[ref]: https://evil.example\n[ref]",
    "`code` **bold** _em_ ~~gone~~ | a | b |\n|---|---|",
    "text\n===",
    "&lt;script&gt; &#106;avascript:",
]


def _incident(value: str) -> dict[str, Any]:
    return {
        "incident_id": "INC-2026-000001", "alert_id": "alt_x", "product": LINK,
        "created_at": "2026-11-23T08:00:00Z", "closed_at": "2026-11-24T08:00:00Z",
        "source": {"channel": "form"}, "flags": [],
        "coordinator": {"name": value},
        "assessment": facts(description=value, likely_consequences=value, measures_taken=value, product=value),
        "verdict": {"severity": {"score": 3.25, "level": value}, "risk": value, "crisis": False,
                    "reasons": [value]},
        "review": {"held_at": value, "attendees": [value, "Kari"], "process_adherence": value,
                   "lessons": value, "root_cause": value, "root_cause_confirmed": True},
        "actions": [{"description": value, "owner": value, "due_at": value, "done_at": None}],
        "obligations": {"a": {"key": "a", "kind": value, "country": value, "due_at": value, "status": value,
                              "notifications": [{"sent_at": value, "on_time": value, "late_reason": value,
                                                 "reference": value}]}},
        "timeline": [{"at": value, "event": value, "actor": value}],
        "assessments": [{"at": value, "actor": value, "facts": {}, "obligations": [value], "added": [value],
                         "withdrawn": [value], "verdict": {"severity": {"score": value, "level": value},
                                                           "risk": value}}],
        "dpo_contact": value,
    }


def _html(markdown: str) -> str:
    return MarkdownIt("commonmark").render(markdown)


@pytest.mark.parametrize("value", HOSTILE)
def test_report_markdown_hostile_values_render_as_text_only(value: str) -> None:
    rendered = _html(report.markdown(report.build(_incident(value))))
    for tag in ("<a ", "<img", "<script", "<div", "<blockquote", "<code", "<strong", "<em", "<table", "<del"):
        assert tag not in rendered, (tag, value)
    headings = [line for line in rendered.splitlines() if line.startswith(("<h1", "<h2", "<h3"))]
    assert len(headings) == 1 + 9  # ours: the title and nine sections (Assessments included)


def test_report_product_is_the_assessed_one_not_the_reporters() -> None:
    incident = _incident("fine")
    incident["assessment"].pop("product")
    built = report.build(incident)
    assert built["product"] is None
    assert "- Product: n/a\n" in report.markdown(built)
    assert "javascript" not in report.markdown(built)


def test_report_vocabulary_values_outside_it_are_not_shown() -> None:
    incident = _incident("fine")
    incident["assessment"]["data_categories"] = ["health", "[x](y)"]
    incident["verdict"]["severity"]["level"] = "high"
    incident["verdict"]["risk"] = "<b>high</b>"
    text = report.markdown(report.build(incident))
    assert "- Data categories: health, (not in the vocabulary)\n" in text
    assert "- Severity: high (score 3.25), risk (not in the vocabulary), crisis: no\n" in text


@pytest.mark.parametrize(("value", "escaped"), [
    (LINK, "\\[click\\]\\(javascript\\:alert\\(1\\)\\)"),
    ("<img src=x onerror=alert(1)>", "&lt;img src\\=x onerror\\=alert\\(1\\)&gt;"),
    ("a\n# b\n- c", "a \\# b \\- c"),
    ("Tom & Jerry's", "Tom &amp; Jerry's"),
    ("Payslips shown. Portal off", "Payslips shown. Portal off"),
    ("INC-2026-000001", "INC-2026-000001"),
    ("2026-11-23T08:00:00Z", "2026-11-23T08:00:00Z"),
    ("2026-11-23 [x](y)", "2026\\-11\\-23 \\[x\\]\\(y\\)"),
    (3.25, "3.25"),
])
def test_md_exact(value: Any, escaped: str) -> None:
    assert report.md(value) == escaped
