"""Which groups to hide so that no figure describes fewer than `threshold` people.

The one place where the suppression rules live; `surveys.results` applies them, every page,
chart and export reads the outcome.

**Groups of people (who was asked)**, `suppress_overlapping`. Each group (a team or class of
a round) is a set of people, and groups may overlap: an old round gave someone in two teams
a link for each, so a leader could make T2 = T1 + one person and read that person's scores
as 6 × mean(T2) − 5 × mean(T1). The rule:

1. a group that must be hidden for a reason of its own (passed in: a disputed group, say)
   is hidden first;
2. every group with fewer people than the threshold is hidden (`TOO_FEW`);
3. then groups are hidden one at a time until both checks hold:

   a. **Atoms.** Every atom — the people with the same pattern of membership across the
      shown groups and the whole round — holds 0 or at least `threshold` people, so no union
      or difference of shown groups (or the whole) isolates fewer. When an atom inside shown
      groups is too small, the smallest group that contains it is hidden (`OVERLAP`).
   b. **The remainder.** The whole round's figure is a sum over all groups, a person counted
      once per group they were asked in (one response per link), so the remainder "whole
      minus the shown groups" is known as well: a sum over the hidden groups. Any combination
      that uses it includes everyone who is only in hidden groups and, within each atom,
      everyone but those in one and the same number of hidden groups. That lower bound must
      be 0 or at least `threshold`; otherwise the smallest shown group is hidden
      (`COMPLEMENT`, or `OVERLAP` when the remainder reaches into shown groups).

   Ties go to the smallest key, so the outcome never depends on the order of the input.

   For T2 = T1 + p: the atom {p} lies in T2 only, so T2 is hidden; then the remainder (T2's
   sum) minus T1 would be p, so T1 is hidden too, and only the whole round is shown.

For disjoint groups both checks reduce to the classic complement rule (`suppress`): the
hidden groups together hold 0 or at least `threshold` people. The rule works on who was
*asked*; the figures of a scale then follow `hidden_mask` on who *answered*, with these
groups hidden.

**Groups of responses (who answered a scale)**, `suppress` and `hidden_mask`: responses
belong to one group each, so the groups are disjoint. Every group with fewer than the
threshold is hidden, and if the hidden groups together hold between 1 and threshold - 1, the
smallest shown group is hidden as well. A shown group holds at least `threshold`, so one
extra group always suffices.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Hashable, Mapping
from typing import Any, TypeVar

import numpy as np

K = TypeVar("K", bound=Hashable)

# Why a group is hidden. A caller may pass further reasons of its own (e.g. "disputed").
TOO_FEW = "too_few"  # fewer people than the threshold
COMPLEMENT = "complement"  # else the total minus the shown groups would give a smaller one away
OVERLAP = "overlap"  # shares people with another group: a difference would isolate a few


def _order(key: Any, size: int) -> tuple[int, Any]:
    return (size, key)


def suppress(sizes: Mapping[K, int], threshold: int, hidden: Collection[K] = frozenset()) -> set[K]:
    """The disjoint groups to hide: those in `hidden`, those below the threshold, plus the
    smallest others until the hidden groups together hold 0 or at least `threshold` people.
    Ties between equally small groups go to the smallest key."""
    hide = {key for key, n in sizes.items() if n < threshold or key in hidden}
    shown = sorted(_order(key, n) for key, n in sizes.items() if key not in hide)
    while shown and 0 < sum(sizes[key] for key in hide) < threshold:
        hide.add(shown.pop(0)[1])
    return hide


def hidden_mask(sizes: np.ndarray, threshold: int, hidden: np.ndarray | None = None) -> np.ndarray:
    """`suppress` for an array of group sizes (with `hidden` a mask of groups hidden anyway):
    a boolean mask of the groups to hide. Ties go to the lowest index, so with groups indexed
    in key order the two functions agree."""
    sizes = np.asarray(sizes, dtype=np.int64)
    mask = sizes < threshold
    if hidden is not None:
        mask |= np.asarray(hidden, dtype=bool)
    in_hidden = int(sizes[mask].sum())
    if 0 < in_hidden < threshold and not mask.all():
        # argmin returns the first minimum: the lowest index among equally small groups.
        candidates = np.where(mask, np.iinfo(np.int64).max, sizes)
        mask[int(np.argmin(candidates))] = True
    return mask


def _unsafe(
    members: Mapping[K, Collection[Hashable]], hidden: Collection[K], threshold: int
) -> tuple[set[K], str] | None:
    """None when the shown groups are safe, else the groups to choose the next one from and
    the reason. See the module's docstring for the two checks."""
    shown_in: dict[Hashable, set[K]] = {}
    remainder: Counter[Hashable] = Counter()  # per person: in how many hidden groups
    for key, people in members.items():
        for person in people:
            shown_in.setdefault(person, set())
            if key in hidden:
                remainder[person] += 1
            else:
                shown_in[person].add(key)
    atoms: dict[frozenset[K], list[Hashable]] = {}
    for person, groups in shown_in.items():
        atoms.setdefault(frozenset(groups), []).append(person)
    # 1. An atom inside shown groups: hide the smallest group that cuts it out.
    small = [groups for groups, people in atoms.items() if groups and len(people) < threshold]
    if small:
        return set().union(*small), OVERLAP
    # 2. The remainder (the whole minus the shown groups): whoever is only in hidden groups,
    # and in each atom all but those in equally many hidden groups.
    only_hidden = len(atoms.get(frozenset(), []))
    bound = only_hidden + sum(
        len(people) - max(Counter(remainder[person] for person in people).values())
        for groups, people in atoms.items()
        if groups
    )
    if 0 < only_hidden < threshold or 0 < bound < threshold:
        shown = {key for key in members if key not in hidden}
        return shown, OVERLAP if bound > only_hidden else COMPLEMENT
    return None


def suppress_overlapping(
    members: Mapping[K, Collection[Hashable]],
    threshold: int,
    hidden: Mapping[K, str] | None = None,
) -> dict[K, str]:
    """The groups to hide, each with why (`TOO_FEW`, `COMPLEMENT`, `OVERLAP`, or the reason
    given in `hidden` for groups that are to be hidden anyway). See the module's docstring."""
    why: dict[K, str] = {key: reason for key, reason in (hidden or {}).items() if key in members}
    for key, people in members.items():
        if key not in why and len(people) < threshold:
            why[key] = TOO_FEW
    sizes = {key: len(people) for key, people in members.items()}
    while len(why) < len(members):
        found = _unsafe(members, why, threshold)
        if found is None:
            break
        candidates, reason = found
        why[min(candidates, key=lambda key: _order(key, sizes[key]))] = reason
    return why
