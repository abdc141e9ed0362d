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


def _item_size(item: dict[str, object]) -> int:
    """DynamoDB's item size: attribute names + values (strings UTF-8, numbers ≤ 21 bytes, booleans 1)."""
    def value(v: object) -> int:
        if isinstance(v, bool):
            return 1
        return 21 if isinstance(v, int) else len(str(v).encode())
    return sum(len(name.encode()) + value(v) for name, v in item.items())


def _worst_case_bytes(chunk: list[tuple[str, Contribution]]) -> int:
    """The chunk's items at their largest: each ledger item, each cell holding all 13 counters."""
    total = 0
    for source_id, c in chunk:
        ledger = {"pk": f"CONTRIB#{source_id}", "sk": "CONTRIB", "counted": True, "kind": c.kind, "metric": c.metric,
                  "product": c.product, "day": c.day, "channel": c.channel, "country": c.country or "",
                  "locale": c.locale or "", "score": 10, "cell_shard": 31}
        total += _item_size(ledger)
    for metric, product, day, dim, value in cell_deltas([c for _, c in chunk]):
        cell: dict[str, object] = {"pk": f"AGG#{metric}#{product}", "sk": f"{dim}#{day}#{value}#31", "dim": dim,
                                   "day": day, "value": value, "impressions": 10**20, "declines": 10**20}
        total += _item_size({**cell, **{f"n{s}": 10**20 for s in range(11)}})
    return total


@settings(max_examples=60, deadline=None)
@given(batches, st.integers(2_000, 60_000))
def test_chunks_stay_under_the_byte_limit_at_their_largest(
    sources: list[tuple[str, Contribution]], max_bytes: int
) -> None:
    for chunk in chunk_contributions(sources, max_bytes=max_bytes):
        assert len(chunk) == 1 or _worst_case_bytes(chunk) <= max_bytes


def test_hundred_responses_on_one_day_take_two_transactions() -> None:
    sources = [(f"r{i}", Contribution("response", "nps", "acme", "2026-11-23", ("email", "in_app_web")[i % 2],
                                      "NO", "nb", i % 11)) for i in range(100)]
    chunks = chunk_contributions(sources)
    assert [len(c) for c in chunks] == [95, 5]  # 95 ledger items + 5 cells (all, 2 channels, NO, nb) = 100


def test_uncount_deltas_are_negative() -> None:
    c = Contribution("impression", "nps", "acme", "2026-11-23", "email")
    assert cell_deltas([c, c], sign=-1) == {("nps", "acme", "2026-11-23", "all", "all"): {"impressions": -2},
                                            ("nps", "acme", "2026-11-23", "channel", "email"): {"impressions": -2}}


# Exact costs and chunks, computed by hand (each item: 600 bytes of overhead + 2 × its values' lengths).
DAY = "2026-11-30"


def _impression(product: str = "p") -> Contribution:
    return Contribution("impression", "nps", product, DAY, "web")


def test_a_source_costs_its_ledger_item_and_each_new_cell_in_bytes_and_items() -> None:
    from chalicelib.insight.rules import _cost

    all_cell, channel_cell = ("nps", "p", DAY, "all", "all"), ("nps", "p", DAY, "channel", "web")
    # ledger: "i1", "impression", "nps", "p", DAY, "web" = 29 chars → 658; all cell 20 → 640; channel 24 → 648
    assert _cost("i1", _impression(), set()) == ({all_cell, channel_cell}, 3, 658 + 640 + 648)
    assert _cost("i1", _impression(), {all_cell}) == ({channel_cell}, 2, 658 + 648)
    assert _cost("i1", _impression(), {all_cell, channel_cell}) == (set(), 1, 658)


def test_no_sources_make_no_chunk() -> None:
    assert chunk_contributions([]) == []


def test_a_chunk_fills_to_exactly_its_limits_and_the_next_starts_empty() -> None:
    a1, a2 = ("a1", _impression("p")), ("a2", _impression("p"))
    b1, b2 = ("b1", _impression("q")), ("b2", _impression("q"))
    # items: a1 3 + a2 1 = 4; b1 would make 7 → a new chunk, b1 3 + b2 1 = 4
    assert chunk_contributions([a1, a2, b1, b2], max_items=4) == [[a1, a2], [b1, b2]]
    # bytes: a1 1946 + a2 658 = 2604 exactly; the next chunk the same, counted from zero
    assert chunk_contributions([a1, a2, b1, b2], max_bytes=2604) == [[a1, a2], [b1, b2]]
    assert chunk_contributions([a1, a2, b1, b2], max_bytes=2603) == [[a1], [a2], [b1], [b2]]


def test_sources_sharing_cells_are_packed_together_whatever_their_order() -> None:
    s1, s2, s3, s4 = ("1", _impression("q")), ("2", _impression("p")), ("3", _impression("q")), ("4", _impression("p"))
    assert chunk_contributions([s1, s2, s3, s4], max_items=4) == [[s2, s4], [s1, s3]]


def test_a_missing_country_or_locale_sorts_before_any_value() -> None:
    def response(country: str | None, locale: str | None) -> Contribution:
        return Contribution("response", "nps", "p", DAY, "web", country, locale, 9)

    with_country, without = ("a", response("NO", "nb")), ("b", response(None, "nb"))
    assert chunk_contributions([with_country, without]) == [[without, with_country]]
    with_locale, without_locale = ("a", response("NO", "nb")), ("b", response("NO", None))
    assert chunk_contributions([with_locale, without_locale]) == [[without_locale, with_locale]]
