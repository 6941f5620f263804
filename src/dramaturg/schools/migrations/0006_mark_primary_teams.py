"""Every person who is in a team gets a primary team: the team they were placed in first
(their team membership with the lowest id). Later changes go through `schools.teams`."""

from django.db import migrations
from django.db.models import Min


def mark_first_team_primary(apps, schema_editor):
    TeamMembership = apps.get_model("schools", "TeamMembership")
    firsts = (
        TeamMembership.objects.values("membership")
        .annotate(first=Min("pk"))
        .values_list("first", flat=True)
    )
    # Memberships that already have a primary team (none, before this migration) keep it.
    holding = TeamMembership.objects.filter(primary=True).values("membership")
    TeamMembership.objects.filter(pk__in=list(firsts)).exclude(membership__in=holding).update(
        primary=True
    )


def clear_primary(apps, schema_editor):
    apps.get_model("schools", "TeamMembership").objects.update(primary=False)


class Migration(migrations.Migration):
    dependencies = [("schools", "0005_primary_team_and_changes")]

    operations = [migrations.RunPython(mark_first_team_primary, clear_primary)]
