"""Demo repertoire for one school: moments over the current school year, three cases, and six
starter entries adopted by the team, linked to the podium and audience cards.

Moments name no student or parent, like real ones must. The entries are copied from the
starter set and adopted through the consent engine, so the demo obeys the same rules as a
person does. Called once by `dramaturg demo`, after the card demo.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from django.db.models import Model
from django.utils import timezone

from dramaturg.cards.models import Card
from dramaturg.repertoire.codes import author_key
from dramaturg.repertoire.models import Case, CodeTag, Entry, EntryConsentRound, Moment
from dramaturg.repertoire.services import consent
from dramaturg.repertoire.services.starter import copy_starter
from dramaturg.schools.models import Membership, School, SchoolYear
from dramaturg.schools.roles import Role

MOMENTS_FILE = Path(__file__).resolve().parent / "repertoire_moments.yaml"


def demo_moments() -> list[dict[str, Any]]:
    """The demo's moments (a data file: twenty of them would drown the code)."""
    return list(yaml.safe_load(MOMENTS_FILE.read_text(encoding="utf-8")))


# (title, description, clash, stage, codes, guiding questions)
CASES = (
    (
        "Een leerling verliest zijn gezicht als we voor de klas corrigeren",
        "Terugkerend in de bovenbouw: een correctie voor de groep loopt uit op verzet.",
        "school_peer",
        "podium",
        ("face_honour", "authority"),
        "Op welke ladder dreigde de leerling te vallen?\nWat vroeg de code van de groep?\n"
        "Wat doen we als team op dezelfde manier?",
    ),
    (
        "Een ouder spreekt ons bij het hek aan op ons gezag",
        "Gesprekken bij het hek escaleren; binnen verlopen ze meestal goed.",
        "home_school",
        "audience",
        ("authority", "directness"),
        "Wat vroeg de code van thuis van de ouder?\nHoe nodigen we uit voor een gesprek binnen?",
    ),
    (
        "Een ruzie gaat online door na schooltijd",
        "De app-groep en gedeelde foto's brengen ruzies de klas weer in.",
        "school_peer",
        "audience",
        ("face_honour", "standing_up"),
        "Wat is onze taak bij wat buiten school gebeurt?\nWie voert het ochtendgesprek?",
    ),
)

# Starter entries the team adopted, the case each answers, and the card each links to.
ENTRIES = (
    ("losing-face-in-class", 0, "podium"),
    ("not-telling-who-did-it", None, "podium"),
    ("loyal-to-a-friend", None, "podium"),
    ("parent-at-the-gate", 1, "audience"),
    ("student-translates-for-parent", None, "audience"),
    ("fight-continues-online", 2, "audience"),
)


def _backdate(model: type[Model], pk: int, when: dt.datetime, field: str = "created_at") -> None:
    model._default_manager.filter(pk=pk).update(**{field: when})


def moment_days(count: int, today: dt.date) -> list[dt.date]:
    """`count` days spread evenly from the start of the current school year to today."""
    start = SchoolYear.objects.for_date(today).starts_on
    span = max((today - start).days, 0)
    return [start + dt.timedelta(days=span * (n + 1) // count) for n in range(count)]


def build_repertoire_demo(school: School) -> list[Entry]:
    people = Membership.objects.active().filter(school=school).select_related("user")
    by_role = {role: [m.user for m in people if m.role == role] for role in Role.values}
    leader = by_role[Role.LEADER][0]
    carriers, members = by_role[Role.CULTURE_CARRIER], by_role[Role.MEMBER]
    codes = {code.key: code for code in CodeTag.objects.filter(school=school).exclude(key="")}
    now = timezone.now()

    cases = []
    for n, (title, description, clash, stage, case_codes, questions) in enumerate(CASES):
        case = Case.objects.create(
            school=school,
            title=title,
            description=description,
            clash=clash,
            stage=stage,
            questions=questions,
            created_by=carriers[n % len(carriers)],
        )
        case.codes.set([codes[key] for key in case_codes])
        cases.append(case)

    moments = demo_moments()
    days = moment_days(len(moments), timezone.localdate())
    for n, (spec, day) in enumerate(zip(moments, days, strict=True)):
        author = members[n % len(members)]
        named = bool(spec.get("named"))
        moment = Moment.objects.create(
            school=school,
            what_happened=spec["what"],
            clash=spec["clash"],
            stage=spec["stage"],
            involved=list(spec["involved"]),
            what_i_did=spec["did"],
            how_it_ended=spec["ended"],
            want_to_learn=spec["learn"],
            recorded_on=day,
            show_author=named,
            author=author if named else None,
            author_key="" if named else author_key(author, school),
            case=cases[spec["case"]] if "case" in spec else None,
        )
        moment.codes.set([codes[key] for key in spec["codes"]])

    cards = {card.stage: card for card in Card.objects.filter(school=school)}
    entries = []
    for n, (key, case_index, stage) in enumerate(ENTRIES):
        entry = copy_starter(carriers[n % len(carriers)], school, key)
        if case_index is not None:
            Entry.objects.filter(pk=entry.pk).update(case=cases[case_index])
        card = cards.get(stage)
        if card is not None:
            # Each entry takes the n-th agreement and intervention, so they spread over the card.
            agreements = list(card.agreements.all())
            interventions = [i for goal in card.goals.all() for i in goal.interventions.all()]
            if agreements:
                entry.agreements.add(agreements[n % len(agreements)])
            if interventions:
                entry.interventions.add(interventions[n % len(interventions)])
        _backdate(Entry, entry.pk, now - dt.timedelta(days=40 - 5 * n))
        consent_round = consent.open_round(leader, entry)
        for m, person in enumerate([*members, *carriers]):
            if not EntryConsentRound.objects.get(pk=consent_round.pk).is_open:
                break
            consent.answer(person, consent_round, "abstain" if m % 7 == 6 else "consent")
        entry.refresh_from_db()
        entries.append(entry)
    return entries
