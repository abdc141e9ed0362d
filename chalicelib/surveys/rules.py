"""Survey rules as pure functions: scales, locales, sampling, throttling, retention.

Nothing here imports boto3, a store or chalice: every input, `now` included, is an argument.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from chalicelib.errors import InvalidInputError

SCALES: dict[str, tuple[int, int]] = {"nps": (0, 10), "ces": (1, 7), "csat": (1, 5)}
CHANNELS = ("in_app_web", "mobile", "email", "link")
REQUIRED_LOCALES = ("en",)
DEFAULT_LOCALE = "en"


@dataclass(frozen=True)
class ThrottlePolicy:
    recontact: timedelta = timedelta(days=90)
    decline: timedelta = timedelta(days=180)
    company_gap: timedelta = timedelta(days=7)
    impression_cap: int = 3


@dataclass(frozen=True)
class ProductState:
    """What throttling remembers of one user in one product."""

    answered_at: datetime | None = None
    declined_at: datetime | None = None
    shown_at: datetime | None = None
    unanswered: int = 0


@dataclass(frozen=True)
class ThrottleState:
    """What throttling remembers of one user across the products of one company."""

    products: dict[str, ProductState] = field(default_factory=dict)
    last_shown_at: datetime | None = None
    opted_out: bool = False

    def product(self, product: str) -> ProductState:
        return self.products.get(product, ProductState())


@dataclass(frozen=True)
class Decision:
    eligible: bool
    reason: str
    survey: dict[str, Any] | None = None
    next_eligible_at: datetime | None = None


def scale_of(metric: str) -> tuple[int, int]:
    return SCALES[metric]


def check_score(metric: str, score: Any) -> int:
    """The score as an int within the metric's scale, or InvalidInputError naming `score`."""
    if isinstance(score, bool) or not isinstance(score, int):
        raise InvalidInputError("score", "must be an integer")
    low, high = SCALES[metric]
    if not low <= score <= high:
        raise InvalidInputError("score", f"must be between {low} and {high} for {metric.upper()}")
    return score


def pick_texts(texts: dict[str, dict[str, str]], locale: str | None) -> tuple[str, dict[str, str]]:
    """The texts for `locale`, falling back from 'nb-NO' to 'nb' to 'en'."""
    for candidate in _locale_chain(locale):
        if candidate in texts:
            return candidate, texts[candidate]
    return DEFAULT_LOCALE, texts[DEFAULT_LOCALE]


def _locale_chain(locale: str | None) -> list[str]:
    if not locale:
        return [DEFAULT_LOCALE]
    normalised = locale.replace("_", "-")
    chain = [normalised, normalised.split("-")[0].lower()]
    return [*dict.fromkeys(chain), DEFAULT_LOCALE]


def is_sampled_in(survey_id: str, user_id: str, percent: float) -> bool:
    """Deterministic per user and survey: asking twice gives the same answer."""
    digest = hashlib.sha256(f"{survey_id}:{user_id}".encode()).digest()
    bucket = int.from_bytes(digest[:8], "big") % 10_000
    return bucket < round(percent * 100)


def decide(
    *,
    product: str,
    channel: str,
    user_id: str,
    surveys: list[dict[str, Any]],
    state: ThrottleState,
    policy: ThrottlePolicy,
    now: datetime,
) -> Decision:
    """May this user be asked now in this product and channel, and with which survey?"""
    if state.opted_out:
        return Decision(False, "opted_out")
    offered = [s for s in surveys if s.get("active") and channel in s.get("channels", [])]
    if not offered:
        return Decision(False, "no_active_survey")
    blocked = _blocked_until(state, product, policy, now)
    if blocked is not None:
        reason, until = blocked
        return Decision(False, reason, next_eligible_at=until)
    sampled = [s for s in sorted(offered, key=lambda s: s["survey_id"])
               if is_sampled_in(s["survey_id"], user_id, float(s.get("sample_percent", 100)))]
    if not sampled:
        return Decision(False, "sampled_out")
    return Decision(True, "eligible", survey=sampled[0])


def _blocked_until(
    state: ThrottleState, product: str, policy: ThrottlePolicy, now: datetime
) -> tuple[str, datetime] | None:
    """The throttle that holds now, with the time it lifts; None when none holds."""
    ps = state.product(product)
    if ps.declined_at and now < ps.declined_at + policy.decline:
        return "declined_recently", ps.declined_at + policy.decline
    holds: list[datetime] = []
    if ps.answered_at and now < ps.answered_at + policy.recontact:
        holds.append(ps.answered_at + policy.recontact)
    if ps.unanswered >= policy.impression_cap and ps.shown_at and now < ps.shown_at + policy.recontact:
        holds.append(ps.shown_at + policy.recontact)
    if state.last_shown_at and now < state.last_shown_at + policy.company_gap:
        holds.append(state.last_shown_at + policy.company_gap)
    return ("recently_surveyed", max(holds)) if holds else None


def expires_at(collected_at: datetime, retention_days: int) -> int:
    """The TTL (epoch seconds) of personal data collected at `collected_at`."""
    return int((collected_at + timedelta(days=retention_days)).timestamp())


def throttle_expires_at(now: datetime, policy: ThrottlePolicy, retention_days: int) -> int:
    """Throttle state is kept only as long as a throttle can still hold (minimisation)."""
    horizon = max(policy.recontact, policy.decline, policy.company_gap)
    return int((now + min(horizon, timedelta(days=retention_days))).timestamp())


def is_comment_editable(created_at: datetime, now: datetime, window_hours: int) -> bool:
    """Until the window's end, exclusive: as the edit_token, which expires at that second."""
    return now < created_at + timedelta(hours=window_hours)
