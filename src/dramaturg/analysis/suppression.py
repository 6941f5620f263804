"""Which groups to hide so that no figure describes fewer than `threshold` people.

Two rules, shared by the survey pages and the analysis engine:

* every group with fewer people than the threshold is hidden, and
* if the hidden groups together hold between 1 and threshold - 1 people, the smallest shown
  group is hidden as well; otherwise "total minus the shown groups" would describe the
  small hidden group.

A shown group holds at least `threshold` people, so one extra group always suffices; the
loop in `suppress` therefore runs at most once and `hidden_mask` needs no loop at all.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

import numpy as np

K = TypeVar("K", bound=Hashable)


def suppress(sizes: Mapping[K, int], threshold: int) -> set[K]:
    """The groups to hide: those below the threshold, plus the smallest others until the
    hidden groups together hold 0 or at least `threshold` people. Ties between equally
    small groups go to the smallest key."""
    hidden = {key for key, n in sizes.items() if n < threshold}
    shown = sorted((n, key) for key, n in sizes.items() if key not in hidden)  # type: ignore[type-var]
    while shown and 0 < sum(sizes[key] for key in hidden) < threshold:
        hidden.add(shown.pop(0)[1])
    return hidden


def hidden_mask(sizes: np.ndarray, threshold: int) -> np.ndarray:
    """`suppress` for an array of group sizes: a boolean mask of the groups to hide. Ties
    go to the lowest index, so with groups indexed in key order the two functions agree."""
    sizes = np.asarray(sizes, dtype=np.int64)
    hidden = sizes < threshold
    in_hidden = int(sizes[hidden].sum())
    if 0 < in_hidden < threshold and not hidden.all():
        # argmin returns the first minimum: the lowest index among equally small groups.
        candidates = np.where(hidden, np.iinfo(np.int64).max, sizes)
        hidden[int(np.argmin(candidates))] = True
    return hidden
