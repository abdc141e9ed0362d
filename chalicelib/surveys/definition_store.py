"""Survey storage of definitions (SurveysTable; no personal data, no TTL).

Found by GetItem or a Query on `by_product` / `by_kind` (the catalogue is small), never a Scan.
"""
from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Key

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.surveys.store import _dynamo, plain

PRODUCT_INDEX = "by_product"
KIND_INDEX = "by_kind"


def _surveys() -> Any:
    return aws.table(get_settings().surveys_table)


def put_survey(survey: dict[str, Any]) -> None:
    _surveys().put_item(Item=_dynamo({**survey, "kind": "survey"}))


def get_survey(survey_id: str) -> dict[str, Any] | None:
    item = _surveys().get_item(Key={"survey_id": survey_id}, ConsistentRead=True).get("Item")
    return _survey_from_item(item) if item else None


def query_surveys_by_product(product: str) -> list[dict[str, Any]]:
    return _query_all(IndexName=PRODUCT_INDEX, KeyConditionExpression=Key("product").eq(product))


def query_all_surveys() -> list[dict[str, Any]]:
    """Every survey definition, through the `kind` index: the catalogue is small."""
    return _query_all(IndexName=KIND_INDEX, KeyConditionExpression=Key("kind").eq("survey"))


def _survey_from_item(item: dict[str, Any]) -> dict[str, Any]:
    survey = plain(item)
    survey.pop("kind", None)
    return survey


def _query_all(**kwargs: Any) -> list[dict[str, Any]]:
    return [_survey_from_item(i) for i in aws.query_all(get_settings().surveys_table, **kwargs)]
