"""The shipped card templates and source library: complete, valid, and loaded with clear errors."""

from __future__ import annotations

import pytest

from dramaturg.cards.template_library import TemplateError, all_templates, load_template
from dramaturg.core.stages import Stage
from dramaturg.sources.library import shipped_source_keys, shipped_sources
from dramaturg.sources.models import Source

GOOD = """
id: sample
stage: podium
title: {nl: Titel, en: Title}
introduction: {nl: Inleiding, en: Introduction}
goals:
%(goals)s
agreements: [{nl: a1, en: a1}, {nl: a2, en: a2}, {nl: a3, en: a3}]
indicators: [%(indicators)s]
"""
GOAL = """  - title: {nl: Doel, en: Goal}
    interventions:
      - {what: {nl: Wat, en: What}, design: {nl: Hoe, en: How}, sources: [%(source)s]}
      - {what: {nl: Wat, en: What}, design: {nl: Hoe, en: How}}"""


def write(tmp_path, *, source="", goals=3, stage="podium", indicator_en="i"):
    text = GOOD % {
        "goals": "\n".join(GOAL % {"source": source} for _ in range(goals)),
        "indicators": ", ".join(["{nl: i, en: " + indicator_en + "}"] + ["{nl: i, en: i}"] * 5),
    }
    path = tmp_path / "sample.yaml"
    path.write_text(text.replace("stage: podium", f"stage: {stage}"))
    return path


def test_a_valid_template_loads(tmp_path):
    template = load_template(write(tmp_path, source="boek"), {"boek"})
    assert template.stage == "podium"
    assert len(template.goals) == 3
    assert template.goals[0].interventions[0].sources == ("boek",)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"goals": 2}, "goals: expected a list of at least 3"),
        ({"stage": "foyer"}, "stage: must be one of"),
        ({"source": "onbekend"}, "unknown source(s): onbekend"),
        ({"indicator_en": "''"}, "indicators[1]: both nl and en need a text"),
    ],
)
def test_a_broken_template_names_the_file_and_the_place(tmp_path, kwargs, message):
    with pytest.raises(TemplateError) as error:
        load_template(write(tmp_path, **kwargs), set())
    assert str(error.value).startswith("sample.yaml: ")
    assert message in str(error.value)


def test_every_stage_has_a_template_that_meets_the_minimums():
    templates = all_templates()
    assert sorted(t.stage for t in templates.values()) == sorted(Stage.values)
    for template in templates.values():
        assert len(template.goals) >= 3
        assert all(len(goal.interventions) >= 2 for goal in template.goals)
        assert len(template.agreements) >= 3
        assert len(template.indicators) >= 6


def test_the_sources_of_the_kleedkamer_card_ship_with_the_library():
    titles = {source["title"] for source in shipped_sources()}
    for title in ("Switchen en klimmen", "Hoe de straat de school binnendringt", "Wijze lessen"):
        assert any(title.lower() in t.lower() for t in titles), title


@pytest.mark.django_db
def test_shipped_sources_are_in_the_database_after_migrate():
    keys = set(Source.objects.filter(key__isnull=False).values_list("key", flat=True))
    assert keys == shipped_source_keys()
