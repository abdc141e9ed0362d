"""E-mail links: issue signed score links, and record a followed link's score exactly once."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from chalicelib import clock, signing
from chalicelib.config import get_settings
from chalicelib.errors import ConflictError, InvalidInputError, TrustloopError, UnprocessableError
from chalicelib.privacy import service as privacy_service
from chalicelib.secrets import get_app_secrets
from chalicelib.surveys import rules
from chalicelib.surveys import service as surveys

SCORE_LINK = "survey_score"
DEFAULT_LINK_DAYS = 30
CHANNEL = "email"


class LinkInvalidError(TrustloopError):
    status = 400
    code = "invalid_link"
    title = "This link is not valid"


class LinkExpiredError(TrustloopError):
    status = 410
    code = "link_expired"
    title = "This link has expired"


@dataclass(frozen=True)
class FollowedLink:
    survey: dict[str, Any]  # as presented in the link's locale
    score: int
    response_id: str | None  # None: an answer was already on record, nothing changed
    opt_out_token: str


def issue_links(survey_id: str, body: dict[str, Any], base_url: str) -> dict[str, Any]:
    """One signed link per score of the survey's scale, for one user, ready for an e-mail template."""
    survey = surveys.get_open_survey(survey_id, CHANNEL)
    user_id = body["user"]["id"]
    now = clock.now()
    expires_at = now + timedelta(days=body.get("expires_in_days", DEFAULT_LINK_DAYS))
    expires = int(expires_at.timestamp())
    key = get_app_secrets().signing_key
    locale, _ = rules.pick_texts(survey["texts"], body.get("locale"))
    # Every link of one e-mail shares a batch id, the Idempotency-Key: the first click counts.
    fields = {"s": survey_id, "u": user_id, "l": locale, "b": uuid.uuid4().hex}
    opt_out = opt_out_token(survey, user_id, fields["b"], expires)
    low, high = rules.scale_of(survey["metric"])
    links = [{"score": score,
              "url": f"{base_url}/v1/s/{signing.sign_link(SCORE_LINK, {**fields, 'v': score}, expires, key)}"}
             for score in range(low, high + 1)]
    return {"survey_id": survey_id, "metric": survey["metric"], "locale": locale,
            "expires_at": clock.iso(expires_at),
            "links": links, "opt_out_url": f"{base_url}/v1/opt-out/{opt_out}"}


def opt_out_token(survey: dict[str, Any], user_id: str, link_set: str, links_expire: int) -> str:
    """The privacy domain's opt-out link of this e-mail (served by GET /v1/opt-out/{token}).

    One per link set (issue 11.11): the footer's and every score page's are the same link, and
    it outlives the score links by OPT_OUT_LINK_DAYS, so "stop asking me" works after "rate us".
    """
    expires = links_expire + get_settings().opt_out_link_days * 86400
    return str(privacy_service.issue_opt_out_link(str(survey.get("company", "default")), user_id,
                                                  link_set, expires)["token"])


def read_score_link(token: str) -> dict[str, Any]:
    status, payload = signing.read_link(token, SCORE_LINK, int(clock.now().timestamp()),
                                        get_app_secrets().signing_key)
    if status == "invalid" or payload is None:
        raise LinkInvalidError("It may have been changed or cut short. Please use the link in your e-mail.")
    if status == "expired":
        raise LinkExpiredError("Survey links work for a limited time. Thank you for your interest.")
    return payload


def follow_link(token: str) -> FollowedLink:
    """Record the link's score; a repeat click, or another score of the same e-mail, changes nothing."""
    link = read_score_link(token)
    survey = surveys.get_open_survey(str(link["s"]), CHANNEL)
    user_id, score = str(link["u"]), int(link["v"])
    body: dict[str, Any] = {"survey_id": survey["survey_id"], "score": score, "channel": CHANNEL,
                            "locale": link["l"], "user": {"id": user_id}}
    try:  # the link is our own signed word for who this is: no user_hash needed
        response_id: str | None = surveys.create_response(body, f"email-link:{link['b']}",
                                                          identity_vouched=True)["response_id"]
    except (ConflictError, UnprocessableError):
        # Answered already: this click, another score of the same e-mail, the user's in-app answer,
        # or a key whose 24 h record has lapsed but not yet been deleted by TTL. Nothing changes.
        response_id = None
    return FollowedLink(surveys.present_survey(survey, str(link["l"])), score, response_id,
                        opt_out_token(survey, user_id, str(link["b"]), int(link["x"])))


def comment_on_link(token: str, comment: str) -> FollowedLink:
    """The follow-up reason from the link's page (the score is replayed, never stored twice)."""
    followed = follow_link(token)
    if followed.response_id is None:
        raise ConflictError("Your answer is on record, but it can no longer be changed.", "comment")
    if len(comment) > 2000:
        raise InvalidInputError("comment", "is over 2,000 characters")
    surveys.add_comment(followed.response_id, comment)
    return followed
