"""EMF metrics the stream handler emits (Powertools Metrics)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib.insight import aggregator
from chalicelib.insight.rules import Contribution
from chalicelib.obs import metrics


@pytest.fixture
def clean_metrics() -> Iterator[None]:
    metrics.namespace = "trustloop"  # read from the environment once, at import
    metrics.clear_metrics()
    yield
    metrics.clear_metrics()


def _emitted() -> dict[str, float]:
    blob = metrics.serialize_metric_set()
    names = [m["Name"] for m in blob["_aws"]["CloudWatchMetrics"][0]["Metrics"]]
    return {n: sum(blob[n]) if isinstance(blob[n], list) else blob[n] for n in names}


def test_detractor_emits_response_and_nps_counters(clean_metrics: None) -> None:
    aggregator.emit_metrics([Contribution("response", "nps", "acme", "2026-11-23", "email", "NO", "en", 3)])
    emitted = _emitted()
    assert emitted["Responses"] == 1 and emitted["NpsAnswers"] == 1
    assert (emitted["NpsDetractors"], emitted["NpsPromoters"]) == (1, 0)


def test_decline_emits_declines(clean_metrics: None) -> None:
    aggregator.emit_metrics([Contribution("decline", "nps", "acme", "2026-11-23", "email")])
    assert _emitted() == {"Declines": 1}


def test_batch_emits_one_value_per_counter(clean_metrics: None) -> None:
    counted = [Contribution("response", "nps", "acme", "2026-11-23", "email", "NO", "en", s) for s in (10, 9, 3)]
    aggregator.emit_metrics([*counted, Contribution("impression", "nps", "acme", "2026-11-23", "email")])
    blob = metrics.serialize_metric_set()
    assert [blob[n] for n in ("Responses", "NpsPromoters", "NpsDetractors", "Impressions")] == [[3], [2], [1], [1]]
