"""The random-group baseline for agreement: does a team agree more than random teams of the
same size, drawn from the same pool of respondents, would?

`multilevel::rgr.agree` (Bliese 2000; Bliese & Halverson 2002) answers this by simulation:
it deals the respondents at random into groups of the real sizes, many times, and compares
the within-group variances of the real groups with those of the random ones. Here:

* The statistic is S, the mean over the items of the within-group sample variance (for one
  item: the within-group variance that rgr.agree uses; r*wg(j) = 1 - S / ranvar).
* A random group is a sample of n respondents without replacement from the pool (the
  complete cases of every group together, as rgr.agree deals out everyone).
* **Mean and SD, exact.** S is a U-statistic of degree 2 with kernel
  h(a, b) = ||x_a - x_b||^2 / (2J), the mean of h over the pairs in the group, so its mean
  and variance over all possible random groups follow exactly from four sums over the pool
  (`RandomGroupBaseline.from_pool`): the mean is the pool's own mean item variance (n - 1
  in the denominator) for any n; the variance is E[S^2] - mean^2 with

      E[S^2] = (theta2 + 2 (n - 2) theta1 + C(n - 2, 2) theta0) / C(n, 2),

  theta2, theta1 and theta0 the means of h_ab^2, h_ab h_ac and h_ab h_cd over distinct
  a, b, c, d of the pool. These are rgr.agree's AvRGRVar and SDRGRVar without Monte Carlo
  error, and give its z-value.
* **The share of random groups that agree at least as well, simulated with a fixed seed.**
  A gamma shape fitted to the exact mean and variance was tried first and rejected: on
  discrete, skewed answers (one-factor data cut into 3-5 options, teams of 6) it misplaces
  the lower tail, so that 2% to 12% of random teams, not 5%, fell below its 5% point.
  Instead, `SIMULATED_GROUPS` (4,000) random groups of each size are drawn as rgr.agree
  does (consecutive slices of random permutations of the pool; numpy's PCG64 seeded with
  `SEED` and the size), and `share_at_most` counts those whose S is at most the team's
  (ties count as agreeing as well, which errs towards "not beyond random"). The same
  answers always give the same shares. The Monte Carlo error of a share p is
  sqrt(p (1 - p) / 4000): 0.0034 at
  p = 0.05. A team is "beyond random" when the share is below `BEYOND_RANDOM` (0.05,
  rgr.agree's one-tailed 5%). Groups larger than `SIMULATE_UP_TO` (50) use the gamma fit
  instead: S then averages over more than 1,200 pairs and is close to it
  (`tests/test_analysis_units.py` compares the two at n = 60), and simulating them would
  cost 4,000 x n x J values.

Checked against R (`tests/golden/analysis/random_groups.json`, made by
`scripts/golden/analysis_golden.R`): the exact mean and SD agree with rgr.agree's simulated
ones within their Monte Carlo error, the simulated shares with R's simulated quantiles
within the error of both simulations (see `docs/analysis-reference.md`).

Cost: the exact moments take two passes over the pool (N x J) and one J x J product; the
simulation about 4,000 x n x J values per distinct group size, plus a permutation of the
pool per 4,000 n respondents. Measured on the shared 2-core machine (best of 5): a school
(60 staff in 8 teams of 5-10, 8 items) 8 ms; 400,000 students in 16,000 classes (10 items,
16 distinct sizes) 0.3-0.4 s. A page build in the background can use it freely (for
`summarise` as a whole see docs/benchmarks.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dramaturg.analysis.groups import complete_cases, take_rows

# A team is read as agreeing beyond random when fewer than this share of random teams of
# its size agree at least as well (one-tailed 5%, as rgr.agree's lower confidence limit).
BEYOND_RANDOM = 0.05
# Random groups drawn per group size, and the seed that makes them the same every time.
SIMULATED_GROUPS = 4000
SEED = 20260513
# Larger groups average over so many pairs (1,275 at 51) that S is close to the gamma
# distribution with its exact mean and variance, which then replaces the simulation (whose
# cost grows with the size: 4,000 x n x items values).
SIMULATE_UP_TO = 50


@dataclass(frozen=True, eq=False)
class RandomGroupBaseline:
    """The distribution of S (the mean item variance within a group) over random groups
    drawn without replacement from one pool. Build it with `from_pool`."""

    n_pool: int  # complete cases in the pool
    n_items: int
    mean: float  # E[S] for a random group of any size: the pool's mean item variance
    theta2: float  # mean of h_ab^2 over pairs a != b
    theta1: float  # mean of h_ab h_ac over distinct a, b, c
    theta0: float  # mean of h_ab h_cd over distinct a, b, c, d
    pool: np.ndarray = field(repr=False)  # the complete cases, centred (n_pool x n_items)
    # Sorted simulated S per group size, filled on first use.
    _simulated: dict[int, np.ndarray] = field(default_factory=dict, repr=False)

    @property
    def _norms(self) -> np.ndarray:
        # ||x_a||^2 of the centred pool, computed once (a frozen dataclass: kept in the cache).
        if -1 not in self._simulated:
            self._simulated[-1] = np.einsum("ij,ij->i", self.pool, self.pool)
        return self._simulated[-1]

    @classmethod
    def from_pool(cls, items: np.ndarray) -> RandomGroupBaseline:
        """The baseline of the complete cases among `items` (n x J keyed answers)."""
        x = np.asarray(items, dtype=np.float64)
        x = take_rows(x, complete_cases(x))
        n, j = x.shape
        if n < 2 or j < 1:
            nan = float("nan")
            return cls(n, j, nan, nan, nan, nan, pool=x)
        # h is translation invariant: centring keeps the sums below small and exact.
        x = np.ascontiguousarray(x - x.mean(axis=0))
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
            pool=x,
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

    def simulated(self, size: int) -> np.ndarray:
        """S of `SIMULATED_GROUPS` random groups of `size`, sorted (empty when the size is
        below 2 or above the pool)."""
        size = int(size)
        if size < 2 or size > self.n_pool:
            return np.empty(0)
        if size not in self._simulated:
            per_permutation = self.n_pool // size
            needed = -(-SIMULATED_GROUPS // per_permutation)  # ceiling division
            # A generator per size: the result never depends on which sizes came before.
            rng = np.random.default_rng([SEED, size])
            if needed == 1:
                permutations = rng.permutation(self.n_pool)[np.newaxis]
            else:
                permutations = rng.permuted(np.tile(np.arange(self.n_pool), (needed, 1)), axis=1)
            # Each permutation dealt into consecutive groups, as rgr.agree's ran.group.
            index = permutations[:, : per_permutation * size].reshape(-1, size)
            index = index[:SIMULATED_GROUPS]
            # S from sums, without a (groups x size x items) array of deviations:
            # sum_j var_j = (sum_i ||x_i||^2 - ||sum_i x_i||^2 / n) / (n - 1).
            totals = self.pool[index].sum(axis=1)  # (groups, items)
            squares = self._norms[index].sum(axis=1)
            spread = squares - np.einsum("ij,ij->i", totals, totals) / size
            self._simulated[size] = np.sort(spread / ((size - 1) * self.n_items))
        return self._simulated[size]

    def share_at_most(self, variance: np.ndarray | float, size: np.ndarray | int) -> np.ndarray:
        """Per group: the share of random groups of `size` whose S is at most `variance`
        (the group's own S), i.e. that agree at least as well. NaN where undefined (no S, a
        group of fewer than two, a group as large as the pool, or a pool without spread)."""
        s, n = np.broadcast_arrays(
            np.asarray(variance, dtype=np.float64), np.asarray(size, dtype=np.int64)
        )
        out = np.full(s.shape, np.nan)
        if not self.mean > 0:
            return out
        usable = ~np.isnan(s) & (n >= 2) & (n < self.n_pool)
        large = usable & (n > SIMULATE_UP_TO)
        if large.any():
            out[large] = self.gamma_share_at_most(s[large], n[large])
        for value in np.unique(n[usable & ~large]):
            at = usable & (n == value)
            simulated = self.simulated(int(value))
            # Rounding can make a tie a hair apart: count S within 1e-12 as equal.
            count = np.searchsorted(simulated, s[at] + 1e-12, side="right")
            out[at] = count / len(simulated)
        return out

    def quantile(self, share: float, size: np.ndarray | int) -> np.ndarray:
        """The S that a share `share` of random groups of `size` stay at or below (of the
        simulated groups, interpolated as R's default `quantile`, type 7; from the gamma
        fit above `SIMULATE_UP_TO`)."""
        n = np.asarray(size, dtype=np.int64)
        out = np.full(n.shape, np.nan)
        if not self.mean > 0:
            return out
        for value in np.unique(n[(n >= 2) & (n < self.n_pool)]).tolist():
            at = n == value
            if value > SIMULATE_UP_TO:
                out[at] = self.gamma_quantile(share, value)
            else:
                out[at] = np.quantile(self.simulated(value), share)
        return out

    def _gamma(self, size: np.ndarray | int) -> tuple[np.ndarray, np.ndarray]:
        # Shape and scale of the gamma distribution with the exact mean and variance; NaN
        # where it is degenerate (no spread), so nothing is read from it.
        var = self.variance(size)
        with np.errstate(invalid="ignore", divide="ignore"):
            shape = np.where(var > 0, self.mean**2 / var, np.nan)
            scale = np.where(var > 0, var / self.mean, np.nan)
        return shape, scale

    def gamma_share_at_most(
        self, variance: np.ndarray | float, size: np.ndarray | int
    ) -> np.ndarray:
        """`share_at_most` from the gamma distribution with the exact mean and variance
        (used above `SIMULATE_UP_TO`; too light in the lower tail for small groups)."""
        from scipy.special import gammainc  # imported late: scipy is slow to import

        shape, scale = self._gamma(size)
        s = np.maximum(np.asarray(variance, dtype=np.float64), 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(gammainc(shape, s / scale))

    def gamma_quantile(self, share: float, size: np.ndarray | int) -> np.ndarray:
        """`quantile` from the gamma distribution with the exact mean and variance."""
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
