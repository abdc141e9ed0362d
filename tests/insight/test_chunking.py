"""Pure rules of the coalescing aggregator: cells and chunks (no AWS)."""
from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.insight.rules import Contribution, cell_deltas, chunk_contributions

contributions = st.builds(
    Contribution,
    kind=st.sampled_from(["response", "impression", "decline"]),
    metric=st.sampled_from(["nps", "csat"]),
    product=st.sampled_from(["acme", "beta", "x" * 60]),
    day=st.sampled_from(["2026-11-22", "2026-11-23"]),
    channel=st.sampled_from(["email", "in_app_web", "mobile"]),
    country=st.one_of(st.none(), st.sampled_from(["NO", "SE"])),
    locale=st.one_of(st.none(), st.sampled_from(["nb", "en", "sv"])),
    score=st.integers(0, 10),
)
batches = st.lists(contributions, max_size=250).map(lambda cs: [(f"id-{i}", c) for i, c in enumerate(cs)])


def _hand_count(sources: list[tuple[str, Contribution]]) -> Counter[tuple[object, ...]]:
    counts: Counter[tuple[object, ...]] = Counter()
    for _, c in sources:
        counter = f"n{c.score}" if c.kind == "response" else f"{c.kind}s"
        cells = [("all", "all"), ("channel", c.channel)]
        if c.kind == "response":
            cells += [("country", c.country or "unknown"), ("locale", c.locale or "unknown")]
        for dim, value in cells:
            counts[(c.metric, c.product, c.day, dim, value, counter)] += 1
    return counts


@settings(max_examples=60, deadline=None)
@given(batches, st.integers(5, 100), st.integers(600, 100_000))
def test_chunks_hold_every_source_once_within_the_limits_and_add_up(
    sources: list[tuple[str, Contribution]], max_items: int, max_bytes: int
) -> None:
    chunks = chunk_contributions(sources, max_items=max_items, max_bytes=max_bytes)
    assert sorted(s for chunk in chunks for s, _ in chunk) == sorted(s for s, _ in sources)
    total: Counter[tuple[object, ...]] = Counter()
    for chunk in chunks:
        cells = cell_deltas([c for _, c in chunk])
        assert len(chunk) + len(cells) <= max_items  # ledger items + one ADD per cell
        for cell, counters in cells.items():
            total.update({(*cell, counter): delta for counter, delta in counters.items()})
    assert total == _hand_count(sources)


def test_hundred_responses_on_one_day_take_two_transactions() -> None:
    sources = [(f"r{i}", Contribution("response", "nps", "acme", "2026-11-23", ("email", "in_app_web")[i % 2],
                                      "NO", "nb", i % 11)) for i in range(100)]
    chunks = chunk_contributions(sources)
    assert [len(c) for c in chunks] == [95, 5]  # 95 ledger items + 5 cells (all, 2 channels, NO, nb) = 100


def test_uncount_deltas_are_negative() -> None:
    c = Contribution("impression", "nps", "acme", "2026-11-23", "email")
    assert cell_deltas([c, c], sign=-1) == {("nps", "acme", "2026-11-23", "all", "all"): {"impressions": -2},
                                            ("nps", "acme", "2026-11-23", "channel", "email"): {"impressions": -2}}
