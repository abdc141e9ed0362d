"""Settings: the one place environment variables are read, once per container."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache

# Art. 5(1)(e) and the privacy notice: personal data lives at most 3 years from collection.
MAX_RETENTION_DAYS = 3 * 365


@dataclass(frozen=True)
class IncidentSettings:
    """Privacy incidents (infra/incidents.yaml); lead_authority empty = one authority per country."""

    table: str = ""
    alerts_queue_url: str = ""
    tasks_queue_url: str = ""
    workflow_arn: str = ""
    reports_bucket: str = ""
    inbound_mail_bucket: str = ""
    inbound_mail_prefix: str = "inbound/"
    sender: str = ""
    crisis_topic_arn: str = ""
    security_ops_topic_arn: str = ""
    lead_authority: str = ""
    eu_establishment: bool = True
    max_mail_bytes: int = 10 * 1024 * 1024
    dpo_contact: str = ""
    deadline_risk_hours: int = 24  # an open obligation due within this many hours is "at risk"
    # The public form is no mail relay or pager (issue 11): posts per client per window, one alert
    # per reporter per window (later posts join it), one acknowledgement per address per window.
    form_limit: int = 10
    form_limit_seconds: int = 600
    reporter_window_seconds: int = 3600
    ack_window_seconds: int = 3600


def _incident_settings() -> IncidentSettings:
    env = os.environ.get
    return IncidentSettings(
        table=env("INCIDENTS_TABLE", ""),
        alerts_queue_url=env("ALERTS_QUEUE_URL", ""),
        tasks_queue_url=env("INCIDENT_TASKS_QUEUE_URL", ""),
        workflow_arn=env("INCIDENT_WORKFLOW_ARN", ""),
        reports_bucket=env("INCIDENT_REPORTS_BUCKET", ""),
        inbound_mail_bucket=env("INBOUND_MAIL_BUCKET", ""),
        inbound_mail_prefix=env("INBOUND_MAIL_PREFIX", "inbound/"),
        sender=env("INCIDENTS_SENDER", ""),
        crisis_topic_arn=env("CRISIS_TOPIC_ARN", ""),
        security_ops_topic_arn=env("SECURITY_OPS_TOPIC_ARN", ""),
        lead_authority=env("INCIDENTS_LEAD_AUTHORITY", "").upper(),
        eu_establishment=env("INCIDENTS_EU_ESTABLISHMENT", "true").lower() != "false",
        max_mail_bytes=_int("INCIDENTS_MAX_MAIL_BYTES", 10 * 1024 * 1024),
        dpo_contact=env("INCIDENTS_DPO_CONTACT", ""),
        deadline_risk_hours=_int("INCIDENTS_DEADLINE_RISK_HOURS", 24),
        form_limit=_int("INCIDENTS_FORM_LIMIT", 10),
        form_limit_seconds=_int("INCIDENTS_FORM_LIMIT_SECONDS", 600),
        reporter_window_seconds=_int("INCIDENTS_REPORTER_WINDOW_SECONDS", 3600),
        ack_window_seconds=_int("INCIDENTS_ACK_WINDOW_SECONDS", 3600),
    )


@dataclass(frozen=True)
class SelfServiceSettings:
    """Privacy requests filed by people themselves (infra/privacy.yaml, .chalice/config.json)."""

    sender: str = ""
    exports_bucket: str = ""
    instant: tuple[str, ...] = ()  # of erasure, restriction, objection: done at once, not reviewed
    per_address: int = 3  # requests per address per hour
    per_client: int = 20  # requests per client (source IP) per hour
    download_hours: int = 72  # life of the signed download link (the bucket expires exports later)


def _self_service_settings() -> SelfServiceSettings:
    env = os.environ.get
    return SelfServiceSettings(
        sender=env("PRIVACY_REQUESTS_SENDER", ""),
        exports_bucket=env("PRIVACY_EXPORTS_BUCKET", ""),
        instant=tuple(r.strip() for r in env("PRIVACY_SELF_SERVICE_INSTANT", "").split(",") if r.strip()),
        per_address=_int("PRIVACY_REQUESTS_PER_ADDRESS", 3),
        per_client=_int("PRIVACY_REQUESTS_PER_CLIENT", 20),
        download_hours=min(_int("PRIVACY_DOWNLOAD_LINK_HOURS", 72), 7 * 24),
    )


@dataclass(frozen=True)
class Settings:
    stage: str
    region: str
    endpoint_url: str | None
    surveys_table: str
    feedback_table: str
    secrets_arn: str
    retention_days: int
    recontact_days: int
    decline_days: int
    company_gap_days: int
    impression_cap: int
    comment_edit_hours: int
    catalogue_cache_seconds: int
    privacy_notice_version: str
    cors_origins: tuple[str, ...]
    max_body_bytes: int
    # privacy (issue 5): data-subject rights, retention, minimisation
    privacy_table: str = ""
    audit_retention_days: int = MAX_RETENTION_DAYS
    purpose_days: int = 365
    suppression_days: int = MAX_RETENTION_DAYS
    opt_out_link_days: int = 90
    comment_masking: str = ""
    processing_record_file: str = ""
    insight_table: str = ""
    webhook_queue_url: str = ""
    stream_failure_queue_url: str = ""
    packs_bucket: str = ""
    incident_reports_bucket: str = ""
    followup_due_working_days: int = 2
    # The items each aggregate cell is written over (docs/SCALE.md "write-sharded cells"); 1 = one item.
    aggregate_write_shards: int = 1
    followup_sender: str = ""
    reply_routing: tuple[tuple[str, str], ...] = ()
    webhook_allow_local_http: bool = False
    # The local run only (make run, the test stage): products without an identity secret accept
    # any user id. Deployed stages refuse them (issue 11.2); prod refuses the setting itself.
    allow_unverified_identity: bool = False
    incidents: IncidentSettings = field(default_factory=lambda: IncidentSettings())
    self_service: SelfServiceSettings = field(default_factory=lambda: SelfServiceSettings())


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def _retention_days() -> int:
    """Configuration may shorten retention, never lengthen it past 3 years."""
    days = _int("RETENTION_DAYS", MAX_RETENTION_DAYS)
    if days <= 0:
        raise ValueError("RETENTION_DAYS must be positive")
    return min(days, MAX_RETENTION_DAYS)


def _capped_days(name: str, default: int) -> int:
    """Days of keeping something personal: positive, and never past the 3-year limit."""
    days = _int(name, default)
    if days <= 0:
        raise ValueError(f"{name} must be positive")
    return min(days, MAX_RETENTION_DAYS)


def _cors_origins(stage: str) -> tuple[str, ...]:
    origins = tuple(o.strip() for o in os.environ.get("CORS_ORIGINS", "").split(",") if o.strip())
    if stage == "prod" and "*" in origins:
        raise ValueError("CORS_ORIGINS may not contain '*' in prod")
    return origins


def _allow_unverified_identity(stage: str) -> bool:
    allowed = os.environ.get("ALLOW_UNVERIFIED_IDENTITY", "") == "true"
    if allowed and stage == "prod":
        raise ValueError("ALLOW_UNVERIFIED_IDENTITY is for the local run only, never in prod")
    return allowed


def _pairs(raw: str) -> tuple[tuple[str, str], ...]:
    """`a=b,c=d` as pairs (the reply routing table: finding route -> who reviews)."""
    pairs = (p.split("=", 1) for p in raw.split(",") if "=" in p)
    return tuple((k.strip(), v.strip()) for k, v in pairs)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    stage = os.environ.get("STAGE", "dev")
    return Settings(
        stage=stage,
        region=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-west-1",
        endpoint_url=os.environ.get("AWS_ENDPOINT_URL") or None,
        surveys_table=os.environ.get("SURVEYS_TABLE", ""),
        feedback_table=os.environ.get("FEEDBACK_TABLE", ""),
        secrets_arn=os.environ.get("APP_SECRETS_ARN", ""),
        retention_days=_retention_days(),
        recontact_days=_int("RECONTACT_DAYS", 90),
        decline_days=_int("DECLINE_DAYS", 180),
        company_gap_days=_int("COMPANY_GAP_DAYS", 7),
        impression_cap=_int("IMPRESSION_CAP", 3),
        comment_edit_hours=_int("COMMENT_EDIT_HOURS", 24),
        catalogue_cache_seconds=_int("CATALOGUE_CACHE_SECONDS", 60),
        privacy_notice_version=os.environ.get("PRIVACY_NOTICE_VERSION", "unversioned"),
        cors_origins=_cors_origins(stage),
        max_body_bytes=_int("MAX_BODY_BYTES", 16 * 1024),
        privacy_table=os.environ.get("PRIVACY_TABLE", ""),
        audit_retention_days=_capped_days("AUDIT_RETENTION_DAYS", MAX_RETENTION_DAYS),
        purpose_days=min(_capped_days("RESPONSE_PURPOSE_DAYS", 365), _retention_days()),
        suppression_days=_capped_days("SUPPRESSION_DAYS", MAX_RETENTION_DAYS),
        opt_out_link_days=_capped_days("OPT_OUT_LINK_DAYS", 90),
        comment_masking=os.environ.get("COMMENT_MASKING", ""),
        processing_record_file=os.environ.get("PROCESSING_RECORD_FILE", ""),
        insight_table=os.environ.get("INSIGHT_TABLE", ""),
        webhook_queue_url=os.environ.get("WEBHOOK_QUEUE_URL", ""),
        stream_failure_queue_url=os.environ.get("STREAM_FAILURE_QUEUE_URL", ""),
        packs_bucket=os.environ.get("COUNCIL_PACKS_BUCKET", ""),
        incident_reports_bucket=os.environ.get("INCIDENT_REPORTS_BUCKET", ""),
        followup_due_working_days=_int("FOLLOWUP_DUE_WORKING_DAYS", 2),
        aggregate_write_shards=min(max(_int("AGGREGATE_WRITE_SHARDS", 1), 1), 32),
        followup_sender=os.environ.get("FOLLOWUP_SENDER", ""),
        reply_routing=_pairs(os.environ.get("REPLY_ROUTING", "")),
        # Webhook endpoints must be HTTPS; the local run (devstack sets the flag) may use
        # http://127.0.0.1. Never inside Lambda, whatever a stage's configuration says.
        webhook_allow_local_http=os.environ.get("WEBHOOK_ALLOW_LOCAL_HTTP", "") == "true"
        and not os.environ.get("AWS_LAMBDA_FUNCTION_NAME"),
        allow_unverified_identity=_allow_unverified_identity(stage),
        incidents=_incident_settings(),
        self_service=_self_service_settings(),
    )


def reset() -> None:
    """Forget the cached settings (tests change the environment)."""
    get_settings.cache_clear()
