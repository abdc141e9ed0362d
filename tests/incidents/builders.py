"""Small builders for incident tests."""
from __future__ import annotations

from typing import Any


def alert_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "reporter": {"name": "Kari Nordmann", "email": "Kari@Customer.example", "kind": "customer",
                     "company": "Customer AS"},
        "product": "payroll",
        "summary": "Payslips visible to other employees",
        "description": "Since this morning employees can open each other's payslips.",
        "personal_data_involved": "yes",
    }
    body.update(overrides)
    return body


def facts(**overrides: Any) -> dict[str, Any]:
    """A controller breach of identity + financial data in NO and SE, seen by known recipients."""
    base: dict[str, Any] = {
        "role": "controller", "breach_types": ["confidentiality"],
        "data_categories": ["identity", "financial"],
        "special_categories": False, "subjects_count": 120, "records_count": 120, "countries": ["NO", "SE"],
        "vulnerable_subjects": False, "encrypted": False, "key_compromised": False, "backup_available": True,
        "exfiltrated": False, "malicious": False, "identifiability": "maximum",
        "recipients": "known", "recipients_count": 40,
        "aware_at": "2026-11-23T08:00:00Z", "description": "Payslips shown to colleagues",
        "likely_consequences": "Colleagues learn salaries", "measures_taken": "Portal access disabled",
    }
    base.update(overrides)
    return base


def mime(headers: dict[str, str], body: str = "Hello", charset: str = "utf-8") -> bytes:
    lines = [f"{k}: {v}" for k, v in headers.items()]
    lines += ["MIME-Version: 1.0", f'Content-Type: text/plain; charset="{charset}"', "", body]
    return "\r\n".join(lines).encode(charset if charset != "x-unknown" else "latin-1")


def review_body() -> dict[str, Any]:
    return {"held_at": "2026-11-23T11:00:00Z", "attendees": ["Ada Coordinator", "Group Legal"],
            "root_cause": "Missing tenant check in the payslip API", "root_cause_confirmed": True,
            "process_adherence": "All steps on time", "lessons": "Add tenant isolation tests"}
