"""bench/growth.py's page formula, against DynamoDB's documented sizes and moto's paging."""
from __future__ import annotations

import pytest

from bench import growth


def test_item_bytes_count_names_and_values() -> None:
    # pk+ab = 4, n+12 = 3, m+x+yz = 4, b+true = 2
    assert growth.item_bytes({"pk": "ab", "n": 12, "m": {"x": "yz"}, "b": True}) == 13


def test_pages_are_a_megabyte_each_or_the_limit_and_at_least_one() -> None:
    assert growth.expected_pages([]) == 1
    big = [{"pk": "x" * 99_998}] * 25  # 100,000 bytes each: 2.5 MB
    assert growth.expected_pages(big) == 3
    assert growth.expected_pages(big, limit=10) == 3
    assert growth.expected_pages(big, limit=5) == 5


@pytest.mark.usefixtures("aws_stack")
def test_the_formula_gives_the_pages_moto_serves_for_a_persons_items() -> None:
    from boto3.dynamodb.conditions import Key

    from bench.served import put_straight
    from chalicelib import aws
    from chalicelib.config import get_settings
    from chalicelib.surveys.store import SUBJECT_INDEX, subject_key

    items = growth.person_items("ada", 700)
    put_straight(get_settings().feedback_table, items)
    pages = list(aws.pages("query", get_settings().feedback_table, IndexName=SUBJECT_INDEX,
                           KeyConditionExpression=Key("subject").eq(subject_key(growth.COMPANY, "ada"))))
    assert sum(p["Count"] for p in pages) == 700
    assert len(pages) == growth.expected_pages(items) == 2
