"""Which event reaches which handler locally, learnt from the app's own registrations.

Chalice records every event handler in `app.event_sources` with its kind (SQS queue, DynamoDB
stream, schedule, S3 bucket). The kind comes from there, never from a hand-typed field in infra/;
infra/ only supplies the real address (queue or stream ARN) that replaces the app's placeholder,
exactly as `chalice package --merge-template` does in AWS. A handler the runner cannot wire
stops `make run` at start with its name: nothing is left silently undelivered.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalice.app import DynamoDBEventConfig, S3EventConfig, ScheduledEventConfig, SQSEventConfig
from chalice.utils import to_cfn_resource_name

from devstack.template import Resolver, chalice_overrides

# What the merged template calls each kind (SAM event Type), to catch an override of the wrong kind.
_SAM_TYPE = {"sqs": "SQS", "stream": "DynamoDB", "schedule": "Schedule", "s3": "S3"}
_ADDRESS = {"sqs": "Queue", "stream": "Stream"}


class WiringError(SystemExit):
    """The local runner cannot deliver some handler's events: `make run` stops and says which."""


@dataclass(frozen=True)
class Wire:
    """One event source of one handler, resolved to what the local runner polls."""

    handler: str
    kind: str  # sqs | stream | schedule | s3
    arn: str = ""  # the queue's or stream's ARN
    queue_url: str = ""
    batch_size: int = 10
    schedule: Schedule | None = None
    bucket: str = ""
    prefix: str = ""
    suffix: str = ""
    options: dict[str, Any] = field(default_factory=dict)  # the infra event's properties, resolved


def wiring(app: Any, template: dict[str, Any], resolver: Resolver) -> list[Wire]:
    """Every event source the app registers, wired; WiringError naming each one that cannot be."""
    overrides = _event_overrides(app, template)
    wires, problems = [], []
    for source in app.event_sources:
        try:
            wires.append(_wire(source, overrides.get(to_cfn_resource_name(source.name), []), resolver))
        except _CannotWireError as exc:
            problems.append(f"{source.name}: {exc}")
    if problems:
        raise WiringError("make run cannot deliver events to: " + "; ".join(problems))
    return wires


class _CannotWireError(ValueError):
    pass


def _event_overrides(app: Any, template: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """infra/'s `Events` of each chalice function, by logical id; one for no handler is an error."""
    known = {to_cfn_resource_name(name) for name in app.handler_map}
    found: dict[str, list[dict[str, Any]]] = {}
    for logical_id, override in chalice_overrides(template).items():
        events = (override.get("Properties") or {}).get("Events")
        if not events:
            continue
        if logical_id not in known:
            raise WiringError(f"infra/ wires events to {logical_id}, but the app has no such handler")
        found[logical_id] = list(events.values())
    return found


def _wire(source: Any, overrides: list[dict[str, Any]], resolver: Resolver) -> Wire:
    if isinstance(source, SQSEventConfig):
        arn = _address("sqs", overrides, resolver) or _known_queue(source, resolver)
        urls = {attrs.get("Arn"): attrs["Ref"] for attrs in resolver.attrs.values() if "Arn" in attrs}
        if arn not in urls:
            raise _CannotWireError(f"its queue {arn} is not provisioned from infra/")
        return Wire(source.name, "sqs", arn=arn, queue_url=urls[arn], batch_size=source.batch_size,
                    options=_options(overrides, resolver))
    if isinstance(source, DynamoDBEventConfig):
        arn = _address("stream", overrides, resolver) or source.stream_arn
        streams = {attrs.get("StreamArn") for attrs in resolver.attrs.values()}
        if arn not in streams:
            raise _CannotWireError(f"its stream {arn} is not provisioned from infra/ (override its Stream)")
        return Wire(source.name, "stream", arn=arn, batch_size=source.batch_size,
                    options=_options(overrides, resolver))
    if isinstance(source, ScheduledEventConfig):
        return Wire(source.name, "schedule", schedule=schedule_of(source))
    if isinstance(source, S3EventConfig):
        buckets = {attrs["Ref"] for attrs in resolver.attrs.values() if attrs.get("Arn", "").startswith("arn:aws:s3")}
        if source.bucket not in buckets:
            raise _CannotWireError(f"its bucket {source.bucket} is not provisioned from infra/")
        return Wire(source.name, "s3", bucket=source.bucket, prefix=source.prefix or "", suffix=source.suffix or "")
    raise _CannotWireError(f"{type(source).__name__} events are not delivered locally")


def _address(kind: str, overrides: list[dict[str, Any]], resolver: Resolver) -> str | None:
    """The queue/stream ARN infra/ puts in place of the app's placeholder, if it overrides one."""
    for event in overrides:
        declared = event.get("Type")
        if declared is not None and declared != _SAM_TYPE[kind]:
            raise _CannotWireError(f"infra/ declares its event as Type {declared}; the app registers {kind}")
        props = event.get("Properties") or {}
        if _ADDRESS[kind] in props:
            return str(resolver.resolve(props[_ADDRESS[kind]]))
    return None


def _known_queue(source: SQSEventConfig, resolver: Resolver) -> str:
    """A queue the app names itself (by ARN or name) rather than through infra/."""
    for attrs in resolver.attrs.values():
        arn = attrs.get("Arn", "")
        if arn.startswith("arn:aws:sqs") and (arn == source.queue_arn or arn.rsplit(":", 1)[-1] == source.queue):
            return arn
    return str(source.queue_arn or source.queue)


def _options(overrides: list[dict[str, Any]], resolver: Resolver) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for event in overrides:
        merged.update(resolver.resolve(event.get("Properties") or {}))
    return merged


# --- schedules ---------------------------------------------------------------------------------

_RATE_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
_DAYS_OF_WEEK = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
_MONTHS = {m: i for i, m in enumerate(
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], start=1)}
# EventBridge's six cron fields: (lowest, highest, names) of minutes, hours, day of month, month,
# day of week (1 = Sunday) and year.
_CRON_FIELDS = ((0, 59, {}), (0, 23, {}), (1, 31, {}), (1, 12, _MONTHS), (1, 7, _DAYS_OF_WEEK), (1970, 2199, {}))


@dataclass(frozen=True)
class Schedule:
    """A rate (every `period` seconds) or a cron (the UTC minutes it matches) of EventBridge."""

    expression: str
    period: int = 0
    cron: tuple[frozenset[int], ...] = ()

    def matches(self, at: datetime) -> bool:
        """Whether a cron schedule fires in the minute `at` (UTC)."""
        weekday = at.isoweekday() % 7 + 1  # EventBridge: 1 = Sunday … 7 = Saturday
        values = (at.minute, at.hour, at.day, at.month, weekday, at.year)
        return bool(self.cron) and all(v in allowed for v, allowed in zip(values, self.cron, strict=True))


def schedule_of(source: ScheduledEventConfig) -> Schedule:
    expression = source.schedule_expression
    return parse_schedule(expression if isinstance(expression, str) else expression.to_string())


def parse_schedule(text: str) -> Schedule:
    """`rate(N unit)` or `cron(m h dom mon dow year)`; _CannotWireError for what EventBridge allows
    but this runner does not evaluate (L, W, #)."""
    rate = re.fullmatch(r"rate\((\d+) (minute|hour|day)s?\)", text.strip())
    if rate:
        return Schedule(text, period=int(rate.group(1)) * _RATE_SECONDS[rate.group(2)])
    cron = re.fullmatch(r"cron\((.+)\)", text.strip())
    fields = cron.group(1).split() if cron else []
    if len(fields) != 6:
        raise _CannotWireError(f"schedule {text!r} is neither rate(...) nor a 6-field cron(...)")
    return Schedule(text, cron=tuple(_cron_field(f, *spec) for f, spec in zip(fields, _CRON_FIELDS, strict=True)))


def _cron_field(text: str, low: int, high: int, names: dict[str, int]) -> frozenset[int]:
    allowed: set[int] = set()
    for part in text.upper().split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text.isdigit() else 1
        if step_text and not step_text.isdigit():
            raise _CannotWireError(f"cron field {text!r} is not evaluated locally")
        if base in ("*", "?"):
            first, last = low, high
        else:
            first_text, _, last_text = base.partition("-")
            first = _cron_value(first_text, names)
            last = _cron_value(last_text, names) if last_text else (high if step_text else first)
        if not low <= first <= last <= high:
            raise _CannotWireError(f"cron field {text!r} is out of range {low}-{high}")
        allowed.update(range(first, last + 1, step))
    return frozenset(allowed)


def _cron_value(text: str, names: dict[str, int]) -> int:
    if text in names:
        return names[text]
    if not text.isdigit():
        raise _CannotWireError(f"cron value {text!r} is not evaluated locally (L, W and # are not)")
    return int(text)
