"""Survey use cases: joins the rules, the store, the catalogue cache and the secrets."""
from __future__ import annotations

import hashlib
import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib import clock, signing
from chalicelib.config import get_settings
from chalicelib.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    TrustloopError,
    UnauthorizedError,
    UnprocessableError,
)
from chalicelib.obs import logger
from chalicelib.privacy import masking
from chalicelib.secrets import get_app_secrets
from chalicelib.surveys import definition_store, rules, store, throttle_store
from chalicelib.surveys.store import IdempotencyKeyUsedError

_catalogue: dict[str, tuple[float, list[dict[str, Any]]]] = {}
EDIT_TOKEN = "response_edit"  # the kind of signed token that lets its holder write one response's comment


class SurveyInactiveError(ConflictError):
    code = "survey_inactive"


def policy() -> rules.ThrottlePolicy:
    s = get_settings()
    return rules.ThrottlePolicy(
        recontact=timedelta(days=s.recontact_days),
        decline=timedelta(days=s.decline_days),
        company_gap=timedelta(days=s.company_gap_days),
        impression_cap=s.impression_cap,
    )


def surveys_of_product(product: str) -> list[dict[str, Any]]:
    """A product's surveys, cached per container: definitions change rarely, users often."""
    hit = _catalogue.get(product)
    if hit and time.monotonic() - hit[0] < get_settings().catalogue_cache_seconds:
        return hit[1]
    surveys = definition_store.query_surveys_by_product(product)
    _catalogue[product] = (time.monotonic(), surveys)
    return surveys


def forget_catalogue() -> None:
    _catalogue.clear()


class IdentityNotConfiguredError(TrustloopError):
    """The product's operator has not set an identity secret: nobody can vouch for its users.

    A 403, not a 5xx, although it is the operator's fault: any caller can name a product that
    has none (an unknown product looks the same), and a 5xx would let anyone page the operator.
    """

    status = 403
    code = "identity_not_configured"


def check_identity(product: str, user_id: str, given_hash: str | None) -> None:
    """Only the product's backend can vouch for a user id: `user_hash` = HMAC(identity secret, user id).

    Fails closed (issue 11.2): a product without an identity secret is refused, except in the
    local run (ALLOW_UNVERIFIED_IDENTITY), so nobody writes or reads another user's state.
    """
    secret = get_app_secrets().identity_secret(product)
    if secret is None:
        if get_settings().allow_unverified_identity:
            return
        logger.warning("public call refused: the product has no identity secret")
        raise IdentityNotConfiguredError(
            "this product has no identity secret, so no user can be verified; its operator must add one "
            "to identity_secrets in the AppSecrets secret (GET /v1/admin/identity lists the products)", "product")
    if not signing.is_user_hash_valid(secret, user_id, given_hash):
        raise UnauthorizedError("user_hash is missing or wrong for this user", "user_hash")


def identity_report() -> dict[str, Any]:
    """Which products of the catalogue have an identity secret (never the secrets themselves)."""
    products: dict[str, int] = {}
    for survey in definition_store.query_all_surveys():
        products[str(survey["product"])] = products.get(str(survey["product"]), 0) + bool(survey.get("active"))
    secrets = get_app_secrets()
    listed = [{"product": p, "identity_secret": secrets.identity_secret(p) is not None, "active_surveys": n}
              for p, n in sorted(products.items())]
    return {"stage": get_settings().stage, "unverified_identity_allowed": get_settings().allow_unverified_identity,
            "products": listed, "missing": [p["product"] for p in listed if not p["identity_secret"]]}


def _company_of(surveys: list[dict[str, Any]], product: str) -> str:
    return str(surveys[0].get("company", "default")) if surveys else "default"


def _suppression(company: str, user_id: str) -> dict[str, str]:
    """The key of the user's objection/restriction entry (privacy domain), read with the throttle."""
    return store.suppression_key(get_app_secrets().signing_key, store.subject_key(company, user_id))


def _email_suppression(email_lc: str | None) -> dict[str, str] | None:
    """An objection or restriction made by e-mail alone: answers carrying that address are refused."""
    if not email_lc:
        return None
    return store.suppression_key(get_app_secrets().signing_key, store.email_suppression_subject(email_lc))


def _user_tag(user_id: str) -> str:
    return hashlib.sha256(user_id.encode()).hexdigest()[:16]


def eligibility(params: dict[str, Any]) -> dict[str, Any]:
    """May the user be asked now? At most one DynamoDB read (the user's throttle item)."""
    product, user_id, channel = params["product"], params["user_id"], params["channel"]
    check_identity(product, user_id, params.get("user_hash"))
    now = clock.now()
    key = get_app_secrets().signing_key
    cached = _decision_from_token(params.get("throttle_token"), key, product, user_id, now)
    if cached is None:
        surveys = surveys_of_product(product)
        company = _company_of(surveys, product)
        state = throttle_store.get_throttle(company, user_id, now, _suppression(company, user_id))
        cached = rules.decide(product=product, channel=channel, user_id=user_id, surveys=surveys,
                              state=state, policy=policy(), now=now)
    return _eligibility_body(cached, params.get("locale"), key, product, user_id)


def _decision_from_token(token: str | None, key: bytes, product: str, user_id: str,
                         now: datetime) -> rules.Decision | None:
    """A throttle token we signed for this user and product that has not lifted yet."""
    payload = signing.verify(token, key) if token else None
    if not payload or payload.get("p") != product or payload.get("u") != _user_tag(user_id):
        return None
    until = int(payload.get("n", 0))
    if until <= int(now.timestamp()) or payload.get("r") not in ("recently_surveyed", "declined_recently"):
        return None
    return rules.Decision(False, str(payload["r"]),
                          next_eligible_at=datetime.fromtimestamp(until, tz=UTC))


def _eligibility_body(decision: rules.Decision, locale: str | None, key: bytes,
                      product: str, user_id: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "eligible": decision.eligible,
        "survey": present_survey(decision.survey, locale) if decision.survey else None,
        "reason": decision.reason,
        "next_eligible_at": clock.iso(decision.next_eligible_at) if decision.next_eligible_at else None,
        "throttle_token": None,
    }
    if decision.next_eligible_at:
        body["throttle_token"] = signing.sign(
            {"p": product, "u": _user_tag(user_id), "r": decision.reason,
             "n": int(decision.next_eligible_at.timestamp())}, key)
    return body


def present_survey(survey: dict[str, Any], locale: str | None) -> dict[str, Any]:
    """The survey as the banner shows it, in the user's locale (falling back to en)."""
    chosen, texts = rules.pick_texts(survey["texts"], locale)
    low, high = rules.scale_of(survey["metric"])
    scale: dict[str, Any] = {"min": low, "max": high}
    for label in ("min_label", "max_label"):
        if texts.get(label):
            scale[label] = texts[label]
    return {
        "survey_id": survey["survey_id"],
        "metric": survey["metric"],
        "question": texts["question"],
        "follow_up": texts["follow_up"],
        "scale": scale,
        "locale": chosen,
        "privacy_notice_version": get_settings().privacy_notice_version,
    }


def get_open_survey(survey_id: str, channel: str) -> dict[str, Any]:
    """A survey that exists, is active and is offered on `channel`; else a 4xx naming why."""
    survey = definition_store.get_survey(survey_id)
    if not survey:
        raise InvalidInputError("survey_id", "unknown survey")
    if not survey.get("active"):
        raise SurveyInactiveError("the survey is not active", "survey_id")
    if channel not in survey.get("channels", []):
        raise InvalidInputError("channel", f"not offered by this survey ({', '.join(survey['channels'])})")
    return survey


def _event(kind: str, survey: dict[str, Any], body: dict[str, Any], company: str) -> dict[str, Any]:
    now = clock.now()
    s = get_settings()
    return {
        "pk": f"EVT#{uuid.uuid4().hex}", "sk": "EVT", "type": kind,
        "subject": store.subject_key(company, body["user"]["id"]),
        "survey_id": survey["survey_id"], "product": survey["product"], "metric": survey["metric"],
        "channel": body["channel"], "at": clock.iso(now),
        store.TTL: rules.throttle_expires_at(now, policy(), s.retention_days),
    }


def record_impression(body: dict[str, Any]) -> dict[str, Any]:
    return _record_event("impression", body, throttle_store.record_impression)


def record_decline(body: dict[str, Any]) -> dict[str, Any]:
    return _record_event("decline", body, throttle_store.record_decline)


def _record_event(kind: str, body: dict[str, Any], write: Any) -> dict[str, Any]:
    survey = get_open_survey(body["survey_id"], body["channel"])
    check_identity(survey["product"], body["user"]["id"], body.get("user_hash"))
    company = str(survey.get("company", "default"))
    event = _event(kind, survey, body, company)
    now = clock.now()
    write(company, body["user"]["id"], survey["product"], event, int(now.timestamp()),
          rules.throttle_expires_at(now, policy(), get_settings().retention_days),
          suppression=_suppression(company, body["user"]["id"]))
    return {f"{kind}_id": event["pk"].removeprefix("EVT#")}


def create_response(body: dict[str, Any], idempotency_key: str | None,
                    identity_vouched: bool = False) -> dict[str, Any]:
    """Store a score; a retry with the same Idempotency-Key gives back the same response_id.

    `identity_vouched`: the caller already knows who this is (a followed e-mail link, signed by us).
    """
    survey = get_open_survey(body["survey_id"], body["channel"])
    score = rules.check_score(survey["metric"], body["score"])
    user = body["user"]
    if not identity_vouched:
        check_identity(survey["product"], user["id"], body.get("user_hash"))
    company = str(survey.get("company", "default"))
    request_hash = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
    idem_hash = _idempotency_hash(company, user["id"], idempotency_key) if idempotency_key else None
    now = clock.now()
    s = get_settings()
    response_id = uuid.uuid4().hex
    response = _response_item(response_id, survey, body, score, company, now)
    edit_until = int((now + timedelta(hours=s.comment_edit_hours)).timestamp())
    idem = None
    if idem_hash:
        idem = {"pk": f"IDEM#{idem_hash}", "sk": "IDEM", "response_id": response_id,
                "request_hash": request_hash, "subject": response["subject"], "edit_until": edit_until,
                store.TTL: int((now + timedelta(hours=24)).timestamp())}
    try:
        store.put_response(
            response, company=company, user_id=user["id"], product=survey["product"],
            now=int(now.timestamp()),
            window_start=int((now - policy().recontact).timestamp()),
            throttle_expires=rules.throttle_expires_at(now, policy(), s.retention_days),
            idempotency=idem, suppression=_suppression(company, user["id"]),
            email_suppression=_email_suppression(response.get("email_lc")))
    except IdempotencyKeyUsedError:
        response_id, edit_until = _replayed_response(idem_hash or "", request_hash)
    return {"response_id": response_id, "edit_token": _edit_token(response_id, edit_until)}


def _idempotency_hash(company: str, user_id: str, key: str) -> str:
    if not 1 <= len(key) <= 255:
        raise InvalidInputError("Idempotency-Key", "must be 1 to 255 characters")
    return hashlib.sha256(f"{company}\x00{user_id}\x00{key}".encode()).hexdigest()


def _replayed_response(idem_hash: str, request_hash: str) -> tuple[str, int]:
    """The response id a retry gets back, and the end of its edit window."""
    now = clock.now()
    seen = store.get_idempotency(idem_hash, now)
    if not seen:
        raise ConflictError("a request with this Idempotency-Key is in progress; retry", "Idempotency-Key")
    if seen.get("request_hash") != request_hash:
        raise UnprocessableError("Idempotency-Key was used with a different body", "Idempotency-Key")
    # Records written before edit tokens existed: the window cannot outlast the record's 24 h.
    until = seen.get("edit_until") or int(now.timestamp()) + get_settings().comment_edit_hours * 3600
    return str(seen["response_id"]), int(until)


def _edit_token(response_id: str, edit_until: int) -> str:
    """The capability to write this response's comment: signed, bound to it, expiring with the window."""
    return signing.sign_link(EDIT_TOKEN, {"r": response_id}, edit_until, get_app_secrets().signing_key)


def edit_comment(response_id: str, comment: str, authorization: str | None) -> dict[str, Any]:
    """PATCH /v1/responses/{id}: only the holder of the response's edit_token writes its comment.

    Response ids travel (webhook payloads, the receivers' logs); the token went only to the
    caller that stored the score. Checked before any read: a wrong token learns nothing.
    """
    scheme, _, token = (authorization or "").strip().partition(" ")
    status, payload = ("invalid", None)
    if scheme.lower() == "bearer" and token.strip():
        status, payload = signing.read_link(token.strip(), EDIT_TOKEN, int(clock.now().timestamp()),
                                            get_app_secrets().signing_key)
    if payload is None or payload.get("r") != response_id:
        raise UnauthorizedError("send Authorization: Bearer <edit_token> from this response's 201", "Authorization")
    if status == "expired":
        raise ConflictError("the comment can no longer be changed", "comment")
    return add_comment(response_id, comment)


def _response_item(response_id: str, survey: dict[str, Any], body: dict[str, Any], score: int,
                   company: str, now: Any) -> dict[str, Any]:
    user = body["user"]
    item: dict[str, Any] = {
        "pk": f"RESP#{response_id}", "sk": "RESP", "response_id": response_id,
        "subject": store.subject_key(company, user["id"]),
        "survey_id": survey["survey_id"], "product": survey["product"], "company": company,
        "metric": survey["metric"], "score": score, "channel": body["channel"],
        "locale": body.get("locale") or "en", "contact_ok": bool(body.get("contact_ok", False)),
        "privacy_notice_version": get_settings().privacy_notice_version,
        "created_at": clock.iso(now), "collected_month": clock.iso(now)[:7], "user": dict(user),
        store.TTL: rules.expires_at(now, get_settings().retention_days),
    }
    if user.get("email"):
        item["email_lc"] = user["email"].strip().lower()
    return item


def _is_response_id(text: str) -> bool:
    return len(text) == 32 and all(c in "0123456789abcdef" for c in text)


def add_comment(response_id: str, comment: str) -> dict[str, Any]:
    """The follow-up reason, editable for a while after the score."""
    now = clock.now()
    response = store.get_response(response_id, now) if _is_response_id(response_id) else None
    if not response:
        raise NotFoundError("no such response", "response_id")
    created = clock.parse_iso(response["created_at"])
    if not rules.is_comment_editable(created, now, get_settings().comment_edit_hours):
        raise ConflictError("the comment can no longer be changed", "comment")
    if response.get("restricted"):  # restricted or objected (privacy domain): kept, not processed
        raise store.OptedOutError("this user objected to or restricted processing", "response_id")
    # Minimisation (Art. 5(1)(c)): a reason is asked for, not identifiers; mask them first.
    kinds = masking.kinds_for(str(response.get("product", "")), get_settings().comment_masking)
    comment, _ = masking.mask(comment, kinds)
    store.set_comment(response_id, comment, int(now.timestamp()))
    return {"response_id": response_id, "comment": comment}
