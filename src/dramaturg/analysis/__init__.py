"""Team-level psychometrics, validated against R's `psych` and `multilevel` packages.

Pure numpy/scipy, no Django. Every per-group statistic is computed for all groups in one
pass (see `groups`). `summarise` is the one entry point reports use; the other functions
are the building blocks, each documenting the R definition it reproduces.
"""

from dramaturg.analysis.aggregate import summarise
from dramaturg.analysis.change import Change, change, grouped_change
from dramaturg.analysis.groups import encode
from dramaturg.analysis.multilevel import group_mean_reliability, icc, null_variance, rwg_j
from dramaturg.analysis.reliability import (
    cronbach_alpha,
    grouped_alpha,
    minres_loadings,
    omega_total,
)
from dramaturg.analysis.scoring import describe, keyed, option_counts, reverse_key, scale_scores
from dramaturg.analysis.suppression import hidden_mask, suppress, suppress_overlapping

__all__ = [
    "Change",
    "change",
    "cronbach_alpha",
    "describe",
    "encode",
    "group_mean_reliability",
    "grouped_alpha",
    "grouped_change",
    "hidden_mask",
    "icc",
    "keyed",
    "minres_loadings",
    "null_variance",
    "omega_total",
    "option_counts",
    "reverse_key",
    "rwg_j",
    "scale_scores",
    "summarise",
    "suppress",
    "suppress_overlapping",
]
