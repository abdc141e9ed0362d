"""The floor of the local ceiling: the DynamoDB calls one banner flow makes, made by hand.

Per operation, the calls the app makes today (bench/calls.py counts them; tests/bench/test_ceiling.py
checks this list against the app's own calls), with items of the same shape and size, through a
plain boto3 client: no HTTP API, no Chalice, no validation, no signing.
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

COMPANY = "demo-company"
SURVEY_ID, PRODUCT = "srv_demo_nps", "demo"


@dataclass(frozen=True)
class Tables:
    feedback: str
    surveys: str


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _n(value: int) -> dict[str, str]:
    return {"N": str(value)}


def calls(tables: Tables, user: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(operation, client method, its arguments), in the order a banner makes them."""
    now = int(time.time())
    expires = now + 365 * 86400
    subject = f"SUBJ#{COMPANY}#{user}"
    throttle = {"pk": _s(subject), "sk": _s("THROTTLE")}
    suppression = {"pk": _s("SUPPRESS#" + uuid.uuid5(uuid.NAMESPACE_URL, subject).hex * 2), "sk": _s("SUPPRESS")}
    survey = ("get_item", {"TableName": tables.surveys, "Key": {"survey_id": _s(SURVEY_ID)}, "ConsistentRead": True})
    not_suppressed = {"ConditionCheck": {
        "TableName": tables.feedback, "Key": suppression,
        "ConditionExpression": "(attribute_not_exists(objected_at) AND attribute_not_exists(restricted_at))"
                               " OR #ttl < :now",
        "ExpressionAttributeNames": {"#ttl": "expires_at"}, "ExpressionAttributeValues": {":now": _n(now)}}}
    shown = {"TableName": tables.feedback, "Key": throttle,
             "UpdateExpression": "SET #ttl = :ttl, #subject = :subject, #s0 = :s0, #s1 = :s1 ADD #u :one",
             "ExpressionAttributeNames": {"#ttl": "expires_at", "#subject": "subject", "#s0": f"p#{PRODUCT}#shown_at",
                                          "#s1": "last_shown_at", "#u": f"p#{PRODUCT}#unanswered"},
             "ExpressionAttributeValues": {":ttl": _n(expires), ":subject": _s(subject), ":s0": _n(now),
                                           ":s1": _n(now), ":one": _n(1)}}
    event = {"pk": _s(f"EVT#{uuid.uuid4().hex}"), "sk": _s("EVT"), "type": _s("impression"), "subject": _s(subject),
             "survey_id": _s(SURVEY_ID), "product": _s(PRODUCT), "metric": _s("nps"), "channel": _s("in_app_web"),
             "at": _s("2026-11-30T10:00:00Z"), "expires_at": _n(expires)}
    rid = uuid.uuid4().hex
    response = {"pk": _s(f"RESP#{rid}"), "sk": _s("RESP"), "response_id": _s(rid), "subject": _s(subject),
                "survey_id": _s(SURVEY_ID), "product": _s(PRODUCT), "company": _s(COMPANY), "metric": _s("nps"),
                "score": _n(9), "channel": _s("in_app_web"), "locale": _s("en"), "contact_ok": {"BOOL": False},
                "privacy_notice_version": _s("2026-01"), "created_at": _s("2026-11-30T10:00:00Z"),
                "collected_month": _s("2026-11"), "user": {"M": {"id": _s(user)}}, "expires_at": _n(expires)}
    idem = {"pk": _s(f"IDEM#{uuid.uuid4().hex * 2}"), "sk": _s("IDEM"), "response_id": _s(rid),
            "request_hash": _s(uuid.uuid4().hex * 2), "subject": _s(subject), "edit_until": _n(now + 86400),
            "expires_at": _n(now + 86400)}
    answered = {"TableName": tables.feedback, "Key": throttle,
                "UpdateExpression": "SET #ttl = :ttl, #subject = :subject, #s0 = :s0, #s1 = :s1, #s2 = :s2",
                "ConditionExpression": "attribute_not_exists(#ans) OR #ans < :window",
                "ExpressionAttributeNames": {"#ttl": "expires_at", "#subject": "subject",
                                             "#s0": f"p#{PRODUCT}#answered_at", "#s1": f"p#{PRODUCT}#unanswered",
                                             "#s2": "last_shown_at", "#ans": f"p#{PRODUCT}#answered_at"},
                "ExpressionAttributeValues": {":ttl": _n(expires), ":subject": _s(subject), ":s0": _n(now),
                                              ":s1": _n(0), ":s2": _n(now), ":window": _n(now - 90 * 86400)}}
    return [
        ("eligibility", "batch_get_item", {"RequestItems": {tables.feedback: {"Keys": [throttle, suppression],
                                                                              "ConsistentRead": False}}}),
        ("impression", *survey),
        ("impression", "transact_write_items", {"TransactItems": [
            {"Put": {"TableName": tables.feedback, "Item": event, "ConditionExpression": "attribute_not_exists(pk)"}},
            {"Update": shown}, not_suppressed]}),
        ("score", *survey),
        ("score", "transact_write_items", {"TransactItems": [
            {"Put": {"TableName": tables.feedback, "Item": idem,
                     "ConditionExpression": "attribute_not_exists(pk) OR #ttl <= :now",
                     "ExpressionAttributeNames": {"#ttl": "expires_at"},
                     "ExpressionAttributeValues": {":now": _n(now)}}},
            {"Put": {"TableName": tables.feedback, "Item": response,
                     "ConditionExpression": "attribute_not_exists(pk)"}},
            {"Update": answered}, not_suppressed]}),
        ("comment", "get_item", {"TableName": tables.feedback, "Key": {"pk": _s(f"RESP#{rid}"), "sk": _s("RESP")},
                                 "ConsistentRead": True}),
        ("comment", "update_item", {"TableName": tables.feedback, "Key": {"pk": _s(f"RESP#{rid}"), "sk": _s("RESP")},
                                    "UpdateExpression": "SET #c = :c, commented_at = :t",
                                    "ConditionExpression": "attribute_exists(pk)",
                                    "ExpressionAttributeNames": {"#c": "comment"},
                                    "ExpressionAttributeValues": {":c": _s("Exporting takes too many clicks"),
                                                                  ":t": _n(now)}}),
    ]


def flow(client: Any, tables: Tables, user: str) -> dict[str, float]:
    """Make one flow's calls; seconds per operation."""
    times: dict[str, float] = {}
    for operation, method, kwargs in calls(tables, user):
        started = time.perf_counter()
        getattr(client, method)(**kwargs)
        times[operation] = times.get(operation, 0.0) + time.perf_counter() - started
    return times
