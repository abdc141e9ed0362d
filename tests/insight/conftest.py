"""Insight fixtures: FeedbackTable's stream delivered to the handler through chalice's test client."""

from __future__ import annotations

from typing import Any

import pytest

from devstack.streams import StreamReader


class StreamPump:
    """Delivers what FeedbackTable's stream holds to handle_feedback_stream, as Lambda would."""

    def __init__(self, client: Any, stream_arn: str) -> None:
        self.client = client
        self.reader = StreamReader(stream_arn)
        self.delivered: list[dict[str, Any]] = []

    def pump(self) -> int:
        total = 0
        while records := self.reader.poll():
            self.client.lambda_.invoke("handle_feedback_stream", {"Records": records})
            self.delivered += records
            total += len(records)
        return total

    def redeliver(self, records: list[dict[str, Any]] | None = None) -> None:
        """Hand the same records over again (Lambda retries a failed batch whole)."""
        self.client.lambda_.invoke("handle_feedback_stream", {"Records": records or self.delivered})


@pytest.fixture
def stream(client: Any, aws_stack: dict[str, Any]) -> StreamPump:
    return StreamPump(client, aws_stack["FeedbackTable"]["StreamArn"])
