"""The demo: one board, three schools, their teams and staff, built from fixed data.

Everything random is drawn from one seeded generator, so the demo is the same on every
machine. Dates are placed relative to the current school year (staff started in earlier
years, a few left during the previous one), so turnover can be computed from the demo in
any year. The fixed demo accounts (ACCOUNTS below) are printed by `dramaturg demo`; every
demo person shares the one demo password, DEMO_PASSWORD.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass

from django.utils import timezone

from dramaturg.accounts.models import User
from dramaturg.schools.models import (
    Board,
    Membership,
    School,
    SchoolYear,
    Team,
    TeamChange,
    TeamMembership,
    school_year_start,
)
from dramaturg.schools.roles import Role

DEMO_DOMAIN = "demo.dramaturg.example"  # .example is reserved: no mail ever leaves
DEMO_PASSWORD = "dramaturg-demo"
SEED = 1848  # any fixed number: the year Dutch education became a constitutional duty

BOARD_NAME = "Stichting Tussen Duin en Dijk"
BOARD_SLUG = "tussen-duin-en-dijk"


@dataclass(frozen=True)
class SchoolSpec:
    name: str
    slug: str
    sector: str
    city: str
    teams: tuple[str, ...]
    staff: int  # people working there now, the fixed accounts included
    left_last_year: int  # people whose membership ended in the previous school year
    deputy: bool
    culture_carriers: int


SCHOOLS = (
    SchoolSpec(
        "OBS De Duinroos", "obs-de-duinroos", School.Sector.PRIMARY, "Castricum",
        ("Onderbouw", "Middenbouw", "Bovenbouw"), staff=30, left_last_year=3,
        deputy=False, culture_carriers=3,
    ),
    SchoolSpec(
        "CBS De Zeester", "cbs-de-zeester", School.Sector.PRIMARY, "Egmond aan Zee",
        ("Onderbouw", "Middenbouw", "Bovenbouw", "Zorg en ondersteuning"), staff=32,
        left_last_year=3, deputy=True, culture_carriers=2,
    ),
    SchoolSpec(
        "Duin en Dijk College", "duin-en-dijk-college", School.Sector.SECONDARY, "Heiloo",
        ("Sectie talen", "Sectie exacte vakken", "Sectie mens en maatschappij",
         "Sectie kunst en sport"), staff=40, left_last_year=4, deputy=True, culture_carriers=4,
    ),
)  # fmt: skip


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: str
    school: int | None  # index in SCHOOLS; None for the board
    team: str | None
    years: int  # years since the person started


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


ACCOUNTS = (
    DemoAccount(demo_email("bestuur"), "Marieke Hoogland", Role.BOARD_ADMIN, None, None, 4),
    DemoAccount(demo_email("leider"), "Anouk van der Meer", Role.LEADER, 0, None, 6),
    DemoAccount(
        demo_email("ontwikkelgroep"), "Sander de Graaf", Role.CULTURE_CARRIER, 0, "Middenbouw", 9
    ),
    DemoAccount(demo_email("leerkracht"), "Yasmina el Amrani", Role.MEMBER, 0, "Onderbouw", 3),
    DemoAccount(demo_email("leider-vo"), "Joost Verhoeven", Role.LEADER, 2, None, 2),
    DemoAccount(demo_email("docent"), "Lotte Brouwer", Role.MEMBER, 2, "Sectie talen", 11),
)

# Name pools: (first names, surnames, weight). First and last names come from the same pool,
# so a name sounds like a person; the weights roughly follow a Dutch staff room.
NAME_POOLS: tuple[tuple[tuple[str, ...], tuple[str, ...], int], ...] = (
    (
        (
            "Anna", "Annemiek", "Astrid", "Bart", "Bas", "Bram", "Carlijn", "Cor", "Daan",
            "Dirk", "Eline", "Emma", "Erik", "Esther", "Eva", "Femke", "Floor", "Frank",
            "Gerda", "Hanneke", "Hans", "Ilse", "Inge", "Iris", "Jan", "Jasper", "Jeroen",
            "Jolanda", "Joris", "Judith", "Karin", "Kees", "Koen", "Laura", "Lieke", "Linda",
            "Lisa", "Maarten", "Manon", "Marco", "Marloes", "Martijn", "Monique", "Niels",
            "Noor", "Patrick", "Petra", "Pieter", "Renske", "Rik", "Robin", "Roos", "Ruud",
            "Sabine", "Sanne", "Saskia", "Sophie", "Stijn", "Suzanne", "Thijs", "Tom",
            "Wendy", "Willem", "Wouter",
        ),
        (
            "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen",
            "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos",
            "Peters", "Hendriks", "van Leeuwen", "Dekker", "Dijkstra", "de Wit", "Kok",
            "Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "van der Veen",
            "van den Broek", "de Bruijn", "van der Heijden", "Schouten", "van Beek",
            "Willems", "van Vliet", "van de Ven", "Hoekstra", "Maas", "Koster", "van Dam",
            "van der Wal", "Prins", "Blom", "Huisman", "Kramer", "ter Horst", "Postma",
            "Kuipers", "van Rijn", "Veenstra", "Zijlstra", "Groen", "van 't Hof", "Kaptein",
            "Zwart", "Ruiter", "Wijnands", "Bijl", "van Wijk",
        ),
        85,
    ),
    (
        ("Mohamed", "Rachid", "Nadia", "Samira", "Yasmina", "Karim", "Soufiane", "Naima"),
        ("el Amrani", "Boukhari", "Bouzid", "el Idrissi", "Azzouzi", "Benali", "Ouali"),
        6,
    ),
    (
        ("Hatice", "Zeynep", "Meryem", "Yusuf", "Emre", "Elif", "Burak", "Özlem"),
        ("Yilmaz", "Öztürk", "Kaya", "Demir", "Çelik", "Aydın", "Şahin"),
        5,
    ),
    (
        ("Priya", "Sunita", "Rajesh", "Anjali", "Dewi", "Glenn", "Shirley", "Romano"),
        ("Ramdin", "Sitompul", "Baldew", "Jadnanansing", "Kromodimedjo", "Soekhoe", "Pinas"),
        4,
    ),
)  # fmt: skip


@dataclass
class DemoSummary:
    board: Board
    schools: list[School]
    teams: int
    people: int
    ended: int


def ascii_slug(text: str) -> str:
    # NFKD splits "ö" into "o" and a diaeresis; the Turkish dotless ı has no decomposition.
    plain = unicodedata.normalize("NFKD", text.replace("ı", "i")).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


class DemoBuilder:
    """Builds the demo in the caller's transaction; `build` runs once per database."""

    def __init__(self, password_hash: str, today: dt.date | None = None) -> None:
        self.password_hash = password_hash
        self.today = today or timezone.localdate()
        self.year = school_year_start(self.today)  # the current school year began 1 Aug
        self.rng = random.Random(SEED)
        self.used_names = {account.name for account in ACCOUNTS}
        self.used_emails = {account.email for account in ACCOUNTS}
        self.people = 0
        self.ended = 0

    # --- people ---

    def new_name(self) -> str:
        while True:
            pools = [pool[:2] for pool in NAME_POOLS]
            weights = [pool[2] for pool in NAME_POOLS]
            first_names, surnames = self.rng.choices(pools, weights)[0]
            name = f"{self.rng.choice(first_names)} {self.rng.choice(surnames)}"
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    def email_for(self, name: str) -> str:
        first, _space, surname = name.partition(" ")
        base = f"{ascii_slug(first)}.{ascii_slug(surname)}"
        email, counter = demo_email(base), 2
        while email in self.used_emails:
            email, counter = demo_email(f"{base}{counter}"), counter + 1
        self.used_emails.add(email)
        return email

    def user(self, email: str, name: str) -> User:
        self.people += 1
        user = User(email=email, display_name=name, password=self.password_hash)
        user.save()
        return user

    # --- dates ---

    def started(self, years: int) -> dt.date:
        """Most people start on 1 August; some join during the year (never in the future)."""
        start = dt.date(self.year - years, 8, 1)
        if years > 0 and self.rng.random() < 0.3:
            start += dt.timedelta(days=self.rng.randint(30, 200))
        return start

    def random_years(self) -> int:
        # Many recent starters, a long tail of people who have been there for decades.
        return min(int(self.rng.expovariate(1 / 7)), 30)

    def left_last_year(self) -> dt.date:
        """Most leave at the end of the previous school year, one now and then mid-year."""
        if self.rng.random() < 0.7:
            return dt.date(self.year, 7, 31)
        return dt.date(self.year - 1, 12, 1) + dt.timedelta(days=self.rng.randint(0, 120))

    # --- building ---

    def join(self, user: User, school: School, role: str, teams: list[Team], **dates) -> None:
        """The first team is the person's primary team. The team records say, as the system,
        when each person joined (and left): the demo's teams have a history to show."""
        membership = Membership.objects.create(user=user, school=school, role=role, **dates)
        TeamMembership.objects.bulk_create(
            TeamMembership(membership=membership, team=team, primary=position == 0)
            for position, team in enumerate(teams)
        )
        joined = at_nine(membership.started_on)
        lines = [(team, TeamChange.Kind.JOINED, joined) for team in teams]
        lines += [(teams[0], TeamChange.Kind.PRIMARY, joined)] if teams else []
        if membership.ended_on is not None:
            lines += [(team, TeamChange.Kind.LEFT, at_nine(membership.ended_on)) for team in teams]
        TeamChange.objects.bulk_create(
            TeamChange(team=team, person=user, person_name=user.display_name, kind=kind, at=at)
            for team, kind, at in lines
        )

    def build(self) -> DemoSummary:
        SchoolYear.objects.for_date(dt.date(self.year - 1, 8, 1))
        SchoolYear.objects.for_date(self.today)
        board = Board.objects.create(name=BOARD_NAME, slug=BOARD_SLUG)
        schools = [
            School.objects.create(
                board=board, name=spec.name, slug=spec.slug, sector=spec.sector, city=spec.city
            )
            for spec in SCHOOLS
        ]
        team_count = 0
        for index, (spec, school) in enumerate(zip(SCHOOLS, schools, strict=True)):
            teams = {name: Team.objects.create(school=school, name=name) for name in spec.teams}
            team_count += len(teams)
            self.build_staff(index, spec, school, teams)
        for account in ACCOUNTS:
            if account.school is None:
                user = self.user(account.email, account.name)
                Membership.objects.create(
                    user=user,
                    board=board,
                    role=account.role,
                    started_on=self.started(account.years),
                )
        return DemoSummary(board, schools, team_count, self.people, self.ended)

    def build_staff(
        self, index: int, spec: SchoolSpec, school: School, teams: dict[str, Team]
    ) -> None:
        fixed = [a for a in ACCOUNTS if a.school == index]
        for account in fixed:
            user = self.user(account.email, account.name)
            placed = [teams[account.team]] if account.team else []
            self.join(user, school, account.role, placed, started_on=self.started(account.years))

        plan: list[tuple[str, bool]] = []  # (role, works in a team)
        if not any(a.role == Role.LEADER for a in fixed):
            plan.append((Role.LEADER, False))  # the leader stays out of the teams
        if spec.deputy:
            plan.append((Role.LEADER, True))  # a deputy also leads one of the teams
        carriers = spec.culture_carriers - sum(a.role == Role.CULTURE_CARRIER for a in fixed)
        plan += [(Role.CULTURE_CARRIER, True)] * carriers
        plan += [(Role.MEMBER, True)] * (spec.staff - len(fixed) - len(plan))

        team_list = list(teams.values())
        for position, (role, in_team) in enumerate(plan):
            user = self.user_with_new_name()
            placed = [team_list[position % len(team_list)]] if in_team else []
            if role == Role.MEMBER and self.rng.random() < 0.15:
                # Some work in two teams: a gym teacher, a remedial teacher, a shared section.
                placed.append(self.rng.choice([t for t in team_list if t not in placed]))
            # Leaders and culture carriers have been at the school for a while.
            years = self.rng.randint(2, 12) if role != Role.MEMBER else self.random_years()
            self.join(user, school, role, placed, started_on=self.started(years))

        # People who left during the previous school year: the turnover of the demo.
        for _ in range(spec.left_last_year):
            user = self.user_with_new_name()
            ended_on = self.left_last_year()
            started_on = self.started(self.rng.randint(2, 15))
            self.join(
                user,
                school,
                Role.MEMBER,
                [self.rng.choice(team_list)],
                started_on=started_on,
                ended_on=ended_on,
            )
            self.ended += 1

    def user_with_new_name(self) -> User:
        name = self.new_name()
        return self.user(self.email_for(name), name)


def at_nine(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), timezone.get_current_timezone())


def demo_exists() -> bool:
    return Board.objects.filter(slug=BOARD_SLUG).exists()
