"""What importing a staff list would do to a school, worked out by reading only.

``plan_import(school, rows, actor)`` looks up every row's person, open membership and teams
and says per row what will happen: a new person, someone with an account who joins, a role
that changes, teams that are added, or no change at all. The preview shows this plan;
``services.import_staff`` builds the same plan again inside its transaction and carries it
out, so what the leader confirmed and what is written come from one piece of code.

An import only adds: it never removes anyone from a team or from the school, and it keeps the
name a person already has on their account. The first team of a row becomes that person's
primary team (the team their answers count for when several of their teams are asked).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from dramaturg.accounts.models import User
from dramaturg.schools.models import Membership, School, Team, TeamMembership
from dramaturg.schools.roles import Role
from dramaturg.schools.staff_import import Note, StaffRow, check_rows


class StaffImportError(Exception):
    """An import that cannot go ahead; ``note`` says why in the user's language."""

    note: Note


class ImportHasProblems(StaffImportError):
    note = Note(
        "has_problems",
        _(
            "Nothing was imported: the list still has problems. "
            "Correct the file and upload it again."
        ),
    )


class StaleImport(StaffImportError):
    note = Note(
        "stale",
        _(
            "Nothing was imported: the staff list changed after you checked the preview. "
            "Look at the new preview and confirm again."
        ),
    )


class Outcome:
    PROBLEM = "problem"
    NEW_PERSON = "new_person"
    JOINS = "joins"
    CHANGES = "changes"
    UNCHANGED = "unchanged"


def _role_label(role: str | None) -> Any:
    return Role(role).label if role else ""


@dataclass
class RowPlan:
    """One row of the file and what importing it would do."""

    row: StaffRow
    user: User | None = None
    membership: Membership | None = None
    # Every team the row names: an existing Team, or the team_key of a team to be created.
    teams: list[Team | str] = field(default_factory=list)
    added_teams: list[tuple[str, bool]] = field(default_factory=list)  # (name, newly created)
    problems: list[Note] = field(default_factory=list)
    # The first team of the row becomes the person's primary team; set only when that moves
    # the primary team of someone already on the staff (the name it will have).
    new_primary: str | None = None

    @property
    def current_role(self) -> str | None:
        return self.membership.role if self.membership else None

    @property
    def outcome(self) -> str:
        if self.problems:
            return Outcome.PROBLEM
        if self.user is None:
            return Outcome.NEW_PERSON
        if self.membership is None:
            return Outcome.JOINS
        if self.membership.role != self.row.role or self.added_teams or self.new_primary:
            return Outcome.CHANGES
        return Outcome.UNCHANGED

    @property
    def actions(self) -> list[Note]:
        """What will happen, in sentences for the preview."""
        outcome, role = self.outcome, _role_label(self.row.role)
        if outcome == Outcome.PROBLEM:
            return []
        notes = []
        if outcome == Outcome.NEW_PERSON:
            notes.append(
                Note("new_person", _("New person: joins the staff as %(role)s."), {"role": role})
            )
        elif outcome == Outcome.JOINS:
            notes.append(
                Note(
                    "joins",
                    _("Already has an account; joins the staff as %(role)s."),
                    {"role": role},
                )
            )
        elif outcome == Outcome.UNCHANGED:
            notes.append(Note("unchanged", _("Already on the staff list — no change.")))
        elif self.current_role != self.row.role:
            notes.append(
                Note(
                    "role_change",
                    _("Role will change from %(old)s to %(new)s."),
                    {"old": _role_label(self.current_role), "new": role},
                )
            )
        for name, is_new in self.added_teams:
            if is_new:
                text = _("Will be added to team “%(team)s”, a new team that will be created.")
            else:
                text = _("Will be added to team “%(team)s”.")
            notes.append(Note("new_team" if is_new else "team", text, {"team": name}))
        if self.new_primary:
            notes.append(
                Note(
                    "primary",
                    _("“%(team)s” becomes the primary team."),
                    {"team": self.new_primary},
                )
            )
        if self.user is not None and self.user.display_name != self.row.name:
            notes.append(
                Note(
                    "name_kept",
                    _("The account already has the name “%(name)s”; that name is kept."),
                    {"name": self.user.display_name},
                )
            )
        return notes


def team_key(name: str) -> str:
    """Teams are matched without regard to case: "onderbouw" in a file is "Onderbouw"."""
    return name.casefold()


@dataclass
class ImportPlan:
    """The plan for a whole file: its rows and the teams it will create."""

    rows: list[RowPlan]
    new_teams: dict[str, str]  # team_key -> name as first written in the file

    @property
    def has_problems(self) -> bool:
        return any(plan.problems for plan in self.rows)

    @property
    def new_team_names(self) -> list[str]:
        return list(self.new_teams.values())

    @property
    def problem_rows(self) -> list[RowPlan]:
        return [plan for plan in self.rows if plan.problems]

    @property
    def counts(self) -> dict[str, int]:
        counts = {
            "rows": len(self.rows),
            Outcome.PROBLEM: 0,
            Outcome.NEW_PERSON: 0,
            Outcome.JOINS: 0,
            Outcome.CHANGES: 0,
            Outcome.UNCHANGED: 0,
            "new_teams": len(self.new_teams),
        }
        for plan in self.rows:
            counts[plan.outcome] += 1
        return counts

    @property
    def changes_anything(self) -> bool:
        return bool(self.new_teams) or any(p.outcome != Outcome.UNCHANGED for p in self.rows)

    @property
    def fingerprint(self) -> str:
        """Changes when the file or the school's staff changes between preview and confirm."""
        summary: list[Any] = [
            [
                plan.row.to_data(),
                plan.outcome,
                plan.user.pk if plan.user else None,
                plan.current_role,
                plan.added_teams,
                plan.new_primary,
            ]
            for plan in self.rows
        ]
        summary.append(sorted(self.new_teams.items()))
        return hashlib.sha256(json.dumps(summary).encode()).hexdigest()


def plan_import(school: School, rows: Iterable[StaffRow], actor: Any = None) -> ImportPlan:
    """Work out, without writing, what importing `rows` into `school` would do.

    The rows are checked again from their values first, so rows that come back from the
    session (or from any caller) carry exactly the problems the parser would give them.
    With `actor`, a row that would change the actor's own role is a problem: a leader must
    not take away their own right to manage the staff by accident.
    """
    checked = check_rows(rows)
    emails = {row.email for row in checked if row.ok}
    # E-mail addresses are stored lower-cased (normalize_email); Lower() also finds any
    # account created before that rule. Only people who are or were on this school's staff
    # are matched: an account elsewhere must stay invisible to this school (no name, not even
    # that it exists), so such a row reads as a new person and is invited, not enrolled.
    users = {
        user.email.lower(): user
        for user in User.objects.annotate(email_key=Lower("email"))
        .filter(email_key__in=emails, memberships__school=school)
        .distinct()
    }
    memberships = {
        m.user_id: m
        for m in Membership.objects.filter(
            school=school, ended_on=None, user__in=list(users.values())
        ).prefetch_related("teams")
    }
    primaries = dict(
        TeamMembership.objects.filter(
            membership__in=list(memberships.values()), primary=True
        ).values_list("membership_id", "team_id")
    )
    school_teams = list(Team.objects.filter(school=school).order_by("pk"))
    existing: dict[str, Team] = {}
    for team in school_teams:
        existing.setdefault(team_key(team.name), team)
    # An exact match wins over a match in another case (the database allows both).
    existing_exact = {team.name: team for team in school_teams}
    new_teams: dict[str, str] = {}

    plans = []
    for row in checked:
        plan = RowPlan(row=row, problems=list(row.problems))
        plans.append(plan)
        if plan.problems:
            continue
        plan.user = users.get(row.email)
        plan.membership = memberships.get(plan.user.pk) if plan.user else None
        is_actor = actor is not None and plan.user is not None and plan.user.pk == actor.pk
        if is_actor and plan.current_role not in (None, row.role):
            plan.problems.append(
                Note(
                    "own_role",
                    _(
                        "This is you. You cannot change your own role with an import; "
                        "ask another school leader, or use role “%(role)s” in the file."
                    ),
                    {"role": _role_label(plan.current_role)},
                )
            )
            continue
        present = {t.pk for t in plan.membership.teams.all()} if plan.membership else set()
        for name in row.teams:
            found = existing_exact.get(name) or existing.get(team_key(name))
            if found is None:
                # The first spelling in the file names the new team.
                key = team_key(name)
                new_teams.setdefault(key, name)
                plan.teams.append(key)
                plan.added_teams.append((new_teams[key], True))
            else:
                plan.teams.append(found)
                if found.pk not in present:
                    plan.added_teams.append((found.name, False))
        if plan.membership is not None and plan.teams:
            first = plan.teams[0]
            if not isinstance(first, Team):
                plan.new_primary = new_teams[first]
            elif primaries.get(plan.membership.pk) != first.pk:
                plan.new_primary = first.name
    # Rows with problems are skipped above, so a team named only there is not created.
    return ImportPlan(rows=plans, new_teams=new_teams)
