"""Boards, schools, staff, teams and classes of the generated network.

Sizes follow what Dutch education looks like: most boards run a handful to a few dozen
schools (5–80 here), a primary school has some 15–40 staff in three or four bouwen and 8–16
groups, a secondary school 40–150 staff in sections and 12–36 classes. A few people left
during the generated years and others joined, so turnover and the people asked per round
move as they would.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from dramaturg.accounts.models import User
from dramaturg.generator.bulk import at, create
from dramaturg.schools.models import Board, Membership, School, StudentGroup, Team, TeamMembership
from dramaturg.schools.roles import Role

BOARD_MIN, BOARD_MAX = 5, 80
PRIMARY_SHARE = 0.7
CITIES = (
    "Alkmaar", "Almere", "Amersfoort", "Apeldoorn", "Arnhem", "Assen", "Breda", "Delft",
    "Deventer", "Dordrecht", "Ede", "Eindhoven", "Emmen", "Enschede", "Gouda", "Groningen",
    "Haarlem", "Heerlen", "Helmond", "Hengelo", "Hoorn", "Leeuwarden", "Leiden", "Lelystad",
    "Maastricht", "Nijmegen", "Oss", "Roermond", "Rotterdam", "Tilburg", "Utrecht", "Venlo",
    "Zaandam", "Zeist", "Zwolle", "Den Bosch", "Den Haag", "Amsterdam", "Heerenveen", "Sittard",
)  # fmt: skip
PRIMARY_NAMES = (
    "De Regenboog", "De Wilgen", "Het Kompas", "De Vlinder", "De Sterrenkijker", "De Linde",
    "Het Palet", "De Klimop", "De Zonnewijzer", "De Notenboom", "Het Anker", "De Duinroos",
    "De Horizon", "De Springplank", "Het Baken", "De Meander", "De Kameleon", "De Vuurtoren",
)  # fmt: skip
SECONDARY_NAMES = (
    "Erasmus College", "Het Lyceum", "Stedelijk Gymnasium", "Vakcollege", "Montessori College",
    "Christelijk Lyceum", "Scholengemeenschap", "Dalton College", "Technasium", "Het Atrium",
)  # fmt: skip
FIRST = (
    "Anne", "Bram", "Carla", "Daan", "Eva", "Fatima", "Gijs", "Hanna", "Ilse", "Jeroen", "Karin",
    "Lars", "Mila", "Noor", "Oscar", "Petra", "Quinten", "Rosa", "Sander", "Tessa", "Umut", "Vera",
    "Wouter", "Yara", "Zeynep", "Bas", "Lotte", "Mehmet", "Sanne", "Thijs", "Inge", "Ruben",
)  # fmt: skip
LAST = (
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
    "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
    "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer",
    "Kok", "Yilmaz", "El Amrani", "Kaya", "Verhoeven", "Koster", "Prins", "Huisman", "Postma",
)  # fmt: skip
PRIMARY_TEAMS = ("Onderbouw", "Middenbouw", "Bovenbouw", "Zorgteam")
SECONDARY_TEAMS = (
    "Sectie talen", "Sectie exacte vakken", "Sectie mens en maatschappij",
    "Sectie kunst en sport", "Sectie beroepsgericht", "Onderbouwteam", "Zorgteam",
)  # fmt: skip


@dataclass
class Person:
    user: User
    membership: Membership
    role: str
    team: Team | None  # the primary team (leaders stand outside the teams)


@dataclass
class SchoolPeople:
    school: School
    people: list[Person] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)
    classes: list[StudentGroup] = field(default_factory=list)

    def active(self, day: dt.date, roles: tuple[str, ...] = ()) -> list[Person]:
        return [
            p
            for p in self.people
            if p.membership.started_on <= day
            and (p.membership.ended_on is None or p.membership.ended_on > day)
            and (not roles or p.role in roles)
        ]

    @property
    def leader(self) -> Person:
        return next(p for p in self.people if p.role == Role.LEADER)


def board_sizes(rng: np.random.Generator, schools: int) -> list[int]:
    """Boards of 5 to 80 schools, most of them small (a log-normal around 12)."""
    sizes, left = [], schools
    while left > 0:
        size = int(np.clip(round(rng.lognormal(np.log(12), 0.8)), BOARD_MIN, BOARD_MAX))
        if left - size < BOARD_MIN:
            size = left if left <= BOARD_MAX else left - BOARD_MIN
        sizes.append(size)
        left -= size
    return sizes


def create_boards_and_schools(
    rng: np.random.Generator, schools: int, prefix: str, first_year: int
) -> list[School]:
    sizes = board_sizes(rng, schools)
    boards = create(
        Board,
        (
            Board(
                name=f"Stichting {CITIES[n % len(CITIES)]} {n + 1}", slug=f"{prefix}-b{n + 1:04d}"
            )
            for n in range(len(sizes))
        ),
    )
    rows = []
    number = 0
    for board, size in zip(boards, sizes, strict=True):
        home = CITIES[int(rng.integers(len(CITIES)))]
        for _n in range(size):
            number += 1
            primary = rng.random() < PRIMARY_SHARE
            names = PRIMARY_NAMES if primary else SECONDARY_NAMES
            name = f"{names[int(rng.integers(len(names)))]} {number}"
            city = home if rng.random() < 0.7 else CITIES[int(rng.integers(len(CITIES)))]
            rows.append(
                School(
                    board=board,
                    name=name,
                    slug=f"{prefix}-s{number:05d}",
                    sector=School.Sector.PRIMARY if primary else School.Sector.SECONDARY,
                    city=city,
                    share_results_with_board=bool(rng.random() < 0.6),
                    created_at=at(dt.date(first_year, 8, 1)),
                )
            )
    return create(School, rows)


def board_admins(rng: np.random.Generator, boards: list[Board], prefix: str) -> list[User]:
    users = create(
        User,
        (
            User(
                email=f"bestuur-{board.slug}@{prefix}.example",
                display_name=_name(rng),
                password="!",  # unusable: nobody logs in with a password here
            )
            for board in boards
        ),
    )
    create(
        Membership,
        (
            Membership(
                user=user, board=board, role=Role.BOARD_ADMIN, started_on=dt.date(2015, 8, 1)
            )
            for user, board in zip(users, boards, strict=True)
        ),
    )
    return users


def create_people(
    rng: np.random.Generator, schools: list[School], first_year: int, today: dt.date
) -> list[SchoolPeople]:
    """Staff, teams and classes of a batch of schools, with four bulk writes per table."""
    plans: list[tuple[SchoolPeople, list[tuple[str, dt.date, dt.date | None, int]]]] = []
    users: list[User] = []
    teams: list[Team] = []
    classes: list[StudentGroup] = []
    first_day = dt.date(first_year, 8, 1)
    span = (today - first_day).days
    for school in schools:
        primary = school.sector == School.Sector.PRIMARY
        centre, low, high = (25, 12, 45) if primary else (75, 35, 150)
        staff = int(np.clip(round(rng.lognormal(np.log(centre), 0.35)), low, high))
        leaders = 1 if primary else int(rng.integers(2, 4))
        carriers = int(rng.integers(2, 5))
        names = PRIMARY_TEAMS if primary else SECONDARY_TEAMS
        team_count = len(names) if staff >= 20 or not primary else 3
        school_teams = [Team(school=school, name=name) for name in names[:team_count]]
        teams += school_teams
        # Team sizes: shares drawn per school; the care team (last) is small on purpose, so
        # it falls below the anonymity threshold in most rounds, as real care teams do.
        weights = rng.dirichlet(np.full(team_count, 4.0))
        if names[team_count - 1] == "Zorgteam":
            weights[-1] = 0.04
            weights /= weights.sum()
        plan: list[tuple[str, dt.date, dt.date | None, int]] = []
        for n in range(staff):
            role: str = Role.LEADER if n < leaders else Role.CULTURE_CARRIER
            if n >= leaders + carriers:
                role = Role.MEMBER
            # Most started before the generated years; some joined since, and some left.
            if rng.random() < 0.18 and n >= leaders:
                start = first_day + dt.timedelta(days=int(rng.integers(0, max(span, 1))))
            else:
                start = dt.date(first_year - int(rng.integers(0, 25)), 8, 1)
            end = None
            if n >= leaders and rng.random() < 0.12:
                end = start + dt.timedelta(days=int(rng.integers(200, 2000)))
                if end >= today:
                    end = None
            team = -1 if role == Role.LEADER else int(rng.choice(team_count, p=weights))
            plan.append((role, start, end, team))
            users.append(
                User(
                    email=f"{school.slug}-{n + 1:03d}@{school.slug.split('-')[0]}.example",
                    display_name=_name(rng),
                    password="!",
                )
            )
        count = int(rng.integers(8, 17)) if primary else int(rng.integers(12, 37))
        labels = _class_names(primary, count)
        classes += [
            StudentGroup(school=school, name=label, size=int(np.clip(rng.normal(25, 3), 15, 32)))
            for label in labels
        ]
        group = SchoolPeople(school, teams=school_teams)
        plans.append((group, plan))
    users = create(User, users)
    create(Team, teams)
    created_classes = create(StudentGroup, classes)
    by_school: dict[int, list[StudentGroup]] = {}
    for student_group in created_classes:
        by_school.setdefault(student_group.school_id, []).append(student_group)
    memberships, placements, people = [], [], []
    pending = iter(users)
    for group, plan in plans:
        group.classes = by_school.get(group.school.pk, [])
        for role, start, end, team_index in plan:
            user = next(pending)
            membership = Membership(
                user=user, school=group.school, role=role, started_on=start, ended_on=end
            )
            memberships.append(membership)
            placed = group.teams[team_index] if team_index >= 0 else None
            person = Person(user, membership, role, placed)
            group.people.append(person)
            people.append(person)
    create(Membership, memberships)
    for person in people:
        if person.team is not None:
            placements.append(
                TeamMembership(membership=person.membership, team=person.team, primary=True)
            )
    create(TeamMembership, placements)
    return [group for group, _plan in plans]


def _class_names(primary: bool, count: int) -> list[str]:
    if primary:
        grades = [f"Groep {g}" for g in range(1, 9)]
        return [f"{grades[n % 8]}{'' if n < 8 else 'ab'[n // 8 - 1]}" for n in range(count)]
    return [f"{1 + n % 6}{'ABCDEF'[n // 6]}" for n in range(count)]


def _name(rng: np.random.Generator) -> str:
    return f"{FIRST[int(rng.integers(len(FIRST)))]} {LAST[int(rng.integers(len(LAST)))]}"
