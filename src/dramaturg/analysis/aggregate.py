"""The one aggregation every report uses: a scale's figures for everyone and per group,
with every group below the anonymity threshold suppressed.

`summarise` returns plain JSON-ready data (dicts, lists, str, int, float, None):

    {"n", "n_groups", "items", "options",
     "scale": {"mean", "sd", "alpha", "omega_total", "distribution",
               "n_complete", "item_rest", "negative_item_rest"},
     "icc1", "icc2", "icc1_ci",
     "groups": [{"group", "n", "suppressed": false, "mean", "sd", "rwg_j", "alpha",
                 "reliability", "n_complete", "rwg_j_lindell", "random_share",
                 "beyond_random", "rwg_j_lindell_random95"},
                {"group", "n", "suppressed": true}, ...]}

What each added key means (definitions and references in docs/analysis.md):

* scale.n_complete: respondents with every item answered, the n that alpha, omega and the
  item-rest correlations rest on (n counts everyone with a scale score).
* scale.item_rest: per item name, the corrected item-total correlation (psych's r.drop);
  scale.negative_item_rest: the items whose item-rest correlation is below zero, in item
  order (a keying error that omega cannot reveal).
* icc1_ci: [low, high], the F-based 95% interval of ICC(1) (`multilevel.icc1_ci`), or None.
* group n_complete: the group's complete cases, the n of its rwg(j), r*wg(j) and alpha.
* group reliability: the reliability of the group's mean, ICC(2) by Spearman-Brown from
  the round's ICC(1) with the group's own n (`multilevel.group_mean_reliability`).
* group rwg_j_lindell: Lindell's r*wg(j) (no Spearman-Brown step, not truncated).
* group random_share: the share of random groups of the same size (its n_complete), drawn
  from all grouped complete cases of this call, that agree at least as well
  (`baseline.RandomGroupBaseline`); beyond_random: random_share < 0.05 (None where
  random_share is); rwg_j_lindell_random95: the r*wg(j) that only 5% of such random
  groups reach.

A suppressed group carries its label and size only, never a statistic. Suppression follows
`suppression.hidden_mask` on the number of scored respondents per group (as the survey
pages do), so the shown groups never let "everyone minus the shown groups" describe fewer
than `threshold` people. If fewer than `threshold` respondents have a score at all, the
scale itself is suppressed: `"scale": {"suppressed": true}`, and ICCs are None.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from dramaturg.analysis.baseline import BEYOND_RANDOM, random_group_baseline
from dramaturg.analysis.groups import complete_cases, encode, group_order, take_rows
from dramaturg.analysis.multilevel import (
    complete_counts,
    group_mean_reliability,
    icc,
    icc1_ci,
    mean_item_variance,
    null_variance,
)
from dramaturg.analysis.reliability import (
    cronbach_alpha,
    grouped_alpha,
    item_rest_correlations,
    omega_total,
)
from dramaturg.analysis.scoring import describe, keyed, option_counts, scale_scores
from dramaturg.analysis.suppression import hidden_mask


def _json(values: np.ndarray) -> list[Any]:
    # tolist() converts to Python floats in C; NaN becomes None since JSON has no NaN.
    return [None if v != v else v for v in values.tolist()]


def _number(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _reverse_mask(reverse: Sequence[str] | Sequence[bool] | np.ndarray, names: list[str]):
    mask = np.asarray(reverse)
    if mask.dtype == bool:
        if mask.shape != (len(names),):
            raise ValueError("the reverse mask needs one entry per item")
        return mask
    unknown = sorted(set(reverse) - set(names))
    if unknown:
        raise ValueError(f"reverse keyed items are not among the items: {', '.join(unknown)}")
    return np.isin(np.array(names, dtype=object), list(reverse))


def _check_answers(x: np.ndarray, options: int) -> None:
    # Missing answers are replaced by a valid one, which is cheaper than selecting the rest.
    filled = np.where(np.isnan(x), 1.0, x)
    if not np.array_equal(filled, np.floor(filled)):
        raise ValueError("answers must be whole numbers")
    if filled.size and (filled.min() < 1 or filled.max() > options):
        raise ValueError(f"answers must lie between 1 and {options}")


def summarise(
    items: np.ndarray,
    group_labels: Sequence[str] | np.ndarray | None = None,
    *,
    item_names: Sequence[str] | None = None,
    options: int | None = None,
    reverse: Sequence[str] | Sequence[bool] | np.ndarray = (),
    min_items: int | None = None,
    threshold: int = 5,
    hidden_groups: Sequence[Any] = (),
) -> dict[str, Any]:
    """Everything a report shows about one scale.

    items: answers (n x k) on a 1..options scale, NaN for missing.
    group_labels: one label per row (str, or int for speed; shown as str), or None for no
        groups; rows labelled "" belong to no group (they count for the scale, not for
        groups or ICCs).
    item_names: k names (default "item1".."itemk"); reverse: names (or a bool mask) of the
        items to reverse key; options: default the largest answer seen; min_items: answered
        items needed for a scale score (default all); threshold: the anonymity threshold;
        hidden_groups: labels of groups hidden anyway (for reasons decided elsewhere, see
        `suppression.suppress_overlapping`), which the complement rule then counts in.

    Mean, SD, ICCs and group means use the respondents with a scale score; alpha, omega
    and rwg(j) the complete cases. Raises ValueError for answers that are not whole numbers
    in 1..options, unknown reverse items or a min_items outside 1..k."""
    raw = np.asarray(items, dtype=np.float64)
    if raw.ndim != 2:
        raise ValueError("items must be a two-dimensional array (respondents x items)")
    k = raw.shape[1]
    names = [f"item{j + 1}" for j in range(k)] if item_names is None else list(item_names)
    if len(names) != k:
        raise ValueError("item_names needs one name per item column")
    if min_items is not None and not 1 <= min_items <= k:
        raise ValueError(f"min_items must lie between 1 and the number of items ({k})")
    if options is None:
        options = int(np.nanmax(raw)) if np.any(~np.isnan(raw)) else 1
    _check_answers(raw, options)
    x = keyed(raw, _reverse_mask(reverse, names), options)
    scores = scale_scores(x, None, options, min_items)
    n_total, mean, sd = (v[0] for v in describe(scores))
    suppressed_scale = n_total < threshold

    result: dict[str, Any] = {
        "n": int(n_total),
        "n_groups": 0,
        "items": names,
        "options": options,
        "scale": {"suppressed": True},
        "icc1": None,
        "icc2": None,
        "icc1_ci": None,
        "groups": [],
    }
    if not suppressed_scale:
        counts = option_counts(raw, options)
        item_rest = _json(item_rest_correlations(x))
        result["scale"] = {
            "mean": _number(mean),
            "sd": _number(sd),
            "alpha": _number(cronbach_alpha(x)),
            "omega_total": _number(omega_total(x)),
            "distribution": {name: counts[j].tolist() for j, name in enumerate(names)},
            "n_complete": int(np.count_nonzero(complete_cases(x))),
            "item_rest": dict(zip(names, item_rest, strict=True)),
            "negative_item_rest": [
                name for name, r in zip(names, item_rest, strict=True) if r is not None and r < 0
            ],
        }
    if group_labels is None:
        return result

    labels = np.asarray(group_labels)
    if labels.shape != (len(raw),):
        raise ValueError("group_labels needs one label per row")
    if labels.dtype.kind not in "iu":  # integer labels (fast to encode) are never empty
        labels = labels.astype(str)
        in_group = labels != ""
        labels, x, scores = labels[in_group], take_rows(x, in_group), scores[in_group]
    codes, group_names = encode(labels)
    g = len(group_names)
    # Sorted by group once here, every group-by below is a plain np.add.reduceat.
    order = group_order(codes, g)
    codes, x, scores = codes[order], take_rows(x, order), scores[order]
    n, means, sds = describe(scores, codes, g)
    # Labels are compared as shown (str), as `encode` names the groups.
    anyway = {str(label) for label in hidden_groups}
    hidden_anyway = np.array([name in anyway for name in group_names], dtype=bool)
    hidden = hidden_mask(n, threshold, hidden_anyway) | suppressed_scale
    icc1, icc2 = icc(scores, codes, g)
    if not suppressed_scale:
        result["icc1"], result["icc2"] = _number(icc1), _number(icc2)
        low, high = icc1_ci(scores, codes, g)
        result["icc1_ci"] = None if np.isnan(low) else [float(low), float(high)]
    # Complete cases, which always have a scale score: one pass gives S for rwg(j),
    # r*wg(j) and the random-group baseline.
    n_complete = complete_counts(x, codes, g)
    spread = mean_item_variance(x, codes, g)
    ratio = spread / null_variance(options)
    capped = np.minimum(ratio, 1.0)  # rwg(j) truncates S at the null variance
    with np.errstate(invalid="ignore", divide="ignore"):
        rwg = k * (1 - capped) / (k * (1 - capped) + capped)
    baseline = random_group_baseline(x)
    random_share = baseline.share_at_most(spread, n_complete)
    beyond = [None if v != v else v < BEYOND_RANDOM for v in random_share.tolist()]
    shown = {
        "mean": _json(means),
        "sd": _json(sds),
        "rwg_j": _json(rwg),
        "alpha": _json(grouped_alpha(x, codes, g)),
        "reliability": _json(group_mean_reliability(icc1, n)),
        "n_complete": n_complete.tolist(),
        "rwg_j_lindell": _json(1 - ratio),
        "random_share": _json(random_share),
        "beyond_random": beyond,
        "rwg_j_lindell_random95": _json(
            baseline.rwg_j_lindell_reached_by(BEYOND_RANDOM, n_complete, options)
        ),
    }
    sizes, is_hidden = n.tolist(), hidden.tolist()
    groups: list[dict[str, Any]] = []
    for i, label in enumerate(group_names):  # builds the output only; no statistics here
        if is_hidden[i]:
            groups.append({"group": label, "n": sizes[i], "suppressed": True})
        else:
            entry = {"group": label, "n": sizes[i], "suppressed": False}
            entry.update({key: values[i] for key, values in shown.items()})
            groups.append(entry)
    result["n_groups"] = g
    result["groups"] = groups
    return result
