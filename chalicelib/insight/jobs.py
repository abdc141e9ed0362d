"""Insight's scheduled jobs, registered so that an administrator can run each on demand."""

from __future__ import annotations

from typing import Any

from chalicelib import jobs
from chalicelib.insight import followups, schemas, service


@jobs.register("rebuild-aggregates", summary="Recompute every score aggregate from the responses")
def rebuild_aggregates(params: dict[str, Any]) -> dict[str, Any]:
    return service.rebuild_aggregates(params)


@jobs.register("followups-overdue", summary="Count and list open follow-ups past their due time")
def followups_overdue(params: dict[str, Any]) -> dict[str, Any]:
    result = followups.overdue()
    return {"overdue": len(result["followups"]), "ids": [f["followup_id"] for f in result["followups"]]}


@jobs.register(
    "council-monthly",
    schema=schemas.MONTH_PARAMS,
    summary="Write the month's incident pack for the Data Protection Council to S3",
)
def council_monthly(params: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.insight import council

    return council.write_monthly_pack(params.get("month"))


@jobs.register(
    "council-yearly",
    schema=schemas.YEAR_PARAMS,
    summary="Write the year's incident trend report for the DPM workshop to S3",
)
def council_yearly(params: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.insight import council

    return council.write_yearly_report(params.get("year"))


@jobs.register(
    "replay-stream-failures",
    summary="Apply again the FeedbackTable stream batches the stream consumer gave up on (its on-failure queue)",
)
def replay_stream_failures(params: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.insight import replay

    return replay.replay_failures(params)
