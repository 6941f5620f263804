"""Questionnaire instruments as versioned YAML files, validated when loaded.

An instrument has a response scale (labelled options 1..N in Dutch and English, and an
optional "don't know" that counts as missing) and scales of items; an item may be
reverse-keyed. Reverse keying is a property of the item inside its scale, so an item can
never be reverse-keyed "outside" its scale. A school or researcher with a licence for a
validated instrument adds it as one more file in the same form.

Errors name the file and the place, so a broken file never reaches a respondent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from dramaturg.core.datafiles import DataFileError, DataFileReader, Texts

INSTRUMENT_DIR = Path(__file__).resolve().parent / "instruments"
TARGETS = ("staff", "students")
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")


class InstrumentError(DataFileError):
    """An instrument file does not follow the schema."""


@dataclass(frozen=True)
class Option:
    value: int
    label: Texts


@dataclass(frozen=True)
class Item:
    id: str
    text: Texts
    reverse: bool


@dataclass(frozen=True)
class Scale:
    id: str
    title: Texts
    min_items: int
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Instrument:
    id: str
    version: int
    target: str
    title: Texts
    instructions: Texts
    licence: str
    citation: str
    options: tuple[Option, ...]
    dont_know: Texts | None
    scales: tuple[Scale, ...]

    @property
    def items(self) -> tuple[Item, ...]:
        """Every item in questionnaire order: the column order of a response's answers."""
        return tuple(item for scale in self.scales for item in scale.items)

    @property
    def option_count(self) -> int:
        return len(self.options)

    def reverse_value(self, value: int) -> int:
        """Reverse keying on a 1..N scale: (N + 1) - x."""
        return self.option_count + 1 - value


class _Reader(DataFileReader):
    """Reads one instrument file."""

    error = InstrumentError

    def identifier(self, value: Any, where: str, seen: set[str]) -> str:
        if not isinstance(value, str) or not IDENTIFIER.match(value):
            raise self.fail(where, "an id is lower-case letters, digits and _")
        if value in seen:
            raise self.fail(where, f"duplicate id {value!r}")
        seen.add(value)
        return value

    def options(self, raw: Any) -> tuple[tuple[Option, ...], Texts | None]:
        if not isinstance(raw, dict):
            raise self.fail("response_scale", "expected a mapping")
        entries = raw.get("options")
        if not isinstance(entries, list) or len(entries) < 2:
            raise self.fail("response_scale.options", "expected at least 2 options")
        options = []
        for n, entry in enumerate(entries, start=1):
            where = f"response_scale.options[{n}]"
            if not isinstance(entry, dict) or entry.get("value") != n:
                raise self.fail(where, f"options are numbered 1..N in order; expected value {n}")
            label = {k: v for k, v in entry.items() if k != "value"}
            options.append(Option(n, self.texts(label, where)))
        dont_know = raw.get("dont_know")
        return tuple(options), (
            self.texts(dont_know, "response_scale.dont_know") if dont_know else None
        )

    def scale(self, raw: Any, where: str, scale_ids: set[str], item_ids: set[str]) -> Scale:
        if not isinstance(raw, dict):
            raise self.fail(where, "expected a mapping")
        scale_id = self.identifier(raw.get("id"), f"{where}.id", scale_ids)
        entries = raw.get("items")
        if not isinstance(entries, list) or not entries:
            raise self.fail(where, f"scale {scale_id!r} has no items")
        items = []
        for n, entry in enumerate(entries, start=1):
            at = f"{where}.items[{n}]"
            if not isinstance(entry, dict):
                raise self.fail(at, "expected a mapping")
            reverse = entry.get("reverse", False)
            if not isinstance(reverse, bool):
                raise self.fail(at, "reverse is true or false")
            items.append(
                Item(
                    self.identifier(entry.get("id"), f"{at}.id", item_ids),
                    self.texts(entry.get("text"), f"{at}.text"),
                    reverse,
                )
            )
        min_items = raw.get("min_items", len(items))
        if not isinstance(min_items, int) or not 1 <= min_items <= len(items):
            raise self.fail(f"{where}.min_items", f"must be between 1 and {len(items)}")
        return Scale(
            scale_id, self.texts(raw.get("title"), f"{where}.title"), min_items, tuple(items)
        )

    def instrument(self) -> Instrument:
        raw = self.load()
        if raw.get("target") not in TARGETS:
            raise self.fail("target", f"must be one of {', '.join(TARGETS)}")
        version = raw.get("version")
        if not isinstance(version, int) or version < 1:
            raise self.fail("version", "must be a whole number from 1")
        for key in ("licence", "citation"):
            if not str(raw.get(key) or "").strip():
                raise self.fail(key, "is required")
        options, dont_know = self.options(raw.get("response_scale"))
        entries = raw.get("scales")
        if not isinstance(entries, list) or not entries:
            raise self.fail("scales", "expected at least one scale")
        scale_ids: set[str] = set()
        item_ids: set[str] = set()
        scales = tuple(
            self.scale(entry, f"scales[{n}]", scale_ids, item_ids)
            for n, entry in enumerate(entries, start=1)
        )
        return Instrument(
            id=raw["id"],
            version=version,
            target=raw["target"],
            title=self.texts(raw.get("title"), "title"),
            instructions=self.texts(raw.get("instructions"), "instructions"),
            licence=str(raw["licence"]).strip(),
            citation=str(raw["citation"]).strip(),
            options=options,
            dont_know=dont_know,
            scales=scales,
        )


def load_instrument(path: Path) -> Instrument:
    return _Reader(path).instrument()


@cache
def shipped_instruments() -> dict[str, Instrument]:
    """Every instrument file in the repository, by id."""
    return {
        instrument.id: instrument
        for instrument in (load_instrument(p) for p in sorted(INSTRUMENT_DIR.glob("*.yaml")))
    }


# Freezing: a round stores the definition it was answered against, so a later edit of the
# file (or of the card an instrument was generated from) never changes what an answer meant.
# The frozen form is the file schema itself, and thawing runs the same validation.


def instrument_to_data(instrument: Instrument) -> dict[str, Any]:
    """The instrument as plain JSON-serialisable data, in the form of an instrument file."""
    return {
        "id": instrument.id,
        "version": instrument.version,
        "target": instrument.target,
        "title": dict(instrument.title),
        "instructions": dict(instrument.instructions),
        "licence": instrument.licence,
        "citation": instrument.citation,
        "response_scale": {
            "options": [{"value": o.value, **o.label} for o in instrument.options],
            "dont_know": dict(instrument.dont_know) if instrument.dont_know else None,
        },
        "scales": [
            {
                "id": scale.id,
                "title": dict(scale.title),
                "min_items": scale.min_items,
                "items": [
                    {"id": item.id, "text": dict(item.text), "reverse": item.reverse}
                    for item in scale.items
                ],
            }
            for scale in instrument.scales
        ],
    }


class _DataReader(_Reader):
    """Reads frozen data instead of a file; errors name the instrument id."""

    def __init__(self, data: Any) -> None:
        self.data = data
        name = data.get("id") if isinstance(data, dict) else None
        super().__init__(Path(str(name or "instrument")))

    def load(self) -> dict[str, Any]:
        if not isinstance(self.data, dict):
            raise self.fail("data", "expected a mapping at the top")
        if not isinstance(self.data.get("id"), str) or not IDENTIFIER.match(self.data["id"]):
            raise self.fail("id", "an id is lower-case letters, digits and _")
        return self.data


def instrument_from_data(data: dict[str, Any]) -> Instrument:
    """The instrument back from `instrument_to_data`; refused like a broken file if invalid."""
    return _DataReader(data).instrument()
