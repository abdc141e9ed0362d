"""Survey storage of throttle state and banner events (FeedbackTable).

`SUBJ#<company>#<user_id>` / `THROTTLE` holds one user's throttle state; `EVT#<event_id>` / `EVT`
an impression or a decline. Each event and its throttle move are one transaction, refused while
the user's suppression item (privacy domain) says they objected or restricted processing.
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib.surveys.rules import ProductState, ThrottleState
from chalicelib.surveys.store import (
    OptedOutError,
    _feedback,
    _not_suppressed,
    _put,
    _throttle_update,
    _transact,
    aws_transaction_cancelled,
    get_items,
    is_live,
    is_suppressed,
    subject_key,
)


def get_throttle(company: str, user_id: str, now: datetime,
                 suppression: dict[str, str] | None = None) -> ThrottleState:
    """One read: the user's throttle item, batched with their suppression item when given."""
    key = {"pk": subject_key(company, user_id), "sk": "THROTTLE"}
    if suppression is None:
        item = _feedback().get_item(Key=key).get("Item")
        return throttle_from_item(item or {}) if is_live(item, now) else ThrottleState()
    found = get_items([key, suppression])
    item = found.get(key["pk"])
    state = throttle_from_item(item or {}) if is_live(item, now) else ThrottleState()
    if is_suppressed(found.get(suppression["pk"]), now):
        return ThrottleState(products=state.products, last_shown_at=state.last_shown_at, opted_out=True)
    return state


def throttle_from_item(item: dict[str, Any]) -> ThrottleState:
    products: dict[str, dict[str, Any]] = {}
    for name, value in item.items():
        if name.startswith("p#"):
            _, product, attr = name.split("#", 2)
            products.setdefault(product, {})[attr] = value
    return ThrottleState(
        products={p: _product_state(v) for p, v in products.items()},
        last_shown_at=_dt(item.get("last_shown_at")),
        opted_out=bool(item.get("opted_out", False)),
    )


def _product_state(values: dict[str, Any]) -> ProductState:
    return ProductState(
        answered_at=_dt(values.get("answered_at")),
        declined_at=_dt(values.get("declined_at")),
        shown_at=_dt(values.get("shown_at")),
        unanswered=int(values.get("unanswered", 0)),
    )


def _dt(epoch: Any) -> datetime | None:
    return datetime.fromtimestamp(int(epoch), tz=UTC) if epoch is not None else None


def _transact_unless_suppressed(items: list[dict[str, Any]], suppression: dict[str, str] | None,
                                now: int) -> None:
    if suppression is None:
        _transact(items)
        return
    try:
        _transact([*items, _not_suppressed(suppression, now)])
    except aws_transaction_cancelled() as exc:
        reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
        if reasons and reasons[-1] == "ConditionalCheckFailed":
            raise OptedOutError("this user objected to or restricted processing", "user.id") from None
        raise


def record_impression(company: str, user_id: str, product: str, event: dict[str, Any],
                      now: int, throttle_expires: int, suppression: dict[str, str] | None = None) -> None:
    """The banner was shown: an event item, and the throttle moves on, in one transaction.

    A transaction, not one conditional write: two items change together (the event counts the
    impression in the rates, the throttle item caps how often the banner appears; one without the
    other miscounts or over-asks), and the refusal depends on a third, the suppression item, kept
    apart so that it outlives an erasure. No single PutItem/UpdateItem can do either.
    """
    update = _throttle_update(company, user_id, {f"p#{product}#shown_at": now, "last_shown_at": now},
                              throttle_expires, add_unanswered=f"p#{product}#unanswered")
    _transact_unless_suppressed([{"Put": _put(event)}, {"Update": update}], suppression, now)


def record_decline(company: str, user_id: str, product: str, event: dict[str, Any],
                   now: int, throttle_expires: int, suppression: dict[str, str] | None = None) -> None:
    """'No thanks': an event item, and the product's decline window starts."""
    update = _throttle_update(
        company, user_id,
        {f"p#{product}#declined_at": now, f"p#{product}#unanswered": 0, "last_shown_at": now},
        throttle_expires)
    _transact_unless_suppressed([{"Put": _put(event)}, {"Update": update}], suppression, now)
