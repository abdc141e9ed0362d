"""bench/cost.py's arithmetic on hand-computed examples (the prices are the dict's; the sums are ours)."""
from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from bench.cost import PRICES, email_deliveries, priced, usage
from bench.drive import Case
from bench.record import Call
from bench.units import DynamoUnits, Table, attribute_bytes, item_bytes

FEEDBACK = "FeedbackTable"
TABLES = {FEEDBACK: Table(keys=("pk", "sk"), indexes=(("subject", "pk"),))}


def test_priced_a_million_flows_hand_computed() -> None:
    used = Counter({"apigw": 4, "lambda_requests": 5, "lambda_gb_s": 0.1, "dynamodb_wru": 10})
    costs = priced(used, 1e6)
    # 4M × $3.50/M; 5M × $0.20/M; 100,000 GB-s × $0.0000166667; 10M × $0.7068/M
    assert costs == pytest.approx({"apigw": 14.0, "lambda_requests": 1.0, "lambda_gb_s": 1.66667,
                                   "dynamodb_wru": 7.068})


def test_prices_each_name_a_source_and_a_positive_price() -> None:
    for key, price in PRICES.items():
        assert price.usd > 0 and price.per > 0, key
        assert price.source.startswith("https://aws.amazon.com/"), key


@pytest.mark.parametrize(("value", "size"), [
    ({"S": "ab"}, 2), ({"S": "æ"}, 2), ({"N": "12"}, 2), ({"N": "123"}, 3), ({"N": "-0.50"}, 2),
    ({"BOOL": True}, 1), ({"NULL": True}, 1), ({"L": [{"S": "a"}, {"N": "1"}]}, 3 + 2 + 3),
    ({"M": {"k": {"S": "vv"}}}, 3 + 1 + 1 + 2), ({"SS": ["a", "bc"]}, 3),
])
def test_attribute_bytes_counts_as_dynamodb_documents(value: dict[str, Any], size: int) -> None:
    assert attribute_bytes(value) == size


def test_item_bytes_adds_names_and_values() -> None:
    assert item_bytes({"pk": "ab", "n": 12}) == 2 + 2 + 1 + 2


def dynamo(operation: str, params: dict[str, Any], response: dict[str, Any] | None = None) -> Call:
    return Call("dynamodb", operation, params, response or {}, 200)


def test_units_transaction_doubles_writes_and_indexes_add_one_each() -> None:
    big = {"pk": "p", "sk": "s", "subject": "x", "text": "a" * 1500}  # 1,512 bytes: 2 KB
    call = dynamo("TransactWriteItems", {"TransactItems": [
        {"Put": {"TableName": FEEDBACK, "Item": big}},
        {"ConditionCheck": {"TableName": FEEDBACK, "Key": {"pk": "q", "sk": "t"}}},
        {"Update": {"TableName": FEEDBACK, "Key": {"pk": "q", "sk": "u"}}}]})
    # Put: 2 KB × 2 + its one index 2 KB; ConditionCheck 2; Update of an unseen small item 1 × 2
    assert DynamoUnits(TABLES).units(call) == (0, 4 + 2 + 2 + 2)


def test_units_update_costs_the_size_of_the_item_seen_before() -> None:
    units = DynamoUnits(TABLES)
    read = dynamo("GetItem", {"TableName": FEEDBACK, "Key": {"pk": "p", "sk": "s"}},
                  {"Item": {"pk": {"S": "p"}, "sk": {"S": "s"}, "text": {"S": "a" * 5000}}})
    assert units.units(read) == (0.5 * 2, 0)  # 5 KB eventually consistent: two 4 KB units at half
    update = dynamo("UpdateItem", {"TableName": FEEDBACK, "Key": {"pk": "p", "sk": "s"}})
    assert units.units(update) == (0, 5)  # the 5,010-byte item: 5 KB, in no index


def test_units_query_rounds_the_page_not_each_item() -> None:
    items = [{"pk": {"S": "p"}, "sk": {"S": str(i)}, "t": {"S": "a" * 900}} for i in range(3)]
    call = dynamo("Query", {"TableName": FEEDBACK, "ConsistentRead": True}, {"Items": items})
    assert DynamoUnits(TABLES).units(call) == (1.0, 0)  # 2,718 bytes in one 4 KB unit, consistent


def test_usage_of_one_request_hand_computed() -> None:
    case = Case("score", "http", {}, [
        dynamo("GetItem", {"TableName": FEEDBACK, "Key": {"pk": "p", "sk": "s"}}),
        dynamo("PutItem", {"TableName": FEEDBACK, "Item": {"pk": "p", "sk": "t"}}),
        Call("ses", "SendEmail", {"Destination": {"ToAddresses": ["a@example.com", "b@example.com"]}}, {}, 200),
    ], log_bytes=700)
    used = usage([case], DynamoUnits(TABLES))
    assert used["apigw"] == 1 and used["lambda_requests"] == 1
    assert used["lambda_gb_s"] == pytest.approx((3 + 6 * 3) / 1000 * 0.5)  # 21 ms at 512 MB
    assert (used["dynamodb_rru"], used["dynamodb_wru"]) == (0.5, 1)
    assert used["ses_mail"] == 2
    assert used["logs_gb"] == pytest.approx((700 + 300) / 1e9)
    assert used["sqs"] == 0


def test_usage_of_a_workflow_adds_transitions_and_task_messages() -> None:
    task = Case("task: register", "handle_incident_tasks", {}, [])
    used = usage([task], DynamoUnits(TABLES), transitions=12, task_messages=11)
    assert used["sfn_transitions"] == 12
    assert used["sqs"] == 11 + 2  # Step Functions' sends, and this message's receive and delete
    assert used["apigw"] == 0


def test_email_deliveries_count_the_subscribers_a_topic_has_when_published() -> None:
    def sns(operation: str, topic: str) -> Call:
        return Call("sns", operation, {"TopicArn": topic}, {}, 200)

    calls = [sns("Subscribe", "room"), sns("Subscribe", "room"), sns("Publish", "room"), sns("Publish", "ops"),
             sns("Subscribe", "room"), sns("Publish", "room")]
    assert email_deliveries(calls) == 2 + 0 + 3  # ops' subscribers are set up outside the app
