"""Intervals against references no one here wrote (statsmodels, scipy) and by simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as scipy_stats
from statsmodels.stats.proportion import proportion_confint

from chalicelib.insight import rules, stats

SEED = 20261130


@pytest.mark.parametrize("successes, n", [(0, 1), (1, 1), (1, 2), (3, 7), (8, 10), (0, 50), (49, 50), (500, 1000)])
def test_wilson_matches_statsmodels(successes: int, n: int) -> None:
    expected = proportion_confint(successes, n, alpha=0.05, method="wilson")
    assert stats.wilson(successes, n) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("df", [1, 2, 3, 4, 5, 9, 29, 30, 120, 10_000])
def test_t_quantile_matches_scipy(df: int) -> None:
    assert stats.t_quantile(df) == pytest.approx(scipy_stats.t.ppf(0.975, df), abs=1e-9)


@pytest.mark.parametrize(
    "answers",
    [[7, 6, 5, 4, 3], [1, 7], [2, 2, 3], [5] * 12 + [1], list(range(1, 8)) * 5],
)
def test_ces_mean_interval_is_scipys_t_interval_of_the_adjusted_sample(answers: list[int]) -> None:
    augmented = np.array(answers + [1, 7], dtype=float)
    weights = np.array([1.0] * len(answers) + [stats.END_WEIGHT] * 2)
    size = weights.sum()
    mean = float((augmented * weights).sum() / size)
    sd = math.sqrt(float((weights * (augmented - mean) ** 2).sum() / (size - 1)))
    low, high = scipy_stats.t.interval(0.95, len(answers) - 1, loc=mean, scale=sd / math.sqrt(size))
    sample_mean = sum(answers) / len(answers)
    expected = (max(1.0, min(low, sample_mean)), min(7.0, max(high, sample_mean)))
    counts: dict[int, int] = {}
    for a in answers:
        counts[a] = counts.get(a, 0) + 1
    assert stats.mean_interval(counts, 1, 7) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("n", [1, 2, 5])
def test_every_interval_has_width_and_stays_on_its_scale_at_small_n(n: int) -> None:
    rng = np.random.default_rng(SEED + n)
    for _ in range(200):
        nps_counts = _counts(rng.integers(0, 11, n))
        low, high = rules.nps(nps_counts)["ci95"]
        assert -100.0 <= low < high <= 100.0
        ces_counts = _counts(rng.integers(1, 8, n))
        low, high = rules.ces(ces_counts)["mean_ci95"]
        assert 1.0 <= low < high <= 7.0


NPS_TRUTHS = [(p, d) for p in (0.1, 0.3, 0.5, 0.7) for d in (0.1, 0.3, 0.5) if p + d <= 1.0]


@pytest.mark.parametrize("n", [2, 5, 10, 30])
def test_nps_interval_covers_95_percent_by_simulation(n: int) -> None:
    rng = np.random.default_rng(SEED)
    coverages = []
    for p, d in NPS_TRUTHS:
        draws = rng.multinomial(n, [p, d, 1 - p - d], size=1500)
        hits = 0
        for promoters, detractors, _ in draws:
            low, high = stats.net_score_interval(int(promoters), int(detractors), n)  # type: ignore[misc]
            hits += low <= p - d <= high
        coverages.append(hits / len(draws))
    assert np.mean(coverages) >= 0.94
    assert min(coverages) >= 0.88  # a discrete trinomial oscillates around its nominal level


CES_TRUTHS = {
    "uniform": [1, 1, 1, 1, 1, 1, 1],
    "mostly easy": [2, 3, 5, 10, 20, 30, 30],
    "split": [30, 5, 5, 10, 5, 5, 40],
    "middle": [0, 5, 20, 50, 20, 5, 0],
    "nine in ten sevens": [5, 0, 0, 0, 0, 5, 90],
}


@pytest.mark.parametrize("n", [2, 5, 10, 20])
def test_ces_mean_interval_covers_95_percent_by_simulation(n: int) -> None:
    rng = np.random.default_rng(SEED)
    for name, weights in CES_TRUTHS.items():
        probabilities = np.array(weights) / sum(weights)
        truth = float((np.arange(1, 8) * probabilities).sum())
        draws = rng.multinomial(n, probabilities, size=1500)
        hits = 0
        for row in draws:
            low, high = stats.mean_interval({i + 1: int(c) for i, c in enumerate(row) if c}, 1, 7)  # type: ignore[misc]
            hits += low <= truth <= high
        assert hits / len(draws) >= 0.93, name


def test_plain_z_mean_interval_would_undercover_at_n_2() -> None:
    # The failure this replaces: mean ± 1.96·s/√n covered about 70 % at n = 2.
    rng = np.random.default_rng(SEED)
    draws = rng.integers(1, 8, size=(4000, 2))
    means, sds = draws.mean(axis=1), draws.std(axis=1, ddof=1)
    half = 1.96 * sds / math.sqrt(2)
    assert ((means - half <= 4.0) & (4.0 <= means + half)).mean() < 0.8


def test_report_row_below_minimum_says_too_few_answers() -> None:
    items = [{"day": "2026-11-02", "n10": rules.MIN_REPORTED - 1}]
    (row,) = rules.summarise("nps", items, None)
    assert (row["count"], row["promoters"]) == (4, 4)
    assert (row["score"], row["ci95"], row["note"]) == (None, None, "too few answers")


def test_report_row_at_minimum_shows_its_score() -> None:
    items = [{"day": "2026-11-02", "n10": 5}]
    (row,) = rules.summarise("nps", items, None)
    assert (row["score"], row["note"]) == (100.0, None)


def _counts(values: np.ndarray) -> dict[int, int]:
    out: dict[int, int] = {}
    for v in values.tolist():
        out[int(v)] = out.get(int(v), 0) + 1
    return out
