"""Demo measurement rounds: two school years of synthetic answers at the demo school.

Rounds in the past cannot go through `services.create_round`: it refuses a closing date that
has passed and mails every link. So the rows are written here directly, in exactly the form
the service writes them: frozen instrument definitions, `invited` per target, and for every
invited person a Participation holding the hash of a random token that nobody knows (one per
person, under their primary team: `services.people_by_team`).

The answers come from a small model, so the demo has something to show: every team has a
level (one clearly higher, one improving from round to round), every person a stable effect
of their own, every item some noise; reverse-keyed items are mirrored, so whoever scores high
disagrees with them. A four-person care team stays below the anonymity threshold, so every
staff round shows suppression. One seeded generator makes every run give the same figures.
The rounds of the previous school year were made with the first version of each shipped
instrument (kept in `instruments/previous/`), this year's with the current one, so the
dashboard shows what a revision does to its lines (docs/instruments.md).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from itertools import cycle

from django.utils import timezone

from dramaturg.cards.models import Card
from dramaturg.demo.data import ACCOUNTS, at_nine
from dramaturg.schools.models import (
    Membership,
    School,
    SchoolYear,
    StudentGroup,
    Team,
    TeamMembership,
)
from dramaturg.schools.roles import Role
from dramaturg.schools.teams import join_team
from dramaturg.surveys.generated import GeneratedInstrumentError
from dramaturg.surveys.instrument_versions import instrument_versions
from dramaturg.surveys.instruments import Instrument, instrument_to_data
from dramaturg.surveys.models import (
    Participation,
    Response,
    Round,
    RoundInstrument,
    RoundTarget,
    week_of,
)
from dramaturg.surveys.secrets import hash_secret, new_code, new_token
from dramaturg.surveys.services import InstrumentChoice, people_by_team, resolve_instrument

SEED = 1852  # not the people's seed: adding rounds must never rename anybody
ROUND_DAYS = 18  # Monday to Friday of the third week
STAFF = ("teacher_self_efficacy", "collective_efficacy", "dressing_room_climate")
# Two small teams below the threshold. Together they reach it, so hiding them does not force
# a large team to be hidden as well (see `analysis.suppression`); they always answer in full.
SMALL_TEAMS = (("Zorgteam", 3), ("Vakleerkrachten", 2))
SMALL_TEAM = SMALL_TEAMS[0][0]
CLASSES: dict[str, tuple[str, ...]] = {
    School.Sector.PRIMARY: ("Groep 6", "Groep 7", "Groep 8"),
    School.Sector.SECONDARY: ("1A", "2B", "3C"),
}
# (staff round title, word in student round titles, month and day from which a round opens)
SEASONS = (("Najaarsmeting", "najaar", 9, 28), ("Voorjaarsmeting", "voorjaar", 3, 9))

# (level, change per round, response rate) of the teams in name order; at the first demo
# school that is Bovenbouw improving, Middenbouw in between and Onderbouw the strong team.
TEAM_PROFILES = ((-0.7, 0.35, 0.9), (0.0, 0.0, 0.72), (0.6, 0.0, 0.9), (0.3, -0.1, 0.85))
SMALL_TEAM_PROFILE = (0.3, 0.0, 1.0)
# Instrument (or generated kind): (centre as a share of the scale, weight of the team level).
# Self-efficacy is a personal belief, so the team matters less than for the shared scales.
PROFILES = {
    "teacher_self_efficacy": (0.68, 0.4), "collective_efficacy": (0.62, 1.0),
    "dressing_room_climate": (0.6, 1.2), "student_self_efficacy": (0.65, 1.0),
    "self_evaluation": (0.5, 1.0), "agreements": (0.6, 1.0),
}  # fmt: skip
SLOPE, NOISE, DONT_KNOW = 0.22, 0.18, 0.04  # slope and noise as shares of the scale's range


class SurveyDemo:
    def __init__(self, school: School, today: dt.date) -> None:
        self.school, self.today = school, today
        self.year = SchoolYear.objects.for_date(today).start_year
        self.rng = random.Random(SEED)
        leading = Membership.objects.active(today).filter(school=school, role=Role.LEADER)
        self.leader = leading.order_by("started_on", "pk").first()
        # A staff member's own effect, the same in every round; an item's difficulty.
        self.person: dict[int, float] = defaultdict(lambda: self.rng.gauss(0, 0.5))
        self.offset: dict[tuple, float] = defaultdict(lambda: self.rng.uniform(-0.08, 0.08))
        self.rounds: list[Round] = []

    # --- the answer model ---

    def answers(self, instruments: list[Instrument], level: float, person: float) -> list[int]:
        values = []
        for instrument in instruments:
            # A generated instrument is "card_<id>_<kind>": its kind decides the profile.
            kind = instrument.id.split("_", 2)[2] if instrument.id.startswith("card_") else None
            centre, weight = PROFILES[kind or instrument.id]
            span = instrument.option_count - 1
            for scale in instrument.scales:
                # At most one "don't know" per scale, so every respondent gets a scale score.
                dont_know_left = instrument.dont_know is not None
                for item in scale.items:
                    if dont_know_left and self.rng.random() < DONT_KNOW:
                        values.append(0)
                        dont_know_left = False
                        continue
                    offset = self.offset[instrument.id, item.id]
                    share = centre + offset + SLOPE * (weight * level + person)
                    raw = 1 + span * share + self.rng.gauss(0, NOISE * span)
                    value = min(max(round(raw), 1), instrument.option_count)
                    values.append(instrument.reverse_value(value) if item.reverse else value)
        return values

    def response(self, round_, target, instruments, level: float, person: float) -> Response:
        days = (min(round_.closes_on, self.today) - round_.opens_on).days
        day = round_.opens_on + dt.timedelta(days=self.rng.randint(0, days))
        answers = self.answers(instruments, level, person)
        return Response(round=round_, target=target, answers=answers, week=week_of(day))

    def count(self, invited: int, rate: float, round_: Round) -> int:
        """How many answered: while a round is open, only the part that answered so far."""
        if round_.closes_on >= self.today:
            rate *= max(0.6, (self.today - round_.opens_on).days / ROUND_DAYS)
        return round(invited * rate)

    # --- rounds ---

    def new_round(self, title: str, opens: dt.date, choices: list[InstrumentChoice], access=""):
        tz, ahead = timezone.get_current_timezone(), dt.timedelta(days=3)
        round_ = Round.objects.create(
            school=self.school,
            school_year=SchoolYear.objects.for_date(opens),
            title=title,
            mode=Round.Mode.STUDENTS if access else Round.Mode.STAFF,
            student_access=access,
            opens_on=opens,
            closes_on=opens + dt.timedelta(days=ROUND_DAYS),
            anonymity_threshold=self.school.anonymity_threshold,
            created_by=self.leader.user if self.leader else None,
            # Past rounds were prepared a few days ahead; today's round was made just now.
            created_at=min(timezone.now(), dt.datetime.combine(opens, dt.time(9), tz) - ahead),
        )
        instruments = [self.instrument(choice, opens) for choice in choices]
        RoundInstrument.objects.bulk_create(
            RoundInstrument(
                round=round_,
                position=position,
                instrument_id=instrument.id,
                version=instrument.version,
                definition=instrument_to_data(instrument),
                card_version=choice.card_version,
            )
            for position, (choice, instrument) in enumerate(zip(choices, instruments, strict=True))
        )
        self.rounds.append(round_)
        return round_, instruments

    def instrument(self, choice: InstrumentChoice, opens: dt.date) -> Instrument:
        """The instrument as it was shipped when the round was made: before this school year
        that was the first version of a shipped one (the same item ids keep their difficulty,
        since `offset` is kept by item id)."""
        if choice.card_version is None and opens < dt.date(self.year, 8, 1):
            return instrument_versions(choice.key)[0]
        return resolve_instrument(choice)

    def staff_round(self, title: str, opens: dt.date, step: int, choices) -> None:
        round_, instruments = self.new_round(title, opens, choices)
        participations, responses = [], []
        names = [name for name, _size in SMALL_TEAMS]
        teams = self.school.teams.exclude(name__in=names).order_by("name")
        profiles = [*zip(teams, cycle(TEAM_PROFILES), strict=False)]
        small = [(team, SMALL_TEAM_PROFILE) for team in self.small]
        chosen = [*profiles, *small]
        # Each person once, under their primary team, as `services.create_round` files them.
        people = people_by_team(self.school, [team for team, _profile in chosen], opens)
        for team, (level, change, rate) in chosen:
            members = people[team.pk]
            target = RoundTarget.objects.create(round=round_, team=team, invited=len(members))
            answered = set(self.rng.sample(members, self.count(len(members), rate, round_)))
            for user in members:
                link = hash_secret(new_token())  # a link nobody holds: no mail was sent
                done, invite = user in answered, {"target": target, "invited_on": opens}
                participations.append(
                    Participation(**invite, user=user, token_hash=link, answered=done)
                )
                if done:
                    now, person = level + change * step, self.person[user.pk]
                    responses.append(self.response(round_, target, instruments, now, person))
        Participation.objects.bulk_create(participations)
        self.store(responses)

    def student_round(self, title: str, opens: dt.date, classes: list[StudentGroup]) -> None:
        choices = [InstrumentChoice("student_self_efficacy")]
        round_, instruments = self.new_round(title, opens, choices, Round.StudentAccess.CLASS_CODE)
        responses = []
        for group in classes:
            target = RoundTarget.objects.create(
                round=round_, student_group=group, invited=group.size, class_code=class_code()
            )
            level = self.rng.uniform(-0.5, 0.5)  # a class has its own mood, year by year
            count = self.count(group.size, self.rng.uniform(0.8, 0.95), round_)
            responses += [
                self.response(round_, target, instruments, level, self.rng.gauss(0, 0.6))
                for _n in range(count)
            ]
        self.store(responses)

    def store(self, responses: list[Response]) -> None:
        # Shuffled, so not even the row order follows the order of the participations.
        self.rng.shuffle(responses)
        Response.objects.bulk_create(responses)

    # --- what the demo school has ---

    def small_teams(self) -> list[Team]:
        """A care team and the specialist teachers, each below any threshold. Their people
        also work in a bouw, but the small team is their primary team, so their answers count
        there. They are taken from the largest bouwen, so every bouw keeps enough people to
        show its figures: one person counts once, in one team."""
        joined = dt.date(self.year - 1, 8, 1)
        veterans = list(
            Membership.objects.active(joined)
            .select_related("user")
            .filter(school=self.school, role=Role.MEMBER, ended_on__isnull=True)
            .exclude(user__email__in=[account.email for account in ACCOUNTS])
            .order_by("user__email")
        )
        # Drawn even when the teams exist already, so the figures stay the same.
        shuffled = self.rng.sample(veterans, len(veterans))
        home = dict(
            TeamMembership.objects.filter(membership__in=veterans, primary=True).values_list(
                "membership_id", "team_id"
            )
        )
        moments = self.moments()
        first_day = moments[0][2] if moments else self.today
        bouwen = list(self.school.teams.exclude(name__in=[name for name, _size in SMALL_TEAMS]))
        sizes = {
            pk: len(people) for pk, people in people_by_team(self.school, bouwen, first_day).items()
        }
        chosen: list[Membership] = []
        for _seat in range(sum(n for _t, n in SMALL_TEAMS)):
            candidates = [m for m in shuffled if m not in chosen and home.get(m.pk) in sizes]
            if not candidates:
                break
            pick = max(candidates, key=lambda m: sizes[home[m.pk]])
            chosen.append(pick)
            sizes[home[pick.pk]] -= 1
        teams = []
        for name, size in SMALL_TEAMS:
            team, created = Team.objects.get_or_create(school=self.school, name=name)
            members, chosen = chosen[:size], chosen[size:]
            if created:
                for membership in members:
                    join_team(membership, team, primary=True, at=at_nine(joined))
            teams.append(team)
        return teams

    def classes(self) -> list[StudentGroup]:
        return [
            StudentGroup.objects.get_or_create(
                school=self.school, name=name, defaults={"size": self.rng.randint(20, 30)}
            )[0]
            for name in CLASSES[self.school.sector]
        ]

    def moments(self) -> list[tuple[int, int, dt.date]]:
        """(step, season, opening Monday) of each round opened by today: the autumn and the
        spring of the previous school year and of the current one."""
        found = []
        for step in range(4):
            season = step % 2
            _title, _word, month, day = SEASONS[season]
            start = dt.date(self.year - 1 + step // 2 + season, month, day)
            opens = start + dt.timedelta(days=-start.weekday() % 7)
            if opens <= self.today:
                found.append((step, season, opens))
        return found

    def build(self) -> list[Round]:
        self.small, classes = self.small_teams(), self.classes()
        moments = self.moments()
        for step, season, opens in moments:
            title, word, _month, _day = SEASONS[season]
            self.staff_round(f"{title} {opens.year}", opens, step, [*map(InstrumentChoice, STAFF)])
            if step in (1, 2):  # students answer once a year: last spring, this autumn
                self.student_round(f"Leerlingmeting {word} {opens.year}", opens, classes)
        for card in Card.objects.filter(school=self.school, state=Card.State.ADOPTED):
            version = card.versions.get(number=card.adopted_version)
            earlier = card.versions.filter(number=card.adopted_version - 1).first()
            if earlier and generated_choices(earlier):
                # The previous version was evaluated five weeks ago, so the dashboard can
                # show how the indicators moved (the indicator added since has no movement).
                title = f"Zelfevaluatie {earlier.snapshot['title']['nl']} (v{earlier.number})"
                opens = self.today - dt.timedelta(weeks=5)
                self.staff_round(title[:120], opens, len(moments) - 1, generated_choices(earlier))
            choices = generated_choices(version)
            if choices:
                # Opened today, since the card was adopted just now; many answered already.
                title = f"Zelfevaluatie {version.snapshot['title']['nl']}"[:120]
                self.staff_round(title, self.today, len(moments), choices)
        return self.rounds


def generated_choices(version) -> list[InstrumentChoice]:
    """The card's self-evaluation and agreements check-in, if it has indicators to evaluate."""
    choices = []
    for key in ("self_evaluation", "agreements"):
        choice = InstrumentChoice(key, card_version=version)
        try:
            resolve_instrument(choice)
        except GeneratedInstrumentError:
            continue
        choices.append(choice)
    return choices if choices and choices[0].key == "self_evaluation" else []


def class_code() -> str:
    while True:
        code = new_code(6)
        if not RoundTarget.objects.filter(class_code=code).exists():
            return code


def build_survey_demo(school: School, today: dt.date | None = None) -> list[Round]:
    """The demo rounds of `school`, once: the demo command runs this in its locked
    transaction, and a school that already has rounds is left as it is."""
    if Round.objects.filter(school=school).exists():
        return []
    return SurveyDemo(school, today or timezone.localdate()).build()
