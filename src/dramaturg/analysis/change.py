"""Change between two rounds: the difference of means with its Welch 95% confidence
interval, Cohen's d, and Hedges' g (d corrected for small samples) with its confidence
interval. The rounds are independent samples (answers are anonymous, so nobody can be
paired across rounds).

`beyond_noise` is the plain reading the pages need: the Welch interval of the difference
lies wholly above or below zero (True), or holds zero (False), or is undefined (None)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from dramaturg.analysis.groups import mean_var, n_groups_of


@dataclass(frozen=True)
class Change:
    difference: float  # mean(b) - mean(a)
    ci_low: float
    ci_high: float
    cohens_d: float
    n_a: int
    n_b: int
    hedges_g: float  # cohens_d * J, J the exact small-sample correction
    g_ci_low: float
    g_ci_high: float

    @property
    def beyond_noise(self) -> bool | None:
        """True when the Welch interval excludes zero, False when it holds zero, None when
        there is no interval (fewer than two scores in a round)."""
        if np.isnan(self.ci_low) or np.isnan(self.ci_high):
            return None
        return bool(self.ci_low > 0 or self.ci_high < 0)

    def as_dict(self) -> dict[str, float | int | bool | None]:
        out: dict[str, float | int | bool | None] = {
            k: None if isinstance(v, float) and np.isnan(v) else v for k, v in asdict(self).items()
        }
        out["beyond_noise"] = self.beyond_noise
        return out


def grouped_change(
    a: np.ndarray,
    a_codes: np.ndarray,
    b: np.ndarray,
    b_codes: np.ndarray,
    n_groups: int | None = None,
    level: float = 0.95,
) -> dict[str, np.ndarray]:
    """Per group (G,): the change from scores `a` (round 1) to `b` (round 2).

    * difference = mean(b) - mean(a);
    * the Welch confidence interval, as R's `t.test(b, a)$conf.int` (unequal variances,
      Welch-Satterthwaite degrees of freedom);
    * Cohen's d = difference / pooled SD, pooled SD = sqrt(((n_a - 1) var_a +
      (n_b - 1) var_b) / (n_a + n_b - 2));
    * Hedges' g = J d, with the exact small-sample correction (Hedges & Olkin 1985)
      J = Gamma(m / 2) / (sqrt(m / 2) Gamma((m - 1) / 2)), m = n_a + n_b - 2, and its
      confidence interval by inverting the noncentral t distribution of the pooled t
      statistic t = d / sqrt(1 / n_a + 1 / n_b) (df m): the noncentrality parameters whose
      t distribution puts t at the 1 - a/2 and a/2 quantiles, times sqrt(1 / n_a + 1 / n_b)
      and J, as R's `effectsize::hedges_g(b, a)`;
    * beyond_noise: the Welch interval excludes zero (1.0), holds it (0.0), or is NaN.

    Missing scores are dropped. The interval, d and g are NaN unless both rounds have two
    scores in the group (R's `sd` of one value is NA); the interval also when neither round
    varies (t.test stops there), d and g when the pooled SD is zero."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    a_codes, b_codes = np.asarray(a_codes), np.asarray(b_codes)
    g = n_groups
    if g is None:
        g = max(n_groups_of(a_codes, None), n_groups_of(b_codes, None))
    keep_a, keep_b = ~np.isnan(a), ~np.isnan(b)
    n_a, mean_a, var_a = mean_var(a[keep_a], a_codes[keep_a], g)
    n_b, mean_b, var_b = mean_var(b[keep_b], b_codes[keep_b], g)
    return _from_moments(n_a, mean_a, var_a, n_b, mean_b, var_b, level)


def _from_moments(
    n_a: np.ndarray,
    mean_a: np.ndarray,
    var_a: np.ndarray,
    n_b: np.ndarray,
    mean_b: np.ndarray,
    var_b: np.ndarray,
    level: float,
) -> dict[str, np.ndarray]:
    """The change per group from each round's n, mean and variance (see `grouped_change`)."""
    difference = mean_b - mean_a
    with np.errstate(invalid="ignore", divide="ignore"):
        se2_a, se2_b = var_a / n_a, var_b / n_b
        se = np.sqrt(se2_a + se2_b)
        df = (se2_a + se2_b) ** 2 / (se2_a**2 / (n_a - 1) + se2_b**2 / (n_b - 1))
        # Imported here: scipy costs seconds to import, and most callers never need it.
        from scipy.special import stdtrit  # Student's t quantile, as scipy.stats.t.ppf

        half = stdtrit(df, 0.5 + level / 2) * se
        # t.test stops with "data are essentially constant" below this standard error.
        constant = se < 10 * np.finfo(np.float64).eps * np.maximum(abs(mean_a), abs(mean_b))
        half[constant] = np.nan
        pooled = np.sqrt(((n_a - 1) * var_a + (n_b - 1) * var_b) / (n_a + n_b - 2))
        d = difference / pooled
    d[~(pooled > 0)] = np.nan
    g_value, g_low, g_high = _hedges_g(d, n_a, n_b, level)
    ci_low, ci_high = difference - half, difference + half
    beyond = np.where(np.isnan(half), np.nan, ((ci_low > 0) | (ci_high < 0)).astype(np.float64))
    return {
        "difference": difference,
        "ci_low": ci_low,
        "ci_high": ci_high,
        "cohens_d": d,
        "n_a": np.asarray(n_a).astype(np.int64),
        "n_b": np.asarray(n_b).astype(np.int64),
        "hedges_g": g_value,
        "g_ci_low": g_low,
        "g_ci_high": g_high,
        "beyond_noise": beyond,
    }


def _hedges_g(
    d: np.ndarray, n_a: np.ndarray, n_b: np.ndarray, level: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hedges' g and its interval from Cohen's d (see `grouped_change`), per group."""
    from scipy.special import gammaln  # imported late: scipy is slow to import

    df = n_a + n_b - 2
    scale = np.sqrt(1 / n_a + 1 / n_b)
    with np.errstate(invalid="ignore", divide="ignore"):
        correction = np.exp(gammaln(df / 2) - np.log(np.sqrt(df / 2)) - gammaln((df - 1) / 2))
        t = d / scale
    defined = ~np.isnan(d) & (df > 1)
    g, low, high = (np.full(d.shape, np.nan) for _ in range(3))
    if defined.any():
        m, t_obs = df[defined], t[defined]
        # The noncentrality whose distribution has t at its upper (lower) tail quantile.
        nc_low = _noncentrality(m, 0.5 + level / 2, t_obs)
        nc_high = _noncentrality(m, 0.5 - level / 2, t_obs)
        j, s = correction[defined], scale[defined]
        g[defined] = j * d[defined]
        low[defined] = j * nc_low * s
        high[defined] = j * nc_high * s
    return g, low, high


def _noncentrality(df: np.ndarray, p: float, t: np.ndarray) -> np.ndarray:
    """The noncentrality nc with P(T <= t) = p for T ~ noncentral t(df, nc), per entry.

    scipy's `nctdtrinc` finds it only to about 1e-7 in p (1e-6 in g for a large t), so it
    is the start of a few secant steps on the accurate cdf `nctdtr`, until p is met to
    1e-13 (what R's uniroot reaches in the golden file)."""
    from scipy.special import nctdtr, nctdtrinc

    x0 = np.asarray(nctdtrinc(df, p, t), dtype=np.float64)
    x1 = x0 + 1e-3
    f0, f1 = nctdtr(df, x0, t) - p, nctdtr(df, x1, t) - p
    for _ in range(30):
        with np.errstate(invalid="ignore", divide="ignore"):
            step = np.where(f1 != f0, f1 * (x1 - x0) / (f1 - f0), 0.0)
        x0, f0 = x1, f1
        x1 = x1 - step
        f1 = nctdtr(df, x1, t) - p
        if not np.any(np.abs(f1) > 1e-14):
            break
    return x1


def change(a: np.ndarray, b: np.ndarray, level: float = 0.95) -> Change:
    """The change from scores `a` to scores `b` (one group); see `grouped_change`."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    out = grouped_change(
        a, np.zeros(len(a), np.intp), b, np.zeros(len(b), np.intp), n_groups=1, level=level
    )
    return _one(out)


def _one(out: dict[str, np.ndarray]) -> Change:
    return Change(
        difference=float(out["difference"][0]),
        ci_low=float(out["ci_low"][0]),
        ci_high=float(out["ci_high"][0]),
        cohens_d=float(out["cohens_d"][0]),
        n_a=int(out["n_a"][0]),
        n_b=int(out["n_b"][0]),
        hedges_g=float(out["hedges_g"][0]),
        g_ci_low=float(out["g_ci_low"][0]),
        g_ci_high=float(out["g_ci_high"][0]),
    )


def change_from_summary(
    n_a: int,
    mean_a: float,
    sd_a: float,
    n_b: int,
    mean_b: float,
    sd_b: float,
    level: float = 0.95,
) -> Change:
    """The change from round a to round b from each round's n, mean and standard deviation
    (n - 1 in the denominator, as R's `sd`), by the same method as `change`: what a page
    that reads stored summaries, not answers, can compute. Equal to `change` on the raw
    scores up to the rounding of the summaries it is given."""

    def one(value: float) -> np.ndarray:
        return np.array([value], dtype=np.float64)

    moments = (one(n_a), one(mean_a), one(sd_a**2), one(n_b), one(mean_b), one(sd_b**2))
    return _one(_from_moments(*moments, level))


def mean_interval(n: int, mean: float, sd: float, level: float = 0.95) -> tuple[float, float]:
    """The t-based confidence interval of a mean from n, mean and sd (as R's
    `t.test(x)$conf.int`): mean -/+ t(1 - a/2; n - 1) sd / sqrt(n); NaN below two scores."""
    if n < 2 or not np.isfinite(sd):
        return math.nan, math.nan
    from scipy.special import stdtrit  # imported late: scipy is slow to import

    half = float(stdtrit(n - 1, 0.5 + level / 2)) * sd / math.sqrt(n)
    return mean - half, mean + half
