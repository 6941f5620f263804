"""Measurement rounds with answers, stored exactly as the application stores them.

Per school year a school holds a staff round in the autumn and in the spring (the three
staff instruments) and most schools a student round in the winter (class codes). Only rounds
that have closed by today are made, so every answer has been released: the rows are those
`surveys/release.py` leaves behind after the closing (docs/anonymity.md):

* the people's side: a `Participation` per person asked (each once, under their primary team,
  as `services.people_by_team` files them) with the hash of a token nobody holds, and
  `answered`; per class-code answer a `Submission` key, as the answer form writes;
* the answer side: one `Response` per respondent with a random id, the round, the team or
  class, the answer array in the order of the round's frozen instruments, and the Monday of
  the week the round opened; inserted in a shuffled order, with no pending rows left.

Ids, link hashes, class codes and form keys are drawn by `secrets`, as the application draws
them; the answers come from the demo's model (`demo.surveys`: a level per team, an effect per
person, a difficulty per item, noise, a rare "don't know", reverse-keyed items mirrored),
drawn with numpy a whole team at a time.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

import numpy as np

from dramaturg.demo.surveys import DONT_KNOW, NOISE, PROFILES, ROUND_DAYS, SLOPE
from dramaturg.demo.surveys import STAFF as STAFF_INSTRUMENTS
from dramaturg.generator.bulk import at, copy_rows, create
from dramaturg.generator.people import SchoolPeople
from dramaturg.schools.models import SchoolYear
from dramaturg.schools.roles import Role
from dramaturg.surveys.instruments import Instrument, instrument_to_data
from dramaturg.surveys.models import (
    Participation,
    Response,
    Round,
    RoundInstrument,
    RoundTarget,
    Submission,
    week_of,
)
from dramaturg.surveys.secrets import new_code
from dramaturg.surveys.services import InstrumentChoice, resolve_instrument

STUDENT_INSTRUMENT = "student_self_efficacy"
STAFF_ROLES = (Role.CULTURE_CARRIER, Role.MEMBER)


@dataclass(frozen=True)
class Shape:
    """What the answer model needs of one instrument, as arrays."""

    instrument: Instrument
    data: dict[str, Any]
    centre: float
    weight: float
    scales: tuple[tuple[np.ndarray, np.ndarray], ...]  # (item offsets, reverse mask) per scale


def shapes(rng: np.random.Generator, keys: tuple[str, ...]) -> list[Shape]:
    found = []
    for key in keys:
        instrument = resolve_instrument(InstrumentChoice(key))
        centre, weight = PROFILES[key]
        scales = tuple(
            (
                rng.uniform(-0.08, 0.08, len(scale.items)),
                np.array([item.reverse for item in scale.items]),
            )
            for scale in instrument.scales
        )
        found.append(Shape(instrument, instrument_to_data(instrument), centre, weight, scales))
    return found


def answers(
    rng: np.random.Generator, shapes_: list[Shape], level: float, persons: np.ndarray
) -> list[list[int]]:
    """One answer array per person (`persons` holds their own effects)."""
    count = len(persons)
    columns = []
    for shape in shapes_:
        options = shape.instrument.option_count
        span = options - 1
        for offsets, reverse in shape.scales:
            share = (
                shape.centre + offsets[None, :] + SLOPE * (shape.weight * level + persons[:, None])
            )
            raw = 1 + span * share + rng.normal(0, NOISE * span, (count, len(offsets)))
            values = np.clip(np.rint(raw), 1, options).astype(np.int64)
            values = np.where(reverse[None, :], options + 1 - values, values)
            if shape.instrument.dont_know is not None:
                # At most one "don't know" per scale, so everyone keeps a scale score.
                unsure = rng.random(count) < 1 - (1 - DONT_KNOW) ** len(offsets)
                where = rng.integers(0, len(offsets), count)
                values[unsure, where[unsure]] = 0
            columns.append(values)
    return np.concatenate(columns, axis=1).tolist()


def monday_near(day: dt.date, rng: np.random.Generator) -> dt.date:
    day += dt.timedelta(weeks=int(rng.integers(0, 4)))
    return day + dt.timedelta(days=-day.weekday() % 7)


class RoundWriter:
    def __init__(self, rng: np.random.Generator, today: dt.date, years: list[int]) -> None:
        self.rng, self.today, self.years = rng, today, years
        self.staff = shapes(rng, STAFF_INSTRUMENTS)
        self.students = shapes(rng, (STUDENT_INSTRUMENT,))
        self.school_years = {y: SchoolYear.objects.for_date(dt.date(y, 8, 1)) for y in years}
        self.codes = {
            code
            for code in RoundTarget.objects.values_list("class_code", flat=True)
            if code is not None
        }
        self.counts = {"rounds": 0, "responses": 0, "participations": 0}
        self._teams: dict[int, tuple[float, float, float]] = {}
        self._persons: dict[int, float] = {}

    def write(self, groups: list[SchoolPeople]) -> None:
        """Every closed round of a batch of schools, in a few bulk writes per table."""
        plans = []  # (round, kind, group)
        for group in groups:
            for year in self.years:
                for round_, kind in self.plan_year(group, year):
                    plans.append((round_, kind, group))
        rounds = create(Round, [round_ for round_, _kind, _group in plans])
        instrument_rows = []
        for round_, kind, _group in plans:
            for position, shape in enumerate(self.staff if kind == "staff" else self.students):
                instrument = shape.instrument
                instrument_rows.append(
                    (round_.pk, position, instrument.id, instrument.version, shape.data, None)
                )
        copy_rows(
            RoundInstrument,
            ("round", "position", "instrument_id", "version", "definition", "card_version"),
            instrument_rows,
        )
        targets, people = [], []  # people: per target, (persons asked, level, rate)
        for round_, kind, group in plans:
            if kind == "staff":
                for target, asked, level, rate in self.staff_targets(round_, group):
                    targets.append(target)
                    people.append((asked, level, rate))
            else:
                for target, level, rate in self.class_targets(round_, group):
                    targets.append(target)
                    people.append(([], level, rate))
        create(RoundTarget, targets)
        participations: list[tuple] = []
        responses: list[tuple] = []
        submissions: list[tuple] = []
        for target, (asked, level, rate) in zip(targets, people, strict=True):
            round_ = target.round
            week = week_of(round_.opens_on)
            if target.team_id:
                answered = self.rng.random(len(asked)) < rate
                for person, done in zip(asked, answered, strict=True):
                    reminded = None if done or self.rng.random() < 0.5 else round_.opens_on
                    if reminded:
                        reminded += dt.timedelta(days=7)
                    participations.append(
                        (target.pk, person.user.pk, secrets.token_hex(32), round_.opens_on,
                         reminded, bool(done), False, "")
                    )  # fmt: skip
                effects = np.array(
                    [
                        self.person_effect(p.user.pk)
                        for p, d in zip(asked, answered, strict=True)
                        if d
                    ]
                )
                used = self.staff
            else:
                count = int(self.rng.binomial(target.invited, rate))
                effects = self.rng.normal(0, 0.6, count)
                used = self.students
                submissions += [(secrets.token_hex(32), round_.pk) for _n in range(count)]
            if len(effects):
                for values in answers(self.rng, used, level, effects):
                    responses.append((uuid.uuid4(), round_.pk, target.pk, values, week))
        # Released responses sit in an order unrelated to the people's side.
        order = self.rng.permutation(len(responses))
        copy_rows(
            Participation,
            ("target", "user", "token_hash", "invited_on", "reminded_on", "answered",
             "disputed", "sealed_draft"),
            participations,
        )  # fmt: skip
        copy_rows(
            Response,
            ("id", "round", "target", "answers", "week"),
            (responses[n] for n in order),
        )
        copy_rows(Submission, ("key_hash", "round"), submissions)
        self.counts["rounds"] += len(rounds)
        self.counts["responses"] += len(responses)
        self.counts["participations"] += len(participations)

    def plan_year(self, group: SchoolPeople, year: int) -> list[tuple[Round, str]]:
        leader = group.leader.user
        found = []
        moments = [
            ("staff", f"Najaarsmeting {year}", dt.date(year, 9, 28), 0.95),
            ("students", f"Leerlingmeting {year}-{year + 1}", dt.date(year + 1, 1, 13), 0.7),
            ("staff", f"Voorjaarsmeting {year + 1}", dt.date(year + 1, 3, 9), 0.85),
        ]
        for kind, title, start, chance in moments:
            held = self.rng.random() < chance
            opens = monday_near(start, self.rng)
            closes = opens + dt.timedelta(days=ROUND_DAYS)
            if not held or closes >= self.today:
                continue  # only closed rounds: their answers have all been released
            students = kind == "students"
            found.append(
                (
                    Round(
                        school=group.school,
                        school_year=self.school_years[year],
                        title=title,
                        mode=Round.Mode.STUDENTS if students else Round.Mode.STAFF,
                        student_access=Round.StudentAccess.CLASS_CODE if students else "",
                        opens_on=opens,
                        closes_on=closes,
                        anonymity_threshold=group.school.anonymity_threshold,
                        created_by=leader,
                        created_at=at(opens - dt.timedelta(days=3)),
                    ),
                    kind,
                )
            )
        return found

    def staff_targets(self, round_: Round, group: SchoolPeople):
        """Each team once, with the people filed under it that day (their primary team)."""
        asked = group.active(round_.opens_on, STAFF_ROLES)
        step = (round_.opens_on - dt.date(self.years[0], 8, 1)).days / 365
        for team in group.teams:
            members = sorted((p for p in asked if p.team is team), key=lambda p: p.user.email)
            level, change, rate = self.team_profile(team.pk)
            target = RoundTarget(round=round_, team=team, invited=len(members))
            yield target, members, level + change * step, rate

    def class_targets(self, round_: Round, group: SchoolPeople):
        for student_group in group.classes:
            target = RoundTarget(
                round=round_,
                student_group=student_group,
                invited=student_group.size,
                class_code=self.class_code(),
            )
            yield target, float(self.rng.uniform(-0.5, 0.5)), float(self.rng.uniform(0.75, 0.95))

    def class_code(self) -> str:
        """Like `demo.surveys.class_code`, drawn by `secrets` as the application draws codes
        (and apart from the seeded draws, so a second network of the same seed can exist)."""
        while True:
            code = new_code(6)
            if code not in self.codes:
                self.codes.add(code)
                return code

    # A team's level, change per year and response rate; a person's own effect: drawn once.
    def team_profile(self, team_pk: int) -> tuple[float, float, float]:
        profile = self._teams.get(team_pk)
        if profile is None:
            profile = (
                float(self.rng.normal(0, 0.5)),
                float(self.rng.normal(0, 0.15)),
                float(self.rng.beta(8, 2)),
            )
            self._teams[team_pk] = profile
        return profile

    def person_effect(self, user_pk: int) -> float:
        if user_pk not in self._persons:
            self._persons[user_pk] = float(self.rng.normal(0, 0.5))
        return self._persons[user_pk]
