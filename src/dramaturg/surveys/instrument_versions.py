"""Earlier versions of the shipped instruments, and what changed in a scale between versions.

A new round always gets the current file (`instruments.shipped_instruments`). A round freezes
the definition it was made with (`RoundInstrument.definition`), so an old round never needs
the file of its version: its answer pages, results and exports read the frozen copy. The
earlier versions are kept all the same, verbatim, as `instruments/previous/v<N>/<id>.yaml`:
never offered for a new round, but the record of what each version asked, so that every
revision can be checked against the rules below (tests/test_instrument_versions.py) and the
demo can show a school whose earlier rounds used an earlier version.

The rules of a revision (docs/instruments.md):

* An item id names one question. A new version keeps the id when only the wording changed
  and the meaning and keying did not; an item that asks something else, a part of what it
  asked, or the opposite, gets a new id, and an id once retired never comes back.
* A scale id is what the dashboard and the network benchmarks follow from round to round
  (they match scales by instrument and scale id). A scale keeps its id only while at least
  two thirds of its items, in both versions, are the same items (`ScaleChange.continues`);
  otherwise its line would join two different measures, so the revised scale gets a new id
  and starts a line of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from functools import cache

from dramaturg.surveys.instruments import (
    INSTRUMENT_DIR,
    Instrument,
    InstrumentError,
    load_instrument,
    shipped_instruments,
)

PREVIOUS_DIR = INSTRUMENT_DIR / "previous"
VERSION_FOLDER = re.compile(r"^v([1-9][0-9]*)$")
# The share of a scale's items that must be the same items in both versions for the scale to
# keep its id. Two thirds keeps most of what the mean rests on while allowing a weak item or
# two of a five- or six-item scale to be replaced.
CARRY_OVER = Fraction(2, 3)


@cache
def instrument_versions(instrument_id: str) -> tuple[Instrument, ...]:
    """Every version of a shipped instrument, oldest first; the last is the current file.

    Raises KeyError for an id that is not shipped, and InstrumentError when a kept version
    is broken, in the wrong folder, or missing between 1 and the current version."""
    current = shipped_instruments()[instrument_id]
    earlier = []
    folders = sorted(PREVIOUS_DIR.iterdir()) if PREVIOUS_DIR.is_dir() else []
    for folder in folders:
        match = VERSION_FOLDER.match(folder.name)
        path = folder / f"{instrument_id}.yaml"
        if not match or not path.is_file():
            continue
        instrument = load_instrument(path)
        if instrument.version != int(match[1]):
            raise InstrumentError(
                f"{folder.name}/{path.name}: version: must be {match[1]}, the number of its folder"
            )
        earlier.append(instrument)
    versions = (*sorted(earlier, key=lambda i: i.version), current)
    found = [v.version for v in versions]
    if found != list(range(1, current.version + 1)):
        raise InstrumentError(
            f"{instrument_id}.yaml: version: is {current.version}, so versions 1 to "
            f"{current.version} must be kept; found {found}"
        )
    return versions


@dataclass(frozen=True)
class ScaleChange:
    """One scale id in two versions of an instrument, by item id."""

    scale: str
    kept: tuple[str, ...]  # in both versions
    added: tuple[str, ...]  # only in the later one
    dropped: tuple[str, ...]  # only in the earlier one
    reworded: tuple[str, ...]  # kept, with a text that changed in either language

    @property
    def same_items(self) -> bool:
        """Every item asks the same question in both versions (some perhaps in clearer
        words), so a change in the scale's mean is a change in the answers."""
        return not self.added and not self.dropped

    @property
    def continues(self) -> bool:
        """Whether the scale may keep its id: at least CARRY_OVER of its items in each
        version are the same items."""
        before = len(self.kept) + len(self.dropped)
        after = len(self.kept) + len(self.added)
        return all(len(self.kept) >= CARRY_OVER * size for size in (before, after))


def scale_changes(before: Instrument, after: Instrument) -> dict[str, ScaleChange]:
    """Per scale id found in both versions (shipped or frozen), in the order of `after`."""
    earlier = {scale.id: scale for scale in before.scales}
    changes = {}
    for scale in after.scales:
        if scale.id not in earlier:
            continue
        old = {item.id: item for item in earlier[scale.id].items}
        new = {item.id: item for item in scale.items}
        kept = tuple(item_id for item_id in new if item_id in old)
        changes[scale.id] = ScaleChange(
            scale=scale.id,
            kept=kept,
            added=tuple(item_id for item_id in new if item_id not in old),
            dropped=tuple(item_id for item_id in old if item_id not in new),
            reworded=tuple(i for i in kept if old[i].text != new[i].text),
        )
    return changes
