"""The shipped card templates: YAML files in `card_templates/`, validated when loaded.

A template that breaks the rules (a missing language, a goal without interventions, an
unknown source) stops the application at the first load with a message that names the file
and the place, so a broken template never reaches a school.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from dramaturg.core.datafiles import DataFileError, DataFileReader, Texts
from dramaturg.core.stages import Stage

TEMPLATE_DIR = Path(__file__).resolve().parent / "card_templates"


class TemplateError(DataFileError):
    """A template file does not follow the schema."""


@dataclass(frozen=True)
class TemplateIntervention:
    what: Texts
    design: Texts
    who: Texts
    when: Texts
    sources: tuple[str, ...]


@dataclass(frozen=True)
class TemplateGoal:
    title: Texts
    description: Texts
    interventions: tuple[TemplateIntervention, ...]


@dataclass(frozen=True)
class CardTemplate:
    key: str
    stage: str
    version: int
    title: Texts
    introduction: Texts
    goals: tuple[TemplateGoal, ...]
    agreements: tuple[Texts, ...]
    indicators: tuple[Texts, ...]


class _Reader(DataFileReader):
    """Reads one template file."""

    error = TemplateError

    def items(self, value: Any, where: str, minimum: int) -> list[Any]:
        if not isinstance(value, list) or len(value) < minimum:
            raise self.fail(where, f"expected a list of at least {minimum}")
        return value

    def intervention(self, raw: Any, where: str, known_sources: set[str]) -> TemplateIntervention:
        if not isinstance(raw, dict):
            raise self.fail(where, "expected a mapping")
        sources = tuple(raw.get("sources") or ())
        unknown = [key for key in sources if key not in known_sources]
        if unknown:
            raise self.fail(where, f"unknown source(s): {', '.join(unknown)}")
        return TemplateIntervention(
            what=self.texts(raw.get("what"), f"{where}.what"),
            design=self.texts(raw.get("design"), f"{where}.design"),
            who=self.texts(raw.get("who"), f"{where}.who", required=False),
            when=self.texts(raw.get("when"), f"{where}.when", required=False),
            sources=sources,
        )

    def template(self, known_sources: set[str]) -> CardTemplate:
        raw = self.load()
        if raw.get("stage") not in Stage.values:
            raise self.fail("stage", f"must be one of {', '.join(Stage.values)}")
        goals = []
        for g, goal in enumerate(self.items(raw.get("goals"), "goals", 3), start=1):
            where = f"goals[{g}]"
            if not isinstance(goal, dict):
                raise self.fail(where, "expected a mapping")
            interventions = self.items(goal.get("interventions"), f"{where}.interventions", 2)
            goals.append(
                TemplateGoal(
                    title=self.texts(goal.get("title"), f"{where}.title"),
                    description=self.texts(
                        goal.get("description"), f"{where}.description", required=False
                    ),
                    interventions=tuple(
                        self.intervention(item, f"{where}.interventions[{i}]", known_sources)
                        for i, item in enumerate(interventions, start=1)
                    ),
                )
            )
        return CardTemplate(
            key=raw["id"],
            stage=raw["stage"],
            version=int(raw.get("version", 1)),
            title=self.texts(raw.get("title"), "title"),
            introduction=self.texts(raw.get("introduction"), "introduction"),
            goals=tuple(goals),
            agreements=tuple(
                self.texts(text, f"agreements[{n}]")
                for n, text in enumerate(self.items(raw.get("agreements"), "agreements", 3), 1)
            ),
            indicators=tuple(
                self.texts(text, f"indicators[{n}]")
                for n, text in enumerate(self.items(raw.get("indicators"), "indicators", 6), 1)
            ),
        )


def load_template(path: Path, known_sources: set[str]) -> CardTemplate:
    return _Reader(path).template(known_sources)


@cache
def all_templates() -> dict[str, CardTemplate]:
    """Every shipped template by key, in the order of the stages."""
    from dramaturg.sources.library import shipped_source_keys

    known = shipped_source_keys()
    templates = [load_template(p, known) for p in sorted(TEMPLATE_DIR.glob("*.yaml"))]
    order = {stage: n for n, stage in enumerate(Stage.values)}
    return {t.key: t for t in sorted(templates, key=lambda t: order[t.stage])}


def get_template(key: str) -> CardTemplate:
    try:
        return all_templates()[key]
    except KeyError as error:
        raise TemplateError(f"no template {key!r}") from error
