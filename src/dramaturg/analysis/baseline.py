"""The random-group baseline for agreement: does a team agree more than random teams of the
same size, drawn from the same pool of respondents, would?

`multilevel::rgr.agree` (Bliese 2000; Bliese & Halverson 2002) answers this by simulation:
it deals the respondents at random into groups of the real sizes, many times, and compares
the within-group variances of the real groups with those of the random ones. Here the same
question is answered without simulation, and so without a seed or Monte Carlo error:

* The statistic is S, the mean over the items of the within-group sample variance (for one
  item: the within-group variance that rgr.agree uses; r*wg(j) = 1 - S / ranvar).
* A random group is a sample of n respondents without replacement from the pool (the
  complete cases of every group together, as rgr.agree deals out everyone). S is then a
  U-statistic of degree 2 with kernel h(a, b) = ||x_a - x_b||^2 / (2J), the mean of h over
  the pairs in the group. Its mean and variance over all possible random groups follow
  exactly from four sums over the pool (see `RandomGroupBaseline.from_pool`): the mean is
  the pool's own mean item variance (with n - 1 in the denominator), for any n; the variance
  is E[S^2] - mean^2 with

      E[S^2] = (theta2 + 2 (n - 2) theta1 + C(n - 2, 2) theta0) / C(n, 2),

  theta2, theta1 and theta0 the means of h_ab^2, h_ab h_ac and h_ab h_cd over distinct
  a, b, c, d of the pool. This is exact for any pool, discrete answers included.
* The shape of the distribution is taken as a gamma distribution with that exact mean and
  variance (for normal answers S is exactly a scaled chi-square, i.e. gamma; the classical
  Satterthwaite approach). `share_at_most` is then the share of random groups of the same
  size whose S is at most the team's: the smaller, the more the team agrees beyond what
  random teams show. A team is "beyond random" below 0.05 (rgr.agree's one-tailed 5%).

Checked against R (`tests/golden/analysis/random_groups.json`, made by
`scripts/golden/analysis_golden.R`): the exact mean and SD agree with rgr.agree's simulated
ones within their Monte Carlo error, and the gamma quantiles with R's simulated quantiles
within 0.02 on the probability scale at the 1-10% tail (see `docs/analysis-reference.md`).

Cost: two passes over the pool (N x J) and one J x J product. For the benchmark's
400,000 students x 10 items it takes about 0.03 s; for a school it is well under a
millisecond, so a page build in the background can use it freely.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dramaturg.analysis.groups import complete_cases, take_rows

# A team is read as agreeing beyond random when fewer than this share of random teams of
# its size agree at least as well (one-tailed 5%, as rgr.agree's lower confidence limit).
BEYOND_RANDOM = 0.05


@dataclass(frozen=True)
class RandomGroupBaseline:
    """The distribution of S (the mean item variance within a group) over random groups
    drawn without replacement from one pool. Build it with `from_pool`."""

    n_pool: int  # complete cases in the pool
    n_items: int
    mean: float  # E[S] for a random group of any size: the pool's mean item variance
    theta2: float  # mean of h_ab^2 over pairs a != b
    theta1: float  # mean of h_ab h_ac over distinct a, b, c
    theta0: float  # mean of h_ab h_cd over distinct a, b, c, d

    @classmethod
    def from_pool(cls, items: np.ndarray) -> RandomGroupBaseline:
        """The baseline of the complete cases among `items` (n x J keyed answers)."""
        x = np.asarray(items, dtype=np.float64)
        x = take_rows(x, complete_cases(x))
        n, j = x.shape
        if n < 2 or j < 1:
            return cls(n, j, float("nan"), float("nan"), float("nan"), float("nan"))
        # h is translation invariant: centring keeps the sums below small and exact.
        x = x - x.mean(axis=0)
        q = np.einsum("ij,ij->i", x, x)  # ||x_a||^2
        total_q, sum_q2 = float(q.sum()), float(q @ q)
        cross = x.T @ x
        frobenius = float(np.sum(cross * cross))  # sum over a, b of (x_a . x_b)^2
        # With centred x, 2J h_ab = q_a + q_b - 2 x_a.x_b and sum_b x_b = 0, so:
        four_j2 = 4.0 * j * j
        h_sum = n * total_q / j  # sum over ordered pairs of h_ab
        h2_sum = (2 * n * sum_q2 + 2 * total_q**2 + 4 * frobenius) / four_j2
        row_sq = (n * n * sum_q2 + 3 * n * total_q**2) / four_j2  # sum_a (sum_b h_ab)^2
        triples = row_sq - h2_sum  # ordered a, b, c distinct: h_ab h_ac
        quads = h_sum**2 - 4 * triples - 2 * h2_sum  # ordered pairs (a, b), (c, d) disjoint
        pairs = n * (n - 1)
        return cls(
            n_pool=n,
            n_items=j,
            mean=h_sum / pairs,
            theta2=h2_sum / pairs,
            theta1=triples / (pairs * (n - 2)) if n > 2 else 0.0,
            theta0=quads / (pairs * (n - 2) * (n - 3)) if n > 3 else 0.0,
        )

    def variance(self, size: np.ndarray | int) -> np.ndarray:
        """The exact variance of S over random groups of `size` (array-like), NaN for a
        size below 2 or above the pool, 0 for the whole pool."""
        n = np.asarray(size, dtype=np.float64)
        pairs = n * (n - 1) / 2
        with np.errstate(invalid="ignore", divide="ignore"):
            second = (
                self.theta2 + 2 * (n - 2) * self.theta1 + (n - 2) * (n - 3) / 2 * self.theta0
            ) / pairs
            var = np.maximum(second - self.mean**2, 0.0)
        var = np.where((n < 2) | (n > self.n_pool), np.nan, var)
        # The whole pool has one S, exactly the mean; rounding would leave a trace.
        return np.where(n == self.n_pool, 0.0, var)

    def sd(self, size: np.ndarray | int) -> np.ndarray:
        """The exact standard deviation of S over random groups of `size`."""
        return np.sqrt(self.variance(size))

    def _gamma(self, size: np.ndarray | int) -> tuple[np.ndarray, np.ndarray]:
        # Shape and scale of the gamma distribution with the exact mean and variance; NaN
        # where the distribution is degenerate (no spread), so nothing is read from it.
        var = self.variance(size)
        with np.errstate(invalid="ignore", divide="ignore"):
            shape = np.where(var > 0, self.mean**2 / var, np.nan)
            scale = np.where(var > 0, var / self.mean, np.nan)
        return shape, scale

    def share_at_most(self, variance: np.ndarray | float, size: np.ndarray | int) -> np.ndarray:
        """Per group: the share of random groups of `size` whose S is at most `variance`
        (the group's own S), i.e. that agree at least as well. NaN where undefined (a
        group of fewer than two, a group as large as the pool, or a pool without spread)."""
        from scipy.special import gammainc  # imported late: scipy is slow to import

        shape, scale = self._gamma(size)
        s = np.asarray(variance, dtype=np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(gammainc(shape, np.maximum(s, 0.0) / scale))

    def quantile(self, share: float, size: np.ndarray | int) -> np.ndarray:
        """The S that a share `share` of random groups of `size` stay at or below."""
        from scipy.special import gammaincinv

        shape, scale = self._gamma(size)
        with np.errstate(invalid="ignore"):
            return np.asarray(gammaincinv(shape, share) * scale)

    def rwg_j_lindell_reached_by(
        self, share: float, size: np.ndarray | int, options: int
    ) -> np.ndarray:
        """The r*wg(j) that only `share` of random groups of `size` reach or exceed: a team
        above it agrees beyond random at that level (r*wg(j) = 1 - S / ranvar falls as S
        rises)."""
        return 1 - self.quantile(share, size) / ((options * options - 1) / 12)


def random_group_baseline(items: np.ndarray) -> RandomGroupBaseline:
    """The random-group baseline of a pool of answers (n x J, keyed, NaN for missing: the
    complete cases form the pool); see `RandomGroupBaseline`."""
    return RandomGroupBaseline.from_pool(items)
