"""The survey domain's subject store: responses, impressions, declines, throttle state,
idempotency records and opt-out links in FeedbackTable, found by Query on `by_subject` and
`by_email` (never a Scan). Key builders and TTL rules come from chalicelib.surveys.store.

A request by user id acts on the items under that id; by e-mail, only on the responses that
carry that address (see `matched_items`).
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from chalicelib import aws, clock
from chalicelib.config import get_settings
from chalicelib.privacy import registry
from chalicelib.privacy.rules import (
    MATCHED_BY_EMAIL,
    MATCHED_BY_USER_ID,
    Held,
    email_identifier,
    expires_in,
    user_identifier,
)
from chalicelib.secrets import get_app_secrets
from chalicelib.surveys import definition_store
from chalicelib.surveys import store as survey_store

if TYPE_CHECKING:
    from chalicelib.privacy.rules import SubjectRef

TTL = survey_store.TTL
PURPOSES = {
    "response": "your feedback: to understand it, improve the product and, if you agreed, follow it up",
    "impression": "survey statistics (how often the banner was shown) and throttling",
    "decline": "remembering that you declined, so you are not asked again soon",
    "throttle": "throttling: how often the banner may appear to you",
    "idempotency": "recognising a repeated submission of the same answer (24 hours)",
    "opt_out_link": "the link that lets you object from an e-mail footer",
}
_INTERNAL = ("pk", "sk", "subject", "email_lc", "collected_month", TTL)


def _table() -> Any:
    return aws.table(get_settings().feedback_table)


def kind_of(item: dict[str, Any]) -> str:
    pk = str(item["pk"])
    if pk.startswith("RESP#"):
        return "response"
    if pk.startswith("EVT#"):
        return str(item.get("type", "impression"))
    if pk.startswith("IDEM#"):
        return "idempotency"
    if pk.startswith("OPTOUT#"):
        return "opt_out_link"
    return "throttle"


def companies(ref: SubjectRef) -> list[str]:
    """The given company, or every company in the survey catalogue (a Query on `by_kind`)."""
    if ref.company:
        return [ref.company]
    found = {str(s.get("company", "default")) for s in definition_store.query_all_surveys()}
    return sorted(found | {"default"})


def _query(**kwargs: Any) -> list[dict[str, Any]]:
    return list(aws.query_all(get_settings().feedback_table, **kwargs))


def subject_keys(ref: SubjectRef) -> set[str]:
    """The subject keys a request names: its user id in the given company (or every company)."""
    return {survey_store.subject_key(c, ref.user_id) for c in companies(ref)} if ref.user_id else set()


def matched_items(ref: SubjectRef) -> list[tuple[str, str, dict[str, Any]]]:
    """Every item of the person, expired or not, as (matched_by, identifier, item).

    By user id: the items under that id's subject key. By e-mail: only the items carrying that
    address (responses, `email_lc`), never the user id they were sent with: a caller of the
    public API chose that pairing, so following it would act on someone else's items.
    """
    found: dict[str, tuple[str, str, dict[str, Any]]] = {}
    for subject in sorted(subject_keys(ref)):
        _, company, user_id = subject.split("#", 2)
        for item in _query(IndexName=survey_store.SUBJECT_INDEX, KeyConditionExpression=Key("subject").eq(subject)):
            found.setdefault(item["pk"], (MATCHED_BY_USER_ID, user_identifier(company, user_id), item))
    if ref.email:
        keys = _query(IndexName=survey_store.EMAIL_INDEX, KeyConditionExpression=Key("email_lc").eq(ref.email))
        for item in survey_store.get_items([{"pk": k["pk"], "sk": k["sk"]} for k in keys]).values():
            # The index is eventually consistent: the item itself must still carry the address.
            if item.get("email_lc") == ref.email:
                found.setdefault(item["pk"], (MATCHED_BY_EMAIL, email_identifier(ref.email), item))
    return [found[pk] for pk in sorted(found)]


def raw_items(ref: SubjectRef) -> list[dict[str, Any]]:
    """Every item the request matched, expired or not (erasure deletes those too)."""
    return [item for _, _, item in matched_items(ref)]


def _iso(epoch: Any) -> str | None:
    return clock.iso(datetime.fromtimestamp(int(epoch), tz=UTC)) if epoch is not None else None


def _collected_at(item: dict[str, Any]) -> str | None:
    return item.get("created_at") or item.get("at") or _iso(item.get("last_shown_at"))


def held(item: dict[str, Any], matched_by: str = "", subject: str = "") -> Held:
    data = {k: _iso(v) if k.endswith("_at") and isinstance(v, int) else v
            for k, v in survey_store.plain(item).items() if k not in _INTERNAL}
    kind = kind_of(item)
    return Held(store="surveys", kind=kind, item_id=str(item["pk"]).split("#", 1)[1],
                purpose=PURPOSES[kind], collected_at=_collected_at(item),
                expires_at=_iso(item.get(TTL)), data=data, restricted=bool(item.get("restricted")),
                matched_by=matched_by, subject=subject)


def _count(items: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[kind_of(item)] = counts.get(kind_of(item), 0) + 1
    return counts


def _update_each(items: list[dict[str, Any]], **update: Any) -> list[dict[str, Any]]:
    """Apply one update to each item still there; an item erased meanwhile is skipped."""
    done = []
    for item in items:
        try:
            _table().update_item(Key={"pk": item["pk"], "sk": item["sk"]},
                                 ConditionExpression="attribute_exists(pk)", **update)
            done.append(item)
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
    return done


def suppression_keys(ref: SubjectRef) -> list[dict[str, str]]:
    """The suppression entries a request names: one per subject key of its user id, one for its e-mail."""
    key = get_app_secrets().signing_key
    named = sorted(subject_keys(ref)) + ([survey_store.email_suppression_subject(ref.email)] if ref.email else [])
    return [survey_store.suppression_key(key, subject) for subject in named]


def get_suppression(ref: SubjectRef, now: datetime) -> dict[str, bool]:
    """Whether an objection or restriction is on file for the person (for the export)."""
    found = survey_store.get_items(suppression_keys(ref))
    live = [i for i in found.values() if survey_store.is_live(i, now)]
    return {"objected": any("objected_at" in i for i in live),
            "restricted": any("restricted_at" in i for i in live)}


def _suppress(ref: SubjectRef, attr: str, on: bool, now: datetime) -> int:
    keys = suppression_keys(ref)
    if not on:
        return len(_update_each([dict(k) for k in keys], UpdateExpression="REMOVE #a",
                                ExpressionAttributeNames={"#a": attr}))
    for key in keys:  # no `subject` attribute: an erasure never finds it, so it outlives it
        _table().update_item(
            Key=key, UpdateExpression="SET #a = :now, #ttl = :exp",
            ExpressionAttributeNames={"#a": attr, "#ttl": TTL},
            ExpressionAttributeValues={":now": int(now.timestamp()),
                                       ":exp": expires_in(now, get_settings().suppression_days)})
    return len(keys)


def rectification(changes: dict[str, Any]) -> dict[str, Any]:
    """The UpdateItem arguments that set (or, for None, remove) fields of a response's user."""
    names, values = {"#user": "user"}, {}
    sets, removes = [], []
    for i, (name, value) in enumerate(sorted(changes.items())):
        names[f"#f{i}"] = name
        if value is None:
            removes.append(f"#user.#f{i}")
        else:
            values[f":v{i}"] = value
            sets.append(f"#user.#f{i} = :v{i}")
    if "email" in changes:  # the `by_email` index follows the corrected address
        if changes["email"] is None:
            removes.append("email_lc")
        else:
            values[":lc"] = str(changes["email"]).strip().lower()
            sets.append("email_lc = :lc")
    expression = " ".join(part for part in (
        "SET " + ", ".join(sets) if sets else "", "REMOVE " + ", ".join(removes) if removes else "") if part)
    update: dict[str, Any] = {"UpdateExpression": expression, "ExpressionAttributeNames": names}
    if values:
        update["ExpressionAttributeValues"] = values
    return update


def put_opt_out_link(subject: str, link_id: str, now: datetime, expires: int,
                     suppression: dict[str, str]) -> bool:
    """An opt-out link's server side: which subject it is for, found and erased with them.

    Written once (a link id already there is kept as it is) and never for a subject that has
    objected (its suppression entry), in one transaction: an objection erases the item, and a
    later click must not bring the person back. False when nothing was written.
    """
    table = get_settings().feedback_table
    try:
        aws.dynamodb_client().transact_write_items(TransactItems=[
            {"Put": {"TableName": table, "ConditionExpression": "attribute_not_exists(pk)",
                     "Item": {"pk": f"OPTOUT#{link_id}", "sk": "OPTOUT", "subject": subject,
                              "created_at": clock.iso(now), TTL: expires}}},
            {"ConditionCheck": {"TableName": table, "Key": suppression,
                                "ConditionExpression": "attribute_not_exists(objected_at) OR #ttl < :now",
                                "ExpressionAttributeNames": {"#ttl": TTL},
                                "ExpressionAttributeValues": {":now": int(now.timestamp())}}},
        ])
    except survey_store.aws_transaction_cancelled():
        return False
    return True


def get_opt_out_link(link_id: str, now: datetime) -> dict[str, Any] | None:
    item = _table().get_item(Key={"pk": f"OPTOUT#{link_id}", "sk": "OPTOUT"}, ConsistentRead=True).get("Item")
    return survey_store.plain(item) if survey_store.is_live(item, now) else None


class SurveySubjects:
    name = "surveys"

    def find(self, ref: SubjectRef, now: datetime) -> list[Held]:
        live = [(by, subject, i) for by, subject, i in matched_items(ref) if survey_store.is_live(i, now)]
        return [held(i, by, subject) for by, subject, i in sorted(live, key=lambda m: (kind_of(m[2]), str(m[2]["pk"])))]

    def erase(self, ref: SubjectRef, now: datetime) -> dict[str, int]:
        items = raw_items(ref)
        with _table().batch_writer() as batch:
            for item in items:
                batch.delete_item(Key={"pk": item["pk"], "sk": item["sk"]})
        return _count(items)

    def rectify(self, ref: SubjectRef, changes: dict[str, Any], now: datetime) -> dict[str, int]:
        responses = [i for i in raw_items(ref) if kind_of(i) == "response" and survey_store.is_live(i, now)]
        return _count(_update_each(responses, **rectification(changes)))

    def restrict(self, ref: SubjectRef, restricted: bool, now: datetime) -> dict[str, int]:
        flaggable = [i for i in raw_items(ref) if kind_of(i) in ("response", "impression", "decline")]
        if restricted:
            done = _update_each(flaggable, UpdateExpression="SET restricted = :t",
                                ExpressionAttributeValues={":t": True})
        else:
            done = _update_each(flaggable, UpdateExpression="REMOVE restricted")
        _suppress(ref, "restricted_at", restricted, now)
        return _count(done)

    def object(self, ref: SubjectRef, now: datetime) -> dict[str, int]:
        responses = [i for i in raw_items(ref) if kind_of(i) == "response"]
        _update_each(responses, UpdateExpression="SET contact_ok = :f, objected = :t",
                     ExpressionAttributeValues={":f": False, ":t": True})
        return {"suppression": _suppress(ref, "objected_at", True, now)}


registry.register(SurveySubjects())


# --- retention: responses past their purpose become anonymous statistics ---------------------

def query_due_for_anonymising(month: str, before_iso: str) -> list[dict[str, str]]:
    """Keys of responses collected in `month` before `before_iso` and not yet anonymised.

    A Query on the sparse `by_collected_month` index: anonymising removes the item from it,
    so each run reads only what is still to do, never the whole table.
    """
    keys = _query(IndexName="by_collected_month",
                  KeyConditionExpression=Key("collected_month").eq(month) & Key("created_at").lt(before_iso))
    return [{"pk": k["pk"], "sk": k["sk"]} for k in keys]


def replace_with_anonymous(item: dict[str, Any], anonymous: dict[str, Any], anon_id: str) -> bool:
    """Delete the response and put its statistics under a new key, all or nothing.

    The new key breaks the link to the response id the banner once held. False when the
    response was erased or anonymised meanwhile.
    """
    table = get_settings().feedback_table
    new = {"pk": f"ANON#{anon_id}", "sk": "ANON", **{k: v for k, v in anonymous.items() if v is not None},
           TTL: item[TTL]}
    try:
        aws.dynamodb_client().transact_write_items(TransactItems=[
            {"Delete": {"TableName": table, "Key": {"pk": item["pk"], "sk": item["sk"]},
                        "ConditionExpression": "attribute_exists(collected_month)"}},
            {"Put": {"TableName": table, "Item": new, "ConditionExpression": "attribute_not_exists(pk)"}},
        ])
    except survey_store.aws_transaction_cancelled():
        return False
    return True
