"""Fill the (migrated) database in DATABASE_URL for tests/test_servers.py.

Run as `python -m tests.servers_world` with the servers' environment: the data must be in
the PostgreSQL database the servers share, which is not the suite's own database (that is
SQLite in memory on most runs). Prints what the test needs as one line of JSON.
"""

from __future__ import annotations

import json
import os


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dramaturg.config.settings")
    import django

    django.setup()
    from dramaturg.schools.models import Team
    from tests.personas import PASSWORD, build_world
    from tests.survey_helpers import add_members
    from tests.test_reports_dashboard import answered_round

    world = build_world()
    # Two past rounds over three teams, as tests/test_reports_dashboard.py has them: the
    # dashboard then draws trend and bar charts.
    middle = Team.objects.create(school=world.school, name="Middenbouw")
    add_members(world, world.team_b, 7)
    add_members(world, middle, 6, prefix="midden")
    teams = [world.team_a, middle, world.team_b]
    answered_round(world, teams, weeks=60, title="Najaar")
    latest = answered_round(world, teams, weeks=30, title="Voorjaar")
    print(
        json.dumps(
            {
                "email": world.leader.email,
                "password": PASSWORD,
                "school": world.school.slug,
                "school_name": world.school.name,
                "round": latest.pk,
            }
        )
    )


if __name__ == "__main__":
    main()
