"""The fixed test personas, shared by every test module (see conftest.py for the fixtures).

One board ("Stichting Noorderlicht") with a school ("De Vuurtoren") whose people are a
board admin, a leader, a culture carrier and two teachers; an outsider leads a school of
another board.
"""

from __future__ import annotations

from dataclasses import dataclass

from dramaturg.accounts.models import User
from dramaturg.schools.models import Board, Membership, School, Team, TeamMembership
from dramaturg.schools.roles import Role

PASSWORD = "vuurtoren-wachtwoord-2026"


@dataclass
class World:
    board: Board
    school: School
    team_a: Team
    team_b: Team
    board_admin: User
    leader: User
    culture_carrier: User
    teacher: User
    teacher2: User
    other_board: Board
    other_school: School
    outsider: User


def make_user(email: str, name: str) -> User:
    return User.objects.create_user(email=email, password=PASSWORD, display_name=name)


def join(user: User, school: School, role: str, *teams: Team) -> Membership:
    membership = Membership.objects.create(user=user, school=school, role=role)
    for position, team in enumerate(teams):
        # The first team is the person's primary team, as `schools.teams` would make it.
        TeamMembership.objects.create(membership=membership, team=team, primary=position == 0)
    return membership


def build_world() -> World:
    board = Board.objects.create(name="Stichting Noorderlicht", slug="noorderlicht")
    school = School.objects.create(
        board=board, name="De Vuurtoren", slug="de-vuurtoren", sector="po", city="Harlingen"
    )
    team_a = Team.objects.create(school=school, name="Onderbouw")
    team_b = Team.objects.create(school=school, name="Bovenbouw")
    other_board = Board.objects.create(name="Stichting Zuiderzon", slug="zuiderzon")
    other_school = School.objects.create(
        board=other_board, name="De Zonnewijzer", slug="de-zonnewijzer", sector="vo"
    )

    board_admin = make_user("bestuur@noorderlicht.test", "Bea Bestuur")
    Membership.objects.create(user=board_admin, board=board, role=Role.BOARD_ADMIN)
    leader = make_user("leider@vuurtoren.test", "Lieke de Leider")
    join(leader, school, Role.LEADER)
    culture_carrier = make_user("ontwikkel@vuurtoren.test", "Otto Ontwikkel")
    join(culture_carrier, school, Role.CULTURE_CARRIER, team_a)
    teacher = make_user("docent@vuurtoren.test", "Daan Docent")
    join(teacher, school, Role.MEMBER, team_a)
    teacher2 = make_user("juf@vuurtoren.test", "Jet van der Juf")
    join(teacher2, school, Role.MEMBER, team_b)
    outsider = make_user("buiten@zonnewijzer.test", "Bram Buitenstaander")
    join(outsider, other_school, Role.LEADER)
    Membership.objects.create(
        user=make_user("bestuur@zuiderzon.test", "Zoë Zuid"),
        board=other_board,
        role=Role.BOARD_ADMIN,
    )
    return World(
        board=board,
        school=school,
        team_a=team_a,
        team_b=team_b,
        board_admin=board_admin,
        leader=leader,
        culture_carrier=culture_carrier,
        teacher=teacher,
        teacher2=teacher2,
        other_board=other_board,
        other_school=other_school,
        outsider=outsider,
    )
