"""The data migration that gives every person already in a team a primary team."""

from __future__ import annotations

import pytest

BEFORE = ("schools", "0004_share_results_with_board")
AFTER = ("schools", "0006_mark_primary_teams")


@pytest.mark.django_db(transaction=True)
def test_the_first_team_a_person_was_placed_in_becomes_primary(migrator):
    old = migrator.apply_initial_migration(BEFORE)
    User = old.apps.get_model("accounts", "User")
    Board = old.apps.get_model("schools", "Board")
    School = old.apps.get_model("schools", "School")
    Team = old.apps.get_model("schools", "Team")
    Membership = old.apps.get_model("schools", "Membership")
    TeamMembership = old.apps.get_model("schools", "TeamMembership")

    board = Board.objects.create(name="Bestuur", slug="bestuur")
    school = School.objects.create(board=board, name="School", slug="school", sector="po")
    upper, lower, care = (
        Team.objects.create(school=school, name=name)
        for name in ("Bovenbouw", "Onderbouw", "Zorgteam")
    )

    def member(email: str, *teams) -> int:
        user = User.objects.create(email=email, display_name=email.split("@")[0])
        membership = Membership.objects.create(user=user, school=school, role="member")
        for team in teams:
            TeamMembership.objects.create(membership=membership, team=team)
        return membership.pk

    # Placed in Zorgteam first, then in two bouwen: Zorgteam has the lowest id.
    three = member("drie@school.test", care, upper, lower)
    one = member("een@school.test", lower)
    none = member("geen@school.test")

    new = migrator.apply_tested_migration(AFTER)
    placements = new.apps.get_model("schools", "TeamMembership").objects
    primary = dict(placements.filter(primary=True).values_list("membership_id", "team__name"))
    assert primary == {three: "Zorgteam", one: "Onderbouw"}
    assert none not in primary
    assert placements.filter(membership_id=three, primary=False).count() == 2
