"""95 % intervals that keep their coverage at small n and stay inside their scale (pure).

- a proportion: the Wilson score interval (statsmodels' `proportion_confint(method="wilson")`);
- NPS: the adjusted Wald interval of Rocks (2016, The American Statistician 70(4)): add 3/4 to
  the promoters, 3/4 to the detractors and 3 to n, then the trinomial variance
  Var = (p + d − (p − d)²) / ñ; clamped to [−1, 1] and widened to hold the sample NPS;
- a bounded mean (CES 1–7): an adjusted t interval. Half an answer is added at each end of the
  scale (the Agresti–Coull idea for a bounded mean), then Student's t with n − 1 degrees of
  freedom (scipy's `t.interval` on that sample), clamped to the scale and widened to hold the
  sample mean. Plain t undercovers skewed answers (90 % sevens: 78 % at n = 20) and has no width
  when every answer is the same; the adjusted one kept ≥ 93.7 % in a seeded simulation over
  eight answer distributions at n = 2 … 50 (tests/insight/test_intervals.py).
"""

from __future__ import annotations

import math
from functools import lru_cache
from statistics import NormalDist

LEVEL = 0.95
Z95 = NormalDist().inv_cdf(0.5 + LEVEL / 2)  # 1.959963984540054
END_WEIGHT = 0.5  # pseudo-answers added at each end of a scale for the mean's interval


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """Wilson score interval of a proportion, in [0, 1]; None when n is 0."""
    if n <= 0:
        return None
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low = 0.0 if successes == 0 else max(0.0, centre - half)  # exact ends, not rounding noise
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


def net_score_interval(promoters: int, detractors: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """Adjusted Wald interval of p − d (NPS as a fraction in [−1, 1]); None when n is 0."""
    if n <= 0:
        return None
    n_adj = n + 3
    p = (promoters + 0.75) / n_adj
    d = (detractors + 0.75) / n_adj
    centre = p - d
    half = z * math.sqrt(max(0.0, p + d - centre**2) / n_adj)
    sample = (promoters - detractors) / n
    low = max(-1.0, min(centre - half, sample))
    high = min(1.0, max(centre + half, sample))
    return low, high


def mean_interval(counts: dict[int, int], low_end: int, high_end: int) -> tuple[float, float] | None:
    """Adjusted t interval of the mean of answers on [low_end, high_end]; None when there are none."""
    n = sum(counts.values())
    if n <= 0:
        return None
    sample_mean = sum(s * c for s, c in counts.items()) / n
    augmented: dict[int, float] = dict(counts)
    for end in (low_end, high_end):
        augmented[end] = augmented.get(end, 0) + END_WEIGHT
    size = n + 2 * END_WEIGHT
    mean = sum(s * c for s, c in augmented.items()) / size
    var = sum(c * (s - mean) ** 2 for s, c in augmented.items()) / (size - 1)
    half = t_quantile(max(1, n - 1)) * math.sqrt(var / size)
    return max(float(low_end), min(mean - half, sample_mean)), min(float(high_end), max(mean + half, sample_mean))


@lru_cache(maxsize=256)
def t_quantile(df: int, level: float = LEVEL) -> float:
    """The two-sided Student t critical value (scipy's `t.ppf(0.5 + level / 2, df)`)."""
    tail = (1 - level) / 2
    low, high = 0.0, 1.0
    while _t_upper_tail(high, df) > tail:
        high *= 2
    for _ in range(200):  # bisection: the tail is monotone in t
        mid = (low + high) / 2
        if _t_upper_tail(mid, df) > tail:
            low = mid
        else:
            high = mid
        if high - low < 1e-12:
            break
    return (low + high) / 2


def _t_upper_tail(t: float, df: int) -> float:
    """P(T > t) for t ≥ 0: half the regularised incomplete beta I_x(df/2, 1/2), x = df/(df+t²)."""
    return 0.5 * _incomplete_beta(df / (df + t * t), df / 2, 0.5)


def _incomplete_beta(x: float, a: float, b: float) -> float:
    """Regularised incomplete beta I_x(a, b) by its continued fraction (Lentz)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    if x < (a + 1) / (a + b + 2):
        return math.exp(log_front) * _beta_fraction(x, a, b) / a
    return 1.0 - math.exp(log_front) * _beta_fraction(1 - x, b, a) / b


def _beta_fraction(x: float, a: float, b: float) -> float:
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 300):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= d * c
        if abs(d * c - 1.0) < 1e-15:
            break
    return result
