"""Council packs: read incident reports from S3, write the monthly pack and yearly trends to S3.

This module is the domain's S3 adapter (reports in, packs out); the summaries are pure (packs.py).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from chalicelib import aws, clock
from chalicelib.config import get_settings
from chalicelib.errors import UnavailableError
from chalicelib.insight import packs
from chalicelib.obs import logger


def read_reports(year: str) -> list[dict[str, Any]]:
    """Every `reports/<year>/<incident_id>/report.json` in the incident reports bucket."""
    bucket = get_settings().incident_reports_bucket
    if not bucket:
        raise UnavailableError("the incident reports bucket is not configured", "INCIDENT_REPORTS_BUCKET")
    s3 = aws.client("s3")
    reports = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"reports/{year}/"):
        for obj in page.get("Contents", []):
            if obj["Key"].endswith("/report.json"):
                body = s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
                try:
                    reports.append(json.loads(body))
                except json.JSONDecodeError:
                    logger.warning("unreadable incident report skipped", extra={"key": obj["Key"]})
    return reports


def _reports_from(year: int) -> list[dict[str, Any]]:
    """Reports are filed by the year of closing: an incident opened in `year` may close in the next."""
    return read_reports(str(year)) + read_reports(str(year + 1))


def _put(key: str, body: str, content_type: str) -> None:
    aws.client("s3").put_object(
        Bucket=get_settings().packs_bucket, Key=key, Body=body.encode(), ContentType=content_type
    )


def _write(prefix: str, pack: dict[str, Any]) -> dict[str, Any]:
    _put(f"{prefix}.json", json.dumps(pack, indent=2), "application/json")
    _put(f"{prefix}.html", packs.render_html(pack), "text/html; charset=utf-8")
    return {
        "bucket": get_settings().packs_bucket,
        "keys": [f"{prefix}.json", f"{prefix}.html"],
        "incidents": pack["incidents"],
    }


def write_monthly_pack(month: str | None = None) -> dict[str, Any]:
    """The given month's pack (default: last month), to council/monthly/<month>/pack.{json,html}."""
    now = clock.now()
    month = month or (now.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    pack = packs.monthly_pack(_reports_from(int(month[:4])), month, now)
    return {"month": month, **_write(f"council/monthly/{month}/pack", pack)}


def write_yearly_report(year: str | None = None) -> dict[str, Any]:
    """The given year's trends (default: last year), to council/yearly/<year>/trends.{json,html}."""
    now = clock.now()
    year = year or str(now.year - 1)
    report = packs.yearly_report(_reports_from(int(year)), year, now)
    return {"year": year, **_write(f"council/yearly/{year}/trends", report)}
