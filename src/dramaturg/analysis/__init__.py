"""Team-level psychometrics, validated against R's `psych` and `multilevel` packages.

Pure numpy/scipy, no Django. Every per-group statistic is computed for all groups in one
pass (see `groups`). `summarise` is the one entry point reports use; the other functions
are the building blocks, each documenting the R definition it reproduces.
"""

from dramaturg.analysis.aggregate import summarise
from dramaturg.analysis.baseline import (
    BEYOND_RANDOM,
    RandomGroupBaseline,
    random_group_baseline,
)
from dramaturg.analysis.change import (
    Change,
    change,
    change_from_summary,
    grouped_change,
    mean_interval,
)
from dramaturg.analysis.groups import encode
from dramaturg.analysis.multilevel import (
    complete_counts,
    group_mean_reliability,
    icc,
    icc1_ci,
    mean_item_variance,
    null_variance,
    rwg_j,
    rwg_j_lindell,
)
from dramaturg.analysis.reliability import (
    cronbach_alpha,
    grouped_alpha,
    item_rest_correlations,
    minres_loadings,
    omega_total,
)
from dramaturg.analysis.scoring import describe, keyed, option_counts, reverse_key, scale_scores
from dramaturg.analysis.suppression import hidden_mask, suppress, suppress_overlapping

__all__ = [
    "BEYOND_RANDOM",
    "Change",
    "RandomGroupBaseline",
    "change",
    "change_from_summary",
    "complete_counts",
    "cronbach_alpha",
    "describe",
    "encode",
    "group_mean_reliability",
    "grouped_alpha",
    "grouped_change",
    "hidden_mask",
    "icc",
    "icc1_ci",
    "item_rest_correlations",
    "keyed",
    "mean_interval",
    "mean_item_variance",
    "minres_loadings",
    "null_variance",
    "omega_total",
    "option_counts",
    "random_group_baseline",
    "reverse_key",
    "rwg_j",
    "rwg_j_lindell",
    "scale_scores",
    "summarise",
    "suppress",
    "suppress_overlapping",
]
